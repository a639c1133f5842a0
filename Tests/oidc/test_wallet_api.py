"""The wallet API (docs/relying-parties.md §5), spoken directly with approvals signed here by
joserfc from the wallet file's key and certificate: replay, cross-transaction use, forged and
tampered approvals, a suspended person, partial consent."""

from __future__ import annotations

import hashlib
import json
import time
from urllib.parse import urlencode

import pytest

from enrollment_support import years_ago
from oidc_support import (
    AGE_CLAIMS,
    RelyingParty,
    WalletApi,
    assert_error_redirect,
    assert_problem,
    b64url,
    b64url_decode,
    finish_login,
    make_client_key,
    return_url_of,
    self_made_credentials,
    sign_wallet_jws,
    start_deployment,
    start_login,
    ticket_of,
    wallet_uri_query,
)

# The contract names the problem, not its status, for a bad wallet signature.
BAD_SIGNATURE_STATUSES = {400, 401}


def open_transaction(deployment, wallet_api, rp):
    auth, browser, page = start_login(deployment, rp)
    ticket = ticket_of(page.wallet_uri)
    view = wallet_api.transaction(ticket)
    assert view.status_code == 200, view.text
    return auth, browser, page, ticket, view.json()


def finish(deployment, rp, auth, browser, page) -> dict:
    """Status approved → continue (with the same-device response code in `page.return_url`) →
    code → verified ID token claims."""
    assert browser.wait_decided(page) == "approved"
    return finish_login(deployment, rp, auth, browser, page)[3]


def test_approval_is_single_use(deployment, wallet_api, alice):
    rp = RelyingParty(deployment, deployment.create_client())
    auth, browser, page, ticket, transaction = open_transaction(deployment, wallet_api, rp)
    approval = wallet_api.approval(alice, transaction)
    first = wallet_api.post_decision(ticket, approval)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "approved"
    assert sorted(first.json()["released"]) == sorted(AGE_CLAIMS)
    page.return_url = return_url_of(page, first)

    replayed = wallet_api.post_decision(ticket, approval)
    assert_problem(replayed, "login-already-decided", {409})
    fresh = wallet_api.post_decision(ticket, wallet_api.approval(alice, transaction, iat=int(time.time()) + 1))
    assert_problem(fresh, "login-already-decided", {409})  # "replayed or not"
    denial = wallet_api.post_decision(ticket, wallet_api.approval(alice, transaction, decision="deny"))
    assert_problem(denial, "login-already-decided", {409})
    cli = deployment.wallet_approve(alice, page.wallet_uri)
    assert cli.returncode == 1 and cli.stderr.startswith("cyberid:") and "login-already-decided" in cli.stderr, cli.stderr

    claims = finish(deployment, rp, auth, browser, page)
    assert claims["age_over_18"] is True


def test_approval_for_one_transaction_does_not_work_for_another(deployment, wallet_api, alice):
    rp = RelyingParty(deployment, deployment.create_client())
    a = open_transaction(deployment, wallet_api, rp)
    b = open_transaction(deployment, wallet_api, rp)
    approval_for_a = wallet_api.approval(alice, a[4])
    crossed = wallet_api.post_decision(b[3], approval_for_a)
    assert_problem(crossed, "invalid-wallet-signature", BAD_SIGNATURE_STATUSES)
    assert b[1].status(b[2]) == "pending" and a[1].status(a[2]) == "pending"
    # Both transactions are still open to their own approvals.
    a[2].return_url = return_url_of(a[2], wallet_api.post_decision(a[3], approval_for_a))
    b[2].return_url = return_url_of(b[2], wallet_api.post_decision(b[3], wallet_api.approval(alice, b[4])))
    finish(deployment, rp, a[0], a[1], a[2])
    finish(deployment, rp, b[0], b[1], b[2])


