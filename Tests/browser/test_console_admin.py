"""The console's administration pages (issue 15, docs/console.md): Platforms, Policy, Trust store,
Keys, Audit (filters, the signed checkpoint) and Statistics, walked in headless Chromium by the
operators whose roles they are, on the console's own server (`console_deployment`, per module).

The walk (`test_administration_walk_…`):

1. bootstrap on the server: Alice (platforms), Bob (registrar), Carol and Dan (keys), Erin
   (auditor); each operator sees exactly the navigation their role allows;
2. Alice registers a platform in the console: its secret is shown once (not after a reload),
   `admin client list` lists it and the citizen logs in to it (OIDC, client_secret_basic); one
   login the citizen declines. She changes its legal basis and events URL (the delivery column
   then counts the Security Event Tokens it received), disables it (an authorization request
   with its client id is refused) and enables it again (a login goes through), sets and clears a
   re-verification interval for it;
3. Bob adds a CSCA pasted as PEM (notAfter within 90 days: highlighted "expires soon") and a CRL
   whose nextUpdate is past ("update overdue"); text that is no PEM is a 400 page with
   `#trust-problem`; he removes both;
4. Carol asks to rotate the signing key; she cannot approve her own request (no button, a forged
   approval is a 403 page); Dan approves; Carol carries it out: a new active kid on Keys, in the
   JWKS, and in the next ID token;
5. Rolf, granted one role after another on the server, sees the navigation of support, records,
   admin and admin + platforms;
6. Erin (auditor) reads Platforms, Policy, Trust store and Keys without a form; every change
   route, forged from inside the page with her own CSRF token, is a 403 page and changes
   nothing; she filters the audit by operator, action prefix and day, downloads the signed
   checkpoint (`admin audit verify --against` accepts it) and reads the statistics: the counts
   are what the walk did, and no person's number, name or phone is in the page;
7. Erin switches to Chinese: the same pages in zh-CN, with no English left in their labels.

Every page is screenshotted (.build/browser-artifacts/console-admin-*.png), checked with axe-core
(no serious or critical violation) and must leave a clean browser console."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Optional

import pytest

pytest.importorskip("selenium", reason="selenium is not installed (python3 -m pip install selenium)")

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

from browser_support import wait_until  # noqa: E402
from console_support import (  # noqa: E402
    NAV,
    assert_error_page,
    console_sign_in,
    expected_nav,
    forged_post,
    grant_from_cli,
    nav,
    operator_list,
    page_csrf,
    pending_rows,
    use_session,
)
from oidc_support import (  # noqa: E402
    REDIRECT_URI,
    Browser,
    RegisteredClient,
    RelyingParty,
    SetReceiver,
    login,
    problem_code,
    start_login,
)
from portal_support import (  # noqa: E402
    assert_clean_console,
    catalogue,
    check_page,
    click_and_wait,
    page_language,
    present,
    response_status,
    table_rows,
    text_of,
    wait_for,
    words,
)

EN, ZH = "en", "zh-CN"
ROOT = "root"
ALICE, BOB, CAROL, DAN, ERIN, ROLF = (
    "Alice Platforms", "Bob Registrar", "Carol Keys", "Dan Keys", "Erin Auditor", "Rolf Rotating")
OPERATORS = {"alice": ("platforms", ALICE), "bob": ("registrar", BOB), "carol": ("keys", CAROL),
             "dan": ("keys", DAN), "erin": ("auditor", ERIN)}
LEGAL_BASIS = "Maritime Passenger Safety Act art. 12 (named passenger lists)"
SECOND_BASIS = "Contract 2026-318 with the port authority"
ROTATE_REASON = "scheduled quarterly rotation 2026-Q4"
POLICY_REASON = "ferry tickets need a document checked within a month"
# Registrations and changes a platform cache may keep for up to 2 s on the login path
# (docs/relying-parties.md §1).
CLIENT_CACHE = 2.2

# What each role's navigation shows (ConsolePages.navItems filtered by OperatorRules.roles(for:)),
# in the page's order.
ROLE_NAV = {
    "support": ("nav-persons", "nav-pending"),
    "records": ("nav-persons", "nav-pending"),
    "platforms": ("nav-pending", "nav-platforms", "nav-policy"),
    "registrar": ("nav-pending", "nav-trust"),
    "keys": ("nav-pending", "nav-keys"),
    "auditor": tuple(NAV),  # every page
    "admin": ("nav-pending", "nav-operators", "nav-audit", "nav-statistics"),
}


def shot_name(step: int, what: str) -> str:
    return f"console-admin-{step:02d}-{what}"


def page_check(driver, name: str, allow_status=()):
    """`check_page` (screenshot, axe, clean console), and the page fits the window's width: no
    table or form makes it scroll sideways."""
    check_page(driver, name, allow_status)
    widths = driver.execute_script(
        "var e = document.documentElement; return [e.scrollWidth, e.clientWidth, window.innerWidth];")
    assert widths[0] <= widths[1], f"{name}: the page is {widths[0]} px wide in a {widths[1]} px window"


def open_checked(driver, issuer: str, path: str, name: str, *, until_id: Optional[str] = None, allow_status=()):
    driver.get(issuer + path)
    if until_id:
        wait_for(driver, until_id)
    page_check(driver, name, allow_status)


# --------------------------------------------------------------------------------------
# Reading the pages
# --------------------------------------------------------------------------------------


def assert_nav(driver, *ids: str, language: str = EN):
    shown = nav(driver)
    assert list(shown) == list(ids), f"navigation {list(shown)}, expected {list(ids)}"
    assert shown == expected_nav(language, *ids), shown


def absent(driver, *selectors: str):
    """None of the CSS selectors matches (a read-only page offers no form, link or button to change)."""
    found = {selector: len(driver.find_elements(By.CSS_SELECTOR, selector)) for selector in selectors}
    assert not any(found.values()), f"{driver.current_url}: {found}"


def flash(driver, key: str):
    assert text_of(driver, "flash") == words(EN, key)


def platform_row(driver, client_id: str) -> Optional[tuple[str, list[str]]]:
    """(N of `#platform-N`, the cells' texts) of the platform, None when it is not listed."""
    for row in driver.find_elements(By.CSS_SELECTOR, "#platforms tbody tr[id^='platform-']"):
        cells = [cell.text.strip() for cell in row.find_elements(By.CSS_SELECTOR, "td")]
        if cells[1] == client_id:
            return row.get_attribute("id").removeprefix("platform-"), cells
    return None


def anchor_rows(driver) -> list[dict]:
    """`#trust-anchors` rows: N, class, kind, label, country, until, status, fingerprint."""
    out = []
    for row in driver.find_elements(By.CSS_SELECTOR, "#trust-anchors tbody tr[id^='anchor-']"):
        cells = [cell.text.strip() for cell in row.find_elements(By.CSS_SELECTOR, "td")]
        index = row.get_attribute("id").removeprefix("anchor-")
        out.append({
            "index": index, "class": (row.get_attribute("class") or "").split(), "kind": cells[0], "label": cells[1],
            "country": cells[2], "until": cells[3], "status": text_of(driver, f"anchor-status-{index}"),
            "fingerprint": cells[5],
        })
    return out


def anchor(driver, kind_key: str, marker: str) -> Optional[dict]:
    found = [row for row in anchor_rows(driver) if marker in row["label"] and row["kind"] == words(EN, kind_key)]
    assert len(found) <= 1, found
    return found[0] if found else None


def signing_keys(driver) -> list[tuple[str, str]]:
    """(kid, state) of each `#signing-keys` row."""
    return [(row[0], row[1]) for row in table_rows(driver, "signing-keys")]


def active_kid(driver) -> str:
    active = [kid for kid, state in signing_keys(driver) if state == words(EN, "console_key_active")]
    assert len(active) == 1, signing_keys(driver)
    return active[0]


def audit_rows(driver) -> list[dict]:
    rows = table_rows(driver, "audit-entries")
    if rows and len(rows[0]) == 1:  # "No entry"
        return []
    return [{"seq": int(r[0]), "actor": r[2], "action": r[3], "target": r[4], "reason": r[5]} for r in rows]


def filter_audit(driver, issuer: str, name: str, *, actor="", action="", day_from="", day_to="") -> list[dict]:
    """Fills `#audit-filter` (the date fields set as the date picker sets them) and applies it."""
    for element_id, value in (("filter-actor", actor), ("filter-action", action)):
        box = driver.find_element(By.ID, element_id)
        box.clear()
        if value:
            box.send_keys(value)
    for element_id, value in (("filter-from", day_from), ("filter-to", day_to)):
        driver.execute_script("document.getElementById(arguments[0]).value = arguments[1];", element_id, value)
    click_and_wait(driver, "filter", until_url=issuer + "/console/audit", until_id="audit-entries")
    page_check(driver, name)
    rows = audit_rows(driver)
    assert text_of(driver, "audit-shown") == words(EN, "console_audit_shown", shown=str(len(rows)), total=str(len(rows)))
    return rows


def open_details(driver):
    """Opens every `<details>` (as a person clicking "The numbers" would)."""
    for summary in driver.find_elements(By.CSS_SELECTOR, "details > summary"):
        summary.click()


def count_rows(driver, table_id: str) -> dict[str, str]:
    return {row[0]: row[1] for row in table_rows(driver, table_id) if len(row) == 2}


def label_texts(driver) -> list[str]:
    selector = "h1, h2, th, caption, label, button, summary, legend, nav a, dt"
    return [element.text.strip() for element in driver.find_elements(By.CSS_SELECTOR, selector)]


def assert_labelled(driver, language: str):
    """No heading, header cell, label or button is empty (a missing catalogue key renders as
    nothing), and in Chinese none is left in English."""
    texts = label_texts(driver)
    empty = [i for i, text in enumerate(texts) if not text]
    assert not empty, f"{driver.current_url}: {len(empty)} empty labels (a missing catalogue key?)"
    if language == ZH:
        english, chinese = catalogue(EN), catalogue(ZH)
        untranslated = {value for key, value in english.items() if chinese.get(key) != value and len(value) > 3}
        left = [text for text in texts if text in untranslated]
        assert not left, f"{driver.current_url}: English labels on a Chinese page: {left}"


# --------------------------------------------------------------------------------------
# A CSCA and a CRL made here (Python cryptography)
# --------------------------------------------------------------------------------------


@dataclass
class MadeCSCA:
    common_name: str
    certificate_pem: str
    crl_pem: str


def make_csca(country: str, *, valid_days: int, crl_overdue_days: int) -> MadeCSCA:
    """A self-signed CSCA (P-256) ending in `valid_days`, and a CRL it signed whose nextUpdate
    passed `crl_overdue_days` ago."""
    key = ec.generate_private_key(ec.SECP256R1())
    common_name = f"Test CSCA {country} {uuid.uuid4().hex[:8]}"
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, country),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Console test"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                          encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(name)
        .last_update(now - dt.timedelta(days=crl_overdue_days + 30))
        .next_update(now - dt.timedelta(days=crl_overdue_days))
        .add_extension(x509.CRLNumber(1), critical=False)
        .sign(key, hashes.SHA256())
    )
    return MadeCSCA(
        common_name, certificate.public_bytes(serialization.Encoding.PEM).decode(),
        crl.public_bytes(serialization.Encoding.PEM).decode())


