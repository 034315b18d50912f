"""A thin, typed layer over the generated amazon-chat gRPC stubs.

``Client`` (blocking) and ``AsyncClient`` (asyncio) connect to a target such as ``"127.0.0.1:8000"``,
send the API key as ``authorization: Bearer <key>`` metadata on every call, and give every call a
deadline (the client's default ``timeout``, or the one passed to the call). Failed calls raise
``grpc.RpcError`` (``grpc.aio.AioRpcError`` in ``AsyncClient``) with the server's status code and
message: ``err.code()``, ``err.details()``.

Reasoning: ``reasoning_effort="low"`` (any of ``ReasoningEffort``) on ``chat``, ``chat_answer``,
``stream_chat`` or ``chat_request`` asks a model that can reason to think first; ``chat_answer``
returns an ``Answer`` with the reasoning text beside the answer's, and ``reasoning_text(response)``
reads it from a full response.

Embeddings: ``client.embed(model, texts, dimensions=256)`` returns one vector (a list of floats) per
text, in order; ``create_embeddings(embeddings_request(...))`` returns the whole
``CreateEmbeddingsResponse`` (images too, through ``image_input``), and ``embedding_vectors`` reads
its vectors, base64 ones included.

TLS: ``credentials=tls_credentials("ca.pem")`` trusts that CA (the system's roots without one);
``tls_credentials("ca.pem", cert="client.pem", key="client-key.pem")`` also presents a client
certificate, for a server that requires one (mTLS). The default stays plaintext HTTP/2.

The generated messages and stubs are re-exported from ``amazon_chat.v1``; the raw stubs are on
``client.chat_service``, ``client.model_service`` and ``client.embedding_service`` for anything this
layer does not cover.
"""

from __future__ import annotations

import base64
import os
import struct
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Literal

import grpc
import grpc.aio
from google.protobuf import struct_pb2

from amazon_chat.v1 import (
    chat_pb2,
    chat_pb2_grpc,
    embeddings_pb2,
    embeddings_pb2_grpc,
    models_pb2,
    models_pb2_grpc,
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

DEFAULT_TIMEOUT: Final = 60.0
"""Seconds a call may take unless the client or the call says otherwise."""


class _UseClientTimeout:
    def __repr__(self) -> str:
        return "<client default>"


_CLIENT_DEFAULT: Final = _UseClientTimeout()

# A call's deadline in seconds; None means no deadline; omitted means the client's default.
Timeout = float | None | _UseClientTimeout

Prompt = str | chat_pb2.Message | Iterable[chat_pb2.Message]

ReasoningEffort = Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"]
"""OpenAI's reasoning efforts; "none" turns thinking off. The server maps them per model family, and a
model that cannot reason answers INVALID_ARGUMENT."""

EmbeddingInputs = (
    str | embeddings_pb2.EmbeddingInput | Iterable[str | embeddings_pb2.EmbeddingInput]
)
"""What to embed: one text, one input (``text_input``, ``image_input``), or several of either, in
order."""

InputType = Literal["search_document", "search_query", "classification", "clustering"]
"""What the vectors are for (Cohere's ``input_type``, Nova's embedding purpose; Titan has none). The
server's default is "search_document" (or its ``--embedding-input-type``)."""

EncodingFormat = Literal["float", "base64"]
"""How the vectors come back: floats (``Embedding.embedding``, the default) or base64 of little-endian
32-bit floats (``Embedding.embedding_base64``)."""


Pem = bytes | str | os.PathLike[str]
"""A PEM file's contents (``bytes``, or a ``str`` that starts with ``-----BEGIN``) or its path."""


def _read_pem(source: Pem, what: str) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str) and source.lstrip().startswith("-----BEGIN"):
        return source.encode()
    try:
        with open(source, "rb") as f:
            return f.read()
    except OSError as e:
        raise ValueError(f"{what}: cannot read {os.fsdecode(source)!r}: {e}") from e


def tls_credentials(
    ca: Pem | None = None, *, cert: Pem | None = None, key: Pem | None = None
) -> grpc.ChannelCredentials:
    """Channel credentials for TLS, to pass as ``Client(..., credentials=...)``.

    ``ca`` is the PEM CA certificate(s) to trust (``None``: the system's roots); ``cert`` and ``key``
    (PEM, together or not at all; the key PKCS#8, PKCS#1 or SEC1) are the client certificate to
    present to a server that requires one (mTLS). Each is PEM bytes, PEM text, or a file's path. The
    server's certificate must name the host of the target (``localhost``, ``127.0.0.1``, ...).
    """
    if (cert is None) != (key is None):
        raise ValueError("tls_credentials: give both cert and key (a client certificate), or neither")
    return grpc.ssl_channel_credentials(
        root_certificates=None if ca is None else _read_pem(ca, "ca"),
        private_key=None if key is None else _read_pem(key, "key"),
        certificate_chain=None if cert is None else _read_pem(cert, "cert"),
    )


