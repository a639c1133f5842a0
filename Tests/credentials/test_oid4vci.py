"""OID4VCI 1.0 spoken directly (pre-authorized code flow): the offer through the wallet API (a
wallet JWS made here with joserfc), /token, /credential/nonce and /credential with proof JWTs
made here; and the refusals: a reused pre-authorized code, a reused access token, a wrong nonce,
a wrong audience, a forged signature, a private key or a stale iat in a proof, two proofs with
one key, more proofs than the batch size, an OpenID Connect access token, a suspended person."""

from __future__ import annotations

import json
import time

import pytest
import requests
from joserfc import jws

from credentials_support import (
    BATCH_SIZE,
    CONFIGURATION_ID,
    PRE_AUTHORIZED_GRANT,
    PROOF_TYP,
    SdJwt,
    fetch_credentials,
    new_holder_key,
    oauth_error,
    proof_jwt,
    reference_verify,
    same_key,
    wallet_credentials,
)
from enrollment_support import years_ago
from oidc_support import RelyingParty, login


def test_offer_token_nonce_credential(deployment, alice, oid4vci, issuer_keys):
    issuer = deployment.issuer
    offer = oid4vci.offer(alice)
    assert offer["credential_issuer"] == issuer
    assert offer["credential_configuration_ids"] == [CONFIGURATION_ID]
    assert set(offer["grants"]) == {PRE_AUTHORIZED_GRANT}, offer
    code = oid4vci.code_of(offer)
    assert isinstance(code, str) and len(code) >= 16, offer

    response = oid4vci.token_response(code)
    assert response.status_code == 200, (response.status_code, response.text[:300])
    token = response.json()
    assert token["token_type"].lower() == "bearer" and token["expires_in"] == 300, token
    assert isinstance(token["access_token"], str) and token["access_token"], token
    assert "no-store" in response.headers.get("Cache-Control", ""), response.headers

    nonce_response = requests.post(issuer + "/credential/nonce", timeout=30)
    assert nonce_response.status_code == 200, nonce_response.text
    nonce = nonce_response.json()["c_nonce"]
    assert "no-store" in nonce_response.headers.get("Cache-Control", ""), "a nonce response is uncacheable"
    assert isinstance(nonce, str) and len(nonce) >= 16
    assert oid4vci.nonce() != nonce, "each nonce request gives a new nonce"

    keys = [new_holder_key() for _ in range(3)]
    answer = oid4vci.credential_response(token["access_token"], [proof_jwt(k, nonce, issuer) for k in keys])
    assert answer.status_code == 200, (answer.status_code, answer.text[:500])
    assert "no-store" in answer.headers.get("Cache-Control", ""), answer.headers
    credentials = [entry["credential"] for entry in answer.json()["credentials"]]
    assert len(credentials) == len(keys)
    for key, credential in zip(keys, credentials):
        reference_verify(credential, issuer_keys)
        assert same_key(SdJwt.parse(credential).payload["cnf"]["jwk"], key.as_dict(private=False)), "proof order"


def test_the_offer_needs_the_wallet_jws(deployment):
    response = requests.post(deployment.issuer + "/wallet/v1/credential-offer", json={}, timeout=30)
    assert response.status_code in (400, 401), (response.status_code, response.text[:300])


def test_a_pre_authorized_code_is_used_once(alice, oid4vci):
    code = oid4vci.code_of(oid4vci.offer(alice))
    assert oid4vci.token_response(code).status_code == 200
    assert oauth_error(oid4vci.token_response(code), 400) == "invalid_grant"
    assert oauth_error(oid4vci.token_response("not-a-code-" + code[:8]), 400) == "invalid_grant"


def test_an_access_token_is_used_once(deployment, alice, oid4vci):
    token = oid4vci.access_token(alice)
    first = oid4vci.credential_response(token, [proof_jwt(new_holder_key(), oid4vci.nonce(), deployment.issuer)])
    assert first.status_code == 200, first.text[:300]
    again = oid4vci.credential_response(token, [proof_jwt(new_holder_key(), oid4vci.nonce(), deployment.issuer)])
    assert oauth_error(again, 401) == "invalid_token"


