"""Lost-device replacement (docs/lifecycle.md): `cyberid wallet replace` (and the enrollment
API with `{"purpose": "replace"}`) re-proves the holder with the same document's chip and the
phone bound to their number. The new wallet key gets a certificate for the SAME network number;
every older certificate (the lost device's) is revoked at once, lands on the CRL and is told to
platforms as a Security Event. The number keeps its state (a suspension stays until the new
wallet resumes it); a cancelled number, a document that never enrolled, or another phone get
nothing; a child under 14 is replaced only by their own guardian."""

from __future__ import annotations

import base64
import dataclasses
import json
import uuid
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from joserfc import jwt

from enrollment_support import Outbox, b64u, years_ago
from oidc_support import SetReceiver as Receiver
from oidc_support import (
    BoundHolder,
    Deployment,
    RelyingParty,
    WalletApi,
    approve_new_login,
    approve_on_this_device,
    assert_problem,
    enroll_bound,
    login,
    make_dev_document,
    random_phone,
    redirect_params,
    replace_device,
    replaced_holder,
    start_login,
    unique,
)

EVENT = "https://schemas.cyberid.dev/secevent/"


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def adult(deployment: Deployment, label: str, age: int = 35) -> BoundHolder:
    return enroll_bound(deployment, label, birth_date=years_ago(age))


def certificate(holder: BoundHolder) -> x509.Certificate:
    return x509.load_pem_x509_certificate(holder.file()["certificate_pem"].encode())


def spki(cert: x509.Certificate) -> bytes:
    return cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def b64u_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def start_session(deployment: Deployment, body) -> requests.Response:
    return requests.post(deployment.server.base + "/enrollment/v1/sessions", json=body, timeout=30)


def document_step(deployment: Deployment, session: dict, directory: Path) -> requests.Response:
    """POST …/document with a dev document's chip files, answering the session's AA challenge as
    the chip would (ECDSA P-256 over SHA-256, raw r||s)."""
    key = serialization.load_pem_private_key((directory / "aa-private-key.pem").read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey), type(key)
    r, s = decode_dss_signature(key.sign(b64u_decode(session["aa_challenge"]), ec.ECDSA(hashes.SHA256())))
    body = {name.lower(): b64u((directory / f"{name}.bin").read_bytes()) for name in ("DG1", "DG2", "DG15", "SOD")}
    body["aa_signature"] = b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    return requests.post(
        f"{deployment.server.base}/enrollment/v1/sessions/{session['session_id']}/document", json=body, timeout=30)


# --------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------


