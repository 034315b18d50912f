"""Fixtures for the OpenAI-SDK suite: one `amazon-chat serve --demo` per session (see launch_server.py)
and clients of the official `openai` package pointed at it, changed in nothing but base_url and api_key
(max_retries=0 so an unexpected error surfaces at once instead of after the SDK's backoff)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest

from launch_server import Server
from server_fixtures import pytest_runtest_makereport, server  # noqa: F401 (found by name)

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
# A model that reasons (reasoning_effort, signed thinking blocks) and caches prompts of 1024+ tokens.
SONNET_4 = "us.anthropic.claude-sonnet-4-20250514-v1:0"
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
# A 1x1 PNG (70 bytes).
PNG_DATA_URL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def assert_envelope(body: Any, *, type: str, code: str, param: str | None = None) -> None:
    """OpenAI's error object exactly: a message, and these type, code and param (openai-python hands
    over the `error` object of `{"error": {...}}` as `body`)."""
    assert isinstance(body, dict), body
    assert set(body) == {"message", "type", "param", "code"}, body
    assert isinstance(body["message"], str) and body["message"], body
    assert (body["type"], body["code"], body["param"]) == (type, code, param), body


@pytest.fixture()
def client(server: Server) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=server.base_url, api_key=server.api_key, max_retries=0, timeout=30) as c:
        yield c
