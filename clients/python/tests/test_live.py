"""The Python client against a live `amazon-chat serve --demo` (see conftest.py)."""

from __future__ import annotations

import asyncio
import base64
import json
import math

import grpc
import pytest

from amazon_chat import (
    Answer,
    AsyncClient,
    Client,
    assistant,
    chat_request,
    embedding_vectors,
    embeddings_request,
    function_tool,
    image_input,
    reasoning_text,
    tool_result,
    user,
)
from amazon_chat.v1 import chat_pb2, embeddings_pb2

from .conftest import MODEL, Server

PROMPT = "hello there"
# A model that can reason (the emulator thinks "Let me think about: <prompt>" first, and signs it).
SONNET_4 = "us.anthropic.claude-sonnet-4-20250514-v1:0"
SLOW_PROMPT = "[[emulator:delay=2000ms]] are you there?"
TITAN_V2 = "amazon.titan-embed-text-v2:0"
COHERE_V3 = "cohere.embed-english-v3"
COHERE_V4 = "us.cohere.embed-v4:0"
NOVA = "amazon.nova-2-multimodal-embeddings-v1:0"
# A 1x1 PNG.
PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
    "awAAAABJRU5ErkJggg=="
)
WEATHER = function_tool(
    "get_weather",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    description="Current weather in a city",
)


def test_unary_chat(client: Client) -> None:
    assert client.chat(MODEL, PROMPT) == "You said: hello there"
    response = client.chat_completion(chat_request(MODEL, PROMPT))
    assert response.object == "chat.completion"
    assert response.model == MODEL
    assert response.id
    assert len(response.choices) == 1
    assert response.choices[0].message.role == "assistant"
    assert response.choices[0].finish_reason == "stop"
    assert response.usage.total_tokens == response.usage.prompt_tokens + response.usage.completion_tokens


def test_streaming_equals_unary(client: Client) -> None:
    unary = client.chat(MODEL, PROMPT)
    request = chat_request(MODEL, PROMPT, stream_options=chat_pb2.StreamOptions(include_usage=True))
    chunks = list(client.stream_chat_completion(request))
    content = [c for c in chunks if c.choices]
    assert len(content) >= 2, "expected the answer in several chunks"
    assert content[0].choices[0].delta.role == "assistant"
    assert content[-1].choices[0].finish_reason == "stop"
    assert "".join(c.choices[0].delta.content for c in content) == unary
    assert len({c.id for c in chunks}) == 1
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    last = chunks[-1]
    assert not last.choices and last.HasField("usage") and last.usage.total_tokens > 0
    assert "".join(client.stream_chat(MODEL, PROMPT)) == unary


def test_models(client: Client) -> None:
    models = client.list_models()
    assert MODEL in [m.id for m in models]
    model = client.get_model(MODEL)
    assert model.id == MODEL
    assert model.object == "model"


def test_tool_call_round_trip(client: Client) -> None:
    ask = user("What is the weather in Paris?")
    first = client.chat_completion(
        chat_request(MODEL, ask, tools=[WEATHER], tool_choice=chat_pb2.ToolChoice(mode="required"))
    )
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]
    assert call.id
    assert call.type == "function"
    assert call.function.name == "get_weather"
    assert "city" in json.loads(call.function.arguments)

    history = [ask, assistant(tool_calls=choice.message.tool_calls), tool_result(call.id, "sunny, 21C")]
    second = client.chat_completion(chat_request(MODEL, history, tools=[WEATHER]))
    assert second.choices[0].finish_reason == "stop"
    assert "sunny, 21C" in second.choices[0].message.text


def test_reasoning(client: Client) -> None:
    answer = client.chat_answer(SONNET_4, PROMPT, reasoning_effort="low")
    assert isinstance(answer, Answer)
    assert answer.text == "You said: hello there"
    assert answer.reasoning == "Let me think about: hello there"
    assert answer.finish_reason == "stop"
    [block] = answer.thinking_blocks
    assert (block.type, block.thinking) == ("thinking", answer.reasoning)
    assert block.signature
    assert reasoning_text(answer.response) == answer.reasoning
    assert client.chat(SONNET_4, PROMPT, reasoning_effort="low") == answer.text

    # The answer's message replays as it is (its signed block included), and so does assistant().
    for replayed in (answer.message, assistant(answer.text, thinking_blocks=answer.thinking_blocks)):
        again = client.chat_answer(
            SONNET_4, [user(PROMPT), replayed, user("and again")], reasoning_effort="low"
        )
        assert (again.text, again.reasoning) == ("You said: and again", "Let me think about: and again")


