"""The code exchange's refusals, code reuse, and revocation (docs/relying-parties.md §2, RFC 7009)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import requests

from oidc_support import RelyingParty, login, start_approved_login


def approved_callback(deployment, rp, holder):
    """A login approved in the wallet; returns (auth request, the callback URL with the code)."""
    auth, browser, page = start_approved_login(deployment, rp, holder)
    response = browser.continue_login(page)
    assert response.status_code in (302, 303) and "code=" in response.headers["Location"], response.headers
    return auth, response.headers["Location"]


def test_wrong_code_verifier_is_invalid_grant(deployment, alice):
    rp = RelyingParty(deployment, deployment.create_client())
    auth, callback = approved_callback(deployment, rp, alice)
    status, body = rp.token_error(callback, auth, verifier=auth.verifier[:-4] + "AAAA")
    assert (status, body["error"]) == (400, "invalid_grant"), body


def test_code_of_another_client_is_refused(deployment, alice):
    owner = RelyingParty(deployment, deployment.create_client())
    thief = RelyingParty(deployment, deployment.create_client())
    auth, callback = approved_callback(deployment, owner, alice)
    status, body = thief.token_error(callback, auth)
    assert status == 400 and body["error"] == "invalid_grant", body


def test_token_redirect_uri_must_match_the_authorization_request(deployment, alice):
    client = deployment.create_client(redirect_uris=("http://127.0.0.1:9/cb", "http://127.0.0.1:9/cb2"))
    rp = RelyingParty(deployment, client)
    auth, callback = approved_callback(deployment, rp, alice)
    other = RelyingParty(deployment, dataclasses.replace(client, redirect_uri="http://127.0.0.1:9/cb2"))
    status, body = other.token_error(callback, auth)
    assert status == 400 and body["error"] == "invalid_grant", body


def test_only_authorization_code_grant(deployment):
    client = deployment.create_client()
    response = requests.post(
        deployment.metadata["token_endpoint"], data={"grant_type": "client_credentials", "scope": "openid"},
        auth=(client.client_id, client.client_secret), timeout=30,
    )
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type", response.text


def test_reused_code_is_invalid_grant_and_revokes_the_first_access_token(deployment, alice):
    rp = RelyingParty(deployment, deployment.create_client())
    first = login(deployment, rp, alice)
    assert rp.userinfo(first.token["access_token"]).status_code == 200
    status, body = rp.token_error(first.callback, first.auth)
    assert (status, body["error"]) == (400, "invalid_grant"), body
    # RFC 9700 §4.5: the access token issued from the reused code stops working.
    response = rp.userinfo(first.token["access_token"])
    assert response.status_code == 401, (response.status_code, response.text)


def test_revocation_ends_the_grant(deployment, alice):
    rp = RelyingParty(deployment, deployment.create_client())
    result = login(deployment, rp, alice)
    access_token = result.token["access_token"]
    assert rp.userinfo(access_token).status_code == 200
    response = rp.revoke(access_token)
    assert response.status_code == 200, (response.status_code, response.text)
    for method in ("GET", "POST"):
        assert rp.userinfo(access_token, method).status_code == 401
    # Revoking again, or a token the server never issued, is still 200 (RFC 7009 §2.2).
    assert rp.revoke(access_token).status_code == 200
    assert rp.revoke("not-a-token-this-server-issued").status_code == 200


def test_revocation_needs_client_authentication_and_the_right_client(deployment, alice):
    rp = RelyingParty(deployment, deployment.create_client())
    result = login(deployment, rp, alice)
    access_token = result.token["access_token"]
    anonymous = requests.post(deployment.metadata["revocation_endpoint"], data={"token": access_token}, timeout=30)
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "invalid_client", anonymous.text
    # Another client cannot revoke this client's token (RFC 7009 §2.1); the token keeps working.
    other = RelyingParty(deployment, deployment.create_client())
    other.revoke(access_token)
    assert rp.userinfo(access_token).status_code == 200


def test_userinfo_without_a_valid_token_is_401(deployment):
    for header in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic Zm9vOmJhcg=="}):
        response = requests.get(deployment.metadata["userinfo_endpoint"], headers=header, timeout=30)
        assert response.status_code == 401, (header, response.status_code)


def test_a_suspension_after_the_approval_stops_the_code_and_the_access_token(deployment):
    """Review finding 12: the code exchange and userinfo re-check the holder. A suspension
    between the wallet's approval and the code exchange leaves the code worthless; a suspension
    after it stops the access token at userinfo (401 invalid_token)."""
    holder = deployment.enroll("fritz", birth_date=dt.date(1980, 3, 3))
    rp = RelyingParty(deployment, deployment.create_client())
    auth, callback = approved_callback(deployment, rp, holder)
    deployment.cli_json("admin", "person", "suspend", holder.network_number, "--reason", "court order 18")
    status, body = rp.token_error(callback, auth)
    assert (status, body["error"]) == (400, "invalid_grant"), body
    deployment.cli_json("admin", "person", "resume", holder.network_number, "--reason", "lifted")

    done = login(deployment, rp, holder)
    assert rp.userinfo(done.token["access_token"]).status_code == 200
    deployment.cli_json("admin", "person", "suspend", holder.network_number, "--reason", "court order 19")
    response = rp.userinfo(done.token["access_token"])
    assert response.status_code == 401 and "invalid_token" in response.headers.get("WWW-Authenticate", ""), response.text