def jws_header(token: str) -> dict:
    head = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))


# --------------------------------------------------------------------------------------
# The walk
# --------------------------------------------------------------------------------------


@dataclass
class Walk:
    driver: object
    d: object
    issuer: str
    people: dict
    http: object
    tmp: object
    sessions: dict = field(default_factory=dict)
    signed_in: set = field(default_factory=set)  # people with a successful console sign-in
    console_sign_ins: int = 0
    platform_logins: int = 0
    declined: int = 0
    client: Optional[RegisteredClient] = None
    rp: Optional[RelyingParty] = None
    platform_name: str = ""
    kids: tuple = ()


def sign_in(w: Walk, label: str, role: str, step: int, *, screenshots: bool = False):
    """The operator signs in; the home page shows their name and role and the role's navigation."""
    name = OPERATORS.get(label, (role, ROLF))[1]
    w.sessions[label] = console_sign_in(w.driver, w.d, w.people[label], name=shot_name(step, label) if screenshots else None)
    w.console_sign_ins += 1
    w.signed_in.add(label)
    page_check(w.driver, shot_name(step, f"{label}-home"))
    assert text_of(w.driver, "operator") == words(EN, "console_signed_in_as", name=name, roles=words(EN, f"role_{role}"))
    assert_nav(w.driver, *ROLE_NAV[role])


