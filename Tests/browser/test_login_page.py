"""The login page (docs/relying-parties.md §4) in a real browser: headless Chromium runs the page's
own script under its own Content-Security-Policy, and the wallet (the `cyberid wallet approve`
CLI) answers from outside the browser, as a phone would: it scans the page's QR code (a screenshot
of it, decoded by zbar) and picks the number the page shows. Nobody clicks anything: the page must
poll the status and take the browser to the client's redirect URI by itself. An approval of the
page's same-device link is the exception: the page then waits for the wallet's return URL."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

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
from oidc_support import (  # noqa: E402
    QR_IMAGE_TEXT_PREFIX,
    AuthRequest,
    Deployment,
    Holder,
    RelyingParty,
    WalletAnswer,
    WalletApi,
    cross_device_query,
    endpoint_query,
    wallet_uri_query,
)

# The node reads a held poll's login once a second; the redirect must follow the wallet's answer
# well within this.
NAVIGATION_TIMEOUT = 10.0
# The page swaps its QR image every five seconds (CYBERID_QR_STEP_SECONDS); a loaded machine may take longer.
QR_CHANGE_TIMEOUT = 15.0


@dataclass
class OpenedLogin:
    rp: RelyingParty
    auth: AuthRequest
    wallet_uri: str  # the same-device link (#wallet-link)
    ticket: str
    match_number: int  # #match-number


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
    query = wallet_uri_query(wallet_uri or "", deployment.issuer, {"iss", "t", "r", "v"})
    number = browser.find_element(By.ID, "match-number")
    assert number.tag_name == "strong", number.tag_name
    assert re.fullmatch(r"[1-9][0-9]", number.text), f"#match-number must be a two-digit number: {number.text!r}"
    return OpenedLogin(rp, auth, wallet_uri, query["t"], int(number.text))


def read_qr(browser, login: OpenedLogin, issuer: str, png: Path) -> str:
    """What a phone's camera reads from the page now: a screenshot of #qr-code (kept at `png`),
    decoded by zbar; it must be this login's cross-device URI."""
    png.write_bytes(browser.find_element(By.ID, "qr-code").screenshot_as_png)
    decoded = decode_qr(png)
    assert len(decoded) == 1, f"the QR code read as {decoded!r} (screenshot: {png})"
    cross_device_query(decoded[0], issuer, login.ticket)
    return decoded[0]


def answer_from_another_device(
    browser, deployment: Deployment, holder: Holder, login: OpenedLogin, png: Path, *, deny: bool = False,
    wrong_number: bool = False,
) -> WalletAnswer:
    """`cyberid wallet approve` (or `--deny`) of the QR code the page shows, picking the number the
    page shows (or, with `wrong_number`, another of the three the wallet offers)."""
    qr = read_qr(browser, login, deployment.issuer, png)
    match = int(browser.find_element(By.ID, "match-number").text)
    assert match == login.match_number, "the number must not change while the login is open"
    if wrong_number:
        view = WalletApi(deployment.issuer).view(qr)
        assert view.status_code == 200, view.text
        match = next(choice for choice in view.json()["match_choices"] if choice != match)
    return deployment.wallet_approve(holder, qr, deny=deny, match=match)


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


