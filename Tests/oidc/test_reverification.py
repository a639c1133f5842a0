"""Platform-requested re-verification (issue 5): a platform flags its user by pairwise `sub`
(POST /rp/v1/reverifications with client authentication); that platform's logins are then
refused with the reason, which the wallet shows, until the person re-verifies (a fresh approval
acknowledging the request); the restriction then lifts itself. Other platforms are unaffected."""

from __future__ import annotations

import json

import pytest
import requests

from oidc_support import RelyingParty, approve_on_this_device, login, redirect_params, reverify, start_login
from enrollment_support import years_ago


@pytest.fixture(scope="module")
def hal(deployment):
    return deployment.enroll("hal", birth_date=years_ago(37))


def flag(deployment, client, body, auth=True):
    return requests.post(
        deployment.issuer + "/rp/v1/reverifications", data=body,
        auth=(client.client_id, client.client_secret) if auth else None, timeout=10,
    )


def test_a_flag_holds_logins_to_that_platform_until_the_person_reverifies(deployment, hal, bob):
    shop_client = deployment.create_client(sector="reverify-shop.example")
    other_client = deployment.create_client(sector="reverify-other.example")
    shop = RelyingParty(deployment, shop_client, scope="openid")
    other = RelyingParty(deployment, other_client, scope="openid")
    sub = login(deployment, shop, hal).claims["sub"]
    bob_sub_elsewhere = login(deployment, other, bob).claims["sub"]

    # Only the platform itself, with its own subjects, and with a reason.
    assert flag(deployment, shop_client, {"sub": sub, "reason": "x"}, auth=False).status_code == 401
    assert flag(deployment, shop_client, {"sub": bob_sub_elsewhere, "reason": "x"}).status_code == 404
    assert flag(deployment, shop_client, {"sub": sub}).status_code == 400
    # A reason that could not be stored (NUL: it answered 503 store-unavailable) or shown as
    # written (a forged line, an escape), or too long, is the platform's invalid_request.
    for reason in ["a\u0000b", "unusual\nre-verified: ok", "\u001b[31m", "x" * 501]:
        bad = flag(deployment, shop_client, {"sub": sub, "reason": reason})
        assert bad.status_code == 400 and bad.json()["error"] == "invalid_request", (reason, bad.status_code, bad.text)
    flagged = flag(deployment, shop_client, {"sub": sub, "reason": "unusual purchases"})
    assert flagged.status_code == 202, flagged.text

    # That platform's logins are refused with the reason, shown by the wallet…
    auth, browser, page = start_login(deployment, shop)
    refused = deployment.wallet_approve(hal, page.wallet_uri)
    assert refused.returncode == 1
    assert "reverification-required" in refused.stderr and "unusual purchases" in refused.stderr, refused.stderr
    assert browser.status(page) == "pending"  # the transaction stays open for the re-verification
    # …another platform's are not.
    assert login(deployment, other, hal).claims["cyberid_verified"] is True

    # Review finding 3: the acknowledgement alone is not a re-verification. Without the chip it
    # is refused, the login stays open and the refusal is in the history; another person's
    # document is refused too.
    bare = deployment.wallet_approve(hal, page.wallet_uri, options=("--reverify",))
    assert bare.returncode == 1 and "document-required" in bare.stderr and "--document" in bare.stderr, bare.stderr
    other_chip = deployment.wallet_approve(hal, page.wallet_uri, options=("--reverify", "--document", str(bob.document_dir)))
    assert other_chip.returncode == 1 and "document-mismatch" in other_chip.stderr, other_chip.stderr
    assert browser.status(page) == "pending"
    # The re-verification: the same login, re-proved with hal's own document chip.
    approve_on_this_device(deployment, browser, page, hal, options=reverify(hal))
    params = redirect_params(browser.continue_login(page), shop_client.redirect_uri)
    assert params.get("code"), params
    # Automatic review: the restriction is gone, the next login needs nothing special.
    assert login(deployment, shop, hal).claims["sub"] == sub

    history = json.loads(deployment.cli("wallet", "history", "--json", "--wallet", str(hal.wallet)).stdout)
    events = [(line["event"], line["outcome"]) for line in history if line.get("client_id") == shop_client.client_id]
    assert ("reverification-required", "success") in events
    assert ("reverification", "failure") in events
    refusals = [line["detail"].get("reason") for line in history if line["event"] == "reverification"]
    assert "document-required" in refusals and "document-mismatch" in refusals, refusals
    lifted = [line for line in history if line.get("client_id") == shop_client.client_id and "re-verified" in line["detail"].get("reason", "")]
    assert lifted, history
