"""Changing the bound phone (docs/lifecycle.md): `cyberid wallet phone --document DIR --phone NEW
--wallet CURRENT` proves the holder three ways — the current wallet signs the start, the
document's chip (passive + active authentication) must be the wallet holder's own, and a
one-time code goes to the NEW phone. The wallet file is rewritten with a new key and certificate
for the same number (the old certificate is revoked); later device replacements prove the new
phone. Without the wallet, or with someone else's document, nothing changes."""

from __future__ import annotations

import dataclasses

import requests

from enrollment_support import Outbox, years_ago
from oidc_support import (
    BoundHolder,
    Deployment,
    WalletApi,
    assert_problem,
    enroll_bound,
    random_phone,
    replace_device,
)


def phone_change(deployment: Deployment, holder: BoundHolder, new: str, *, document=None):
    return deployment.cli(
        "wallet", "phone", "--document", str(document or holder.document_dir), "--phone", new,
        "--wallet", str(holder.wallet), "--server", deployment.server.base)


def history_events(deployment: Deployment, holder: BoundHolder) -> list[str]:
    return [entry.get("event") for entry in deployment.wallet_history(holder)]


def certificate_pem(holder: BoundHolder) -> str:
    return holder.file()["certificate_pem"]


def test_a_new_phone_rebinds_the_number_and_then_proves_a_replacement(deployment):
    """The code goes to the new number only; the wallet gets a new certificate for the same
    number (the old one is revoked); the old phone then fails a device replacement and the new
    one proves it; the history shows phone-changed."""
    pia = enroll_bound(deployment, "pia", birth_date=years_ago(33))
    number, old_certificate = pia.network_number, certificate_pem(pia)
    outbox = Outbox(deployment.server.outbox_path)
    new = random_phone(deployment)
    before_old = outbox.count(pia.phone)
    result = phone_change(deployment, pia, new)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert outbox.count(new) == 1 and outbox.count(pia.phone) == before_old
    assert f"network number: {number}" in result.stdout
    assert certificate_pem(pia) != old_certificate
    statuses = sorted(c["status"] for c in deployment.cli_json("admin", "certificate", "list", number))
    assert statuses == ["revoked", "valid"], statuses
    assert "phone-changed" in history_events(deployment, pia)

    refused, wallet = replace_device(deployment, pia)  # the old, no longer bound phone
    assert refused.returncode != 0 and "phone-mismatch" in refused.stderr, refused.stderr
    assert not wallet.exists()
    done, wallet = replace_device(deployment, dataclasses.replace(pia, phone=new))
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert wallet.is_file()


def test_the_wallet_and_the_holders_own_document_are_both_needed(deployment):
    """Another person's document is document-mismatch (403); the same phone again is
    same-phone (409); a phone-change session cannot be started without the wallet's signature
    (400) or with a forged one (401); nothing changes meanwhile."""
    quinn = enroll_bound(deployment, "quinn", birth_date=years_ago(41))
    rhea = enroll_bound(deployment, "rhea", birth_date=years_ago(29))
    certificate = certificate_pem(quinn)

    foreign = phone_change(deployment, quinn, random_phone(deployment), document=rhea.document_dir)
    assert foreign.returncode != 0 and "document-mismatch" in foreign.stderr, foreign.stderr
    same = phone_change(deployment, quinn, quinn.phone)
    assert same.returncode != 0 and "same-phone" in same.stderr, same.stderr
    assert certificate_pem(quinn) == certificate

    sessions = deployment.server.base + "/enrollment/v1/sessions"
    assert_problem(requests.post(sessions, json={"purpose": "phone-change"}, timeout=30), "malformed-request", statuses=(400,))
    forged = WalletApi(deployment.server.base).api_auth(rhea, "POST", "/x")["Authorization"].split(" ", 1)[1]
    assert_problem(
        requests.post(sessions, json={"purpose": "phone-change", "wallet": forged}, timeout=30),
        "invalid-wallet-signature", statuses=(401,))
    assert_problem(
        requests.post(sessions, json={"purpose": "replace", "wallet": forged}, timeout=30),
        "malformed-request", statuses=(400,))
    # Still bound to the old phone: a replacement with it works.
    kept, _ = replace_device(deployment, quinn)
    assert kept.returncode == 0, kept.stderr


def test_a_suspended_number_cannot_change_its_phone(deployment):
    """A stolen device's holder suspends the number: the thief cannot move the phone."""
    sam = enroll_bound(deployment, "sam", birth_date=years_ago(52))
    suspended = deployment.cli("wallet", "lifecycle", "suspend", "--reason", "phone stolen", "--wallet", str(sam.wallet))
    assert suspended.returncode == 0, suspended.stderr
    result = phone_change(deployment, sam, random_phone(deployment))
    # The wallet signature of a holder who is not active is refused at the start.
    assert result.returncode != 0 and "not active" in result.stderr, result.stderr
    assert "invalid-wallet-signature" in result.stderr, result.stderr
