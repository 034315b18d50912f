"""Starts `amazon-chat serve --demo` (its embedded Bedrock emulator) for the live tests.

The binary comes from AMAZON_CHAT_BIN (default: <repo>/target/debug/amazon-chat). The server only
listens on loopback, gets no AWS credentials or config (no AWS_* variables; HOME and the working
directory, where it would look for a .env file, are a fresh temporary folder), no AMAZON_CHAT_* or
API_KEY* variables but the API_KEY it is given, no proxy variables (HTTP_PROXY, HTTPS_PROXY,
ALL_PROXY, NO_PROXY, in either case) and AWS_EC2_METADATA_DISABLED=true, and is killed after the
session.
"""

from __future__ import annotations

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

from amazon_chat import Client

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
    binary = Path(os.environ.get("AMAZON_CHAT_BIN", REPO / "target" / "debug" / "amazon-chat")).resolve()
    if not binary.is_file():
        pytest.fail(f"amazon-chat binary not found at {binary} (set AMAZON_CHAT_BIN)")
    api_key = "test-" + secrets.token_hex(8)
    port = _free_port()
    with tempfile.TemporaryDirectory() as home:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(DROPPED_PREFIXES) and k.upper() not in PROXY_VARIABLES
        }
        env.update(HOME=home, AWS_EC2_METADATA_DISABLED="true", API_KEY=api_key)
        log = open(Path(home) / "server.log", "w+b")
        proc = subprocess.Popen(
            [str(binary), "serve", "--demo", "--host", "127.0.0.1", "--port", str(port),
             "--api-key", api_key],
            env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT,
        )
        target = f"127.0.0.1:{port}"
        try:
            _wait_ready(proc, target, api_key, log)
            yield Server(target=target, api_key=api_key)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()


def _wait_ready(proc: subprocess.Popen[bytes], target: str, api_key: str, log: IO[bytes]) -> None:
    deadline = time.monotonic() + 60
    with Client(target, api_key=api_key, timeout=2) as client:
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
