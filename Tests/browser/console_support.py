"""Helpers of the operator-console tests (issue 15, docs/console.md; see README.md).

Built on portal_support.py (the login page read from the screen, axe, screenshots, the catalogue's
words, `PortalHttp`-style requests with the `Cookie:` header by hand) and Tests/oidc/oidc_support.py
(the deployment, enrollment, the wallet CLI), imported, not copied. What is here:

* `enroll_high`: a person enrolled with a live face image on a deployment with a face matcher,
  so at level high (the console's level);
* `console_sign_in`: an operator signs in as a person would: `/console` → `#console-sign-in` →
  the login page (QR code read by zbar, the CLI wallet approves with the page's number) → the
  console; the session cookie's value is returned, so a test can come back to this operator
  later (`use_session`: one browser standing for each operator's own);
* `pending_row`, `nav`, `page_csrf`, `forged_post`, `assert_error_page`: reading the console's
  pages and sending a form the page does not offer, from inside the page (its origin, its CSRF
  token);
* `ConsoleHttp`: the console spoken to with requests (the `Cookie:` header written by hand).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import requests
from selenium.webdriver.common.by import By

from browser_support import wait_until
from oidc_support import BoundHolder, Deployment, enroll_bound, make_dev_document
from portal_support import (
    LANGUAGE_COOKIE,
    SIGN_IN_TIMEOUT,
    approve_login_page,
    check_page,
    click_and_wait,
    page_summary,
    present,
    response_status,
    text_of,
    wait_for,
    words,
)

CONSOLE_COOKIE = "__Host-cyberid_console"
CONSOLE_SIGNIN_COOKIE = "__Host-cyberid_console_signin"
CONSOLE_CLIENT_ID = "cyberid-console"

# Every page a signed-out GET must not show (each answers 303 to /console), and every form
# action (each answers 403 without a session): Router+Console*.swift.
CONSOLE_PAGES = (
    "/console/persons", "/console/pending", "/console/operators", "/console/audit", "/console/platforms",
    "/console/platforms/edit", "/console/policy", "/console/trust", "/console/keys", "/console/statistics",
    "/console/audit/checkpoint",
)
CONSOLE_FORM_ACTIONS = (
    "/console/signout", "/console/persons/lookup", "/console/persons/act", "/console/requests",
    "/console/requests/decide", "/console/requests/open", "/console/audit/verify", "/console/operators/grant",
    "/console/operators/revoke", "/console/audit", "/console/platforms/register", "/console/platforms/change",
    "/console/platforms/disable", "/console/policy/set", "/console/policy/clear", "/console/trust/add",
    "/console/trust/remove",
)

# The navigation (ConsolePages.navItems): element id → catalogue key.
NAV = {
    "nav-persons": "console_nav_persons", "nav-pending": "console_nav_pending",
    "nav-operators": "console_nav_operators", "nav-platforms": "console_nav_platforms", "nav-trust": "console_nav_trust",
    "nav-keys": "console_nav_keys", "nav-policy": "console_nav_policy", "nav-audit": "console_nav_audit",
    "nav-statistics": "console_nav_statistics",
}


# --------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------


def enroll_high(deployment: Deployment, label: str, *, birth_date: dt.date) -> BoundHolder:
    """`cyberid dev document` + `cyberid wallet enroll --face` with the document's own portrait
    as the live image (the test matcher scores the same bytes as a match): level high."""
    document = make_dev_document(deployment, label, birth_date=birth_date)
    face = deployment.scratch / f"face-{label}.jpg"
    face.write_bytes(document.portrait)
    holder = enroll_bound(deployment, label, document=document, face=face)
    assert holder.assurance_level == "high", holder
    return holder


def grant_from_cli(deployment: Deployment, holder: BoundHolder, role: str, name: str, operator: str = "root"):
    """`cyberid admin operator grant NUMBER --role ROLE --name NAME --operator OPERATOR` (the
    bootstrap on the server)."""
    result = deployment.cli(
        "admin", "operator", "grant", holder.network_number, "--role", role, "--name", name, "--operator", operator)
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    return result


def operator_list(deployment: Deployment) -> list[dict]:
    """`cyberid admin operator list` (JSON)."""
    listed = deployment.cli_json("admin", "operator", "list")
    return listed["operators"] if isinstance(listed, dict) and "operators" in listed else listed


# --------------------------------------------------------------------------------------
# Signing in, and coming back as another operator
# --------------------------------------------------------------------------------------


def console_cookie(driver) -> Optional[dict]:
    """The console's session cookie as the browser holds it (None: there is none)."""
    return next((cookie for cookie in driver.get_cookies() if cookie["name"] == CONSOLE_COOKIE), None)