def system(text: str) -> chat_pb2.Message:
    """A system message."""
    return chat_pb2.Message(role="system", text=text)


def user(text: str) -> chat_pb2.Message:
    """A user message."""
    return chat_pb2.Message(role="user", text=text)


def assistant(
    text: str | None = None,
    tool_calls: Iterable[chat_pb2.ToolCall] = (),
    thinking_blocks: Iterable[chat_pb2.ThinkingBlock] = (),
) -> chat_pb2.Message:
    """An assistant message (to replay history): text, tool calls, or both, with the thinking blocks
    the answer came with (send them back unchanged: their signatures are checked)."""
    message = chat_pb2.Message(
        role="assistant", tool_calls=tool_calls, thinking_blocks=thinking_blocks
    )
    if text is not None:
        message.text = text
    return message


def tool_result(tool_call_id: str, text: str) -> chat_pb2.Message:
    """A tool message answering the tool call ``tool_call_id``."""
    return chat_pb2.Message(role="tool", tool_call_id=tool_call_id, text=text)


def function_tool(
    name: str,
    parameters: Mapping[str, Any] | None = None,
    description: str | None = None,
) -> chat_pb2.Tool:
    """A function tool; ``parameters`` is its arguments' JSON Schema as a dict."""
    function = chat_pb2.FunctionDefinition(name=name)
    if description is not None:
        function.description = description
    if parameters is not None:
        schema = struct_pb2.Struct()
        schema.update(parameters)
        function.parameters.CopyFrom(schema)
    return chat_pb2.Tool(type="function", function=function)


def chat_request(
    model: str,
    prompt: Prompt,
    *,
    reasoning_effort: ReasoningEffort | None = None,
    **fields: Any,
) -> chat_pb2.ChatCompletionRequest:
    """A ChatCompletionRequest for ``model``.

    ``prompt`` is a user message's text, one message, or the whole conversation.
    ``reasoning_effort`` asks the model to reason first (None: the model's default). Other request
    fields (``max_tokens``, ``temperature``, ``tools``, ...) pass through as keyword arguments.
    """
    if isinstance(prompt, str):
        messages = [user(prompt)]
    elif isinstance(prompt, chat_pb2.Message):
        messages = [prompt]
    else:
        messages = list(prompt)
    if reasoning_effort is not None:
        fields["reasoning_effort"] = reasoning_effort
    return chat_pb2.ChatCompletionRequest(model=model, messages=messages, **fields)


def answer_text(response: chat_pb2.ChatCompletionResponse) -> str:
    """The text of a response's first choice ("" if none)."""
    if not response.choices:
        return ""
    return response.choices[0].message.text


def reasoning_text(response: chat_pb2.ChatCompletionResponse) -> str:
    """The model's reasoning in a response's first choice, all its blocks' text joined ("" if the
    model did not reason, or its reasoning came back redacted only)."""
    if not response.choices:
        return ""
    return response.choices[0].message.reasoning_content


def text_input(text: str) -> embeddings_pb2.EmbeddingInput:
    """A text to embed."""
    return embeddings_pb2.EmbeddingInput(text=text)


def image_input(image_url: str) -> embeddings_pb2.EmbeddingInput:
    """An image to embed, as a base64 data URL (``data:image/png;base64,...``), on the models that
    take images (Cohere v3 and v4, Nova)."""
    return embeddings_pb2.EmbeddingInput(image_url=image_url)


def embeddings_request(
    model: str,
    inputs: EmbeddingInputs,
    *,
    dimensions: int | None = None,
    input_type: InputType | None = None,
    normalize: bool | None = None,
    encoding_format: EncodingFormat | None = None,
    user: str | None = None,
) -> embeddings_pb2.CreateEmbeddingsRequest:
    """A CreateEmbeddingsRequest for ``model``.

    ``inputs`` is a text, an input, or several of either (strings are texts). ``None`` leaves a
    field to the server: the model's default size, the server's input type, the model's own vectors
    (Titan V2 normalises by default), floats.
    """
    if isinstance(inputs, (str, embeddings_pb2.EmbeddingInput)):
        inputs = [inputs]
    request = embeddings_pb2.CreateEmbeddingsRequest(
        model=model,
        inputs=[text_input(i) if isinstance(i, str) else i for i in inputs],
    )
    if dimensions is not None:
        request.dimensions = dimensions
    if input_type is not None:
        request.input_type = input_type
    if normalize is not None:
        request.normalize = normalize
    if encoding_format is not None:
        request.encoding_format = encoding_format
    if user is not None:
        request.user = user
    return request


