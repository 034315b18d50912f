"""/v1/messages/count_tokens through the official anthropic SDK: Bedrock's CountTokens behind
Anthropic's token counting. The emulator counts words, as its Converse does, so a count can be
compared with the usage of the same request sent as a message."""

from __future__ import annotations

import anthropic
import pytest

from messages_helpers import HAIKU, SONNET_4, SONNET_4_PROFILE, WEATHER_TOOL

USER = [{"role": "user", "content": "Hello there friend"}]


def test_count_matches_the_usage_of_the_same_message(client: anthropic.Anthropic) -> None:
    counted = client.messages.count_tokens(model=SONNET_4, system="Be brief", messages=USER)
    assert counted.input_tokens == 5, "two system words and three user words"
    sent = client.messages.create(model=SONNET_4, max_tokens=64, system="Be brief", messages=USER)
    assert sent.usage.input_tokens == counted.input_tokens


def test_tools_and_turns_add_tokens(client: anthropic.Anthropic) -> None:
    plain = client.messages.count_tokens(model=SONNET_4, messages=USER).input_tokens
    with_tools = client.messages.count_tokens(model=SONNET_4, messages=USER, tools=[WEATHER_TOOL]).input_tokens
    assert with_tools > plain
    longer = [*USER, {"role": "assistant", "content": "Hi"}, {"role": "user", "content": "one two three"}]
    assert client.messages.count_tokens(model=SONNET_4, messages=longer).input_tokens == plain + 4


@pytest.mark.parametrize("model", [SONNET_4, "claude-sonnet-4-0", SONNET_4_PROFILE, "claude-3-5-haiku-latest"])
def test_names_and_profiles_are_counted_on_their_foundation_model(client: anthropic.Anthropic, model: str) -> None:
    raw = client.messages.with_raw_response.count_tokens(model=model, messages=USER)
    assert raw.parse().input_tokens == 3
    served = raw.headers["x-amazon-chat-model-id"]
    assert served.startswith("anthropic.claude-"), f"a foundation-model id, not a profile: {served}"


def test_a_model_bedrock_does_not_count_for_is_a_bad_request(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError) as e:
        client.messages.count_tokens(model=HAIKU, messages=USER)
    assert e.value.body["error"]["type"] == "invalid_request_error"
    assert "counting tokens" in e.value.body["error"]["message"]


def test_an_invalid_request_names_the_field(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError) as e:
        client.messages.count_tokens(model=SONNET_4, messages=[{"role": "system", "content": "x"}])
    assert "messages[0].role" in e.value.body["error"]["message"]
