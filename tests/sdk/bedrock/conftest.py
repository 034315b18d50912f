"""Fixtures for the boto3 suite of the Bedrock door (`/model/{modelId}/converse`, `/converse-stream`):
one `amazon-chat serve --demo` over TLS per session (certificates from `amazon-chat dev-certs`; boto3
sends a bearer token over https only), started by the OpenAI suite's launcher
(`../python/launch_server.py`, the same isolation), and `bedrock-runtime` clients of the official
`boto3` changed in nothing but the endpoint URL, the CA to trust, and `AWS_BEARER_TOKEN_BEDROCK`.

This process's AWS settings are cleared for the session (no profile, config or credentials files,
no instance metadata), so boto3 authenticates with the bearer token and nothing else. Retries are
off (`max_attempts=1`) so an unexpected error surfaces at once.

Runs as its own pytest session (`run.sh bedrock`), like the Anthropic suite: a second module
named `conftest` beside the OpenAI suite's would shadow it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

LAUNCHER_DIR = str(Path(__file__).resolve().parent.parent / "python")
if LAUNCHER_DIR not in sys.path:
    sys.path.append(LAUNCHER_DIR)

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

from launch_server import Server, amazon_chat, dev_certs  # noqa: E402
from server_fixtures import pytest_runtest_makereport  # noqa: E402,F401 (found by name)

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
# A model that reasons (signed thinking blocks) and caches prompts.
SONNET_4 = "us.anthropic.claude-sonnet-4-20250514-v1:0"
WEATHER_TOOL = {
    "toolSpec": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "inputSchema": {
            "json": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
        },
    }
}

_SETTINGS_HOME = tempfile.mkdtemp(prefix="amazon-chat-boto3-")
for _name in [n for n in os.environ if n.upper().startswith("AWS_")]:
    del os.environ[_name]
os.environ.update(
    AWS_CONFIG_FILE=os.path.join(_SETTINGS_HOME, "config"),
    AWS_SHARED_CREDENTIALS_FILE=os.path.join(_SETTINGS_HOME, "credentials"),
    AWS_EC2_METADATA_DISABLED="true",
)


@pytest.fixture(scope="session")
def certs() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="amazon-chat-certs-") as folder:
        yield dev_certs(Path(folder))


@pytest.fixture(scope="session")
def server(certs: Path) -> Iterator[Server]:
    tls = ("--tls-cert", str(certs / "server.pem"), "--tls-key", str(certs / "server-key.pem"))
    try:
        with amazon_chat(extra_args=tls) as s:
            yield s
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)


Factory = Callable[..., Any]


@pytest.fixture()
def make_client(server: Server, certs: Path, monkeypatch: pytest.MonkeyPatch) -> Factory:
    """`make_client(token=..., endpoint=...)`: a bedrock-runtime client; the gateway key by default."""

    def make(token: str | None = None, endpoint: str | None = None) -> Any:
        monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", token if token is not None else server.api_key)
        return boto3.session.Session(region_name="us-east-1").client(
            "bedrock-runtime",
            endpoint_url=endpoint or server.url,
            verify=str(certs / "ca.pem"),
            config=Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=30),
        )

    return make


@pytest.fixture()
def client(make_client: Factory) -> Any:
    return make_client()


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"text": text}]}
