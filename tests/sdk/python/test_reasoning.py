"""Reasoning (`reasoning_effort`, signed thinking blocks replayed through a tool loop) through the
official openai SDK, unchanged: `reasoning_effort` is one of its typed arguments; the fields OpenAI
does not define (`reasoning_content`, `thinking_blocks`) come back in the pydantic models'
`model_extra`, and go out as plain keys of the message dicts."""

from __future__ import annotations

import base64
import copy
from typing import Any

import openai
import pytest

from conftest import MODEL, SONNET_4, WEATHER_TOOL, assert_envelope

PROMPT = "hello there, thinker"
# Names the tool: what makes the emulator call it (tool_choice "auto", the default with tools).
NAMING_QUESTION = "Ask get_weather: what is the weather in Paris?"


def thinking_blocks(message: Any) -> list[dict[str, Any]]:
    """The message's (or delta's) `thinking_blocks`, an extra field for the SDK."""
    extra = message.model_extra or {}
    blocks = extra.get("thinking_blocks")
    assert isinstance(blocks, list) and blocks, f"no thinking_blocks in {message!r}"
    return blocks


def assert_signed(block: dict[str, Any], thinking: str) -> None:
    assert block["type"] == "thinking", block
    assert block["thinking"] == thinking, block
    assert isinstance(block["signature"], str) and block["signature"], block
    base64.b64decode(block["signature"], validate=True)  # a base64 signature, as Bedrock's are


def replay(message: Any) -> dict[str, Any]:
    """An answer's assistant message as the dict to send back: content, tool calls, thinking blocks."""
    out: dict[str, Any] = {"role": "assistant", "content": message.content}
    if message.tool_calls:
        out["tool_calls"] = [call.model_dump(exclude_none=True) for call in message.tool_calls]
    out["thinking_blocks"] = thinking_blocks(message)
    return out


def test_reasoning_unary(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model=SONNET_4, messages=[{"role": "user", "content": PROMPT}], reasoning_effort="low"
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    message = choice.message
    assert message.content == "You said: " + PROMPT
    assert message.model_extra is not None
    assert message.model_extra["reasoning_content"] == "Let me think about: " + PROMPT
    [block] = thinking_blocks(message)
    assert_signed(block, "Let me think about: " + PROMPT)


def test_reasoning_streamed(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model=SONNET_4, messages=[{"role": "user", "content": PROMPT}], reasoning_effort="low", stream=True
        )
    )
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    extras = [d.model_extra or {} for d in deltas]
    fragments = [e["reasoning_content"] for e in extras if e.get("reasoning_content") is not None]
    assert len(fragments) >= 2, "expected the reasoning in several fragments"
    reasoning = "".join(fragments)
    assert reasoning == "Let me think about: " + PROMPT
    assert "".join(d.content or "" for d in deltas) == "You said: " + PROMPT

    with_blocks = [i for i, e in enumerate(extras) if e.get("thinking_blocks")]
    assert len(with_blocks) == 1, "exactly one delta carries thinking_blocks"
    [block] = extras[with_blocks[0]]["thinking_blocks"]
    assert_signed(block, reasoning)  # the block's whole text, and its signature
    first_content = next(i for i, d in enumerate(deltas) if d.content)
    last_fragment = max(i for i, e in enumerate(extras) if e.get("reasoning_content") is not None)
    assert last_fragment < with_blocks[0] < first_content, "reasoning, then the block, then the answer"
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]

    # The streamed block replays like a unary one.
    follow_up = client.chat.completions.create(
        model=SONNET_4,
        messages=[
            {"role": "user", "content": PROMPT},
            {"role": "assistant", "content": "You said: " + PROMPT, "thinking_blocks": [block]},
            {"role": "user", "content": "and again"},
        ],
        reasoning_effort="low",
    )
    assert follow_up.choices[0].message.content == "You said: and again"


