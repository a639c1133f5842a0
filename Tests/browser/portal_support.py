"""Helpers of the citizen-portal and demo-platform tests (issue 14; see README.md).

Built on browser_support.py (Chromium, the console log, zbar) and Tests/oidc/oidc_support.py (the
deployment, the wallet CLI, the relying party), imported, not copied. What is here:

* `sign_in`: a person signs in to the portal as they would: the QR code of the login page is read
  from the screen with zbar, and the CLI wallet approves it with the number the page shows;
* `check_page`: every page a test visits is screenshotted (`shot`), checked with axe-core (no
  violation of impact serious or critical, `axe_check`) and has a clean console;
* `catalogue`: the exact words of a language, read from the Swift string catalogue;
* HTTP helpers for `requests`, which never sends a `Secure` cookie over http, so the `Cookie:`
  header is always written by hand (`cookie_header`, `set_cookies`);
* `DemoPlatform`: `cyberid dev demo-platform` run as its own process.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs, urlsplit

import requests
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from browser_support import console, csp_messages, decode_qr, severe, wait_until
from oidc_support import Deployment, Holder, WalletAnswer, binary_path, cross_device_query

REPO = Path(__file__).resolve().parents[2]
CATALOGUE_DIR = REPO / "Sources" / "CyberIDWeb" / "Tables"
DEMO_STRINGS = REPO / "Sources" / "CyberIDDemoPlatform" / "Tables" / "DemoStrings.swift"

SESSION_COOKIE = "__Host-cyberid_session"
SIGNIN_COOKIE = "__Host-cyberid_signin"
LANGUAGE_COOKIE = "__Host-cyberid_lang"
PORTAL_CLIENT_ID = "cyberid-portal"
# The demo platform's legal basis for real-name claims (`--legal-basis`).
DEMO_LEGAL_BASIS = "Cybersecurity Law art. 24 (real-name registration of network users)"

# Every page a signed-out GET must not show, and every form action (issue 14, docs/portal.md).
SIGNED_IN_PAGES = (
    "/account", "/account/platforms", "/account/history", "/account/history.json", "/account/history.csv",
    "/account/suspend",
)
FORM_ACTIONS = (
    "/account/signout", "/account/signout-everywhere", "/account/platforms/withdraw", "/account/suspend",
    "/account/wards/suspend", "/account/wards/resume",
)

# How long the login page may take to continue after the wallet's answer (it polls every second).
SIGN_IN_TIMEOUT = 15.0


# --------------------------------------------------------------------------------------
# Artefacts: screenshots (never committed: .build*/ is ignored)
# --------------------------------------------------------------------------------------


def artifacts_dir() -> Path:
    """`$CYBERID_ARTIFACTS_DIR`, else `.build/browser-artifacts/` of the repository."""
    value = os.environ.get("CYBERID_ARTIFACTS_DIR")
    directory = Path(value) if value else REPO / ".build" / "browser-artifacts"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def shot(driver, name: str) -> Path:
    """A screenshot of the whole page (not only the window) as `<artifacts>/<name>.png`."""
    path = artifacts_dir() / f"{name}.png"
    try:
        metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        clip = {"x": 0, "y": 0, "width": max(1, size["width"]), "height": min(max(1, size["height"]), 8000), "scale": 1}
        data = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
        import base64

        path.write_bytes(base64.b64decode(data["data"]))
    except Exception:  # noqa: BLE001 — a window-sized screenshot is still worth having
        driver.save_screenshot(str(path))
    return path


# --------------------------------------------------------------------------------------
# axe-core and the console
# --------------------------------------------------------------------------------------

BLOCKING_IMPACTS = ("serious", "critical")


def axe_check(driver, name: str) -> dict:
    """Runs axe-core (axe-selenium-python 2.1.6 bundles axe-core 3.1.1) on the page; fails with a
    readable report when any violation is of impact serious or critical. The full results are
    kept beside the screenshots (`<name>.axe.json`)."""
    from axe_selenium_python import Axe

    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    (artifacts_dir() / f"{name}.axe.json").write_text(json.dumps(results.get("violations", []), indent=1))
    blocking = [v for v in results.get("violations", []) if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core on {name} ({driver.current_url}):\n" + axe_report(blocking)
    return results


def axe_report(violations: list[dict]) -> str:
    """Each violation: rule id, impact, what it means, and every element (selector + HTML)."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation.get('impact')}]: {violation.get('help') or violation.get('description')}")
        for node in violation.get("nodes", []):
            messages = [check.get("message", "") for kind in ("any", "all", "none") for check in node.get(kind, [])]
            lines.append(f"    {' '.join(node.get('target', []))}: {node.get('html', '')[:200]}")
            lines.extend(f"      {message}" for message in messages if message)
    return "\n".join(lines)