def bootstrap(w: Walk):
    """1. On the server: one operator per role of these pages, two for keys (four-eyes)."""
    for label, (role, name) in OPERATORS.items():
        grant_from_cli(w.d, w.people[label], role, name, operator=ROOT)
    listed = {entry["name"]: (entry["network_number"], entry["roles"]) for entry in operator_list(w.d)}
    assert listed == {name: (w.people[label].network_number, [role]) for label, (role, name) in OPERATORS.items()}, listed


def clients_listed(w: Walk) -> dict[str, dict]:
    listed = w.d.cli_json("admin", "client", "list")
    return {entry.get("client_id") or entry.get("id"): entry for entry in listed}


def platforms_walk(w: Walk):
    """2. Alice: register (secret once), OIDC login, change, delivery, disable/enable, policy."""
    driver, d, issuer, citizen = w.driver, w.d, w.issuer, w.people["citizen"]
    sign_in(w, "alice", "platforms", 1, screenshots=True)
    open_checked(driver, issuer, "/console/trust", shot_name(1, "alice-trust-refused"), allow_status=(403,))
    assert_error_page(driver, "platforms on the trust store", "console_error_not_allowed")
    for path in ("/console/keys", "/console/statistics", "/console/audit", "/console/operators", "/console/persons"):
        driver.get(issuer + path)
        assert_error_page(driver, f"platforms on {path}", "console_error_not_allowed")
        assert_clean_console(driver, (403,))

    open_checked(driver, issuer, "/console", shot_name(2, "alice-home"), until_id="areas")
    click_and_wait(driver, "nav-platforms", until_url=issuer + "/console/platforms", until_id="platforms")
    page_check(driver, shot_name(2, "alice-platforms"))
    assert_labelled(driver, EN)
    assert present(driver, "register-form")
    w.platform_name = f"Harbour Ferries {uuid.uuid4().hex[:6]}"
    driver.find_element(By.ID, "register-name").send_keys(w.platform_name)
    driver.find_element(By.ID, "register-redirects").send_keys(REDIRECT_URI)
    driver.find_element(By.ID, "register-scopes").send_keys("openid")
    click_and_wait(driver, "register", until_url=issuer + "/console/platforms/register", until_id="client-id")
    page_check(driver, shot_name(2, "alice-registered"))
    client_id, secret = text_of(driver, "client-id"), text_of(driver, "client-secret")
    assert text_of(driver, "registered-name") == w.platform_name
    assert text_of(driver, "secret-once") == words(EN, "console_secret_once")
    assert len(secret) >= 16 and client_id, (client_id, secret)
    index, cells = platform_row(driver, client_id)
    assert cells[0].splitlines()[0] == w.platform_name and cells[2] == words(EN, "console_platform_enabled"), cells
    assert text_of(driver, f"platform-delivery-{index}") == words(EN, "console_delivery_none")

    # Shown once: a reload of the list has neither the secret nor the notice.
    open_checked(driver, issuer, "/console/platforms", shot_name(2, "alice-platforms-reloaded"), until_id="platforms")
    assert not present(driver, "client-secret") and not present(driver, "secret-once") and not present(driver, "client-id")
    assert secret not in driver.page_source
    assert platform_row(driver, client_id) is not None
    listed = clients_listed(w)
    assert client_id in listed and secret not in json.dumps(listed), listed.get(client_id)

    # A registration the service refuses (a redirect URI neither https nor on localhost): a 400 page saying so.
    driver.find_element(By.ID, "register-name").send_keys("Plain HTTP Platform")
    driver.find_element(By.ID, "register-redirects").send_keys("http://ferries.example/cb")
    click_and_wait(driver, "register", until_url=issuer + "/console/platforms/register", until_id="platform-problem")
    assert response_status(driver) == 400
    page_check(driver, shot_name(2, "alice-register-refused"), allow_status=(400,))
    assert text_of(driver, "platform-problem").startswith(words(EN, "console_platform_invalid"))
    assert not present(driver, "client-secret")
    assert "Plain HTTP Platform" not in json.dumps(d.cli_json("admin", "client", "list"))
    # A client authentication the form does not offer (a JWKS is registered with the CLI): 400.
    forged_post(driver, "/console/platforms/register", {
        "csrf": page_csrf(driver), "name": "JWKS Platform", "redirect_uris": "https://ferries.example/cb",
        "auth_method": "private_key_jwt"})
    assert_error_page(driver, "a private_key_jwt registration from the console", "console_error_bad_request", status=400)
    assert_clean_console(driver, (400,))
    assert "JWKS Platform" not in json.dumps(d.cli_json("admin", "client", "list"))
    open_checked(driver, issuer, "/console/platforms", shot_name(2, "alice-platforms-again"), until_id="platforms")

    # The new client works: the citizen logs in; and declines once.
    w.client = RegisteredClient(client_id, secret, w.platform_name, REDIRECT_URI, "client_secret_basic", scopes=["openid"])
    w.rp = RelyingParty(d, w.client, scope="openid")
    sub = login(d, w.rp, citizen).claims["sub"]
    w.platform_logins += 1
    _, browser, page = start_login(d, w.rp)
    assert d.wallet_approve(citizen, page.wallet_uri, deny=True).returncode == 0
    assert browser.wait_decided(page) == "denied"
    w.declined += 1

    # Change the legal basis and events URL; the delivery column then counts the SETs.
    receiver = SetReceiver()
    try:
        click_and_wait(driver, f"edit-{index}", until_url=issuer + "/console/platforms/edit?", until_id="change-form")
        page_check(driver, shot_name(3, "alice-edit"))
        assert text_of(driver, "edit-client-id") == client_id
        assert driver.find_element(By.ID, "change-name").get_attribute("value") == w.platform_name
        driver.find_element(By.ID, "change-basis").send_keys(LEGAL_BASIS)
        driver.find_element(By.ID, "change-events").send_keys(receiver.url)
        click_and_wait(driver, "save", until_url=issuer + "/console/platforms?done=changed", until_id="platforms")
        flash(driver, "console_flash_changed")
        page_check(driver, shot_name(3, "alice-changed"))
        index, cells = platform_row(driver, client_id)
        assert (cells[3], cells[4]) == (LEGAL_BASIS, receiver.url), cells
        entry = clients_listed(w)[client_id]
        assert LEGAL_BASIS in json.dumps(entry) and receiver.url in json.dumps(entry), entry
        # A second change of the basis only.
        click_and_wait(driver, f"edit-{index}", until_url=issuer + "/console/platforms/edit?", until_id="change-form")
        basis = driver.find_element(By.ID, "change-basis")
        basis.clear()
        basis.send_keys(SECOND_BASIS)
        click_and_wait(driver, "save", until_url=issuer + "/console/platforms?done=changed", until_id="platforms")
        index, cells = platform_row(driver, client_id)
        assert (cells[3], cells[4]) == (SECOND_BASIS, receiver.url), cells

        d.cli_json("admin", "person", "suspend", citizen.network_number, "--reason", "console delivery test", "--operator", ROOT)
        d.cli_json("admin", "person", "resume", citizen.network_number, "--reason", "console delivery test", "--operator", ROOT)
        assert len(receiver.wait(2)) == 2, receiver.received
        expected = words(EN, "console_delivery_counts", delivered="2", waiting="0")

        def delivered():
            driver.get(issuer + "/console/platforms")
            wait_for(driver, "platforms")
            return text_of(driver, f"platform-delivery-{platform_row(driver, client_id)[0]}").startswith(expected + " · ")

        assert wait_until(delivered, 10), text_of(driver, f"platform-delivery-{platform_row(driver, client_id)[0]}")
        page_check(driver, shot_name(3, "alice-delivery"))
    finally:
        receiver.close()

    # Disable: an authorization request with its client id is refused; enable: a login goes through.
    index, _ = platform_row(driver, client_id)
    assert text_of(driver, f"disable-{index}") == words(EN, "console_platform_disable")
    click_and_wait(driver, f"disable-{index}", until_url=issuer + "/console/platforms?done=disabled", until_id="platforms")
    flash(driver, "console_flash_disabled")
    page_check(driver, shot_name(4, "alice-disabled"))
    index, cells = platform_row(driver, client_id)
    assert cells[2] == words(EN, "console_platform_disabled"), cells
    assert text_of(driver, f"disable-{index}") == words(EN, "console_platform_enable")
    assert clients_listed(w)[client_id].get("disabled") is True, clients_listed(w)[client_id]
    time.sleep(CLIENT_CACHE)
    refused = Browser().get(w.rp.begin().url)
    assert refused.status_code == 400 and "Location" not in refused.headers, (refused.status_code, refused.headers)
    problem_code(refused)
    click_and_wait(driver, f"disable-{index}", until_url=issuer + "/console/platforms?done=enabled", until_id="platforms")
    flash(driver, "console_flash_enabled")
    page_check(driver, shot_name(4, "alice-enabled"))
    assert platform_row(driver, client_id)[1][2] == words(EN, "console_platform_enabled")
    time.sleep(CLIENT_CACHE)
    assert login(d, w.rp, citizen).claims["sub"] == sub
    w.platform_logins += 1

    # A re-verification interval for this platform: set, then cleared.
    click_and_wait(driver, "nav-policy", until_url=issuer + "/console/policy", until_id="policies")
    page_check(driver, shot_name(5, "alice-policy"))
    Select(driver.find_element(By.ID, "policy-scope")).select_by_value(client_id)
    driver.find_element(By.ID, "policy-days").send_keys("30")
    driver.find_element(By.ID, "policy-reason").send_keys(POLICY_REASON)
    click_and_wait(driver, "policy-set", until_url=issuer + "/console/policy?done=policy-set", until_id="policies")
    flash(driver, "console_flash_policy_set")
    page_check(driver, shot_name(5, "alice-policy-set"))
    rows = {row[0]: row for row in table_rows(driver, "policies")}
    assert w.platform_name in rows and rows[w.platform_name][1] == "30", rows
    shown = {e["scope"]: e["interval_seconds"] for e in d.cli_json("admin", "policy", "show")["reverification_intervals"]}
    assert shown == {client_id: 30 * 86_400}, shown
    index = next(r.get_attribute("id").removeprefix("policy-") for r in driver.find_elements(By.CSS_SELECTOR, "#policies tbody tr[id^='policy-']")
                 if r.find_element(By.CSS_SELECTOR, "td").text.strip() == w.platform_name)
    driver.find_element(By.ID, f"clear-reason-{index}").send_keys("the port authority withdrew the requirement")
    click_and_wait(driver, f"clear-{index}", until_url=issuer + "/console/policy?done=policy-cleared", until_id="policies")
    flash(driver, "console_flash_policy_cleared")
    page_check(driver, shot_name(5, "alice-policy-cleared"))
    assert table_rows(driver, "policies") == [[words(EN, "console_policy_none")]], table_rows(driver, "policies")
    assert d.cli_json("admin", "policy", "show")["reverification_intervals"] == []
    # A review's finding: one `platforms` operator could make every sign-in to the console (or the
    # portal) a document check — a policy on CyberID's own clients, or an interval of seconds.
    for fields, status in (({"scope": "cyberid-console", "days": "30"}, 404), ({"scope": "cyberid-portal", "days": "30"}, 404),
                           ({"scope": "*", "days": "0.001"}, 400), ({"scope": client_id, "days": "0.009"}, 400)):
        forged_post(driver, "/console/policy/set", {"csrf": page_csrf(driver), "reason": "lock the operators out", **fields})
        assert response_status(driver) == status, (fields, response_status(driver))
        assert_clean_console(driver, (status,))
        open_checked(driver, issuer, "/console/policy", shot_name(5, "alice-policy-again"), until_id="policies")
    assert d.cli_json("admin", "policy", "show")["reverification_intervals"] == []