def _forged(wallet_api, holder, transaction, kind: str) -> str:
    if kind == "self-made-certificate":
        key, certificate = self_made_credentials(holder.network_number)
        return sign_wallet_jws(key, certificate, wallet_api.approval_payload(transaction))
    if kind == "other-key":  # CyberID's certificate, someone else's key
        return sign_wallet_jws(make_client_key("ES256"), holder.certificate_der(), wallet_api.approval_payload(transaction))
    if kind == "no-x5c":
        return sign_wallet_jws(holder.key(), holder.certificate_der(), wallet_api.approval_payload(transaction), {"x5c": None})
    if kind == "wrong-typ":
        return sign_wallet_jws(holder.key(), holder.certificate_der(), wallet_api.approval_payload(transaction), {"typ": "JWT"})
    changes = {
        "wrong-aud": {"aud": "https://id.elsewhere.example"},
        "enrollment-aud": {"aud": wallet_api.issuer + "/enrollment"},
        "wrong-purpose": {"purpose": "guardian-approval"},
        "wrong-sid": {"sid": "not-this-transaction"},
        "wrong-nonce": {"nonce": "not-this-nonce"},
        "stale-iat": {"iat": int(time.time()) - 600},
        "future-iat": {"iat": int(time.time()) + 600},
    }[kind]
    return wallet_api.approval(holder, transaction, **changes)


@pytest.mark.parametrize(
    "kind",
    [
        "self-made-certificate", "other-key", "no-x5c", "wrong-typ", "wrong-aud", "enrollment-aud",
        "wrong-purpose", "wrong-sid", "wrong-nonce", "stale-iat", "future-iat",
    ],
)
def test_forged_or_tampered_approval_is_refused_and_harmless(deployment, wallet_api, alice, kind):
    rp = RelyingParty(deployment, deployment.create_client())
    auth, browser, page, ticket, transaction = open_transaction(deployment, wallet_api, rp)
    response = wallet_api.post_decision(ticket, _forged(wallet_api, alice, transaction, kind))
    assert_problem(response, "invalid-wallet-signature", BAD_SIGNATURE_STATUSES)
    assert browser.status(page) == "pending"
    # The refusal did not decide the transaction: the real wallet still can.
    approve = deployment.wallet_approve(alice, page.wallet_uri)
    assert approve.returncode == 0, (approve.stdout, approve.stderr)
    page.return_url = approve.return_url
    finish(deployment, rp, auth, browser, page)


def test_the_same_device_link_carries_the_view_and_an_approval_signs_it(deployment, wallet_api, alice):
    """§4a, §5: the link's `v` is the fetch's answer, byte for byte, so a wallet need not fetch;
    its approval signs the view's SHA-256 (`view`). A view the service did not make — another
    platform's name, as an app that opened the wallet with its own `v` would show — is refused
    (409 `login-view-mismatch`) and decides nothing."""
    rp = RelyingParty(deployment, deployment.create_client())
    auth, browser, page = start_login(deployment, rp)
    query = wallet_uri_query(page.wallet_uri, deployment.issuer, {"iss", "t", "r", "v"})
    carried = b64url_decode(query["v"])
    fetched = wallet_api.transaction(query["t"])
    assert fetched.status_code == 200, fetched.text
    assert fetched.content == carried
    view = json.loads(carried)
    assert view["device"] == "same-device" and "scan" not in view and "match_choices" not in view

    forged = json.dumps(dict(view, client_name="Your Bank"), sort_keys=True, separators=(",", ":")).encode()
    refused = wallet_api.post_decision(
        query["t"], wallet_api.approval(alice, view, view=b64url(hashlib.sha256(forged).digest())), request=query["r"])
    assert_problem(refused, "login-view-mismatch", {409})
    assert browser.status(page) == "pending"

    approved = wallet_api.post_decision(
        query["t"], wallet_api.approval(alice, view, view=b64url(hashlib.sha256(carried).digest())), request=query["r"])
    assert approved.status_code == 200, approved.text
    page.return_url = return_url_of(page, approved)
    claims = finish(deployment, rp, auth, browser, page)
    assert claims["aud"] == rp.client.client_id


