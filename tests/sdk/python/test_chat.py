"""Plain and streamed chat completions through the official openai SDK."""

from __future__ import annotations

import asyncio

import openai

from conftest import MODEL, PNG_DATA_URL
from launch_server import Server


def test_plain_completion(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "hello there"}]
    )
    assert completion.object == "chat.completion"
    assert completion.id
    assert completion.model == MODEL
    assert completion.created > 0
    assert len(completion.choices) == 1
    choice = completion.choices[0]
    assert choice.index == 0
    assert choice.message.role == "assistant"
    assert choice.message.content == "You said: hello there"
    assert choice.message.tool_calls is None
    assert choice.finish_reason == "stop"
    usage = completion.usage
    assert usage is not None
    assert usage.prompt_tokens > 0
    assert usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_answers_the_last_user_message(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": "You are terse."},
            {"role": "developer", "content": "Answer in English."},
            {"role": "user", "content": "first question"},
            {"role": "assistant", "content": "first answer"},
            {"role": "user", "content": "second question"},
        ],
        temperature=0.2,
        top_p=0.9,
        user="test-user",
    )
    assert completion.choices[0].message.content == "You said: second question"


def test_max_tokens_cuts_with_length(client: openai.OpenAI) -> None:
    for limit in ({"max_tokens": 1}, {"max_completion_tokens": 1}):
        completion = client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "hello there my friend"}], **limit
        )
        assert completion.choices[0].finish_reason == "length", limit
        assert completion.usage is not None and completion.usage.completion_tokens == 1, limit


def test_image_content_part(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model=MODEL,
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": {"url": PNG_DATA_URL}},
                ],
            }
        ],
    )
    assert completion.choices[0].message.content == "You said: What is this? (I see 1 image: png, 70 bytes)"
    assert completion.choices[0].finish_reason == "stop"


def test_raw_response_headers(client: openai.OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model=MODEL, messages=[{"role": "user", "content": "hello there"}]
    )
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.parse().choices[0].message.content == "You said: hello there"


def test_stream_matches_unary(client: openai.OpenAI) -> None:
    messages = [{"role": "user", "content": "hello there, streaming"}]
    unary = client.chat.completions.create(model=MODEL, messages=messages)
    chunks = list(client.chat.completions.create(model=MODEL, messages=messages, stream=True))
    assert chunks, "no chunks"
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert len({c.id for c in chunks}) == 1, "all chunks share one id"
    assert all(c.model == MODEL for c in chunks)
    assert all(c.usage is None for c in chunks), "usage only with stream_options.include_usage"
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == unary.choices[0].message.content == "You said: hello there, streaming"
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_stream_include_usage(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "hello there"}],
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    last = chunks[-1]
    assert last.choices == []
    assert last.usage is not None
    assert last.usage.prompt_tokens > 0 and last.usage.completion_tokens > 0
    assert last.usage.total_tokens == last.usage.prompt_tokens + last.usage.completion_tokens
    assert all(c.usage is None for c in chunks[:-1])
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "You said: hello there"
    assert chunks[-2].choices[0].finish_reason == "stop"


def test_stream_helper_final_completion(client: openai.OpenAI) -> None:
    """The SDK's `chat.completions.stream` helper accumulates the chunks into a ChatCompletion."""
    with client.chat.completions.stream(
        model=MODEL, messages=[{"role": "user", "content": "hello there"}]
    ) as stream:
        deltas = [e.delta for e in stream if e.type == "content.delta"]
        final = stream.get_final_completion()
    assert "".join(deltas) == "You said: hello there"
    assert final.choices[0].message.content == "You said: hello there"
    assert final.choices[0].finish_reason == "stop"


def test_async_client_stream(server: Server) -> None:
    async def run() -> tuple[str, str | None]:
        async with openai.AsyncOpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0) as c:
            unary = await c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "async hi"}])
            stream = await c.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": "async hi"}], stream=True
            )
            text = "".join([ch.choices[0].delta.content or "" async for ch in stream if ch.choices])
            return text, unary.choices[0].message.content

    text, unary = asyncio.run(run())
    assert text == unary == "You said: async hi"