def embedding_vectors(response: embeddings_pb2.CreateEmbeddingsResponse) -> list[list[float]]:
    """The vectors of a response, in the order of the inputs: the floats, or the base64 ones
    decoded (encoding_format "base64")."""
    vectors = []
    for item in sorted(response.data, key=lambda e: e.index):
        if item.HasField("embedding_base64"):
            raw = base64.b64decode(item.embedding_base64)
            vectors.append(list(struct.unpack(f"<{len(raw) // 4}f", raw)))
        else:
            vectors.append(list(item.embedding))
    return vectors


@dataclass(frozen=True)
class Answer:
    """An answer with what came with it: ``chat_answer``'s result.

    ``message`` is the assistant message as the server sent it (tool calls and thinking blocks
    included): append it to the history to continue the conversation.
    """

    text: str
    """The answer's text ("" if the model only called tools)."""
    reasoning: str
    """The model's reasoning ("" if it did not reason)."""
    finish_reason: str
    """Why generation stopped: "stop", "length", "tool_calls" or "content_filter"."""
    message: chat_pb2.Message
    response: chat_pb2.ChatCompletionResponse

    @property
    def thinking_blocks(self) -> list[chat_pb2.ThinkingBlock]:
        """The signed reasoning blocks, to replay unchanged."""
        return list(self.message.thinking_blocks)

    @property
    def tool_calls(self) -> list[chat_pb2.ToolCall]:
        """The tool calls the model made."""
        return list(self.message.tool_calls)

    @classmethod
    def of(cls, response: chat_pb2.ChatCompletionResponse) -> Answer:
        """The answer of a response's first choice."""
        choice = response.choices[0] if response.choices else chat_pb2.Choice()
        return cls(
            text=choice.message.text,
            reasoning=choice.message.reasoning_content,
            finish_reason=choice.finish_reason,
            message=choice.message,
            response=response,
        )


def _delta_text(chunk: chat_pb2.StreamChatCompletionResponse) -> str:
    return "".join(choice.delta.content for choice in chunk.choices)


class _Base:
    def __init__(self, api_key: str | None, timeout: float | None) -> None:
        self.timeout = timeout
        self._metadata: tuple[tuple[str, str], ...] = (
            (("authorization", f"Bearer {api_key}"),) if api_key else ()
        )

    def _timeout(self, timeout: Timeout) -> float | None:
        return self.timeout if isinstance(timeout, _UseClientTimeout) else timeout