def test_no_or_a_made_up_access_token(deployment, oid4vci):
    proof = [proof_jwt(new_holder_key(), oid4vci.nonce(), deployment.issuer)]
    for token in (None, "made-up-token"):
        response = oid4vci.credential_response(token, proof)
        assert oauth_error(response, 401) == "invalid_token"
        assert response.headers.get("WWW-Authenticate", "").startswith("Bearer"), response.headers  # RFC 6750 §3


@pytest.mark.parametrize("mistake", ["invalid_nonce", "invalid_proof"])
def test_a_refused_proof_does_not_use_up_the_access_token(deployment, alice, oid4vci, mistake):
    """docs/credentials.md §2: after a bad proof or nonce the wallet gets a new nonce and tries again."""
    token = oid4vci.access_token(alice)
    nonce = oid4vci.nonce()
    key = new_holder_key()
    bad = proof_jwt(key, "x" + nonce, deployment.issuer) if mistake == "invalid_nonce" else \
        proof_jwt(key, nonce, deployment.issuer, signer=new_holder_key())
    assert oauth_error(oid4vci.credential_response(token, [bad]), 400) == mistake
    again = oid4vci.credential_response(token, [proof_jwt(key, oid4vci.nonce(), deployment.issuer)])
    assert again.status_code == 200, (again.status_code, again.text[:300])


def refused(oid4vci, holder, proofs_of, *, configuration_id: str = CONFIGURATION_ID) -> requests.Response:
    """A credential request with a fresh access token and nonce, its proofs made by
    `proofs_of(nonce)`."""
    token = oid4vci.access_token(holder)
    return oid4vci.credential_response(token, proofs_of(oid4vci.nonce()), configuration_id)


def test_a_wrong_or_missing_nonce_is_invalid_nonce(deployment, alice, oid4vci):
    issuer = deployment.issuer
    wrong = refused(oid4vci, alice, lambda nonce: [proof_jwt(new_holder_key(), "x" + nonce, issuer)])
    assert oauth_error(wrong, 400) == "invalid_nonce"
    missing = refused(oid4vci, alice, lambda nonce: [proof_jwt(new_holder_key(), None, issuer)])
    assert oauth_error(missing, 400) in ("invalid_nonce", "invalid_proof")


@pytest.mark.parametrize(
    "case",
    ["wrong audience", "forged signature", "wrong typ", "one bad proof among good ones", "private key in the header",
     "iat three days old", "iat a day ahead"],
)
def test_a_bad_proof_is_invalid_proof(deployment, alice, oid4vci, case):
    issuer = deployment.issuer

    def proofs(nonce):
        key = new_holder_key()
        if case == "wrong audience":
            return [proof_jwt(key, nonce, issuer + "/credential")]
        if case == "forged signature":
            return [proof_jwt(key, nonce, issuer, signer=new_holder_key())]
        if case == "wrong typ":
            return [proof_jwt(key, nonce, issuer, typ="JWT")]
        if case == "private key in the header":  # it would end up in cnf.jwk
            header = {"typ": PROOF_TYP, "alg": "ES256", "jwk": key.as_dict(private=True)}
            payload = {"aud": issuer, "iat": int(time.time()), "nonce": nonce}
            return [jws.serialize_compact(header, json.dumps(payload).encode(), key, algorithms=["ES256"])]
        if case == "iat three days old":
            return [proof_jwt(key, nonce, issuer, iat=int(time.time()) - 3 * 86400)]
        if case == "iat a day ahead":
            return [proof_jwt(key, nonce, issuer, iat=int(time.time()) + 86400)]
        return [proof_jwt(new_holder_key(), nonce, issuer), proof_jwt(key, nonce, issuer, signer=new_holder_key())]

    assert oauth_error(refused(oid4vci, alice, proofs), 400) == "invalid_proof"


def test_two_proofs_with_the_same_key_are_refused(deployment, alice, oid4vci):
    key = new_holder_key()
    # Two proof JWTs (ES256 signatures differ) with one key in their headers.
    response = refused(oid4vci, alice, lambda nonce: [proof_jwt(key, nonce, deployment.issuer) for _ in range(2)])
    assert oauth_error(response, 400) in ("invalid_proof", "invalid_credential_request")


