"""amazon-chat's Python client: chat completions over Amazon Bedrock, through gRPC.

    from amazon_chat import Client
    with Client("127.0.0.1:8000", api_key="KEY") as client:
        print(client.chat("anthropic.claude-3-haiku-20240307-v1:0", "Hello!"))

The generated messages and stubs live in ``amazon_chat.v1`` (``chat_pb2``, ``chat_pb2_grpc``,
``models_pb2``, ``models_pb2_grpc``).
"""

from amazon_chat.client import (
    DEFAULT_TIMEOUT,
    Answer,
    AsyncClient,
    Client,
    ReasoningEffort,
    answer_text,
    assistant,
    chat_request,
    function_tool,
    reasoning_text,
    system,
    tool_result,
    user,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "Answer",
    "AsyncClient",
    "Client",
    "ReasoningEffort",
    "answer_text",
    "assistant",
    "chat_request",
    "function_tool",
    "reasoning_text",
    "system",
    "tool_result",
    "user",
]
