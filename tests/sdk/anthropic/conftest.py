"""Fixtures for the Anthropic-SDK suite: one `amazon-chat serve --demo` per session, started by the
OpenAI suite's launcher (`../python/launch_server.py`, the same isolation), and clients of the
official `anthropic` package pointed at it, changed in nothing but base_url and api_key
(max_retries=0 so an unexpected error surfaces at once instead of after the SDK's backoff).

The SDK appends `/v1/messages` to `base_url`, so it gets the server's root URL. Shared constants and
helpers live in `messages_helpers.py`, not here: this suite runs as its own pytest session
(`run.sh anthropic`), and a second module named `conftest` beside the OpenAI suite's would shadow it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

LAUNCHER_DIR = str(Path(__file__).resolve().parent.parent / "python")
if LAUNCHER_DIR not in sys.path:
    sys.path.append(LAUNCHER_DIR)  # after this suite's own folder: only launch_server.py is wanted there

import anthropic  # noqa: E402

from launch_server import Server, amazon_chat  # noqa: E402

# The SDK reads ANTHROPIC_* variables (custom headers, base URL, credentials, profiles) from the
# environment; none of them may steer a test, so the clients see none.
for _name in [n for n in os.environ if n.upper().startswith("ANTHROPIC_")]:
    del os.environ[_name]


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    try:
        with amazon_chat() as s:
            yield s
    except RuntimeError as e:  # binary missing or server did not come up
        pytest.fail(str(e), pytrace=False)


@pytest.fixture()
def client(server: Server) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(base_url=server.url, api_key=server.api_key, max_retries=0, timeout=30) as c:
        yield c


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the server log's tail to failures: it usually says why. The log of the servers among
    the test's fixtures (a module may start its own, with other flags), else the latest started."""
    report = yield
    if report.failed and report.when == "call":
        from launch_server import LAST_SERVER

        funcargs = getattr(item, "funcargs", {})
        servers = list({id(v): v for v in funcargs.values() if isinstance(v, Server)}.values())
        if not servers and LAST_SERVER is not None:
            servers = [LAST_SERVER]
        for s in servers:
            report.sections.append((f"amazon-chat server log (tail) {s.url}", s.log_tail(3000)))
    return report
