"""The official openai SDK over TLS: a server of its own, started with the `amazon-chat dev-certs`
server certificate (`--tls-cert`, `--tls-key`), and an httpx client that trusts their ca.pem. One
server also requires a client certificate (`--tls-client-ca ca.pem`). The SDK's client with
`http2=True` negotiates HTTP/2 (ALPN) and multiplexes its calls on one connection."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai
import pytest

from conftest import MODEL
from launch_server import Server, amazon_chat, dev_certs

MESSAGES = [{"role": "user", "content": "hello there"}]
ANSWER = "You said: hello there"


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        return dev_certs(tmp_path_factory.mktemp("dev-certs"))
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)


def _tls_server(certs: Path, *more: str) -> Iterator[Server]:
    args = ("--tls-cert", str(certs / "server.pem"), "--tls-key", str(certs / "server-key.pem"), *more)
    try:
        with amazon_chat(extra_args=args) as s:
            yield s
    except RuntimeError as e:  # binary missing or server did not come up
        pytest.fail(str(e), pytrace=False)


@pytest.fixture(scope="module")
def tls_server(certs: Path) -> Iterator[Server]:
    yield from _tls_server(certs)


@pytest.fixture(scope="module")
def mtls_server(certs: Path) -> Iterator[Server]:
    yield from _tls_server(certs, "--tls-client-ca", str(certs / "ca.pem"))


def _client(server: Server, context: ssl.SSLContext) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=server.base_url,
        api_key=server.api_key,
        max_retries=0,
        timeout=30,
        http_client=openai.DefaultHttpxClient(verify=context),
    )


def _chat_and_stream(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(model=MODEL, messages=MESSAGES)
    assert completion.choices[0].message.content == ANSWER
    assert completion.choices[0].finish_reason == "stop"
    with client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True) as stream:
        chunks = list(stream)
    content = [c.choices[0].delta.content or "" for c in chunks if c.choices]
    assert len(content) >= 2, chunks
    assert "".join(content) == ANSWER
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_tls_chat_completion_and_stream(tls_server: Server, certs: Path) -> None:
    assert tls_server.url.startswith("https://127.0.0.1:")
    with _client(tls_server, ssl.create_default_context(cafile=certs / "ca.pem")) as client:
        _chat_and_stream(client)


def _connections_accepted(server: Server, context: ssl.SSLContext) -> int:
    """The server's accepted-connection count, read over a connection of its own (counted too)."""
    with openai.DefaultHttpxClient(verify=context) as http:
        text = http.get(server.url + "/metrics").text
    return sum(
        int(float(line.rsplit(" ", 1)[1]))
        for line in text.splitlines()
        if line.startswith("amazon_chat_connections_accepted_total")
    )


def test_tls_http2_chat_completion_and_concurrent_streams(tls_server: Server, certs: Path) -> None:
    context = ssl.create_default_context(cafile=certs / "ca.pem")
    before = _connections_accepted(tls_server, context)
    http_client = openai.DefaultHttpxClient(verify=context, http2=True)
    with openai.OpenAI(
        base_url=tls_server.base_url, api_key=tls_server.api_key, max_retries=0, timeout=30, http_client=http_client
    ) as client:
        raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=MESSAGES)
        assert raw.http_response.http_version == "HTTP/2"
        assert raw.parse().choices[0].message.content == ANSWER

        def stream(i: int) -> tuple[str, str, str | None]:
            messages = [{"role": "user", "content": f"hello stream {i}"}]
            with client.chat.completions.with_streaming_response.create(
                model=MODEL, messages=messages, stream=True
            ) as response:
                chunks = [c for c in response.parse() if c.choices]
                version = response.http_response.http_version
            return version, "".join(c.choices[0].delta.content or "" for c in chunks), chunks[-1].choices[0].finish_reason

        # Four streams at once over the client's one HTTP/2 connection.
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(stream, range(4)))
    for i, (version, text, finish) in enumerate(results):
        assert (version, text, finish) == ("HTTP/2", f"You said: hello stream {i}", "stop"), results
    # The SDK's calls took one connection; the other is the count's own read.
    assert _connections_accepted(tls_server, context) - before == 2


def test_tls_without_the_ca_fails(tls_server: Server) -> None:
    # The default trust store does not know the dev-certs CA.
    with _client(tls_server, ssl.create_default_context()) as client:
        with pytest.raises(openai.APIConnectionError):
            client.chat.completions.create(model=MODEL, messages=MESSAGES)


def test_mtls_with_client_certificate(mtls_server: Server, certs: Path) -> None:
    context = ssl.create_default_context(cafile=certs / "ca.pem")
    context.load_cert_chain(certs / "client.pem", certs / "client-key.pem")
    with _client(mtls_server, context) as client:
        _chat_and_stream(client)


def test_mtls_without_client_certificate_fails(mtls_server: Server, certs: Path) -> None:
    with _client(mtls_server, ssl.create_default_context(cafile=certs / "ca.pem")) as client:
        with pytest.raises(openai.APIConnectionError):
            client.with_options(timeout=10).chat.completions.create(model=MODEL, messages=MESSAGES)
