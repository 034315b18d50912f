"""Starts `amazon-chat serve --demo` (its embedded Bedrock emulator) on loopback for the OpenAI suites.

Isolation, as in clients/python/tests: the child gets no AWS_*, AMAZON_CHAT_* or API_KEY* variables
(so nothing can point it at AWS or change its keys) and no proxy variables (HTTP_PROXY, HTTPS_PROXY,
ALL_PROXY, NO_PROXY, in either case), AWS_EC2_METADATA_DISABLED=true, and a fresh temporary folder
as HOME and working directory (where it would look for a .env file). It listens on
127.0.0.1 with `--port 0` and we read the chosen port from its `amazon-chat listening on ...` line
(http://, or https:// when extra_args turn TLS on), so there is no free-port race. Killed on exit.

As a module: `with amazon_chat() as server: server.base_url, server.api_key`; more `serve` flags with
`amazon_chat(extra_args=(...))` (a `--bedrock-max-attempts` among them replaces the default 1);
TLS with `dev_certs(dir)` (runs `amazon-chat dev-certs --out dir`) and
`extra_args=("--tls-cert", dir/"server.pem", "--tls-key", dir/"server-key.pem")`.
As a script: `python launch_server.py -- CMD ARGS...` starts a server, runs CMD with AMAZON_CHAT_URL
(http://127.0.0.1:P), AMAZON_CHAT_OPENAI_BASE_URL (.../v1) and AMAZON_CHAT_API_KEY in its
environment, stops the server and exits with CMD's status. `{url}` and `{api_key}` in ARGS are
substituted too.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
# http://, or https:// for a server started with --tls-cert/--tls-key (then Server.url is https://).
READY = re.compile(rb"amazon-chat listening on (https?://127\.0\.0\.1:\d+)")
DROPPED_PREFIXES = ("AWS_", "AMAZON_CHAT_", "API_KEY")
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")  # dropped in any case
LAST_SERVER: "Server | None" = None  # the most recently started one, for failure reports


@dataclass(frozen=True)
class Server:
    url: str  # http://127.0.0.1:P (https:// with TLS)
    api_key: str
    log_path: Path

    @property
    def base_url(self) -> str:
        return self.url + "/v1"

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_bytes().decode(errors="replace")[-n:]
        except OSError:
            return ""


def binary() -> Path:
    path = Path(os.environ.get("AMAZON_CHAT_BIN") or REPO / "target" / "debug" / "amazon-chat").resolve()
    if not path.is_file():
        raise RuntimeError(f"amazon-chat binary not found at {path} (cargo build, or set AMAZON_CHAT_BIN)")
    return path


@contextlib.contextmanager
def amazon_chat(timeout: float = 60.0, extra_args: tuple[str, ...] = ()) -> Iterator[Server]:
    api_key = "test-" + secrets.token_hex(8)
    with tempfile.TemporaryDirectory(prefix="amazon-chat-openai-") as home:
        env = {k: v for k, v in os.environ.items() if not _dropped(k)}
        env.update(HOME=home, AWS_EC2_METADATA_DISABLED="true")
        log_path = Path(home) / "server.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [str(binary()), "serve", "--demo", "--host", "127.0.0.1", "--port", "0",
                 "--api-key", api_key, *server_args(extra_args)],
                env=env, cwd=home, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
                preexec_fn=_die_with_parent,
            )
            global LAST_SERVER
            previous = LAST_SERVER  # back when this one stops (a module's own server inside the session's)
            try:
                url = _wait_ready(proc, timeout, log_path)
                LAST_SERVER = Server(url=url, api_key=api_key, log_path=log_path)
                yield LAST_SERVER
            finally:
                LAST_SERVER = previous
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def dev_certs(out: Path) -> Path:
    """Runs `amazon-chat dev-certs --out out` (isolated like the server) and returns `out`, which then
    holds ca.pem, server.pem, server-key.pem, client.pem and client-key.pem."""
    env = {k: v for k, v in os.environ.items() if not _dropped(k)}
    env.update(HOME=str(out), AWS_EC2_METADATA_DISABLED="true")
    done = subprocess.run([str(binary()), "dev-certs", "--out", str(out)], env=env, cwd=out,
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"amazon-chat dev-certs exited with {done.returncode}:\n{done.stderr.decode(errors='replace')}")
    return out


def server_args(extra_args: tuple[str, ...] = ()) -> list[str]:
    """`--bedrock-max-attempts 1` (an error surfaces at once), then `extra_args`. The server rejects a
    flag given twice, so extra args that set the attempts (the retry tests) replace the default."""
    sets_attempts = any(a == "--bedrock-max-attempts" or a.startswith("--bedrock-max-attempts=") for a in extra_args)
    return [*([] if sets_attempts else ["--bedrock-max-attempts", "1"]), *extra_args]


def _dropped(name: str) -> bool:
    """True for the variables the server child must not inherit."""
    return name.startswith(DROPPED_PREFIXES) or name.upper() in PROXY_VARIABLES


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when we die, even by SIGKILL or an unhandled SIGTERM (Linux)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _wait_ready(proc: subprocess.Popen[bytes], timeout: float, log_path: Path) -> str:
    assert proc.stdout is not None
    found: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:  # keep draining stdout after the banner so the child never blocks
            if not found and (m := READY.search(line)):
                found.append(m.group(1).decode())

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + timeout
    while not found:
        if proc.poll() is not None:
            raise RuntimeError(f"amazon-chat exited with {proc.returncode}:\n{log_path.read_text(errors='replace')[-4000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"amazon-chat not ready after {timeout} s:\n{log_path.read_text(errors='replace')[-4000:]}")
        time.sleep(0.05)
    return found[0]


def main(argv: list[str]) -> int:
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print("usage: launch_server.py -- CMD [ARGS...]", file=sys.stderr)
        return 2
    with amazon_chat() as server:
        env = dict(os.environ, AMAZON_CHAT_URL=server.url, AMAZON_CHAT_OPENAI_BASE_URL=server.base_url,
                   AMAZON_CHAT_API_KEY=server.api_key)
        args = [a.replace("{url}", server.url).replace("{api_key}", server.api_key) for a in argv]
        code = subprocess.call(args, env=env)
        if code != 0:
            print(f"--- amazon-chat server log (tail) ---\n{server.log_tail()}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