class Client(_Base):
    """A blocking amazon-chat client. Use it as a context manager, or call ``close()``.

    ``target`` is ``host:port``. The channel is plaintext (h2c) unless ``credentials`` are given:
    ``tls_credentials(ca, cert=..., key=...)`` for TLS (and mTLS), or any
    ``grpc.ChannelCredentials``. ``timeout`` is the default deadline of each call in seconds
    (``None``: no deadline); every method also takes its own ``timeout``.
    """

    def __init__(
        self,
        target: str,
        *,
        api_key: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        credentials: grpc.ChannelCredentials | None = None,
        options: Sequence[tuple[str, Any]] = (),
    ) -> None:
        super().__init__(api_key, timeout)
        if credentials is None:
            self._channel = grpc.insecure_channel(target, options=options)
        else:
            self._channel = grpc.secure_channel(target, credentials, options=options)
        self.chat_service = chat_pb2_grpc.ChatServiceStub(self._channel)
        self.model_service = models_pb2_grpc.ModelServiceStub(self._channel)
        self.embedding_service = embeddings_pb2_grpc.EmbeddingServiceStub(self._channel)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def chat(
        self,
        model: str,
        prompt: Prompt,
        *,
        reasoning_effort: ReasoningEffort | None = None,
        timeout: Timeout = _CLIENT_DEFAULT,
        **fields: Any,
    ) -> str:
        """Asks ``model`` and returns the answer's text (one call, one line)."""
        request = chat_request(model, prompt, reasoning_effort=reasoning_effort, **fields)
        return answer_text(self.chat_completion(request, timeout=timeout))

    def chat_answer(
        self,
        model: str,
        prompt: Prompt,
        *,
        reasoning_effort: ReasoningEffort | None = None,
        timeout: Timeout = _CLIENT_DEFAULT,
        **fields: Any,
    ) -> Answer:
        """Asks ``model`` and returns the ``Answer``: its text, the model's reasoning, and the
        assistant message to replay."""
        request = chat_request(model, prompt, reasoning_effort=reasoning_effort, **fields)
        return Answer.of(self.chat_completion(request, timeout=timeout))

    def chat_completion(
        self, request: chat_pb2.ChatCompletionRequest, *, timeout: Timeout = _CLIENT_DEFAULT
    ) -> chat_pb2.ChatCompletionResponse:
        """ChatService.ChatCompletion: the complete answer."""
        return self.chat_service.ChatCompletion(
            request, timeout=self._timeout(timeout), metadata=self._metadata
        )

    def stream_chat_completion(
        self, request: chat_pb2.ChatCompletionRequest, *, timeout: Timeout = _CLIENT_DEFAULT
    ) -> Iterator[chat_pb2.StreamChatCompletionResponse]:
        """ChatService.StreamChatCompletion: an iterator over the chunks as they arrive.

        The deadline covers the whole stream. Closing the iterator early (``break`` out of a ``for``
        loop over it, then let it go, or call its ``close()``) cancels the call.
        """
        call = self.chat_service.StreamChatCompletion(
            request, timeout=self._timeout(timeout), metadata=self._metadata
        )
        try:
            yield from call
        finally:
            call.cancel()  # type: ignore[no-untyped-call]  # (grpc-stubs) a no-op once it ended

    def stream_chat(
        self,
        model: str,
        prompt: Prompt,
        *,
        reasoning_effort: ReasoningEffort | None = None,
        timeout: Timeout = _CLIENT_DEFAULT,
        **fields: Any,
    ) -> Iterator[str]:
        """Streams the answer's text fragments (not the reasoning's: see ``Delta.reasoning_content``
        in ``stream_chat_completion``)."""
        request = chat_request(model, prompt, reasoning_effort=reasoning_effort, **fields)
        for chunk in self.stream_chat_completion(request, timeout=timeout):
            text = _delta_text(chunk)
            if text:
                yield text

    def embed(
        self,
        model: str,
        texts: EmbeddingInputs,
        *,
        dimensions: int | None = None,
        input_type: InputType | None = None,
        normalize: bool | None = None,
        user: str | None = None,
        timeout: Timeout = _CLIENT_DEFAULT,
    ) -> list[list[float]]:
        """Embeds ``texts`` (a text, or several, in order; images through ``image_input``) with
        ``model`` and returns one vector per input, in order (one call, one line)."""
        request = embeddings_request(
            model, texts, dimensions=dimensions, input_type=input_type, normalize=normalize, user=user
        )
        return embedding_vectors(self.create_embeddings(request, timeout=timeout))

    def create_embeddings(
        self, request: embeddings_pb2.CreateEmbeddingsRequest, *, timeout: Timeout = _CLIENT_DEFAULT
    ) -> embeddings_pb2.CreateEmbeddingsResponse:
        """EmbeddingService.CreateEmbeddings: the whole response (vectors, usage)."""
        return self.embedding_service.CreateEmbeddings(
            request, timeout=self._timeout(timeout), metadata=self._metadata
        )

    def list_models(self, *, timeout: Timeout = _CLIENT_DEFAULT) -> list[models_pb2.Model]:
        """ModelService.ListModels: the models, sorted by id."""
        response = self.model_service.ListModels(
            models_pb2.ListModelsRequest(), timeout=self._timeout(timeout), metadata=self._metadata
        )
        return list(response.data)

    def get_model(self, model_id: str, *, timeout: Timeout = _CLIENT_DEFAULT) -> models_pb2.Model:
        """ModelService.GetModel; NOT_FOUND if the model is not served."""
        response = self.model_service.GetModel(
            models_pb2.GetModelRequest(id=model_id),
            timeout=self._timeout(timeout),
            metadata=self._metadata,
        )
        return response.model


