"""The login itself (docs/relying-parties.md §2–§4): the login page, the wallet approval, the code
exchange with each client-authentication method, PAR, the ID token, the access token, userinfo."""

from __future__ import annotations

import base64
import dataclasses
import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc import jwt

from oidc_support import (
    approve_on_this_device,
    AGE_CLAIMS,
    LOA_LOW,
    LOA_SUBSTANTIAL,
    Browser,
    JwksHost,
    RelyingParty,
    WalletApi,
    assert_error_redirect,
    assert_unexpected_claims,
    assert_userinfo_matches,
    external_assets,
    login,
    make_client_key,
    public_jwks,
    redirect_params,
    start_approved_login,
    start_login,
    ticket_of,
    wallet_base,
    with_fixed_assertion,
)


def check_confirmation(result, holder, *, now: float):
    """What every adult's `openid age` login must carry (§3), and nothing about who they are."""
    claims = result.claims
    assert claims["acr"] == LOA_SUBSTANTIAL  # dev documents, no face matcher: substantial
    assert abs(claims["auth_time"] - now) < 60, (claims["auth_time"], now)
    assert claims["exp"] > claims["iat"]
    assert claims["age_over_14"] is True and claims["age_over_18"] is True
    for absent in ("name", "birthdate", "network_number", "given_name", "family_name", "phone_number"):
        assert absent not in claims, absent
    assert_unexpected_claims(claims, set(AGE_CLAIMS))
    text = json.dumps(claims)
    for secret in (holder.network_number, holder.surname, holder.birth_date.isoformat()):
        assert secret not in text, f"{secret!r} in the ID token"
    assert holder.network_number.replace("-", "") not in claims["sub"]




# --------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------


def test_login_page_is_self_contained_and_binds_the_browser(deployment):
    client = deployment.create_client()
    rp = RelyingParty(deployment, client)
    auth, browser, page = start_login(deployment, rp)
    assert page.qr_svg.startswith("<svg"), "the QR code must be an inline SVG image"
    assert external_assets(page, allowed_prefixes=(client.redirect_uri,)) == []
    assert "cyberid_login" in browser.session.cookies.get_dict(), browser.session.cookies
    assert browser.status(page) == "pending"
    # Continuing before the wallet answered gives neither a code nor an error redirect.
    early = browser.continue_login(page)
    if early.status_code in (302, 303):
        assert "code=" not in early.headers["Location"], early.headers["Location"]
    # The wallet API shows the transaction as §5 describes it.
    view = WalletApi(wallet_base(page.wallet_uri)).transaction(ticket_of(page.wallet_uri))
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["client_id"] == client.client_id and body["client_name"] == client.name
    assert sorted(body["scopes"]) == ["age", "openid"]
    assert sorted(body["claims"]) == sorted(AGE_CLAIMS)
    assert "legal_basis" not in body or body["legal_basis"] in (None, "")
    assert body["nonce"] and body["transaction_id"] and body["expires_at"]


# --------------------------------------------------------------------------------------
# Secret-based clients, front channel and PAR
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "auth, par",
    [
        ("client_secret_basic", False),
        ("client_secret_post", False),
        ("client_secret_basic", True),
        ("client_secret_post", True),
    ],
    ids=["basic", "post", "basic-par", "post-par"],
)
def test_login_releases_the_verification_confirmation(deployment, alice, auth, par):
    client = deployment.create_client(auth=auth)
    rp = RelyingParty(deployment, client, scope="openid age")
    now = time.time()
    result = login(deployment, rp, alice, par=par)
    assert client.name in result.approve.stdout, "the wallet shows the platform's name"
    check_confirmation(result, alice, now=now)
    assert abs(int(result.token["expires_in"]) - 300) <= 5, result.token  # access tokens live 5 minutes
    for method in ("GET", "POST"):
        info = assert_userinfo_matches(rp, result, method)
        assert info["sub"] == result.claims["sub"]
        assert info["age_over_18"] is True and info["age_over_14"] is True
        assert "name" not in info and "network_number" not in info


def test_access_token_is_opaque_and_short_lived(deployment, alice):
    """§2: access tokens are opaque (sealed; nothing readable for the platform), 5 minutes, and work
    only at userinfo while their login's grant is live."""
    rp = RelyingParty(deployment, deployment.create_client())
    token = login(deployment, rp, alice).token
    assert token["token_type"].lower() == "bearer"
    assert token["expires_in"] == 300
    access = token["access_token"]
    assert "." not in access, "an opaque token, not a JWS"
    raw = base64.urlsafe_b64decode(access + "=" * (-len(access) % 4))
    # Nothing of the ID token's content is readable in it.
    claims = jwt.decode(token["id_token"], deployment.keyset(), algorithms=["ES256"]).claims
    assert claims["sub"].encode() not in raw and claims["aud"].encode() not in raw
    tampered = access[:-2] + ("A" if access[-2] != "A" else "B") + access[-1]
    assert requests.get(deployment.metadata["userinfo_endpoint"], headers={"Authorization": f"Bearer {tampered}"}, timeout=10).status_code == 401


