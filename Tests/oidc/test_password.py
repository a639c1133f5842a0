"""The network-identity password (口令, issue 17) that modes R02 and R04 ask for.

The wallet sets it (`POST /wallet/v1/password {"password"}`, or `wallet enroll --password-stdin`
/ `wallet password set`), changes it with the current one (`current_password`; a wrong current
one counts as an attempt), and reads its state (`GET /wallet/v1/password` → {"set", "locked"}).
Weak ones are 422 weak-password. Five wrong entries lock it: the fifth answers 423
password-locked and ends the login (unmet_authentication_requirements), and so does every later
try, even with the right password, until a reset: an enrollment session of purpose
`password-reset` started with the wallet's JWS, proven with the chip and a code to the bound
phone, ended by `POST /enrollment/v1/sessions/{id}/password` (`wallet password reset`). Every
wrong attempt, the lock, and every set/change/reset are `password` entries in the history.

The suite's servers hash with CYBERID_PASSWORD_SCRYPT_LOG_N=10 (oidc_support.SUITE_SETTINGS); at
the default cost each check takes up to a second against a debug build."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import time
import uuid

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from enrollment_support import Outbox
from oidc_support import (
    MODES,
    BoundHolder,
    Deployment,
    RelyingParty,
    WalletApi,
    approve_on_this_device,
    assert_error_redirect,
    assert_problem,
    chip_presentation,
    enroll_bound,
    finish_login,
    make_dev_document,
    random_phone,
    return_url_of,
    sign_wallet_jws,
    start_login,
)

BIRTH = dt.date(1984, 5, 17)  # 19840517, 840517, 170584, 051784, 17051984
FIRST, SECOND, THIRD = "40617283", "73920584", "58203719"
WRONG = "91827364"


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def person(deployment: Deployment, label: str, password: str | None = None) -> BoundHolder:
    return enroll_bound(deployment, label, birth_date=BIRTH, password=password)


def status(api: WalletApi, holder: BoundHolder) -> dict:
    response = api.password_status(holder)
    assert response.status_code == 200, response.text
    return response.json()


def r02_login(deployment: Deployment, client):
    rp = RelyingParty(deployment, client, scope="openid")
    auth, browser, page = start_login(deployment, rp, acr_values=MODES["R02"])
    return rp, auth, browser, page


def api_approve(deployment: Deployment, holder: BoundHolder, page, password: str | None) -> requests.Response:
    api = WalletApi(deployment.issuer)
    view = api.transaction(page.ticket)
    assert view.status_code == 200, view.text
    return api.post_decision(page.ticket, api.approval(holder, view.json()), request=page.request_token, password=password)


def finish_r02(deployment: Deployment, rp, auth, browser, page, answer: requests.Response) -> dict:
    """An approved API answer → the platform's tokens: acr R02, amr [hwk, pin]."""
    assert answer.status_code == 200, answer.text
    page.return_url = return_url_of(page, answer)
    assert browser.wait_decided(page) == "approved"
    claims = finish_login(deployment, rp, auth, browser, page)[3]
    assert claims["acr"] == MODES["R02"] and claims.get("amr") == ["hwk", "pin"], claims
    return claims


def assert_unmet(deployment: Deployment, rp, auth, browser, page):
    assert browser.wait_decided(page) == "denied"
    assert_error_redirect(
        browser.continue_login(page), redirect_uri=rp.client.redirect_uri, error="unmet_authentication_requirements",
        state=auth.state, issuer=deployment.issuer)


def password_history(deployment: Deployment, holder: BoundHolder) -> list[dict]:
    """The holder's `password` entries, oldest first."""
    return [e for e in reversed(deployment.wallet_history(holder)) if e.get("event") == "password"]


def sessions_url(deployment: Deployment) -> str:
    return deployment.server.base + "/enrollment/v1/sessions"