def start_console_sign_in(driver, deployment: Deployment, holder: BoundHolder, name: Optional[str] = None):
    """`/console` signed out (the sign-in page, checked as `NAME-signin` when named) →
    `#console-sign-in` → the login page, approved by the holder's CLI wallet with the page's
    number (the login page checked as `NAME-login`)."""
    driver.get(deployment.issuer + "/console")
    wait_for(driver, "console-sign-in")
    assert not present(driver, "operator"), "signed out, the console names nobody"
    if name:
        check_page(driver, f"{name}-signin")
    click_and_wait(driver, "console-sign-in", until_id="qr-code")
    return approve_login_page(driver, deployment, holder, name and f"{name}-login")


def console_sign_in(driver, deployment: Deployment, holder: BoundHolder, *, name: Optional[str] = None) -> str:
    """Signs an operator in (the browser's cookies are cleared first: a fresh browser); the
    login page continues by itself to `/console`, which names the operator. Returns the session
    cookie's value."""
    driver.get("about:blank")
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    signed = start_console_sign_in(driver, deployment, holder, name)
    assert signed.wallet.returncode == 0, (signed.wallet.stdout, signed.wallet.stderr)
    reached = wait_until(
        lambda: driver.current_url == deployment.issuer + "/console" and present(driver, "operator"), SIGN_IN_TIMEOUT)
    assert reached, f"not in the console after the wallet approved: at {driver.current_url!r} ({page_summary(driver)})"
    cookie = console_cookie(driver)
    assert cookie and cookie["value"], driver.get_cookies()
    return cookie["value"]


def use_session(driver, issuer: str, value: str):
    """The browser becomes the operator whose console cookie is `value` (their own browser):
    every cookie but the language choice is dropped, then the cookie is set as the server set it."""
    driver.get("about:blank")
    language = [c for c in driver.execute_cdp_cmd("Network.getAllCookies", {})["cookies"] if c["name"] == LANGUAGE_COOKIE]
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    cookies = [
        {"name": CONSOLE_COOKIE, "value": value, "url": issuer + "/", "path": "/", "secure": True, "httpOnly": True,
         "sameSite": "Lax"},
    ] + [
        {"name": c["name"], "value": c["value"], "url": issuer + "/", "path": "/", "secure": True,
         "httpOnly": c.get("httpOnly", False), "sameSite": c.get("sameSite", "Lax")}
        for c in language
    ]
    driver.execute_cdp_cmd("Network.setCookies", {"cookies": cookies})


def open_page(driver, issuer: str, path: str, name: str, *, until_id: Optional[str] = None, allow_status=()) -> Path:
    """Goes to `path` and checks the page (screenshot `name`, axe, clean console)."""
    driver.get(issuer + path)
    if until_id:
        wait_for(driver, until_id)
    return check_page(driver, name, allow_status)


# --------------------------------------------------------------------------------------
# Reading the pages
# --------------------------------------------------------------------------------------


def nav(driver) -> dict[str, str]:
    """The console navigation shown: element id → its text."""
    links = driver.find_elements(By.CSS_SELECTOR, "header nav a[id^='nav-']")
    return {link.get_attribute("id"): link.text.strip() for link in links}


def expected_nav(language: str, *ids: str) -> dict[str, str]:
    return {element_id: words(language, NAV[element_id]) for element_id in ids}


def assert_error_page(driver, where: str, message_key: str, language: str = "en", status: int = 403):
    """The console's error page: the HTTP status and the catalogue's message (`console_error_…`)."""
    assert response_status(driver) == status, (where, response_status(driver), driver.current_url)
    assert present(driver, "error-message"), (where, page_summary(driver))
    assert text_of(driver, "error-message") == words(language, message_key), where