def test_a_link_without_its_view_is_fetched(deployment, alice):
    """A page of a service before the link carried `v`: the CLI wallet fetches the view, signs the
    digest of the fetched bytes, and the service finds them its own."""
    rp = RelyingParty(deployment, deployment.create_client())
    auth, browser, page = start_login(deployment, rp)
    query = wallet_uri_query(page.wallet_uri, deployment.issuer, {"iss", "t", "r", "v"})
    page.wallet_uri = "cyberid://login?" + urlencode({k: query[k] for k in ("iss", "t", "r")})
    approve = deployment.wallet_approve(alice, page.wallet_uri)
    assert approve.returncode == 0, (approve.stdout, approve.stderr)
    page.return_url = approve.return_url
    assert finish(deployment, rp, auth, browser, page)["aud"] == rp.client.client_id


def test_the_cli_wallet_refuses_a_link_whose_view_the_service_did_not_make(deployment, alice):
    """The attack through the CLI wallet: a real login's link with a forged `v` (another
    platform's name). The service refuses the approval (409 `login-view-mismatch`); the CLI
    says so with its hint and exits 1; the login stays open for the page's own link."""
    rp = RelyingParty(deployment, deployment.create_client())
    auth, browser, page = start_login(deployment, rp)
    query = wallet_uri_query(page.wallet_uri, deployment.issuer, {"iss", "t", "r", "v"})
    forged = json.dumps(dict(json.loads(b64url_decode(query["v"])), client_name="Your Bank"), separators=(",", ":"))
    link = "cyberid://login?" + urlencode(dict(query, v=b64url(forged.encode())))
    refused = deployment.wallet_approve(alice, link)
    assert refused.returncode == 1, (refused.stdout, refused.stderr)
    assert "Your Bank" in refused.stdout  # what the wallet showed
    assert "login refused" in refused.stderr and "do not trust it" in refused.stderr, refused.stderr
    assert browser.status(page) == "pending"
    approve = deployment.wallet_approve(alice, page.wallet_uri)
    assert approve.returncode == 0, (approve.stdout, approve.stderr)
    page.return_url = approve.return_url
    assert finish(deployment, rp, auth, browser, page)["aud"] == rp.client.client_id


def test_a_service_that_requires_the_view_refuses_an_approval_without_it(tmp_path_factory):
    """§4a: with CYBERID_REQUIRE_LOGIN_VIEW=true a same-device approval that signs no `view` (a
    wallet from before the view in the link) is 400 `login-view-required` and decides nothing;
    the CLI wallet, which signs the view, then logs the person in. A server of its own."""
    servers = start_deployment(tmp_path_factory, CYBERID_REQUIRE_LOGIN_VIEW="true")
    deployment = next(servers)
    try:
        vera = deployment.enroll("vera", birth_date=years_ago(35))
        wallet_api = WalletApi(deployment.issuer)
        rp = RelyingParty(deployment, deployment.create_client())
        auth, browser, page = start_login(deployment, rp)
        query = wallet_uri_query(page.wallet_uri, deployment.issuer, {"iss", "t", "r", "v"})
        view = json.loads(b64url_decode(query["v"]))
        refused = wallet_api.post_decision(query["t"], wallet_api.approval(vera, view), request=query["r"])
        assert_problem(refused, "login-view-required", {400})
        assert browser.status(page) == "pending"
        approve = deployment.wallet_approve(vera, page.wallet_uri)
        assert approve.returncode == 0, (approve.stdout, approve.stderr)
        page.return_url = approve.return_url
        assert finish(deployment, rp, auth, browser, page)["aud"] == rp.client.client_id
    finally:
        servers.close()