def reset_start(deployment: Deployment, holder: BoundHolder) -> requests.Response:
    """POST /enrollment/v1/sessions {"purpose": "password-reset", "wallet": JWS}."""
    jws = sign_wallet_jws(holder.key(), holder.certificate_der(), {
        "aud": deployment.issuer + "/enrollment", "iat": int(time.time()), "purpose": "password-reset"})
    return requests.post(sessions_url(deployment), json={"purpose": "password-reset", "wallet": jws}, timeout=30)


def session_post(deployment: Deployment, session_id: str, step: str, body: dict) -> requests.Response:
    return requests.post(f"{sessions_url(deployment)}/{session_id}/{step}", json=body, timeout=30)


def csr_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    request = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wallet")])).sign(key, hashes.SHA256())
    return request.public_bytes(serialization.Encoding.PEM).decode()


# --------------------------------------------------------------------------------------
# Set, change, status
# --------------------------------------------------------------------------------------


def test_set_change_and_status(deployment):
    """Not set → set (201 {"status": "set"}) → set again is 409 password-already-set → a change
    with a wrong current password is 403 wrong-password (an attempt, in the history), to a weak
    one 422 → a change (200 {"status": "changed"}) → the old password no longer logs in, the new
    one does (R02). `wallet password status` agrees with the API."""
    api = WalletApi(deployment.issuer)
    holder = person(deployment, "pw-change")
    assert status(api, holder) == {"set": False, "locked": False}
    shown = deployment.cli_json("wallet", "password", "status", "--json", "--wallet", str(holder.wallet))
    assert shown == {"set": False, "locked": False}, shown
    text = deployment.cli("wallet", "password", "status", "--wallet", str(holder.wallet))
    assert text.returncode == 0 and "not set" in text.stdout, (text.stdout, text.stderr)

    created = api.set_password(holder, FIRST)
    assert created.status_code == 201 and created.json() == {"status": "set"}, created.text
    assert status(api, holder) == {"set": True, "locked": False}
    assert_problem(api.set_password(holder, SECOND), "password-already-set", statuses=(409,))

    wrong = api.set_password(holder, SECOND, current=WRONG)
    assert_problem(wrong, "wrong-password", statuses=(403,))
    assert "4" in wrong.json().get("detail", ""), wrong.json()
    assert_problem(api.set_password(holder, "111111", current=FIRST), "weak-password", statuses=(422,))
    changed = api.set_password(holder, SECOND, current=FIRST)
    assert changed.status_code == 200 and changed.json() == {"status": "changed"}, changed.text
    assert deployment.cli_json("wallet", "password", "status", "--json", "--wallet", str(holder.wallet)) == {
        "set": True, "locked": False}

    client = deployment.create_client()
    rp, auth, browser, page = r02_login(deployment, client)
    assert_problem(api_approve(deployment, holder, page, FIRST), "wrong-password", statuses=(403,))
    finish_r02(deployment, rp, auth, browser, page, api_approve(deployment, holder, page, SECOND))

    entries = password_history(deployment, holder)
    assert [(e["outcome"], e["detail"].get("action")) for e in entries] == [
        ("success", "set"), ("failure", "wrong"), ("success", "changed"), ("failure", "wrong")], entries
    assert [str(e["detail"].get("remaining")) for e in entries if e["outcome"] == "failure"] == ["4", "4"], entries
    assert entries[-1].get("client_id") == client.client_id, entries[-1]
    for entry in entries:
        assert FIRST not in str(entry) and SECOND not in str(entry), entry


WEAK = {
    "letters": "abc123",
    "a letter among digits": "4061a283",
    "five digits": "40617",
    "one digit repeated": "777777",
    "a run up": "123456",
    "a run down": "654321",
    "a run that wraps": "890123",
    "a long run": "0123456789",
    "a pair repeated": "121212",
    "a triple repeated": "123123",
    "keypad column": "147258",
    "keypad cross": "159753",
    "5201314": "5201314",
    "birth YYYYMMDD": "19840517",
    "birth YYMMDD": "840517",
    "birth DDMMYY": "170584",
    "birth MMDDYY": "051784",
    "birth DDMMYYYY": "17051984",
}


