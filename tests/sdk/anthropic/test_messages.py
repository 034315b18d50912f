"""Unary `POST /v1/messages` through the official anthropic SDK: the Message's shape, system prompts,
sampling parameters, max_tokens and stop sequences, images, model names and the headers."""

from __future__ import annotations

import anthropic
import pytest

from messages_helpers import (
    HAIKU,
    HAIKU_ID,
    PNG_BASE64,
    SONNET_4_PROFILE,
    assert_message,
    only_text,
    said,
    user,
    words,
)


def test_plain_message(client: anthropic.Anthropic) -> None:
    message = client.messages.create(model=HAIKU, max_tokens=256, messages=[user("hello there")])
    assert_message(message, HAIKU)
    assert only_text(message) == "You said: hello there"
    assert message.content[0].type == "text"
    assert message.stop_reason == "end_turn"
    assert message.stop_sequence is None
    # The emulator counts words: two in, four out; nothing was cached.
    assert message.usage.input_tokens == 2, message.usage
    assert message.usage.output_tokens == 4, message.usage
    assert (message.usage.cache_creation_input_tokens or 0) == 0
    assert (message.usage.cache_read_input_tokens or 0) == 0


def test_every_message_has_its_own_id(client: anthropic.Anthropic) -> None:
    ids = {client.messages.create(model=HAIKU, max_tokens=64, messages=[user("hello")]).id for _ in range(3)}
    assert len(ids) == 3, ids


def test_content_as_a_list_of_text_blocks(client: anthropic.Anthropic) -> None:
    message = client.messages.create(
        model=HAIKU,
        max_tokens=256,
        messages=[user([{"type": "text", "text": "hello"}, {"type": "text", "text": "in blocks"}])],
    )
    assert only_text(message) == "You said: hello in blocks"
    assert message.usage.input_tokens == 3


@pytest.mark.parametrize(
    "system",
    ["You are terse.", [{"type": "text", "text": "You are"}, {"type": "text", "text": "terse."}]],
    ids=["string", "text-blocks"],
)
def test_system_and_multi_turn(client: anthropic.Anthropic, system: object) -> None:
    message = client.messages.create(
        model=HAIKU,
        max_tokens=256,
        system=system,  # type: ignore[arg-type]
        messages=[
            user("first question"),
            {"role": "assistant", "content": "first answer"},
            user("second question"),
        ],
    )
    assert only_text(message) == "You said: second question"
    # The system prompt counts in the input: 3 words, then 2 + 2 + 2.
    assert message.usage.input_tokens == words("You are terse.", "first question", "first answer", "second question")


def test_sampling_parameters_and_metadata(client: anthropic.Anthropic) -> None:
    # anthropic 2.x dropped temperature, top_p and top_k from messages.create's typed arguments;
    # they travel in the body as Anthropic's API defines them, through extra_body.
    message = client.messages.create(
        model=HAIKU,
        max_tokens=256,
        messages=[user("sample me")],
        stop_sequences=["NEVER-SEEN"],
        metadata={"user_id": "test-user-42"},
        extra_body={"temperature": 0.2, "top_p": 0.9, "top_k": 40},
    )
    assert only_text(message) == "You said: sample me"
    assert message.stop_reason == "end_turn"
    assert message.stop_sequence is None, "a stop sequence that never came ends nothing"


def test_max_tokens_cuts_with_max_tokens(client: anthropic.Anthropic) -> None:
    for limit in (1, 3):
        message = client.messages.create(model=HAIKU, max_tokens=limit, messages=[user("hello there my friend")])
        assert message.stop_reason == "max_tokens", limit
        assert message.stop_sequence is None
        assert only_text(message) == " ".join("You said: hello there my friend".split()[:limit])
        assert message.usage.output_tokens == limit, message.usage


def test_stop_sequence_ends_the_answer(client: anthropic.Anthropic) -> None:
    message = client.messages.create(
        model=HAIKU, max_tokens=256, messages=[user("one STOP two")], stop_sequences=["STOP"]
    )
    assert only_text(message) == "You said: one"
    assert message.stop_reason == "stop_sequence"
    assert message.stop_sequence == "STOP", "the sequence that ended the answer"
    assert message.usage.output_tokens == 3


