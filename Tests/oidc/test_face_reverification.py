"""The face check of a re-verification (docs/configuration.md `CYBERID_FACE_MATCHER_URL`): on a
service with a face matcher, enrollment takes a live face image (level `high`) and keeps the
chip portrait, sealed, as the reference. When a platform flags the person, the re-verification
needs `--reverify` AND a live face image (`--face`): without one it is refused
(face-check-required), with a face the matcher scores below the threshold it is refused
(face-mismatch) and the restriction stays; with a matching one it is approved and the
restriction lifts. The service sends the matcher the stored portrait, which proves it kept it.
A matcher that fails is face-matcher-unavailable (503).

The matcher here is a loopback HTTP service: POST {"live": base64, "portrait": base64} →
{"score": 0.95} when the two images are the same bytes, else {"score": 0.1}; it records every
request and can be told to answer 500 (`FaceMatcher` in oidc_support.py, shared with test_modes.py)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import requests

from enrollment_support import b64u, years_ago
from oidc_support import (
    LOA_HIGH,
    BoundHolder,
    Deployment,
    FaceMatcher,
    RelyingParty,
    WalletApi,
    approve_on_this_device,
    assert_problem,
    chip_presentation,
    enroll_bound,
    login,
    make_dev_document,
    redirect_params,
    reverify,
    start_login,
)


@dataclass
class FacedHolder:
    holder: BoundHolder
    portrait: bytes  # what the service sent the matcher as the portrait at enrollment
    right: object  # path of a live image that matches (the portrait's bytes)
    wrong: object  # path of a live image that does not


def enroll_with_face(deployment: Deployment, matcher: FaceMatcher, label: str, tmp_path) -> FacedHolder:
    """Enrolls with the document's DG2 as the live image; checks the enrollment's face step."""
    document = make_dev_document(deployment, label, birth_date=years_ago(39))
    right = tmp_path / f"{label}-right.jpg"
    right.write_bytes(document.portrait)
    wrong = tmp_path / f"{label}-wrong.jpg"
    wrong.write_bytes(b"\xff\xd8" + f"someone else than {label}".encode() + b"\xff\xd9")
    mark = matcher.mark()
    holder = enroll_bound(deployment, label, document=document, face=right)
    sent = matcher.since(mark)
    assert len(sent) == 1, sent
    assert sent[0].live == document.portrait
    assert sent[0].portrait, "the enrollment sent no portrait"
    assert holder.assurance_level == "high", holder
    return FacedHolder(holder, sent[0].portrait, right, wrong)


def flag(deployment: Deployment, client, sub: str, reason: str):
    response = requests.post(
        deployment.issuer + "/rp/v1/reverifications", data={"sub": sub, "reason": reason},
        auth=(client.client_id, client.client_secret), timeout=10,
    )
    assert response.status_code == 202, response.text


def approve(deployment: Deployment, holder: BoundHolder, wallet_uri: str, *options: str):
    return deployment.wallet_approve(holder, wallet_uri, options=options)


def post_reverification(deployment: Deployment, holder: BoundHolder, ticket: str, face: bytes | None, signed_face: bytes | None = None):
    """A re-verification approval through the wallet API (§5): the JWS acknowledges the request
    and signs the digest of the document chip presented (lifecycle.md, "Re-proving with the
    chip") and the SHA-256 of the face image, which travel beside it as `document` and
    `face_image`."""
    api = WalletApi(deployment.issuer)
    transaction = api.transaction(ticket)
    assert transaction.status_code == 200, transaction.text
    document, digest = chip_presentation(holder, transaction.json()["aa_challenge"])
    signed = signed_face if signed_face is not None else face
    changes = {"reverify": True, "document": digest}
    if signed is not None:
        changes["face"] = b64u(hashlib.sha256(signed).digest())
    body = {"ticket": ticket, "approval": api.approval(holder, transaction.json(), **changes), "document": document}
    if face is not None:
        body["face_image"] = b64u(face)
    return requests.post(deployment.issuer + "/wallet/v1/login", json=body, timeout=30)


def flagged(deployment: Deployment, person: FacedHolder, reason: str):
    """A platform that knows the person, logs them in once at level high, then flags them."""
    client = deployment.create_client()
    rp = RelyingParty(deployment, client, scope="openid")
    first = login(deployment, rp, person.holder)
    assert first.claims["acr"] == LOA_HIGH, first.claims
    flag(deployment, client, first.claims["sub"], reason)
    return client, rp, first.claims["sub"]


def test_a_reverification_needs_a_matching_face(face_deployment, matcher, tmp_path):
    """--reverify without --face: face-check-required (the CLI hints --face), nothing sent to the
    matcher; a face that does not match: face-mismatch, which ends that login (denied, one try per
    transaction) while the restriction stays (a new login is still reverification-required); the
    matching face on a new login: approved, the matcher got the stored portrait (the one sent at
    enrollment), and the next login needs nothing special."""
    deployment = face_deployment
    wren = enroll_with_face(deployment, matcher, "wren", tmp_path)
    client, rp, sub = flagged(deployment, wren, "account takeover suspected")

    auth, browser, page = start_login(deployment, rp)
    mark = matcher.mark()
    no_face = approve(deployment, wren.holder, page.wallet_uri, *reverify(wren.holder))
    assert no_face.returncode == 1, no_face.stdout
    assert "face-check-required" in no_face.stderr and "--face" in no_face.stderr, no_face.stderr
    assert matcher.since(mark) == []
    assert browser.status(page) == "pending"

    mismatch = approve(deployment, wren.holder, page.wallet_uri, *reverify(wren.holder), "--face", str(wren.wrong))
    assert mismatch.returncode == 1, mismatch.stdout
    assert "face-mismatch" in mismatch.stderr, mismatch.stderr
    sent = matcher.since(mark)
    assert len(sent) == 1, sent
    assert sent[0].live == wren.wrong.read_bytes()
    assert sent[0].portrait == wren.portrait
    assert browser.status(page) == "denied"

    # That login is over, even with the right face; the restriction stays for a new one.
    mark = matcher.mark()
    again = approve(deployment, wren.holder, page.wallet_uri, *reverify(wren.holder), "--face", str(wren.right))
    assert again.returncode == 1 and "login-already-decided" in again.stderr, again.stderr
    assert matcher.since(mark) == []
    auth, browser, page = start_login(deployment, rp)
    later = approve(deployment, wren.holder, page.wallet_uri)
    assert later.returncode == 1 and "reverification-required" in later.stderr, later.stderr

    mark = matcher.mark()
    approve_on_this_device(deployment, browser, page, wren.holder, options=(*reverify(wren.holder), "--face", str(wren.right)))
    sent = matcher.since(mark)
    assert len(sent) == 1, sent
    assert sent[0].live == wren.right.read_bytes()
    assert sent[0].portrait == wren.portrait  # the reference portrait was kept (sealed) since enrollment
    response = browser.continue_login(page)
    assert redirect_params(response, client.redirect_uri).get("code")
    claims = rp.verify_id_token(rp.exchange(response.headers["Location"], auth)["id_token"], auth)
    assert claims["sub"] == sub and claims["acr"] == LOA_HIGH

    # The restriction is lifted: a plain login works, with no face check.
    mark = matcher.mark()
    assert login(deployment, rp, wren.holder).claims["sub"] == sub
    assert matcher.since(mark) == []

    reasons = [line["detail"].get("reason") for line in deployment.wallet_history(wren.holder)
               if line.get("client_id") == client.client_id and line["outcome"] == "failure"
               and line["event"] in ("reverification", "login")]
    assert "face-check-required" in reasons and "face-mismatch" in reasons, reasons


def test_face_problems_over_the_wallet_api(face_deployment, matcher, tmp_path):
    """The wallet API's answers: no face image → 403 face-check-required; a face image other than
    the one the approval signed → refused as a bad signature; a non-matching face → 403
    face-mismatch (that login is denied); the matching one, on a new login → approved."""
    deployment = face_deployment
    yara = enroll_with_face(deployment, matcher, "yara", tmp_path)
    client, rp, sub = flagged(deployment, yara, "chargebacks")
    auth, browser, page = start_login(deployment, rp)
    right, wrong = yara.right.read_bytes(), yara.wrong.read_bytes()

    assert_problem(post_reverification(deployment, yara.holder, page.ticket, None), "face-check-required", statuses=(403,))
    swapped = post_reverification(deployment, yara.holder, page.ticket, right, signed_face=wrong)
    assert_problem(swapped, "invalid-wallet-signature", statuses=(400, 401))
    assert_problem(post_reverification(deployment, yara.holder, page.ticket, wrong), "face-mismatch", statuses=(403,))
    assert browser.status(page) == "denied"
    assert_problem(post_reverification(deployment, yara.holder, page.ticket, right), "login-already-decided", statuses=(409,))
    auth, browser, page = start_login(deployment, rp)
    approved = post_reverification(deployment, yara.holder, page.ticket, right)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved", approved.json()
    assert browser.wait_decided(page) == "approved"


def test_an_unavailable_matcher_is_a_503_and_keeps_the_restriction(face_deployment, matcher, tmp_path):
    """A matcher answering 500: face-matcher-unavailable (503, the CLI says so); the person is not
    re-verified, and once the matcher is back the same login re-verifies."""
    deployment = face_deployment
    zane = enroll_with_face(deployment, matcher, "zane", tmp_path)
    client, rp, sub = flagged(deployment, zane, "routine check")
    auth, browser, page = start_login(deployment, rp)
    matcher.fail = True
    try:
        down = post_reverification(deployment, zane.holder, page.ticket, zane.right.read_bytes())
        assert_problem(down, "face-matcher-unavailable", statuses=(503,))
        cli = approve(deployment, zane.holder, page.wallet_uri, *reverify(zane.holder), "--face", str(zane.right))
        assert cli.returncode == 1 and "face-matcher-unavailable" in cli.stderr, cli.stderr
    finally:
        matcher.fail = False
    assert browser.status(page) == "pending"
    plain = approve(deployment, zane.holder, page.wallet_uri)
    assert plain.returncode == 1 and "reverification-required" in plain.stderr, plain.stderr
    matched = approve(deployment, zane.holder, page.wallet_uri, *reverify(zane.holder), "--face", str(zane.right))
    assert matched.returncode == 0, matched.stderr
    assert browser.wait_decided(page) == "approved"