def assert_clean_console(driver, allow_status: tuple[int, ...] = ()):
    """No CSP violation and no SEVERE entry since the last read (reading drains the log). A page
    answered with a status in `allow_status` (a 403 refusal page) logs that status as a
    SEVERE "Failed to load resource" entry of its own: only that entry is allowed."""
    entries = console(driver)
    violations = csp_messages(entries)
    assert violations == [], f"Content Security Policy violations in the console: {violations}"
    errors = [
        message for message in severe(entries)
        if not any(f"status of {status}" in message for status in allow_status)
    ]
    assert errors == [], f"errors in the browser console: {errors}"


def check_page(driver, name: str, allow_status: tuple[int, ...] = ()) -> Path:
    """What every visited page gets: a screenshot, the axe check and a clean console."""
    path = shot(driver, name)
    axe_check(driver, name)
    assert_clean_console(driver, allow_status)
    return path


def response_status(driver) -> Optional[int]:
    """The HTTP status of the document the browser shows (Navigation Timing's responseStatus)."""
    return driver.execute_script(
        "var n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : null;"
    )


# --------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------

# One `"key": "value"` entry of a Swift dictionary literal (the value may be on the next line).
_ENTRY = re.compile(r'"([a-z0-9_]+)":\s*"((?:[^"\\\n]|\\.)*)"')
_UNICODE_ESCAPE = re.compile(r"\\u\{([0-9A-Fa-f]+)\}")


def _swift_string(text: str) -> str:
    text = _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def _swift_table(text: str, origin: str) -> dict[str, str]:
    table = {key: _swift_string(value) for key, value in _ENTRY.findall(text)}
    assert table, f"no strings read from {origin}"
    return table


_CATALOGUES: dict[str, dict[str, str]] = {}


def catalogue(language: str) -> dict[str, str]:
    """The portal's words in `language` (`en` or `zh-CN`), as the Swift catalogue has them
    (Sources/CyberIDWeb/Tables/Catalogue+English.swift / +Chinese.swift, merged as
    `Catalogue.standard` merges them with the console's administration pages in
    +Console.swift: its `consoleEnglishStrings`, then its `consoleChineseStrings`)."""
    if language not in _CATALOGUES:
        name = {"en": "Catalogue+English.swift", "zh-CN": "Catalogue+Chinese.swift"}[language]
        path = CATALOGUE_DIR / name
        table = _swift_table(path.read_text(encoding="utf-8"), str(path))
        console_path = CATALOGUE_DIR / "Catalogue+Console.swift"
        if console_path.is_file():
            english, marker, chinese = console_path.read_text(encoding="utf-8").partition("static let consoleChineseStrings")
            assert marker, f"no consoleChineseStrings in {console_path}"
            console_table = _swift_table(english if language == "en" else chinese, str(console_path))
            both = sorted(set(table) & set(console_table))
            assert not both, f"keys in two tables (Catalogue.standard refuses that): {both}"
            table.update(console_table)
        _CATALOGUES[language] = table
    return _CATALOGUES[language]


def words(language: str, key: str, **values: str) -> str:
    """One catalogue text with its `%{name}` placeholders filled."""
    table = catalogue(language)
    assert key in table, f"the {language} catalogue has no {key!r}"
    text = table[key]
    for name, value in values.items():
        text = text.replace("%{" + name + "}", value)
    return text


