"""The server's own retries and failover, seen through the openai SDK. Every client here has
max_retries=0: the SDK retries 429 and 5xx by itself by default, and these tests must prove that the
SERVER retried (its `x-amazon-chat-attempts` header) and failed over (`x-amazon-chat-region`).

The emulator's `[[emulator:times=N]]` scopes a fault to the first N requests with the same body, so
each prompt carries a fresh marker: no test sees another's count."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from conftest import MODEL, assert_envelope
from launch_server import Server, amazon_chat

# Three attempts, the backoff steps exactly 10 ms and 20 ms: a retried call takes ~30 ms more.
RETRY_FLAGS = ("--bedrock-max-attempts", "3", "--retry-jitter", "none", "--retry-initial-backoff", "10ms")
# The demo server's home region (no --region), and the failover chain's target.
HOME_REGION = "us-east-1"
FAILOVER_REGION = "us-west-2"
ALIAS = "gpt-4o-mini"
MODELS_FILE = f"""\
[aliases]
"{ALIAS}" = "{MODEL}"

[failover]
"{MODEL}" = ["@{FAILOVER_REGION}"]
"""
# A model the home region serves through a cross-region inference profile: Bedrock is called with
# the profile's id, not the one asked for.
SONNET_4_BASE = "anthropic.claude-sonnet-4-20250514-v1:0"
SONNET_4_PROFILE = "us.anthropic.claude-sonnet-4-20250514-v1:0"


def marker() -> str:
    return "marker-" + uuid.uuid4().hex


def ask(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def _start(*extra_args: str) -> Iterator[Server]:
    try:
        with amazon_chat(extra_args=extra_args) as s:
            yield s
    except RuntimeError as e:  # binary missing or server did not come up
        pytest.fail(str(e), pytrace=False)


@pytest.fixture(scope="module")
def retrying_server() -> Iterator[Server]:
    yield from _start(*RETRY_FLAGS)


@pytest.fixture(scope="module")
def failover_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    models_file: Path = tmp_path_factory.mktemp("models") / "models.toml"
    models_file.write_text(MODELS_FILE)
    yield from _start("--models-file", str(models_file))


def _client(server: Server) -> Iterator[openai.OpenAI]:
    # max_retries=0: a 429 or 503 the server gives up on reaches the test as is.
    with openai.OpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0, timeout=30) as c:
        yield c


@pytest.fixture()
def retrying(retrying_server: Server) -> Iterator[openai.OpenAI]:
    yield from _client(retrying_server)


@pytest.fixture()
def failing_over(failover_server: Server) -> Iterator[openai.OpenAI]:
    yield from _client(failover_server)


def _answer(raw: Any, stream: bool) -> str:
    """The answer's text, unary or streamed."""
    if not stream:
        return raw.parse().choices[0].message.content
    chunks = list(raw.parse())
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["stop"]
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "stream"])
def test_server_retries_transient_throttling(retrying: openai.OpenAI, stream: bool) -> None:
    """Throttled twice, then answered: the server's third attempt succeeds, the SDK sees one 200."""
    m = marker()
    raw = retrying.chat.completions.with_raw_response.create(
        model=MODEL, messages=ask(f"[[emulator:throttle]] [[emulator:times=2]] {m}"), stream=stream
    )
    assert raw.status_code == 200
    assert raw.headers["x-amazon-chat-attempts"] == "3", dict(raw.headers)
    assert raw.headers["x-amazon-chat-region"] == HOME_REGION
    assert raw.headers["x-amazon-chat-model-id"] == MODEL
    assert _answer(raw, stream) == f"You said: {m}"


def test_an_untroubled_call_takes_one_attempt(retrying: openai.OpenAI) -> None:
    raw = retrying.chat.completions.with_raw_response.create(model=MODEL, messages=ask(marker()))
    assert raw.headers["x-amazon-chat-attempts"] == "1", dict(raw.headers)


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "stream"])
def test_persistent_throttling_is_rate_limit_error(retrying: openai.OpenAI, stream: bool) -> None:
    with pytest.raises(openai.RateLimitError) as e:
        retrying.chat.completions.create(model=MODEL, messages=ask(f"[[emulator:throttle]] {marker()}"), stream=stream)
    assert e.value.status_code == 429
    assert_envelope(e.value.body, type="rate_limit_error", code="rate_limit_exceeded")
    retry_after = e.value.response.headers.get("retry-after")
    assert retry_after is not None, dict(e.value.response.headers)
    assert float(retry_after) >= 0