def test_login_completes_by_itself_in_chromium(browser, deployment, holder, callback, tmp_path):
    login = open_login(browser, deployment, callback)
    issuer = deployment.issuer

    # The page as §4 describes it: the QR code is an inline SVG image, shown at its styled size.
    qr = browser.find_element(By.ID, "qr-code")
    assert qr.tag_name == "img", qr.tag_name
    assert (qr.get_dom_attribute("src") or "").startswith(QR_IMAGE_TEXT_PREFIX), (qr.get_dom_attribute("src") or "")[:80]
    assert qr.is_displayed() and qr.size["width"] >= 100 and qr.size["height"] >= 100, qr.size
    main = browser.find_element(By.ID, "login")
    assert main.tag_name == "main", main.tag_name
    status_url, continue_url, qr_url = browser.execute_script(
        "var m=document.getElementById('login');"
        "return ['data-status-url', 'data-continue-url', 'data-qr-url'].map(function (name) {"
        "  return new URL(m.getAttribute(name), document.baseURI).href; });"
    )
    # The relative URLs of the page resolve under the issuer, as the script will use them, each
    # with the same-device link's request token.
    r = wallet_uri_query(login.wallet_uri, issuer, {"iss", "t", "r", "v"})["r"]
    for url, path in ((status_url, "status"), (continue_url, "continue"), (qr_url, "qr")):
        assert endpoint_query(url, f"{issuer}/authorize/{path}") == {"r": r}, url
    assert browser.find_element(By.ID, "continue").get_property("href") == continue_url

    # The cookie binding the login to this browser: HttpOnly, scoped to /authorize.
    cookies = {cookie["name"]: cookie for cookie in browser.get_cookies()}
    assert "cyberid_login" in cookies, cookies
    assert cookies["cyberid_login"].get("httpOnly") is True, cookies["cyberid_login"]
    assert cookies["cyberid_login"].get("path") == "/authorize", cookies["cyberid_login"]
    assert "cyberid_login" not in browser.execute_script("return document.cookie;")

    # The inline style ran under the CSP (it was allowed by its hash): `#status{font-weight:600}`.
    assert browser.find_element(By.ID, "status").value_of_css_property("font-weight") == "600"

    # While the wallet has not answered, the page polls (the node holds each poll until there is
    # news) and stays.
    time.sleep(1.5)
    assert browser.current_url == login.auth.url and callback.hits == [], page_state(browser)
    assert WAITING_TEXT in browser.find_element(By.ID, "status").text
    assert_clean_console(console(browser))

    # The wallet, on another device, scans the QR code and picks the number the page shows.
    approve = answer_from_another_device(browser, deployment, holder, login, tmp_path / "qr.png")
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


def test_denial_in_the_wallet_returns_access_denied(browser, deployment, holder, callback, tmp_path):
    login = open_login(browser, deployment, callback)
    assert_clean_console(console(browser))

    deny = answer_from_another_device(browser, deployment, holder, login, tmp_path / "qr.png", deny=True)
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


@pytest.mark.parametrize(
    "decision, words",
    [("approve", ("approved",)), ("deny", ("declined",)), ("wrong-number", ("did not match", "ended"))],
)
def test_status_text_changes_when_the_wallet_answers(browser, deployment, holder, callback, tmp_path, decision, words):
    login = open_login(browser, deployment, callback)
    # The page changes #status and navigates in the same task, too fast to read from outside; a
    # MutationObserver inside the page records every change (see browser_support.watch_status).
    initial = watch_status(browser)
    assert WAITING_TEXT in initial, initial

    wrong = decision == "wrong-number"
    answer = answer_from_another_device(
        browser, deployment, holder, login, tmp_path / "qr.png", deny=decision == "deny", wrong_number=wrong
    )
    # A wrong pick is refused by the service: the CLI says so and exits 1; the login is over.
    assert answer.returncode == (1 if wrong else 0), (answer.stdout, answer.stderr)
    hit, _ = wait_for_redirect(browser, callback)
    assert hit.params.get("error") == (None if decision == "approve" else "access_denied"), hit.params

    seen = seen_statuses(browser, deployment.issuer)
    assert seen[0]["text"] == initial, seen
    changes = [entry for entry in seen[1:] if entry["text"] != initial]
    assert changes, f"#status never changed from {initial!r} before the page left: {seen}"
    # The change happened on the login page itself, before it navigated away.
    assert all(entry["url"] == login.auth.url for entry in changes), seen
    final = changes[-1]["text"]
    assert final.strip() and WAITING_TEXT not in final, seen
    assert all(word in final.lower() for word in words), f"#status after {decision}: {final!r}"


# --------------------------------------------------------------------------------------
# 4. A same-device approval
# --------------------------------------------------------------------------------------