def test_replacement_keeps_the_number_and_revokes_the_lost_device(deployment):
    """The same number with a new key and certificate; the old certificate is revoked (refused at
    the wallet API as invalid-wallet-signature "revoked", and on /pki/issuing.crl), while the new
    wallet logs in end-to-end."""
    lena = adult(deployment, "lena")
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid age")
    assert login(deployment, rp, lena).claims["cyberid_verified"] is True
    old_certificate = certificate(lena)

    result, wallet = replace_device(deployment, lena)
    assert result.returncode == 0, (result.stdout, result.stderr)
    new = dataclasses.replace(lena, wallet=wallet)
    assert f"network number: {lena.network_number}" in result.stdout, result.stdout
    shown = deployment.cli_json("wallet", "show", "--wallet", str(wallet), "--json")
    assert shown["network_number"] == lena.network_number
    assert shown["assurance_level"] == lena.assurance_level
    new_certificate = certificate(new)
    assert new_certificate.serial_number != old_certificate.serial_number
    assert spki(new_certificate) != spki(old_certificate)
    assert new.file()["private_key_pem"] != lena.file()["private_key_pem"]

    # The administrator sees the old certificate revoked and the new one valid.
    listed = {int(c["serial"], 16): c["status"] for c in deployment.cli_json("admin", "certificate", "list", lena.network_number)}
    assert listed == {old_certificate.serial_number: "revoked", new_certificate.serial_number: "valid"}, listed

    # The lost wallet is refused: through the wallet API…
    api = WalletApi(deployment.issuer)
    auth, browser, page = start_login(deployment, rp)
    transaction = api.transaction(page.ticket)
    assert transaction.status_code == 200, transaction.text
    refused = api.post_decision(page.ticket, api.approval(lena, transaction.json()))
    assert_problem(refused, "invalid-wallet-signature", statuses=(400, 401))
    assert "revoked" in refused.json().get("detail", ""), refused.text
    # …and through the CLI, while the transaction stays usable by the new wallet.
    stale = deployment.wallet_approve(lena, page.wallet_uri)
    assert stale.returncode == 1, (stale.stdout, stale.stderr)
    assert "invalid-wallet-signature" in stale.stderr and "revoked" in stale.stderr, stale.stderr
    assert browser.status(page) == "pending"
    approve_on_this_device(deployment, browser, page, new)
    response = browser.continue_login(page)
    assert redirect_params(response, rp.client.redirect_uri).get("code")
    claims = rp.verify_id_token(rp.exchange(response.headers["Location"], auth)["id_token"], auth)
    assert claims["cyberid_verified"] is True
    # And a whole new login with the new wallet, through the relying party.
    result = login(deployment, rp, new)
    assert result.claims["cyberid_verified"] is True and result.claims["age_over_18"] is True

    # The CRL lists the old serial, not the new one.
    response = requests.get(deployment.issuer + "/pki/issuing.crl", timeout=10)
    assert response.status_code == 200, response.status_code
    crl = x509.load_der_x509_crl(response.content)
    issuing = x509.load_pem_x509_certificate(requests.get(deployment.issuer + "/pki/issuing.pem", timeout=10).content)
    assert crl.is_signature_valid(issuing.public_key())
    assert crl.get_revoked_certificate_by_serial_number(old_certificate.serial_number) is not None
    assert crl.get_revoked_certificate_by_serial_number(new_certificate.serial_number) is None


def test_the_platform_sees_the_same_sub_after_replacement(deployment):
    """Same number, same pairwise `sub` at a platform: the platform cannot tell the device changed."""
    milo = adult(deployment, "milo", 44)
    sector = unique("replace-sector").replace(" ", "-") + ".example"
    rp = RelyingParty(deployment, deployment.create_client(sector=sector), scope="openid")
    before = login(deployment, rp, milo).claims["sub"]
    new = replaced_holder(deployment, milo)
    assert login(deployment, rp, new).claims["sub"] == before


def test_another_phone_is_refused_and_gets_no_sms(deployment):
    """Replacement proves the phone bound to the number: another E.164 number gets phone-mismatch
    (CLI and HTTP 403), no SMS is sent to it, no wallet is written, and the old wallet still works."""
    nina = adult(deployment, "nina", 29)
    outbox = Outbox(deployment.server.outbox_path)
    other = random_phone(deployment)
    assert other != nina.phone
    result, wallet = replace_device(deployment, nina, phone=other)
    assert result.returncode != 0, result.stdout
    assert "phone-mismatch" in result.stderr, result.stderr
    assert not wallet.exists()

    # The same through the API: the document step passes, the phone step is refused.
    session = start_session(deployment, {"purpose": "replace"})
    assert session.status_code == 201, session.text
    document = document_step(deployment, session.json(), nina.document_dir)
    assert document.status_code == 200, document.text
    phone = requests.post(
        f"{deployment.server.base}/enrollment/v1/sessions/{session.json()['session_id']}/phone", json={"phone": other}, timeout=30)
    assert_problem(phone, "phone-mismatch", statuses=(403,))

    assert outbox.count(other) == 0, [e for e in outbox.entries() if e.get("to") == other]
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    assert approve_new_login(deployment, rp, nina).returncode == 0
    assert [c["status"] for c in deployment.cli_json("admin", "certificate", "list", nina.network_number)] == ["valid"]