def test_invalid_ticket(deployment, wallet_api, alice):
    assert_problem(wallet_api.transaction("not-a-ticket"), "invalid-login-ticket", {400})
    rp = RelyingParty(deployment, deployment.create_client())
    _, _, _, ticket, transaction = open_transaction(deployment, wallet_api, rp)
    tampered = ticket[:-2] + ("AA" if not ticket.endswith("AA") else "BB")
    assert_problem(wallet_api.transaction(tampered), "invalid-login-ticket", {400})
    assert_problem(wallet_api.post_decision(tampered, wallet_api.approval(alice, transaction)), "invalid-login-ticket", {400})


def test_suspended_person_cannot_approve(deployment, wallet_api, carol):
    client = deployment.create_client()
    rp = RelyingParty(deployment, client)
    auth, browser, page, ticket, transaction = open_transaction(deployment, wallet_api, rp)
    # The person lifecycle CLI (suspend / restore) comes in a later issue: until then the suite
    # sets persons.state in the server's SQLite file directly.
    deployment.set_person_state(carol, "suspended")
    try:
        response = wallet_api.post_decision(ticket, wallet_api.approval(carol, transaction))
        assert_problem(response, "person-not-active", {403})
        assert browser.status(page) != "approved"
        # The CLI on a login of its own (whether a refusal closes a transaction is not specified).
        _, other_browser, other_page, _, _ = open_transaction(deployment, wallet_api, rp)
        cli = deployment.wallet_approve(carol, other_page.wallet_uri)
        assert cli.returncode == 1 and "person-not-active" in cli.stderr, (cli.stdout, cli.stderr)
        assert other_browser.status(other_page) != "approved"
    finally:
        deployment.set_person_state(carol, "active")
    # Active again: a new login works.
    auth, browser, page, ticket, transaction = open_transaction(deployment, wallet_api, rp)
    page.return_url = return_url_of(page, wallet_api.post_decision(ticket, wallet_api.approval(carol, transaction)))
    finish(deployment, rp, auth, browser, page)


def test_only_the_consented_claims_are_released(deployment, wallet_api, alice):
    rp = RelyingParty(deployment, deployment.create_client())  # a new client: nothing remembered
    auth, browser, page, ticket, transaction = open_transaction(deployment, wallet_api, rp)
    response = wallet_api.post_decision(ticket, wallet_api.approval(alice, transaction, consent=["age_over_18"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "approved" and body["released"] == ["age_over_18"], body
    page.return_url = return_url_of(page, response)
    claims = finish(deployment, rp, auth, browser, page)
    assert claims["age_over_18"] is True and "age_over_14" not in claims


def test_consent_beyond_the_request_is_not_released(deployment, wallet_api, alice):
    rp = RelyingParty(deployment, deployment.create_client())
    auth, browser, page, ticket, transaction = open_transaction(deployment, wallet_api, rp)
    consent = [*AGE_CLAIMS, "name", "birthdate", "network_number"]
    response = wallet_api.post_decision(ticket, wallet_api.approval(alice, transaction, consent=consent))
    if response.status_code == 200:
        assert sorted(response.json()["released"]) == sorted(AGE_CLAIMS)
        page.return_url = return_url_of(page, response)
        claims = finish(deployment, rp, auth, browser, page)
        for claim in ("name", "birthdate", "network_number"):
            assert claim not in claims
    else:  # refusing such an approval outright is as good
        assert 400 <= response.status_code < 500


def test_denial_through_the_api(deployment, wallet_api, alice):
    client = deployment.create_client()
    rp = RelyingParty(deployment, client)
    auth, browser, page, ticket, transaction = open_transaction(deployment, wallet_api, rp)
    response = wallet_api.post_decision(ticket, wallet_api.approval(alice, transaction, decision="deny", consent=[]))
    assert response.status_code == 200 and response.json()["status"] == "denied", response.text
    assert browser.wait_decided(page) == "denied"
    assert_error_redirect(
        browser.continue_login(page), redirect_uri=client.redirect_uri, error="access_denied", state=auth.state,
        issuer=deployment.issuer,
    )