# The labels the issue names, per language (asserted exactly as the issue spells them).
ISSUE_LABELS = {
    "en": {
        "sign_in": "Sign in", "sign_out": "Sign out", "overview": "Overview", "platforms": "Platforms",
        "history": "History", "withdraw": "Withdraw", "suspend": "Suspend", "download_json": "Download JSON",
        "download_csv": "Download CSV",
    },
    "zh-CN": {
        "sign_in": "登录", "sign_out": "退出", "overview": "概览", "platforms": "平台", "history": "历史",
        "withdraw": "撤回", "suspend": "暂停",
    },
}


def page_language(driver) -> str:
    return driver.execute_script("return document.documentElement.lang;")


def text_of(driver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text.strip()


def present(driver, element_id: str) -> bool:
    return bool(driver.find_elements(By.ID, element_id))


def wait_for(driver, element_id: str, timeout: float = 10):
    return WebDriverWait(driver, timeout).until(expected_conditions.presence_of_element_located((By.ID, element_id)))


def click_and_wait(driver, element_id: str, *, until_id: Optional[str] = None, until_url: Optional[str] = None, timeout: float = 10):
    """Clicks `#element_id` (a link or a form's button), waits until the page it was on is gone,
    then for the next one: at `until_url` (exactly, or a prefix ending in `?`) and with `#until_id`."""
    old = None
    for attempt in range(3):
        # Chromium now and then reports a node found a moment ago as "not in the document" just
        # after a navigation; finding it again is enough.
        try:
            old = driver.find_element(By.TAG_NAME, "html")
            driver.find_element(By.ID, element_id).click()
            break
        except (StaleElementReferenceException, WebDriverException) as error:
            if attempt == 2 or not _transient(error):
                raise
            time.sleep(0.2)
    WebDriverWait(driver, timeout).until(lambda _: _gone(old))
    _wait_loaded(driver, timeout)
    if until_url is not None:
        reached = wait_until(lambda: _at(driver.current_url, until_url), timeout)
        assert reached, f"after #{element_id}: at {driver.current_url!r}, expected {until_url!r} ({page_summary(driver)})"
    if until_id is not None:
        wait_for(driver, until_id, timeout)


def _transient(error: Exception) -> bool:
    return isinstance(error, StaleElementReferenceException) or "does not belong to the document" in str(error)


def _gone(element) -> bool:
    """Whether the page `element` belonged to has been replaced (Selenium's staleness_of, also
    when Chromium says the node "does not belong to the document")."""
    try:
        element.is_enabled()
        return False
    except (StaleElementReferenceException, WebDriverException) as error:
        if _transient(error):
            return True
        raise


def _wait_loaded(driver, timeout: float):
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script("return document.readyState;") == "complete")


def _at(url: str, expected: str) -> bool:
    return url == expected or (expected.endswith("?") and url.startswith(expected))


def table_rows(driver, table_id: str) -> list[list[str]]:
    """The cells' texts of each body row of `table#table_id` (header cells too: `th scope=row`)."""
    rows = driver.find_elements(By.CSS_SELECTOR, f"#{table_id} tbody tr")
    return [[cell.text.strip() for cell in row.find_elements(By.CSS_SELECTOR, "th, td")] for row in rows]


# --------------------------------------------------------------------------------------
# Signing in with the wallet, as a person would
# --------------------------------------------------------------------------------------


@dataclass
class SignIn:
    wallet: WalletAnswer
    match_number: int
    qr: str


def assert_login_page_language(driver, language: str):
    """The login page speaks `language`: `<html lang>` and the waiting text of `#status`."""
    assert page_language(driver) == language, f"the login page's <html lang> is {page_language(driver)!r}, not {language!r}"
    status = driver.find_element(By.ID, "status").text
    waiting = words(language, "login_waiting")
    assert waiting.rstrip("…") in status, f"the login page's #status is {status!r}, not {waiting!r} ({language})"


