"""Tool calling (function tools), unary and streamed, through the official openai SDK."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest

from conftest import MODEL, WEATHER_TOOL

QUESTION = {"role": "user", "content": "What is the weather in Paris?"}
# Names the tool: what makes the emulator call it under tool_choice "auto".
NAMING_QUESTION = {"role": "user", "content": "Ask get_weather: what is the weather in Paris?"}


@pytest.mark.parametrize(
    "tool_choice",
    ["required", {"type": "function", "function": {"name": "get_weather"}}],
    ids=["required", "named"],
)
def test_tool_call(client: openai.OpenAI, tool_choice: Any) -> None:
    completion = client.chat.completions.create(
        model=MODEL, messages=[QUESTION], tools=[WEATHER_TOOL], tool_choice=tool_choice
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.role == "assistant"
    calls = choice.message.tool_calls
    assert calls is not None and len(calls) == 1
    call = calls[0]
    assert call.type == "function"
    assert call.id
    assert call.function.name == "get_weather"
    args = json.loads(call.function.arguments)
    assert isinstance(args, dict) and "city" in args


def test_tool_choice_auto_calls_the_tool_the_prompt_names(client: openai.OpenAI) -> None:
    # The emulator calls a tool under "auto" exactly when the prompt names it; its answer then has a
    # text block ("Calling <names>.") before the tool call, as models often do.
    completion = client.chat.completions.create(
        model=MODEL, messages=[NAMING_QUESTION], tools=[WEATHER_TOOL], tool_choice="auto"
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content == "Calling get_weather."
    calls = choice.message.tool_calls
    assert calls is not None and len(calls) == 1
    assert calls[0].type == "function" and calls[0].id
    assert calls[0].function.name == "get_weather"
    assert json.loads(calls[0].function.arguments) == {"city": "example city"}


@pytest.mark.parametrize(
    ("tool_choice", "question"),
    [("auto", QUESTION), ("none", NAMING_QUESTION)],
    ids=["auto-tool-not-named", "none-tool-named"],
)
def test_tool_choice_answers_in_text(client: openai.OpenAI, tool_choice: str, question: dict[str, str]) -> None:
    # "auto" with a prompt that does not name the tool, and "none" even with one that does: text only.
    completion = client.chat.completions.create(
        model=MODEL, messages=[question], tools=[WEATHER_TOOL], tool_choice=tool_choice
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    assert choice.message.tool_calls is None
    assert choice.message.content == "You said: " + question["content"]


def test_tool_round_trip(client: openai.OpenAI) -> None:
    first = client.chat.completions.create(
        model=MODEL, messages=[QUESTION], tools=[WEATHER_TOOL], tool_choice="required"
    )
    assistant = first.choices[0].message
    assert assistant.tool_calls
    call = assistant.tool_calls[0]
    second = client.chat.completions.create(
        model=MODEL,
        messages=[
            QUESTION,
            assistant.model_dump(exclude_none=True),  # the SDK's own message object, sent back as-is
            {"role": "tool", "tool_call_id": call.id, "content": "sunny, 21C"},
        ],
        tools=[WEATHER_TOOL],
    )
    assert second.choices[0].message.content == "The tool returned: sunny, 21C"
    assert second.choices[0].finish_reason == "stop"


def test_tool_call_streamed(client: openai.OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(
            model=MODEL, messages=[QUESTION], tools=[WEATHER_TOOL], tool_choice="required", stream=True
        )
    )
    deltas = [tc for c in chunks if c.choices for tc in (c.choices[0].delta.tool_calls or [])]
    assert deltas, "no tool_call deltas"
    assert all(d.index == 0 for d in deltas)
    head = deltas[0]
    assert head.id and head.type == "function"
    assert head.function is not None and head.function.name == "get_weather"
    assert all(d.id is None for d in deltas[1:]), "only the first delta carries the id"
    arguments = "".join((d.function.arguments or "") for d in deltas if d.function)
    assert "city" in json.loads(arguments)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["tool_calls"]


def test_stream_helper_accumulates_tool_call(client: openai.OpenAI) -> None:
    with client.chat.completions.stream(
        model=MODEL, messages=[QUESTION], tools=[WEATHER_TOOL], tool_choice="required"
    ) as stream:
        done = [e for e in stream if e.type == "tool_calls.function.arguments.done"]
        final = stream.get_final_completion()
    assert [e.name for e in done] == ["get_weather"]
    calls = final.choices[0].message.tool_calls
    assert calls and calls[0].function.name == "get_weather"
    assert "city" in json.loads(calls[0].function.arguments)
    assert final.choices[0].finish_reason == "tool_calls"
