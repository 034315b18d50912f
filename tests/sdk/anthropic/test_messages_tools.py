"""Client tools through the official anthropic SDK: `tools` with `input_schema`, every `tool_choice`,
the round trip with `tool_result` (string and text-block content, `is_error`), and streamed tool calls
(`input_json_delta` fragments that concatenate to the unary `input`)."""

from __future__ import annotations

from typing import Any

import anthropic
import pytest

from messages_helpers import (
    HAIKU,
    NAMING_QUESTION,
    PLAIN_QUESTION,
    TOOL_USE_ID,
    WEATHER_INPUT,
    WEATHER_TOOL,
    assert_message,
    only_text,
    parse_events,
    said,
    tool_input_from_stream,
    user,
)

OTHER_TOOL = {
    "name": "get_time",
    "description": "Current time in a time zone",
    "input_schema": {
        "type": "object",
        "properties": {"zone": {"type": "string"}, "format": {"type": "string", "enum": ["24h", "12h"]}},
        "required": ["zone", "format"],
    },
}


def assert_tool_use(block: Any, name: str = "get_weather", input: dict[str, Any] | None = None) -> None:
    assert block.type == "tool_use", block
    assert TOOL_USE_ID.match(block.id), block.id
    assert block.name == name
    assert isinstance(block.input, dict)
    assert block.input == (WEATHER_INPUT if input is None else input)


@pytest.mark.parametrize(
    "tool_choice",
    [{"type": "any"}, {"type": "tool", "name": "get_weather"}],
    ids=["any", "tool"],
)
def test_forced_tool_call(client: anthropic.Anthropic, tool_choice: Any) -> None:
    # The prompt does not name the tool: only the forced choice makes the call. A forced call comes
    # without a text preamble.
    message = client.messages.create(
        model=HAIKU, max_tokens=256, messages=[user(PLAIN_QUESTION)], tools=[WEATHER_TOOL], tool_choice=tool_choice
    )
    assert_message(message, HAIKU)
    assert message.stop_reason == "tool_use"
    assert message.stop_sequence is None
    [block] = message.content
    assert_tool_use(block)
    assert message.usage.output_tokens > 0


def test_named_tool_among_several(client: anthropic.Anthropic) -> None:
    message = client.messages.create(
        model=HAIKU,
        max_tokens=256,
        messages=[user(PLAIN_QUESTION)],
        tools=[WEATHER_TOOL, OTHER_TOOL],
        tool_choice={"type": "tool", "name": "get_time"},
    )
    [block] = message.content
    assert_tool_use(block, "get_time", {"zone": "example zone", "format": "24h"})


@pytest.mark.parametrize("tool_choice", [{"type": "auto"}, None], ids=["auto", "default"])
def test_auto_calls_the_tool_the_prompt_names(client: anthropic.Anthropic, tool_choice: Any) -> None:
    extra = {} if tool_choice is None else {"tool_choice": tool_choice}
    message = client.messages.create(
        model=HAIKU, max_tokens=256, messages=[user(NAMING_QUESTION)], tools=[WEATHER_TOOL], **extra
    )
    assert message.stop_reason == "tool_use"
    assert [b.type for b in message.content] == ["text", "tool_use"]
    assert message.content[0].text == "Calling get_weather."
    assert_tool_use(message.content[1])


@pytest.mark.parametrize(
    ("tool_choice", "question"),
    [({"type": "auto"}, PLAIN_QUESTION), ({"type": "none"}, NAMING_QUESTION)],
    ids=["auto-tool-not-named", "none-tool-named"],
)
def test_answers_in_text(client: anthropic.Anthropic, tool_choice: Any, question: str) -> None:
    # "auto" with a prompt that does not name the tool, and "none" even with one that does.
    message = client.messages.create(
        model=HAIKU, max_tokens=256, messages=[user(question)], tools=[WEATHER_TOOL], tool_choice=tool_choice
    )
    assert message.stop_reason == "end_turn"
    assert only_text(message) == said(question)


