"""The audit log through the CLI (issue 5): administrative actions are recorded with their
reason; reading an identity record needs a legal basis, is audited and appears in the
person's history; `cyberid admin audit verify` detects an edited row and names it. (The same
tamper checks run on SQLite and PostgreSQL in the Swift suite, AuditLogTests.)"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest


@pytest.fixture(scope="module")
def fay(deployment):
    today = dt.date.today()
    return deployment.enroll("fay", birth_date=today.replace(year=today.year - 29))


def audit_lines(deployment) -> list[dict]:
    result = deployment.cli("admin", "audit", "list")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_reading_a_record_needs_a_legal_basis_and_is_seen_by_the_person(deployment, fay):
    assert deployment.cli("admin", "person", "record", fay.network_number).returncode == 2
    record = deployment.cli_json(
        "admin", "person", "record", fay.network_number, "--legal-basis", "Criminal Procedure Law art. 52, case 2026-17")
    assert record["surname"] == fay.surname and record["birth_date"] == fay.birth_date.isoformat()

    line = audit_lines(deployment)[-1]
    assert line["action"] == "record.read" and line["actor"] == "administrator"
    assert line["reason"] == "Criminal Procedure Law art. 52, case 2026-17"
    assert fay.surname not in json.dumps(audit_lines(deployment))  # no personal data in the log

    history = json.loads(deployment.cli("wallet", "history", "--json", "--wallet", str(fay.wallet)).stdout)
    accessed = [h for h in history if h["event"] == "record-accessed"]
    assert accessed and accessed[0]["detail"]["legal_basis"] == "Criminal Procedure Law art. 52, case 2026-17"


def test_audit_verify_names_an_edited_entry(deployment, fay):
    deployment.cli_json("admin", "person", "suspend", fay.network_number, "--reason", "audit test")
    deployment.cli_json("admin", "person", "resume", fay.network_number, "--reason", "audit test done")
    intact = deployment.cli("admin", "audit", "verify")
    assert intact.returncode == 0 and "intact" in intact.stdout, intact.stderr

    target = audit_lines(deployment)[-2]  # the suspension
    database = deployment.server.data_dir / "cyberid.sqlite"
    with sqlite3.connect(database, timeout=30) as connection:
        original = connection.execute("SELECT reason FROM audit_log WHERE seq = ?", (target["seq"],)).fetchone()[0]
        connection.execute("UPDATE audit_log SET reason = 'nothing happened' WHERE seq = ?", (target["seq"],))
    try:
        broken = deployment.cli("admin", "audit", "verify")
        assert broken.returncode == 1, broken.stdout
        assert f"entry {target['seq']}" in broken.stderr and "edited" in broken.stderr, broken.stderr
    finally:
        with sqlite3.connect(database, timeout=30) as connection:
            connection.execute("UPDATE audit_log SET reason = ? WHERE seq = ?", (original, target["seq"]))
    assert deployment.cli("admin", "audit", "verify").returncode == 0
