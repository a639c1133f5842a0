"""Authentication modes R01–R04 (issue 17): a platform asks for one with `acr_values`
`urn:cyberid:mode:R0n` (the first mode listed wins) or registers a default (`admin client create
--mode`). The wallet's view names the mode and what the approval needs (`requires`): R01 the
wallet's key only, R02 the network-identity password, R03 a face check, R04 both. The ID token's
`acr` is the mode met and `amr` (RFC 8176) lists `hwk` (+ `pin`) (+ `face`); userinfo agrees on
`acr`. A mode that cannot be met — no password set, a locked password, a face mode on a service
without a face matcher, or no portrait on record — ends the login, and the platform gets
`unmet_authentication_requirements`.

The face modes run on a dedicated server with the suite's loopback `FaceMatcher` (the same bytes
match). The password's own rules, lock and reset are in test_password.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from enrollment_support import b64u, binary_path, server_env
from oidc_support import (
    LOA_HIGH,
    LOA_SUBSTANTIAL,
    MODE_AMR,
    MODE_REQUIRES,
    MODES,
    BoundHolder,
    Deployment,
    RelyingParty,
    WalletApi,
    approve_on_this_device,
    assert_error_redirect,
    assert_problem,
    enroll_bound,
    finish_login,
    make_dev_document,
    return_url_of,
    start_deployment,
    start_login,
)

BIRTH = dt.date(1984, 5, 17)  # the people here; no password below contains it
PASSWORD = "40617283"


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def person(deployment: Deployment, label: str, *, password=PASSWORD, face: Path | None = None, document=None) -> BoundHolder:
    return enroll_bound(
        deployment, label, birth_date=None if document else BIRTH, document=document, password=password, face=face)


def view_of(deployment: Deployment, page) -> dict:
    response = WalletApi(deployment.issuer).transaction(page.ticket)
    assert response.status_code == 200, response.text
    return response.json()


def api_decide(deployment: Deployment, holder: BoundHolder, page, *, face: bytes | None = None, **fields):
    """A same-device approval through the wallet API, with `fields` (password) beside it and a
    face image (its SHA-256 signed into the approval) when given."""
    api = WalletApi(deployment.issuer)
    view = view_of(deployment, page)
    changes = {"face": b64u(hashlib.sha256(face).digest())} if face is not None else {}
    if face is not None:
        fields["face_image"] = b64u(face)
    return api.post_decision(page.ticket, api.approval(holder, view, **changes), request=page.request_token, **fields)


@pytest.fixture(scope="module")
def r02_holder(deployment) -> BoundHolder:
    """A person with PASSWORD, shared by the R02 tests: each ends with the right password, which
    clears the count of wrong ones."""
    return person(deployment, "mode-r02")


def assert_mode_met(rp: RelyingParty, claims: dict, token: dict, mode: str):
    """ID token acr = the mode's URI, amr = its methods; userinfo says the same acr."""
    assert claims["acr"] == MODES[mode], claims
    assert claims.get("amr") == MODE_AMR[mode], claims
    info = rp.userinfo(token["access_token"])
    assert info.status_code == 200, info.text
    assert info.json()["acr"] == MODES[mode], info.json()
    assert info.json()["sub"] == claims["sub"]


def assert_unmet(deployment: Deployment, rp: RelyingParty, auth, browser, page):
    """The login ended in the wallet; the platform gets unmet_authentication_requirements."""
    assert browser.wait_decided(page) == "denied"
    assert_error_redirect(
        browser.continue_login(page), redirect_uri=rp.client.redirect_uri, error="unmet_authentication_requirements",
        state=auth.state, issuer=deployment.issuer)


def cli_login(deployment: Deployment, rp: RelyingParty, holder: BoundHolder, mode: str, **options):
    """A whole login in `mode` approved with `cyberid wallet approve` (`options`: password,
    options=("--face", FILE)); returns (claims, token)."""
    auth, browser, page = start_login(deployment, rp, acr_values=MODES[mode])
    approve_on_this_device(deployment, browser, page, holder, **options)
    _, _, token, claims = finish_login(deployment, rp, auth, browser, page)
    return claims, token


