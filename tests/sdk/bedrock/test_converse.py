"""Bedrock's Converse through the gateway with boto3, unchanged but for endpoint URL, CA and bearer
token: unary and streamed answers, tools with a replayed tool loop, signed reasoning, prompt caching,
and what the gateway adds (its catalog's names, its request id)."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from conftest import MODEL, SONNET_4, WEATHER_TOOL, user

NAMING_QUESTION = "Ask get_weather: what is the weather in Paris?"
THINKING = {"thinking": {"type": "enabled", "budget_tokens": 1024}}


def collect(stream: Any) -> list[tuple[str, dict[str, Any]]]:
    """The events of a ConverseStream answer as (name, payload) pairs."""
    return [(name, payload) for event in stream for name, payload in event.items()]


def streamed_text(events: list[tuple[str, dict[str, Any]]]) -> str:
    return "".join(p["delta"].get("text", "") for name, p in events if name == "contentBlockDelta")


def test_converse_answers_in_bedrocks_shape(client: Any) -> None:
    response = client.converse(
        modelId=MODEL, messages=[user("hello gateway")], inferenceConfig={"maxTokens": 64, "temperature": 0.2}
    )
    assert response["output"]["message"] == {"role": "assistant", "content": [{"text": "You said: hello gateway"}]}
    assert response["stopReason"] == "end_turn"
    usage = response["usage"]
    assert usage["inputTokens"] > 0 and usage["outputTokens"] > 0
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]
    assert isinstance(response["metrics"]["latencyMs"], int)
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert response["ResponseMetadata"]["RequestId"] == headers["x-request-id"]
    assert headers["x-amazon-chat-model-id"] == MODEL


def test_converse_stream_events_in_order(client: Any) -> None:
    response = client.converse_stream(modelId=MODEL, messages=[user("stream to me")])
    events = collect(response["stream"])
    names = [name for name, _ in events]
    assert names[0] == "messageStart" and events[0][1] == {"role": "assistant"}
    assert names[-2:] == ["messageStop", "metadata"]
    assert "contentBlockStop" in names
    assert streamed_text(events) == "You said: stream to me"
    assert events[-2][1]["stopReason"] == "end_turn"
    assert events[-1][1]["usage"]["outputTokens"] > 0


def test_a_system_prompt_and_stop_sequences_are_honoured(client: Any) -> None:
    response = client.converse(
        modelId=MODEL,
        system=[{"text": "You are terse."}],
        messages=[user("one two STOP three")],
        inferenceConfig={"stopSequences": ["STOP"]},
    )
    assert response["stopReason"] == "stop_sequence"
    assert "three" not in response["output"]["message"]["content"][0]["text"]


def test_the_gateways_names_reach_bedrock_through_the_path(client: Any) -> None:
    # An Anthropic model name, resolved by the gateway's catalog (boto3 URL-encodes the path).
    response = client.converse(modelId="claude-3-haiku-20240307", messages=[user("by name")])
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amazon-chat-model-id"] == MODEL


def tool_call(content: list[dict[str, Any]]) -> dict[str, Any]:
    [call] = [block["toolUse"] for block in content if "toolUse" in block]
    return call


def test_a_tool_loop_unary(client: Any) -> None:
    tools = {"tools": [WEATHER_TOOL], "toolChoice": {"any": {}}}
    first = client.converse(modelId=MODEL, messages=[user("What is the weather in Paris?")], toolConfig=tools)
    assert first["stopReason"] == "tool_use"
    call = tool_call(first["output"]["message"]["content"])
    assert call["name"] == "get_weather" and "city" in call["input"] and call["toolUseId"]
    result = {"toolResult": {"toolUseId": call["toolUseId"], "content": [{"json": {"celsius": 21}}]}}
    second = client.converse(
        modelId=MODEL,
        messages=[user("What is the weather in Paris?"), first["output"]["message"], {"role": "user", "content": [result]}],
        toolConfig={"tools": [WEATHER_TOOL]},
    )
    assert second["stopReason"] == "end_turn"
    assert second["output"]["message"]["content"][0]["text"]


def test_a_tool_call_streamed(client: Any) -> None:
    response = client.converse_stream(
        modelId=MODEL, messages=[user(NAMING_QUESTION)], toolConfig={"tools": [WEATHER_TOOL]}
    )
    events = collect(response["stream"])
    [start] = [p for name, p in events if name == "contentBlockStart"]
    assert start["start"]["toolUse"]["name"] == "get_weather"
    index = start["contentBlockIndex"]
    fragments = [
        p["delta"]["toolUse"]["input"]
        for name, p in events
        if name == "contentBlockDelta" and p["contentBlockIndex"] == index
    ]
    assert json.loads("".join(fragments)) == {"city": "example city"}
    assert streamed_text(events) == "Calling get_weather."
    assert [p for name, p in events if name == "messageStop"][0]["stopReason"] == "tool_use"


def test_signed_reasoning_replayed_through_a_tool_loop(client: Any) -> None:
    question = [user(NAMING_QUESTION)]
    first = client.converse(
        modelId=SONNET_4, messages=question, toolConfig={"tools": [WEATHER_TOOL]}, additionalModelRequestFields=THINKING
    )
    content = first["output"]["message"]["content"]
    reasoning = content[0]["reasoningContent"]["reasoningText"]
    assert reasoning["text"] == "Let me think about: " + NAMING_QUESTION
    base64.b64decode(reasoning["signature"], validate=True)
    call = tool_call(content)
    result = {"toolResult": {"toolUseId": call["toolUseId"], "content": [{"text": "sunny"}]}}
    # The assistant turn goes back exactly as it came: the emulator checks the signature as Bedrock does.
    second = client.converse(
        modelId=SONNET_4,
        messages=[*question, first["output"]["message"], {"role": "user", "content": [result]}],
        toolConfig={"tools": [WEATHER_TOOL]},
        additionalModelRequestFields=THINKING,
    )
    assert second["stopReason"] == "end_turn"
    texts = [block["text"] for block in second["output"]["message"]["content"] if "text" in block]
    assert texts and texts[0]


def test_a_tampered_signature_is_refused(client: Any) -> None:
    import botocore.exceptions
    import pytest

    question = [user(NAMING_QUESTION)]
    first = client.converse(
        modelId=SONNET_4, messages=question, toolConfig={"tools": [WEATHER_TOOL]}, additionalModelRequestFields=THINKING
    )
    message = first["output"]["message"]
    message["content"][0]["reasoningContent"]["reasoningText"]["signature"] = base64.b64encode(b"forged").decode()
    call = tool_call(message["content"])
    result = {"toolResult": {"toolUseId": call["toolUseId"], "content": [{"text": "sunny"}]}}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client.converse(
            modelId=SONNET_4,
            messages=[*question, message, {"role": "user", "content": [result]}],
            toolConfig={"tools": [WEATHER_TOOL]},
            additionalModelRequestFields=THINKING,
        )
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_reasoning_streamed_with_its_signature(client: Any) -> None:
    response = client.converse_stream(
        modelId=SONNET_4, messages=[user("think first")], additionalModelRequestFields=THINKING
    )
    events = collect(response["stream"])
    reasoning = [p["delta"]["reasoningContent"] for name, p in events if name == "contentBlockDelta" and "reasoningContent" in p["delta"]]
    assert "".join(r.get("text", "") for r in reasoning) == "Let me think about: think first"
    assert any(r.get("signature") for r in reasoning)
    assert streamed_text(events) == "You said: think first"


def test_a_cache_point_writes_then_reads_the_prompt_cache(client: Any) -> None:
    # The emulator caches a prefix of 1024+ tokens for Claude Sonnet 4 (it counts words); the prompt
    # is unique to this test, as its cache lives as long as the session's server.
    system = [{"text": f"case {uuid.uuid4()}: " + "background " * 1100}, {"cachePoint": {"type": "default"}}]
    first = client.converse(modelId=SONNET_4, system=system, messages=[user("what does it say?")])["usage"]
    assert first["cacheWriteInputTokens"] > 1000 and first.get("cacheReadInputTokens", 0) == 0, first
    second = client.converse(modelId=SONNET_4, system=system, messages=[user("and again?")])["usage"]
    assert second["cacheReadInputTokens"] == first["cacheWriteInputTokens"], second
    # Converse's inputTokens leaves the cached tokens out, as Bedrock counts them.
    assert second["inputTokens"] < 20, second
