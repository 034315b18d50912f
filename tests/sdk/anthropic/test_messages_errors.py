"""Authentication and errors: Anthropic's envelope `{"type": "error", "error": {"type", "message"}}`
with the status that selects the SDK's exception class. Throttling and mid-stream failures come from
the emulator's directives (src/emulator/directives.rs), as in the OpenAI suite's test_errors.py."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import pytest

from launch_server import Server, amazon_chat
from messages_helpers import HAIKU, SONNET_4, assert_error_envelope, assert_status_error, only_text, user

HELLO = [user("hello there")]


# --- authentication -------------------------------------------------------------------------------


def test_api_key_authenticates(client: anthropic.Anthropic, server: Server) -> None:
    """`api_key=` as the SDK sends it: anthropic 2.x as `Authorization: Bearer`, earlier ones as
    `x-api-key` (both are tested on their own below)."""
    raw = client.messages.with_raw_response.create(model=HAIKU, max_tokens=64, messages=HELLO)
    sent = raw.http_request.headers
    assert sent.get("x-api-key") == server.api_key or sent.get("authorization") == f"Bearer {server.api_key}"
    assert only_text(raw.parse()) == "You said: hello there"


def x_api_key_client(server: Server, key: str) -> anthropic.Anthropic:
    """The SDK sending the key as Anthropic's `x-api-key` header only."""
    return anthropic.Anthropic(
        base_url=server.url,
        api_key=key,
        default_headers={"x-api-key": key, "Authorization": anthropic.omit},
        max_retries=0,
        timeout=30,
    )


def test_x_api_key_header(server: Server) -> None:
    with x_api_key_client(server, server.api_key) as c:
        raw = c.messages.with_raw_response.create(model=HAIKU, max_tokens=64, messages=HELLO)
        assert raw.http_request.headers["x-api-key"] == server.api_key
        assert "authorization" not in raw.http_request.headers
        assert only_text(raw.parse()) == "You said: hello there"
        with c.messages.stream(model=HAIKU, max_tokens=64, messages=HELLO) as stream:
            assert stream.get_final_text() == "You said: hello there"


def test_auth_token_is_bearer(server: Server) -> None:
    with anthropic.Anthropic(base_url=server.url, auth_token=server.api_key, max_retries=0, timeout=30) as c:
        raw = c.messages.with_raw_response.create(model=HAIKU, max_tokens=64, messages=HELLO)
        assert raw.http_request.headers["authorization"] == f"Bearer {server.api_key}"
        assert only_text(raw.parse()) == "You said: hello there"


@pytest.mark.parametrize("header", ["x-api-key", "bearer"])
def test_wrong_key_is_authentication_error(server: Server, header: str) -> None:
    if header == "x-api-key":
        c = x_api_key_client(server, "wrong-key")
    else:
        c = anthropic.Anthropic(base_url=server.url, api_key="wrong-key", max_retries=0, timeout=30)
    with c:
        with pytest.raises(anthropic.AuthenticationError) as e:
            c.messages.create(model=HAIKU, max_tokens=64, messages=HELLO)
        assert_status_error(e.value, 401, "authentication_error")
        with pytest.raises(anthropic.AuthenticationError) as e:
            c.messages.create(model=HAIKU, max_tokens=64, messages=HELLO, stream=True)
        assert_status_error(e.value, 401, "authentication_error")


def raw_post(server: Server, body: Any, headers: dict[str, str]) -> httpx2.Response:
    """A request without the SDK (which always sends a key, and validates what it sends)."""
    with httpx2.Client(timeout=30, trust_env=False) as http:
        return http.post(server.url + "/v1/messages", json=body, headers=headers)


def test_missing_key_gets_the_anthropic_envelope(server: Server) -> None:
    response = raw_post(
        server, {"model": HAIKU, "max_tokens": 64, "messages": HELLO}, {"anthropic-version": "2023-06-01"}
    )
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert_error_envelope(response.json(), "authentication_error")


