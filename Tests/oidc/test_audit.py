"""The audit log through the CLI (issue 5): administrative actions are recorded with their
reason; reading an identity record needs a legal basis, is audited and appears in the
person's history; `cyberid admin audit verify` detects an edited row and names it. (The same
tamper checks run on SQLite and PostgreSQL in the Swift suite, AuditLogTests.)"""

from __future__ import annotations

import base64
import json
import sqlite3

import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from joserfc.jwk import ECKey
from enrollment_support import years_ago


@pytest.fixture(scope="module")
def fay(deployment):
    return deployment.enroll("fay", birth_date=years_ago(29))


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
    assert line["action"] == "record.read" and line["actor"] == "ops-test"
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


def test_a_published_checkpoint_finds_a_truncated_log(deployment, fay, tmp_path):
    """Review finding 4: the newest signed checkpoint is public (GET /audit/checkpoint). Someone
    who deletes the newest entries together with their checkpoints leaves a chain that verifies;
    a checkpoint saved before shows the truncation (`admin audit verify --against FILE`)."""
    deployment.cli_json("admin", "person", "suspend", fay.network_number, "--reason", "checkpoint test")
    deployment.cli_json("admin", "person", "resume", fay.network_number, "--reason", "checkpoint test done")
    response = requests.get(deployment.issuer + "/audit/checkpoint", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json"), response.text
    checkpoint = response.json()
    assert set(checkpoint) == {"seq", "entry_hash", "kid", "signature", "signed_at"}, checkpoint
    assert checkpoint["seq"] == audit_lines(deployment)[-1]["seq"]
    # The signature verifies with the service's published key (an independent check, joserfc's JWK).
    jwk = next(k for k in requests.get(deployment.issuer + "/jwks.json", timeout=10).json()["keys"] if k["kid"] == checkpoint["kid"])
    key = ECKey.import_key(jwk).get_op_key("verify")
    raw = base64.urlsafe_b64decode(checkpoint["signature"] + "=" * (-len(checkpoint["signature"]) % 4))
    message = f"cyberid audit checkpoint v1\n{checkpoint['seq']}\n{checkpoint['entry_hash']}".encode()
    key.verify(encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")), message,
               ec.ECDSA(hashes.SHA256()))
    saved = tmp_path / "checkpoint.json"
    saved.write_text(response.text)
    assert deployment.cli("admin", "audit", "verify", "--against", str(saved)).returncode == 0

    database = deployment.server.data_dir / "cyberid.sqlite"
    with sqlite3.connect(database, timeout=30) as connection:
        connection.execute("DELETE FROM audit_log WHERE seq >= ?", (checkpoint["seq"] - 1,))
        connection.execute("DELETE FROM audit_checkpoints WHERE seq >= ?", (checkpoint["seq"] - 1,))
    alone = deployment.cli("admin", "audit", "verify")
    assert alone.returncode == 0, "the truncated chain is consistent on its own: " + alone.stderr
    against = deployment.cli("admin", "audit", "verify", "--against", str(saved))
    assert against.returncode == 1 and "truncated" in against.stderr, (against.stdout, against.stderr)


def test_every_change_names_its_operator(deployment, fay):
    """Review finding 11: an administrative change without an operator is refused before it is
    made (a usage error, exit 2); `--operator` (or CYBERID_OPERATOR) is what the audit log names."""
    before = len(audit_lines(deployment))
    env = {"CYBERID_OPERATOR": ""}
    refused = deployment.cli("admin", "person", "suspend", fay.network_number, "--reason", "x", env=env)
    assert refused.returncode == 2 and "--operator" in refused.stderr and "CYBERID_OPERATOR" in refused.stderr, refused.stderr
    assert len(audit_lines(deployment)) == before
    assert deployment.cli_json("admin", "person", "show", fay.network_number, env=env)["state"] == "active"
    deployment.cli_json("admin", "person", "suspend", fay.network_number, "--reason", "named", "--operator", "Li Wei")
    deployment.cli_json("admin", "person", "resume", fay.network_number, "--reason", "named")
    suspend, resume = audit_lines(deployment)[-2:]
    assert (suspend["actor"], suspend["action"]) == ("Li Wei", "person.suspend"), suspend
    assert (resume["actor"], resume["action"]) == ("ops-test", "person.resume"), resume