# --------------------------------------------------------------------------------------
# Without a face matcher (the suite's main server)
# --------------------------------------------------------------------------------------


def test_discovery_lists_the_modes_and_amr(deployment):
    meta = deployment.metadata
    assert set(MODES.values()) <= set(meta["acr_values_supported"]), meta["acr_values_supported"]
    assert "amr" in meta["claims_supported"], meta["claims_supported"]


def test_a_plain_login_keeps_the_level_as_acr(deployment, alice):
    """No mode asked: acr is the eIDAS level as before, and the view names no mode."""
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    auth, browser, page = start_login(deployment, rp)
    view = view_of(deployment, page)
    assert view.get("mode") is None and not view.get("requires"), view
    approve_on_this_device(deployment, browser, page, alice)
    _, _, token, claims = finish_login(deployment, rp, auth, browser, page)
    assert claims["acr"] == LOA_SUBSTANTIAL, claims
    assert claims.get("amr", ["hwk"]) == ["hwk"], claims
    assert rp.userinfo(token["access_token"]).json()["acr"] == LOA_SUBSTANTIAL


def test_r01_is_the_wallet_key_alone(deployment):
    holder = person(deployment, "mode-r01", password=None)
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    auth, browser, page = start_login(deployment, rp, acr_values=MODES["R01"])
    view = view_of(deployment, page)
    assert view["mode"] == MODES["R01"] and view["requires"] == [], view
    approve_on_this_device(deployment, browser, page, holder)
    _, _, token, claims = finish_login(deployment, rp, auth, browser, page)
    assert_mode_met(rp, claims, token, "R01")


def test_r02_over_the_wallet_api(deployment, r02_holder):
    """requires ["password"]; no password: 400 password-required; a wrong one: 403 wrong-password
    with the tries left — the login stays open both times; the right one in the same login:
    approved, acr R02, amr [hwk, pin]."""
    holder = r02_holder
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid age")
    auth, browser, page = start_login(deployment, rp, acr_values=MODES["R02"])
    view = view_of(deployment, page)
    assert view["mode"] == MODES["R02"] and view["requires"] == MODE_REQUIRES["R02"], view

    assert_problem(api_decide(deployment, holder, page), "password-required", statuses=(400,))
    assert browser.status(page) == "pending"
    wrong = api_decide(deployment, holder, page, password="91827364")
    assert_problem(wrong, "wrong-password", statuses=(403,))
    assert "4" in wrong.json().get("detail", ""), wrong.json()  # four tries left
    assert browser.status(page) == "pending"

    right = api_decide(deployment, holder, page, password=PASSWORD)
    assert right.status_code == 200, right.text
    page.return_url = return_url_of(page, right)
    assert browser.wait_decided(page) == "approved"
    _, _, token, claims = finish_login(deployment, rp, auth, browser, page)
    assert_mode_met(rp, claims, token, "R02")
    assert claims["age_over_18"] is True  # the claims are released as in any login


def test_r02_with_the_cli(deployment, r02_holder):
    """`wallet approve --password-stdin`: without --password-stdin (no terminal), or without --yes,
    nothing is sent; a wrong password exits 1 (wrong-password) and the login stays open; the
    right one logs in."""
    holder = r02_holder
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    auth, browser, page = start_login(deployment, rp, acr_values=MODES["R02"])

    no_input = deployment.wallet_approve(holder, page.wallet_uri)
    assert no_input.returncode != 0, no_input.stdout
    assert "--password-stdin" in no_input.stderr, no_input.stderr
    not_asked = deployment.wallet_approve(holder, page.wallet_uri, password=PASSWORD, yes=False)
    assert not_asked.returncode == 1 and "--yes" in not_asked.stderr, (not_asked.stdout, not_asked.stderr)
    assert browser.status(page) == "pending"

    wrong = deployment.wallet_approve(holder, page.wallet_uri, password="91827364")
    assert wrong.returncode == 1, (wrong.stdout, wrong.stderr)
    assert "wrong-password" in wrong.stderr, wrong.stderr
    assert browser.status(page) == "pending"

    approve_on_this_device(deployment, browser, page, holder, password=PASSWORD)
    _, _, token, claims = finish_login(deployment, rp, auth, browser, page)
    assert_mode_met(rp, claims, token, "R02")


