"""Structured output (`response_format` json_schema / json_object) through the official openai SDK,
unchanged: on a model without native structured output (Claude 3 Haiku) the gateway answers through a
hidden tool and hands the result back as the message's JSON text, with no `tool_calls`; on one with it
(Claude Sonnet 4.5) Bedrock constrains the answer itself. With `"strict": true` the gateway checks the
answer against the schema: a mismatch (the emulator's `[[emulator:off-schema]]` directive makes it
ignore the schema) is a 502 `schema_mismatch`, or, once a stream has started, its closing error event."""

from __future__ import annotations

import copy
import json
from typing import Any

import openai
import pydantic
import pytest

from conftest import MODEL, SONNET_4, WEATHER_TOOL, assert_envelope

# Has native structured output (and reasons); MODEL (Claude 3 Haiku) and SONNET_4 have not.
SONNET_4_5 = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
CITY_FACTS = {
    "type": "json_schema",
    "json_schema": {
        "name": "city_facts",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "population": {"type": "integer"}},
            "required": ["city", "population"],
            "additionalProperties": False,
        },
    },
}
# What the emulator answers to CITY_FACTS.
EXPECTED = {"city": "example city", "population": 1}
QUESTION = {"role": "user", "content": "Some facts about a city, please."}
# Makes the emulator ignore the schema (it answers {"unexpected": true}).
OFF_SCHEMA = {"role": "user", "content": "[[emulator:off-schema]] Some facts about a city, please."}


def not_strict(response_format: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(response_format)
    out["json_schema"]["strict"] = False
    return out


class CityFacts(pydantic.BaseModel):
    city: str
    population: int


@pytest.mark.parametrize("model", [MODEL, SONNET_4_5], ids=["tool-emulated", "native"])
def test_json_schema_unary(client: openai.OpenAI, model: str) -> None:
    completion = client.chat.completions.create(model=model, messages=[QUESTION], response_format=CITY_FACTS)
    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    # The hidden tool of the emulated path does not show: the answer is text, not a tool call.
    assert choice.message.tool_calls is None
    assert choice.message.content is not None
    assert json.loads(choice.message.content) == EXPECTED


def test_json_schema_streamed(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(model=MODEL, messages=[QUESTION], response_format=CITY_FACTS, stream=True)
    )
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    assert deltas and deltas[0].role == "assistant"
    assert all(d.tool_calls is None for d in deltas), "the hidden tool leaked into a delta"
    assert json.loads("".join(d.content or "" for d in deltas)) == EXPECTED
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]


def test_json_object(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model=MODEL, messages=[QUESTION], response_format={"type": "json_object"}
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    assert choice.message.tool_calls is None
    assert choice.message.content is not None
    assert isinstance(json.loads(choice.message.content), dict)


def test_strict_mismatch_unary_is_502(client: openai.OpenAI) -> None:
    with pytest.raises(openai.InternalServerError) as e:
        client.chat.completions.create(model=MODEL, messages=[OFF_SCHEMA], response_format=CITY_FACTS)
    assert e.value.status_code == 502
    assert_envelope(e.value.body, type="api_error", code="schema_mismatch")
    assert "does not match" in e.value.message, e.value.message


def test_strict_mismatch_streamed_raises_api_error(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model=MODEL, messages=[OFF_SCHEMA], response_format=CITY_FACTS, stream=True
    )
    received = []
    with pytest.raises(openai.APIError) as e:
        for chunk in stream:
            received.append(chunk)
    # Raised from the closing `data: {"error": ...}` event of a 200 stream: no HTTP status of its own.
    assert not isinstance(e.value, openai.APIStatusError)
    assert_envelope(e.value.body, type="api_error", code="schema_mismatch")
    assert e.value.message == e.value.body["message"]
    assert "does not match" in e.value.message, e.value.message
    assert received and received[0].choices[0].delta.role == "assistant"


def test_not_strict_is_not_checked(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model=MODEL, messages=[OFF_SCHEMA], response_format=not_strict(CITY_FACTS)
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    assert choice.message.content is not None
    # Whatever the model said, passed on as it is (the emulator's off-schema answer is still JSON).
    assert json.loads(choice.message.content) != EXPECTED


def test_parse_helper_with_pydantic_model(client: openai.OpenAI) -> None:
    # The SDK derives a strict json_schema from the model (titles, additionalProperties: false) and
    # parses the content back into it.
    completion = client.chat.completions.parse(model=MODEL, messages=[QUESTION], response_format=CityFacts)
    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    parsed = choice.message.parsed
    assert isinstance(parsed, CityFacts), parsed
    assert (parsed.city, parsed.population) == ("example city", 1)


def test_json_schema_beside_user_tools(client: openai.OpenAI) -> None:
    question = {"role": "user", "content": "use get_weather for Paris"}
    first = client.chat.completions.create(
        model=MODEL, messages=[question], tools=[WEATHER_TOOL], response_format=CITY_FACTS
    )
    assert first.choices[0].finish_reason == "tool_calls"
    assistant = first.choices[0].message
    assert assistant.tool_calls and [c.function.name for c in assistant.tool_calls] == ["get_weather"]
    call = assistant.tool_calls[0]
    assert "city" in json.loads(call.function.arguments)
    second = client.chat.completions.create(
        model=MODEL,
        messages=[
            question,
            assistant.model_dump(exclude_none=True),  # the SDK's own message object, sent back as-is
            {"role": "tool", "tool_call_id": call.id, "content": "sunny"},
        ],
        tools=[WEATHER_TOOL],
        response_format=CITY_FACTS,
    )
    choice = second.choices[0]
    assert choice.finish_reason == "stop"
    assert choice.message.tool_calls is None
    assert choice.message.content is not None
    assert json.loads(choice.message.content) == EXPECTED


def test_reasoning_without_native_structured_output_is_bad_request(client: openai.OpenAI) -> None:
    # Reasoning rules out the hidden-tool path, and SONNET_4 has no native structured output.
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(
            model=SONNET_4, messages=[QUESTION], response_format=CITY_FACTS, reasoning_effort="low"
        )
    assert e.value.status_code == 400
    assert_envelope(e.value.body, type="invalid_request_error", code="invalid_argument", param="response_format")
    assert e.value.param == "response_format"


def test_reasoning_with_native_structured_output(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model=SONNET_4_5, messages=[QUESTION], response_format=CITY_FACTS, reasoning_effort="low"
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    assert choice.message.content is not None
    assert json.loads(choice.message.content) == EXPECTED
    extra = choice.message.model_extra or {}
    assert isinstance(extra.get("reasoning_content"), str) and extra["reasoning_content"], choice.message
