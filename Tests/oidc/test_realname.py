"""Real-name claims (docs/relying-parties.md §1, §3): only with a registered legal basis, only what
the person consents to in the wallet."""

from __future__ import annotations

import json

import pytest

from oidc_support import (
    REALNAME_CLAIMS,
    Browser,
    RelyingParty,
    WalletApi,
    assert_error_redirect,
    assert_unexpected_claims,
    assert_userinfo_matches,
    login,
    start_login,
    ticket_of,
    wallet_base,
)

LEGAL_BASIS = "Anti-Money-Laundering Act §12"
SCOPE = "openid realname network_number"


def legal_client(deployment, scopes=("openid", "realname", "network_number")):
    return deployment.create_client(legal_basis=LEGAL_BASIS, scopes=list(scopes))


def test_realname_and_network_number_with_legal_basis_and_consent(deployment, alice):
    client = legal_client(deployment)
    rp = RelyingParty(deployment, client, scope=SCOPE)

    auth, browser, page = start_login(deployment, rp)
    view = WalletApi(wallet_base(page.wallet_uri)).transaction(ticket_of(page.wallet_uri))
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["legal_basis"] == LEGAL_BASIS and body["client_name"] == client.name
    assert sorted(body["claims"]) == sorted([*REALNAME_CLAIMS, "network_number"])

    result = login(deployment, rp, alice)
    assert client.name in result.approve.stdout and LEGAL_BASIS in result.approve.stdout, result.approve.stdout
    claims = result.claims
    # The name as on the document: surname and given names, in whichever order and case.
    assert sorted(claims["name"].upper().split()) == sorted([alice.surname, alice.given_names]), claims["name"]
    assert claims["birthdate"] == alice.birth_date.isoformat()  # YYYY-MM-DD
    assert claims["network_number"] == alice.network_number
    assert "age_over_18" not in claims and "age_over_14" not in claims  # scope age was not asked for
    assert_unexpected_claims(claims, {*REALNAME_CLAIMS, "network_number"})
    info = assert_userinfo_matches(rp, result)
    assert info["network_number"] == alice.network_number and info["birthdate"] == alice.birth_date.isoformat()


@pytest.mark.parametrize(
    "declined",
    [("name", "birthdate", "network_number"), ("name", "birthdate"), ("network_number",)],
    ids=["all", "realname", "network-number"],
)
def test_declined_claims_are_absent(deployment, alice, declined):
    rp = RelyingParty(deployment, legal_client(deployment), scope=SCOPE)  # a new client: nothing remembered
    result = login(deployment, rp, alice, decline=declined)
    kept = {*REALNAME_CLAIMS, "network_number"} - set(declined)
    for claim in declined:
        assert claim not in result.claims, claim
    for claim in kept:
        assert claim in result.claims, claim
    assert result.claims["cyberid_verified"] is True  # the confirmation itself needs no consent
    info = assert_userinfo_matches(rp, result)
    assert not set(declined) & set(info)


def test_client_asks_only_for_registered_scopes(deployment, alice):
    """A legal-basis client registered for realname only may not ask for network_number."""
    client = legal_client(deployment, scopes=("openid", "realname"))
    rp = RelyingParty(deployment, client, scope=SCOPE)
    auth = rp.begin()
    assert_error_redirect(
        Browser().get(auth.url), redirect_uri=client.redirect_uri, error="invalid_scope", state=auth.state,
        issuer=deployment.issuer,
    )
    result = login(deployment, RelyingParty(deployment, client, scope="openid realname"), alice)
    assert "network_number" not in result.claims and result.claims["birthdate"] == alice.birth_date.isoformat()


@pytest.mark.parametrize("scope", ["openid realname", "openid network_number", "openid age realname"])
def test_client_without_legal_basis_gets_invalid_scope_before_any_wallet_step(deployment, scope):
    client = deployment.create_client()  # default scopes: openid age
    rp = RelyingParty(deployment, client, scope=scope)
    auth = rp.begin()
    response = Browser().get(auth.url)  # straight back to the platform: no login page, no QR code
    assert_error_redirect(
        response, redirect_uri=client.redirect_uri, error="invalid_scope", state=auth.state, issuer=deployment.issuer
    )


@pytest.mark.parametrize("scope", ["realname", "network_number"])
def test_registering_real_name_scopes_needs_a_legal_basis(deployment, scope):
    name = f"No legal basis {scope}"
    result = deployment.cli(*deployment.client_args(name=name, scopes=["openid", scope]))
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "legal" in result.stderr.lower(), result.stderr
    listed = deployment.cli_json("admin", "client", "list")
    assert isinstance(listed, list) and name not in json.dumps(listed)
