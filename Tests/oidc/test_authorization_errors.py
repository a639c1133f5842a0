"""Refusals at the authorization endpoint and at /authorize/continue (docs/relying-parties.md §2, §4).

Before the client and its redirect URI are known to be good: a 400 application/problem+json to
the browser, never a redirect. After: `error`, `error_description`, `state`, `iss` at the
redirect URI.
"""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import requests

from oidc_support import (
    LOA_HIGH,
    REDIRECT_URI,
    Browser,
    RelyingParty,
    WalletApi,
    assert_error_redirect,
    assert_problem,
    login,
    problem_code,
    redirect_params,
    start_approved_login,
    start_login,
    ticket_of,
    wallet_base,
)


def assert_browser_problem(response: requests.Response):
    """§2: shown to the browser as a 400 problem, not redirected."""
    assert response.status_code == 400, (response.status_code, response.headers.get("Location"))
    assert "Location" not in response.headers
    problem_code(response)  # application/problem+json with a CyberID type and a matching status


def rewrite(url: str, drop=(), **changes) -> str:
    """`url` with the query parameters in `drop` removed and those in `changes` set."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in drop and k not in changes]
    query += list(changes.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_unknown_client_is_a_problem_not_a_redirect(deployment):
    rp = RelyingParty(deployment, deployment.create_client())
    url = rewrite(rp.begin().url, client_id="c_doesnotexist")
    assert_browser_problem(Browser().get(url))


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://127.0.0.1:9/cb/",  # trailing slash
        "http://127.0.0.1:9/cb/more",  # longer path: no prefix matching
        "http://127.0.0.1:9/cb?x=1",  # extra query
        "http://127.0.0.1:10/cb",  # other port
        "http://localhost:9/cb",  # other (loopback) host
        "https://127.0.0.1:9/cb",  # other scheme
        "https://attacker.example/cb",
    ],
)
def test_unregistered_redirect_uri_is_a_problem_not_a_redirect(deployment, redirect_uri):
    rp = RelyingParty(deployment, deployment.create_client())
    auth = rp.begin(redirect_uri=redirect_uri)
    assert_browser_problem(Browser().get(auth.url))


def test_missing_redirect_uri_with_one_registered_is_not_guessed_into_a_login(deployment):
    client = deployment.create_client()
    rp = RelyingParty(deployment, client)
    auth = rp.begin()
    url = rewrite(auth.url, drop=("redirect_uri",))
    response = Browser().get(url)
    # OpenID Connect requires redirect_uri; either refusal form is acceptable, a login page is not.
    assert response.status_code != 200
    if response.status_code in (302, 303):
        assert_error_redirect(response, redirect_uri=REDIRECT_URI, error="invalid_request", state=auth.state, issuer=deployment.issuer)
    else:
        assert_browser_problem(response)


@pytest.mark.parametrize(
    "change, errors",
    [
        ("no-code-challenge", {"invalid_request"}),
        ("plain-pkce", {"invalid_request"}),
        ("response-type-token", {"unsupported_response_type", "invalid_request"}),
        ("no-openid-scope", {"invalid_scope", "invalid_request"}),
        ("unknown-scope", {"invalid_scope"}),
        ("prompt-none", {"login_required"}),
    ],
)
def test_request_errors_go_back_to_the_platform(deployment, change, errors):
    client = deployment.create_client()
    rp = RelyingParty(deployment, client)
    if change == "no-code-challenge":
        auth = rp.begin()
        url = rewrite(auth.url, drop=("code_challenge", "code_challenge_method"))
    elif change == "plain-pkce":
        auth = rp.begin()
        url = rewrite(auth.url, code_challenge=auth.verifier, code_challenge_method="plain")
    elif change == "response-type-token":
        auth = rp.begin(response_type="token")
        url = auth.url
    elif change == "no-openid-scope":
        auth = rp.begin(scope="age")
        url = auth.url
    elif change == "unknown-scope":
        auth = rp.begin(scope="openid email")
        url = auth.url
    else:
        auth = rp.begin(prompt="none")
        url = auth.url
    response = Browser().get(url)
    params = redirect_params(response, client.redirect_uri)
    assert params.get("error") in errors, params
    assert_error_redirect(response, redirect_uri=client.redirect_uri, error=params["error"], state=auth.state, issuer=deployment.issuer)


def test_wallet_denial_is_access_denied(deployment, alice):
    client = deployment.create_client()
    rp = RelyingParty(deployment, client)
    auth, browser, page = start_login(deployment, rp)
    result = deployment.wallet_approve(alice, page.wallet_uri, deny=True)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert browser.wait_decided(page) == "denied"
    assert_error_redirect(
        browser.continue_login(page), redirect_uri=client.redirect_uri, error="access_denied", state=auth.state,
        issuer=deployment.issuer,
    )


def test_level_above_the_persons_is_refused_in_the_wallet_and_at_the_redirect(deployment, alice):
    client = deployment.create_client()
    rp = RelyingParty(deployment, client)
    auth, browser, page = start_login(deployment, rp, acr_values=LOA_HIGH)
    view = WalletApi(wallet_base(page.wallet_uri)).transaction(ticket_of(page.wallet_uri)).json()
    assert LOA_HIGH in json.dumps(view.get("acr_values")), view
    result = deployment.wallet_approve(alice, page.wallet_uri)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("cyberid:") and "assurance-level-too-low" in result.stderr, result.stderr
    assert browser.wait_decided(page) == "denied"
    params = assert_error_redirect(
        browser.continue_login(page), redirect_uri=client.redirect_uri, error="unmet_authentication_requirements",
        state=auth.state, issuer=deployment.issuer,
    )
    assert params.get("error_description")


def test_expired_login_transaction(short_login_deployment, dora):
    deployment = short_login_deployment  # CYBERID_LOGIN_TTL_SECONDS=2
    client = deployment.create_client()
    rp = RelyingParty(deployment, client)
    auth, browser, page = start_login(deployment, rp)
    time.sleep(3)
    assert_problem(WalletApi(wallet_base(page.wallet_uri)).transaction(ticket_of(page.wallet_uri)), "login-expired", {410})
    result = deployment.wallet_approve(dora, page.wallet_uri)
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("cyberid:") and "expire" in result.stderr.lower(), result.stderr
    assert browser.status(page) == "expired"
    params = assert_error_redirect(
        browser.continue_login(page), redirect_uri=client.redirect_uri, error="access_denied", state=auth.state,
        issuer=deployment.issuer,
    )
    assert "expired" in params.get("error_description", "").lower(), params


def test_disabled_client_gets_nothing(deployment, alice):
    client = deployment.create_client()
    rp = RelyingParty(deployment, client)
    before = login(deployment, rp, alice)  # a token from before the client was disabled
    auth, browser, page = start_approved_login(deployment, rp, alice)  # a login in flight, approved
    callback = browser.continue_login(page).headers.get("Location", "")
    assert "code=" in callback, callback

    deployment.disable_client(client.client_id)
    # Server processes keep a client's registration up to 2 s on the login path
    # (docs/relying-parties.md §1); the disable must hold everywhere after that.
    time.sleep(2.2)

    assert_browser_problem(Browser().get(rp.begin().url))
    pushed = rp.push()
    assert pushed.par_response.status_code in (400, 401), pushed.par_response.text
    assert pushed.par_response.json()["error"] in ("invalid_client", "unauthorized_client")
    status, body = rp.token_error(callback, auth)
    assert status in (400, 401) and body["error"] in ("invalid_client", "unauthorized_client"), body
    userinfo = rp.userinfo(before.token["access_token"])
    assert userinfo.status_code in (400, 401, 403), userinfo.status_code
    revoked = rp.revoke(before.token["access_token"])
    assert revoked.status_code in (400, 401), revoked.status_code
    assert revoked.json()["error"] in ("invalid_client", "unauthorized_client")