def test_a_denial_needs_no_password(deployment, r02_holder):
    """Denying an R02 login asks for no password: the CLI exits 0 and the platform gets
    access_denied."""
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    auth, browser, page = start_login(deployment, rp, acr_values=MODES["R02"])
    denied = deployment.wallet_approve(r02_holder, page.wallet_uri, deny=True)
    assert denied.returncode == 0, (denied.stdout, denied.stderr)
    assert browser.wait_decided(page) == "denied"
    assert_error_redirect(
        browser.continue_login(page), redirect_uri=rp.client.redirect_uri, error="access_denied", state=auth.state,
        issuer=deployment.issuer)


def test_the_first_mode_listed_wins_and_levels_still_apply(deployment, bob):
    """acr_values "R02 R01" asks for R02, "R01 R02" for R01; a mode pushed with PAR is kept; an
    eIDAS value beside a mode still sets the level (substantial: met, acr the mode; high for a substantial person:
    assurance-level-too-low, unmet)."""
    holder = bob
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    _, _, page = start_login(deployment, rp, acr_values=f"{MODES['R02']} {MODES['R01']}")
    assert view_of(deployment, page)["mode"] == MODES["R02"]
    _, _, page = start_login(deployment, rp, acr_values=f"{MODES['R01']} {MODES['R02']}")
    assert view_of(deployment, page)["mode"] == MODES["R01"]
    _, _, page = start_login(deployment, rp, par=True, acr_values=MODES["R04"])  # pushed (PAR)
    assert view_of(deployment, page)["mode"] == MODES["R04"]

    auth, browser, page = start_login(deployment, rp, acr_values=f"{LOA_SUBSTANTIAL} {MODES['R01']}")
    assert view_of(deployment, page)["mode"] == MODES["R01"]
    approve_on_this_device(deployment, browser, page, holder)
    _, _, token, claims = finish_login(deployment, rp, auth, browser, page)
    assert_mode_met(rp, claims, token, "R01")

    auth, browser, page = start_login(deployment, rp, acr_values=f"{MODES['R01']} {LOA_HIGH}")
    refused = deployment.wallet_approve(holder, page.wallet_uri)
    assert refused.returncode == 1 and "assurance-level-too-low" in refused.stderr, refused.stderr
    assert_unmet(deployment, rp, auth, browser, page)


def test_a_client_default_mode(deployment, r02_holder):
    """`admin client create --mode R02`: `admin client show` has default_mode; a request that
    names no mode gets R02; the registered mode is a minimum — a browser that edits the request
    to ask for R01 (a stolen wallet without the password) still meets R02, and a request for R03
    asks for both (R04); --mode R05 is a usage error."""
    holder = r02_holder
    client = deployment.create_client(mode="R02")
    shown = deployment.cli_json("admin", "client", "show", client.client_id)
    assert shown.get("default_mode") in ("R02", MODES["R02"]), shown
    rp = RelyingParty(deployment, client, scope="openid")

    auth, browser, page = start_login(deployment, rp)
    view = view_of(deployment, page)
    assert view["mode"] == MODES["R02"] and view["requires"] == ["password"], view
    approve_on_this_device(deployment, browser, page, holder, password=PASSWORD)
    _, _, token, claims = finish_login(deployment, rp, auth, browser, page)
    assert_mode_met(rp, claims, token, "R02")

    # The attack: the request is edited down to R01; the password is still asked for.
    auth, browser, page = start_login(deployment, rp, acr_values=MODES["R01"])
    view = view_of(deployment, page)
    assert view["mode"] == MODES["R02"] and view["requires"] == ["password"], view
    assert_problem(api_decide(deployment, holder, page), "password-required", statuses=(400,))
    approve_on_this_device(deployment, browser, page, holder, password=PASSWORD)
    _, _, token, claims = finish_login(deployment, rp, auth, browser, page)
    assert claims["acr"] == MODES["R02"] and claims["amr"] == ["hwk", "pin"], claims

    auth, browser, page = start_login(deployment, rp, acr_values=MODES["R03"])
    assert view_of(deployment, page)["requires"] == ["password", "face"]

    bad = deployment.cli(*deployment.client_args(name="Bad Mode", mode="R05"))
    assert bad.returncode == 2, (bad.stdout, bad.stderr)
    plain = deployment.cli_json("admin", "client", "show", deployment.create_client().client_id)
    assert "default_mode" not in plain, plain


