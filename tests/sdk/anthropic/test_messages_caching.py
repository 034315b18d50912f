"""Prompt caching (`cache_control: {"type": "ephemeral"}` on a system block, a message block and a
tool) through the official anthropic SDK, reported as Anthropic does: `usage.input_tokens` leaves out
what was written to or read from the cache (`cache_creation_input_tokens`, `cache_read_input_tokens`).

The emulator caches a prefix of at least 1024 tokens for Claude Sonnet 4 (it counts words; tools count
none), and its cache lives as long as the session's server: every test uses prompts of its own."""

from __future__ import annotations

import uuid
from typing import Any

import anthropic

from messages_helpers import SONNET_4, WEATHER_TOOL, cache_tokens, only_text, parse_events, user, words

EPHEMERAL = {"type": "ephemeral"}


def long_text() -> str:
    """~1100 words (enough to be cached), unique to the caller."""
    return f"case {uuid.uuid4()}: " + "background " * 1100


def cached_system(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": text, "cache_control": EPHEMERAL}]


def test_system_block_write_then_read_then_miss(client: anthropic.Anthropic) -> None:
    system = long_text()
    prefix = words(system)

    def ask(system_text: str, question: str) -> anthropic.types.Message:
        return client.messages.create(
            model=SONNET_4, max_tokens=256, system=cached_system(system_text), messages=[user(question)]
        )

    first = ask(system, "first question")
    assert only_text(first) == "You said: first question"
    assert cache_tokens(first.usage) == (prefix, 0), first.usage
    assert first.usage.input_tokens == words("first question"), "input_tokens leaves the cached prefix out"

    second = ask(system, "a different question")
    assert only_text(second) == "You said: a different question"
    assert cache_tokens(second.usage) == (0, prefix), second.usage
    assert second.usage.input_tokens == words("a different question")

    changed = ask(system + " and one more thing", "a different question")
    assert cache_tokens(changed.usage) == (prefix + 4, 0), changed.usage


def test_identical_call_reads_what_the_first_wrote(client: anthropic.Anthropic) -> None:
    request: dict[str, Any] = {
        "model": SONNET_4, "max_tokens": 256, "system": cached_system(long_text()), "messages": [user("same")],
    }
    first = client.messages.create(**request)
    written, read = cache_tokens(first.usage)
    assert written > 1024 and read == 0, first.usage
    second = client.messages.create(**request)
    assert cache_tokens(second.usage) == (0, written), second.usage
    assert only_text(second) == only_text(first) == "You said: same"


def test_message_block(client: anthropic.Anthropic) -> None:
    document = long_text()

    def ask(question: str) -> anthropic.types.Message:
        return client.messages.create(
            model=SONNET_4,
            max_tokens=256,
            messages=[
                user([{"type": "text", "text": document, "cache_control": EPHEMERAL}]),
                {"role": "assistant", "content": "Read it."},
                user(question),
            ],
        )

    first = ask("one")
    assert only_text(first) == "You said: one"
    assert cache_tokens(first.usage) == (words(document), 0), first.usage
    assert first.usage.input_tokens == words("Read it.", "one")
    second = ask("two")
    assert cache_tokens(second.usage) == (0, words(document)), second.usage


def test_tool_marker(client: anthropic.Anthropic) -> None:
    """A marked tool is part of the cached prefix: the same tools read the cache, changed tools miss it.
    (Tools cost no tokens in the emulator, so the system block's marker is what reaches 1024.)"""
    system = long_text()

    def ask(description: str) -> anthropic.types.Message:
        tool = {**WEATHER_TOOL, "description": description, "cache_control": EPHEMERAL}
        return client.messages.create(
            model=SONNET_4, max_tokens=256, tools=[tool], system=cached_system(system), messages=[user("no tool")]
        )

    first = ask("Current weather for a city")
    assert only_text(first) == "You said: no tool"
    written, read = cache_tokens(first.usage)
    assert written == words(system) and read == 0, first.usage
    assert cache_tokens(ask("Current weather for a city").usage) == (0, written)
    assert cache_tokens(ask("The weather, changed").usage) == (written, 0), "another tool, another prefix"


def test_tool_marker_alone_is_accepted(client: anthropic.Anthropic) -> None:
    tool = {**WEATHER_TOOL, "description": f"weather {uuid.uuid4()}", "cache_control": EPHEMERAL}
    message = client.messages.create(model=SONNET_4, max_tokens=256, tools=[tool], messages=[user("hello")])
    assert only_text(message) == "You said: hello"
    assert cache_tokens(message.usage) == (0, 0), "a prefix under the minimum is not cached"


def test_read_in_a_stream(client: anthropic.Anthropic) -> None:
    system = cached_system(long_text())
    warm = client.messages.create(model=SONNET_4, max_tokens=256, system=system, messages=[user("warm")])
    written, _ = cache_tokens(warm.usage)
    assert written > 1024

    events = list(
        client.messages.create(
            model=SONNET_4, max_tokens=256, system=system, messages=[user("streamed question")], stream=True
        )
    )
    streamed = parse_events(events, SONNET_4)
    assert streamed.cache_tokens() == (0, written)
    assert streamed.input_tokens == words("streamed question")
    assert [b.text() for b in streamed.blocks] == ["You said: streamed question"]

    with client.messages.stream(model=SONNET_4, max_tokens=256, system=system, messages=[user("helper")]) as stream:
        final = stream.get_final_message()
    assert cache_tokens(final.usage) == (0, written), final.usage
    assert final.usage.input_tokens == 1


def test_short_prompt_is_not_cached(client: anthropic.Anthropic) -> None:
    message = client.messages.create(
        model=SONNET_4, max_tokens=256, system=cached_system(f"Be brief ({uuid.uuid4()})."), messages=[user("hi")]
    )
    assert only_text(message) == "You said: hi"
    assert cache_tokens(message.usage) == (0, 0), message.usage
    assert message.usage.input_tokens == words("Be brief (x).", "hi")
