"""Prompt caching (Anthropic-style `cache_control` markers) through the official openai SDK: the
markers travel as extra keys of the message dicts, and the usage reports the cache as OpenAI does
(`prompt_tokens_details.cached_tokens` and `.cache_write_tokens`, both typed in the SDK) plus
Anthropic's names (`usage.cache_read_input_tokens`, `usage.cache_creation_input_tokens`, which the SDK
keeps in `model_extra`).

The emulator caches a prefix of at least 1024 tokens for Claude Sonnet 4 (it counts words), and its
cache lives as long as the session's server: every test uses system prompts of its own."""

from __future__ import annotations

import uuid
from typing import Any

import openai

from conftest import SONNET_4

EPHEMERAL = {"type": "ephemeral"}


def long_system_prompt() -> str:
    """A system prompt of ~1100 words (enough to be cached), unique to the caller."""
    return f"case {uuid.uuid4()}: " + "background " * 1100


def ask(client: openai.OpenAI, system: str, question: str, **kwargs: Any) -> Any:
    return client.chat.completions.create(
        model=SONNET_4,
        messages=[
            {"role": "system", "content": system, "cache_control": EPHEMERAL},
            {"role": "user", "content": question},
        ],
        **kwargs,
    )


def cache_counts(usage: Any) -> tuple[int, int, int, int]:
    """(cached_tokens, cache_write_tokens, cache_read_input_tokens, cache_creation_input_tokens)."""
    assert usage is not None
    details = usage.prompt_tokens_details
    assert details is not None, usage
    assert usage.model_extra is not None
    return (
        details.cached_tokens,
        details.cache_write_tokens,
        usage.model_extra["cache_read_input_tokens"],
        usage.model_extra["cache_creation_input_tokens"],
    )


def test_write_then_read_then_miss(client: openai.OpenAI) -> None:
    system = long_system_prompt()
    first = ask(client, system, "first question")
    assert first.choices[0].message.content == "You said: first question"
    cached, written, read, created = cache_counts(first.usage)
    assert cached == 0 and read == 0
    assert written > 1024, first.usage
    assert created == written
    assert first.usage.prompt_tokens > written  # the user turn is not cached
    assert first.usage.total_tokens == first.usage.prompt_tokens + first.usage.completion_tokens

    second = ask(client, system, "a different question")
    assert second.choices[0].message.content == "You said: a different question"
    assert cache_counts(second.usage) == (written, 0, written, 0)
    assert second.usage.prompt_tokens > written, "prompt_tokens counts the cached tokens too"

    changed = ask(client, system + " and one more thing", "a different question")
    cached, rewritten, read, created = cache_counts(changed.usage)
    assert cached == 0 and read == 0, changed.usage
    assert rewritten > 1024 and created == rewritten, changed.usage


def test_marker_on_a_content_part(client: openai.OpenAI) -> None:
    system = long_system_prompt()

    def ask_parts(question: str) -> Any:
        return client.chat.completions.create(
            model=SONNET_4,
            messages=[
                {"role": "system", "content": [{"type": "text", "text": system, "cache_control": EPHEMERAL}]},
                {"role": "user", "content": question},
            ],
        )

    _, written, _, _ = cache_counts(ask_parts("one").usage)
    assert written > 1024
    assert cache_counts(ask_parts("two").usage) == (written, 0, written, 0)


def test_read_in_a_stream(client: openai.OpenAI) -> None:
    system = long_system_prompt()
    _, written, _, _ = cache_counts(ask(client, system, "warm the cache").usage)
    assert written > 1024
    chunks = list(
        ask(client, system, "streamed question", stream=True, stream_options={"include_usage": True})
    )
    last = chunks[-1]
    assert last.choices == []
    assert all(c.usage is None for c in chunks[:-1])
    assert cache_counts(last.usage) == (written, 0, written, 0)
    assert last.usage is not None and last.usage.prompt_tokens > written
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "You said: streamed question"


def test_short_prompt_is_not_cached(client: openai.OpenAI) -> None:
    completion = ask(client, f"Be brief ({uuid.uuid4()}).", "hi")
    assert completion.choices[0].message.content == "You said: hi"
    cached, written, _, _ = cache_counts(completion.usage)
    assert (cached, written) == (0, 0)