def approve_login_page(
    driver, deployment: Deployment, holder: Holder, name: Optional[str] = None, language: Optional[str] = None
) -> SignIn:
    """On a CyberID login page: reads the QR code from the screen (zbar) and the number to pick,
    and has the CLI wallet on "another device" approve it with that number. With `name`, the
    page is first screenshotted and checked with axe as `name`; with `language`, it must speak it."""
    qr_element = wait_for(driver, "qr-code")
    if language:
        assert_login_page_language(driver, language)
    if name:
        check_page(driver, name)
    png = artifacts_dir() / f"{name or 'login'}-qr.png"
    match = int(driver.find_element(By.ID, "match-number").text)
    png.write_bytes(qr_element.screenshot_as_png)
    decoded = decode_qr(png)
    assert len(decoded) == 1, f"the QR code read as {decoded!r} ({png})"
    wallet_uri = parse_qs(urlsplit(driver.find_element(By.ID, "wallet-link").get_dom_attribute("href")).query)
    cross_device_query(decoded[0], deployment.issuer, wallet_uri["t"][0])
    answer = deployment.wallet_approve(holder, decoded[0], match=match)
    return SignIn(answer, match, decoded[0])


def sign_in(
    driver, deployment: Deployment, holder: Holder, *, name: Optional[str] = None, start: bool = True,
    language: Optional[str] = None,
) -> SignIn:
    """Signs `holder` in to the portal: `/` → `#sign-in` → the login page → the wallet approves →
    the page continues by itself to `/account`. With `start=False` the browser is already on a
    page with `#sign-in`. `name` prefixes the screenshot of the login page; with `language`, the
    login page must speak it."""
    if start:
        driver.get(deployment.issuer + "/")
    click_and_wait(driver, "sign-in", until_id="qr-code")
    signed = approve_login_page(driver, deployment, holder, name and f"{name}-login", language)
    assert signed.wallet.returncode == 0, (signed.wallet.stdout, signed.wallet.stderr)
    reached = wait_until(lambda: driver.current_url == deployment.issuer + "/account", SIGN_IN_TIMEOUT)
    assert reached, f"not signed in after the wallet approved: at {driver.current_url!r} ({page_summary(driver)})"
    wait_for(driver, "network-number")
    return signed


def refused_sign_in(
    driver, deployment: Deployment, holder: Holder, *, name: Optional[str] = None, language: Optional[str] = None
) -> SignIn:
    """Like `sign_in` from a page with `#sign-in`, for a person the service refuses: the wallet
    CLI exits 1 and the page ends on the refusal (`#signin-refused`)."""
    click_and_wait(driver, "sign-in", until_id="qr-code")
    signed = approve_login_page(driver, deployment, holder, name and f"{name}-login", language)
    assert signed.wallet.returncode == 1, (signed.wallet.stdout, signed.wallet.stderr)
    reached = wait_until(lambda: present(driver, "signin-refused"), SIGN_IN_TIMEOUT)
    assert reached, f"no #signin-refused after a refused approval: at {driver.current_url!r} ({page_summary(driver)})"
    return signed


def page_summary(driver) -> str:
    try:
        body = driver.find_element(By.TAG_NAME, "body").text
    except Exception as error:  # noqa: BLE001 — diagnostics only
        body = f"<{error.__class__.__name__}>"
    return f"{body[:400]!r}; console={console(driver)!r}"


def session_cookie(driver) -> dict:
    """The portal's session cookie as the browser holds it."""
    cookies = {cookie["name"]: cookie for cookie in driver.get_cookies()}
    assert SESSION_COOKIE in cookies, sorted(cookies)
    return cookies[SESSION_COOKIE]


def signed_in_session(driver, deployment: Deployment, holder: Holder) -> str:
    """A real portal session of `holder` (signed in through the browser), for HTTP tests: the
    cookie's value. The browser then forgets it (its cookies are cleared), so signing in again
    makes another session and nothing the browser does later ends this one."""
    sign_in(driver, deployment, holder)
    value = session_cookie(driver)["value"]
    driver.get("about:blank")
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    return value


# --------------------------------------------------------------------------------------
# Browser settings through the DevTools protocol
# --------------------------------------------------------------------------------------


