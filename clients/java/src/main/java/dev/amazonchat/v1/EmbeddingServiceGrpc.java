package dev.amazonchat.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Turns texts (and images, on the models that take them) into vectors with Bedrock's embedding
 * models: Amazon Titan Text Embeddings (G1, V2), Cohere Embed (v3, v4) and Amazon Nova multimodal
 * embeddings. The server sends each family its own request body, in batches where the model takes
 * batches (Cohere: 96 texts) and one input at a time where it does not.
 * Authentication, key policies, rate limits, routing and errors are those of ChatService (the same
 * error table). A chat model named here, or an embedding model named in a chat request, is
 * INVALID_ARGUMENT.
 * </pre>
 */
@javax.annotation.Generated(
    value = "by gRPC proto compiler",
    comments = "Source: amazon_chat/v1/embeddings.proto")
@io.grpc.stub.annotations.GrpcGenerated
public final class EmbeddingServiceGrpc {

  private EmbeddingServiceGrpc() {}

  public static final String SERVICE_NAME = "amazon_chat.v1.EmbeddingService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.amazonchat.v1.CreateEmbeddingsRequest,
      dev.amazonchat.v1.CreateEmbeddingsResponse> getCreateEmbeddingsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateEmbeddings",
      requestType = dev.amazonchat.v1.CreateEmbeddingsRequest.class,
      responseType = dev.amazonchat.v1.CreateEmbeddingsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.amazonchat.v1.CreateEmbeddingsRequest,
      dev.amazonchat.v1.CreateEmbeddingsResponse> getCreateEmbeddingsMethod() {
    io.grpc.MethodDescriptor<dev.amazonchat.v1.CreateEmbeddingsRequest, dev.amazonchat.v1.CreateEmbeddingsResponse> getCreateEmbeddingsMethod;
    if ((getCreateEmbeddingsMethod = EmbeddingServiceGrpc.getCreateEmbeddingsMethod) == null) {
      synchronized (EmbeddingServiceGrpc.class) {
        if ((getCreateEmbeddingsMethod = EmbeddingServiceGrpc.getCreateEmbeddingsMethod) == null) {
          EmbeddingServiceGrpc.getCreateEmbeddingsMethod = getCreateEmbeddingsMethod =
              io.grpc.MethodDescriptor.<dev.amazonchat.v1.CreateEmbeddingsRequest, dev.amazonchat.v1.CreateEmbeddingsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateEmbeddings"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.amazonchat.v1.CreateEmbeddingsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.amazonchat.v1.CreateEmbeddingsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new EmbeddingServiceMethodDescriptorSupplier("CreateEmbeddings"))
              .build();
        }
      }
    }
    return getCreateEmbeddingsMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static EmbeddingServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<EmbeddingServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<EmbeddingServiceStub>() {
        @java.lang.Override
        public EmbeddingServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new EmbeddingServiceStub(channel, callOptions);
        }
      };
    return EmbeddingServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static EmbeddingServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<EmbeddingServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<EmbeddingServiceBlockingStub>() {
        @java.lang.Override
        public EmbeddingServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new EmbeddingServiceBlockingStub(channel, callOptions);
        }
      };
    return EmbeddingServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static EmbeddingServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<EmbeddingServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<EmbeddingServiceFutureStub>() {
        @java.lang.Override
        public EmbeddingServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new EmbeddingServiceFutureStub(channel, callOptions);
        }
      };
    return EmbeddingServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Turns texts (and images, on the models that take them) into vectors with Bedrock's embedding
   * models: Amazon Titan Text Embeddings (G1, V2), Cohere Embed (v3, v4) and Amazon Nova multimodal
   * embeddings. The server sends each family its own request body, in batches where the model takes
   * batches (Cohere: 96 texts) and one input at a time where it does not.
   * Authentication, key policies, rate limits, routing and errors are those of ChatService (the same
   * error table). A chat model named here, or an embedding model named in a chat request, is
   * INVALID_ARGUMENT.
   * </pre>
   */
  public static abstract class EmbeddingServiceImplBase implements io.grpc.BindableService {

    /**
     * <pre>
     * Embeds the inputs, in order.
     * </pre>
     */
    public void createEmbeddings(dev.amazonchat.v1.CreateEmbeddingsRequest request,
        io.grpc.stub.StreamObserver<dev.amazonchat.v1.CreateEmbeddingsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateEmbeddingsMethod(), responseObserver);
    }

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
          .addMethod(
            getCreateEmbeddingsMethod(),
            io.grpc.stub.ServerCalls.asyncUnaryCall(
              new MethodHandlers<
                dev.amazonchat.v1.CreateEmbeddingsRequest,
                dev.amazonchat.v1.CreateEmbeddingsResponse>(
                  this, METHODID_CREATE_EMBEDDINGS)))
          .build();
    }
  }

  /**
   * <pre>
   * Turns texts (and images, on the models that take them) into vectors with Bedrock's embedding
   * models: Amazon Titan Text Embeddings (G1, V2), Cohere Embed (v3, v4) and Amazon Nova multimodal
   * embeddings. The server sends each family its own request body, in batches where the model takes
   * batches (Cohere: 96 texts) and one input at a time where it does not.
   * Authentication, key policies, rate limits, routing and errors are those of ChatService (the same
   * error table). A chat model named here, or an embedding model named in a chat request, is
   * INVALID_ARGUMENT.
   * </pre>
   */
  public static final class EmbeddingServiceStub extends io.grpc.stub.AbstractAsyncStub<EmbeddingServiceStub> {
    private EmbeddingServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected EmbeddingServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new EmbeddingServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Embeds the inputs, in order.
     * </pre>
     */
    public void createEmbeddings(dev.amazonchat.v1.CreateEmbeddingsRequest request,
        io.grpc.stub.StreamObserver<dev.amazonchat.v1.CreateEmbeddingsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateEmbeddingsMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * <pre>
   * Turns texts (and images, on the models that take them) into vectors with Bedrock's embedding
   * models: Amazon Titan Text Embeddings (G1, V2), Cohere Embed (v3, v4) and Amazon Nova multimodal
   * embeddings. The server sends each family its own request body, in batches where the model takes
   * batches (Cohere: 96 texts) and one input at a time where it does not.
   * Authentication, key policies, rate limits, routing and errors are those of ChatService (the same
   * error table). A chat model named here, or an embedding model named in a chat request, is
   * INVALID_ARGUMENT.
   * </pre>
   */
  public static final class EmbeddingServiceBlockingStub extends io.grpc.stub.AbstractBlockingStub<EmbeddingServiceBlockingStub> {
    private EmbeddingServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected EmbeddingServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new EmbeddingServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Embeds the inputs, in order.
     * </pre>
     */
    public dev.amazonchat.v1.CreateEmbeddingsResponse createEmbeddings(dev.amazonchat.v1.CreateEmbeddingsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateEmbeddingsMethod(), getCallOptions(), request);
    }
  }

  /**
   * <pre>
   * Turns texts (and images, on the models that take them) into vectors with Bedrock's embedding
   * models: Amazon Titan Text Embeddings (G1, V2), Cohere Embed (v3, v4) and Amazon Nova multimodal
   * embeddings. The server sends each family its own request body, in batches where the model takes
   * batches (Cohere: 96 texts) and one input at a time where it does not.
   * Authentication, key policies, rate limits, routing and errors are those of ChatService (the same
   * error table). A chat model named here, or an embedding model named in a chat request, is
   * INVALID_ARGUMENT.
   * </pre>
   */
  public static final class EmbeddingServiceFutureStub extends io.grpc.stub.AbstractFutureStub<EmbeddingServiceFutureStub> {
    private EmbeddingServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected EmbeddingServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new EmbeddingServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Embeds the inputs, in order.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.amazonchat.v1.CreateEmbeddingsResponse> createEmbeddings(
        dev.amazonchat.v1.CreateEmbeddingsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateEmbeddingsMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CREATE_EMBEDDINGS = 0;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final EmbeddingServiceImplBase serviceImpl;
    private final int methodId;

    MethodHandlers(EmbeddingServiceImplBase serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_CREATE_EMBEDDINGS:
          serviceImpl.createEmbeddings((dev.amazonchat.v1.CreateEmbeddingsRequest) request,
              (io.grpc.stub.StreamObserver<dev.amazonchat.v1.CreateEmbeddingsResponse>) responseObserver);
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

  private static abstract class EmbeddingServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    EmbeddingServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.amazonchat.v1.EmbeddingsProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("EmbeddingService");
    }
  }

  private static final class EmbeddingServiceFileDescriptorSupplier
      extends EmbeddingServiceBaseDescriptorSupplier {
    EmbeddingServiceFileDescriptorSupplier() {}
  }

  private static final class EmbeddingServiceMethodDescriptorSupplier
      extends EmbeddingServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final String methodName;

    EmbeddingServiceMethodDescriptorSupplier(String methodName) {
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
      synchronized (EmbeddingServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new EmbeddingServiceFileDescriptorSupplier())
              .addMethod(getCreateEmbeddingsMethod())
              .build();
        }
      }
    }
    return result;
  }
}
