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
from collections.abc import Iterator
from pathlib import Path

import pytest

LAUNCHER_DIR = str(Path(__file__).resolve().parent.parent / "python")
if LAUNCHER_DIR not in sys.path:
    sys.path.append(LAUNCHER_DIR)  # after this suite's own folder: only launch_server.py is wanted there

import anthropic  # noqa: E402

from launch_server import Server  # noqa: E402
from server_fixtures import pytest_runtest_makereport, server  # noqa: E402,F401 (found by name)

# The SDK reads ANTHROPIC_* variables (custom headers, base URL, credentials, profiles) from the
# environment; none of them may steer a test, so the clients see none.
for _name in [n for n in os.environ if n.upper().startswith("ANTHROPIC_")]:
    del os.environ[_name]



@pytest.fixture()
def client(server: Server) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(base_url=server.url, api_key=server.api_key, max_retries=0, timeout=30) as c:
        yield c
