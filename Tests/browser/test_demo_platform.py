"""The demo platform (`cyberid dev demo-platform`, issue 14) in headless Chromium: its home page's
two sides (the traditional real-name form beside "Sign in with CyberID"), what a platform would
keep after the form, and — after signing in with CyberID through the QR code and the CLI
wallet — exactly what the platform learned, what it did not, and the data-minimisation figure
as Sources/CyberIDDemoPlatform/ClaimsReport.swift defines it.

It runs as its own process at http://localhost:PORT (the issuer is http://127.0.0.1:PORT: the
two never share cookies). Every page is screenshotted, checked with axe-core and must leave no
error in the console."""

from __future__ import annotations

import base64
import json

import pytest
import requests

pytest.importorskip("selenium", reason="selenium is not installed (python3 -m pip install selenium)")

from selenium.webdriver.common.by import By  # noqa: E402

from portal_support import (  # noqa: E402
    DEMO_LEGAL_BASIS,
    FORM_FIELDS,
    approve_login_page,
    artifacts_dir,
    check_page,
    click_and_wait,
    demo_strings,
    page_language,
    personal_fields,
    present,
    table_rows,
    text_of,
    wait_for,
)
from browser_support import wait_until  # noqa: E402

# A 1×1 PNG for the form's face-photo field (the demo discards the upload unread).
PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def demo_session(driver) -> dict:
    """The demo platform's session cookie in the browser (name and value), or {}."""
    cookies = driver.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]
    return next(({"name": c["name"], "value": c["value"]} for c in cookies if c["name"].endswith("demo_session")), {})


def open_home(driver, demo, language: str = "en"):
    """The demo's home page, in `language` (chosen with its switch)."""
    driver.get(demo.base + "/")
    wait_for(driver, "traditional-form")
    if page_language(driver) != language:
        click_and_wait(driver, "lang-zh" if language == "zh-CN" else "lang-en", until_url=demo.base + "/")
    assert page_language(driver) == language


def sign_in_with_cyberid(driver, deployment, holder, link_id: str, name: str):
    """Clicks "Sign in with CyberID" (`link_id`), approves the QR code of CyberID's login page
    with the CLI wallet (consenting to what is asked), and waits for /learned."""
    click_and_wait(driver, link_id, until_id="qr-code")
    assert driver.current_url.startswith(deployment.issuer + "/authorize?"), driver.current_url
    signed = approve_login_page(driver, deployment, holder, f"{name}-login")
    assert signed.wallet.returncode == 0, (signed.wallet.stdout, signed.wallet.stderr)
    demo_base = driver.current_url  # still the issuer's page here
    reached = wait_until(lambda: driver.current_url.endswith("/learned") and "localhost" in driver.current_url, 15)
    assert reached, f"not at /learned after the wallet approved: {driver.current_url} (from {demo_base})"
    wait_for(driver, "learned-claims")


def learned(driver) -> dict:
    """What /learned shows: the payload, the claims table, the not-learned list, the figure."""
    payload = json.loads(driver.find_element(By.ID, "id-token-payload").text)
    rows = {row[0]: row for row in table_rows(driver, "learned-claims")}
    not_learned = [item.text.strip() for item in driver.find_elements(By.CSS_SELECTOR, "#not-learned li")]
    figure = driver.find_element(By.ID, "minimisation")
    return {"payload": payload, "rows": rows, "not_learned": not_learned, "figure": figure}


def assert_figure(figure, payload: dict, strings: dict):
    """The figure is exactly ClaimsReport's: personal fields received of the 4 a real-name form collects."""
    received = len(personal_fields(payload))
    assert figure.get_dom_attribute("data-received") == str(received), (figure.get_attribute("outerHTML"), payload)
    assert figure.get_dom_attribute("data-collected") == str(FORM_FIELDS)
    expected = strings["demo_figure"].replace("%{received}", str(received)).replace("%{collected}", str(FORM_FIELDS))
    assert figure.find_element(By.CSS_SELECTOR, ".figure").text.strip() == expected, figure.text
    return received


