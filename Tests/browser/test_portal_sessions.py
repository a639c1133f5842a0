"""The portal's sessions and forms over HTTP (issue 14, docs/portal.md): real sessions, made by
signing in through the browser, are then used with `requests` — which never sends a `Secure`
cookie over http, so every `Cookie:` header here is written by hand.

Signed out, no account page is shown (GET → 303 to the sign-in, POST → 403); a made-up cookie is
nobody's; every form needs its session's CSRF token, from the portal's own origin; signing out
everywhere ends the other sessions too; a suspended person's session stops working; every page
has the security headers; the language comes from the remembered choice, else Accept-Language,
else Chinese. (Idle expiry runs on a small server of its own with a 2-second idle lifetime.)"""

from __future__ import annotations

import secrets
import time
import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest

pytest.importorskip("selenium", reason="selenium is not installed (python3 -m pip install selenium)")

from oidc_support import LOA_SUBSTANTIAL, start_deployment  # noqa: E402
from enrollment_support import years_ago  # noqa: E402
from portal_support import (  # noqa: E402
    FORM_ACTIONS,
    LANGUAGE_COOKIE,
    PORTAL_CLIENT_ID,
    SIGNED_IN_PAGES,
    SIGNIN_COOKIE,
    PortalHttp,
    cookie_attributes,
    parse_html,
    person_state,
    set_cookies,
    signed_in_session,
)

EVIL_ORIGIN = "http://evil.example"


def assert_security_headers(response, where: str):
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    directives = {part.strip().split(" ", 1)[0]: part.strip() for part in policy.split(";") if part.strip()}
    assert directives.get("default-src") == "default-src 'none'", (where, policy)
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", (where, policy)
    assert "'unsafe-inline'" not in policy and not re.search(r"(^|\s)(https?:|\*)", policy), (where, policy)
    assert headers.get("X-Frame-Options") == "DENY", (where, headers.get("X-Frame-Options"))
    assert headers.get("Referrer-Policy") == "no-referrer", (where, headers.get("Referrer-Policy"))
    assert "no-store" in headers.get("Cache-Control", ""), (where, headers.get("Cache-Control"))
    assert headers.get("X-Content-Type-Options") == "nosniff", (where, headers.get("X-Content-Type-Options"))


def assert_forbidden_page(response, where: str):
    assert response.status_code == 403, (where, response.status_code, response.headers.get("Location"))
    assert response.headers.get("Content-Type", "").startswith("text/html"), (where, response.headers.get("Content-Type"))
    assert_security_headers(response, where)


def assert_to_sign_in(response, where: str):
    assert response.status_code == 303, (where, response.status_code)
    assert response.headers.get("Location") == "/account/signin", (where, response.headers.get("Location"))


@pytest.fixture(scope="module")
def sessions(chromium, deployment, citizen_zh, guardian):
    """Two sessions of citizen_zh (A1, A2) and one of the guardian (B), signed in in the browser
    (which then forgets them)."""
    chromium.execute_cdp_cmd("Network.clearBrowserCookies", {})
    return {
        "A1": signed_in_session(chromium, deployment, citizen_zh),
        "A2": signed_in_session(chromium, deployment, citizen_zh),
        "B": signed_in_session(chromium, deployment, guardian),
    }


def test_signed_out_nothing_is_shown(portal_http):
    for path in SIGNED_IN_PAGES:
        assert_to_sign_in(portal_http.get(path), path)
    for path in FORM_ACTIONS:
        assert_forbidden_page(portal_http.post(path, {"csrf": "x"}), f"POST {path}")


def test_a_made_up_cookie_is_nobodys(portal_http):
    for value in (secrets.token_urlsafe(32), "x", "A" * 43, secrets.token_urlsafe(32) + "=", ""):
        for path in ("/account", "/account/history"):
            assert_to_sign_in(portal_http.get(path, session=value), f"{path} with {value!r}")


def test_sign_in_starts_the_relay_proof_login_with_a_signin_cookie(portal_http, deployment):
    response = portal_http.get("/account/signin")
    assert response.status_code == 303, response.status_code
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.path == "/authorize" and parts.netloc in ("", urlsplit(deployment.issuer).netloc), location
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query.get("client_id") == PORTAL_CLIENT_ID, query
    assert query.get("acr_values") == LOA_SUBSTANTIAL, query
    assert query.get("response_type") == "code" and query.get("code_challenge_method") == "S256", query
    assert query.get("redirect_uri") == deployment.issuer + "/account/callback", query
    assert query.get("state") and query.get("nonce") and query.get("code_challenge"), query
    value, attributes = cookie_attributes(set_cookies(response)[SIGNIN_COOKIE])
    assert value and {"secure", "httponly"} <= set(attributes), attributes
    assert attributes.get("path") == "/" and attributes.get("samesite", "").lower() == "lax" and "domain" not in attributes


