package dev.amazonchat.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Answers chat completions with Amazon Bedrock models (through Bedrock's Converse API).
 * Authentication: when the server has API keys configured, every call carries the metadata entry
 * `authorization: Bearer &lt;key&gt;`; a missing or wrong key fails with UNAUTHENTICATED.
 * Errors use standard gRPC codes, each with a google.rpc.ErrorInfo detail (a stable `reason`, and
 * the Bedrock exception as `upstream_code`); the HTTP status is what the REST shim answers with. The
 * server's error table (src/error/table.rs) is the source; a test keeps this list in step with it.
 *   INVALID_ARGUMENT (HTTP 400): the request cannot be honoured; a BadRequest detail names the field.
 *   RESOURCE_EXHAUSTED (HTTP 413): the request is larger than the server accepts.
 *   UNAUTHENTICATED (HTTP 401): a missing or wrong API key, or the server's AWS credentials failed.
 *   PERMISSION_DENIED (HTTP 403): the server's AWS identity may not invoke the model, or the
 *   caller's key may not use it (reason MODEL_NOT_ALLOWED).
 *   NOT_FOUND (HTTP 404): unknown model, or a model not offered in the region (a ResourceInfo detail).
 *   UNIMPLEMENTED (HTTP 404): no such method (REST: no such path).
 *   UNIMPLEMENTED (HTTP 405): REST only: a known path called with the wrong HTTP method.
 *   RESOURCE_EXHAUSTED (HTTP 429): throttled; a google.rpc.RetryInfo detail says when to retry.
 *   UNAVAILABLE (HTTP 503): Bedrock or the model is temporarily unavailable; safe to retry.
 *   DEADLINE_EXCEEDED (HTTP 504): Bedrock did not answer in time.
 *   UNAVAILABLE (HTTP 502): the answer does not match the `strict` schema asked for.
 *   INTERNAL (HTTP 500): a bug.
 * </pre>
 */
@javax.annotation.Generated(
    value = "by gRPC proto compiler",
    comments = "Source: amazon_chat/v1/chat.proto")
@io.grpc.stub.annotations.GrpcGenerated
public final class ChatServiceGrpc {

  private ChatServiceGrpc() {}

  public static final String SERVICE_NAME = "amazon_chat.v1.ChatService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.amazonchat.v1.ChatCompletionRequest,
      dev.amazonchat.v1.ChatCompletionResponse> getChatCompletionMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ChatCompletion",
      requestType = dev.amazonchat.v1.ChatCompletionRequest.class,
      responseType = dev.amazonchat.v1.ChatCompletionResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.amazonchat.v1.ChatCompletionRequest,
      dev.amazonchat.v1.ChatCompletionResponse> getChatCompletionMethod() {
    io.grpc.MethodDescriptor<dev.amazonchat.v1.ChatCompletionRequest, dev.amazonchat.v1.ChatCompletionResponse> getChatCompletionMethod;
    if ((getChatCompletionMethod = ChatServiceGrpc.getChatCompletionMethod) == null) {
      synchronized (ChatServiceGrpc.class) {
        if ((getChatCompletionMethod = ChatServiceGrpc.getChatCompletionMethod) == null) {
          ChatServiceGrpc.getChatCompletionMethod = getChatCompletionMethod =
              io.grpc.MethodDescriptor.<dev.amazonchat.v1.ChatCompletionRequest, dev.amazonchat.v1.ChatCompletionResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ChatCompletion"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.amazonchat.v1.ChatCompletionRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.amazonchat.v1.ChatCompletionResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ChatServiceMethodDescriptorSupplier("ChatCompletion"))
              .build();
        }
      }
    }
    return getChatCompletionMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.amazonchat.v1.ChatCompletionRequest,
      dev.amazonchat.v1.StreamChatCompletionResponse> getStreamChatCompletionMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "StreamChatCompletion",
      requestType = dev.amazonchat.v1.ChatCompletionRequest.class,
      responseType = dev.amazonchat.v1.StreamChatCompletionResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.amazonchat.v1.ChatCompletionRequest,
      dev.amazonchat.v1.StreamChatCompletionResponse> getStreamChatCompletionMethod() {
    io.grpc.MethodDescriptor<dev.amazonchat.v1.ChatCompletionRequest, dev.amazonchat.v1.StreamChatCompletionResponse> getStreamChatCompletionMethod;
    if ((getStreamChatCompletionMethod = ChatServiceGrpc.getStreamChatCompletionMethod) == null) {
      synchronized (ChatServiceGrpc.class) {
        if ((getStreamChatCompletionMethod = ChatServiceGrpc.getStreamChatCompletionMethod) == null) {
          ChatServiceGrpc.getStreamChatCompletionMethod = getStreamChatCompletionMethod =
              io.grpc.MethodDescriptor.<dev.amazonchat.v1.ChatCompletionRequest, dev.amazonchat.v1.StreamChatCompletionResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "StreamChatCompletion"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.amazonchat.v1.ChatCompletionRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.amazonchat.v1.StreamChatCompletionResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ChatServiceMethodDescriptorSupplier("StreamChatCompletion"))
              .build();
        }
      }
    }
    return getStreamChatCompletionMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.amazonchat.v1.ChatCompletionRequest,
      dev.amazonchat.v1.CountTokensResponse> getCountTokensMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CountTokens",
      requestType = dev.amazonchat.v1.ChatCompletionRequest.class,
      responseType = dev.amazonchat.v1.CountTokensResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.amazonchat.v1.ChatCompletionRequest,
      dev.amazonchat.v1.CountTokensResponse> getCountTokensMethod() {
    io.grpc.MethodDescriptor<dev.amazonchat.v1.ChatCompletionRequest, dev.amazonchat.v1.CountTokensResponse> getCountTokensMethod;
    if ((getCountTokensMethod = ChatServiceGrpc.getCountTokensMethod) == null) {
      synchronized (ChatServiceGrpc.class) {
        if ((getCountTokensMethod = ChatServiceGrpc.getCountTokensMethod) == null) {
          ChatServiceGrpc.getCountTokensMethod = getCountTokensMethod =
              io.grpc.MethodDescriptor.<dev.amazonchat.v1.ChatCompletionRequest, dev.amazonchat.v1.CountTokensResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CountTokens"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.amazonchat.v1.ChatCompletionRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.amazonchat.v1.CountTokensResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ChatServiceMethodDescriptorSupplier("CountTokens"))
              .build();
        }
      }
    }
    return getCountTokensMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static ChatServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ChatServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ChatServiceStub>() {
        @java.lang.Override
        public ChatServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ChatServiceStub(channel, callOptions);
        }
      };
    return ChatServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static ChatServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ChatServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ChatServiceBlockingStub>() {
        @java.lang.Override
        public ChatServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ChatServiceBlockingStub(channel, callOptions);
        }
      };
    return ChatServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static ChatServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ChatServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ChatServiceFutureStub>() {
        @java.lang.Override
        public ChatServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ChatServiceFutureStub(channel, callOptions);
        }
      };
    return ChatServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Answers chat completions with Amazon Bedrock models (through Bedrock's Converse API).
   * Authentication: when the server has API keys configured, every call carries the metadata entry
   * `authorization: Bearer &lt;key&gt;`; a missing or wrong key fails with UNAUTHENTICATED.
   * Errors use standard gRPC codes, each with a google.rpc.ErrorInfo detail (a stable `reason`, and
   * the Bedrock exception as `upstream_code`); the HTTP status is what the REST shim answers with. The
   * server's error table (src/error/table.rs) is the source; a test keeps this list in step with it.
   *   INVALID_ARGUMENT (HTTP 400): the request cannot be honoured; a BadRequest detail names the field.
   *   RESOURCE_EXHAUSTED (HTTP 413): the request is larger than the server accepts.
   *   UNAUTHENTICATED (HTTP 401): a missing or wrong API key, or the server's AWS credentials failed.
   *   PERMISSION_DENIED (HTTP 403): the server's AWS identity may not invoke the model, or the
   *   caller's key may not use it (reason MODEL_NOT_ALLOWED).
   *   NOT_FOUND (HTTP 404): unknown model, or a model not offered in the region (a ResourceInfo detail).
   *   UNIMPLEMENTED (HTTP 404): no such method (REST: no such path).
   *   UNIMPLEMENTED (HTTP 405): REST only: a known path called with the wrong HTTP method.
   *   RESOURCE_EXHAUSTED (HTTP 429): throttled; a google.rpc.RetryInfo detail says when to retry.
   *   UNAVAILABLE (HTTP 503): Bedrock or the model is temporarily unavailable; safe to retry.
   *   DEADLINE_EXCEEDED (HTTP 504): Bedrock did not answer in time.
   *   UNAVAILABLE (HTTP 502): the answer does not match the `strict` schema asked for.
   *   INTERNAL (HTTP 500): a bug.
   * </pre>
   */
  public static abstract class ChatServiceImplBase implements io.grpc.BindableService {

    /**
     * <pre>
     * Returns one complete answer.
     * </pre>
     */
    public void chatCompletion(dev.amazonchat.v1.ChatCompletionRequest request,
        io.grpc.stub.StreamObserver<dev.amazonchat.v1.ChatCompletionResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getChatCompletionMethod(), responseObserver);
    }

    /**
     * <pre>
     * Streams the answer as it is generated: one chunk per Bedrock event, then, if
     * `stream_options.include_usage` is set, a final chunk with `usage` and no choices.
     * If Bedrock rejects the request before the first token, the call fails with a status and no
     * chunks; an upstream failure mid-stream ends the stream with the matching status.
     * </pre>
     */
    public void streamChatCompletion(dev.amazonchat.v1.ChatCompletionRequest request,
        io.grpc.stub.StreamObserver<dev.amazonchat.v1.StreamChatCompletionResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getStreamChatCompletionMethod(), responseObserver);
    }

    /**
     * <pre>
     * Counts the input tokens the request would use, with Bedrock's CountTokens (free of charge),
     * on the models Bedrock counts for (Anthropic's Claude models; others are INVALID_ARGUMENT with
     * Bedrock's reason). CountTokens takes foundation-model ids, so a system inference profile id
     * (or a name that routes to one) is counted on its model, in the home region; the request's
     * output settings (max_tokens, sampling) do not change the count. Keys and their models apply;
     * rate limits do not (nothing is generated).
     * </pre>
     */
    public void countTokens(dev.amazonchat.v1.ChatCompletionRequest request,
        io.grpc.stub.StreamObserver<dev.amazonchat.v1.CountTokensResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCountTokensMethod(), responseObserver);
    }

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
          .addMethod(
            getChatCompletionMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.amazonchat.v1.ChatCompletionRequest,
                dev.amazonchat.v1.ChatCompletionResponse>(
                  this, METHODID_CHAT_COMPLETION)))
          .addMethod(
            getStreamChatCompletionMethod(),
            io.grpc.stub.ServerCalls.asyncServerStreamingCall(
              new MethodHandlers<
                dev.amazonchat.v1.ChatCompletionRequest,
                dev.amazonchat.v1.StreamChatCompletionResponse>(
                  this, METHODID_STREAM_CHAT_COMPLETION)))
          .addMethod(
            getCountTokensMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.amazonchat.v1.ChatCompletionRequest,
                dev.amazonchat.v1.CountTokensResponse>(
                  this, METHODID_COUNT_TOKENS)))
          .build();
    }
  }

  /**
   * <pre>
   * Answers chat completions with Amazon Bedrock models (through Bedrock's Converse API).
   * Authentication: when the server has API keys configured, every call carries the metadata entry
   * `authorization: Bearer &lt;key&gt;`; a missing or wrong key fails with UNAUTHENTICATED.
   * Errors use standard gRPC codes, each with a google.rpc.ErrorInfo detail (a stable `reason`, and
   * the Bedrock exception as `upstream_code`); the HTTP status is what the REST shim answers with. The
   * server's error table (src/error/table.rs) is the source; a test keeps this list in step with it.
   *   INVALID_ARGUMENT (HTTP 400): the request cannot be honoured; a BadRequest detail names the field.
   *   RESOURCE_EXHAUSTED (HTTP 413): the request is larger than the server accepts.
   *   UNAUTHENTICATED (HTTP 401): a missing or wrong API key, or the server's AWS credentials failed.
   *   PERMISSION_DENIED (HTTP 403): the server's AWS identity may not invoke the model, or the
   *   caller's key may not use it (reason MODEL_NOT_ALLOWED).
   *   NOT_FOUND (HTTP 404): unknown model, or a model not offered in the region (a ResourceInfo detail).
   *   UNIMPLEMENTED (HTTP 404): no such method (REST: no such path).
   *   UNIMPLEMENTED (HTTP 405): REST only: a known path called with the wrong HTTP method.
   *   RESOURCE_EXHAUSTED (HTTP 429): throttled; a google.rpc.RetryInfo detail says when to retry.
   *   UNAVAILABLE (HTTP 503): Bedrock or the model is temporarily unavailable; safe to retry.
   *   DEADLINE_EXCEEDED (HTTP 504): Bedrock did not answer in time.
   *   UNAVAILABLE (HTTP 502): the answer does not match the `strict` schema asked for.
   *   INTERNAL (HTTP 500): a bug.
   * </pre>
   */
  public static final class ChatServiceStub extends io.grpc.stub.AbstractAsyncStub<ChatServiceStub> {
    private ChatServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ChatServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ChatServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns one complete answer.
     * </pre>
     */
    public void chatCompletion(dev.amazonchat.v1.ChatCompletionRequest request,
        io.grpc.stub.StreamObserver<dev.amazonchat.v1.ChatCompletionResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getChatCompletionMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Streams the answer as it is generated: one chunk per Bedrock event, then, if
     * `stream_options.include_usage` is set, a final chunk with `usage` and no choices.
     * If Bedrock rejects the request before the first token, the call fails with a status and no
     * chunks; an upstream failure mid-stream ends the stream with the matching status.
     * </pre>
     */
    public void streamChatCompletion(dev.amazonchat.v1.ChatCompletionRequest request,
        io.grpc.stub.StreamObserver<dev.amazonchat.v1.StreamChatCompletionResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getStreamChatCompletionMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Counts the input tokens the request would use, with Bedrock's CountTokens (free of charge),
     * on the models Bedrock counts for (Anthropic's Claude models; others are INVALID_ARGUMENT with
     * Bedrock's reason). CountTokens takes foundation-model ids, so a system inference profile id
     * (or a name that routes to one) is counted on its model, in the home region; the request's
     * output settings (max_tokens, sampling) do not change the count. Keys and their models apply;
     * rate limits do not (nothing is generated).
     * </pre>
     */
    public void countTokens(dev.amazonchat.v1.ChatCompletionRequest request,
        io.grpc.stub.StreamObserver<dev.amazonchat.v1.CountTokensResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCountTokensMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * <pre>
   * Answers chat completions with Amazon Bedrock models (through Bedrock's Converse API).
   * Authentication: when the server has API keys configured, every call carries the metadata entry
   * `authorization: Bearer &lt;key&gt;`; a missing or wrong key fails with UNAUTHENTICATED.
   * Errors use standard gRPC codes, each with a google.rpc.ErrorInfo detail (a stable `reason`, and
   * the Bedrock exception as `upstream_code`); the HTTP status is what the REST shim answers with. The
   * server's error table (src/error/table.rs) is the source; a test keeps this list in step with it.
   *   INVALID_ARGUMENT (HTTP 400): the request cannot be honoured; a BadRequest detail names the field.
   *   RESOURCE_EXHAUSTED (HTTP 413): the request is larger than the server accepts.
   *   UNAUTHENTICATED (HTTP 401): a missing or wrong API key, or the server's AWS credentials failed.
   *   PERMISSION_DENIED (HTTP 403): the server's AWS identity may not invoke the model, or the
   *   caller's key may not use it (reason MODEL_NOT_ALLOWED).
   *   NOT_FOUND (HTTP 404): unknown model, or a model not offered in the region (a ResourceInfo detail).
   *   UNIMPLEMENTED (HTTP 404): no such method (REST: no such path).
   *   UNIMPLEMENTED (HTTP 405): REST only: a known path called with the wrong HTTP method.
   *   RESOURCE_EXHAUSTED (HTTP 429): throttled; a google.rpc.RetryInfo detail says when to retry.
   *   UNAVAILABLE (HTTP 503): Bedrock or the model is temporarily unavailable; safe to retry.
   *   DEADLINE_EXCEEDED (HTTP 504): Bedrock did not answer in time.
   *   UNAVAILABLE (HTTP 502): the answer does not match the `strict` schema asked for.
   *   INTERNAL (HTTP 500): a bug.
   * </pre>
   */
  public static final class ChatServiceBlockingStub extends io.grpc.stub.AbstractBlockingStub<ChatServiceBlockingStub> {
    private ChatServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ChatServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ChatServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns one complete answer.
     * </pre>
     */
    public dev.amazonchat.v1.ChatCompletionResponse chatCompletion(dev.amazonchat.v1.ChatCompletionRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getChatCompletionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams the answer as it is generated: one chunk per Bedrock event, then, if
     * `stream_options.include_usage` is set, a final chunk with `usage` and no choices.
     * If Bedrock rejects the request before the first token, the call fails with a status and no
     * chunks; an upstream failure mid-stream ends the stream with the matching status.
     * </pre>
     */
    public java.util.Iterator<dev.amazonchat.v1.StreamChatCompletionResponse> streamChatCompletion(
        dev.amazonchat.v1.ChatCompletionRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getStreamChatCompletionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Counts the input tokens the request would use, with Bedrock's CountTokens (free of charge),
     * on the models Bedrock counts for (Anthropic's Claude models; others are INVALID_ARGUMENT with
     * Bedrock's reason). CountTokens takes foundation-model ids, so a system inference profile id
     * (or a name that routes to one) is counted on its model, in the home region; the request's
     * output settings (max_tokens, sampling) do not change the count. Keys and their models apply;
     * rate limits do not (nothing is generated).
     * </pre>
     */
    public dev.amazonchat.v1.CountTokensResponse countTokens(dev.amazonchat.v1.ChatCompletionRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCountTokensMethod(), getCallOptions(), request);
    }
  }

  /**
   * <pre>
   * Answers chat completions with Amazon Bedrock models (through Bedrock's Converse API).
   * Authentication: when the server has API keys configured, every call carries the metadata entry
   * `authorization: Bearer &lt;key&gt;`; a missing or wrong key fails with UNAUTHENTICATED.
   * Errors use standard gRPC codes, each with a google.rpc.ErrorInfo detail (a stable `reason`, and
   * the Bedrock exception as `upstream_code`); the HTTP status is what the REST shim answers with. The
   * server's error table (src/error/table.rs) is the source; a test keeps this list in step with it.
   *   INVALID_ARGUMENT (HTTP 400): the request cannot be honoured; a BadRequest detail names the field.
   *   RESOURCE_EXHAUSTED (HTTP 413): the request is larger than the server accepts.
   *   UNAUTHENTICATED (HTTP 401): a missing or wrong API key, or the server's AWS credentials failed.
   *   PERMISSION_DENIED (HTTP 403): the server's AWS identity may not invoke the model, or the
   *   caller's key may not use it (reason MODEL_NOT_ALLOWED).
   *   NOT_FOUND (HTTP 404): unknown model, or a model not offered in the region (a ResourceInfo detail).
   *   UNIMPLEMENTED (HTTP 404): no such method (REST: no such path).
   *   UNIMPLEMENTED (HTTP 405): REST only: a known path called with the wrong HTTP method.
   *   RESOURCE_EXHAUSTED (HTTP 429): throttled; a google.rpc.RetryInfo detail says when to retry.
   *   UNAVAILABLE (HTTP 503): Bedrock or the model is temporarily unavailable; safe to retry.
   *   DEADLINE_EXCEEDED (HTTP 504): Bedrock did not answer in time.
   *   UNAVAILABLE (HTTP 502): the answer does not match the `strict` schema asked for.
   *   INTERNAL (HTTP 500): a bug.
   * </pre>
   */
  public static final class ChatServiceFutureStub extends io.grpc.stub.AbstractFutureStub<ChatServiceFutureStub> {
    private ChatServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ChatServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ChatServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Returns one complete answer.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.amazonchat.v1.ChatCompletionResponse> chatCompletion(
        dev.amazonchat.v1.ChatCompletionRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getChatCompletionMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Counts the input tokens the request would use, with Bedrock's CountTokens (free of charge),
     * on the models Bedrock counts for (Anthropic's Claude models; others are INVALID_ARGUMENT with
     * Bedrock's reason). CountTokens takes foundation-model ids, so a system inference profile id
     * (or a name that routes to one) is counted on its model, in the home region; the request's
     * output settings (max_tokens, sampling) do not change the count. Keys and their models apply;
     * rate limits do not (nothing is generated).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.amazonchat.v1.CountTokensResponse> countTokens(
        dev.amazonchat.v1.ChatCompletionRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCountTokensMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CHAT_COMPLETION = 0;
  private static final int METHODID_STREAM_CHAT_COMPLETION = 1;
  private static final int METHODID_COUNT_TOKENS = 2;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final ChatServiceImplBase serviceImpl;
    private final int methodId;

    MethodHandlers(ChatServiceImplBase serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_CHAT_COMPLETION:
          serviceImpl.chatCompletion((dev.amazonchat.v1.ChatCompletionRequest) request,
              (io.grpc.stub.StreamObserver<dev.amazonchat.v1.ChatCompletionResponse>) responseObserver);
          break;
        case METHODID_STREAM_CHAT_COMPLETION:
          serviceImpl.streamChatCompletion((dev.amazonchat.v1.ChatCompletionRequest) request,
              (io.grpc.stub.StreamObserver<dev.amazonchat.v1.StreamChatCompletionResponse>) responseObserver);
          break;
        case METHODID_COUNT_TOKENS:
          serviceImpl.countTokens((dev.amazonchat.v1.ChatCompletionRequest) request,
              (io.grpc.stub.StreamObserver<dev.amazonchat.v1.CountTokensResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  private static abstract class ChatServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    ChatServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.amazonchat.v1.ChatProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("ChatService");
    }
  }

  private static final class ChatServiceFileDescriptorSupplier
      extends ChatServiceBaseDescriptorSupplier {
    ChatServiceFileDescriptorSupplier() {}
  }

  private static final class ChatServiceMethodDescriptorSupplier
      extends ChatServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final String methodName;

    ChatServiceMethodDescriptorSupplier(String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (ChatServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new ChatServiceFileDescriptorSupplier())
              .addMethod(getChatCompletionMethod())
              .addMethod(getStreamChatCompletionMethod())
              .addMethod(getCountTokensMethod())
              .build();
        }
      }
    }
    return result;
  }
}
