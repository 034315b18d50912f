"""Constants and checks shared by the Anthropic-SDK tests (imported by name: see conftest.py).

The emulator answers deterministically (src/emulator/answer.rs): a plain prompt gets
`You said: <the last user message's text>`, streamed one word per delta; it counts tokens as words
(an image counts one); `max_tokens` cuts the answer to that many words (stop reason `max_tokens`);
a stop sequence cuts it before the sequence. So the tests compare exact texts and counts."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import anthropic

# Anthropic's names, mapped by the server's built-in aliases onto Bedrock ids.
HAIKU = "claude-3-haiku-20240307"
HAIKU_ID = "anthropic.claude-3-haiku-20240307-v1:0"
# Reasons (thinking with budget_tokens) and caches prompts of 1024+ tokens.
SONNET_4 = "claude-sonnet-4-20250514"
# The demo's home region (us-east-1) serves Claude Sonnet 4 only through the `us.` inference profile.
SONNET_4_PROFILE = "us.anthropic.claude-sonnet-4-20250514-v1:0"

THINKING = {"type": "enabled", "budget_tokens": 1024}
# max_tokens must exceed the thinking budget.
THINKING_MAX_TOKENS = 2048

WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Current weather for a city",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}
# What the emulator fills the schema's required properties with.
WEATHER_INPUT = {"city": "example city"}
# Names the tool: what makes the emulator call it under tool_choice "auto" (or none given).
NAMING_QUESTION = "Ask get_weather: what is the weather in Paris?"
# Does not name it: answered in text under "auto".
PLAIN_QUESTION = "What is the weather in Paris?"

# A 1x1 PNG (70 bytes), as in the OpenAI suite.
PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

MESSAGE_ID = re.compile(r"^msg_[A-Za-z0-9_-]+$")
# Anthropic's `toolu_...`, or Bedrock's own `tooluse_...` passed on.
TOOL_USE_ID = re.compile(r"^(toolu_|tooluse_)[A-Za-z0-9_-]+$")
STOP_REASONS = {"end_turn", "max_tokens", "stop_sequence", "tool_use", "refusal"}


def user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


def words(*texts: str) -> int:
    """Tokens as the emulator counts them: whitespace-separated words."""
    return sum(len(t.split()) for t in texts)


def said(prompt: str) -> str:
    """The emulator's answer to a plain prompt."""
    return "You said: " + " ".join(prompt.split())


def assert_error_envelope(body: Any, type: str) -> str:
    """Anthropic's error body: `{"type": "error", "error": {"type": ..., "message": ...}}` (a top-level
    `request_id` and an `error.details` object are documented extensions, allowed). Returns the message."""
    assert isinstance(body, dict), body
    assert body.get("type") == "error", body
    assert set(body) <= {"type", "error", "request_id"}, body
    error = body.get("error")
    assert isinstance(error, dict), body
    assert {"type", "message"} <= set(error) <= {"type", "message", "details"}, body
    assert error["type"] == type, body
    assert isinstance(error["message"], str) and error["message"], body
    return error["message"]


def assert_status_error(e: anthropic.APIStatusError, status: int, type: str) -> str:
    """An HTTP error: its status, and the body in Anthropic's envelope. Returns the message."""
    assert e.status_code == status, (e.status_code, e.body)
    message = assert_error_envelope(e.body, type)
    assert e.type == type  # the SDK's own reading of error.type
    assert e.response.headers.get("content-type", "").startswith("application/json"), dict(e.response.headers)
    return message


def assert_message(message: anthropic.types.Message, model: str) -> None:
    """The envelope every answer shares."""
    assert MESSAGE_ID.match(message.id), message.id
    assert message.type == "message"
    assert message.role == "assistant"
    assert message.model == model, "the response names the model as asked"
    assert message.stop_reason in STOP_REASONS, message.stop_reason
    assert isinstance(message.usage.input_tokens, int) and message.usage.input_tokens > 0, message.usage
    assert isinstance(message.usage.output_tokens, int) and message.usage.output_tokens >= 0, message.usage


def text_of(message: anthropic.types.Message) -> str:
    """The message's text blocks, joined."""
    return "".join(b.text for b in message.content if b.type == "text")


def only_text(message: anthropic.types.Message) -> str:
    """The text of a message that must hold exactly one text block."""
    assert [b.type for b in message.content] == ["text"], message.content
    return message.content[0].text