def test_r02_without_a_password_set_is_unmet(deployment):
    """A person with no password: 409 password-not-set ends the login (unmet)."""
    holder = person(deployment, "mode-nopass", password=None)
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    auth, browser, page = start_login(deployment, rp, acr_values=MODES["R02"])
    assert_problem(api_decide(deployment, holder, page, password=PASSWORD), "password-not-set", statuses=(409,))
    assert_unmet(deployment, rp, auth, browser, page)
    # The CLI says so too.
    auth, browser, page = start_login(deployment, rp, acr_values=MODES["R02"])
    cli = deployment.wallet_approve(holder, page.wallet_uri, password=PASSWORD)
    assert cli.returncode == 1 and "password-not-set" in cli.stderr, cli.stderr
    assert_unmet(deployment, rp, auth, browser, page)


@pytest.mark.parametrize("mode", ["R03", "R04"])
def test_face_modes_without_a_matcher_are_unmet(deployment, mode):
    """No face matcher on this service: mode-unavailable (409), the platform gets
    unmet_authentication_requirements — before any password is tried. The CLI refuses to send an
    approval without --face (exit 1, the login stays open)."""
    holder = person(deployment, f"mode-noface-{mode}", password=None)  # mode-unavailable comes first
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    auth, browser, page = start_login(deployment, rp, acr_values=MODES[mode])
    view = view_of(deployment, page)
    assert view["mode"] == MODES[mode] and view["requires"] == MODE_REQUIRES[mode], view

    no_face = deployment.wallet_approve(holder, page.wallet_uri, password=PASSWORD)
    assert no_face.returncode == 1 and "--face" in no_face.stderr, no_face.stderr
    assert browser.status(page) == "pending"

    face = holder.document_dir / "DG2.bin"
    answer = api_decide(deployment, holder, page, face=face.read_bytes(), password="91827364")
    assert_problem(answer, "mode-unavailable", statuses=(409,))
    assert_unmet(deployment, rp, auth, browser, page)
    # No password attempt was spent: no wrong-password entry in the history.
    assert not [e for e in deployment.wallet_history(holder) if e["event"] == "password" and e["outcome"] == "failure"]

    auth, browser, page = start_login(deployment, rp, acr_values=MODES[mode])
    cli = deployment.wallet_approve(holder, page.wallet_uri, password=PASSWORD, options=("--face", str(face)))
    assert cli.returncode == 1 and "mode-unavailable" in cli.stderr, cli.stderr
    assert_unmet(deployment, rp, auth, browser, page)


# --------------------------------------------------------------------------------------
# With a face matcher
# --------------------------------------------------------------------------------------


@dataclasses.dataclass
class Faced:
    holder: BoundHolder
    right: Path  # the chip portrait's bytes: matches
    wrong: Path


@pytest.fixture(scope="module")
def faced(face_deployment, tmp_path_factory) -> Faced:
    """A person enrolled with a face (level high) and PASSWORD on the face server."""
    label, directory = "mode-face", tmp_path_factory.mktemp("faces")
    document = make_dev_document(face_deployment, label, birth_date=BIRTH)
    right, wrong = directory / f"{label}-right.jpg", directory / f"{label}-wrong.jpg"
    right.write_bytes(document.portrait)
    wrong.write_bytes(b"\xff\xd8 not " + label.encode() + b"\xff\xd9")
    return Faced(person(face_deployment, label, document=document, face=right), right, wrong)


