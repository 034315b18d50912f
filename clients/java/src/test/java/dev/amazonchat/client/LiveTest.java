package dev.amazonchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amazonchat.v1.ChatCompletionRequest;
import dev.amazonchat.v1.ChatCompletionResponse;
import dev.amazonchat.v1.Choice;
import dev.amazonchat.v1.Message;
import dev.amazonchat.v1.Model;
import dev.amazonchat.v1.StreamChatCompletionResponse;
import dev.amazonchat.v1.StreamOptions;
import dev.amazonchat.v1.ThinkingBlock;
import dev.amazonchat.v1.Tool;
import dev.amazonchat.v1.ToolCall;
import dev.amazonchat.v1.ToolChoice;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The Java client against a live {@code amazon-chat serve --demo} (see {@link LiveServer}). */
class LiveTest {
  private static final String MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
  private static final String PROMPT = "hello there";
  // A model that can reason (the emulator thinks "Let me think about: <prompt>" first, and signs it).
  private static final String SONNET_4 = "us.anthropic.claude-sonnet-4-20250514-v1:0";
  private static final String SLOW_PROMPT = "[[emulator:delay=2000ms]] are you there?";
  private static final Duration SHORT = Duration.ofMillis(250);
  private static final Tool WEATHER =
      Messages.functionTool(
          "get_weather",
          "Current weather in a city",
          Map.of(
              "type", "object",
              "properties", Map.of("city", Map.of("type", "string")),
              "required", List.of("city")));

  private static LiveServer server;
  private static AmazonChatClient client;