def test_wrong_api_key_is_unauthenticated(server: Server) -> None:
    for key in ("wrong-key", None):
        with Client(server.target, api_key=key, timeout=10) as bad:
            with pytest.raises(grpc.RpcError) as err:
                bad.chat(MODEL, PROMPT)
            assert isinstance(err.value, grpc.Call)
            assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
            with pytest.raises(grpc.RpcError) as err:
                bad.list_models()
            assert isinstance(err.value, grpc.Call)
            assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_unknown_model_is_not_found(client: Client) -> None:
    with pytest.raises(grpc.RpcError) as err:
        client.chat("no-such-model", PROMPT)
    assert isinstance(err.value, grpc.Call)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    assert err.value.details()
    with pytest.raises(grpc.RpcError) as err:
        client.get_model("no-such-model")
    assert isinstance(err.value, grpc.Call)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


def test_deadline_exceeded(client: Client) -> None:
    with pytest.raises(grpc.RpcError) as err:
        client.chat(MODEL, SLOW_PROMPT, timeout=0.25)
    assert isinstance(err.value, grpc.Call)
    assert err.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    with pytest.raises(grpc.RpcError) as err:
        list(client.stream_chat(MODEL, SLOW_PROMPT, timeout=0.25))
    assert isinstance(err.value, grpc.Call)
    assert err.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_async_client(server: Server) -> None:
    async def run() -> None:
        async with AsyncClient(server.target, api_key=server.api_key, timeout=30) as client:
            unary = await client.chat(MODEL, PROMPT)
            assert unary == "You said: hello there"
            assert "".join([t async for t in client.stream_chat(MODEL, PROMPT)]) == unary
            assert MODEL in [m.id for m in await client.list_models()]
            assert (await client.get_model(MODEL)).id == MODEL
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await client.chat("no-such-model", PROMPT)
            assert err.value.code() == grpc.StatusCode.NOT_FOUND
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await client.chat(MODEL, SLOW_PROMPT, timeout=0.25)
            assert err.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        async with AsyncClient(server.target, api_key="wrong-key") as bad:
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await bad.list_models()
            assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED

    asyncio.run(run())


def _norm(vector: list[float]) -> float:
    return math.sqrt(sum(x * x for x in vector))


def test_embed(client: Client) -> None:
    one, two, again = client.embed(TITAN_V2, ["hello world", "the quick brown fox", "hello world"])
    assert len(one) == len(two) == 1024
    assert all(isinstance(x, float) for x in one)
    assert abs(_norm(one) - 1) < 1e-3 and abs(_norm(two) - 1) < 1e-3
    assert one == again, "the same text, the same vector"
    assert one != two
    assert client.embed(TITAN_V2, "hello world") == [one]
    [small] = client.embed(TITAN_V2, "hello world", dimensions=256)
    assert len(small) == 256 and abs(_norm(small) - 1) < 1e-3


def test_create_embeddings_response(server: Server, client: Client) -> None:
    texts = ["hello world", "the quick brown fox", "one"]
    response = client.create_embeddings(embeddings_request(TITAN_V2, texts))
    assert response.object == "list"
    assert response.model == TITAN_V2
    assert [e.index for e in response.data] == [0, 1, 2]
    assert all(e.object == "embedding" and len(e.embedding) == 1024 for e in response.data)
    assert not any(e.HasField("embedding_base64") for e in response.data)
    assert response.usage.prompt_tokens == response.usage.total_tokens == 7  # the words
    assert embedding_vectors(response) == client.embed(TITAN_V2, texts)

    # The raw stub, given the key and a deadline itself.
    raw = client.embedding_service.CreateEmbeddings(
        embeddings_request(TITAN_V2, "one"),
        timeout=10,
        metadata=(("authorization", f"Bearer {server.api_key}"),),
    )
    assert list(raw.data[0].embedding) == list(response.data[2].embedding)


