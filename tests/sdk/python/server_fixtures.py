"""What both SDK suites' conftest.py files import (pytest finds fixtures and hooks by name in a
conftest's namespace): the session's `amazon-chat serve --demo`, and the server log's tail attached
to failures."""

from __future__ import annotations

from collections.abc import Generator, Iterator

import pytest

from launch_server import Server, amazon_chat


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    try:
        with amazon_chat() as s:
            yield s
    except RuntimeError as e:  # binary missing or server did not come up
        pytest.fail(str(e), pytrace=False)


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