def trust_walk(w: Walk) -> MadeCSCA:
    """3. Bob: a CSCA expiring within 90 days and an overdue CRL, pasted as PEM; bad PEM; removal."""
    driver, issuer = w.driver, w.issuer
    sign_in(w, "bob", "registrar", 6)
    click_and_wait(driver, "nav-trust", until_url=issuer + "/console/trust", until_id="trust-anchors")
    page_check(driver, shot_name(6, "bob-trust"))
    before = anchor_rows(driver)
    assert before and all(row["status"] == words(EN, "console_trust_valid") for row in before), before
    csca = make_csca("NL", valid_days=60, crl_overdue_days=2)

    def add(kind: str, pem: str):
        Select(driver.find_element(By.ID, "trust-kind")).select_by_value(kind)
        box = driver.find_element(By.ID, "trust-pem")
        box.clear()
        box.send_keys(pem)

    add("csca", csca.certificate_pem)
    click_and_wait(driver, "trust-add", until_url=issuer + "/console/trust?done=trust-added", until_id="trust-anchors")
    flash(driver, "console_flash_trust_added")
    page_check(driver, shot_name(6, "bob-csca-added"))
    row = anchor(driver, "console_trust_kind_csca", csca.common_name)
    assert row and row["country"] == "NL" and "alert" in row["class"], row
    assert row["status"] == words(EN, "console_trust_expiring"), row
    assert anchor_rows(driver)[0]["label"] == row["label"], "the soonest to end first"

    add("crl", csca.crl_pem)
    click_and_wait(driver, "trust-add", until_url=issuer + "/console/trust?done=trust-added", until_id="trust-anchors")
    page_check(driver, shot_name(6, "bob-crl-added"))
    crl = anchor(driver, "console_trust_kind_crl", csca.common_name)
    assert crl and crl["country"] == "NL" and "alert" in crl["class"], crl
    assert crl["status"] == words(EN, "console_trust_overdue"), crl
    listed = trust_list(w)
    assert csca.common_name in listed, listed

    # Text that is no PEM of that kind: a 400 page saying so; nothing added.
    add("csca", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----")
    click_and_wait(driver, "trust-add", until_url=issuer + "/console/trust/add", until_id="trust-problem")
    assert response_status(driver) == 400
    page_check(driver, shot_name(6, "bob-bad-pem"), allow_status=(400,))
    assert text_of(driver, "trust-problem") == words(EN, "console_trust_invalid")
    add("crl", csca.certificate_pem)  # a certificate is not a CRL
    click_and_wait(driver, "trust-add", until_url=issuer + "/console/trust/add", until_id="trust-problem")
    assert response_status(driver) == 400
    assert_clean_console(driver, (400,))
    # A kind the form does not offer: 400, nothing added.
    forged_post(driver, "/console/trust/add", {"csrf": page_csrf(driver), "kind": "dsc", "pem": csca.certificate_pem})
    assert_error_page(driver, "an unknown trust-anchor kind", "console_error_bad_request", status=400)
    assert_clean_console(driver, (400,))
    open_checked(driver, issuer, "/console/trust", shot_name(6, "bob-trust-after-bad-kind"), until_id="trust-anchors")
    assert len(anchor_rows(driver)) == len(before) + 2

    for kind in ("console_trust_kind_csca", "console_trust_kind_crl"):
        row = anchor(driver, kind, csca.common_name)
        click_and_wait(driver, f"remove-{row['index']}", until_url=issuer + "/console/trust?done=trust-removed",
                       until_id="trust-anchors")
        flash(driver, "console_flash_trust_removed")
        assert anchor(driver, kind, csca.common_name) is None
    page_check(driver, shot_name(6, "bob-removed"))
    assert [r["label"] for r in anchor_rows(driver)] == [r["label"] for r in before]
    assert csca.common_name not in trust_list(w)
    return csca


def keys_walk(w: Walk):
    """4. Carol asks to rotate; she cannot approve it; Dan approves; Carol carries it out."""
    driver, d, issuer = w.driver, w.d, w.issuer
    sign_in(w, "carol", "keys", 7)
    click_and_wait(driver, "nav-keys", until_url=issuer + "/console/keys", until_id="signing-keys")
    page_check(driver, shot_name(7, "carol-keys"))
    old = active_kid(driver)
    assert old in {key.kid for key in d.keyset().keys}
    authorities = [row[0] for row in table_rows(driver, "authorities")]
    assert authorities == [words(EN, "console_ca_root"), words(EN, "console_ca_issuing")], authorities
    assert text_of(driver, "keys-offline") == words(EN, "console_keys_offline")
    masters = table_rows(driver, "master-keys")
    assert masters and [row[1] for row in masters].count(words(EN, "console_key_active")) == 1, masters
    driver.find_element(By.ID, "rotate-reason").send_keys(ROTATE_REASON)
    click_and_wait(driver, "request-rotate", until_url=issuer + "/console/pending?done=requested", until_id="pending-requests")
    flash(driver, "console_flash_requested")
    page_check(driver, shot_name(7, "carol-requested"))
    (request,) = [row for row in pending_rows(driver) if row.action == words(EN, "action_rotate_signing_key")]
    assert (request.reason, request.requester, request.status) == (
        ROTATE_REASON, CAROL, words(EN, "console_status_pending")), request
    assert not present(driver, f"approve-{request.id}") and not present(driver, f"open-{request.id}")
    forged_post(driver, "/console/requests/decide", {"csrf": page_csrf(driver), "id": request.id, "decision": "approve"})
    page_check(driver, shot_name(7, "carol-self-approval-refused"), allow_status=(403,))
    assert_error_page(driver, "Carol approving her own rotation", "console_error_four_eyes")
    open_checked(driver, issuer, "/console/keys", shot_name(7, "carol-keys-unchanged"), until_id="signing-keys")
    assert active_kid(driver) == old, "nothing rotates before a second keys operator approves"

    sign_in(w, "dan", "keys", 8)
    assert text_of(driver, "pending-count").startswith(words(EN, "console_home_pending_count", count="1"))
    click_and_wait(driver, "nav-pending", until_url=issuer + "/console/pending", until_id="pending-requests")
    page_check(driver, shot_name(8, "dan-pending"))
    driver.find_element(By.ID, f"decide-reason-{request.id}").send_keys("rotation window agreed")
    click_and_wait(driver, f"approve-{request.id}", until_url=issuer + "/console/pending?done=approved")
    flash(driver, "console_flash_approved")
    page_check(driver, shot_name(8, "dan-approved"))

    use_session(driver, issuer, w.sessions["carol"])
    open_checked(driver, issuer, "/console/pending", shot_name(9, "carol-pending-approved"), until_id="pending-requests")
    (approved,) = [row for row in pending_rows(driver) if row.id == request.id]
    assert (approved.status, approved.decider) == (words(EN, "console_status_approved"), DAN), approved
    assert text_of(driver, f"open-{request.id}") == words(EN, "console_carry_out")
    click_and_wait(driver, f"open-{request.id}", until_url=issuer + "/console/pending?done=carried-out")
    flash(driver, "console_flash_carried_out")
    page_check(driver, shot_name(9, "carol-carried-out"))
    assert request.id not in {row.id for row in pending_rows(driver)}

    open_checked(driver, issuer, "/console/keys", shot_name(9, "carol-keys-rotated"), until_id="signing-keys")
    new = active_kid(driver)
    assert new != old and (old, words(EN, "console_key_retired")) in signing_keys(driver), signing_keys(driver)
    published = {key.kid for key in d.keyset().keys}
    assert {old, new} <= published, (old, new, published)
    # Published at once, signing after the activation delay (3 s on this deployment).
    time.sleep(3.5)
    result = login(d, w.rp, w.people["citizen"])
    w.platform_logins += 1
    assert jws_header(result.token["id_token"])["kid"] == new, "the next ID token is signed with the new key"
    w.kids = (old, new)


def navigation_of_each_role(w: Walk):
    """5. Rolf holds one role after another (granted and revoked on the server): the navigation
    follows his roles at once, on the session he has."""
    driver, d, issuer = w.driver, w.d, w.issuer
    rolf = w.people["rolf"]
    grant_from_cli(d, rolf, "support", ROLF, operator=ROOT)
    sign_in(w, "rolf", "support", 10)
    previous = "support"
    for role in ("records", "admin"):
        grant_from_cli(d, rolf, role, ROLF, operator=ROOT)
        revoked = d.cli("admin", "operator", "revoke", rolf.network_number, "--role", previous, "--operator", ROOT)
        assert revoked.returncode == 0, (revoked.stdout, revoked.stderr)
        driver.get(issuer + "/console")
        wait_for(driver, "operator")
        assert_nav(driver, *ROLE_NAV[role])
        previous = role
    page_check(driver, shot_name(10, "rolf-admin-home"))
    grant_from_cli(d, rolf, "platforms", ROLF, operator=ROOT)
    driver.get(issuer + "/console")
    wait_for(driver, "operator")
    assert_nav(driver, "nav-pending", "nav-operators", "nav-platforms", "nav-policy", "nav-audit", "nav-statistics")
    assert text_of(driver, "operator") == words(
        EN, "console_signed_in_as", name=ROLF, roles=words(EN, "role_platforms") + words(EN, "common_list_separator") + words(EN, "role_admin"))


def auditor_reads(w: Walk, csca: MadeCSCA):
    """6. Erin: every administration page read-only; forged changes refused; audit; statistics."""
    driver, d, issuer = w.driver, w.d, w.issuer
    sign_in(w, "erin", "auditor", 11)
    client_id = w.client.client_id

    click_and_wait(driver, "nav-platforms", until_url=issuer + "/console/platforms", until_id="platforms")
    page_check(driver, shot_name(11, "erin-platforms"))
    absent(driver, "#register-form", "[id^='edit-']", "[id^='disable-']", "main form")
    index, cells = platform_row(driver, client_id)
    assert (cells[2], cells[3]) == (words(EN, "console_platform_enabled"), SECOND_BASIS), cells
    assert len(cells) == 6, "no Manage column for a reader"
    open_checked(driver, issuer, f"/console/platforms/edit?id={client_id}", shot_name(11, "erin-edit-refused"), allow_status=(403,))
    assert_error_page(driver, "an auditor on a platform's change page", "console_error_not_allowed")
    for path, until, selectors in (
        ("/console/policy", "policies", ("#policy-form", "[id^='clear-']", "main form")),
        ("/console/trust", "trust-anchors", ("#trust-form", "[id^='remove-']", "main form")),
        ("/console/keys", "signing-keys", ("#rotate-form", "main form")),
    ):
        open_checked(driver, issuer, path, shot_name(11, "erin-" + path.rsplit("/", 1)[1]), until_id=until)
        absent(driver, *selectors)
    assert active_kid(driver) == w.kids[1]

    # Every change route, forged from inside the page with Erin's own CSRF token: 403, nothing changes.
    csrf = page_csrf(driver)
    fingerprint = trust_list(w).split()[0]  # the development CSCA's (16 hex digits)
    forged = [
        ("/console/platforms/register", {"name": "Forged Platform", "redirect_uris": REDIRECT_URI}),
        ("/console/platforms/change", {"id": client_id, "name": "Forged name", "legal_basis": "forged"}),
        ("/console/platforms/disable", {"id": client_id, "disabled": "1"}),
        ("/console/policy/set", {"scope": "*", "days": "1", "reason": "forged"}),
        ("/console/policy/clear", {"scope": "*", "reason": "forged"}),
        ("/console/trust/add", {"kind": "csca", "pem": csca.certificate_pem}),
        ("/console/trust/remove", {"fingerprint": fingerprint}),
        ("/console/requests", {"action": "rotate-signing-key", "reason": "forged"}),
    ]
    clients_before, trust_before = clients_listed(w), trust_list(w)
    for number, (path, fields) in enumerate(forged):
        forged_post(driver, path, {"csrf": csrf, **fields})
        assert_error_page(driver, f"an auditor posting to {path}", "console_error_not_allowed")
        if number == 0:
            page_check(driver, shot_name(12, "erin-forged-refused"), allow_status=(403,))
        else:
            assert_clean_console(driver, (403,))
    assert clients_listed(w) == clients_before
    assert trust_list(w) == trust_before
    assert d.cli_json("admin", "policy", "show")["reverification_intervals"] == []
    assert {key.kid for key in d.keyset().keys} == set(w.kids)
    open_checked(driver, issuer, "/console/pending", shot_name(12, "erin-pending"))
    assert pending_rows(driver) == []

    # The audit: filters and the signed checkpoint.
    click_and_wait(driver, "nav-audit", until_url=issuer + "/console/audit", until_id="audit-entries")
    page_check(driver, shot_name(13, "erin-audit"))
    assert driver.find_element(By.ID, "download-checkpoint").get_dom_attribute("href") == "/console/audit/checkpoint"
    everything = audit_rows(driver)
    assert text_of(driver, "audit-shown") == words(
        EN, "console_audit_shown", shown=str(len(everything)), total=str(len(everything)))
    rows = filter_audit(driver, issuer, shot_name(13, "erin-audit-carol"), actor="carol keys")
    assert rows and {row["actor"] for row in rows} == {CAROL}, rows
    assert {row["action"] for row in rows} >= {"four-eyes.request", "keys.rotate"}, rows
    assert any(row["action"] == "keys.rotate" and row["target"] == w.kids[1] for row in rows), rows
    rows = filter_audit(driver, issuer, shot_name(13, "erin-audit-client"), action="client.")
    assert sorted(row["action"] for row in rows) == sorted(
        ["client.register", "client.change", "client.change", "client.disable", "client.enable"]), rows
    assert {(row["actor"], row["target"]) for row in rows} == {(ALICE, client_id)}, rows
    rows = filter_audit(driver, issuer, shot_name(13, "erin-audit-trust"), actor="registrar", action="trust.")
    assert sorted(row["action"] for row in rows) == ["trust.add-crl", "trust.add-csca", "trust.remove", "trust.remove"], rows
    assert {row["actor"] for row in rows} == {BOB}, rows
    rows = filter_audit(driver, issuer, shot_name(13, "erin-audit-policy"), actor="Alice", action="policy.")
    assert [(row["action"], row["target"]) for row in rows] == [
        ("policy.reverify-interval.clear", client_id), ("policy.reverify-interval", client_id)], rows
    today = dt.date.fromisoformat(driver.execute_script("return new Date().toLocaleDateString('en-CA');"))  # the browser's day
    rows = filter_audit(driver, issuer, shot_name(13, "erin-audit-today"), action="keys.",
                        day_from=today.isoformat(), day_to=today.isoformat())
    assert [row["action"] for row in rows] == ["keys.rotate"], rows
    rows = filter_audit(driver, issuer, shot_name(13, "erin-audit-tomorrow"),
                        day_from=(today + dt.timedelta(days=1)).isoformat())
    assert rows == [], rows

    answer = w.http.get("/console/audit/checkpoint", session=w.sessions["erin"])
    assert answer.status_code == 200, (answer.status_code, answer.text[:300])
    assert answer.headers.get("Content-Type", "").startswith("application/json"), answer.headers
    checkpoint = answer.json()
    assert set(checkpoint) >= {"seq", "entry_hash", "kid", "signature"}, checkpoint
    assert answer.headers.get("Content-Disposition") == f'attachment; filename="cyberid-audit-checkpoint-{checkpoint["seq"]}.json"'
    assert checkpoint["seq"] <= max(row["seq"] for row in everything)
    saved = w.tmp / "checkpoint.json"
    saved.write_bytes(answer.content)
    verified = d.cli("admin", "audit", "verify", "--against", str(saved))
    assert verified.returncode == 0, (verified.stdout, verified.stderr)

    statistics(w)


def trust_list(w: Walk) -> str:
    """`cyberid admin trust list` (a line per anchor: fingerprint prefix, kind, subject)."""
    result = w.d.cli("admin", "trust", "list")
    assert result.returncode == 0, (result.stdout, result.stderr)
    return result.stdout


def statistics(w: Walk):
    """The statistics page: the counts of what this module did, and no person in the page."""
    driver, issuer = w.driver, w.issuer
    click_and_wait(driver, "nav-statistics", until_url=issuer + "/console/statistics", until_id="stats-enrollments")
    open_details(driver)
    page_check(driver, shot_name(14, "erin-statistics"))
    assert_labelled(driver, EN)
    for chart in ("enrollments", "logins", "refusals", "active"):
        assert driver.find_elements(By.CSS_SELECTOR, f"#stats-{chart} figure svg"), f"no chart in #stats-{chart}"
        assert len(table_rows(driver, f"table-{chart}")) == 30, chart
    people = len(w.people)
    # Platform logins only: CyberID's own console sign-ins (w.console_sign_ins of them) are not
    # counted anywhere on this page.
    logins = w.platform_logins
    expected = {
        "enrollments": people, "logins": logins, "refusals": w.declined,
        "active": 1,  # the citizen, the one person who logged in to a platform today
    }
    shown = {chart: int(text_of(driver, f"total-{chart}")) for chart in expected}
    today = {chart: int(table_rows(driver, f"table-{chart}")[-1][1]) for chart in expected}
    assert shown == expected, f"totals {shown}, expected {expected}"
    assert today == expected, f"today's counts {today}, expected {expected}"
    assert count_rows(driver, "refusal-reasons") == {words(EN, "refusal_declined"): str(w.declined)}
    per_platform = count_rows(driver, "per-platform")
    assert per_platform.get(w.platform_name) == str(w.platform_logins), per_platform
    assert sum(int(v) for v in per_platform.values()) == logins, per_platform
    assert w.console_sign_ins > 0 and not any(name.startswith("CyberID") for name in per_platform), per_platform
    assert count_rows(driver, "persons-by-state") == {words(EN, "state_active"): str(people)}

    source = driver.page_source
    for label, person in w.people.items():
        for value in (person.network_number, person.network_number.replace("-", ""), person.surname,
                      person.given_names, person.phone, person.phone.removeprefix("+86")):
            assert value not in source, f"the statistics page holds {label}'s {value!r}"
    for label, (_, name) in OPERATORS.items():
        if label != "erin":
            assert name not in source, f"the statistics page names the operator {name!r}"


def in_chinese(w: Walk):
    """7. Erin switches to Chinese on Statistics; the other administration pages follow."""
    driver, issuer = w.driver, w.issuer
    click_and_wait(driver, "lang-zh", until_url=issuer + "/console/statistics", until_id="stats-enrollments")
    assert page_language(driver) == ZH
    open_details(driver)
    page_check(driver, shot_name(15, "zh-statistics"))
    assert driver.find_element(By.TAG_NAME, "h1").text == words(ZH, "console_nav_statistics")
    assert_nav(driver, *ROLE_NAV["auditor"], language=ZH)
    assert count_rows(driver, "refusal-reasons") == {words(ZH, "refusal_declined"): str(w.declined)}
    assert count_rows(driver, "persons-by-state") == {words(ZH, "state_active"): str(len(w.people))}
    assert_labelled(driver, ZH)
    for path, until in (("/console/platforms", "platforms"), ("/console/policy", "policies"), ("/console/trust", "trust-anchors"),
                        ("/console/keys", "signing-keys"), ("/console/audit", "audit-entries")):
        open_checked(driver, issuer, path, shot_name(15, "zh-" + path.rsplit("/", 1)[1]), until_id=until)
        assert page_language(driver) == ZH
        assert driver.find_element(By.TAG_NAME, "h1").text == words(ZH, "console_nav_" + path.rsplit("/", 1)[1])
        assert_labelled(driver, ZH)
    click_and_wait(driver, "lang-en", until_url=issuer + "/console/audit", until_id="audit-entries")
    assert page_language(driver) == EN


def test_administration_walk_platforms_trust_keys_audit_and_statistics(
        browser, console_deployment, console_people, console_http, tmp_path):
    w = Walk(browser, console_deployment, console_deployment.issuer, console_people, console_http, tmp_path)
    started = time.monotonic()
    bootstrap(w)
    platforms_walk(w)
    csca = trust_walk(w)
    keys_walk(w)
    navigation_of_each_role(w)
    auditor_reads(w, csca)
    in_chinese(w)
    assert time.monotonic() - started < 240, "four-eyes steps need a sign-in of the last five minutes"

