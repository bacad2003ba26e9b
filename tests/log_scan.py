"""No personal data in any log line, checked over the whole test suite.

Every log record of the run, from every logger at INFO and above, configured as the service
configures its logging (``ehoks.logsafe.configure_logging``), is captured — including those of
the browser tests' server thread and of background threads. After each test the records it
produced are scanned for person OIDs (``1.2.246.562.24.*``), e-mail addresses, and the demo
learners' names and identity codes; a hit fails that test at teardown, naming the logger and
the line. Records made outside any test
are scanned at the end of the session, which then fails. Every record also goes to a file
(``EHOKS_TEST_LOG_FILE`` or the run's temporary directory) for a look afterwards.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ehoks.logsafe import EMAIL, LOG_FORMAT, PERSON_OID, quiet_libraries

DEMO_ONR = Path(__file__).resolve().parents[1] / "src" / "ehoks" / "demo" / "data" / "onr"


def demo_identities() -> list[str]:
    """The demo learners' names (full and as "Last, First"), identity codes and OIDs."""
    found: set[str] = set()
    for path in sorted(DEMO_ONR.glob("*.json")):
        henkilo = json.loads(path.read_text(encoding="utf-8"))
        first, last = henkilo.get("etunimet", ""), henkilo.get("sukunimi", "")
        calling = henkilo.get("kutsumanimi") or first.split(" ")[0]
        found |= {f"{calling} {last}", f"{first} {last}", f"{last} {first}", f"{last}, {calling}"}
        found |= {henkilo.get("hetu") or "", henkilo.get("oidHenkilo") or ""}
    return sorted(value for value in found if len(value) > 3)


class Scanner:
    def __init__(self, identities: list[str]) -> None:
        words = "|".join(re.escape(value) for value in identities)
        self._names = re.compile(words) if words else None

    def findings(self, line: str) -> list[str]:
        hits = [m.group(0) for m in PERSON_OID.finditer(line)]
        hits += [m.group(0) for m in EMAIL.finditer(line)]
        if self._names is not None:
            hits += [m.group(0) for m in self._names.finditer(line)]
        return hits


class _Capture(logging.Handler):
    def __init__(self, path: Path) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(logging.Formatter(LOG_FORMAT))
        self.path = path
        self._file = path.open("a", encoding="utf-8")
        self._lock_lines = threading.Lock()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # a broken record must not break the test that logged it
            line = f"{record.levelname} {record.name} (unformattable record {record.msg!r})"
        with self._lock_lines:
            self.lines.append(line)
            if not self._file.closed:  # threads may still log after the session ended
                self._file.write(line + "\n")

    def take(self) -> list[str]:
        with self._lock_lines:
            lines, self.lines = self.lines, []
        return lines

    def close(self) -> None:
        with self._lock_lines:
            self._file.close()
        super().close()


_capture: _Capture | None = None
_scanner = Scanner(demo_identities())


def _log_path() -> Path:
    configured = os.environ.get("EHOKS_TEST_LOG_FILE")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if configured:
        return Path(f"{configured}.{worker}")
    return Path(tempfile.gettempdir()) / f"ehoks-test-log-{worker}-{os.getpid()}.log"


def pytest_configure(config: pytest.Config) -> None:
    global _capture
    _capture = _Capture(_log_path())
    root = logging.getLogger()
    root.addHandler(_capture)
    # As the service configures it (ehoks.asgi → logsafe.configure_logging).
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    quiet_libraries()


def _report(lines: list[str]) -> list[str]:
    problems = []
    for line in lines:
        hits = _scanner.findings(line)
        if hits:
            problems.append(f"{sorted(set(hits))} in: {line[:400]}")
    return problems


@pytest.fixture(autouse=True)
def _no_personal_data_in_the_logs() -> Iterator[None]:
    if _capture is not None:
        _capture.take()  # what came before belongs to no test (checked at session end)
    yield
    if _capture is None:
        return
    problems = _report(_capture.take())
    if problems:
        pytest.fail("personal data in the logs:\n" + "\n".join(problems), pytrace=False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _capture is None:
        return
    problems = _report(_capture.take())
    logging.getLogger().removeHandler(_capture)
    _capture.close()
    if problems:
        terminal = session.config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None:
            terminal.write_line("personal data in the logs outside any test:", red=True)
            for problem in problems:
                terminal.write_line(problem, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