def test_the_server_gives_up_after_exactly_its_attempts(retrying: openai.OpenAI) -> None:
    """Throttled for the first 3 requests with this body: all 3 attempts of the first call are spent
    (429), so the identical second call is the emulator's 4th request and answers at once. Had the
    server tried fewer times, the second call would be retried (attempts > 1) or throttled."""
    prompt = ask(f"[[emulator:throttle]] [[emulator:times=3]] {marker()}")
    with pytest.raises(openai.RateLimitError):
        retrying.chat.completions.create(model=MODEL, messages=prompt)
    raw = retrying.chat.completions.with_raw_response.create(model=MODEL, messages=prompt)
    assert raw.headers["x-amazon-chat-attempts"] == "1", dict(raw.headers)


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "stream"])
def test_persistent_unavailability_is_internal_server_error(retrying: openai.OpenAI, stream: bool) -> None:
    with pytest.raises(openai.InternalServerError) as e:
        retrying.chat.completions.create(model=MODEL, messages=ask(f"[[emulator:unavailable]] {marker()}"), stream=stream)
    assert e.value.status_code == 503
    assert_envelope(e.value.body, type="api_error", code="upstream_unavailable")


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "stream"])
def test_throttled_home_region_fails_over(failing_over: openai.OpenAI, stream: bool) -> None:
    """Throttled in us-east-1 only: the models file's `@us-west-2` answers (one attempt each, the
    helper's default --bedrock-max-attempts 1)."""
    m = marker()
    raw = failing_over.chat.completions.with_raw_response.create(
        model=MODEL, messages=ask(f"[[emulator:throttle]] [[emulator:region={HOME_REGION}]] {m}"), stream=stream
    )
    assert raw.status_code == 200
    assert raw.headers["x-amazon-chat-region"] == FAILOVER_REGION, dict(raw.headers)
    assert raw.headers["x-amazon-chat-attempts"] == "2"
    assert raw.headers["x-amazon-chat-model-id"] == MODEL
    if stream:
        assert raw.headers["content-type"].startswith("text/event-stream")
    assert _answer(raw, stream) == f"You said: {m}"


def test_no_failover_when_the_home_region_answers(failing_over: openai.OpenAI) -> None:
    raw = failing_over.chat.completions.with_raw_response.create(model=MODEL, messages=ask(marker()))
    assert raw.headers["x-amazon-chat-region"] == HOME_REGION, dict(raw.headers)
    assert raw.headers["x-amazon-chat-attempts"] == "1"


def test_throttled_everywhere_is_rate_limit_error_after_failover(failing_over: openai.OpenAI) -> None:
    with pytest.raises(openai.RateLimitError) as e:
        failing_over.chat.completions.create(model=MODEL, messages=ask(f"[[emulator:throttle]] {marker()}"))
    assert e.value.status_code == 429
    assert e.value.response.headers.get("retry-after") is not None, dict(e.value.response.headers)


@pytest.mark.parametrize(
    ("requested", "bedrock_id"),
    [(MODEL, MODEL), (SONNET_4_BASE, SONNET_4_PROFILE), (SONNET_4_PROFILE, SONNET_4_PROFILE)],
    ids=["haiku", "sonnet-4-via-profile", "sonnet-4-profile"],
)
def test_model_id_header_is_the_bedrock_id(client: openai.OpenAI, requested: str, bedrock_id: str) -> None:
    raw = client.chat.completions.with_raw_response.create(model=requested, messages=ask("hello there"))
    assert raw.headers["x-amazon-chat-model-id"] == bedrock_id, dict(raw.headers)
    assert raw.headers["x-amazon-chat-region"] == HOME_REGION
    assert raw.headers["x-amazon-chat-attempts"] == "1"
    assert raw.parse().model == requested  # the body names the model as asked


def test_model_id_header_resolves_an_alias(failing_over: openai.OpenAI) -> None:
    raw = failing_over.chat.completions.with_raw_response.create(model=ALIAS, messages=ask("hello there"))
    assert raw.headers["x-amazon-chat-model-id"] == MODEL, dict(raw.headers)
    assert raw.parse().model == ALIAS


def test_an_alias_fails_over_by_the_id_it_resolves_to(failing_over: openai.OpenAI) -> None:
    """The chain is keyed by the model id; a request by alias uses it too."""
    raw = failing_over.chat.completions.with_raw_response.create(
        model=ALIAS, messages=ask(f"[[emulator:throttle]] [[emulator:region={HOME_REGION}]] {marker()}")
    )
    assert raw.headers["x-amazon-chat-region"] == FAILOVER_REGION, dict(raw.headers)
    assert raw.headers["x-amazon-chat-model-id"] == MODEL
