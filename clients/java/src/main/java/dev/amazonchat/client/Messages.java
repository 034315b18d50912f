package dev.amazonchat.client;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.amazonchat.v1.ChatCompletionRequest;
import dev.amazonchat.v1.FunctionDefinition;
import dev.amazonchat.v1.Message;
import dev.amazonchat.v1.ThinkingBlock;
import dev.amazonchat.v1.Tool;
import dev.amazonchat.v1.ToolCall;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builders for the messages and tools of a chat request. */
public final class Messages {
  private Messages() {}

  /** A system message. */
  public static Message system(String text) {
    return Message.newBuilder().setRole("system").setText(text).build();
  }

  /** A user message. */
  public static Message user(String text) {
    return Message.newBuilder().setRole("user").setText(text).build();
  }

  /** An assistant message (to replay history): text ({@code null}: none), tool calls, or both. */
  public static Message assistant(String text, List<ToolCall> toolCalls) {
    Message.Builder message = Message.newBuilder().setRole("assistant").addAllToolCalls(toolCalls);
    if (text != null) {
      message.setText(text);
    }
    return message.build();
  }

  /**
   * An assistant message (to replay history) with the thinking blocks its answer came with: send them
   * back unchanged, Bedrock checks their signatures.
   */
  public static Message assistant(
      String text, List<ToolCall> toolCalls, List<ThinkingBlock> thinkingBlocks) {
    return assistant(text, toolCalls).toBuilder().addAllThinkingBlocks(thinkingBlocks).build();
  }

  /** A tool message answering the tool call {@code toolCallId}. */
  public static Message toolResult(String toolCallId, String text) {
    return Message.newBuilder().setRole("tool").setToolCallId(toolCallId).setText(text).build();
  }

  /**
   * A function tool. {@code parameters} is its arguments' JSON Schema as nested maps, lists, strings,
   * numbers, booleans and nulls ({@code null}: a function without arguments).
   */
  public static Tool functionTool(String name, String description, Map<String, ?> parameters) {
    FunctionDefinition.Builder function = FunctionDefinition.newBuilder().setName(name);
    if (description != null) {
      function.setDescription(description);
    }
    if (parameters != null) {
      function.setParameters(toStruct(parameters));
    }
    return Tool.newBuilder().setType("function").setFunction(function).build();
  }

  /** A request builder for {@code model} with the given conversation; set more fields on it. */
  public static ChatCompletionRequest.Builder request(String model, Message... messages) {
    return ChatCompletionRequest.newBuilder().setModel(model).addAllMessages(Arrays.asList(messages));
  }

  /** A JSON object (nested maps, lists and scalars) as a protobuf Struct. */
  public static Struct toStruct(Map<String, ?> map) {
    Struct.Builder struct = Struct.newBuilder();
    map.forEach((key, value) -> struct.putFields(key, toValue(value)));
    return struct.build();
  }

  private static Value toValue(Object value) {
    if (value == null) {
      return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    } else if (value instanceof String s) {
      return Value.newBuilder().setStringValue(s).build();
    } else if (value instanceof Boolean b) {
      return Value.newBuilder().setBoolValue(b).build();
    } else if (value instanceof Number n) {
      return Value.newBuilder().setNumberValue(n.doubleValue()).build();
    } else if (value instanceof Map<?, ?> m) {
      Struct.Builder struct = Struct.newBuilder();
      m.forEach((k, v) -> struct.putFields(String.valueOf(k), toValue(v)));
      return Value.newBuilder().setStructValue(struct).build();
    } else if (value instanceof Iterable<?> list) {
      ListValue.Builder values = ListValue.newBuilder();
      list.forEach(v -> values.addValues(toValue(v)));
      return Value.newBuilder().setListValue(values).build();
    }
    throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
  }
}
