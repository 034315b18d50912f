package dev.amazonchat.client;

import dev.amazonchat.v1.ChatCompletionResponse;
import dev.amazonchat.v1.Choice;
import dev.amazonchat.v1.Message;
import dev.amazonchat.v1.ThinkingBlock;
import dev.amazonchat.v1.ToolCall;
import java.util.List;

/**
 * An answer with what came with it: {@link AmazonChatClient#chatAnswer}'s result.
 *
 * @param text the answer's text ("" if the model only called tools)
 * @param reasoning the model's reasoning, all its blocks' text joined ("" if it did not reason)
 * @param thinkingBlocks the signed reasoning blocks, to replay unchanged
 * @param toolCalls the tool calls the model made
 * @param finishReason "stop", "length", "tool_calls" or "content_filter" ("" without a choice)
 * @param message the assistant message as the server sent it: add it to the conversation to continue
 *     (its thinking blocks and tool calls included; Bedrock checks the blocks' signatures)
 * @param response the whole response
 */
public record Answer(
    String text,
    String reasoning,
    List<ThinkingBlock> thinkingBlocks,
    List<ToolCall> toolCalls,
    String finishReason,
    Message message,
    ChatCompletionResponse response) {

  /** The answer of a response's first choice. */
  public static Answer of(ChatCompletionResponse response) {
    Choice choice =
        response.getChoicesCount() == 0 ? Choice.getDefaultInstance() : response.getChoices(0);
    Message message = choice.getMessage();
    return new Answer(
        message.getText(),
        message.getReasoningContent(),
        message.getThinkingBlocksList(),
        message.getToolCallsList(),
        choice.getFinishReason(),
        message,
        response);
  }
}