def page_csrf(driver) -> str:
    """The CSRF token of the page's forms (one per session)."""
    values = {field.get_attribute("value") for field in driver.find_elements(By.CSS_SELECTOR, "input[name=csrf]")}
    assert len(values) == 1, f"the page's forms carry {len(values)} CSRF tokens"
    return values.pop()


@dataclass
class PendingRow:
    id: str
    cells: list[str]
    status: str

    @property
    def action(self) -> str:
        return self.cells[0]

    @property
    def target(self) -> str:
        return self.cells[1]

    @property
    def reason(self) -> str:
        return self.cells[2]

    @property
    def requester(self) -> str:
        return self.cells[3]

    @property
    def decider(self) -> str:
        return self.cells[6]


def pending_rows(driver) -> list[PendingRow]:
    """The rows of `#pending-requests` (none when the page says no request waits)."""
    out = []
    for row in driver.find_elements(By.CSS_SELECTOR, "#pending-requests tbody tr"):
        request_id = row.get_attribute("id").removeprefix("request-")
        cells = [cell.text.strip() for cell in row.find_elements(By.CSS_SELECTOR, "td")]
        out.append(PendingRow(request_id, cells, driver.find_element(By.ID, f"request-status-{request_id}").text.strip()))
    return out


def pending_row(driver, *, action: str, number: str) -> PendingRow:
    """The one row of a request for `action` (its label) on `number` (printed form)."""
    found = [row for row in pending_rows(driver) if row.action == action and number in row.target]
    assert len(found) == 1, f"{len(found)} rows for {action!r} on {number}: {pending_rows(driver)}"
    return found[0]


def forged_post(driver, path: str, fields: dict, *, timeout: float = 10):
    """A form the page does not offer, sent from inside the page as a person with the developer
    tools could (the page's origin, so its CSRF token and the same-origin check pass): the
    browser then shows the answer."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.execute_script(
        """
        var form = document.createElement('form'), fields = arguments[1];
        form.method = 'post'; form.action = arguments[0];
        Object.keys(fields).forEach(function (name) {
          var input = document.createElement('input');
          input.type = 'hidden'; input.name = name; input.value = fields[name];
          form.appendChild(input);
        });
        document.body.appendChild(form);
        form.submit();
        """,
        path, fields,
    )

    def gone():
        try:
            old.is_enabled()
            return False
        except Exception:  # noqa: BLE001 — stale: the answer replaced the page
            return True

    assert wait_until(gone, timeout), f"the forged POST to {path} did not navigate"
    wait_until(lambda: driver.execute_script("return document.readyState;") == "complete", timeout)


# --------------------------------------------------------------------------------------
# HTTP with requests
# --------------------------------------------------------------------------------------


class ConsoleHttp:
    """The console spoken to with requests: never follows redirects, writes `Cookie:` by hand;
    POSTs come from the console's own origin (`Origin`, `Sec-Fetch-Site: same-origin`), so only
    the session and the CSRF token decide."""

    def __init__(self, issuer: str):
        self.issuer = issuer

    def _headers(self, session: Optional[str], headers: Optional[dict]) -> dict:
        merged = {"Cookie": f"{CONSOLE_COOKIE}={session}"} if session else {}
        return {**merged, **(headers or {})}

    def get(self, path: str, session: Optional[str] = None, headers: Optional[dict] = None) -> requests.Response:
        return requests.get(self.issuer + path, headers=self._headers(session, headers), allow_redirects=False, timeout=30)

    def post(self, path: str, data: dict, session: Optional[str] = None, headers: Optional[dict] = None) -> requests.Response:
        same_origin = {"Origin": self.issuer, "Sec-Fetch-Site": "same-origin"}
        return requests.post(
            self.issuer + path, data=data, headers=self._headers(session, {**same_origin, **(headers or {})}),
            allow_redirects=False, timeout=30)


def history_lines(deployment: Deployment, holder: BoundHolder, event: str) -> list[dict]:
    """`cyberid wallet history --json`'s lines of one event."""
    return [line for line in deployment.wallet_history(holder) if line.get("event") == event]


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
