"""amazon-chat's Python client: chat completions over Amazon Bedrock, through gRPC.

    from amazon_chat import Client
    with Client("127.0.0.1:8000", api_key="KEY") as client:
        print(client.chat("anthropic.claude-3-haiku-20240307-v1:0", "Hello!"))

    with Client("127.0.0.1:8000", api_key="KEY") as client:
        vectors = client.embed("amazon.titan-embed-text-v2:0", ["one text", "another"])

    # TLS: trust a CA (and present a client certificate, for mTLS)
    with Client("localhost:8000", api_key="KEY", credentials=tls_credentials("ca.pem")) as client:
        ...

The generated messages and stubs live in ``amazon_chat.v1`` (``chat_pb2``, ``chat_pb2_grpc``,
``models_pb2``, ``models_pb2_grpc``, ``embeddings_pb2``, ``embeddings_pb2_grpc``).
"""

from amazon_chat.client import (
    DEFAULT_TIMEOUT,
    Answer,
    AsyncClient,
    Client,
    EmbeddingInputs,
    EncodingFormat,
    InputType,
    ReasoningEffort,
    answer_text,
    assistant,
    chat_request,
    embedding_vectors,
    embeddings_request,
    function_tool,
    image_input,
    reasoning_text,
    system,
    text_input,
    tls_credentials,
    tool_result,
    user,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "Answer",
    "AsyncClient",
    "Client",
    "EmbeddingInputs",
    "EncodingFormat",
    "InputType",
    "ReasoningEffort",
    "answer_text",
    "assistant",
    "chat_request",
    "embedding_vectors",
    "embeddings_request",
    "function_tool",
    "image_input",
    "reasoning_text",
    "system",
    "text_input",
    "tls_credentials",
    "tool_result",
    "user",
]
