"""Suspend and resume (issue 5, first part): an administrator's and the holder's own, each with
a reason; login is refused while suspended and accepted after resume; forbidden transitions
are refused with a clear message; every change is in the holder's history."""

from __future__ import annotations

import dataclasses
import json

import pytest

from oidc_support import RelyingParty, WalletApi, approve_new_login, assert_problem, login, start_login
from enrollment_support import years_ago


@pytest.fixture(scope="module")
def dave(deployment):
    return deployment.enroll("dave", birth_date=years_ago(33))


def test_an_administrator_suspends_and_resumes(deployment, dave):
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    number = dave.network_number
    shown = deployment.cli_json("admin", "person", "show", number)
    assert shown["state"] == "active"
    assert deployment.cli_json("admin", "person", "suspend", number, "--reason", "court order 17")["state"] == "suspended"

    refused = approve_new_login(deployment, rp, dave)
    assert refused.returncode == 1 and "person-not-active" in refused.stderr, refused.stderr
    # The holder cannot lift an administrator's suspension.
    own = deployment.cli(
        "wallet", "lifecycle", "resume", "--reason", "please", "--document", str(dave.document_dir), "--wallet", str(dave.wallet))
    assert own.returncode == 1 and "actor-not-allowed" in own.stderr, own.stderr
    # A change without a reason is a usage error.
    assert deployment.cli("admin", "person", "resume", number).returncode == 2

    assert deployment.cli_json("admin", "person", "resume", number, "--reason", "order lifted")["state"] == "active"
    assert login(deployment, rp, dave).claims["cyberid_verified"] is True


def test_the_holder_suspends_and_resumes_their_own_number(deployment, dave):
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    suspended = deployment.cli("wallet", "lifecycle", "suspend", "--reason", "lost my phone", "--wallet", str(dave.wallet))
    assert suspended.returncode == 0 and "suspended" in suspended.stdout, suspended.stderr
    assert approve_new_login(deployment, rp, dave).returncode == 1
    # Forbidden: suspending twice.
    again = deployment.cli("admin", "person", "suspend", dave.network_number, "--reason", "twice")
    assert again.returncode == 1 and "cannot suspend" in again.stderr, again.stderr
    # Whoever holds only the phone cannot undo the suspension (the person may have made it from
    # the portal because the phone is lost), nor use the wallet for anything else meanwhile.
    api = WalletApi(deployment.issuer)
    assert_problem(api.lifecycle(dave, {"event": "resume", "reason": "thief with the phone"}), "document-required", statuses=(403,))
    unproved = deployment.cli("wallet", "lifecycle", "resume", "--reason", "found it", "--wallet", str(dave.wallet))
    assert unproved.returncode == 2 and "--document" in unproved.stderr, unproved.stderr
    assert_problem(api.signed_get(dave, "/wallet/v1/history"), "person-not-active", statuses=(403,))
    assert deployment.cli_json("admin", "person", "show", dave.network_number)["state"] == "suspended"
    resumed = deployment.cli(
        "wallet", "lifecycle", "resume", "--reason", "found it", "--document", str(dave.document_dir), "--wallet", str(dave.wallet))
    assert resumed.returncode == 0 and "active" in resumed.stdout, resumed.stderr
    assert approve_new_login(deployment, rp, dave).returncode == 0
    assert api.signed_get(dave, "/wallet/v1/history").status_code == 200
    # Forbidden: resuming an active number.
    twice = deployment.cli("admin", "person", "resume", dave.network_number, "--reason", "x")
    assert twice.returncode == 1 and "cannot resume" in twice.stderr


def test_state_changes_are_in_the_history(deployment, dave):
    result = deployment.cli("wallet", "history", "--json", "--wallet", str(dave.wallet))
    assert result.returncode == 0, result.stderr
    events = [(line["event"], line["detail"].get("actor"), line["detail"].get("reason")) for line in json.loads(result.stdout)]
    assert ("suspend", "administrator", "court order 17") in events
    assert ("resume", "administrator", "order lifted") in events
    assert ("suspend", "person", "lost my phone") in events
    assert ("resume", "person", "found it") in events


