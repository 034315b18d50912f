package dev.amazonchat.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amazonchat.v1.ChatCompletionRequest;
import dev.amazonchat.v1.ChatCompletionResponse;
import dev.amazonchat.v1.Choice;
import dev.amazonchat.v1.CreateEmbeddingsRequest;
import dev.amazonchat.v1.CreateEmbeddingsResponse;
import dev.amazonchat.v1.Embedding;
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
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
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
  private static final String TITAN_V2 = "amazon.titan-embed-text-v2:0";
  private static final String COHERE_V3 = "cohere.embed-english-v3";
  private static final String COHERE_V4 = "us.cohere.embed-v4:0";
  private static final String NOVA = "amazon.nova-2-multimodal-embeddings-v1:0";
  // A 1x1 PNG.
  private static final String PNG =
      "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
          + "awAAAABJRU5ErkJggg==";
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

  private static double norm(float[] vector) {
    double sum = 0;
    for (float x : vector) {
      sum += (double) x * x;
    }
    return Math.sqrt(sum);
  }

  private static void assertUnit(float[] vector) {
    assertEquals(1.0, norm(vector), 1e-3, "a unit vector");
  }

  private static float[] floats(Embedding embedding) {
    float[] vector = new float[embedding.getEmbeddingCount()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = embedding.getEmbedding(i);
    }
    return vector;
  }

  private static float[] embedOne(String model, String text, Integer dimensions, String inputType) {
    List<float[]> vectors = client.embed(model, List.of(text), dimensions, inputType, null);
    assertEquals(1, vectors.size());
    return vectors.get(0);
  }

  private static void assertSameVectors(List<float[]> expected, List<float[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "vector " + i);
    }
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

  @Test
  void embed() {
    List<float[]> vectors =
        client.embed(TITAN_V2, List.of("hello world", "the quick brown fox", "hello world"));
    assertEquals(3, vectors.size());
    assertEquals(1024, vectors.get(0).length);
    assertEquals(1024, vectors.get(1).length);
    assertUnit(vectors.get(0));
    assertUnit(vectors.get(1));
    assertArrayEquals(vectors.get(0), vectors.get(2), "the same text, the same vector");
    assertFalse(Arrays.equals(vectors.get(0), vectors.get(1)));
    assertArrayEquals(vectors.get(0), embedOne(TITAN_V2, "hello world", null, null));
    float[] small = embedOne(TITAN_V2, "hello world", 256, null);
    assertEquals(256, small.length);
    assertUnit(small);
  }

  @Test
  void createEmbeddingsResponse() {
    List<String> texts = List.of("hello world", "the quick brown fox", "one");
    CreateEmbeddingsResponse response =
        client.createEmbeddings(Embeddings.request(TITAN_V2, texts).build());
    assertEquals("list", response.getObject());
    assertEquals(TITAN_V2, response.getModel());
    assertEquals(3, response.getDataCount());
    for (int i = 0; i < 3; i++) {
      Embedding e = response.getData(i);
      assertEquals(i, e.getIndex());
      assertEquals("embedding", e.getObject());
      assertEquals(1024, e.getEmbeddingCount());
      assertFalse(e.hasEmbeddingBase64());
    }
    assertEquals(7, response.getUsage().getPromptTokens(), "the words of the inputs");
    assertEquals(7, response.getUsage().getTotalTokens());
    assertSameVectors(AmazonChatClient.embeddingVectors(response), client.embed(TITAN_V2, texts));

    // The generated stub, with the key and a deadline attached.
    CreateEmbeddingsResponse raw =
        client
            .embeddingService(Duration.ofSeconds(10))
            .createEmbeddings(Embeddings.request(TITAN_V2, Embeddings.text("one")).build());
    assertArrayEquals(floats(response.getData(2)), floats(raw.getData(0)));
  }

  @Test
  void embeddingsBase64() {
    List<String> texts = List.of("hello world", "one");
    List<float[]> floats = client.embed(TITAN_V2, texts, 512, null, null);
    CreateEmbeddingsResponse response =
        client.createEmbeddings(
            Embeddings.request(TITAN_V2, texts)
                .setDimensions(512)
                .setEncodingFormat("base64")
                .build());
    for (Embedding e : response.getDataList()) {
      assertTrue(e.hasEmbeddingBase64());
      assertEquals(0, e.getEmbeddingCount());
      assertEquals(4 * 512, Base64.getDecoder().decode(e.getEmbeddingBase64()).length);
    }
    assertSameVectors(floats, AmazonChatClient.embeddingVectors(response));
  }

  @Test
  void embeddingFamilies() {
    // Cohere v3: 1024 dimensions, batches of 96 that keep the inputs' order.
    List<String> passages = IntStream.range(0, 100).mapToObj(i -> "passage " + i).toList();
    CreateEmbeddingsResponse batch =
        client.createEmbeddings(Embeddings.request(COHERE_V3, passages).build());
    assertEquals(
        IntStream.range(0, 100).boxed().toList(),
        batch.getDataList().stream().map(Embedding::getIndex).toList());
    assertTrue(batch.getDataList().stream().allMatch(e -> e.getEmbeddingCount() == 1024));
    assertEquals(200, batch.getUsage().getPromptTokens());
    assertArrayEquals(floats(batch.getData(99)), embedOne(COHERE_V3, "passage 99", null, null));
    // input_type: the default is search_document; another gives another vector.
    float[] document = embedOne(COHERE_V3, "hello world", null, "search_document");
    float[] query = embedOne(COHERE_V3, "hello world", null, "search_query");
    assertArrayEquals(document, embedOne(COHERE_V3, "hello world", null, null));
    assertFalse(Arrays.equals(document, query));

    // Cohere v4: 1536 by default, or 256/512/1024; normalize gives unit vectors.
    assertEquals(1536, embedOne(COHERE_V4, "hello world", null, null).length);
    float[] v4 = client.embed(COHERE_V4, List.of("hello world"), 512, null, true).get(0);
    assertEquals(512, v4.length);
    assertUnit(v4);

    // Nova: 3072 by default, texts and images.
    CreateEmbeddingsRequest.Builder nova =
        Embeddings.request(NOVA, Embeddings.text("a cat"), Embeddings.image(PNG));
    List<float[]> both = AmazonChatClient.embeddingVectors(client.createEmbeddings(nova.build()));
    assertEquals(2, both.size());
    assertEquals(3072, both.get(0).length);
    assertEquals(3072, both.get(1).length);
    assertFalse(Arrays.equals(both.get(0), both.get(1)));
    List<float[]> small =
        AmazonChatClient.embeddingVectors(client.createEmbeddings(nova.setDimensions(384).build()));
    assertEquals(List.of(384, 384), small.stream().map(v -> v.length).toList());
    assertFalse(Arrays.equals(both.get(0), embedOne(NOVA, "a cat", null, "search_query")));
  }

  @Test
  void embeddingsInvalidArgument() {
    Map<CreateEmbeddingsRequest, String> cases =
        Map.of(
            Embeddings.request(MODEL, List.of("hi")).build(), "not an embedding model",
            Embeddings.request(TITAN_V2, List.of("hi")).setDimensions(300).build(), "dimensions",
            Embeddings.request(TITAN_V2, Embeddings.image(PNG)).build(), "inputs[0].image_url");
    cases.forEach(
        (request, message) -> {
          StatusRuntimeException e =
              assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.createEmbeddings(request));
          String description = e.getStatus().getDescription();
          assertTrue(
              description != null && description.contains(message),
              () -> "description: " + description);
        });
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.embed(MODEL, List.of("hi")));
  }

  @Test
  void embeddingsUnauthenticatedAndDeadline() {
    for (String key : new String[] {"wrong-key", null}) {
      try (AmazonChatClient bad = AmazonChatClient.connect(server.target, key)) {
        assertStatus(Status.Code.UNAUTHENTICATED, () -> bad.embed(TITAN_V2, List.of("hi")));
      }
    }
    CreateEmbeddingsRequest slow = Embeddings.request(TITAN_V2, List.of(SLOW_PROMPT)).build();
    assertStatus(Status.Code.DEADLINE_EXCEEDED, () -> client.createEmbeddings(slow, SHORT));
    assertStatus(
        Status.Code.DEADLINE_EXCEEDED, () -> client.embeddingService(SHORT).createEmbeddings(slow));
    try (AmazonChatClient short_ =
        AmazonChatClient.builder(server.target).apiKey(server.apiKey).timeout(SHORT).build()) {
      assertStatus(Status.Code.DEADLINE_EXCEEDED, () -> short_.embed(TITAN_V2, List.of(SLOW_PROMPT)));
    }
  }
}