def test_r03_and_r04_are_met_with_the_face_matcher(face_deployment, matcher, faced):
    """R03: the wallet's key and a matching face (the matcher gets the portrait on record):
    acr R03, amr [hwk, face]. R04: password and face: amr [hwk, pin, face]. R01 on the same
    server calls no matcher."""
    deployment = face_deployment
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")

    mark = matcher.mark()
    claims, token = cli_login(deployment, rp, faced.holder, "R03", options=("--face", str(faced.right)))
    assert_mode_met(rp, claims, token, "R03")
    sent = matcher.since(mark)
    assert len(sent) == 1 and sent[0].live == faced.right.read_bytes() and sent[0].portrait, sent

    mark = matcher.mark()
    claims, token = cli_login(deployment, rp, faced.holder, "R04", options=("--face", str(faced.right)), password=PASSWORD)
    assert_mode_met(rp, claims, token, "R04")
    assert len(matcher.since(mark)) == 1

    mark = matcher.mark()
    claims, token = cli_login(deployment, rp, faced.holder, "R01")
    assert_mode_met(rp, claims, token, "R01")
    assert matcher.since(mark) == []


def test_face_mode_refusals_with_a_matcher(face_deployment, matcher, faced):
    """R03 over the API: no face image → face-check-required (the login stays open); a face that
    does not match → face-mismatch, and that login is over. R04 with a wrong password: 403
    wrong-password before the matcher is asked, the login still open."""
    deployment = face_deployment
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")

    auth, browser, page = start_login(deployment, rp, acr_values=MODES["R03"])
    assert_problem(api_decide(deployment, faced.holder, page), "face-check-required", statuses=(403,))
    assert browser.status(page) == "pending"
    assert_problem(
        api_decide(deployment, faced.holder, page, face=faced.wrong.read_bytes()), "face-mismatch", statuses=(403,))
    assert browser.wait_decided(page) == "denied"
    response = browser.continue_login(page)
    assert "code" not in response.headers.get("Location", ""), response.headers.get("Location")

    auth, browser, page = start_login(deployment, rp, acr_values=MODES["R04"])
    mark = matcher.mark()
    wrong = api_decide(deployment, faced.holder, page, face=faced.right.read_bytes(), password="91827364")
    assert_problem(wrong, "wrong-password", statuses=(403,))
    assert matcher.since(mark) == []
    assert browser.status(page) == "pending"


def test_no_portrait_on_record_is_unmet(tmp_path_factory, matcher):
    """A person enrolled while the service had no face matcher has no portrait on record: once a
    matcher is configured, R03 is face-reference-missing and the platform gets unmet. (The
    server is restarted on the same data directory and port with the matcher.)"""
    servers = start_deployment(tmp_path_factory)
    deployment = next(servers)
    restarted = None
    try:
        holder = person(deployment, "mode-noportrait", password=None)
        client = deployment.create_client()
        server = deployment.server
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=30)
        port = server.issuer.rsplit(":", 1)[1]
        env = server_env(
            server.data_dir, CYBERID_ISSUER=server.issuer, CYBERID_HOST="127.0.0.1", CYBERID_FACE_MATCHER_URL=matcher.url)
        with open(server.stderr_path, "ab") as err:
            restarted = subprocess.Popen(
                [str(binary_path()), "serve", "--port", port], env=env, stdout=err, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            assert restarted.poll() is None, server.stderr_path.read_text(errors="replace")[-2000:]
            try:
                if requests.get(server.issuer + "/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "the restarted server did not answer /health"
            time.sleep(0.1)

        rp = RelyingParty(deployment, client, scope="openid")
        auth, browser, page = start_login(deployment, rp, acr_values=MODES["R03"])
        face = holder.document_dir / "DG2.bin"
        mark = matcher.mark()
        answer = api_decide(deployment, holder, page, face=face.read_bytes())
        assert_problem(answer, "face-reference-missing", statuses=(409,))
        assert matcher.since(mark) == []
        assert_unmet(deployment, rp, auth, browser, page)
    finally:
        if restarted is not None and restarted.poll() is None:
            restarted.send_signal(signal.SIGTERM)
            try:
                restarted.wait(timeout=30)
            except subprocess.TimeoutExpired:
                restarted.kill()
        servers.close()