def cache_tokens(usage: Any) -> tuple[int, int]:
    """(cache_creation_input_tokens, cache_read_input_tokens), an absent count read as 0."""
    return (usage.cache_creation_input_tokens or 0, usage.cache_read_input_tokens or 0)


@dataclass
class StreamedBlock:
    """One content block as a raw event stream told it."""

    index: int
    start: Any  # the content_block_start event's content_block
    deltas: list[Any] = field(default_factory=list)  # the content_block_delta events' deltas

    def delta_types(self) -> list[str]:
        return [d.type for d in self.deltas]

    def text(self) -> str:
        return "".join(d.text for d in self.deltas if d.type == "text_delta")

    def thinking(self) -> str:
        return "".join(d.thinking for d in self.deltas if d.type == "thinking_delta")

    def partial_json(self) -> str:
        return "".join(d.partial_json for d in self.deltas if d.type == "input_json_delta")


@dataclass
class StreamedMessage:
    """A raw event stream, checked for Anthropic's order and taken apart."""

    start: Any  # message_start's message
    blocks: list[StreamedBlock]
    delta: Any  # message_delta's delta (stop_reason, stop_sequence)
    usage: Any  # message_delta's usage

    @property
    def input_tokens(self) -> int:
        """message_delta's input_tokens when it repeats them (its counts are cumulative), else message_start's."""
        late = getattr(self.usage, "input_tokens", None)
        return late if late is not None else self.start.usage.input_tokens

    def cache_tokens(self) -> tuple[int, int]:
        """(creation, read): message_delta's counts when given, else message_start's, absent read as 0."""
        counts = []
        for name in ("cache_creation_input_tokens", "cache_read_input_tokens"):
            late = getattr(self.usage, name, None)
            counts.append(late if late is not None else (getattr(self.start.usage, name, None) or 0))
        return counts[0], counts[1]


def parse_events(events: list[Any], model: str) -> StreamedMessage:
    """Checks a raw stream's order: message_start (empty content, usage.input_tokens), then each
    block's content_block_start, content_block_delta... and content_block_stop with indexes 0, 1, 2...,
    then one message_delta and message_stop last."""
    types = [e.type for e in events]
    assert types and types[0] == "message_start", types
    assert types[-2:] == ["message_delta", "message_stop"], types
    assert types.count("message_start") == 1 and types.count("message_delta") == 1, types
    assert types.count("message_stop") == 1, types

    start = events[0].message
    assert MESSAGE_ID.match(start.id), start.id
    assert start.type == "message" and start.role == "assistant", start
    assert start.model == model
    assert start.content == [], "message_start's message has no content yet"
    assert start.stop_reason is None, start
    assert isinstance(start.usage.input_tokens, int), start.usage

    blocks: list[StreamedBlock] = []
    current: StreamedBlock | None = None
    for event in events[1:-2]:
        if event.type == "content_block_start":
            assert current is None, f"block {event.index} starts before block {current and current.index} stops"
            assert event.index == len(blocks), f"block index {event.index}, expected {len(blocks)}: {types}"
            current = StreamedBlock(index=event.index, start=event.content_block)
        elif event.type == "content_block_delta":
            assert current is not None and event.index == current.index, f"a delta outside its block: {types}"
            current.deltas.append(event.delta)
        elif event.type == "content_block_stop":
            assert current is not None and event.index == current.index, f"a stop outside its block: {types}"
            blocks.append(current)
            current = None
        else:
            raise AssertionError(f"unexpected event {event.type} between message_start and message_delta: {types}")
    assert current is None, f"block {current and current.index} never stopped"

    message_delta = events[-2]
    assert message_delta.delta.stop_reason in STOP_REASONS, message_delta.delta
    assert isinstance(message_delta.usage.output_tokens, int), message_delta.usage
    return StreamedMessage(start=start, blocks=blocks, delta=message_delta.delta, usage=message_delta.usage)


def tool_input_from_stream(block: StreamedBlock) -> dict[str, Any]:
    """A streamed tool_use block's input: the concatenated input_json_delta fragments, parsed."""
    assert block.start.type == "tool_use", block.start
    assert set(block.delta_types()) <= {"input_json_delta"}, block.delta_types()
    fragments = block.partial_json()
    return json.loads(fragments) if fragments else {}