def test_embeddings_base64(client: Client) -> None:
    floats = client.embed(TITAN_V2, ["hello world", "one"], dimensions=512)
    response = client.create_embeddings(
        embeddings_request(TITAN_V2, ["hello world", "one"], dimensions=512, encoding_format="base64")
    )
    assert all(e.HasField("embedding_base64") and not e.embedding for e in response.data)
    assert len(base64.b64decode(response.data[0].embedding_base64)) == 4 * 512  # float32s
    assert embedding_vectors(response) == floats


def test_embedding_families(client: Client) -> None:
    # Cohere v3: 1024 dimensions, batches of 96 that keep the inputs' order.
    passages = [f"passage {i}" for i in range(100)]
    response = client.create_embeddings(embeddings_request(COHERE_V3, passages))
    assert [e.index for e in response.data] == list(range(100))
    assert all(len(e.embedding) == 1024 for e in response.data)
    assert response.usage.prompt_tokens == 200
    assert client.embed(COHERE_V3, "passage 99") == [list(response.data[99].embedding)]
    # input_type: the default is search_document; another gives another vector.
    [document] = client.embed(COHERE_V3, "hello world", input_type="search_document")
    [query] = client.embed(COHERE_V3, "hello world", input_type="search_query")
    assert client.embed(COHERE_V3, "hello world") == [document]
    assert query != document

    # Cohere v4: 1536 by default, or 256/512/1024; normalize gives unit vectors.
    [v4] = client.embed(COHERE_V4, "hello world")
    assert len(v4) == 1536
    [v4_small] = client.embed(COHERE_V4, "hello world", dimensions=512, normalize=True)
    assert len(v4_small) == 512 and abs(_norm(v4_small) - 1) < 1e-3

    # Nova: 3072 by default, texts and images.
    text, image = client.embed(NOVA, ["a cat", image_input(PNG)])
    assert len(text) == len(image) == 3072
    assert text != image
    small = client.embed(NOVA, ["a cat", image_input(PNG)], dimensions=384)
    assert [len(v) for v in small] == [384, 384]
    assert client.embed(NOVA, "a cat", input_type="search_query") != [text]


def test_embeddings_invalid_argument(client: Client) -> None:
    cases: list[tuple[embeddings_pb2.CreateEmbeddingsRequest, str]] = [
        (embeddings_request(MODEL, "hi"), "not an embedding model"),
        (embeddings_request(TITAN_V2, "hi", dimensions=300), "dimensions"),
        (embeddings_request(TITAN_V2, image_input(PNG)), "inputs[0].image_url"),
    ]
    for request, message in cases:
        with pytest.raises(grpc.RpcError) as err:
            client.create_embeddings(request)
        assert isinstance(err.value, grpc.Call)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert message in (err.value.details() or "")
    with pytest.raises(grpc.RpcError) as err:
        client.embed(MODEL, "hi")
    assert isinstance(err.value, grpc.Call)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_embeddings_unauthenticated_and_deadline(server: Server, client: Client) -> None:
    for key in ("wrong-key", None):
        with Client(server.target, api_key=key, timeout=10) as bad:
            with pytest.raises(grpc.RpcError) as err:
                bad.embed(TITAN_V2, "hi")
            assert isinstance(err.value, grpc.Call)
            assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
    with pytest.raises(grpc.RpcError) as err:
        client.embed(TITAN_V2, SLOW_PROMPT, timeout=0.25)
    assert isinstance(err.value, grpc.Call)
    assert err.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_async_embed(server: Server) -> None:
    async def run() -> None:
        async with AsyncClient(server.target, api_key=server.api_key, timeout=30) as client:
            one, two = await client.embed(TITAN_V2, ["hello world", "one"], dimensions=256)
            assert len(one) == len(two) == 256
            response = await client.create_embeddings(embeddings_request(TITAN_V2, ["hello world", "one"]))
            assert response.usage.total_tokens == 3
            assert [e.index for e in response.data] == [0, 1]
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await client.embed(TITAN_V2, "hi", dimensions=300)
            assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert "dimensions" in (err.value.details() or "")
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await client.embed(TITAN_V2, SLOW_PROMPT, timeout=0.25)
            assert err.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        async with AsyncClient(server.target, api_key="wrong-key") as bad:
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await bad.embed(TITAN_V2, "hi")
            assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED

    asyncio.run(run())
