"""The login page (docs/relying-parties.md §4) in a real browser: headless Chromium runs the page's
own script under its own Content-Security-Policy, and the wallet (the `cyberid wallet approve`
CLI) answers from outside the browser. Nobody clicks anything: the page must poll the status and
take the browser to the client's redirect URI by itself."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("selenium", reason="selenium is not installed (python3 -m pip install selenium)")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from browser_support import (  # noqa: E402
    WAITING_TEXT,
    CallbackServer,
    console,
    csp_messages,
    decode_qr,
    seen_statuses,
    severe,
    wait_until,
    watch_status,
)
from oidc_support import AuthRequest, Deployment, RelyingParty  # noqa: E402

# The page polls every second; the redirect must follow the wallet's answer well within this.
NAVIGATION_TIMEOUT = 10.0


@dataclass
class OpenedLogin:
    rp: RelyingParty
    auth: AuthRequest
    wallet_uri: str


def open_login(browser, deployment: Deployment, callback: CallbackServer) -> OpenedLogin:
    """Registers a client whose redirect URI is `callback`, sends Chromium to its authorization
    URL (authlib, PKCE S256, state, nonce) and waits for the login page."""
    client = deployment.create_client(redirect_uris=(callback.redirect_uri,))
    rp = RelyingParty(deployment, client)
    auth = rp.begin()
    browser.get(auth.url)
    link = WebDriverWait(browser, 10).until(expected_conditions.presence_of_element_located((By.ID, "wallet-link")))
    assert browser.current_url == auth.url, "the authorization request must answer the page, not redirect"
    wallet_uri = link.get_dom_attribute("href")
    assert link.tag_name == "a", link.tag_name
    parts = urlsplit(wallet_uri or "")
    assert (parts.scheme, parts.netloc, parts.path) == ("cyberid", "login", ""), wallet_uri
    query = parse_qs(parts.query)
    assert query.get("iss") == [deployment.issuer] and len(query.get("t", [])) == 1, wallet_uri
    return OpenedLogin(rp, auth, wallet_uri)


def page_state(browser) -> str:
    """For failure messages: where the browser is and what the page says."""
    try:
        status = browser.execute_script("var s=document.getElementById('status');return s?s.textContent:null;")
    except Exception as error:  # noqa: BLE001 — diagnostics only
        status = f"<{error.__class__.__name__}>"
    return f"url={browser.current_url!r} #status={status!r} console={console(browser)!r}"


def wait_for_redirect(browser, callback: CallbackServer):
    """The request the page's own navigation makes to the redirect URI (no clicks)."""
    started = time.monotonic()
    hit = callback.wait_callback(NAVIGATION_TIMEOUT)
    assert hit is not None, (
        f"the page did not navigate to the redirect URI within {NAVIGATION_TIMEOUT:.0f} s of the wallet's answer: "
        + page_state(browser)
    )
    assert wait_until(lambda: browser.current_url.startswith(callback.redirect_uri + "?"), 5), page_state(browser)
    assert len(callback.callbacks()) == 1, callback.hits
    return hit, hit.at - started


def assert_clean_console(entries: list[dict]):
    violations = csp_messages(entries)
    assert violations == [], f"Content Security Policy violations in the console: {violations}"
    errors = severe(entries)
    assert errors == [], f"errors in the browser console: {errors}"


# --------------------------------------------------------------------------------------
# 1. The whole login
# --------------------------------------------------------------------------------------


def test_login_completes_by_itself_in_chromium(browser, deployment, holder, callback):
    login = open_login(browser, deployment, callback)
    issuer = deployment.issuer

    # The page as §4 describes it.
    assert "<svg" in browser.page_source.lower(), "the QR code must be an inline SVG"
    qr = browser.find_element(By.CSS_SELECTOR, "#login figure svg")
    assert qr.is_displayed() and qr.size["width"] >= 100 and qr.size["height"] >= 100, qr.size
    main = browser.find_element(By.ID, "login")
    assert main.tag_name == "main", main.tag_name
    status_url, continue_url = browser.execute_script(
        "var m=document.getElementById('login');"
        "return [new URL(m.getAttribute('data-status-url'), document.baseURI).href,"
        "        new URL(m.getAttribute('data-continue-url'), document.baseURI).href];"
    )
    # The relative URLs of the page resolve under the issuer, as the script will use them.
    assert status_url.startswith(issuer + "/authorize/status?r="), status_url
    assert continue_url.startswith(issuer + "/authorize/continue?r="), continue_url
    assert browser.find_element(By.ID, "continue").get_property("href") == continue_url

    # The cookie binding the login to this browser: HttpOnly, scoped to /authorize.
    cookies = {cookie["name"]: cookie for cookie in browser.get_cookies()}
    assert "cyberid_login" in cookies, cookies
    assert cookies["cyberid_login"].get("httpOnly") is True, cookies["cyberid_login"]
    assert cookies["cyberid_login"].get("path") == "/authorize", cookies["cyberid_login"]
    assert "cyberid_login" not in browser.execute_script("return document.cookie;")

    # The inline style ran under the CSP (it was allowed by its hash): `#status{font-weight:600}`.
    assert browser.find_element(By.ID, "status").value_of_css_property("font-weight") == "600"

    # While the wallet has not answered, the page polls (every second) and stays.
    time.sleep(1.5)
    assert browser.current_url == login.auth.url and callback.hits == [], page_state(browser)
    assert WAITING_TEXT in browser.find_element(By.ID, "status").text
    assert_clean_console(console(browser))

    # The wallet approves from outside the browser, with the link read from the DOM.
    approve = deployment.wallet_approve(holder, login.wallet_uri)
    assert approve.returncode == 0, (approve.stdout, approve.stderr)

    # No clicks: the page's polling takes the browser to the redirect URI.
    hit, _ = wait_for_redirect(browser, callback)
    params = hit.params
    assert "error" not in params, params
    assert params.get("code"), params
    assert params.get("state") == login.auth.state, params
    assert params.get("iss") == issuer, params
    assert browser.find_element(By.TAG_NAME, "body").text == "ok"
    assert_clean_console(console(browser))

    # The code the browser carried is good at the token endpoint (authlib, PKCE verifier).
    token = login.rp.exchange(callback.url_of(hit), login.auth)
    claims = login.rp.verify_id_token(token["id_token"], login.auth)
    assert claims["aud"] in (login.rp.client.client_id, [login.rp.client.client_id]), claims
    assert claims["age_over_18"] is True, claims