def test_same_device_approval_waits_for_the_wallets_return_url(browser, deployment, holder, callback):
    """After an approval of the page's own link the page does not continue by itself (a forwarded
    link must not log in whoever opened the page) and says so; the wallet's return URL, opened in
    this browser, continues the login."""
    login = open_login(browser, deployment, callback)
    answer = deployment.wallet_approve(holder, login.wallet_uri)  # --same-device --yes
    assert answer.returncode == 0, (answer.stdout, answer.stderr)
    status = browser.find_element(By.ID, "status")
    said = wait_until(lambda: WAITING_TEXT not in status.text and status.text, NAVIGATION_TIMEOUT)
    assert said, f"#status did not change after the approval: {page_state(browser)}"
    assert "approved" in said.lower(), said
    time.sleep(1.5)  # more than one polling period: the page must stay
    assert browser.current_url == login.auth.url and callback.hits == [], page_state(browser)

    browser.get(answer.return_url)  # where the wallet sends the person back, in this browser
    hit, _ = wait_for_redirect(browser, callback)
    assert hit.params.get("code") and hit.params.get("state") == login.auth.state, hit.params
    token = login.rp.exchange(callback.url_of(hit), login.auth)
    login.rp.verify_id_token(token["id_token"], login.auth)
    assert_clean_console(console(browser))


# --------------------------------------------------------------------------------------
# 5. The QR code
# --------------------------------------------------------------------------------------


def test_qr_code_in_the_page_changes_and_decodes_to_a_fresh_cross_device_uri(browser, deployment, callback, tmp_path):
    """The QR code is read back from the screen by zbar: this login's cross-device URI (not the
    same-device link), a new one as time passes; the page swaps in the images its status polls
    carry (`qr_image`: one request a second, not a status and an image)."""
    login = open_login(browser, deployment, callback)
    first_source = browser.find_element(By.ID, "qr-code").get_attribute("src")
    first = read_qr(browser, login, deployment.issuer, tmp_path / "qr-first.png")

    def changed():
        """The QR code now on the screen when it reads as one code other than `first`."""
        png = tmp_path / "qr-second.png"
        png.write_bytes(browser.find_element(By.ID, "qr-code").screenshot_as_png)
        decoded = decode_qr(png)
        return decoded[0] if len(decoded) == 1 and decoded[0] != first else None

    second = wait_until(changed, QR_CHANGE_TIMEOUT, interval=0.25)
    assert second, f"the QR code did not change in {QR_CHANGE_TIMEOUT} s: {first!r} (screenshots in {tmp_path})"
    steps = [int(cross_device_query(uri, deployment.issuer, login.ticket)["qt"]) for uri in (first, second)]
    assert steps[1] > steps[0], steps
    source = browser.find_element(By.ID, "qr-code").get_attribute("src")
    assert source.startswith(QR_IMAGE_TEXT_PREFIX), source[:80]
    assert source != first_source, "the page's first image must be replaced by a polled one"
    # The page named the step of the code it showed and asked the node to wait (`wait=1`): the
    # node held its first poll (sent a second after the page opened) until the next code was due,
    # three to four seconds later (more than one here: the page's load may eat into it), and answered it with that code's image — one request for the
    # first code instead of one a second. (A poll still held is not among the entries.)
    polls = browser.execute_script(
        "return performance.getEntriesByType('resource').filter(function(e){"
        "return e.name.indexOf('/authorize/status?')>=0;}).map(function(e){"
        "return [e.name, e.encodedBodySize, e.duration];});"
    )
    assert polls and all("qr_image=svg" in name and "qr_step=" in name and "wait=1" in name for name, *_ in polls), polls
    name, size, duration = polls[0]
    assert name.endswith("&qr_step=0&wait=1") and size > 3000 and duration > 1000, polls
    assert all(size > 3000 for _, size, _ in polls), polls  # a held poll ends with news: here a new code
    assert len(polls) <= 3, polls  # a third new code would take ten more seconds

    # The whole page, for a person to look at (the report says what it showed); the QR code in it
    # is readable too.
    page = tmp_path / "login-page.png"
    browser.save_screenshot(str(page))
    print(f"login page screenshot: {page}")
    decoded = decode_qr(page)
    assert len(decoded) == 1, f"the page screenshot read as {decoded!r} ({page})"
    cross_device_query(decoded[0], deployment.issuer, login.ticket)
    assert_clean_console(console(browser))


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