def test_forms_need_the_sessions_own_csrf_token_from_the_portals_origin(portal_http, deployment, sessions):
    a, b = sessions["A1"], sessions["B"]
    csrf_a, csrf_b = portal_http.csrf(a), portal_http.csrf(b)
    assert csrf_a != csrf_b
    path = "/account/signout"
    origin = {"Origin": deployment.issuer}
    for where, data, headers in (
        ("no csrf", {"confirm": "yes"}, origin),
        ("empty csrf", {"csrf": ""}, origin),
        ("another session's csrf", {"csrf": csrf_b}, origin),
        ("Origin evil", {"csrf": csrf_a}, {"Origin": EVIL_ORIGIN}),
        ("Sec-Fetch-Site cross-site", {"csrf": csrf_a}, {"Sec-Fetch-Site": "cross-site"}),
    ):
        assert_forbidden_page(portal_http.post(path, data, session=a, headers=headers), where)
        assert portal_http.signed_in(a), f"a refused form ({where}) must leave the session alone"
    # B's cookie with A's token: refused too, B still signed in.
    assert_forbidden_page(portal_http.post(path, {"csrf": csrf_a}, session=b, headers=origin), "A's csrf with B's cookie")
    assert portal_http.signed_in(b)
    # Same for an action that changes something: the consent page's withdraw.
    assert_forbidden_page(
        portal_http.post("/account/platforms/withdraw", {"client": "x"}, session=a, headers=origin), "withdraw without csrf")


def test_signing_out_everywhere_ends_every_session_of_the_person(portal_http, deployment, sessions):
    a1, a2, b = sessions["A1"], sessions["A2"], sessions["B"]
    assert portal_http.signed_in(a1) and portal_http.signed_in(a2) and portal_http.signed_in(b)
    response = portal_http.post(
        "/account/signout-everywhere", {"csrf": portal_http.csrf(a2)}, session=a2, headers={"Origin": deployment.issuer})
    assert response.status_code == 200, (response.status_code, response.headers.get("Location"))
    assert "sign-in" in parse_html(response.text).ids
    value, attributes = cookie_attributes(set_cookies(response)["__Host-cyberid_session"])
    assert value == "" or attributes.get("max-age") == "0", "the browser's cookie is cleared"
    assert not portal_http.signed_in(a2) and not portal_http.signed_in(a1), "every session of the person ended"
    assert portal_http.signed_in(b), "another person's session is untouched"


def test_a_suspended_persons_session_stops_working(portal_http, browser, deployment, suspendee):
    session = signed_in_session(browser, deployment, suspendee)
    assert portal_http.signed_in(session)
    deployment.cli_json("admin", "person", "suspend", suspendee.network_number, "--reason", "portal session test")
    try:
        assert person_state(deployment, suspendee) == "suspended"
        for path in SIGNED_IN_PAGES:
            assert_to_sign_in(portal_http.get(path, session=session), f"{path}, suspended")
    finally:
        deployment.cli_json("admin", "person", "resume", suspendee.network_number, "--reason", "portal session test")
    # The session was ended when it was seen with the number suspended.
    assert not portal_http.signed_in(session)


def test_every_page_has_the_security_headers(portal_http, sessions):
    session = sessions["B"]
    for path in ("/", "/account", "/account/platforms", "/account/history", "/account/suspend"):
        response = portal_http.get(path, session=session)
        assert response.status_code == 200, (path, response.status_code)
        assert response.headers.get("Content-Type", "").startswith("text/html"), path
        assert_security_headers(response, path)
    assert_security_headers(portal_http.get("/"), "/ signed out")
    for path in ("/account/history.json", "/account/history.csv"):
        response = portal_http.get(path, session=session)
        assert response.status_code == 200, (path, response.status_code)
        assert "attachment" in response.headers.get("Content-Disposition", ""), path
        assert "no-store" in response.headers.get("Cache-Control", ""), path
        assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    error = portal_http.get("/account/history?kind=not-a-kind", session=session)
    assert 400 <= error.status_code < 500, error.status_code
    assert_security_headers(error, "an error page")


def test_the_language_remembered_then_accept_language_then_chinese(portal_http):
    assert parse_html(portal_http.get("/").text).lang == "zh-CN", "nothing known: Chinese"
    for header, language in (("en", "en"), ("fr-CA, en-GB;q=0.8", "en"), ("zh-TW,zh;q=0.9", "zh-CN"), ("de", "zh-CN")):
        page = portal_http.get("/", headers={"Accept-Language": header})
        assert parse_html(page.text).lang == language, (header, parse_html(page.text).lang)
    remembered = portal_http.get("/", headers={"Accept-Language": "en", "Cookie": f"{LANGUAGE_COOKIE}=zh-CN"})
    assert parse_html(remembered.text).lang == "zh-CN", "the remembered choice wins over Accept-Language"

    switch = portal_http.get("/language/en?next=/account/history")
    assert switch.status_code == 303 and switch.headers.get("Location") == "/account/history", switch.headers
    value, attributes = cookie_attributes(set_cookies(switch)[LANGUAGE_COOKIE])
    assert value == "en" and attributes.get("max-age") == "31536000", attributes
    assert "secure" in attributes and attributes.get("path") == "/", attributes
    for hostile in ("https://evil.example/", "//evil.example/", "/account/../../evil", "javascript:alert(1)"):
        response = portal_http.get("/language/zh-CN?next=" + quote(hostile, safe=""))
        assert response.status_code == 303 and response.headers.get("Location") == "/", (hostile, response.headers)


# --------------------------------------------------------------------------------------
# Idle expiry, for real: a small server whose sessions idle out after 2 seconds
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def idle_deployment(tmp_path_factory):
    yield from start_deployment(tmp_path_factory, CYBERID_PORTAL_IDLE_SECONDS="2")


def test_an_idle_session_expires(browser, idle_deployment):
    person = idle_deployment.enroll("idle", birth_date=years_ago(38))
    http = PortalHttp(idle_deployment.issuer)
    session = signed_in_session(browser, idle_deployment, person)
    assert http.signed_in(session)
    time.sleep(2.5)
    assert not http.signed_in(session), "a session unused for longer than the idle lifetime ends"