  @BeforeAll
  static void start() throws Exception {
    server = LiveServer.start();
    client =
        AmazonChatClient.builder(server.target)
            .apiKey(server.apiKey)
            .timeout(Duration.ofSeconds(30))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static StatusRuntimeException assertStatus(Status.Code code, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), () -> "status: " + e.getStatus());
    return e;
  }

  @Test
  void unaryChat() {
    assertEquals("You said: hello there", client.chat(MODEL, PROMPT));
    ChatCompletionResponse response =
        client.chatCompletion(Messages.request(MODEL, Messages.user(PROMPT)).build());
    assertEquals("chat.completion", response.getObject());
    assertEquals(MODEL, response.getModel());
    assertFalse(response.getId().isEmpty());
    assertEquals(1, response.getChoicesCount());
    assertEquals("assistant", response.getChoices(0).getMessage().getRole());
    assertEquals("stop", response.getChoices(0).getFinishReason());
    var usage = response.getUsage();
    assertEquals(usage.getPromptTokens() + usage.getCompletionTokens(), usage.getTotalTokens());
  }

  @Test
  void streamingEqualsUnary() throws Exception {
    String unary = client.chat(MODEL, PROMPT);
    ChatCompletionRequest request =
        Messages.request(MODEL, Messages.user(PROMPT))
            .setStreamOptions(StreamOptions.newBuilder().setIncludeUsage(true))
            .build();
    List<StreamChatCompletionResponse> chunks = new ArrayList<>();
    try (AmazonChatClient.ChatStream stream = client.streamChatCompletion(request)) {
      stream.forEachRemaining(chunks::add);
    }
    List<StreamChatCompletionResponse> content =
        chunks.stream().filter(c -> c.getChoicesCount() > 0).toList();
    assertTrue(content.size() >= 2, "expected the answer in several chunks");
    assertEquals("assistant", content.get(0).getChoices(0).getDelta().getRole());
    assertEquals("stop", content.get(content.size() - 1).getChoices(0).getFinishReason());
    StringBuilder text = new StringBuilder();
    for (StreamChatCompletionResponse chunk : content) {
      text.append(chunk.getChoices(0).getDelta().getContent());
      assertEquals(chunks.get(0).getId(), chunk.getId());
      assertEquals("chat.completion.chunk", chunk.getObject());
    }
    assertEquals(unary, text.toString());
    StreamChatCompletionResponse last = chunks.get(chunks.size() - 1);
    assertEquals(0, last.getChoicesCount());
    assertTrue(last.hasUsage() && last.getUsage().getTotalTokens() > 0);

    StringBuilder fragments = new StringBuilder();
    client.streamChat(MODEL, PROMPT).forEachRemaining(fragments::append);
    assertEquals(unary, fragments.toString());

    // The same stream through a StreamObserver.
    CompletableFuture<String> observed = new CompletableFuture<>();
    client.streamChatCompletion(
        request,
        Duration.ofSeconds(30),
        new StreamObserver<>() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public void onNext(StreamChatCompletionResponse chunk) {
            text.append(AmazonChatClient.deltaText(chunk));
          }

          @Override
          public void onError(Throwable t) {
            observed.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            observed.complete(text.toString());
          }
        });
    assertEquals(unary, observed.get(30, TimeUnit.SECONDS));
  }

  @Test
  void models() {
    List<Model> models = client.listModels();
    assertTrue(models.stream().anyMatch(m -> m.getId().equals(MODEL)), () -> "models: " + models);
    Model model = client.getModel(MODEL);
    assertEquals(MODEL, model.getId());
    assertEquals("model", model.getObject());
  }

  @Test
  void toolCallRoundTrip() {
    Message ask = Messages.user("What is the weather in Paris?");
    ChatCompletionResponse first =
        client.chatCompletion(
            Messages.request(MODEL, ask)
                .addTools(WEATHER)
                .setToolChoice(ToolChoice.newBuilder().setMode("required"))
                .build());
    Choice choice = first.getChoices(0);
    assertEquals("tool_calls", choice.getFinishReason());
    ToolCall call = choice.getMessage().getToolCalls(0);
    assertFalse(call.getId().isEmpty());
    assertEquals("function", call.getType());
    assertEquals("get_weather", call.getFunction().getName());
    assertTrue(
        Pattern.compile("^\\s*\\{.*\"city\"\\s*:", Pattern.DOTALL)
            .matcher(call.getFunction().getArguments())
            .find(),
        () -> "arguments: " + call.getFunction().getArguments());

    ChatCompletionResponse second =
        client.chatCompletion(
            Messages.request(
                    MODEL,
                    ask,
                    Messages.assistant(null, choice.getMessage().getToolCallsList()),
                    Messages.toolResult(call.getId(), "sunny, 21C"))
                .addTools(WEATHER)
                .build());
    assertEquals("stop", second.getChoices(0).getFinishReason());
    assertTrue(AmazonChatClient.answerText(second).contains("sunny, 21C"));
  }

  @Test
  void reasoning() {
    Answer answer = client.chatAnswer(SONNET_4, PROMPT, "low");
    assertEquals("You said: hello there", answer.text());
    assertEquals("Let me think about: hello there", answer.reasoning());
    assertEquals("stop", answer.finishReason());
    assertEquals(1, answer.thinkingBlocks().size());
    ThinkingBlock block = answer.thinkingBlocks().get(0);
    assertEquals("thinking", block.getType());
    assertEquals(answer.reasoning(), block.getThinking());
    assertFalse(block.getSignature().isEmpty());
    assertEquals(answer.reasoning(), AmazonChatClient.reasoningText(answer.response()));

    // The answer's message replays as it is (its signed block included), and so does assistant().
    for (Message replayed :
        List.of(
            answer.message(),
            Messages.assistant(answer.text(), List.of(), answer.thinkingBlocks()))) {
      Answer again =
          Answer.of(
              client.chatCompletion(
                  Messages.request(
                          SONNET_4, Messages.user(PROMPT), replayed, Messages.user("and again"))
                      .setReasoningEffort("low")
                      .build()));
      assertEquals("You said: and again", again.text());
      assertEquals("Let me think about: and again", again.reasoning());
    }
  }

  @Test
  void wrongApiKeyIsUnauthenticated() {
    for (String key : new String[] {"wrong-key", null}) {
      try (AmazonChatClient bad = AmazonChatClient.connect(server.target, key)) {
        assertStatus(Status.Code.UNAUTHENTICATED, () -> bad.chat(MODEL, PROMPT));
        assertStatus(Status.Code.UNAUTHENTICATED, bad::listModels);
      }
    }
  }

  @Test
  void unknownModelIsNotFound() {
    StatusRuntimeException e =
        assertStatus(Status.Code.NOT_FOUND, () -> client.chat("no-such-model", PROMPT));
    assertNotNull(e.getStatus().getDescription());
    assertStatus(Status.Code.NOT_FOUND, () -> client.getModel("no-such-model"));
  }

  @Test
  void deadlineExceeded() {
    ChatCompletionRequest slow = Messages.request(MODEL, Messages.user(SLOW_PROMPT)).build();
    assertStatus(Status.Code.DEADLINE_EXCEEDED, () -> client.chatCompletion(slow, SHORT));
    assertStatus(
        Status.Code.DEADLINE_EXCEEDED,
        () -> {
          try (AmazonChatClient.ChatStream stream = client.streamChatCompletion(slow, SHORT)) {
            stream.forEachRemaining(chunk -> {});
          }
        });
    try (AmazonChatClient short_ =
        AmazonChatClient.builder(server.target).apiKey(server.apiKey).timeout(SHORT).build()) {
      assertStatus(Status.Code.DEADLINE_EXCEEDED, () -> short_.chat(MODEL, SLOW_PROMPT));
      Iterator<String> fragments = short_.streamChat(MODEL, SLOW_PROMPT);
      assertStatus(Status.Code.DEADLINE_EXCEEDED, fragments::hasNext);
    }
  }
}