@pytest.mark.parametrize(
    "content",
    ["sunny, 21C", [{"type": "text", "text": "sunny, 21C"}]],
    ids=["string", "text-blocks"],
)
def test_round_trip(client: anthropic.Anthropic, content: Any) -> None:
    first = client.messages.create(
        model=HAIKU, max_tokens=256, messages=[user(NAMING_QUESTION)], tools=[WEATHER_TOOL]
    )
    assert first.stop_reason == "tool_use"
    call = first.content[-1]
    assert_tool_use(call)
    second = client.messages.create(
        model=HAIKU,
        max_tokens=256,
        tools=[WEATHER_TOOL],
        messages=[
            user(NAMING_QUESTION),
            {"role": "assistant", "content": first.content},  # the SDK's own blocks, sent back as they came
            user([{"type": "tool_result", "tool_use_id": call.id, "content": content}]),
        ],
    )
    assert_message(second, HAIKU)
    assert second.stop_reason == "end_turn"
    assert only_text(second) == "The tool returned: sunny, 21C"


def test_tool_result_with_is_error(client: anthropic.Anthropic) -> None:
    first = client.messages.create(
        model=HAIKU, max_tokens=256, messages=[user(PLAIN_QUESTION)], tools=[WEATHER_TOOL],
        tool_choice={"type": "any"},
    )
    [call] = first.content
    second = client.messages.create(
        model=HAIKU,
        max_tokens=256,
        tools=[WEATHER_TOOL],
        messages=[
            user(PLAIN_QUESTION),
            {"role": "assistant", "content": [{"type": "tool_use", "id": call.id, "name": call.name, "input": call.input}]},
            user(
                [
                    {"type": "tool_result", "tool_use_id": call.id, "content": "no such city", "is_error": True},
                    {"type": "text", "text": "try again later"},
                ]
            ),
        ],
    )
    assert second.stop_reason == "end_turn"
    assert only_text(second) == "The tool returned: no such city"


def test_streamed_tool_call_matches_unary(client: anthropic.Anthropic) -> None:
    """Under auto with the tool named: a text block (index 0), then the tool_use block (index 1) whose
    input arrives as input_json_delta fragments."""
    request: dict[str, Any] = {
        "model": HAIKU, "max_tokens": 256, "messages": [user(NAMING_QUESTION)], "tools": [WEATHER_TOOL],
    }
    unary = client.messages.create(**request)
    streamed = parse_events(list(client.messages.create(**request, stream=True)), HAIKU)
    assert [b.start.type for b in streamed.blocks] == [b.type for b in unary.content] == ["text", "tool_use"]
    text, tool = streamed.blocks
    assert text.text() == unary.content[0].text == "Calling get_weather."
    assert TOOL_USE_ID.match(tool.start.id), tool.start.id
    assert tool.start.name == "get_weather"
    assert tool.start.input == {}, "content_block_start carries an empty input; the deltas bring it"
    assert len(tool.deltas) >= 1
    assert tool_input_from_stream(tool) == unary.content[1].input == WEATHER_INPUT
    assert streamed.delta.stop_reason == unary.stop_reason == "tool_use"
    assert streamed.usage.output_tokens == unary.usage.output_tokens


def test_stream_helper_accumulates_the_tool_call(client: anthropic.Anthropic) -> None:
    request: dict[str, Any] = {
        "model": HAIKU, "max_tokens": 256, "messages": [user(PLAIN_QUESTION)], "tools": [WEATHER_TOOL],
        "tool_choice": {"type": "tool", "name": "get_weather"},
    }
    unary = client.messages.create(**request)
    with client.messages.stream(**request) as stream:
        events = list(stream)
        final = stream.get_final_message()
    assert [e for e in events if e.type == "input_json"], "the helper's input_json events"
    [block] = final.content
    assert_tool_use(block, input=unary.content[0].input)
    assert final.stop_reason == "tool_use"

    # The streamed call goes back like a unary one.
    answer = client.messages.create(
        model=HAIKU,
        max_tokens=256,
        tools=[WEATHER_TOOL],
        messages=[
            user(PLAIN_QUESTION),
            {"role": "assistant", "content": final.content},
            user([{"type": "tool_result", "tool_use_id": block.id, "content": "rainy, 9C"}]),
        ],
    )
    assert only_text(answer) == "The tool returned: rainy, 9C"