def test_stop_sequence_among_several(client: anthropic.Anthropic) -> None:
    """With several stop sequences, `stop_sequence` names the one that ended the answer (Anthropic's
    API; Bedrock tells it in `additionalModelResponseFields.stop_sequence` when asked for
    `/stop_sequence` in `additionalModelResponseFieldPaths`)."""
    request = {
        "model": HAIKU, "max_tokens": 256, "messages": [user("one HALT two STOP three")],
        "stop_sequences": ["STOP", "HALT"],
    }
    message = client.messages.create(**request)
    assert only_text(message) == "You said: one"
    assert message.stop_reason == "stop_sequence"
    assert message.stop_sequence == "HALT", "the sequence that came first in the answer"
    events = list(client.messages.create(**request, stream=True))
    [delta] = [e.delta for e in events if e.type == "message_delta"]
    assert (delta.stop_reason, delta.stop_sequence) == ("stop_sequence", "HALT")


def test_image_block(client: anthropic.Anthropic) -> None:
    message = client.messages.create(
        model=HAIKU,
        max_tokens=256,
        messages=[
            user(
                [
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_BASE64}},
                    {"type": "text", "text": "What is this?"},
                ]
            )
        ],
    )
    assert only_text(message) == "You said: What is this? (I see 1 image: png, 70 bytes)"
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens == 3 + 1, "three words and an image"


# Anthropic's names (aliases built into the server), Bedrock ids and a profile id; the header names
# the Bedrock id served (the demo's home region reaches most of them through the `us.` profile).
MODELS = [
    (HAIKU, HAIKU_ID),
    ("claude-sonnet-4-20250514", SONNET_4_PROFILE),
    ("claude-sonnet-4-0", SONNET_4_PROFILE),
    ("claude-sonnet-4-5", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
    ("claude-haiku-4-5", "us.anthropic.claude-haiku-4-5-20251001-v1:0"),
    ("claude-3-5-haiku-latest", "us.anthropic.claude-3-5-haiku-20241022-v1:0"),
    ("claude-3-7-sonnet-latest", "us.anthropic.claude-3-7-sonnet-20250219-v1:0"),
    (HAIKU_ID, HAIKU_ID),
    (SONNET_4_PROFILE, SONNET_4_PROFILE),
]


@pytest.mark.parametrize(("requested", "bedrock_id"), MODELS, ids=[m for m, _ in MODELS])
def test_model_names(client: anthropic.Anthropic, requested: str, bedrock_id: str) -> None:
    raw = client.messages.with_raw_response.create(model=requested, max_tokens=64, messages=[user("hello there")])
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.headers["x-amazon-chat-model-id"] == bedrock_id, dict(raw.headers)
    message = raw.parse()
    assert_message(message, requested)
    assert only_text(message) == said("hello there")


def test_model_header_on_a_stream(client: anthropic.Anthropic) -> None:
    raw = client.messages.with_raw_response.create(
        model="claude-sonnet-4-0", max_tokens=64, messages=[user("hello there")], stream=True
    )
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("text/event-stream"), dict(raw.headers)
    assert raw.headers["x-amazon-chat-model-id"] == SONNET_4_PROFILE, dict(raw.headers)
    events = list(raw.parse())
    assert events[0].type == "message_start" and events[0].message.model == "claude-sonnet-4-0"


@pytest.mark.parametrize("version", ["2023-06-01", None], ids=["2023-06-01", "sdk-default"])
def test_anthropic_version_header_is_accepted(client: anthropic.Anthropic, version: str | None) -> None:
    headers = {"anthropic-version": version} if version else {}
    raw = client.messages.with_raw_response.create(
        model=HAIKU, max_tokens=64, messages=[user("versioned")], extra_headers=headers
    )
    sent = raw.http_request.headers["anthropic-version"]  # anthropic 2.15 sends 2026-10-21 by default
    assert sent == version if version else sent
    assert raw.status_code == 200
    assert only_text(raw.parse()) == "You said: versioned"


@pytest.mark.parametrize("directive", ["content-filtered", "guardrail"])
def test_filtered_answer_is_a_refusal(client: anthropic.Anthropic, directive: str) -> None:
    """Bedrock's `content_filtered` and `guardrail_intervened` stop reasons: Anthropic's `refusal`."""
    request = {"model": HAIKU, "max_tokens": 64, "messages": [user(f"[[emulator:{directive}]] hello")]}
    message = client.messages.create(**request)
    assert message.stop_reason == "refusal", message
    assert message.stop_sequence is None
    events = list(client.messages.create(**request, stream=True))
    assert [e.delta.stop_reason for e in events if e.type == "message_delta"] == ["refusal"]
