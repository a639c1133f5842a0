"""One person, one number across a passport and an ID card (the second review's open finding,
schema v27), through the binary: `cyberid dev document --id-card`, `wallet enroll`, and the
operator's `admin shared-personal-numbers` for two numbers enrolled before the index."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid

from oidc_support import DevDocument, enroll_bound


def _document(deployment, label, *, personal_number, given="FANG", card=False) -> DevDocument:
    import shutil

    directory = deployment.scratch / f"doc-{label}-{uuid.uuid4().hex[:6]}"
    directory.mkdir()
    for name in ("csca.pem", "csca-private-key.pem"):
        shutil.copy2(deployment.csca_dir / name, directory / name)
    birth = dt.date(1979, 11, 12)
    args = [
        "dev", "document", "--out", str(directory), "--surname", "WANG" + deployment._letters(4), "--given-names", given,
        "--birth-date", birth.isoformat(), "--document-number", ("C" if card else "P") + deployment._digits(8),
        "--personal-number", personal_number,
    ]
    result = deployment.cli(*(args + (["--id-card"] if card else [])))
    assert result.returncode == 0, (result.stdout, result.stderr)
    return DevDocument(directory, args[5], given, birth)


def test_a_card_with_the_passports_personal_number_enrolls_no_second_number(deployment):
    number = "PN" + deployment._digits(10)
    enroll_bound(deployment, "passport", document=_document(deployment, "passport", personal_number=number))
    card = _document(deployment, "card", personal_number=number, given="FANG LI", card=True)
    refused = deployment.cli(
        "wallet", "enroll", "--document", str(card.directory), "--phone", "+86139" + deployment._digits(8),
        "--server", deployment.server.base, "--wallet", str(deployment.scratch / f"w-{uuid.uuid4().hex[:6]}.json"))
    assert refused.returncode == 1 and "possible-duplicate" in refused.stderr, (refused.stdout, refused.stderr)


def test_the_operator_lists_numbers_enrolled_twice_before_the_index(deployment):
    number = "PN" + deployment._digits(10)
    first = enroll_bound(deployment, "first", document=_document(deployment, "first", personal_number=number))
    # As enrolled before schema v27: no national index yet.
    with sqlite3.connect(deployment.server.data_dir / "cyberid.sqlite", timeout=30) as connection:
        changed = connection.execute(
            "UPDATE persons SET national_index = NULL, index_version = 1 WHERE id = "
            "(SELECT person_id FROM network_numbers WHERE number = ? AND status = 'active')",
            (first.network_number.replace("-", ""),)).rowcount
    assert changed == 1
    second = enroll_bound(
        deployment, "second", document=_document(deployment, "second", personal_number=number, given="FANG LI", card=True))

    listed = deployment.cli("admin", "shared-personal-numbers")
    assert listed.returncode == 0, listed.stderr
    pairs = [set(line.split()) for line in listed.stdout.splitlines() if line.strip()]
    canonical = {first.network_number.replace("-", ""), second.network_number.replace("-", "")}
    assert any({p.replace("-", "") for p in pair} == canonical for pair in pairs), listed.stdout
    # Audited by internal ids only: neither number is in the chain.
    audit = deployment.cli("admin", "audit", "list")
    assert "person.shared-personal-number" in audit.stdout, audit.stdout[-2000:]
    assert first.network_number not in audit.stdout and second.network_number not in audit.stdout

    # The operator cancels the second number: nothing is listed any more.
    cancelled = deployment.cli("admin", "person", "cancel", second.network_number, "--reason", "enrolled twice")
    assert cancelled.returncode == 0, cancelled.stderr
    again = deployment.cli("admin", "shared-personal-numbers")
    assert again.returncode == 0 and again.stdout.strip() == "", again.stdout