# --- invalid requests -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"messages": HELLO, "extra_body": {"temperature": 5}}, ["temperature"]),
        # Anthropic's temperature ranges from 0.0 to 1.0 (OpenAI's to 2).
        ({"messages": HELLO, "extra_body": {"temperature": 1.5}}, ["temperature"]),
        ({"messages": []}, ["messages"]),
        ({"messages": [{"role": "system", "content": "be terse"}, *HELLO]}, ["messages", "role"]),
        ({"messages": [{"role": "wizard", "content": "hi"}]}, ["messages", "role"]),
        ({"messages": HELLO, "max_tokens": anthropic.omit}, ["max_tokens"]),
        ({"messages": HELLO, "max_tokens": 0}, ["max_tokens"]),
    ],
    ids=["temperature=5", "temperature=1.5", "no-messages", "role-system", "role-wizard", "no-max_tokens", "max_tokens=0"],
)
def test_bad_request_names_the_field(client: anthropic.Anthropic, kwargs: dict[str, Any], names: list[str]) -> None:
    request = {"model": HAIKU, "max_tokens": 64, **kwargs}
    with pytest.raises(anthropic.BadRequestError) as e:
        client.messages.create(**request)
    message = assert_status_error(e.value, 400, "invalid_request_error")
    for name in names:
        assert name in message, message


def test_bad_request_when_streaming_is_an_http_error(client: anthropic.Anthropic) -> None:
    """Validation fails before the stream starts: a 400, not an SSE error event."""
    with pytest.raises(anthropic.BadRequestError) as e:
        client.messages.create(model=HAIKU, max_tokens=64, messages=[], stream=True)
    assert "messages" in assert_status_error(e.value, 400, "invalid_request_error")
    with pytest.raises(anthropic.BadRequestError) as e:
        with client.messages.stream(model=HAIKU, max_tokens=64, messages=[]) as stream:
            stream.until_done()
    assert_status_error(e.value, 400, "invalid_request_error")


def test_body_that_is_not_json(server: Server) -> None:
    with httpx2.Client(timeout=30, trust_env=False) as http:
        response = http.post(
            server.url + "/v1/messages",
            content=b"{not json",
            headers={"x-api-key": server.api_key, "content-type": "application/json", "anthropic-version": "2023-06-01"},
        )
    assert response.status_code == 400
    assert_error_envelope(response.json(), "invalid_request_error")


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "stream"])
def test_unknown_model_is_not_found(client: anthropic.Anthropic, stream: bool) -> None:
    with pytest.raises(anthropic.NotFoundError) as e:
        client.messages.create(model="claude-no-such-model", max_tokens=64, messages=HELLO, stream=stream)
    message = assert_status_error(e.value, 404, "not_found_error")
    assert "claude-no-such-model" in message, message


def test_every_answer_has_a_request_id(client: anthropic.Anthropic, server: Server) -> None:
    """Anthropic's API sends a `request-id` header with every response; the SDK hands it over as
    `_request_id` on answers and `request_id` on errors."""
    message = client.messages.create(model=HAIKU, max_tokens=64, messages=HELLO)
    assert message._request_id, "a request-id on a 200"
    failures: dict[str, anthropic.APIStatusError] = {}
    attempts: dict[str, dict[str, Any]] = {
        "invalid-field": {"messages": HELLO, "extra_body": {"temperature": 5}},
        "role-system": {"messages": [{"role": "system", "content": "be terse"}, *HELLO]},
        "no-max_tokens": {"messages": HELLO, "max_tokens": anthropic.omit},
        "unknown-model": {"messages": HELLO, "model": "claude-no-such-model"},
    }
    for name, kwargs in attempts.items():
        try:
            client.messages.create(**{"model": HAIKU, "max_tokens": 64, **kwargs})
        except anthropic.APIStatusError as e:
            failures[name] = e
    with anthropic.Anthropic(base_url=server.url, api_key="wrong-key", max_retries=0, timeout=30) as c:
        try:
            c.messages.create(model=HAIKU, max_tokens=64, messages=HELLO)
        except anthropic.APIStatusError as e:
            failures["wrong-key"] = e
    assert set(failures) == {*attempts, "wrong-key"}, "each of them fails"
    missing = {name: e.status_code for name, e in failures.items() if not e.request_id}
    assert not missing, f"errors without a request-id header: {missing}"