def set_accept_language(driver, value: Optional[str]):
    """Sends `Accept-Language: value` with every request (None: the browser's own again)."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Accept-Language": value} if value else {}})


def set_time_zone(driver, zone: Optional[str]):
    """The browser's time zone (None: the system's)."""
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": zone or ""})


def allow_downloads(driver, directory: Path):
    """Downloads go to `directory` without asking."""
    directory.mkdir(parents=True, exist_ok=True)
    try:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(directory)})
    except Exception:  # noqa: BLE001 — older Chromium: the page-level command
        driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(directory)})


def wait_for_download(directory: Path, pattern: str, timeout: float = 15) -> Path:
    """The one finished file in `directory` whose name matches `pattern` (a regex)."""

    def finished():
        names = [p for p in directory.iterdir() if re.fullmatch(pattern, p.name)]
        partial = [p for p in directory.iterdir() if p.name.endswith(".crdownload")]
        return names if names and not partial else None

    found = wait_until(finished, timeout, interval=0.1)
    assert found, f"no download matching {pattern!r} in {directory}: {sorted(p.name for p in directory.iterdir())}"
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------------------
# HTTP with requests (the Cookie header by hand)
# --------------------------------------------------------------------------------------


def cookie_header(**cookies: str) -> dict:
    """`Cookie:` with `__Host-` names: cookie_header(cyberid_session=…)."""
    return {"Cookie": "; ".join(f"__Host-{name}={value}" for name, value in cookies.items())}


def set_cookies(response: requests.Response) -> dict[str, str]:
    """Every `Set-Cookie` of a response, by cookie name, as sent (attributes included)."""
    raw = response.raw.headers.getlist("Set-Cookie") if hasattr(response.raw.headers, "getlist") else []
    return {line.split("=", 1)[0].strip(): line for line in raw}


def cookie_attributes(line: str) -> tuple[str, dict[str, str]]:
    """(value, {lower-case attribute: value}) of one Set-Cookie line."""
    parts = [part.strip() for part in line.split(";")]
    value = parts[0].split("=", 1)[1]
    attributes = {}
    for part in parts[1:]:
        key, _, val = part.partition("=")
        attributes[key.strip().lower()] = val.strip()
    return value, attributes


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.csrf: list[str] = []
        self.lang: Optional[str] = None
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = attributes.get("lang")
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "input" and attributes.get("name") == "csrf":
            self.csrf.append(attributes.get("value", ""))


@dataclass
class Html:
    lang: Optional[str]
    ids: set
    csrf: Optional[str]


def parse_html(text: str) -> Html:
    parser = _FormParser()
    parser.feed(text)
    parser.close()
    tokens = set(parser.csrf)
    assert len(tokens) <= 1, f"a page must carry one CSRF token: {tokens}"
    return Html(parser.lang, parser.ids, next(iter(tokens), None))


class PortalHttp:
    """The portal spoken to with requests: never follows redirects, writes `Cookie:` by hand."""

    def __init__(self, issuer: str):
        self.issuer = issuer

    def get(self, path: str, session: Optional[str] = None, headers: Optional[dict] = None) -> requests.Response:
        merged = {**(cookie_header(cyberid_session=session) if session else {}), **(headers or {})}
        return requests.get(self.issuer + path, headers=merged, allow_redirects=False, timeout=30)

    def post(self, path: str, data: dict, session: Optional[str] = None, headers: Optional[dict] = None) -> requests.Response:
        merged = {**(cookie_header(cyberid_session=session) if session else {}), **(headers or {})}
        return requests.post(self.issuer + path, data=data, headers=merged, allow_redirects=False, timeout=30)

    def csrf(self, session: str) -> str:
        """The CSRF token the overview's forms carry for this session."""
        response = self.get("/account", session)
        assert response.status_code == 200, (response.status_code, response.headers.get("Location"))
        token = parse_html(response.text).csrf
        assert token, "the overview has no csrf field"
        return token

    def signed_in(self, session: str) -> bool:
        response = self.get("/account", session)
        if response.status_code == 200:
            return True
        assert response.status_code == 303 and response.headers.get("Location") == "/account/signin", (
            response.status_code, response.headers.get("Location"))
        return False