def test_more_proofs_than_the_batch_size_are_refused(deployment, alice, oid4vci):
    response = refused(
        oid4vci, alice, lambda nonce: [proof_jwt(new_holder_key(), nonce, deployment.issuer) for _ in range(BATCH_SIZE + 1)]
    )
    assert oauth_error(response, 400) in ("invalid_credential_request", "invalid_proof")


def test_no_proof_is_refused(deployment, alice, oid4vci):
    response = refused(oid4vci, alice, lambda nonce: [])
    assert oauth_error(response, 400) in ("invalid_credential_request", "invalid_proof")


def test_an_unknown_configuration_is_refused(deployment, alice, oid4vci):
    response = refused(
        oid4vci, alice, lambda nonce: [proof_jwt(new_holder_key(), nonce, deployment.issuer)], configuration_id="mdl"
    )
    assert oauth_error(response, 400) == "unknown_credential_configuration"


def test_tokens_of_the_two_protocols_are_not_interchangeable(deployment, alice, oid4vci):
    """An OpenID Connect access token (a relying party's) gets no credential; a credential access
    token reads no userinfo."""
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    oidc_token = login(deployment, rp, alice).token["access_token"]
    response = oid4vci.credential_response(oidc_token, [proof_jwt(new_holder_key(), oid4vci.nonce(), deployment.issuer)])
    assert oauth_error(response, 401) == "invalid_token"
    credential_token = oid4vci.access_token(alice)
    userinfo = requests.get(deployment.metadata["userinfo_endpoint"],
                            headers={"Authorization": f"Bearer {credential_token}"}, timeout=30)
    assert userinfo.status_code == 401, (userinfo.status_code, userinfo.text[:300])


def test_a_suspended_person_gets_no_credential(deployment, oid4vci):
    holder = deployment.enroll("vera", birth_date=years_ago(41))
    suspended = deployment.cli("admin", "person", "suspend", holder.network_number, "--reason", "test")
    assert suspended.returncode == 0, suspended.stderr
    result = fetch_credentials(deployment, holder, 1)
    assert result.returncode != 0 and result.stderr.strip(), (result.returncode, result.stdout, result.stderr)
    assert wallet_credentials(holder) == []
    assert oid4vci.offer_response(holder).status_code in (400, 403), "no offer for a suspended number"


@pytest.mark.parametrize("event", ["suspend", "revoke the certificate"])
def test_a_change_between_offer_and_credential_is_honoured(deployment, oid4vci, event):
    """The offer was made while all was well; the credential request comes after a suspension or
    a certificate revocation: no credential (OID4VCI's `credential_request_denied`)."""
    holder = deployment.enroll("pia", birth_date=years_ago(30))
    code = oid4vci.code_of(oid4vci.offer(holder))
    if event == "suspend":
        assert deployment.cli("admin", "person", "suspend", holder.network_number, "--reason", "test").returncode == 0
    else:
        [serial] = [c["serial"] for c in deployment.cli_json("admin", "certificate", "list", holder.network_number)]
        deployment.cli_json("admin", "certificate", "revoke", serial, "--reason", "test")
    token = oid4vci.token_response(code)
    if token.status_code != 200:  # refusing at the token endpoint is as good
        assert oauth_error(token) in ("invalid_grant", "access_denied"), token.text[:300]
        return
    response = oid4vci.credential_response(token.json()["access_token"],
                                           [proof_jwt(new_holder_key(), oid4vci.nonce(), deployment.issuer)])
    assert response.status_code in (400, 401, 403), (response.status_code, response.text[:300])
    assert "credentials" not in response.json()


def test_a_full_batch_is_issued(deployment, alice, oid4vci, issuer_keys):
    keys = [new_holder_key() for _ in range(BATCH_SIZE)]
    credentials = oid4vci.issue(alice, keys)
    assert len(credentials) == BATCH_SIZE
    for key, credential in zip(keys, credentials):
        assert same_key(SdJwt.parse(credential).payload["cnf"]["jwk"], key.as_dict(private=False))
