"""Error statuses and bodies map onto the openai SDK's exception classes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import openai
import pytest

from conftest import MODEL, assert_envelope
from launch_server import Server


def test_wrong_api_key(server: Server) -> None:
    with openai.OpenAI(base_url=server.base_url, api_key="wrong-key", max_retries=0) as c:
        with pytest.raises(openai.AuthenticationError) as e:
            c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hi"}])
        assert e.value.status_code == 401
        assert_envelope(e.value.body, type="authentication_error", code="invalid_api_key")
        with pytest.raises(openai.AuthenticationError) as e:
            c.models.list()
        assert_envelope(e.value.body, type="authentication_error", code="invalid_api_key")


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """A plain GET without the SDK (it always sends a key); header names come back lower-cased."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def test_missing_api_key_gets_openai_envelope(server: Server) -> None:
    status, headers, body = _get(server.base_url + "/models")
    assert status == 401
    assert headers.get("content-type", "").startswith("application/json")
    assert_envelope(json.loads(body)["error"], type="authentication_error", code="invalid_api_key")


def test_health_needs_no_key(server: Server) -> None:
    status, _, body = _get(server.url + "/health")
    assert status == 200, body
    json.loads(body)


def test_openapi_document(server: Server) -> None:
    status, headers, body = _get(server.url + "/openapi.json", {"Authorization": f"Bearer {server.api_key}"})
    assert status == 200, body
    doc = json.loads(body)
    assert doc["openapi"].startswith("3.1")
    for path in ("/v1/chat/completions", "/v1/models", "/v1/models/{id}"):
        assert path in doc["paths"], path


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"messages": [{"role": "user", "content": "hi"}], "n": 2}, "n"),
        ({"messages": []}, "messages"),
        ({"messages": [{"role": "wizard", "content": "hi"}]}, "messages[0].role"),
    ],
    ids=["n=2", "no-messages", "role-wizard"],
)
def test_bad_request_names_the_field(client: openai.OpenAI, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model=MODEL, **kwargs)
    assert e.value.status_code == 400
    assert_envelope(e.value.body, type="invalid_request_error", code="invalid_argument", param=field)
    assert e.value.param == field
    assert field in e.value.message, e.value.message


def test_bad_request_when_streaming_is_an_http_error(client: openai.OpenAI) -> None:
    """Validation fails before the stream starts: a 400, not an SSE error event."""
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model=MODEL, messages=[], stream=True)
    assert e.value.status_code == 400
    assert_envelope(e.value.body, type="invalid_request_error", code="invalid_argument", param="messages")


def test_unknown_model(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as e:
        client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "hi"}])
    assert e.value.status_code == 404
    assert_envelope(e.value.body, type="not_found_error", code="model_not_found", param="model")


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "stream"])
def test_throttled_is_rate_limit_error(client: openai.OpenAI, stream: bool) -> None:
    with pytest.raises(openai.RateLimitError) as e:
        client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "[[emulator:throttle]] hi"}], stream=stream
        )
    assert e.value.status_code == 429
    assert_envelope(e.value.body, type="rate_limit_error", code="rate_limit_exceeded")
    retry_after = e.value.response.headers.get("retry-after")
    assert retry_after is not None, dict(e.value.response.headers)
    assert float(retry_after) >= 0


def test_error_mid_stream_raises_api_error(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "[[emulator:stream-error]] some words"}], stream=True
    )
    received = []
    with pytest.raises(openai.APIError) as e:
        for chunk in stream:
            received.append(chunk)
    # Raised from the `data: {"error": ...}` event, so no HTTP status of its own (the stream was a 200).
    assert not isinstance(e.value, openai.APIStatusError)
    # Bedrock's modelStreamErrorException: retryable, so Unavailable.
    assert_envelope(e.value.body, type="api_error", code="upstream_unavailable")
    assert e.value.message == e.value.body["message"]
    assert received and received[0].choices[0].delta.role == "assistant"