# --------------------------------------------------------------------------------------
# The CLI
# --------------------------------------------------------------------------------------


def person_state(deployment: Deployment, holder: Holder) -> str:
    """`cyberid admin person show NUMBER`'s state."""
    return deployment.cli_json("admin", "person", "show", holder.network_number)["state"]


def masked_phone(phone: str) -> str:
    """The portal's mask of a +86 number: `+86 139****1234`."""
    assert phone.startswith("+86") and len(phone) == 14, phone
    national = phone[3:]
    return f"+86 {national[:3]}{'*' * (len(national) - 7)}{national[-4:]}"


def canonical_number(text: str) -> str:
    return re.sub(r"[\s-]", "", text)


def level_name(assurance_level: str) -> str:
    """`substantial` from `substantial` or `http://eidas.europa.eu/LoA/substantial`."""
    return assurance_level.rstrip("/").rsplit("/", 1)[-1].lower()


def today_near(day: dt.date) -> bool:
    """Whether `day` is today in some time zone (a download is named by the person's day)."""
    today = dt.datetime.now(dt.timezone.utc).date()
    return abs((day - today).days) <= 1


# --------------------------------------------------------------------------------------
# The demo platform
# --------------------------------------------------------------------------------------


def demo_strings(language: str) -> dict[str, str]:
    """The demo platform's words (Sources/CyberIDDemoPlatform/Tables/DemoStrings.swift: the
    `english` table, then the `chinese` one)."""
    text = DEMO_STRINGS.read_text(encoding="utf-8")
    english, marker, chinese = text.partition("static let chinese")
    assert marker, f"no chinese table in {DEMO_STRINGS}"
    return _swift_table(english if language == "en" else chinese, str(DEMO_STRINGS))


class DemoPlatform:
    """`cyberid dev demo-platform --port N [--legal-basis TEXT]` with the deployment's
    environment, started after the server (it registers itself as a client through the shared
    data directory); its public URL is http://localhost:N (not 127.0.0.1: cookies are shared
    across the ports of one host, so it must not be the issuer's host)."""

    def __init__(self, deployment: Deployment, port: int, log: Path, legal_basis: Optional[str] = None):
        self.port = port
        self.legal_basis = legal_basis
        self.log = log
        args = [str(binary_path()), "dev", "demo-platform", "--port", str(port)]
        if legal_basis:
            args += ["--legal-basis", legal_basis]
        self._out = open(log, "wb")  # noqa: SIM115 — closed in stop()
        self.process = subprocess.Popen(
            args, env=deployment.cli_env, stdout=self._out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        self.url: Optional[str] = None
        self.client_id: Optional[str] = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            text = log.read_text(errors="replace")
            url = re.search(r"^demo platform: (\S+)$", text, re.M)
            client = re.search(r"^client: (\S+)$", text, re.M)
            if url and client:
                self.url, self.client_id = url.group(1), client.group(1)
                break
            if self.process.poll() is not None:
                raise AssertionError(f"the demo platform exited {self.process.returncode}: {text[-2000:]}")
            time.sleep(0.1)
        else:
            self.stop()
            raise AssertionError(f"the demo platform did not start within 90 s: {log.read_text(errors='replace')[-2000:]}")
        self.base = self.url.rstrip("/")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._out.close()


# The data-minimisation figure as ClaimsReport.swift defines it: the personal fields a token
# carries (name; birthdate; age — age_over_14 and age_over_18 together are one field; the network
# number), of the 4 a real-name sign-up form collects (name, ID number, phone, face photo).
PERSONAL_FIELDS = {
    "name": ("name",), "birthdate": ("birthdate",), "age": ("age_over_14", "age_over_18"),
    "network_number": ("network_number",),
}
FORM_FIELDS = 4


def personal_fields(claims: dict) -> list[str]:
    return [field for field, names in PERSONAL_FIELDS.items() if any(name in claims for name in names)]