def test_tool_loop_with_thinking(client: openai.OpenAI) -> None:
    """Three turns with thinking on: a tool call, the answer from its result, and another tool call
    for a new question; each assistant turn goes back with its tool calls and thinking blocks."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": NAMING_QUESTION}]

    def turn() -> Any:
        completion = client.chat.completions.create(
            model=SONNET_4, messages=messages, tools=[WEATHER_TOOL], reasoning_effort="low"
        )
        message = completion.choices[0].message
        messages.append(replay(message))
        return completion.choices[0]

    first = turn()
    assert first.finish_reason == "tool_calls"
    assert first.message.tool_calls and first.message.tool_calls[0].function.name == "get_weather"
    [block] = thinking_blocks(first.message)
    assert_signed(block, "Let me think about: " + NAMING_QUESTION)
    messages.append({"role": "tool", "tool_call_id": first.message.tool_calls[0].id, "content": "sunny, 21C"})

    second = turn()
    assert second.finish_reason == "stop"
    assert second.message.content == "The tool returned: sunny, 21C"
    assert second.message.tool_calls is None
    [block] = thinking_blocks(second.message)
    assert_signed(block, "Let me think about: the tool results")

    question = "Ask get_weather again: and in Rome?"
    messages.append({"role": "user", "content": question})
    third = turn()
    assert third.finish_reason == "tool_calls"
    assert third.message.tool_calls and third.message.tool_calls[0].function.name == "get_weather"
    [block] = thinking_blocks(third.message)
    assert_signed(block, "Let me think about: " + question)
    assert [m["role"] for m in messages] == ["user", "assistant", "tool", "assistant", "user", "assistant"]


def test_tool_turn_replayed_without_thinking_blocks(client: openai.OpenAI) -> None:
    """A client that drops the blocks (most do) still gets an answer: the server turns thinking off
    for that request rather than let Bedrock refuse it."""
    ask = {"role": "user", "content": NAMING_QUESTION}
    first = client.chat.completions.create(
        model=SONNET_4, messages=[ask], tools=[WEATHER_TOOL], reasoning_effort="low"
    )
    calls = first.choices[0].message.tool_calls
    assert calls
    second = client.chat.completions.create(
        model=SONNET_4,
        messages=[
            ask,
            {
                "role": "assistant",
                "content": first.choices[0].message.content,
                "tool_calls": [c.model_dump(exclude_none=True) for c in calls],
            },
            {"role": "tool", "tool_call_id": calls[0].id, "content": "rainy, 9C"},
        ],
        tools=[WEATHER_TOOL],
        reasoning_effort="low",
    )
    assert second.choices[0].finish_reason == "stop"
    assert second.choices[0].message.content == "The tool returned: rainy, 9C"
    assert "thinking_blocks" not in (second.choices[0].message.model_extra or {}), "thinking was off"


def test_altered_thinking_block_is_bad_request(client: openai.OpenAI) -> None:
    first = client.chat.completions.create(
        model=SONNET_4, messages=[{"role": "user", "content": PROMPT}], reasoning_effort="low"
    )
    [block] = thinking_blocks(first.choices[0].message)
    altered = copy.deepcopy(block)
    altered["thinking"] += " (edited)"
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(
            model=SONNET_4,
            messages=[
                {"role": "user", "content": PROMPT},
                {"role": "assistant", "content": first.choices[0].message.content, "thinking_blocks": [altered]},
                {"role": "user", "content": "and again"},
            ],
            reasoning_effort="low",
        )
    assert e.value.status_code == 400
    # Bedrock's ValidationException, passed on: no field of ours to name.
    assert_envelope(e.value.body, type="invalid_request_error", code="invalid_argument")
    assert "Invalid `signature`" in e.value.message, e.value.message


def test_model_that_cannot_reason_is_bad_request(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": PROMPT}], reasoning_effort="low"
        )
    assert e.value.status_code == 400
    assert_envelope(e.value.body, type="invalid_request_error", code="invalid_argument", param="reasoning_effort")
    assert e.value.param == "reasoning_effort"
    assert MODEL in e.value.message, e.value.message
