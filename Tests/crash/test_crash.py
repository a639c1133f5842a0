"""Crash test (issue 13): enrollment and login load against `cyberid serve` on SQLite and on
PostgreSQL while the server is SIGKILLed at random moments (CYBERID_CRASH_KILLS, default 20)
and restarted on the same port, data directory and database each time.

After each restart: every enrollment the client saw acknowledged (the 201 of complete) is in
the store with its certificate `valid`; no network number is held by two persons; no person has
two active numbers; a spent confirmation code, a decided login's approval and an exchanged
authorization code are refused when replayed; `complete` repeated answers the same number and
certificate; `cyberid admin audit verify` passes. At the end, in addition: every certificate
verifies with `openssl verify` against /pki/root.pem + issuing.pem, every acknowledged wallet is
accepted by the wallet API, `cyberid admin person show` / `certificate list` agree, every
acknowledged `admin client create` is in the audit log. See README.md.
"""

from __future__ import annotations

import json

from crash_support import SUMMARIES, CrashServer, Settings, crash_run, summary_line


def test_acknowledged_work_survives_sigkill(snapshot_binary, backend, tmp_path):
    name, data_dir, database_env, database = backend
    settings = Settings.from_env()
    logs = tmp_path / "logs"
    logs.mkdir()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    server = CrashServer(data_dir, database_env, logs)
    try:
        figures = crash_run(name, server, database, scratch, settings)
    finally:
        server.stop()
    line = summary_line(figures)
    SUMMARIES.append(line)
    print(line)
    print(json.dumps(figures, indent=2, default=str))
    details = json.dumps(figures, indent=2, default=str)
    assert not figures["failures"], f"{line}\nserver logs: {logs}\n{details}"
    assert figures["kills"] >= settings.kills, details
    assert figures["acknowledged enrollments"] > 2 and figures["acknowledged logins"] > 0, details