def test_a_document_never_enrolled_cannot_replace(deployment):
    """A holder without a network number has no device to replace: not-enrolled (404)."""
    document = make_dev_document(deployment, "olga", birth_date=years_ago(38))
    wallet = deployment.scratch / f"wallet-olga-{uuid.uuid4().hex[:6]}.json"
    result = deployment.cli(
        "wallet", "replace", "--document", str(document.directory), "--phone", random_phone(deployment),
        "--server", deployment.server.base, "--wallet", str(wallet),
    )
    assert result.returncode != 0, result.stdout
    assert "not-enrolled" in result.stderr, result.stderr
    assert not wallet.exists()

    session = start_session(deployment, {"purpose": "replace"})
    assert session.status_code == 201, session.text
    assert_problem(document_step(deployment, session.json(), document.directory), "not-enrolled", statuses=(404,))


def test_the_replacement_session_api(deployment):
    """POST /enrollment/v1/sessions: {"purpose": "replace"} starts a replacement session (the
    answer says so); an unknown purpose is a 400 malformed-request problem."""
    started = start_session(deployment, {"purpose": "replace"})
    assert started.status_code == 201, started.text
    body = started.json()
    assert body["purpose"] == "replace", body
    assert body["session_id"] and b64u_decode(body["aa_challenge"]), body
    plain = start_session(deployment, {})
    assert plain.status_code == 201, plain.text
    assert plain.json().get("purpose", "enroll") == "enroll", plain.json()
    for purpose in ("renew", "REPLACE", ""):
        assert_problem(start_session(deployment, {"purpose": purpose}), "malformed-request", statuses=(400,))


@pytest.mark.parametrize("actor", ["person", "administrator"])
def test_a_cancelled_number_cannot_be_replaced(deployment, actor):
    """After a cancel (by the holder or an administrator) the identity holds no live number:
    replacement is refused (not-enrolled) and writes no wallet."""
    pia = adult(deployment, f"pia-{actor}", 51)
    if actor == "person":
        cancelled = deployment.cli(
            "wallet", "lifecycle", "cancel", "--reason", "leaving", "--yes", "--document", str(pia.document_dir),
            "--wallet", str(pia.wallet))
        assert cancelled.returncode == 0, cancelled.stderr
    else:
        assert deployment.cli_json("admin", "person", "cancel", pia.network_number, "--reason", "fraud case 9")["state"] == "cancelled"
    result, wallet = replace_device(deployment, pia)
    assert result.returncode != 0, result.stdout
    assert "not-enrolled" in result.stderr, result.stderr
    assert not wallet.exists()
    shown = deployment.cli_json("admin", "person", "show", pia.network_number)
    assert shown["state"] == "cancelled" and shown["number_status"] == "retired", shown


def test_a_suspended_number_stays_suspended_until_the_new_wallet_resumes_it(deployment):
    """The holder suspends their number when the phone is lost; the replacement works but the
    number stays suspended (person-not-active) until the NEW wallet resumes it (the lost one,
    revoked, cannot); then logins work."""
    quinn = adult(deployment, "quinn", 27)
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    suspended = deployment.cli("wallet", "lifecycle", "suspend", "--reason", "phone lost", "--wallet", str(quinn.wallet))
    assert suspended.returncode == 0, suspended.stderr

    new = replaced_holder(deployment, quinn)
    assert deployment.cli_json("admin", "person", "show", quinn.network_number)["state"] == "suspended"
    refused = approve_new_login(deployment, rp, new)
    assert refused.returncode == 1 and "person-not-active" in refused.stderr, refused.stderr

    stale = deployment.cli(
        "wallet", "lifecycle", "resume", "--reason", "from the lost phone", "--document", str(quinn.document_dir),
        "--wallet", str(quinn.wallet))
    assert stale.returncode != 0, stale.stdout
    assert deployment.cli_json("admin", "person", "show", quinn.network_number)["state"] == "suspended"

    resumed = deployment.cli(
        "wallet", "lifecycle", "resume", "--reason", "new phone", "--document", str(new.document_dir), "--wallet", str(new.wallet))
    assert resumed.returncode == 0 and "active" in resumed.stdout, resumed.stderr
    assert login(deployment, rp, new).claims["cyberid_verified"] is True


