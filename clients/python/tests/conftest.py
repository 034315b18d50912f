"""Starts `amazon-chat serve --demo` (its embedded Bedrock emulator) for the live tests.

The binary comes from AMAZON_CHAT_BIN (default: <repo>/target/debug/amazon-chat). The server only
listens on loopback, gets no AWS credentials or config (no AWS_* variables; HOME and the working
directory, where it would look for a .env file, are a fresh temporary folder), no AMAZON_CHAT_* or
API_KEY* variables but the API_KEY it is given, no proxy variables (HTTP_PROXY, HTTPS_PROXY,
ALL_PROXY, NO_PROXY, in either case) and AWS_EC2_METADATA_DISABLED=true, and is killed after the
session.

For the TLS tests, `dev_certs` runs `amazon-chat dev-certs --out <tmp>` once, `tls_server` serves
TLS with its server certificate and `mtls_server` also requires a client certificate from its CA
(`--tls-client-ca ca.pem`); they start on first use, like `server`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from typing import IO
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest

from amazon_chat import Client, tls_credentials

REPO = Path(__file__).resolve().parents[3]
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
DROPPED_PREFIXES = ("AWS_", "AMAZON_CHAT_", "API_KEY")
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")  # dropped in any case


@dataclass(frozen=True)
class Server:
    target: str
    api_key: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    with _serve() as s:
        yield s


@dataclass(frozen=True)
class DevCerts:
    """What `amazon-chat dev-certs --out DIR` writes: a CA, a server and a client certificate."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


@pytest.fixture(scope="session")
def dev_certs(tmp_path_factory: pytest.TempPathFactory) -> DevCerts:
    out = tmp_path_factory.mktemp("dev-certs")
    done = subprocess.run(
        [str(_binary()), "dev-certs", "--out", str(out)],
        env=_server_env(str(out)), cwd=out, capture_output=True, timeout=60,
    )
    if done.returncode != 0:
        pytest.fail(f"amazon-chat dev-certs exited with {done.returncode}: {done.stderr.decode(errors='replace')}")
    return DevCerts(
        ca=out / "ca.pem",
        server_cert=out / "server.pem",
        server_key=out / "server-key.pem",
        client_cert=out / "client.pem",
        client_key=out / "client-key.pem",
    )


@pytest.fixture(scope="session")
def tls_server(dev_certs: DevCerts) -> Iterator[Server]:
    """A server terminating TLS with the dev-certs server certificate (no client certificate asked)."""
    args = ("--tls-cert", str(dev_certs.server_cert), "--tls-key", str(dev_certs.server_key))
    with _serve(args, tls_credentials(dev_certs.ca)) as s:
        yield s


@pytest.fixture(scope="session")
def mtls_server(dev_certs: DevCerts) -> Iterator[Server]:
    """A TLS server that requires a client certificate signed by the dev-certs CA (mTLS)."""
    args = (
        "--tls-cert", str(dev_certs.server_cert), "--tls-key", str(dev_certs.server_key),
        "--tls-client-ca", str(dev_certs.ca),
    )
    credentials = tls_credentials(dev_certs.ca, cert=dev_certs.client_cert, key=dev_certs.client_key)
    with _serve(args, credentials) as s:
        yield s


def _binary() -> Path:
    binary = Path(os.environ.get("AMAZON_CHAT_BIN", REPO / "target" / "debug" / "amazon-chat")).resolve()
    if not binary.is_file():
        pytest.fail(f"amazon-chat binary not found at {binary} (set AMAZON_CHAT_BIN)")
    return binary


def _server_env(home: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(DROPPED_PREFIXES) and k.upper() not in PROXY_VARIABLES
    }
    env.update(HOME=home, AWS_EC2_METADATA_DISABLED="true")
    return env


@contextlib.contextmanager
def _serve(
    extra_args: tuple[str, ...] = (), credentials: grpc.ChannelCredentials | None = None
) -> Iterator[Server]:
    """Runs `serve --demo` with `extra_args` until the block ends; ready once ListModels answers
    through a client with `credentials` (None: plaintext)."""
    binary = _binary()
    api_key = "test-" + secrets.token_hex(8)
    port = _free_port()
    with tempfile.TemporaryDirectory() as home:
        env = _server_env(home)
        env.update(API_KEY=api_key)
        log = open(Path(home) / "server.log", "w+b")
        proc = subprocess.Popen(
            [str(binary), "serve", "--demo", "--host", "127.0.0.1", "--port", str(port),
             "--api-key", api_key, *extra_args],
            env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT,
        )
        target = f"127.0.0.1:{port}"
        try:
            _wait_ready(proc, target, api_key, log, credentials)
            yield Server(target=target, api_key=api_key)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()


def _wait_ready(
    proc: subprocess.Popen[bytes],
    target: str,
    api_key: str,
    log: IO[bytes],
    credentials: grpc.ChannelCredentials | None,
) -> None:
    deadline = time.monotonic() + 60
    with Client(target, api_key=api_key, timeout=2, credentials=credentials) as client:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"amazon-chat exited with {proc.returncode}: {_tail(log)}")
            try:
                client.list_models()
                return
            except grpc.RpcError:
                if time.monotonic() > deadline:
                    pytest.fail(f"amazon-chat not ready on {target} after 60 s: {_tail(log)}")
                time.sleep(0.1)


def _tail(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-2000:]


@pytest.fixture()
def client(server: Server) -> Iterator[Client]:
    with Client(server.target, api_key=server.api_key, timeout=30) as c:
        yield c