def test_a_reason_that_cannot_be_stored_or_shown_as_written_is_refused(deployment, dave):
    """The schemathesis run found it: a reason holding NUL answered 503 store-unavailable (the
    store refuses NUL) — a "try again" for a request that can never succeed. A reason is plain
    text: a NUL, a line break that would forge a line where the reason is shown, an escape or
    more than 500 characters is 400 invalid-reason, and nothing changes."""
    api = WalletApi(deployment.issuer)
    before = deployment.cli_json("admin", "person", "show", dave.network_number)
    for reason in ["lost\u0000phone", "lost phone\nresume: administrator", "\u001b[2Jlost", "a\u0085b", "x" * 501]:
        refused = api.lifecycle(dave, {"event": "suspend", "reason": reason})
        assert_problem(refused, "invalid-reason", statuses=(400,))
    # A cancel's reason is checked before the chip is asked for (no tap for a refused reason).
    cancel = api.lifecycle(dave, {"event": "cancel", "reason": "leaving\u2028for good"})
    assert_problem(cancel, "invalid-reason", statuses=(400,))
    after = deployment.cli_json("admin", "person", "show", dave.network_number)
    assert after["state"] == before["state"] == "active" and after["events"] == before["events"], after


def test_an_unknown_number_is_a_clear_error(deployment):
    result = deployment.cli("admin", "person", "show", "0000-0000-0000-0001-2")
    assert result.returncode == 1 and "no active network number" in result.stderr


def test_a_revoked_certificate_stops_logins_and_is_on_the_crl(deployment, tmp_path):
    import subprocess

    import requests
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    erin = deployment.enroll("erin", birth_date=years_ago(40))
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    assert approve_new_login(deployment, rp, erin).returncode == 0
    certificates = deployment.cli_json("admin", "certificate", "list", erin.network_number)
    assert len(certificates) == 1 and certificates[0]["status"] == "valid"
    serial = certificates[0]["serial"]
    assert int(serial, 16) == x509.load_der_x509_certificate(erin.certificate_der()).serial_number

    assert deployment.cli_json("admin", "certificate", "revoke", serial, "--reason", "key compromised")["status"] == "revoked"
    again = deployment.cli("admin", "certificate", "revoke", serial, "--reason", "twice")
    assert again.returncode == 1 and "already revoked" in again.stderr
    refused = approve_new_login(deployment, rp, erin)
    assert refused.returncode == 1 and "revoked" in refused.stderr, refused.stderr

    # The CRL: signed by the issuing CA, current, and listing the serial (checked by
    # cryptography and by OpenSSL, which then refuses the wallet's certificate).
    response = requests.get(deployment.issuer + "/pki/issuing.crl", timeout=10)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.content)
    issuing_pem = requests.get(deployment.issuer + "/pki/issuing.pem", timeout=10).content
    root_pem = requests.get(deployment.issuer + "/pki/root.pem", timeout=10).content
    issuing = x509.load_pem_x509_certificate(issuing_pem)
    assert crl.is_signature_valid(issuing.public_key())
    assert crl.issuer == issuing.subject
    assert crl.next_update_utc > crl.last_update_utc
    assert crl.get_revoked_certificate_by_serial_number(int(serial, 16)) is not None
    (tmp_path / "crl.pem").write_bytes(crl.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "issuing.pem").write_bytes(issuing_pem)
    (tmp_path / "root.pem").write_bytes(root_pem)
    (tmp_path / "wallet.pem").write_bytes(erin.file()["certificate_pem"].encode())
    checked = subprocess.run(
        ["openssl", "crl", "-in", str(tmp_path / "crl.pem"), "-CAfile", str(tmp_path / "issuing.pem"), "-noout"],
        capture_output=True, text=True,
    )
    assert checked.returncode == 0 and "verify OK" in (checked.stdout + checked.stderr), checked
    verified = subprocess.run(
        [
            "openssl", "verify", "-crl_check", "-CRLfile", str(tmp_path / "crl.pem"), "-CAfile", str(tmp_path / "root.pem"),
            "-untrusted", str(tmp_path / "issuing.pem"), str(tmp_path / "wallet.pem"),
        ],
        capture_output=True, text=True,
    )
    assert verified.returncode != 0 and "revoked" in (verified.stdout + verified.stderr), verified

    history = json.loads(deployment.cli("wallet", "history", "--json", "--wallet", str(erin.wallet)).stdout or "[]")
    # The wallet can no longer authenticate (its only certificate is revoked): history is refused.
    assert history == []