@pytest.fixture(scope="module")
def weak_holder(deployment) -> BoundHolder:
    return person(deployment, "pw-weak")


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
def test_weak_passwords_are_refused(deployment, weak_holder, password):
    api = WalletApi(deployment.issuer)
    assert_problem(api.set_password(weak_holder, password), "weak-password", statuses=(422,))


def test_password_cli(deployment):
    """`wallet password set` refuses a weak password itself (exit 1; the birth date, which only
    the service knows, is refused by it: exit 1 too) and sets a good one; `wallet password
    change` (two lines) changes it, and a wrong current one exits 1; `wallet enroll
    --password-stdin` with a weak one exits 1 before anything is enrolled (no SMS, no wallet)."""
    holder = person(deployment, "pw-cli")
    wallet = str(holder.wallet)
    for password in ("123456", "19840517"):
        refused = deployment.cli("wallet", "password", "set", "--password-stdin", "--wallet", wallet, input=password + "\n")
        assert refused.returncode == 1, (password, refused.stdout, refused.stderr)
    assert status(WalletApi(deployment.issuer), holder)["set"] is False
    done = deployment.cli("wallet", "password", "set", "--password-stdin", "--wallet", wallet, input=THIRD + "\n")
    assert done.returncode == 0 and "password set" in done.stdout, (done.stdout, done.stderr)
    assert status(WalletApi(deployment.issuer), holder) == {"set": True, "locked": False}
    again = deployment.cli("wallet", "password", "set", "--password-stdin", "--wallet", wallet, input=FIRST + "\n")
    assert again.returncode == 1 and "password-already-set" in again.stderr, (again.stdout, again.stderr)

    def change(current: str, new: str):
        return deployment.cli(
            "wallet", "password", "change", "--password-stdin", "--wallet", wallet, input=f"{current}\n{new}\n")

    weak = change(THIRD, "123456")
    assert weak.returncode == 1, (weak.stdout, weak.stderr)
    changed = change(THIRD, FIRST)
    assert changed.returncode == 0 and "password changed" in changed.stdout, (changed.stdout, changed.stderr)
    wrong = change(THIRD, SECOND)  # the old one
    assert wrong.returncode == 1 and "wrong-password" in wrong.stderr, (wrong.stdout, wrong.stderr)
    actions = [(e["outcome"], e["detail"].get("action")) for e in password_history(deployment, holder)]
    assert actions == [("success", "set"), ("success", "changed"), ("failure", "wrong")], actions

    document = make_dev_document(deployment, "pw-weak-enroll", birth_date=BIRTH)
    phone, target = random_phone(deployment), deployment.scratch / f"wallet-weak-{uuid.uuid4().hex[:6]}.json"
    enrolled = deployment.cli(
        "wallet", "enroll", "--document", str(document.directory), "--phone", phone, "--server", deployment.server.base,
        "--wallet", str(target), "--password-stdin", input="111111\n")
    assert enrolled.returncode == 1, (enrolled.stdout, enrolled.stderr)
    assert not target.exists()
    assert Outbox(deployment.server.outbox_path).count(phone) == 0


# --------------------------------------------------------------------------------------
# The lock and the reset
# --------------------------------------------------------------------------------------


