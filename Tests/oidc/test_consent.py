"""Remembered consent (docs/relying-parties.md §3–§4): per person, client and claim; the next
login that asks for the same claims needs no new consent; `prompt=consent` asks again; a claim
the person declines is absent; withdrawal with `cyberid wallet consents --withdraw` or
DELETE /wallet/v1/consents/{client_id}.

`cyberid wallet approve` consents to every claim asked for by default; `--no-consent` approves
without giving any new consent (the "needs no new consent" case); `--decline CLAIM` refuses a
claim explicitly.
"""

from __future__ import annotations

import pytest
import time

import requests

from oidc_support import AGE_CLAIMS, RelyingParty, login

BOTH = {"age_over_14": True, "age_over_18": True}


def ages(result) -> dict:
    return {claim: result.claims[claim] for claim in AGE_CLAIMS if claim in result.claims}


@pytest.mark.parametrize("withdraw_with", ["cli", "api"])
def test_consent_is_remembered_until_withdrawn(deployment, wallet_api, alice, withdraw_with):
    client = deployment.create_client()  # scopes openid age; nothing remembered yet
    rp = RelyingParty(deployment, client, scope="openid age")

    # No consent given and nothing remembered: only the confirmation.
    first = login(deployment, rp, alice, no_consent=True)
    assert ages(first) == {} and first.claims["cyberid_verified"] is True

    # Consent given once …
    assert ages(login(deployment, rp, alice)) == BOTH
    listed = wallet_api.consents(alice)
    assert listed.status_code == 200, listed.text
    assert client.client_id in listed.text

    # … is remembered: the next login needs no new consent.
    assert ages(login(deployment, rp, alice, no_consent=True)) == BOTH

    # prompt=consent asks again: without a new consent nothing is released.
    assert ages(login(deployment, rp, alice, no_consent=True, prompt="consent")) == {}

    # Withdrawal.
    if withdraw_with == "cli":
        result = deployment.wallet_withdraw(alice, client.client_id)
        assert result.returncode == 0, (result.stdout, result.stderr)
    else:
        response = wallet_api.withdraw(alice, client.client_id)
        assert 200 <= response.status_code < 300, (response.status_code, response.text)
    listed = wallet_api.consents(alice)
    assert listed.status_code == 200 and client.client_id not in listed.text, listed.text

    # After withdrawal the claims are released only after a new consent.
    assert ages(login(deployment, rp, alice, no_consent=True)) == {}
    assert ages(login(deployment, rp, alice)) == BOTH


def test_a_declined_claim_is_absent_even_if_consented_before(deployment, alice):
    """§3: "the person may decline a claim in the wallet, and then it is simply absent"."""
    rp = RelyingParty(deployment, deployment.create_client())
    assert ages(login(deployment, rp, alice)) == BOTH
    assert ages(login(deployment, rp, alice, decline=("age_over_14",))) == {"age_over_18": True}
    assert ages(login(deployment, rp, alice, decline=AGE_CLAIMS)) == {}


def test_consent_is_per_client(deployment, alice):
    first = RelyingParty(deployment, deployment.create_client())
    second = RelyingParty(deployment, deployment.create_client())
    assert ages(login(deployment, first, alice)) == BOTH
    # The consent given to the first platform says nothing about the second.
    assert ages(login(deployment, second, alice, no_consent=True)) == {}


def test_consent_is_per_person(deployment, alice, bob):
    rp = RelyingParty(deployment, deployment.create_client())
    assert ages(login(deployment, rp, alice)) == BOTH
    assert ages(login(deployment, rp, bob, no_consent=True)) == {}


def test_consent_is_per_claim(deployment, alice):
    rp = RelyingParty(deployment, deployment.create_client())
    assert ages(login(deployment, rp, alice, decline=("age_over_14",))) == {"age_over_18": True}
    # Only age_over_18 was consented to, so only it is remembered.
    assert ages(login(deployment, rp, alice, no_consent=True)) == {"age_over_18": True}


def test_consents_api_needs_the_wallet(deployment, wallet_api, alice):
    anonymous = requests.get(deployment.issuer + "/wallet/v1/consents", timeout=30)
    assert anonymous.status_code in (400, 401), anonymous.status_code
    # A wallet-API JWS is bound to its method and path (htm/htu).
    headers = wallet_api.api_auth(alice, "GET", "/wallet/v1/consents")
    moved = requests.delete(deployment.issuer + "/wallet/v1/consents/c_someone", headers=headers, timeout=30)
    assert moved.status_code in (400, 401), moved.status_code


def test_a_wallet_request_is_accepted_once_and_not_from_the_future(deployment, wallet_api, alice):
    """Review finding 6: a captured wallet-API header cannot be replayed (single-use jti), a
    request without a jti is refused, and one dated more than 30 s ahead is not fresh."""
    path = "/wallet/v1/consents"
    headers = wallet_api.api_auth(alice, "GET", path)
    assert requests.get(deployment.issuer + path, headers=headers, timeout=30).status_code == 200
    replayed = requests.get(deployment.issuer + path, headers=headers, timeout=30)
    assert replayed.status_code == 401 and replayed.json()["type"].endswith("invalid-wallet-signature"), replayed.text
    without = requests.get(deployment.issuer + path, headers=wallet_api.api_auth(alice, "GET", path, jti=None), timeout=30)
    assert without.status_code == 401, without.text
    ahead = wallet_api.api_auth(alice, "GET", path, iat=int(time.time()) + 120)
    assert requests.get(deployment.issuer + path, headers=ahead, timeout=30).status_code == 401
    slightly = wallet_api.api_auth(alice, "GET", path, iat=int(time.time()) + 10)
    assert requests.get(deployment.issuer + path, headers=slightly, timeout=30).status_code == 200