def test_the_holder_cancels_for_good(deployment):
    gus = deployment.enroll("gus", birth_date=years_ago(45))
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    unconfirmed = deployment.cli("wallet", "lifecycle", "cancel", "--reason", "leaving", "--wallet", str(gus.wallet))
    assert unconfirmed.returncode == 2 and "--yes" in unconfirmed.stderr
    # Review finding 6: one wallet signature is not enough to give a number up for good.
    unproved = deployment.cli("wallet", "lifecycle", "cancel", "--reason", "leaving", "--yes", "--wallet", str(gus.wallet))
    assert unproved.returncode == 2 and "--document" in unproved.stderr, unproved.stderr
    bare = WalletApi(deployment.issuer).lifecycle(gus, {"event": "cancel", "reason": "thief with the phone"})
    assert_problem(bare, "document-required", statuses=(403,))
    cancelled = deployment.cli(
        "wallet", "lifecycle", "cancel", "--reason", "leaving", "--yes", "--document", str(gus.document_dir),
        "--wallet", str(gus.wallet))
    assert cancelled.returncode == 0 and "cancelled" in cancelled.stdout, cancelled.stderr
    # Final: no login, no resume; administrators still see what happened to the retired number
    # (issue 15: it used to answer as if the number never existed).
    assert approve_new_login(deployment, rp, gus).returncode == 1
    assert deployment.cli(
        "wallet", "lifecycle", "resume", "--reason", "oops", "--document", str(gus.document_dir), "--wallet", str(gus.wallet)
    ).returncode == 1
    shown = deployment.cli_json("admin", "person", "show", gus.network_number)
    assert shown["state"] == "cancelled" and shown["number_status"] == "retired", shown
    assert shown["certificates"] and all(c["status"] == "revoked" for c in shown["certificates"]), shown
    assert shown["events"][-1]["event"] == "cancel" and shown["events"][-1]["reason"] == "leaving", shown


def _enrolled_with_a_copy(deployment, label: str, age: int, tmp_path):
    """An enrolled adult who has logged in once at a new platform, and a copy of their wallet file
    as it is before a renewal: (holder, platform, sub, copy)."""
    import shutil

    holder = deployment.enroll(label, birth_date=years_ago(age))
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    sub = login(deployment, rp, holder).claims["sub"]
    old_copy = tmp_path / "old-wallet.json"
    shutil.copy(holder.wallet, old_copy)
    return holder, rp, sub, old_copy


def test_renewal_keeps_the_number_and_retires_the_old_key(deployment, tmp_path):
    kim, rp, sub, old_copy = _enrolled_with_a_copy(deployment, "kim", 28, tmp_path)
    old_file = json.loads(old_copy.read_text())

    renewed = deployment.cli("wallet", "renew", "--wallet", str(kim.wallet))
    assert renewed.returncode == 0, renewed.stderr
    new_file = kim.file()
    assert new_file["network_number"] == old_file["network_number"]
    assert new_file["private_key_pem"] != old_file["private_key_pem"]
    assert new_file["certificate_pem"] != old_file["certificate_pem"]
    states = sorted(c["status"] for c in deployment.cli_json("admin", "certificate", "list", kim.network_number))
    assert states == ["revoked", "valid"]
    # The same person to the platform; the old key no longer logs in.
    assert login(deployment, rp, kim).claims["sub"] == sub
    auth, browser, page = start_login(deployment, rp)
    stale = deployment.wallet_approve(kim, page.wallet_uri, wallet=old_copy)
    assert stale.returncode == 1 and "revoked" in stale.stderr, stale.stderr


def _csr_pem(key) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    request = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wallet")])).sign(key, hashes.SHA256())
    return request.public_bytes(serialization.Encoding.PEM).decode()