def test_five_wrong_tries_lock_until_a_reset(deployment):
    """Four wrong passwords in one R02 login: 403 each with 4, 3, 2, 1 tries left, the login
    open; the fifth: 423 password-locked, the platform gets unmet. A new login with the RIGHT
    password: 423 again, unmet. A reset with another phone is refused; `wallet password reset`
    with the chip and the bound phone unlocks with a new password, which then logs in (CLI).
    Every step is in the history."""
    api = WalletApi(deployment.issuer)
    holder = enroll_bound(deployment, "pw-lock", birth_date=BIRTH, password=FIRST)  # `wallet enroll --password-stdin`
    assert status(api, holder) == {"set": True, "locked": False}
    client = deployment.create_client()

    rp, auth, browser, page = r02_login(deployment, client)
    for left in (4, 3, 2, 1):
        wrong = api_approve(deployment, holder, page, WRONG)
        assert_problem(wrong, "wrong-password", statuses=(403,))
        assert str(left) in wrong.json()["detail"] or (left == 1 and "one" in wrong.json()["detail"]), wrong.json()
        assert browser.status(page) == "pending"
    assert_problem(api_approve(deployment, holder, page, WRONG), "password-locked", statuses=(423,))
    assert_unmet(deployment, rp, auth, browser, page)

    rp, auth, browser, page = r02_login(deployment, client)
    assert_problem(api_approve(deployment, holder, page, FIRST), "password-locked", statuses=(423,))
    assert_unmet(deployment, rp, auth, browser, page)
    assert status(api, holder) == {"set": True, "locked": True}
    assert_problem(api.set_password(holder, SECOND, current=FIRST), "password-locked", statuses=(423,))
    shown = deployment.cli_json("wallet", "password", "status", "--json", "--wallet", str(holder.wallet))
    assert shown == {"set": True, "locked": True}, shown
    text = deployment.cli("wallet", "password", "status", "--wallet", str(holder.wallet))
    assert text.returncode == 0 and "locked" in text.stdout, (text.stdout, text.stderr)
    rp, auth, browser, page = r02_login(deployment, client)
    cli = deployment.wallet_approve(holder, page.wallet_uri, password=FIRST)
    assert cli.returncode == 1 and "password-locked" in cli.stderr, (cli.stdout, cli.stderr)
    assert "wallet password reset" in cli.stderr, cli.stderr  # the hint
    assert_unmet(deployment, rp, auth, browser, page)

    def reset(phone: str):
        return deployment.cli(
            "wallet", "password", "reset", "--document", str(holder.document_dir), "--phone", phone,
            "--wallet", str(holder.wallet), "--server", deployment.server.base, "--password-stdin", input=SECOND + "\n")

    other = reset(random_phone(deployment))
    assert other.returncode == 1 and "phone-mismatch" in other.stderr, (other.stdout, other.stderr)
    assert status(api, holder)["locked"] is True
    done = reset(holder.phone)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert status(api, holder) == {"set": True, "locked": False}

    rp, auth, browser, page = r02_login(deployment, client)
    approve_on_this_device(deployment, browser, page, holder, password=SECOND)
    claims = finish_login(deployment, rp, auth, browser, page)[3]
    assert claims["acr"] == MODES["R02"] and claims["amr"] == ["hwk", "pin"], claims

    entries = password_history(deployment, holder)
    steps = [(e["outcome"], e["detail"].get("action"), e["detail"].get("remaining")) for e in entries]
    assert steps == [
        ("success", "set", None),
        ("failure", "wrong", "4"), ("failure", "wrong", "3"), ("failure", "wrong", "2"), ("failure", "wrong", "1"),
        ("failure", "locked", "0"),
        ("failure", "refused-locked", None),  # the change tried while locked
        ("success", "reset", None),
    ], steps
    logins = [e for e in entries if e["outcome"] == "failure" and e["detail"].get("action") != "refused-locked"]
    assert all(e.get("client_id") == client.client_id for e in logins), entries