# --- upstream failures ----------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "stream"])
def test_throttled_is_rate_limit_error(client: anthropic.Anthropic, stream: bool) -> None:
    with pytest.raises(anthropic.RateLimitError) as e:
        client.messages.create(
            model=HAIKU, max_tokens=64, messages=[user("[[emulator:throttle]] hi")], stream=stream
        )
    assert_status_error(e.value, 429, "rate_limit_error")
    retry_after = e.value.response.headers.get("retry-after")
    assert retry_after is not None, dict(e.value.response.headers)
    assert float(retry_after) >= 0


def test_error_mid_stream_is_an_error_event(client: anthropic.Anthropic) -> None:
    stream = client.messages.create(
        model=HAIKU, max_tokens=64, messages=[user("[[emulator:stream-error]] some words")], stream=True
    )
    received = []
    with pytest.raises(anthropic.APIStatusError) as e:
        for event in stream:
            received.append(event)
    # Raised from the `event: error` SSE of a 200 stream: the SDK's base class, the stream's status.
    assert type(e.value) is anthropic.APIStatusError, type(e.value)
    assert e.value.status_code == 200
    # Bedrock's modelStreamErrorException: a failure on Anthropic's side of the call.
    assert_error_envelope(e.value.body, e.value.type or "")
    assert e.value.type in ("api_error", "overloaded_error"), e.value.body
    assert received, "events came before the error"
    assert received[0].type == "message_start"
    assert "message_stop" not in [r.type for r in received]


def test_error_mid_stream_through_the_helper(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.APIError) as e:
        with client.messages.stream(
            model=HAIKU, max_tokens=64, messages=[user("[[emulator:stream-error]] some words")]
        ) as stream:
            stream.until_done()
    assert isinstance(e.value, anthropic.APIStatusError)
    assert e.value.type in ("api_error", "overloaded_error"), e.value.body


def test_error_event_on_the_wire(server: Server) -> None:
    body = {
        "model": HAIKU, "max_tokens": 64, "stream": True, "messages": [user("[[emulator:stream-error]] raw words")],
    }
    headers = {"x-api-key": server.api_key, "anthropic-version": "2023-06-01"}
    with httpx2.Client(timeout=30, trust_env=False) as http:
        with http.stream("POST", server.url + "/v1/messages", json=body, headers=headers) as response:
            assert response.status_code == 200
            text = response.read().decode().replace("\r\n", "\n")
    chunks = [c for c in text.split("\n\n") if c.strip()]
    last = dict(line.split(": ", 1) for line in chunks[-1].split("\n") if ": " in line and not line.startswith(":"))
    assert last.get("event") == "error", chunks[-1]
    payload = json.loads(last["data"])
    assert_error_envelope(payload, payload["error"]["type"])
    assert "event: message_stop" not in text


# --- keys with a model list -----------------------------------------------------------------------

RESTRICTED_KEY = "ac-haiku-only-" + secrets.token_hex(16)


@pytest.fixture(scope="module")
def keys_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose keys file holds a key that may use Claude 3 Haiku only (beside the usual key)."""
    path: Path = tmp_path_factory.mktemp("keys") / "keys.toml"
    digest = hashlib.sha256(RESTRICTED_KEY.encode()).hexdigest()
    path.write_text(f'[[keys]]\nname = "haiku-only"\nsha256 = "{digest}"\nmodels = ["anthropic.claude-3-haiku-*"]\n')
    try:
        with amazon_chat(extra_args=("--keys-file", str(path))) as s:
            yield s
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "stream"])
def test_model_the_key_may_not_use_is_permission_denied(keys_server: Server, stream: bool) -> None:
    with anthropic.Anthropic(base_url=keys_server.url, api_key=RESTRICTED_KEY, max_retries=0, timeout=30) as c:
        allowed = c.messages.create(model=HAIKU, max_tokens=64, messages=HELLO)
        assert only_text(allowed) == "You said: hello there", "its own model, by Anthropic's name"
        with pytest.raises(anthropic.PermissionDeniedError) as e:
            c.messages.create(model=SONNET_4, max_tokens=64, messages=HELLO, stream=stream)
        assert_status_error(e.value, 403, "permission_error")
