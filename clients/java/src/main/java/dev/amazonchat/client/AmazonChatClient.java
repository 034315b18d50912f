package dev.amazonchat.client;

import dev.amazonchat.v1.ChatCompletionRequest;
import dev.amazonchat.v1.ChatCompletionResponse;
import dev.amazonchat.v1.ChatServiceGrpc;
import dev.amazonchat.v1.Choice;
import dev.amazonchat.v1.ChunkChoice;
import dev.amazonchat.v1.CreateEmbeddingsRequest;
import dev.amazonchat.v1.CreateEmbeddingsResponse;
import dev.amazonchat.v1.Embedding;
import dev.amazonchat.v1.EmbeddingServiceGrpc;
import dev.amazonchat.v1.GetModelRequest;
import dev.amazonchat.v1.ListModelsRequest;
import dev.amazonchat.v1.Model;
import dev.amazonchat.v1.ModelServiceGrpc;
import dev.amazonchat.v1.StreamChatCompletionResponse;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * amazon-chat's Java client: chat completions over Amazon Bedrock, through gRPC.
 *
 * <p>A thin layer over the generated stubs in {@code dev.amazonchat.v1}: it connects to a target with
 * an API key (sent as {@code authorization: Bearer <key>} metadata on every call), gives every call a
 * deadline (the client's default timeout, or the one passed to the call), and offers a one-call
 * {@link #chat}. Streaming is an {@link Iterator} ({@link #streamChatCompletion(ChatCompletionRequest)})
 * or a {@link StreamObserver}. Failed calls throw {@link io.grpc.StatusRuntimeException} with the
 * server's status code and message ({@code e.getStatus().getCode()}, {@code getDescription()}).
 *
 * <pre>{@code
 * try (AmazonChatClient client = AmazonChatClient.connect("127.0.0.1:8000", "KEY")) {
 *   System.out.println(client.chat("anthropic.claude-3-haiku-20240307-v1:0", "Hello!"));
 * }
 * }</pre>
 *
 * <p>Reasoning: {@link #chatAnswer(String, String, String)} with the effort {@code "low"} (or any of
 * {@code "none"}, {@code "minimal"}, {@code "medium"}, {@code "high"}, {@code "xhigh"}, {@code "max"})
 * asks a model that can reason to think first, and returns an {@link Answer} with the reasoning text
 * beside the answer's; {@link #reasoningText} reads it from a full response.
 *
 * <p>Embeddings: {@link #embed(String, List)} returns one vector per text, in order; {@link
 * #createEmbeddings(CreateEmbeddingsRequest)} the whole response (images too, through {@link
 * Embeddings#image}), whose vectors, base64 ones included, {@link #embeddingVectors} reads.
 *
 * <p>TLS: {@code builder(target).trustCertificates(Path.of("ca.pem"))} trusts that CA (the JDK's
 * roots with {@link Builder#useTls()} alone); {@link Builder#clientCertificate(Path, Path)} also
 * presents a client certificate, for a server that requires one (mTLS). The default stays plaintext
 * HTTP/2.
 */
public final class AmazonChatClient implements AutoCloseable {
  /** The deadline of a call unless the client or the call says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel managedChannel;
  private final Channel channel;
  private final Duration timeout;

  private AmazonChatClient(ManagedChannel managedChannel, String apiKey, Duration timeout) {
    this.managedChannel = managedChannel;
    this.timeout = timeout;
    if (apiKey == null || apiKey.isEmpty()) {
      this.channel = managedChannel;
    } else {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + apiKey);
      this.channel =
          ClientInterceptors.intercept(
              managedChannel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }
  }

  /** Connects to {@code target} ("host:port") over plaintext HTTP/2 with the default timeout. */
  public static AmazonChatClient connect(String target, String apiKey) {
    return builder(target).apiKey(apiKey).build();
  }

  /** A builder for a client of the server at {@code target} ("host:port"). */
  public static Builder builder(String target) {
    return new Builder(target);
  }

  /** Configures an {@link AmazonChatClient}. */
  public static final class Builder {
    private final String target;
    private String apiKey;
    private Duration timeout = DEFAULT_TIMEOUT;
    private boolean tls;
    private Path caFile;
    private byte[] caPem;
    private Path certFile;
    private byte[] certPem;
    private Path keyFile;
    private byte[] keyPem;

    private Builder(String target) {
      this.target = Objects.requireNonNull(target, "target");
    }

    /** Sends {@code authorization: Bearer <apiKey>} on every call. */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey;
      return this;
    }

    /** The default deadline of each call; {@code null} or zero for none. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Connects over TLS instead of plaintext HTTP/2, trusting the JDK's default roots. */
    public Builder useTls() {
      this.tls = true;
      return this;
    }

    /**
     * Connects over TLS, trusting the CA certificates of this PEM file instead of the JDK's roots
     * (read by {@link #build()}).
     */
    public Builder trustCertificates(Path caPem) {
      this.caFile = Objects.requireNonNull(caPem, "caPem");
      this.caPem = null;
      this.tls = true;
      return this;
    }

    /** Connects over TLS, trusting these PEM CA certificates instead of the JDK's roots. */
    public Builder trustCertificates(byte[] caPem) {
      this.caPem = Objects.requireNonNull(caPem, "caPem").clone();
      this.caFile = null;
      this.tls = true;
      return this;
    }

    /**
     * Connects over TLS and presents this client certificate (a PEM chain, leaf first) with its PEM
     * private key, for a server that requires one (mTLS). The key must be PKCS#8 ({@code -----BEGIN
     * PRIVATE KEY-----}, as {@code amazon-chat dev-certs} writes it); convert others with {@code
     * openssl pkcs8 -topk8 -nocrypt}. Read by {@link #build()}.
     */
    public Builder clientCertificate(Path certChainPem, Path privateKeyPem) {
      this.certFile = Objects.requireNonNull(certChainPem, "certChainPem");
      this.keyFile = Objects.requireNonNull(privateKeyPem, "privateKeyPem");
      this.certPem = null;
      this.keyPem = null;
      this.tls = true;
      return this;
    }

    /** {@link #clientCertificate(Path, Path)} from the PEM contents. */
    public Builder clientCertificate(byte[] certChainPem, byte[] privateKeyPem) {
      this.certPem = Objects.requireNonNull(certChainPem, "certChainPem").clone();
      this.keyPem = Objects.requireNonNull(privateKeyPem, "privateKeyPem").clone();
      this.certFile = null;
      this.keyFile = null;
      this.tls = true;
      return this;
    }

    /**
     * Creates the client; the connection opens with the first call.
     *
     * @throws UncheckedIOException if a certificate or key file cannot be read
     */
    public AmazonChatClient build() {
      ManagedChannel channel = Grpc.newChannelBuilder(target, credentials()).build();
      return new AmazonChatClient(channel, apiKey, timeout);
    }

    private ChannelCredentials credentials() {
      if (!tls) {
        return InsecureChannelCredentials.create();
      }
      TlsChannelCredentials.Builder credentials = TlsChannelCredentials.newBuilder();
      try {
        byte[] ca = pem(caFile, caPem);
        if (ca != null) {
          credentials.trustManager(new ByteArrayInputStream(ca));
        }
        byte[] cert = pem(certFile, certPem);
        byte[] key = pem(keyFile, keyPem);
        if (cert != null && key != null) {
          credentials.keyManager(new ByteArrayInputStream(cert), new ByteArrayInputStream(key));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("amazon-chat TLS: " + e.getMessage(), e);
      }
      return credentials.build();
    }

    private static byte[] pem(Path file, byte[] contents) throws IOException {
      return file != null ? Files.readAllBytes(file) : contents;
    }
  }

  /** The default deadline of each call ({@code null}: none). */
  public Duration timeout() {
    return timeout;
  }

  /** The generated blocking ChatService stub, with the API key and a deadline of {@code timeout}. */
  public ChatServiceGrpc.ChatServiceBlockingStub chatService(Duration timeout) {
    return withDeadline(ChatServiceGrpc.newBlockingStub(channel), timeout);
  }

  /** The generated async ChatService stub, with the API key and a deadline of {@code timeout}. */
  public ChatServiceGrpc.ChatServiceStub chatServiceAsync(Duration timeout) {
    return withDeadline(ChatServiceGrpc.newStub(channel), timeout);
  }

  /** The generated blocking ModelService stub, with the API key and a deadline of {@code timeout}. */
  public ModelServiceGrpc.ModelServiceBlockingStub modelService(Duration timeout) {
    return withDeadline(ModelServiceGrpc.newBlockingStub(channel), timeout);
  }

  /**
   * The generated blocking EmbeddingService stub, with the API key and a deadline of {@code timeout}.
   */
  public EmbeddingServiceGrpc.EmbeddingServiceBlockingStub embeddingService(Duration timeout) {
    return withDeadline(EmbeddingServiceGrpc.newBlockingStub(channel), timeout);
  }

  /** Asks {@code model} and returns the answer's text. */
  public String chat(String model, String prompt) {
    return answerText(chatCompletion(Messages.request(model, Messages.user(prompt)).build()));
  }

  /**
   * Asks {@code model} and returns the {@link Answer}: its text, the model's reasoning, the thinking
   * blocks and the assistant message to replay.
   */
  public Answer chatAnswer(String model, String prompt) {
    return chatAnswer(model, prompt, null);
  }

  /**
   * Asks {@code model} to reason with {@code reasoningEffort} ({@code "none"}, {@code "minimal"},
   * {@code "low"}, {@code "medium"}, {@code "high"}, {@code "xhigh"} or {@code "max"}; {@code null}:
   * the model's default) and returns the {@link Answer}. A model that cannot reason fails with
   * INVALID_ARGUMENT.
   */
  public Answer chatAnswer(String model, String prompt, String reasoningEffort) {
    ChatCompletionRequest.Builder request = Messages.request(model, Messages.user(prompt));
    if (reasoningEffort != null) {
      request.setReasoningEffort(reasoningEffort);
    }
    return Answer.of(chatCompletion(request.build()));
  }

  /** ChatService.ChatCompletion with the client's default timeout. */
  public ChatCompletionResponse chatCompletion(ChatCompletionRequest request) {
    return chatCompletion(request, timeout);
  }

  /** ChatService.ChatCompletion with its own deadline ({@code null}: none). */
  public ChatCompletionResponse chatCompletion(ChatCompletionRequest request, Duration timeout) {
    return chatService(timeout).chatCompletion(request);
  }

  /** ChatService.StreamChatCompletion with the client's default timeout; see the other overload. */
  public ChatStream streamChatCompletion(ChatCompletionRequest request) {
    return streamChatCompletion(request, timeout);
  }

  /**
   * ChatService.StreamChatCompletion: the chunks as they arrive, as a blocking iterator. The deadline
   * covers the whole stream; a failure is thrown from {@code hasNext()} as a StatusRuntimeException.
   * Close the stream (try-with-resources) to cancel it before its end.
   */
  public ChatStream streamChatCompletion(ChatCompletionRequest request, Duration timeout) {
    Context.CancellableContext context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      return new ChatStream(chatService(timeout).streamChatCompletion(request), context);
    } finally {
      context.detach(previous);
    }
  }

  /** ChatService.StreamChatCompletion, delivering the chunks to {@code observer} asynchronously. */
  public void streamChatCompletion(
      ChatCompletionRequest request,
      Duration timeout,
      StreamObserver<StreamChatCompletionResponse> observer) {
    chatServiceAsync(timeout).streamChatCompletion(request, observer);
  }

  /** Streams the text fragments of the answer to a one-message prompt. */
  public Iterator<String> streamChat(String model, String prompt) {
    ChatStream chunks = streamChatCompletion(Messages.request(model, Messages.user(prompt)).build());
    return new Iterator<>() {
      private String next;

      @Override
      public boolean hasNext() {
        while (next == null && chunks.hasNext()) {
          String text = deltaText(chunks.next());
          if (!text.isEmpty()) {
            next = text;
          }
        }
        return next != null;
      }

      @Override
      public String next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        String text = next;
        next = null;
        return text;
      }
    };
  }

  /** Embeds {@code texts} with {@code model} and returns one vector per text, in order. */
  public List<float[]> embed(String model, List<String> texts) {
    return embed(model, texts, null, null, null);
  }

  /**
   * Embeds {@code texts} with {@code model} and returns one vector per text, in order. {@code
   * dimensions} is the vector size, where the model offers several (Titan V2 256, 512 or 1024; Cohere
   * v4 256, 512, 1024 or 1536; Nova 256, 384, 1024 or 3072); {@code inputType} what the vectors are
   * for ("search_document", "search_query", "classification" or "clustering"); {@code normalize}
   * asks for unit-length vectors. {@code null} leaves a setting to the server. A value the model does
   * not take fails with INVALID_ARGUMENT.
   */
  public List<float[]> embed(
      String model, List<String> texts, Integer dimensions, String inputType, Boolean normalize) {
    CreateEmbeddingsRequest.Builder request = Embeddings.request(model, texts);
    if (dimensions != null) {
      request.setDimensions(dimensions);
    }
    if (inputType != null) {
      request.setInputType(inputType);
    }
    if (normalize != null) {
      request.setNormalize(normalize);
    }
    return embeddingVectors(createEmbeddings(request.build()));
  }

  /** EmbeddingService.CreateEmbeddings with the client's default timeout. */
  public CreateEmbeddingsResponse createEmbeddings(CreateEmbeddingsRequest request) {
    return createEmbeddings(request, timeout);
  }

  /** EmbeddingService.CreateEmbeddings with its own deadline ({@code null}: none). */
  public CreateEmbeddingsResponse createEmbeddings(CreateEmbeddingsRequest request, Duration timeout) {
    return embeddingService(timeout).createEmbeddings(request);
  }

  /** ModelService.ListModels: the models, sorted by id. */
  public List<Model> listModels() {
    return modelService(timeout).listModels(ListModelsRequest.getDefaultInstance()).getDataList();
  }

  /** ModelService.GetModel; NOT_FOUND if the model is not served. */
  public Model getModel(String id) {
    return modelService(timeout).getModel(GetModelRequest.newBuilder().setId(id).build()).getModel();
  }

  /** The text of a response's first choice ("" if none). */
  public static String answerText(ChatCompletionResponse response) {
    if (response.getChoicesCount() == 0) {
      return "";
    }
    Choice choice = response.getChoices(0);
    return choice.getMessage().getText();
  }

  /** The model's reasoning in a response's first choice ("" if it did not reason). */
  public static String reasoningText(ChatCompletionResponse response) {
    if (response.getChoicesCount() == 0) {
      return "";
    }
    return response.getChoices(0).getMessage().getReasoningContent();
  }

  /**
   * The vectors of a response, in the order of the inputs: the floats, or the base64 ones decoded
   * (encoding format "base64": little-endian 32-bit floats).
   */
  public static List<float[]> embeddingVectors(CreateEmbeddingsResponse response) {
    List<Embedding> data = new ArrayList<>(response.getDataList());
    data.sort(Comparator.comparingInt(Embedding::getIndex));
    List<float[]> vectors = new ArrayList<>(data.size());
    for (Embedding item : data) {
      float[] vector;
      if (item.hasEmbeddingBase64()) {
        ByteBuffer bytes =
            ByteBuffer.wrap(Base64.getDecoder().decode(item.getEmbeddingBase64()))
                .order(ByteOrder.LITTLE_ENDIAN);
        vector = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(vector);
      } else {
        vector = new float[item.getEmbeddingCount()];
        for (int i = 0; i < vector.length; i++) {
          vector[i] = item.getEmbedding(i);
        }
      }
      vectors.add(vector);
    }
    return vectors;
  }

  /** The text a chunk adds. */
  public static String deltaText(StreamChatCompletionResponse chunk) {
    StringBuilder text = new StringBuilder();
    for (ChunkChoice choice : chunk.getChoicesList()) {
      text.append(choice.getDelta().getContent());
    }
    return text.toString();
  }

  /** Shuts the channel down, waiting up to 5 s for calls in flight. */
  @Override
  public void close() {
    managedChannel.shutdown();
    try {
      if (!managedChannel.awaitTermination(5, TimeUnit.SECONDS)) {
        managedChannel.shutdownNow();
      }
    } catch (InterruptedException e) {
      managedChannel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static <S extends io.grpc.stub.AbstractStub<S>> S withDeadline(S stub, Duration timeout) {
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      return stub;
    }
    return stub.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The chunks of a streamed answer: an iterator that can be closed early (which cancels the call). */
  public static final class ChatStream
      implements Iterator<StreamChatCompletionResponse>, AutoCloseable {
    private final Iterator<StreamChatCompletionResponse> chunks;
    private final Context.CancellableContext context;

    private ChatStream(
        Iterator<StreamChatCompletionResponse> chunks, Context.CancellableContext context) {
      this.chunks = chunks;
      this.context = context;
    }

    @Override
    public boolean hasNext() {
      boolean more = false;
      try {
        more = chunks.hasNext();
        return more;
      } finally {
        if (!more) {
          context.cancel(null); // the stream has ended (or failed): release the context
        }
      }
    }

    @Override
    public StreamChatCompletionResponse next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return chunks.next();
    }

    /** Cancels the call if it is still running. */
    @Override
    public void close() {
      context.cancel(null);
    }
  }
}