def test_home_page_shows_both_sides_and_what_a_form_would_keep(browser, demo_platform):
    driver, en = browser, demo_strings("en")
    assert demo_platform.base.startswith("http://localhost:"), "the demo must not share the issuer's host"
    open_home(driver, demo_platform)

    # Left: the traditional form, every field labelled.
    form = driver.find_element(By.ID, "traditional-form")
    assert form.get_dom_attribute("method") == "post"
    fields = {field.get_dom_attribute("name"): field for field in form.find_elements(By.CSS_SELECTOR, "input")}
    assert {"name", "id_number", "phone", "face_photo"} <= set(fields), sorted(fields)
    for name, key in (("name", "demo_form_name"), ("id_number", "demo_form_id_number"), ("phone", "demo_form_phone"),
                      ("face_photo", "demo_form_face")):
        label = form.find_element(By.CSS_SELECTOR, f"label[for='{fields[name].get_dom_attribute('id')}']")
        assert label.text.strip() == en[key], (name, label.text)
    # Right: sign in with CyberID (age), and, with a legal basis, with the real name.
    cyberid = driver.find_element(By.ID, "sign-in-cyberid")
    assert cyberid.tag_name == "a" and cyberid.text.strip() == en["demo_sign_in_cyberid"]
    assert "scope=age" in cyberid.get_dom_attribute("href")
    realname = driver.find_element(By.ID, "sign-in-realname")
    assert "scope=realname" in realname.get_dom_attribute("href")
    assert DEMO_LEGAL_BASIS in driver.find_element(By.CSS_SELECTOR, "main").text
    check_page(driver, "demo-01-home-en")

    # The form, filled in and sent: what a platform would now keep.
    photo = artifacts_dir() / "demo-face.png"
    photo.write_bytes(PIXEL_PNG)
    fields["name"].send_keys("Zhang San")
    fields["id_number"].send_keys("110101199003071234")
    fields["phone"].send_keys("+8613800000000")
    fields["face_photo"].send_keys(str(photo))
    click_and_wait(driver, "traditional-submit", until_id="would-keep")
    kept = [item.text.strip() for item in driver.find_elements(By.CSS_SELECTOR, "#would-keep li")]
    assert kept == [en["demo_form_name"], en["demo_form_id_number"], en["demo_form_phone"], en["demo_form_face"]], kept
    assert "Zhang San" not in driver.page_source and "110101199003071234" not in driver.page_source
    check_page(driver, "demo-02-would-keep-en")

    # The same home page in Chinese.
    open_home(driver, demo_platform, "zh-CN")
    assert text_of(driver, "sign-in-cyberid") == demo_strings("zh-CN")["demo_sign_in_cyberid"]
    check_page(driver, "demo-03-home-zh")


def test_sign_in_with_cyberid_age_then_real_name(browser, deployment, holder, demo_platform):
    driver, en = browser, demo_strings("en")
    open_home(driver, demo_platform)

    # Age: verified, over 14, over 18 — and nothing about who the person is.
    sign_in_with_cyberid(driver, deployment, holder, "sign-in-cyberid", "demo-04-age")
    seen = learned(driver)
    payload, rows = seen["payload"], seen["rows"]
    assert payload["age_over_18"] is True and payload["cyberid_verified"] is True, payload
    assert payload["aud"] in (demo_platform.client_id, [demo_platform.client_id]), payload
    assert payload["iss"] == deployment.issuer
    assert "name" not in payload and "birthdate" not in payload, payload
    assert set(rows) == set(payload), (sorted(rows), sorted(payload))
    assert rows["age_over_18"][1].lower() == "true" and rows["cyberid_verified"][1].lower() == "true", rows
    assert en["demo_fact_name"] in seen["not_learned"] and en["demo_fact_id_number"] in seen["not_learned"], seen["not_learned"]
    assert en["demo_fact_phone"] in seen["not_learned"] and en["demo_fact_face_photo"] in seen["not_learned"]
    assert assert_figure(seen["figure"], payload, en) == 1, "age: one personal field of 4"
    personal = {row[0] for row in table_rows(driver, "learned-claims")
                if "personal" in (driver.find_element(By.ID, f"claim-{row[0]}").get_dom_attribute("class") or "")}
    assert personal == {"age_over_14", "age_over_18"} & set(payload), personal
    check_page(driver, "demo-05-learned-age-en")
    click_and_wait(driver, "lang-zh", until_url=demo_platform.base + "/learned")
    assert page_language(driver) == "zh-CN"
    assert_figure(driver.find_element(By.ID, "minimisation"), payload, demo_strings("zh-CN"))
    check_page(driver, "demo-06-learned-age-zh")
    click_and_wait(driver, "lang-en", until_url=demo_platform.base + "/learned")

    # A sign-in ends the session it began under and learns into a new one (session fixation: a
    # token planted in the browser must not read what the person's sign-in learned).
    before = demo_session(driver)
    assert before, driver.get_cookies()
    # Real name, with consent in the wallet: name and birthdate learned, still no ID number.
    driver.get(demo_platform.base + "/")
    sign_in_with_cyberid(driver, deployment, holder, "sign-in-realname", "demo-07-realname")
    seen = learned(driver)
    payload = seen["payload"]
    assert {"name", "birthdate"} <= set(payload), payload
    assert payload["birthdate"] == holder.birth_date.isoformat(), payload
    assert holder.surname.lower() in payload["name"].lower() and holder.given_names.lower() in payload["name"].lower()
    assert {"name", "birthdate"} <= set(seen["rows"]), sorted(seen["rows"])
    assert en["demo_fact_name"] not in seen["not_learned"] and en["demo_fact_birth_date"] not in seen["not_learned"]
    assert en["demo_fact_id_number"] in seen["not_learned"], seen["not_learned"]
    assert assert_figure(seen["figure"], payload, en) == 2, "real name: name and date of birth, 2 of 4"
    check_page(driver, "demo-08-learned-realname-en")
    after = demo_session(driver)
    assert after and after["value"] != before["value"], (before, after)
    planted = requests.get(demo_platform.base + "/learned", headers={"Cookie": f"{before['name']}={before['value']}"},
                           allow_redirects=False, timeout=10)
    assert planted.status_code == 303 and planted.headers["Location"] == "/", (planted.status_code, planted.headers)

    # Signing out of the platform (a CSRF-checked POST) goes home.
    click_and_wait(driver, "sign-out", until_url=demo_platform.base + "/")
    assert present(driver, "traditional-form")
    driver.get(demo_platform.base + "/learned")
    assert driver.current_url == demo_platform.base + "/", "signed out: nothing learned to show"