def test_a_lost_renewal_answer_is_asked_for_again(deployment, tmp_path):
    """The review's finding: the service revoked the old certificate in the write that issued
    the new one, and the wallet held the new key in memory only; a lost answer left a revoked
    wallet. Here the renewal is made and its answer dropped (the wallet saved its new key
    first, as `wallet renew` does); `wallet renew` again gets the same certificate, and the
    wallet works. Whoever holds only the old key gets nothing."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    lena, rp, sub, old_copy = _enrolled_with_a_copy(deployment, "lena", 35, tmp_path)
    api = WalletApi(deployment.issuer)

    new_key = ec.generate_private_key(ec.SECP256R1())
    pending = new_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    first = api.signed_post(lena, "/wallet/v1/renewal", {"csr": _csr_pem(new_key)})
    assert first.status_code == 201, first.text
    issued = first.json()["certificate"]
    # The answer is lost; the wallet file has the old certificate and the pending key.
    saved = json.loads(lena.wallet.read_text())
    saved["pending_renewal_key_pem"] = pending
    lena.wallet.write_text(json.dumps(saved))
    stale = approve_new_login(deployment, rp, lena)
    assert stale.returncode == 1 and "revoked" in stale.stderr, stale.stderr

    # Whoever has only the old key: a CSR of their own key is refused, as on every other route.
    thief = ec.generate_private_key(ec.SECP256R1())
    assert_problem(
        api.signed_post(lena, "/wallet/v1/renewal", {"csr": _csr_pem(thief)}), "invalid-wallet-signature",
        statuses=(401,))
    assert_problem(api.signed_get(lena, "/wallet/v1/history"), "invalid-wallet-signature", statuses=(401,))

    again = deployment.cli("wallet", "renew", "--wallet", str(lena.wallet))
    assert again.returncode == 0, again.stderr
    renewed = lena.file()
    assert renewed["certificate_pem"].strip() == issued.strip()
    assert "pending_renewal_key_pem" not in renewed or renewed["pending_renewal_key_pem"] is None, renewed.keys()
    assert serialization.load_pem_private_key(renewed["private_key_pem"].encode(), None).public_key() == new_key.public_key()
    states = sorted(c["status"] for c in deployment.cli_json("admin", "certificate", "list", lena.network_number))
    assert states == ["revoked", "valid"], states
    assert login(deployment, rp, lena).claims["sub"] == sub

    # Once renewed again, the first renewal's key is history too: the old wallet gets nothing.
    assert deployment.cli("wallet", "renew", "--wallet", str(lena.wallet)).returncode == 0
    old = json.loads(old_copy.read_text())
    old["pending_renewal_key_pem"] = pending
    old_copy.write_text(json.dumps(old))
    late = deployment.cli("wallet", "renew", "--wallet", str(old_copy))
    assert late.returncode == 1 and "invalid-wallet-signature" in late.stderr, late.stderr


def test_wallet_renew_keeps_its_new_key_when_no_answer_comes(deployment):
    """`wallet renew` saves the new key before it asks: with the service unreachable the command
    fails (exit 1, "renewal not confirmed"), the wallet file holds the pending key, and the next
    `wallet renew` certifies that same key."""
    import socket

    from cryptography.hazmat.primitives import serialization

    mia = deployment.enroll("mia", birth_date=years_ago(52))
    original = json.loads(mia.wallet.read_text())
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]  # closed again when the block ends: nothing listens
    unreachable = dict(original, server=f"http://127.0.0.1:{dead}")
    mia.wallet.write_text(json.dumps(unreachable))
    lost = deployment.cli("wallet", "renew", "--wallet", str(mia.wallet))
    assert lost.returncode == 1 and "renewal not confirmed" in lost.stderr and "again" in lost.stderr, lost.stderr
    pending = json.loads(mia.wallet.read_text())["pending_renewal_key_pem"]
    assert json.loads(mia.wallet.read_text())["certificate_pem"] == original["certificate_pem"]

    saved = json.loads(mia.wallet.read_text())
    mia.wallet.write_text(json.dumps(dict(saved, server=original["server"])))
    again = deployment.cli("wallet", "renew", "--wallet", str(mia.wallet))
    assert again.returncode == 0, again.stderr
    renewed = mia.file()
    assert "pending_renewal_key_pem" not in renewed
    key = serialization.load_pem_private_key(renewed["private_key_pem"].encode(), None)
    assert key.public_key() == serialization.load_pem_private_key(pending.encode(), None).public_key()


def test_a_revoked_certificate_learns_nothing_from_a_renewal(deployment, tmp_path):
    """A revoked certificate may sign a renewal (to fetch a lost answer); whatever else is wrong
    with the request, and whatever the person's state, it gets one refusal: the holder of an
    old key cannot tell whether the number is suspended."""
    import shutil

    noor = deployment.enroll("noor", birth_date=years_ago(44))
    old_copy = tmp_path / "old-wallet.json"
    shutil.copy(noor.wallet, old_copy)
    assert deployment.cli("wallet", "renew", "--wallet", str(noor.wallet)).returncode == 0
    old = dataclasses.replace(noor, wallet=old_copy)
    api = WalletApi(deployment.issuer)

    def refusals():
        answers = [
            api.signed_post(old, "/wallet/v1/renewal", {"nothing": "here"}),
            api.signed_post(old, "/wallet/v1/renewal", {"csr": "not a CSR"}),
            api.signed_post(old, "/wallet/v1/renewal", {"csr": _csr_pem(ec.generate_private_key(ec.SECP256R1()))}),
        ]
        for answer in answers:
            assert_problem(answer, "invalid-wallet-signature", statuses=(401,))
        return [answer.json().get("detail") for answer in answers]

    from cryptography.hazmat.primitives.asymmetric import ec

    active = refusals()
    assert len(set(active)) == 1, active
    suspended = deployment.cli("wallet", "lifecycle", "suspend", "--reason", "lost it", "--wallet", str(noor.wallet))
    assert suspended.returncode == 0, suspended.stderr
    assert refusals() == active


def test_a_holder_cannot_undo_an_administrators_restriction(deployment):
    """The review's attack (issue 12, finding 1): restrict → the holder suspends → the holder
    resumes → active. The holder's suspension of a restricted number is refused, so the
    restriction stands; and while an administrator holds the number suspended, one wallet
    signature cannot cancel it (finding 6)."""
    erin = deployment.enroll("erin", birth_date=years_ago(41))
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    number = erin.network_number
    assert deployment.cli_json("admin", "person", "restrict", number, "--reason", "fraud check")["state"] == "restricted"

    suspend = deployment.cli("wallet", "lifecycle", "suspend", "--reason", "lost phone", "--wallet", str(erin.wallet))
    assert suspend.returncode == 1 and "actor-not-allowed" in suspend.stderr, suspend.stderr
    resume = deployment.cli(
        "wallet", "lifecycle", "resume", "--reason", "found it", "--document", str(erin.document_dir), "--wallet", str(erin.wallet))
    assert resume.returncode == 1, resume.stdout
    # Nor can the holder cancel and enroll the same document again, unrestricted (a review's finding).
    escape = deployment.cli(
        "wallet", "lifecycle", "cancel", "--reason", "start over", "--yes", "--document", str(erin.document_dir),
        "--wallet", str(erin.wallet))
    assert escape.returncode == 1 and "actor-not-allowed" in escape.stderr, (escape.stdout, escape.stderr)
    assert deployment.cli_json("admin", "person", "show", number)["state"] == "restricted"
    assert approve_new_login(deployment, rp, erin).returncode == 1

    assert deployment.cli_json("admin", "person", "suspend", number, "--reason", "escalated")["state"] == "suspended"
    cancel = deployment.cli(
        "wallet", "lifecycle", "cancel", "--reason", "bye", "--yes", "--document", str(erin.document_dir),
        "--wallet", str(erin.wallet))
    assert cancel.returncode == 1 and "actor-not-allowed" in cancel.stderr, cancel.stderr
    assert deployment.cli_json("admin", "person", "show", number)["state"] == "suspended"