# --------------------------------------------------------------------------------------
# 2. A denial
# --------------------------------------------------------------------------------------


def test_denial_in_the_wallet_returns_access_denied(browser, deployment, holder, callback):
    login = open_login(browser, deployment, callback)
    assert_clean_console(console(browser))

    deny = deployment.wallet_approve(holder, login.wallet_uri, deny=True)
    assert deny.returncode == 0, (deny.stdout, deny.stderr)

    hit, _ = wait_for_redirect(browser, callback)
    params = hit.params
    assert params.get("error") == "access_denied", params
    assert "code" not in params, params
    assert params.get("state") == login.auth.state, params
    assert params.get("iss") == deployment.issuer, params
    assert_clean_console(console(browser))


# --------------------------------------------------------------------------------------
# 3. The status text
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("decision, expected", [("approve", "approved"), ("deny", "declined")])
def test_status_text_changes_when_the_wallet_answers(browser, deployment, holder, callback, decision, expected):
    login = open_login(browser, deployment, callback)
    # The page changes #status and navigates in the same task, too fast to read from outside; a
    # MutationObserver inside the page records every change (see browser_support.watch_status).
    initial = watch_status(browser)
    assert WAITING_TEXT in initial, initial

    answer = deployment.wallet_approve(holder, login.wallet_uri, deny=decision == "deny")
    assert answer.returncode == 0, (answer.stdout, answer.stderr)
    wait_for_redirect(browser, callback)

    seen = seen_statuses(browser, deployment.issuer)
    assert seen[0]["text"] == initial, seen
    changes = [entry for entry in seen[1:] if entry["text"] != initial]
    assert changes, f"#status never changed from {initial!r} before the page left: {seen}"
    # The change happened on the login page itself, before it navigated away.
    assert all(entry["url"] == login.auth.url for entry in changes), seen
    final = changes[-1]["text"]
    assert final.strip() and WAITING_TEXT not in final, seen
    assert expected in final.lower(), f"#status after {decision}: {final!r}"


# --------------------------------------------------------------------------------------
# 4. The QR code
# --------------------------------------------------------------------------------------


def test_qr_code_in_the_page_decodes_to_the_wallet_link(browser, deployment, callback, tmp_path):
    login = open_login(browser, deployment, callback)
    qr = browser.find_element(By.CSS_SELECTOR, "#login figure svg")
    png = tmp_path / "qr.png"
    png.write_bytes(qr.screenshot_as_png)
    decoded = decode_qr(png)
    href = browser.find_element(By.ID, "wallet-link").get_dom_attribute("href")
    assert decoded == [href], f"QR code read as {decoded!r}, wallet link is {href!r} (screenshot: {png})"
    assert href == login.wallet_uri


# --------------------------------------------------------------------------------------
# The CSP is really in force (so that "no violations" above means something)
# --------------------------------------------------------------------------------------


def test_content_security_policy_blocks_other_inline_script(browser, deployment, callback):
    open_login(browser, deployment, callback)
    assert_clean_console(console(browser))
    ran = browser.execute_script(
        "var s=document.createElement('script');"
        "s.textContent='window.__cyberidInjected=true;';"
        "document.head.appendChild(s);"
        "return window.__cyberidInjected === true;"
    )
    assert ran is False, "an inline script without the page's hash ran: the CSP is missing or allows it"
    violations = wait_until(lambda: csp_messages(console(browser)), 3)
    assert violations, "the blocked script left no Content Security Policy message in the console log"
