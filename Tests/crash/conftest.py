"""pytest fixtures of the crash suite (see README.md).

The helpers live in crash_support.py (and, underneath, Tests/oidc/oidc_support.py and
Tests/enrollment/enrollment_support.py); the test imports them from there, never
`from conftest import`.

* `snapshot_binary`: a copy of the binary taken once (it may be rebuilt during the run), put in
  CYBERID_BIN for the server and every CLI call;
* `backend`: "sqlite", or "postgres" on a fresh database of CYBERID_TEST_POSTGRES_URL (skipped
  when that is unset, failed when CYBERID_REQUIRE_POSTGRES=1); yields (name, data directory, the
  server's database environment, a `Database` reader for the store).

The summary line of each backend is printed at the end of the pytest output.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from crash_support import SUMMARIES, Database  # noqa: E402

PG_ADMIN_URL = os.environ.get("CYBERID_TEST_POSTGRES_URL")


def psql_binary() -> str:
    directory = os.environ.get("CYBERID_PG_BIN")
    return os.path.join(directory, "psql") if directory else "psql"


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path):
    if request.param == "sqlite":
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        yield "sqlite", data_dir, {}, Database("sqlite", sqlite_path=data_dir / "cyberid.sqlite")
        return
    if not PG_ADMIN_URL:
        if os.environ.get("CYBERID_REQUIRE_POSTGRES") == "1":
            pytest.fail("CYBERID_REQUIRE_POSTGRES=1 but CYBERID_TEST_POSTGRES_URL is not set")
        pytest.skip("CYBERID_TEST_POSTGRES_URL not set")
    match = re.match(r"postgres(?:ql)?://([^@/]+)@([^:/]+):(\d+)/", PG_ADMIN_URL)
    assert match, f"CYBERID_TEST_POSTGRES_URL not of the form postgres://user@host:port/db…: {PG_ADMIN_URL}"
    user, host, port = match.groups()
    name = "cyberid_crash_" + uuid.uuid4().hex[:12]
    admin = [psql_binary(), "-h", host, "-p", port, "-U", user, "-d", "postgres", "-X", "-q", "-c"]
    subprocess.run([*admin, f"CREATE DATABASE {name}"], check=True, capture_output=True)
    url = f"postgres://{user}@{host}:{port}/{name}?sslmode=disable"
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    try:
        yield "postgres", data_dir, {"CYBERID_DATABASE_URL": url}, Database("postgres", postgres_url=url)
    finally:
        subprocess.run([*admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)


def pytest_terminal_summary(terminalreporter):
    if SUMMARIES:
        terminalreporter.section("crash test")
        for line in SUMMARIES:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def snapshot_binary(tmp_path_factory):
    """A private copy of the binary for the whole run (it may be rebuilt meanwhile: a copy
    taken when it runs, and used for the server and every CLI call through CYBERID_BIN)."""
    from crash_support import snapshot_of_binary

    original = os.environ.get("CYBERID_BIN")
    copy = snapshot_of_binary(tmp_path_factory.mktemp("bin"))
    os.environ["CYBERID_BIN"] = str(copy)
    try:
        yield copy
    finally:
        if original is None:
            os.environ.pop("CYBERID_BIN", None)
        else:
            os.environ["CYBERID_BIN"] = original