def test_par_answers_request_uri_and_expiry(deployment, alice):
    client = deployment.create_client()
    rp = RelyingParty(deployment, client)
    auth = rp.push()
    assert auth.par_response.status_code == 201, auth.par_response.text
    body = auth.par_response.json()
    assert isinstance(body["request_uri"], str) and body["request_uri"]
    assert isinstance(body["expires_in"], int) and 0 < body["expires_in"] <= 600
    # The browser only carries client_id and request_uri.
    assert parse_qs(urlsplit(auth.url).query) == {"client_id": [client.client_id], "request_uri": [body["request_uri"]]}


def test_par_needs_client_authentication(deployment):
    client = deployment.create_client()
    rp = RelyingParty(deployment, client)
    auth = rp.begin()
    response = requests.post(deployment.metadata["pushed_authorization_request_endpoint"], data=auth.params, timeout=30)
    assert response.status_code in (400, 401), response.text
    assert response.json()["error"] == "invalid_client"
    wrong = requests.post(
        deployment.metadata["pushed_authorization_request_endpoint"], data=auth.params,
        auth=(client.client_id, client.client_secret + "x"), timeout=30,
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client", wrong.text


def test_a_request_uri_starts_one_login_only(deployment):
    """Review finding 10: a pushed request is single-use, so a captured request_uri (in a log, a
    referrer, a shoulder-surfed URL) cannot start a second login."""
    rp = RelyingParty(deployment, deployment.create_client())
    auth = rp.push()
    assert auth.par_response.status_code == 201, auth.par_response.text
    first = requests.get(auth.url, allow_redirects=False, timeout=30)
    assert first.status_code == 200 and 'id="wallet-link"' in first.text, first.status_code
    again = requests.get(auth.url, allow_redirects=False, timeout=30)
    assert again.status_code in (302, 303), again.status_code
    query = parse_qs(urlsplit(again.headers["Location"]).query)
    assert query["error"] == ["invalid_request_uri"] and query["state"] == [auth.state], query


def test_request_uri_belongs_to_the_client_that_pushed_it(deployment):
    owner, other = deployment.create_client(), deployment.create_client()
    auth = RelyingParty(deployment, owner).push()
    assert auth.par_response.status_code == 201
    request_uri = auth.par_response.json()["request_uri"]
    response = requests.get(
        deployment.metadata["authorization_endpoint"], params={"client_id": other.client_id, "request_uri": request_uri},
        allow_redirects=False, timeout=30,
    )
    assert response.status_code != 200, "another client's request_uri must not start a login"
    if response.status_code in (302, 303):
        assert "code=" not in response.headers["Location"]
        assert "error=" in response.headers["Location"]
    else:
        assert response.status_code == 400, response.status_code


def test_wrong_client_secret_is_invalid_client(deployment, alice):
    client = deployment.create_client()
    rp = RelyingParty(deployment, client)
    auth, browser, page = start_approved_login(deployment, rp, alice)
    callback = browser.continue_login(page).headers["Location"]
    wrong = dataclasses.replace(client, client_secret="wrong-" + client.client_secret)
    status, body = RelyingParty(deployment, wrong).token_error(callback, auth)
    assert status == 401 and body["error"] == "invalid_client", body


@pytest.mark.parametrize("prompt, max_age", [("login", None), (None, 0)], ids=["prompt-login", "max-age-0"])
def test_prompt_login_and_max_age_are_satisfied_by_the_wallet_approval(deployment, alice, prompt, max_age):
    rp = RelyingParty(deployment, deployment.create_client())
    extra = {"prompt": prompt} if prompt else {"max_age": str(max_age)}
    before = time.time()
    result = login(deployment, rp, alice, **extra)
    assert result.claims["auth_time"] >= int(before) - 2


@pytest.mark.parametrize("acr", [LOA_LOW, LOA_SUBSTANTIAL], ids=["low", "substantial"])
def test_acr_values_at_or_below_the_persons_level_give_the_persons_level(deployment, alice, acr):
    rp = RelyingParty(deployment, deployment.create_client())
    result = login(deployment, rp, alice, acr_values=acr)
    assert result.claims["acr"] == LOA_SUBSTANTIAL


@pytest.mark.parametrize(
    "holder_name, over_14, over_18",
    [("alice", True, True), ("teen", True, False), ("child", False, False)],
)
def test_age_claims_follow_the_birth_date(deployment, request, holder_name, over_14, over_18):
    holder = request.getfixturevalue(holder_name)
    rp = RelyingParty(deployment, deployment.create_client())
    result = login(deployment, rp, holder)
    assert (result.claims["age_over_14"], result.claims["age_over_18"]) == (over_14, over_18)
    info = assert_userinfo_matches(rp, result)
    assert (info["age_over_14"], info["age_over_18"]) == (over_14, over_18)


# --------------------------------------------------------------------------------------
# private_key_jwt and strict (FAPI 2.0) clients
# --------------------------------------------------------------------------------------


@pytest.fixture
def jwks_host():
    hosts = []

    def make(document):
        host = JwksHost(document)
        hosts.append(host)
        return host

    yield make
    for host in hosts:
        host.close()


@pytest.mark.parametrize(
    "alg, source", [("ES256", "file"), ("PS256", "file"), ("ES256", "url")], ids=["es256-file", "ps256-file", "es256-url"]
)
def test_private_key_jwt_client(deployment, alice, tmp_path, jwks_host, alg, source):
    key = make_client_key(alg)
    if source == "file":
        path = tmp_path / "client-jwks.json"
        path.write_text(json.dumps(public_jwks((key, alg))))
        jwks = str(path)
    else:
        jwks = jwks_host(public_jwks((key, alg))).url
    client = deployment.create_client(auth="private_key_jwt", jwks=jwks, key=key, alg=alg)
    rp = RelyingParty(deployment, client)
    now = time.time()
    result = login(deployment, rp, alice)
    check_confirmation(result, alice, now=now)
    assert_userinfo_matches(rp, result)


def test_private_key_jwt_refuses_other_keys_stale_audiences_and_replays(deployment, alice, tmp_path):
    key = make_client_key("ES256")
    path = tmp_path / "client-jwks.json"
    path.write_text(json.dumps(public_jwks((key, "ES256"))))
    client = deployment.create_client(auth="private_key_jwt", jwks=str(path), key=key, alg="ES256")
    rp = RelyingParty(deployment, client)
    token_endpoint = deployment.metadata["token_endpoint"]

    def approved_callback():
        auth, browser, page = start_approved_login(deployment, rp, alice)
        return auth, browser.continue_login(page).headers["Location"]

    # A key the client never registered.
    auth, callback = approved_callback()
    impostor = RelyingParty(deployment, client)
    stranger = make_client_key("ES256")
    impostor.session.client_secret = stranger
    impostor.session.register_client_auth_method(PrivateKeyJWT(None, alg="ES256", headers={"kid": stranger.kid}))
    status, body = impostor.token_error(callback, auth)
    assert status in (400, 401) and body["error"] == "invalid_client", body

    # An assertion made for another audience.
    auth, callback = approved_callback()
    elsewhere = RelyingParty(deployment, client)
    elsewhere.session.register_client_auth_method(
        PrivateKeyJWT("https://elsewhere.example/token", alg="ES256", headers={"kid": key.kid})
    )
    status, body = elsewhere.token_error(callback, auth)
    assert status in (400, 401) and body["error"] == "invalid_client", body

    # The token endpoint's URL as audience (what many libraries send by default) is refused:
    # the audience must be exactly the issuer identifier (review finding 9).
    auth, callback = approved_callback()
    endpoint_audience = RelyingParty(deployment, client)
    endpoint_audience.session.register_client_auth_method(
        PrivateKeyJWT(token_endpoint, alg="ES256", headers={"kid": key.kid})
    )
    status, body = endpoint_audience.token_error(callback, auth)
    assert status in (400, 401) and body["error"] == "invalid_client", body

    # One assertion used twice (RFC 7523 §3 jti; FAPI 2.0): the second use is refused.
    signer = PrivateKeyJWT(deployment.issuer, alg="ES256", headers={"kid": key.kid})
    assertion = signer.sign(rp.session.client_auth("private_key_jwt"), deployment.issuer)
    first = RelyingParty(deployment, client)
    first.session.register_client_auth_method(with_fixed_assertion(assertion))
    auth, callback = approved_callback()
    token = first.exchange(callback, auth)
    assert token["id_token"]
    auth, callback = approved_callback()
    status, body = first.token_error(callback, auth)
    assert status in (400, 401) and body["error"] == "invalid_client", body


def test_jwks_url_is_refetched_for_an_unknown_kid(deployment, alice, jwks_host):
    first = make_client_key("ES256")
    host = jwks_host(public_jwks((first, "ES256")))
    client = deployment.create_client(auth="private_key_jwt", jwks=host.url, key=first, alg="ES256")
    # A login taken up to its callback (code in hand, codes live 60 s) before anything fetches
    # the JWKS, so that its token request is the only request inside the refetch window below.
    early_auth, early_browser, early_page = start_approved_login(deployment, RelyingParty(deployment, client), alice)
    early_callback = early_browser.continue_login(early_page).headers["Location"]
    login(deployment, RelyingParty(deployment, client), alice)
    hits = host.hits
    assert hits >= 1
    # The platform rotates its key: the cached JWKS (5 minutes) lacks the new kid, so it is
    # refetched — but at most once per CYBERID_JWKS_REFETCH_SECONDS (2 s in the suites, 60 s by
    # default; review finding 7), so at once the new key is refused without a fetch.
    second = make_client_key("ES256")
    host.document = public_jwks((second, "ES256"))
    client.key = second
    early = RelyingParty(deployment, client)  # no request: the metadata is cached
    status, body = early.token_error(early_callback, early_auth)
    assert (status, body["error"]) == (401, "invalid_client"), body
    assert host.hits == hits, "a bad signature right after a fetch must not fetch again"
    time.sleep(2.2)
    login(deployment, RelyingParty(deployment, client), alice)
    assert host.hits == hits + 1


def test_strict_client_must_push_and_sign(deployment, alice, tmp_path):
    key = make_client_key("ES256")
    path = tmp_path / "client-jwks.json"
    path.write_text(json.dumps(public_jwks((key, "ES256"))))
    client = deployment.create_client(strict=True, jwks=str(path), key=key, alg="ES256")
    assert client.auth == "private_key_jwt" and not client.client_secret
    # The RP signs its assertions for the issuer identifier (FAPI 2.0).
    rp = RelyingParty(deployment, client)

    # An assertion for the PAR endpoint's URL (or any list) is refused (review finding 9).
    by_endpoint = RelyingParty(deployment, client)
    by_endpoint.session.register_client_auth_method(PrivateKeyJWT(None, alg="ES256", headers={"kid": key.kid}))
    refused = by_endpoint.push()
    assert refused.par_response.status_code == 401, refused.par_response.text
    assert refused.par_response.json()["error"] == "invalid_client"

    # A plain (front-channel) authorization request is refused.
    auth = rp.begin()
    response = Browser().get(auth.url)
    if response.status_code in (302, 303):
        assert_error_redirect(
            response, redirect_uri=client.redirect_uri, error="invalid_request", state=auth.state, issuer=deployment.issuer
        )
    else:
        assert response.status_code == 400, (response.status_code, response.text[:300])

    # PAR + private_key_jwt works end to end.
    now = time.time()
    result = login(deployment, rp, alice, par=True)
    check_confirmation(result, alice, now=now)


def test_continue_needs_the_browser_that_started_the_login(deployment, alice):
    client = deployment.create_client()
    rp = RelyingParty(deployment, client)
    auth, browser, page = start_approved_login(deployment, rp, alice)
    # Another device without the cookie (e.g. someone who saw the QR code), even with the
    # same-device approval's return URL …
    stranger = requests.get(page.return_url, allow_redirects=False, timeout=30)
    assert 400 <= stranger.status_code < 500, stranger.status_code
    # … and another browser with its own login's cookie get nothing.
    other_auth, other_browser, other_page = start_login(deployment, rp)
    crossed = other_browser.continue_login(page)
    assert 400 <= crossed.status_code < 500, crossed.status_code
    for response in (stranger, crossed):
        assert "code=" not in response.headers.get("Location", "")
    params = redirect_params(browser.continue_login(page), client.redirect_uri)
    assert params.get("code") and params["state"] == auth.state


def test_a_second_login_in_the_same_browser_leaves_the_first_its_binding(deployment, alice):
    """A review's finding: every /authorize set the one `cyberid_login` cookie, so a second login
    in another tab (or another site's navigation to /authorize) took the first's binding, and
    the first, approved, was refused. Each login has its own cookie beside it now."""
    client = deployment.create_client()
    rp = RelyingParty(deployment, client)
    auth, browser, page = start_login(deployment, rp)
    _, _, second = start_login(deployment, rp, browser=browser)
    own = [name for name in browser.session.cookies.get_dict() if name.startswith("cyberid_login_")]
    assert len(own) == 2, browser.session.cookies.get_dict()
    approve_on_this_device(deployment, browser, page, alice)
    params = redirect_params(browser.continue_login(page), client.redirect_uri)
    assert params.get("code") and params["state"] == auth.state, params
    # The login is over in this browser: its own cookie goes; the second login's stays.
    left = [name for name in browser.session.cookies.get_dict() if name.startswith("cyberid_login_")]
    assert len(left) == 1 and left[0] in own, (own, left)
    # Abandoned logins' cookies do not pile up: with sixteen of them the next page clears them all.
    for _ in range(15):
        start_login(deployment, rp, browser=browser)
    assert len([n for n in browser.session.cookies.get_dict() if n.startswith("cyberid_login_")]) == 16
    start_login(deployment, rp, browser=browser)
    assert len([n for n in browser.session.cookies.get_dict() if n.startswith("cyberid_login_")]) == 1