class AsyncClient(_Base):
    """The asyncio twin of ``Client`` (grpc.aio). Use ``async with``, or ``await close()``. TLS as in
    ``Client``: ``credentials=tls_credentials(...)``."""

    def __init__(
        self,
        target: str,
        *,
        api_key: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        credentials: grpc.ChannelCredentials | None = None,
        options: Sequence[tuple[str, Any]] = (),
    ) -> None:
        super().__init__(api_key, timeout)
        if credentials is None:
            self._channel = grpc.aio.insecure_channel(target, options=options)
        else:
            self._channel = grpc.aio.secure_channel(target, credentials, options=options)
        self.chat_service: chat_pb2_grpc.ChatServiceAsyncStub = chat_pb2_grpc.ChatServiceStub(
            self._channel
        )
        self.model_service: models_pb2_grpc.ModelServiceAsyncStub = (
            models_pb2_grpc.ModelServiceStub(self._channel)
        )
        self.embedding_service: embeddings_pb2_grpc.EmbeddingServiceAsyncStub = (
            embeddings_pb2_grpc.EmbeddingServiceStub(self._channel)
        )

    async def close(self) -> None:
        await self._channel.close(None)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def chat(
        self,
        model: str,
        prompt: Prompt,
        *,
        reasoning_effort: ReasoningEffort | None = None,
        timeout: Timeout = _CLIENT_DEFAULT,
        **fields: Any,
    ) -> str:
        """Asks ``model`` and returns the answer's text."""
        request = chat_request(model, prompt, reasoning_effort=reasoning_effort, **fields)
        return answer_text(await self.chat_completion(request, timeout=timeout))

    async def chat_answer(
        self,
        model: str,
        prompt: Prompt,
        *,
        reasoning_effort: ReasoningEffort | None = None,
        timeout: Timeout = _CLIENT_DEFAULT,
        **fields: Any,
    ) -> Answer:
        """Asks ``model`` and returns the ``Answer`` (text, reasoning, message to replay)."""
        request = chat_request(model, prompt, reasoning_effort=reasoning_effort, **fields)
        return Answer.of(await self.chat_completion(request, timeout=timeout))

    async def chat_completion(
        self, request: chat_pb2.ChatCompletionRequest, *, timeout: Timeout = _CLIENT_DEFAULT
    ) -> chat_pb2.ChatCompletionResponse:
        """ChatService.ChatCompletion: the complete answer."""
        return await self.chat_service.ChatCompletion(
            request, timeout=self._timeout(timeout), metadata=self._metadata
        )

    async def stream_chat_completion(
        self, request: chat_pb2.ChatCompletionRequest, *, timeout: Timeout = _CLIENT_DEFAULT
    ) -> AsyncIterator[chat_pb2.StreamChatCompletionResponse]:
        """ChatService.StreamChatCompletion: an async iterator over the chunks."""
        call = self.chat_service.StreamChatCompletion(
            request, timeout=self._timeout(timeout), metadata=self._metadata
        )
        try:
            async for chunk in call:
                yield chunk
        finally:
            call.cancel()  # a no-op once the stream has ended; stops it if the caller broke off

    async def stream_chat(
        self,
        model: str,
        prompt: Prompt,
        *,
        reasoning_effort: ReasoningEffort | None = None,
        timeout: Timeout = _CLIENT_DEFAULT,
        **fields: Any,
    ) -> AsyncIterator[str]:
        """Streams the answer's text fragments."""
        request = chat_request(model, prompt, reasoning_effort=reasoning_effort, **fields)
        async for chunk in self.stream_chat_completion(request, timeout=timeout):
            text = _delta_text(chunk)
            if text:
                yield text

    async def embed(
        self,
        model: str,
        texts: EmbeddingInputs,
        *,
        dimensions: int | None = None,
        input_type: InputType | None = None,
        normalize: bool | None = None,
        user: str | None = None,
        timeout: Timeout = _CLIENT_DEFAULT,
    ) -> list[list[float]]:
        """Embeds ``texts`` with ``model`` and returns one vector per input, in order."""
        request = embeddings_request(
            model, texts, dimensions=dimensions, input_type=input_type, normalize=normalize, user=user
        )
        return embedding_vectors(await self.create_embeddings(request, timeout=timeout))

    async def create_embeddings(
        self, request: embeddings_pb2.CreateEmbeddingsRequest, *, timeout: Timeout = _CLIENT_DEFAULT
    ) -> embeddings_pb2.CreateEmbeddingsResponse:
        """EmbeddingService.CreateEmbeddings: the whole response (vectors, usage)."""
        return await self.embedding_service.CreateEmbeddings(
            request, timeout=self._timeout(timeout), metadata=self._metadata
        )

    async def list_models(self, *, timeout: Timeout = _CLIENT_DEFAULT) -> list[models_pb2.Model]:
        """ModelService.ListModels: the models, sorted by id."""
        response = await self.model_service.ListModels(
            models_pb2.ListModelsRequest(), timeout=self._timeout(timeout), metadata=self._metadata
        )
        return list(response.data)

    async def get_model(
        self, model_id: str, *, timeout: Timeout = _CLIENT_DEFAULT
    ) -> models_pb2.Model:
        """ModelService.GetModel; NOT_FOUND if the model is not served."""
        response = await self.model_service.GetModel(
            models_pb2.GetModelRequest(id=model_id),
            timeout=self._timeout(timeout),
            metadata=self._metadata,
        )
        return response.model
