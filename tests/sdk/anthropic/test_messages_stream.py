"""Streamed `POST /v1/messages` (`stream: true`): the raw events through `messages.create(stream=True)`,
the `messages.stream()` helper (`text_stream`, `get_final_message()`), the events on the wire, and
the async client. A streamed answer must equal the unary one for the same request."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import anthropic
import httpx2

from launch_server import Server
from messages_helpers import (
    HAIKU,
    MESSAGE_ID,
    assert_message,
    only_text,
    parse_events,
    said,
    user,
    words,
)

PROMPT = "hello there, streaming"


def test_raw_events_match_the_unary_answer(client: anthropic.Anthropic) -> None:
    request: dict[str, Any] = {"model": HAIKU, "max_tokens": 256, "messages": [user(PROMPT)]}
    unary = client.messages.create(**request)
    events = list(client.messages.create(**request, stream=True))
    streamed = parse_events(events, HAIKU)

    assert streamed.start.id != unary.id
    [block] = streamed.blocks
    assert block.start.type == "text" and block.start.text == "", block.start
    assert set(block.delta_types()) == {"text_delta"}
    assert len(block.deltas) >= 2, "the answer arrives in several deltas (the emulator streams word by word)"
    assert block.text() == only_text(unary) == said(PROMPT)

    assert streamed.delta.stop_reason == unary.stop_reason == "end_turn"
    assert streamed.delta.stop_sequence is None
    assert streamed.usage.output_tokens == unary.usage.output_tokens == words(said(PROMPT))
    assert streamed.input_tokens == unary.usage.input_tokens == words(PROMPT)


def test_stream_cut_by_max_tokens(client: anthropic.Anthropic) -> None:
    request: dict[str, Any] = {"model": HAIKU, "max_tokens": 2, "messages": [user("hello there my friend")]}
    unary = client.messages.create(**request)
    streamed = parse_events(list(client.messages.create(**request, stream=True)), HAIKU)
    assert [b.text() for b in streamed.blocks] == [only_text(unary)] == ["You said:"]
    assert streamed.delta.stop_reason == unary.stop_reason == "max_tokens"
    assert streamed.usage.output_tokens == 2


def test_stream_ended_by_a_stop_sequence(client: anthropic.Anthropic) -> None:
    request: dict[str, Any] = {
        "model": HAIKU, "max_tokens": 256, "messages": [user("one STOP two")], "stop_sequences": ["STOP"],
    }
    unary = client.messages.create(**request)
    streamed = parse_events(list(client.messages.create(**request, stream=True)), HAIKU)
    assert [b.text() for b in streamed.blocks] == [only_text(unary)] == ["You said: one"]
    assert streamed.delta.stop_reason == "stop_sequence"
    assert streamed.delta.stop_sequence == unary.stop_sequence == "STOP"


def test_stream_helper(client: anthropic.Anthropic) -> None:
    request: dict[str, Any] = {
        "model": HAIKU, "max_tokens": 256, "system": "You are terse.", "messages": [user(PROMPT)],
    }
    unary = client.messages.create(**request)
    with client.messages.stream(**request) as stream:
        fragments = list(stream.text_stream)
        final = stream.get_final_message()
    assert len(fragments) >= 2
    assert "".join(fragments) == only_text(unary) == said(PROMPT)
    assert_message(final, HAIKU)
    assert final.id != unary.id
    assert only_text(final) == only_text(unary)
    assert final.stop_reason == unary.stop_reason == "end_turn"
    assert final.stop_sequence is None
    assert final.usage.output_tokens == unary.usage.output_tokens
    assert final.usage.input_tokens == unary.usage.input_tokens == 3 + 3


def test_stream_helper_events(client: anthropic.Anthropic) -> None:
    """The helper's own events: `text` with a growing snapshot, and `message_stop` carrying the message."""
    with client.messages.stream(model=HAIKU, max_tokens=256, messages=[user(PROMPT)]) as stream:
        events = list(stream)
    texts = [e for e in events if e.type == "text"]
    assert texts and texts[-1].snapshot == said(PROMPT)
    assert all(a.snapshot + b.text == b.snapshot for a, b in zip(texts, texts[1:], strict=False))
    stops = [e for e in events if e.type == "message_stop"]
    assert len(stops) == 1 and only_text(stops[0].message) == said(PROMPT)
    block_stops = [e for e in events if e.type == "content_block_stop"]
    assert [e.content_block.type for e in block_stops] == ["text"]


def test_events_on_the_wire(server: Server) -> None:
    """Without the SDK: every event names itself (`event: X` with `"type": "X"` in its data; the SDK
    skips events without a name), JSON data, no OpenAI-style `[DONE]`, message_stop last."""
    body = {"model": HAIKU, "max_tokens": 64, "stream": True, "messages": [user("wire check")]}
    headers = {"x-api-key": server.api_key, "anthropic-version": "2023-06-01"}
    with httpx2.Client(timeout=30, trust_env=False) as http:
        with http.stream("POST", server.url + "/v1/messages", json=body, headers=headers) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream"), dict(response.headers)
            text = response.read().decode()
    events = [chunk for chunk in text.replace("\r\n", "\n").split("\n\n") if chunk.strip()]
    names = []
    for chunk in events:
        fields: dict[str, str] = {}
        for line in chunk.split("\n"):
            if line.startswith(":"):
                continue  # a comment (keep-alive)
            name, _, value = line.partition(":")
            fields[name] = fields.get(name, "") + value.removeprefix(" ")
        assert "event" in fields and "data" in fields, chunk
        data = json.loads(fields["data"])
        assert data["type"] == fields["event"], chunk
        names.append(fields["event"])
    names = [n for n in names if n != "ping"]
    assert names[0] == "message_start" and names[-1] == "message_stop", names
    assert "[DONE]" not in text


def test_async_client(server: Server) -> None:
    async def run() -> tuple[Any, str, Any]:
        async with anthropic.AsyncAnthropic(
            base_url=server.url, api_key=server.api_key, max_retries=0, timeout=30
        ) as c:
            unary = await c.messages.create(model=HAIKU, max_tokens=256, messages=[user("async hi")])
            async with c.messages.stream(model=HAIKU, max_tokens=256, messages=[user("async hi")]) as stream:
                text = "".join([t async for t in stream.text_stream])
                final = await stream.get_final_message()
            return unary, text, final

    unary, text, final = asyncio.run(run())
    assert_message(unary, HAIKU)
    assert text == only_text(unary) == only_text(final) == "You said: async hi"
    assert MESSAGE_ID.match(final.id) and final.id != unary.id
    assert final.stop_reason == unary.stop_reason == "end_turn"
    assert final.usage.output_tokens == unary.usage.output_tokens


def test_async_raw_stream(server: Server) -> None:
    async def run() -> list[Any]:
        async with anthropic.AsyncAnthropic(
            base_url=server.url, api_key=server.api_key, max_retries=0, timeout=30
        ) as c:
            stream = await c.messages.create(
                model=HAIKU, max_tokens=256, messages=[user("async raw")], stream=True
            )
            return [e async for e in stream]

    streamed = parse_events(asyncio.run(run()), HAIKU)
    assert [b.text() for b in streamed.blocks] == ["You said: async raw"]
    assert streamed.delta.stop_reason == "end_turn"
