"""The Python client over TLS and mTLS, with the certificates of `amazon-chat dev-certs` (see
conftest.py: `dev_certs`, `tls_server`, `mtls_server`)."""

from __future__ import annotations

import asyncio
import time

import grpc
import pytest

from amazon_chat import AsyncClient, Client, tls_credentials

from .conftest import MODEL, DevCerts, Server

PROMPT = "hello there"
ANSWER = "You said: hello there"


def test_tls_unary_and_streaming(tls_server: Server, dev_certs: DevCerts) -> None:
    # The CA as a path.
    credentials = tls_credentials(dev_certs.ca)
    with Client(tls_server.target, api_key=tls_server.api_key, timeout=30, credentials=credentials) as client:
        assert client.chat(MODEL, PROMPT) == ANSWER
        fragments = list(client.stream_chat(MODEL, PROMPT))
        assert len(fragments) >= 2
        assert "".join(fragments) == ANSWER


def test_tls_async_client(tls_server: Server, dev_certs: DevCerts) -> None:
    # The CA as PEM bytes.
    credentials = tls_credentials(dev_certs.ca.read_bytes())

    async def run() -> None:
        async with AsyncClient(
            tls_server.target, api_key=tls_server.api_key, timeout=30, credentials=credentials
        ) as client:
            assert await client.chat(MODEL, PROMPT) == ANSWER
            assert "".join([t async for t in client.stream_chat(MODEL, PROMPT)]) == ANSWER

    asyncio.run(run())


def test_tls_untrusted_server_fails(tls_server: Server) -> None:
    # The system's roots do not know the dev-certs CA.
    with Client(
        tls_server.target, api_key=tls_server.api_key, timeout=10, credentials=tls_credentials()
    ) as client:
        with pytest.raises(grpc.RpcError) as raised:
            client.chat(MODEL, PROMPT)
    assert isinstance(raised.value, grpc.Call)
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE


def test_mtls_with_client_certificate(mtls_server: Server, dev_certs: DevCerts) -> None:
    # PEM text for the certificate, a path for the key.
    credentials = tls_credentials(
        dev_certs.ca, cert=dev_certs.client_cert.read_text(), key=dev_certs.client_key
    )
    with Client(mtls_server.target, api_key=mtls_server.api_key, timeout=30, credentials=credentials) as client:
        assert client.chat(MODEL, PROMPT) == ANSWER
        assert "".join(client.stream_chat(MODEL, PROMPT)) == ANSWER


def test_mtls_without_client_certificate_fails(mtls_server: Server, dev_certs: DevCerts) -> None:
    started = time.monotonic()
    with Client(
        mtls_server.target, api_key=mtls_server.api_key, timeout=10, credentials=tls_credentials(dev_certs.ca)
    ) as client:
        with pytest.raises(grpc.RpcError) as raised:
            client.chat(MODEL, PROMPT)
    # Refused by the handshake, not left to time out.
    assert isinstance(raised.value, grpc.Call)
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE, raised.value
    assert time.monotonic() - started < 10


def test_tls_credentials_wants_cert_and_key_together(dev_certs: DevCerts) -> None:
    with pytest.raises(ValueError, match="both cert and key"):
        tls_credentials(dev_certs.ca, cert=dev_certs.client_cert)
    with pytest.raises(ValueError, match="cannot read"):
        tls_credentials(dev_certs.ca.parent / "missing.pem")
