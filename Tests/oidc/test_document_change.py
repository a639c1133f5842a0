"""Review finding 5 through the binary: one person, one live number across their documents. A
renewed passport (another document number, no personal number) of an enrolled person is
`possible-duplicate`; the holder moves their number to it with `cyberid wallet document`."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid

from oidc_support import DevDocument, RelyingParty, enroll_bound, login, replace_device
from enrollment_support import years_ago


def passport(deployment, surname: str, given: str, birth: dt.date, number: str) -> DevDocument:
    directory = deployment.scratch / f"passport-{uuid.uuid4().hex[:6]}"
    directory.mkdir()
    for name in ("csca.pem", "csca-private-key.pem"):
        shutil.copy2(deployment.csca_dir / name, directory / name)
    result = deployment.cli(
        "dev", "document", "--out", str(directory), "--surname", surname, "--given-names", given,
        "--birth-date", birth.isoformat(), "--document-number", number)
    assert result.returncode == 0, result.stderr
    return DevDocument(directory, surname, given, birth)


def test_a_renewed_passport_is_a_possible_duplicate_and_takes_the_number_over(deployment):
    birth = years_ago(41)
    surname, given = "Q" + deployment._letters(7), "X" + deployment._letters(5)
    old = passport(deployment, surname, given, birth, "G" + deployment._digits(8))
    new = passport(deployment, surname, given, birth, "G" + deployment._digits(8))
    holder = enroll_bound(deployment, "renewal", document=old)

    # The same person enrolling again with the new passport: refused, with guidance.
    second = deployment.cli(
        "wallet", "enroll", "--document", str(new.directory), "--phone", "+86139" + deployment._digits(8),
        "--server", deployment.server.base, "--wallet", str(deployment.scratch / f"w-{uuid.uuid4().hex[:6]}.json"))
    assert second.returncode == 1 and "possible-duplicate" in second.stderr, (second.stdout, second.stderr)
    assert "cyberid wallet document" in second.stderr, second.stderr

    # The holder moves the number: the current wallet, the new chip, a code to the bound phone.
    moved = deployment.cli(
        "wallet", "document", "--document", str(new.directory), "--phone", holder.phone, "--wallet", str(holder.wallet),
        "--server", deployment.server.base)
    assert moved.returncode == 0, (moved.stdout, moved.stderr)
    assert holder.network_number in moved.stdout, moved.stdout
    assert login(deployment, RelyingParty(deployment, deployment.create_client()), holder).claims["cyberid_verified"]
    history = deployment.wallet_history(holder)
    assert any(line["event"] == "document-changed" for line in history), history

    # The old passport no longer identifies the holder; the new one does.
    result, _ = replace_device(deployment, holder, document=old.directory)
    assert result.returncode != 0 and "not-enrolled" in result.stderr, result.stderr
    result, _ = replace_device(deployment, holder, document=new.directory)
    assert result.returncode == 0, result.stderr
