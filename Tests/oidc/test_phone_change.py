"""Changing the bound phone (docs/lifecycle.md): `cyberid wallet phone --new +E164` (and
`POST /wallet/v1/phone` + `/wallet/v1/phone/confirm`, wallet-authenticated) sends a one-time
code to the NEW number and rebinds it once confirmed. From then on a device replacement proves
the new phone, not the old one. The change is only reachable with the holder's wallet."""

from __future__ import annotations

import dataclasses
import json

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


def phone_change(deployment: Deployment, holder: BoundHolder, new: str, *extra: str):
    return deployment.cli("wallet", "phone", "--new", new, "--wallet", str(holder.wallet), *extra)


def history_events(deployment: Deployment, holder: BoundHolder) -> list[str]:
    result = deployment.cli("wallet", "history", "--json", "--wallet", str(holder.wallet))
    assert result.returncode == 0, result.stderr
    return [entry.get("event") for entry in json.loads(result.stdout)]


def test_a_new_phone_is_confirmed_by_code_and_then_proves_a_replacement(deployment):
    """The code goes to the new number only; after the change the old phone no longer proves a
    device replacement and the new one does; the history shows phone-changed."""
    pia = enroll_bound(deployment, "pia", birth_date=years_ago(33))
    outbox = Outbox(deployment.server.outbox_path)
    new = random_phone(deployment)
    before_old = outbox.count(pia.phone)
    result = phone_change(deployment, pia, new)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert outbox.count(new) == 1 and outbox.count(pia.phone) == before_old
    assert "phone-changed" in history_events(deployment, pia)

    refused, wallet = replace_device(deployment, pia)  # the old, no longer bound phone
    assert refused.returncode != 0 and "phone-mismatch" in refused.stderr, refused.stderr
    assert not wallet.exists()
    done, wallet = replace_device(deployment, dataclasses.replace(pia, phone=new))
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert wallet.is_file()


def test_a_wrong_code_changes_nothing_and_bad_input_is_refused(deployment):
    """A wrong code (given with --otp) is refused and the old phone stays bound; the same phone
    again is same-phone (409), a malformed number invalid-phone (400); without the wallet's
    signature the API answers 401."""
    quinn = enroll_bound(deployment, "quinn", birth_date=years_ago(41))
    new = random_phone(deployment)
    wrong = phone_change(deployment, quinn, new, "--otp", "000000")
    if wrong.returncode == 0:  # the one-in-a-million right guess
        return
    assert "wrong-code" in wrong.stderr or "session-locked" in wrong.stderr, wrong.stderr
    same = phone_change(deployment, quinn, quinn.phone)
    assert same.returncode != 0 and "same-phone" in same.stderr, same.stderr
    bad = phone_change(deployment, quinn, "0139")
    assert bad.returncode != 0 and "invalid-phone" in bad.stderr, bad.stderr
    # Still bound to the old phone: a replacement with it works.
    kept, wallet = replace_device(deployment, quinn)
    assert kept.returncode == 0, kept.stderr
    quinn = dataclasses.replace(quinn, wallet=wallet)

    api = WalletApi(deployment.server.base)
    unsigned = requests.post(deployment.server.base + "/wallet/v1/phone", json={"phone": new}, timeout=30)
    assert_problem(unsigned, "invalid-wallet-signature", statuses=(401,))
    # A phone-change session is not an enrollment session: the public API does not know it.
    start = requests.post(
        deployment.server.base + "/wallet/v1/phone", json={"phone": random_phone(deployment)},
        headers=api.api_auth(quinn, "POST", "/wallet/v1/phone"), timeout=30)
    assert start.status_code == 202, start.text
    session = start.json()["session_id"]
    public = requests.post(
        f"{deployment.server.base}/enrollment/v1/sessions/{session}/phone/confirm", json={"code": "123456"}, timeout=30)
    assert_problem(public, "session-not-found", statuses=(404,))
    assert_problem(
        requests.post(deployment.server.base + "/enrollment/v1/sessions", json={"purpose": "phone-change"}, timeout=30),
        "malformed-request", statuses=(400,))

