"""The citizen portal (issue 14, docs/portal.md) walked in headless Chromium as a person would:
the landing page, signing in with the wallet (the QR code read from the screen by zbar, the CLI
wallet approving with the number the page shows), the overview, the platforms (a consent
withdrawn), the history (filtered, downloaded as JSON and CSV), suspending one's own number and
then being refused; the same in Chinese, chosen with the switch or by the browser's language; a
guardian suspending a ward; an administrator's look-up of the record in the history.

Every page is screenshotted (`$CYBERID_ARTIFACTS_DIR`, else .build/browser-artifacts/), checked
with axe-core (no serious or critical violation) and must leave no error in the console."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
import time
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests

pytest.importorskip("selenium", reason="selenium is not installed (python3 -m pip install selenium)")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

from oidc_support import RelyingParty, login, unique  # noqa: E402
from portal_support import (  # noqa: E402
    ISSUE_LABELS,
    LANGUAGE_COOKIE,
    PORTAL_CLIENT_ID,
    SESSION_COOKIE,
    assert_login_page_language,
    canonical_number,
    check_page,
    click_and_wait,
    level_name,
    masked_phone,
    page_language,
    person_state,
    present,
    refused_sign_in,
    response_status,
    session_cookie,
    set_accept_language,
    set_time_zone,
    sign_in,
    table_rows,
    text_of,
    today_near,
    wait_for,
    wait_for_download,
    words,
)

# The browser's zone in the English walk: dates must be shown in it (DateText: `2 Dec 2026, 16:05`).
ZONE = "America/New_York"
ENGLISH_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
HISTORY_COLUMNS = {"id", "event", "outcome", "detail", "occurred_at"}  # client_id/client_name: with a platform
CSV_HEADER = ["occurred_at", "event", "outcome", "client_id", "client_name", "detail"]
QUOTED_CSV_LINE = re.compile(r'"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*')
FLAG_REASON = "unusual purchases at night"


def platform_with_consent(deployment, holder, name: str):
    """A platform (oidc suite helpers) the holder signed in to with the age scope, consenting to
    its claims: (client, the ID token's pairwise sub)."""
    client = deployment.create_client(name)
    rp = RelyingParty(deployment, client, scope="openid age")
    claims = login(deployment, rp, holder).claims
    assert claims.get("age_over_18") is True, claims
    return client, claims["sub"]


def flag_for_reverification(deployment, client, sub: str):
    response = requests.post(
        deployment.issuer + "/rp/v1/reverifications", data={"sub": sub, "reason": FLAG_REASON},
        auth=(client.client_id, client.client_secret), timeout=10,
    )
    assert response.status_code == 202, (response.status_code, response.text)


def english_date_time(instant: dt.datetime, zone: str) -> str:
    local = instant.astimezone(ZoneInfo(zone))
    return f"{local.day} {ENGLISH_MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"


def parse_instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def assert_nav(driver, language: str, current: str):
    labels = ISSUE_LABELS[language]
    for key in ("overview", "platforms", "history"):
        link = driver.find_element(By.ID, f"nav-{key}")
        assert link.text.strip() == labels[key], (key, link.text)
        assert (link.get_dom_attribute("aria-current") == "page") == (key == current), (key, current)
    sign_out = driver.find_element(By.ID, "sign-out")
    assert sign_out.text.strip() == labels["sign_out"], sign_out.text
    assert sign_out.tag_name == "button", "signing out is a POST form's button"
    assert sign_out.find_element(By.XPATH, "./ancestor::form").get_dom_attribute("method") == "post"


def apply_history_filter(driver, issuer: str, *, platform: str = "", kind: str = "", day_from: str = "", day_to: str = ""):
    """Fills the history filter as a person would (the selects; the date inputs by value, which
    typing would set too) and submits it."""
    Select(driver.find_element(By.ID, "filter-platform")).select_by_value(platform)
    Select(driver.find_element(By.ID, "filter-kind")).select_by_value(kind)
    for element_id, value in (("filter-from", day_from), ("filter-to", day_to)):
        element = driver.find_element(By.ID, element_id)
        assert element.get_dom_attribute("type") == "date", element_id
        driver.execute_script("arguments[0].value = arguments[1];", element, value)
    click_and_wait(driver, "filter-submit", until_url=issuer + "/account/history?")
    wait_for(driver, "history-table")
    query = parse_qs(urlsplit(driver.current_url).query)
    assert query.get("platform", [""])[0] == platform and query.get("kind", [""])[0] == kind, driver.current_url


def history_lines(driver) -> list[dict]:
    """The history table's rows: when, event, outcome, platform, details ([] for the empty row)."""
    if present(driver, "history-empty"):
        return []
    keys = ("when", "event", "outcome", "platform", "details")
    return [dict(zip(keys, row)) for row in table_rows(driver, "history-table")]


# --------------------------------------------------------------------------------------
# (a) The English walk, to the end: suspended, then refused
# --------------------------------------------------------------------------------------


def test_english_walk_from_the_landing_page_to_a_suspended_number(portal_browser, deployment, citizen, downloads):
    driver, issuer, en = portal_browser, deployment.issuer, "en"
    labels = ISSUE_LABELS[en]
    set_time_zone(driver, ZONE)
    client, sub = platform_with_consent(deployment, citizen, unique("Example Shop"))

    # The landing page: what CyberID is, and the way in. The person picks English.
    driver.get(issuer + "/")
    click_and_wait(driver, "lang-en", until_url=issuer + "/")
    assert page_language(driver) == en
    assert driver.find_element(By.TAG_NAME, "h1").text.strip() == words(en, "portal_landing_heading")
    sign_in_link = driver.find_element(By.ID, "sign-in")
    assert labels["sign_in"] in sign_in_link.text and sign_in_link.get_dom_attribute("href") == "/account/signin"
    for element_id, language in (("lang-zh", "zh-CN"), ("lang-en", "en")):
        link = driver.find_element(By.ID, element_id)
        assert link.get_dom_attribute("lang") == language and link.get_dom_attribute("hreflang") == language
        assert link.get_dom_attribute("href") == f"/language/{language}?next=/", link.get_dom_attribute("href")
    assert driver.find_element(By.ID, "lang-zh").text.strip() == "中文"
    assert driver.find_element(By.ID, "lang-en").text.strip() == "English"
    check_page(driver, "portal-en-01-landing")
    remembered = {cookie["name"]: cookie for cookie in driver.get_cookies()}[LANGUAGE_COOKIE]
    assert remembered["value"] == "en", remembered
    assert abs(remembered["expiry"] - time.time() - 365 * 86400) < 2 * 86400, "the language is remembered for a year"

    # Sign in: the login page (in English), its QR code read from the screen, the wallet approves.
    sign_in(driver, deployment, citizen, name="portal-en-02", start=False, language=en)
    cookie = session_cookie(driver)
    assert cookie.get("httpOnly") is True and cookie.get("secure") is True, cookie
    assert cookie.get("sameSite") == "Lax" and cookie.get("path") == "/", cookie
    assert "expiry" not in cookie, "the session cookie lasts as long as the browser session"
    assert SESSION_COOKIE not in driver.execute_script("return document.cookie;")

    # The overview.
    assert driver.current_url == issuer + "/account"
    assert_nav(driver, en, "overview")
    number = driver.find_element(By.ID, "network-number")
    assert canonical_number(number.text) == canonical_number(citizen.network_number), number.text
    # Shown as the person knows it from the wallet: XXXX-XXXX-XXXX-XXXX-C (docs/network-number.md).
    assert number.text.strip() == citizen.network_number, f"shown {number.text!r}, printed {citizen.network_number!r}"
    assert number.value_of_css_property("user-select") == "all", "the number is copied whole with one click"
    assert text_of(driver, "assurance-level") == words(en, "level_" + level_name(citizen.assurance_level))
    assert words(en, "state_active") in text_of(driver, "person-state")
    assert text_of(driver, "phone") == masked_phone(citizen.phone)
    certificates = table_rows(driver, "certificates")
    assert certificates and any(words(en, "cert_valid") in row for row in certificates), certificates
    assert not present(driver, "guardian") and not present(driver, "wards"), "an adult with no wards"
    assert labels["suspend"] in text_of(driver, "suspend")
    assert driver.find_element(By.ID, "sign-out-everywhere").tag_name == "button"
    check_page(driver, "portal-en-03-overview")

    # Platforms: the one used, its pairwise identifier (the sub its ID token carried), what it
    # learned; the platform flags the person, the page says so; the consent is withdrawn.
    flag_for_reverification(deployment, client, sub)
    click_and_wait(driver, "nav-platforms", until_url=issuer + "/account/platforms")
    assert_nav(driver, en, "platforms")
    section = driver.find_element(By.ID, f"platform-{client.client_id}")
    assert section.tag_name == "section" and client.name in section.text, section.text
    assert text_of(driver, f"pairwise-{client.client_id}") == sub, "the pairwise sub shown is the one the platform got"
    assert words(en, "claim_age_over_18") in section.text, section.text
    assert FLAG_REASON in text_of(driver, f"reverification-{client.client_id}")
    assert not present(driver, f"platform-{PORTAL_CLIENT_ID}"), "the portal itself is not a platform the person used"
    withdraw = driver.find_element(By.ID, f"withdraw-{client.client_id}")
    assert withdraw.text.strip() == labels["withdraw"], withdraw.text
    check_page(driver, "portal-en-04-platforms")
    click_and_wait(driver, f"withdraw-{client.client_id}", until_url=issuer + "/account/platforms?done=withdrawn")
    flash = driver.find_element(By.ID, "flash")
    assert flash.get_dom_attribute("role") == "status" and flash.text.strip() == words(en, "portal_flash_withdrawn")
    assert not present(driver, f"withdraw-{client.client_id}"), "the consent is gone"
    assert words(en, "portal_no_consent") in text_of(driver, f"platform-{client.client_id}")
    check_page(driver, "portal-en-05-platforms-withdrawn")

    # History: everything, oldest last (the enrollment), and the weekly chart.
    click_and_wait(driver, "nav-history", until_url=issuer + "/account/history")
    assert_nav(driver, en, "history")
    everything = history_lines(driver)
    assert everything and everything[-1]["event"] == words(en, "event_enrollment"), everything
    assert not present(driver, "history-older"), "fewer than 25 lines: one page"
    chart = driver.find_element(By.ID, "history-chart")
    svg = chart if chart.tag_name == "svg" else chart.find_element(By.TAG_NAME, "svg")
    assert svg.get_dom_attribute("role") == "img", svg.get_attribute("outerHTML")[:200]
    assert svg.find_elements(By.TAG_NAME, "title"), "the chart has a title"
    assert text_of(driver, "download-json") == labels["download_json"]
    assert text_of(driver, "download-csv") == labels["download_csv"]
    check_page(driver, "portal-en-06-history")

    # Filtered by platform and kind: the logins at that platform, then its withdrawal.
    apply_history_filter(driver, issuer, platform=client.client_id, kind="login")
    logins = history_lines(driver)
    assert logins, "the login at the platform is in the history"
    assert all(line["platform"] == client.name and line["event"] == words(en, "event_login") for line in logins), logins
    apply_history_filter(driver, issuer, platform=client.client_id, kind="consent-withdrawn")
    withdrawn = history_lines(driver)
    assert [line["event"] for line in withdrawn] == [words(en, "event_consent_withdrawn")], withdrawn
    assert Select(driver.find_element(By.ID, "filter-kind")).first_selected_option.get_dom_attribute("value") == "consent-withdrawn"
    check_page(driver, "portal-en-07-history-filtered")
    for element_id, extension in (("download-json", "json"), ("download-csv", "csv")):
        href = driver.find_element(By.ID, element_id).get_dom_attribute("href")
        assert urlsplit(href).path == f"/account/history.{extension}", href
        assert parse_qs(urlsplit(href).query) == {"platform": [client.client_id], "kind": ["consent-withdrawn"]}, href

    # Downloaded as JSON and CSV, the same lines; the table's time is in the browser's zone.
    driver.find_element(By.ID, "download-json").click()
    json_file = wait_for_download(downloads, r"cyberid-history-\d{4}-\d{2}-\d{2}\.json")
    assert today_near(dt.date.fromisoformat(json_file.name[16:26])), json_file.name
    exported = json.loads(json_file.read_text(encoding="utf-8"))
    assert isinstance(exported, list) and len(exported) == len(withdrawn), exported
    for line in exported:
        assert HISTORY_COLUMNS <= set(line), line
        assert line["event"] == "consent-withdrawn" and line["client_id"] == client.client_id, line
        assert line["client_name"] == client.name and isinstance(line["detail"], dict), line
    assert withdrawn[0]["when"] == english_date_time(parse_instant(exported[0]["occurred_at"]), ZONE), (
        withdrawn[0], exported[0]["occurred_at"])
    driver.find_element(By.ID, "download-csv").click()
    csv_file = wait_for_download(downloads, r"cyberid-history-\d{4}-\d{2}-\d{2}\.csv")
    text = csv_file.read_text(encoding="utf-8")
    assert all(QUOTED_CSV_LINE.fullmatch(row) for row in text.splitlines()), f"every cell quoted:\n{text}"
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == CSV_HEADER, rows[0]
    assert [(row[1], row[3], row[4]) for row in rows[1:]] == [
        ("consent-withdrawn", client.client_id, client.name)] * len(exported), rows
    assert [parse_instant(row[0]) for row in rows[1:]] == [parse_instant(line["occurred_at"]) for line in exported]
    assert all(isinstance(json.loads(row[5]), dict) for row in rows[1:]), rows

    # A day with nothing: the date filter leaves the table empty.
    tomorrow = (dt.datetime.now(ZoneInfo(ZONE)) + dt.timedelta(days=1)).date().isoformat()
    apply_history_filter(driver, issuer, day_from=tomorrow, day_to=tomorrow)
    assert history_lines(driver) == [] and present(driver, "history-empty")
    assert text_of(driver, "history-empty") == words(en, "portal_history_empty")

    # Suspend ("I lost my phone"), with a confirmation step: then signed out, everywhere.
    click_and_wait(driver, "nav-overview", until_url=issuer + "/account")
    click_and_wait(driver, "suspend", until_id="confirm-suspend")
    assert driver.current_url == issuer + "/account/suspend"
    assert text_of(driver, "confirm-suspend") == labels["suspend"]
    check_page(driver, "portal-en-08-suspend-confirm")
    assert person_state(deployment, citizen) == "active", "nothing happens before the confirmation"
    click_and_wait(driver, "confirm-suspend", until_id="sign-in")
    assert text_of(driver, "signed-out-message") == words(en, "portal_suspended_done")
    assert SESSION_COOKIE not in {cookie["name"] for cookie in driver.get_cookies()}, "signed out"
    check_page(driver, "portal-en-09-suspended")
    assert person_state(deployment, citizen) == "suspended"

    # Signing in again: the wallet is refused, and the page says why and what to do.
    refused_sign_in(driver, deployment, citizen, name="portal-en-10", language=en)
    assert response_status(driver) == 403
    assert text_of(driver, "refused-reason") == words(en, "portal_refused_inactive")
    assert words(en, "portal_help_suspended") in text_of(driver, "signin-refused")
    assert SESSION_COOKIE not in {cookie["name"] for cookie in driver.get_cookies()}
    check_page(driver, "portal-en-11-refused", allow_status=(403,))


# --------------------------------------------------------------------------------------
# (b) The walk in Chinese, chosen with the switch and remembered
# --------------------------------------------------------------------------------------


def test_chinese_walk_chosen_with_the_switch_and_remembered(portal_browser, deployment, citizen_zh):
    driver, issuer, zh = portal_browser, deployment.issuer, "zh-CN"
    labels = ISSUE_LABELS[zh]
    client, sub = platform_with_consent(deployment, citizen_zh, unique("示例商城"))

    # The browser asks for English; the person switches to 中文 on the landing page.
    set_accept_language(driver, "en-GB,en;q=0.9")
    driver.get(issuer + "/")
    assert page_language(driver) == "en"
    click_and_wait(driver, "lang-zh", until_url=issuer + "/")
    assert page_language(driver) == zh
    assert labels["sign_in"] in text_of(driver, "sign-in")
    assert driver.find_element(By.ID, "lang-zh").get_dom_attribute("aria-current") == "true"
    check_page(driver, "portal-zh-01-landing")

    # A fresh visit (the browser still asks for English): the choice is remembered.
    driver.get("about:blank")
    driver.get(issuer + "/")
    assert page_language(driver) == zh, "the language switch must be remembered (cookie)"

    # The login page is in Chinese too.
    sign_in(driver, deployment, citizen_zh, name="portal-zh-02", start=False, language=zh)

    # 概览
    assert_nav(driver, zh, "overview")
    assert canonical_number(text_of(driver, "network-number")) == canonical_number(citizen_zh.network_number)
    assert text_of(driver, "assurance-level") == words(zh, "level_" + level_name(citizen_zh.assurance_level))
    assert words(zh, "state_active") in text_of(driver, "person-state")
    assert text_of(driver, "phone") == masked_phone(citizen_zh.phone)
    assert labels["suspend"] in text_of(driver, "suspend")
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", driver.find_element(By.ID, "certificates").text), "dates in Chinese"
    check_page(driver, "portal-zh-03-overview")

    # 平台: the pairwise identifier, 撤回.
    click_and_wait(driver, "nav-platforms", until_url=issuer + "/account/platforms")
    assert_nav(driver, zh, "platforms")
    assert client.name in text_of(driver, f"platform-{client.client_id}")
    assert text_of(driver, f"pairwise-{client.client_id}") == sub
    assert words(zh, "claim_age_over_18") in text_of(driver, f"platform-{client.client_id}")
    assert text_of(driver, f"withdraw-{client.client_id}") == labels["withdraw"]
    check_page(driver, "portal-zh-04-platforms")
    click_and_wait(driver, f"withdraw-{client.client_id}", until_url=issuer + "/account/platforms?done=withdrawn")
    assert text_of(driver, "flash") == words(zh, "portal_flash_withdrawn")
    assert not present(driver, f"withdraw-{client.client_id}")
    check_page(driver, "portal-zh-05-platforms-withdrawn")

    # 历史: filtered by kind, in Chinese words and dates.
    click_and_wait(driver, "nav-history", until_url=issuer + "/account/history")
    assert_nav(driver, zh, "history")
    assert text_of(driver, "download-json") == words(zh, "portal_download_json")
    assert text_of(driver, "download-csv") == words(zh, "portal_download_csv")
    assert history_lines(driver)[-1]["event"] == words(zh, "event_enrollment")
    check_page(driver, "portal-zh-06-history")
    apply_history_filter(driver, issuer, kind="consent-withdrawn")
    lines = history_lines(driver)
    assert [(line["event"], line["platform"]) for line in lines] == [(words(zh, "event_consent_withdrawn"), client.name)], lines
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", lines[0]["when"]), lines[0]["when"]
    check_page(driver, "portal-zh-07-history-filtered")

    # The switch goes back to the page it was clicked on.
    click_and_wait(driver, "lang-en", until_url=issuer + "/account/history")
    assert page_language(driver) == "en" and text_of(driver, "nav-history") == ISSUE_LABELS["en"]["history"]
    click_and_wait(driver, "lang-zh", until_url=issuer + "/account/history")
    assert page_language(driver) == zh

    # 退出
    click_and_wait(driver, "sign-out", until_id="sign-in")
    assert text_of(driver, "signed-out-message") == words(zh, "portal_signed_out")
    assert labels["sign_in"] in text_of(driver, "sign-in")
    assert SESSION_COOKIE not in {cookie["name"] for cookie in driver.get_cookies()}
    check_page(driver, "portal-zh-08-signed-out")
    driver.get(issuer + "/account")
    assert urlsplit(driver.current_url).path == "/authorize", "signed out: the account pages lead to the sign-in"


# --------------------------------------------------------------------------------------
# (c) Chinese because the browser asks for it
# --------------------------------------------------------------------------------------


def test_accept_language_chooses_chinese_without_the_switch(portal_browser, deployment):
    driver, issuer = portal_browser, deployment.issuer
    set_accept_language(driver, "zh-CN,zh;q=0.9,en;q=0.5")
    driver.get(issuer + "/")
    assert page_language(driver) == "zh-CN"
    assert ISSUE_LABELS["zh-CN"]["sign_in"] in text_of(driver, "sign-in")
    assert LANGUAGE_COOKIE not in {cookie["name"] for cookie in driver.get_cookies()}, "nothing chosen, nothing remembered"
    check_page(driver, "portal-accept-zh-01-landing")
    click_and_wait(driver, "sign-in", until_id="qr-code")
    assert_login_page_language(driver, "zh-CN")
    check_page(driver, "portal-accept-zh-02-login")

    set_accept_language(driver, "en-GB,en;q=0.9")
    driver.get(issuer + "/")
    assert page_language(driver) == "en"
    assert ISSUE_LABELS["en"]["sign_in"] in text_of(driver, "sign-in")


# --------------------------------------------------------------------------------------
# (d) A guardian suspends a ward
# --------------------------------------------------------------------------------------


def test_guardian_suspends_and_resumes_a_ward(portal_browser, deployment, guardian, ward):
    driver, issuer, zh = portal_browser, deployment.issuer, "zh-CN"
    driver.get(issuer + "/")
    click_and_wait(driver, "lang-zh", until_url=issuer + "/")

    # The ward (12) sees who their guardian is.
    sign_in(driver, deployment, ward, start=False)
    assert canonical_number(guardian.network_number) in canonical_number(text_of(driver, "guardian"))
    assert not present(driver, "wards")
    check_page(driver, "portal-ward-01-overview")
    click_and_wait(driver, "sign-out", until_id="sign-in")

    # The guardian: the ward's row, suspend, confirm.
    sign_in(driver, deployment, guardian, start=False)
    assert not present(driver, "guardian")
    row = driver.find_element(By.ID, "ward-1")
    assert canonical_number(ward.network_number) in canonical_number(row.text), row.text
    assert words(zh, "state_active") in row.text
    assert text_of(driver, "ward-suspend-1") == ISSUE_LABELS[zh]["suspend"]
    assert not present(driver, "ward-2")
    check_page(driver, "portal-guardian-01-overview")
    click_and_wait(driver, "ward-suspend-1", until_id="confirm-ward-suspend")
    assert canonical_number(text_of(driver, "ward-number")) == canonical_number(ward.network_number)
    check_page(driver, "portal-guardian-02-ward-confirm")
    assert person_state(deployment, ward) == "active", "nothing happens before the confirmation"
    click_and_wait(driver, "confirm-ward-suspend", until_url=issuer + "/account?done=ward-suspended")
    wait_for(driver, "ward-1")
    assert text_of(driver, "flash") == words(zh, "portal_flash_ward_suspended")
    assert driver.find_element(By.ID, "flash").get_dom_attribute("role") == "status"
    ward_row = text_of(driver, "ward-1")
    assert words(zh, "state_suspended") in ward_row, ward_row
    # All of it in the page's language (the number aside): no English reason in a Chinese page.
    english = re.findall(r"[A-Za-z]{3,}", ward_row.replace(text_of(driver, "ward-number-1"), ""))
    assert not english, f"English words in the Chinese ward row: {english} ({ward_row!r})"
    assert present(driver, "ward-resume-1") and not present(driver, "ward-suspend-1")
    check_page(driver, "portal-guardian-03-ward-suspended")
    assert person_state(deployment, ward) == "suspended"

    # And back.
    click_and_wait(driver, "ward-resume-1", until_url=issuer + "/account?done=ward-resumed")
    wait_for(driver, "ward-1")
    assert words(zh, "state_active") in text_of(driver, "ward-1")
    assert person_state(deployment, ward) == "active"


# --------------------------------------------------------------------------------------
# (e) An administrator's look-up, with its legal basis, in the history; paging
# --------------------------------------------------------------------------------------

LEGAL_BASIS = "Criminal Procedure Law art. 52, case 2026-31"


def add_history_lines(deployment, holder, count: int):
    """`count` more lines (refused logins, no platform) at the time of the holder's newest line,
    written straight into the server's SQLite file: enough for a second page, in no time."""
    database = deployment.server.data_dir / "cyberid.sqlite"
    with sqlite3.connect(database, timeout=30) as connection:
        (person_id,) = connection.execute(
            "SELECT person_id FROM network_numbers WHERE number = ? AND status = 'active'",
            (holder.network_number.replace("-", ""),),
        ).fetchone()
        (newest,) = connection.execute("SELECT MAX(occurred_at) FROM history WHERE person_id = ?", (person_id,)).fetchone()
        connection.executemany(
            "INSERT INTO history (person_id, client_id, event, outcome, detail, occurred_at) VALUES (?, NULL, 'login', 'failure', ?, ?)",
            [(person_id, json.dumps({"reason": f"paging-test-{n}"}), newest) for n in range(count)],
        )


def test_record_lookup_shows_in_the_history_with_its_legal_basis(portal_browser, deployment, citizen_zh):
    driver, issuer, en = portal_browser, deployment.issuer, "en"
    deployment.cli_json("admin", "person", "record", citizen_zh.network_number, "--legal-basis", LEGAL_BASIS)
    add_history_lines(deployment, citizen_zh, 30)

    driver.get(issuer + "/")
    click_and_wait(driver, "lang-en", until_url=issuer + "/")
    sign_in(driver, deployment, citizen_zh, start=False)
    click_and_wait(driver, "nav-history", until_url=issuer + "/account/history")
    apply_history_filter(driver, issuer, kind="record-accessed")
    lines = history_lines(driver)
    assert len(lines) == 1 and lines[0]["event"] == words(en, "event_record_accessed"), lines
    assert words(en, "portal_detail_legal_basis", basis=LEGAL_BASIS) in lines[0]["details"], lines[0]
    check_page(driver, "portal-record-01-history")

    # 25 lines a page; older, then back to the newest.
    apply_history_filter(driver, issuer)
    first = history_lines(driver)
    assert len(first) == 25, len(first)
    assert not present(driver, "history-newer")
    click_and_wait(driver, "history-older", until_url=issuer + "/account/history?")
    second = history_lines(driver)
    assert 1 <= len(second) <= 25 and second[-1]["event"] == words(en, "event_enrollment"), second
    assert present(driver, "history-newer")
    check_page(driver, "portal-record-02-history-older")
    click_and_wait(driver, "history-newer", until_url=issuer + "/account/history")
    assert history_lines(driver) == first