def test_the_history_shows_the_device_replacement(deployment):
    """`wallet history --json` (read with the new wallet) has a device-replaced entry."""
    rosa = adult(deployment, "rosa", 62)
    new = replaced_holder(deployment, rosa)
    events = [(line["event"], line["outcome"]) for line in deployment.wallet_history(new)]
    assert ("device-replaced", "success") in events, events
    # The old wallet can no longer read it.
    stale = deployment.cli("wallet", "history", "--json", "--wallet", str(rosa.wallet))
    assert stale.returncode != 0 or json.loads(stale.stdout or "[]") == [], stale.stdout


def test_platforms_are_told_the_lost_certificate_is_revoked(deployment):
    """A platform with an events URL that knows the person gets a certificate-revoked SET for its
    own pairwise subject, reason "device replaced"."""
    sam = adult(deployment, "sam", 36)
    receiver = Receiver()
    try:
        client = deployment.create_client(events_uri=receiver.url)
        rp = RelyingParty(deployment, client, scope="openid")
        sub = login(deployment, rp, sam).claims["sub"]
        replaced_holder(deployment, sam)
        keys = deployment.keyset()

        def revoked(item) -> bool:
            claims = jwt.decode(item[1], keys, algorithms=["ES256"]).claims
            return claims.get("sub_id", {}).get("sub") == sub and f"{EVENT}certificate-revoked" in claims.get("events", {})

        found = receiver.wait_for(revoked)
        assert found, [jwt.decode(token, keys, algorithms=["ES256"]).claims for _, token in receiver.received]
        content_type, token = found[0]
        assert content_type == "application/secevent+jwt"
        decoded = jwt.decode(token, keys, algorithms=["ES256"])
        assert decoded.header["typ"] == "secevent+jwt"
        claims = decoded.claims
        assert claims["iss"] == deployment.issuer and claims["aud"] == client.client_id
        assert claims["sub_id"] == {"format": "iss_sub", "iss": deployment.issuer, "sub": sub}
        assert claims["events"][f"{EVENT}certificate-revoked"]["reason"] == "device replaced", claims
    finally:
        receiver.close()


def test_a_child_under_14_is_replaced_by_their_own_guardian(deployment):
    """A child's device is replaced with their guardian: without one → guardian-required; with
    another adult as guardian → guardian-mismatch; with the real guardian → a new certificate for
    the same number."""
    parent = adult(deployment, "parent", 41)
    stranger = adult(deployment, "stranger", 45)
    kid = enroll_bound(deployment, "kid", birth_date=years_ago(9), guardian=parent)

    alone, wallet = replace_device(deployment, kid)
    assert alone.returncode != 0 and "guardian-required" in alone.stderr, (alone.stdout, alone.stderr)
    assert not wallet.exists()
    wrong, wallet = replace_device(deployment, kid, guardian=stranger)
    assert wrong.returncode != 0 and "guardian-mismatch" in wrong.stderr, (wrong.stdout, wrong.stderr)
    assert not wallet.exists()
    assert [c["status"] for c in deployment.cli_json("admin", "certificate", "list", kid.network_number)] == ["valid"]

    new = replaced_holder(deployment, kid, guardian=parent)
    assert new.file()["network_number"] == kid.network_number
    assert certificate(new).serial_number != certificate(kid).serial_number
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid age")
    claims = login(deployment, rp, new).claims
    assert claims["age_over_14"] is False
    stale = approve_new_login(deployment, rp, kid)
    assert stale.returncode == 1 and "revoked" in stale.stderr, stale.stderr