def test_concurrent_guesses_do_not_pass_the_limit(deployment):
    """Eight wrong passwords sent at once to one R02 login: at most four are wrong-password, one
    locks, the others are refused without a check; the history has exactly five failures."""
    holder = person(deployment, "pw-race", password=FIRST)
    client = deployment.create_client()
    rp, auth, browser, page = r02_login(deployment, client)
    api = WalletApi(deployment.issuer)
    view = api.transaction(page.ticket).json()
    approvals = [api.approval(holder, view) for _ in range(8)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(
            lambda approval: api.post_decision(page.ticket, approval, request=page.request_token, password=WRONG),
            approvals))
    codes = sorted(answer.json().get("type", "").rsplit(":", 1)[-1] for answer in answers)
    assert codes.count("wrong-password") == 4 and codes.count("password-locked") >= 1, codes
    assert set(codes) <= {"wrong-password", "password-locked", "login-already-decided"}, codes
    assert_unmet(deployment, rp, auth, browser, page)
    failures = [e for e in password_history(deployment, holder) if e["outcome"] == "failure"]
    assert sorted(e["detail"]["action"] for e in failures) == ["locked", "wrong", "wrong", "wrong", "wrong"], failures
    assert status(api, holder) == {"set": True, "locked": True}


def test_the_reset_session_over_the_api(deployment):
    """purpose password-reset needs the wallet's JWS (400 without); another person's document is
    document-mismatch; completing the session with a CSR is refused (400); POST …/password →
    {"status": "reset"} (also for a person who never set one), with no certificate issued; the
    session is then over (409 wrong-step for a second password or a CSR). One check."""
    api = WalletApi(deployment.issuer)
    holder = person(deployment, "pw-reset-api")
    stranger = person(deployment, "pw-reset-stranger")
    assert_problem(
        requests.post(sessions_url(deployment), json={"purpose": "password-reset"}, timeout=30),
        "malformed-request", statuses=(400,))

    started = reset_start(deployment, holder)
    assert started.status_code == 201, started.text
    session = started.json()
    document, _ = chip_presentation(stranger, session["aa_challenge"])
    assert_problem(session_post(deployment, session["session_id"], "document", document), "document-mismatch", statuses=(403,))

    started = reset_start(deployment, holder)
    assert started.status_code == 201, started.text
    session = started.json()
    assert session.get("purpose") == "password-reset", session
    sid = session["session_id"]
    document, _ = chip_presentation(holder, session["aa_challenge"])
    assert session_post(deployment, sid, "document", document).status_code == 200
    outbox = Outbox(deployment.server.outbox_path)
    previous = outbox.count(holder.phone)
    assert session_post(deployment, sid, "phone", {"phone": holder.phone}).status_code in (200, 201, 202)
    code = outbox.wait_code(holder.phone, previous)
    confirmed = session_post(deployment, sid, "phone/confirm", {"code": code})
    assert confirmed.status_code == 200, confirmed.text

    assert_problem(session_post(deployment, sid, "complete", {"csr": csr_pem()}), "malformed-request", statuses=(400,))
    assert_problem(session_post(deployment, sid, "password", {"password": "111111"}), "weak-password", statuses=(422,))
    reset = session_post(deployment, sid, "password", {"password": THIRD})
    assert reset.status_code == 200 and reset.json() == {"status": "reset"}, reset.text
    assert status(api, holder) == {"set": True, "locked": False}
    assert_problem(session_post(deployment, sid, "password", {"password": SECOND}), "wrong-step", statuses=(409,))
    assert_problem(session_post(deployment, sid, "complete", {"csr": csr_pem()}), "wrong-step", statuses=(409,))
    assert [e["detail"].get("action") for e in password_history(deployment, holder)] == ["reset"]
    # No certificate was issued or revoked: the wallet's one is the only one, still valid.
    assert [c["status"] for c in deployment.cli_json("admin", "certificate", "list", holder.network_number)] == ["valid"]


def test_no_password_reaches_the_server_log(deployment):
    """Run last in this file: after every set, change, wrong try, lock and reset above, the
    server's log (every request line, at the suite's log level) holds none of the passwords."""
    text = deployment.server.stderr_path.read_text(errors="replace")
    # The log does record the password requests themselves (so there was something to leak).
    assert "/wallet/v1/password" in text and "/wallet/v1/login" in text, text[-2000:]
    for secret in (FIRST, SECOND, THIRD, WRONG):
        assert secret not in text, f"a password ({secret}) is in the server log"
