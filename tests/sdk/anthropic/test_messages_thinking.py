"""Extended thinking (`thinking: {"type": "enabled", "budget_tokens": 1024}`) on Claude Sonnet 4 through
the official anthropic SDK: a signed `thinking` block before the answer, streamed as `thinking_delta`
then `signature_delta` in one block, replayed unchanged through a three-turn tool loop. The emulator
checks signatures as Bedrock does (src/emulator/thinking.rs): an altered block is refused."""

from __future__ import annotations

import base64
from typing import Any

import anthropic
import pytest

from messages_helpers import (
    HAIKU,
    NAMING_QUESTION,
    SONNET_4,
    THINKING,
    THINKING_MAX_TOKENS,
    WEATHER_INPUT,
    WEATHER_TOOL,
    assert_message,
    assert_status_error,
    parse_events,
    user,
    words,
)

PROMPT = "hello there, thinker"


def think(client: anthropic.Anthropic, messages: list[dict[str, Any]], **kwargs: Any) -> anthropic.types.Message:
    return client.messages.create(
        model=SONNET_4, max_tokens=THINKING_MAX_TOKENS, thinking=THINKING, messages=messages, **kwargs
    )


def assert_signed(block: Any, thinking: str) -> None:
    assert block.type == "thinking", block
    assert block.thinking == thinking, block
    assert isinstance(block.signature, str) and block.signature, block
    base64.b64decode(block.signature, validate=True)  # a base64 signature, as Bedrock's are


def test_thinking_unary(client: anthropic.Anthropic) -> None:
    message = think(client, [user(PROMPT)])
    assert_message(message, SONNET_4)
    assert message.stop_reason == "end_turn"
    assert [b.type for b in message.content] == ["thinking", "text"]
    assert_signed(message.content[0], "Let me think about: " + PROMPT)
    assert message.content[1].text == "You said: " + PROMPT
    # The thinking counts in the output tokens.
    assert message.usage.output_tokens == words("Let me think about: " + PROMPT, "You said: " + PROMPT)


def test_thinking_streamed(client: anthropic.Anthropic) -> None:
    unary = think(client, [user(PROMPT)])
    events = list(
        client.messages.create(
            model=SONNET_4, max_tokens=THINKING_MAX_TOKENS, thinking=THINKING, messages=[user(PROMPT)], stream=True
        )
    )
    streamed = parse_events(events, SONNET_4)
    assert [b.start.type for b in streamed.blocks] == ["thinking", "text"]
    thinking, text = streamed.blocks
    assert thinking.start.thinking == "", thinking.start
    kinds = thinking.delta_types()
    assert set(kinds) == {"thinking_delta", "signature_delta"}, kinds
    assert kinds.count("signature_delta") == 1 and kinds[-1] == "signature_delta", "the signature comes last"
    assert kinds.count("thinking_delta") >= 2, "the thinking arrives in several fragments"
    assert thinking.thinking() == unary.content[0].thinking
    signature = thinking.deltas[-1].signature
    assert signature == unary.content[0].signature, "the emulator signs the same thinking the same way"
    assert text.text() == unary.content[1].text == "You said: " + PROMPT
    assert streamed.delta.stop_reason == "end_turn"
    assert streamed.usage.output_tokens == unary.usage.output_tokens


def test_thinking_stream_helper_and_replay(client: anthropic.Anthropic) -> None:
    with client.messages.stream(
        model=SONNET_4, max_tokens=THINKING_MAX_TOKENS, thinking=THINKING, messages=[user(PROMPT)]
    ) as stream:
        events = list(stream)
        final = stream.get_final_message()
    assert [e.type for e in events if e.type in ("thinking", "signature")][-1] == "signature"
    assert [b.type for b in final.content] == ["thinking", "text"]
    assert_signed(final.content[0], "Let me think about: " + PROMPT)

    # The streamed thinking block replays like a unary one.
    follow_up = think(client, [user(PROMPT), {"role": "assistant", "content": final.content}, user("and again")])
    assert follow_up.content[-1].type == "text" and follow_up.content[-1].text == "You said: and again"


def test_tool_loop_with_thinking(client: anthropic.Anthropic) -> None:
    """Three turns with thinking on: a tool call, the answer from its result, and another tool call for
    a new question; each assistant turn goes back as it came, its thinking block unchanged."""
    messages: list[dict[str, Any]] = [user(NAMING_QUESTION)]

    def turn() -> anthropic.types.Message:
        message = think(client, messages, tools=[WEATHER_TOOL])
        messages.append({"role": "assistant", "content": message.content})
        return message

    first = turn()
    assert first.stop_reason == "tool_use"
    assert [b.type for b in first.content] == ["thinking", "text", "tool_use"], "thinking before the tool call"
    assert_signed(first.content[0], "Let me think about: " + NAMING_QUESTION)
    call = first.content[-1]
    assert call.name == "get_weather" and call.input == WEATHER_INPUT
    messages.append(user([{"type": "tool_result", "tool_use_id": call.id, "content": "sunny, 21C"}]))

    second = turn()
    assert second.stop_reason == "end_turn"
    assert [b.type for b in second.content] == ["thinking", "text"]
    assert_signed(second.content[0], "Let me think about: the tool results")
    assert second.content[1].text == "The tool returned: sunny, 21C"

    question = "Ask get_weather again: and in Rome?"
    messages.append(user(question))
    third = turn()
    assert third.stop_reason == "tool_use"
    assert [b.type for b in third.content] == ["thinking", "text", "tool_use"]
    assert_signed(third.content[0], "Let me think about: " + question)
    assert third.content[-1].name == "get_weather"
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant", "user", "assistant"]


def test_redacted_thinking_is_replayed(client: anthropic.Anthropic) -> None:
    """A `redacted_thinking` block (opaque `data`) goes back unchanged beside the thinking block, as
    Anthropic asks; the emulator never redacts, so this is the input side only."""
    first = think(client, [user(PROMPT)])
    thinking, text = first.content
    redacted = {"type": "redacted_thinking", "data": base64.b64encode(b"opaque redacted thinking").decode()}
    follow_up = think(
        client,
        [
            user(PROMPT),
            {"role": "assistant", "content": [thinking, redacted, text]},
            user("and again"),
        ],
    )
    assert follow_up.content[-1].type == "text" and follow_up.content[-1].text == "You said: and again"


@pytest.mark.parametrize("field", ["thinking", "signature"])
def test_altered_thinking_block_is_bad_request(client: anthropic.Anthropic, field: str) -> None:
    first = think(client, [user(PROMPT)])
    block = first.content[0].to_dict()
    if field == "thinking":
        block["thinking"] += " (edited)"
    else:
        block["signature"] = base64.b64encode(b"not the emulator's signature").decode()
    with pytest.raises(anthropic.BadRequestError) as e:
        think(client, [user(PROMPT), {"role": "assistant", "content": [block, first.content[1]]}, user("and again")])
    message = assert_status_error(e.value, 400, "invalid_request_error")
    assert "signature" in message, message


def test_model_that_cannot_think_is_bad_request(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError) as e:
        client.messages.create(model=HAIKU, max_tokens=THINKING_MAX_TOKENS, thinking=THINKING, messages=[user(PROMPT)])
    message = assert_status_error(e.value, 400, "invalid_request_error")
    assert "thinking" in message, message
