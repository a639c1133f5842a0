"""The enrollment HTTP API (docs/enrollment.md), tested against the running `cyberid serve`.

Every expectation comes from the contract; where the contract names no HTTP status for an
error, the answer must be a 4xx problem whose body `status` equals the HTTP status.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import threading
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from enrollment_support import (
    UTC,
    Api,
    Enroller,
    Enrollment,
    Outbox,
    Wallet,
    assert_json,
    assert_problem,
    b64u,
    b64u_decode,
    document_body,
    factory,
    launch_server,
    parse_rfc3339,
)

POLICY_SUBSTANTIAL = "1.3.6.1.4.1.65535.1.1.2"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NETWORK_NUMBER = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]")


# --------------------------------------------------------------------------------------
# Network number check symbol (docs/network-number.md), implemented here from the text
# --------------------------------------------------------------------------------------


def times_alpha(value: int) -> int:
    """α·v in GF(32) with x⁵ + x² + 1: shift left, XOR 0x25 when bit 5 is set."""
    value <<= 1
    if value & 0x20:
        value ^= 0x25
    return value


def check_symbol(payload: str) -> str:
    running = 0
    for char in payload:
        running = times_alpha(running) ^ CROCKFORD.index(char)
    return CROCKFORD[times_alpha(running)]


def assert_network_number(number: str):
    assert NETWORK_NUMBER.fullmatch(number), number
    symbols = number.replace("-", "")
    assert check_symbol(symbols[:16]) == symbols[16], number
    running = 0
    for char in symbols:  # validation form: the loop over all 17 symbols ends at 0
        running = times_alpha(running) ^ CROCKFORD.index(char)
    assert running == 0, number


def test_check_symbol_implementation_matches_the_worked_vectors():
    assert check_symbol("0" * 16) == "0"
    assert check_symbol("0" * 15 + "1") == "2"
    assert check_symbol("0" * 14 + "10") == "4"


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def new_session(api):
    body = assert_json(api.start(), 201)
    return body["session_id"], b64u_decode(body["aa_challenge"])


def new_enrollment(api, person, document) -> tuple[Enrollment, bytes]:
    """The enrollment of `person` with `document` and a new wallet, in a newly started session:
    (that Enrollment, the session's AA challenge)."""
    session_id, challenge = new_session(api)
    return Enrollment(person, document, Wallet(), session_id=session_id), challenge


def assert_no_personal_data(responses, person):
    for response in responses:
        text = response.body.decode("utf-8", errors="replace")
        for secret in person.secrets():
            assert secret not in text, f"{secret!r} echoed in {response!r}"


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=UTC)


def check_certificate(enrollment: Enrollment, ca_chain, tmp_path, expiry: dt.date):
    """The network certificate of §6, checked field by field and by `openssl verify`."""
    result = enrollment.result
    root_path, issuing_path, root, issuing = ca_chain
    cert = x509.load_pem_x509_certificate(result["certificate"].encode())

    # The chain in the answer is the published issuing CA then root.
    chain = x509.load_pem_x509_certificates(result["chain"].encode())
    assert [c.fingerprint(hashes.SHA256()) for c in chain] == [issuing.fingerprint(hashes.SHA256()), root.fingerprint(hashes.SHA256())]

    cert_path = tmp_path / "network.pem"
    cert_path.write_text(result["certificate"])
    verify = subprocess.run(
        ["openssl", "verify", "-CAfile", str(root_path), "-untrusted", str(issuing_path), str(cert_path)],
        capture_output=True, text=True, timeout=60,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert verify.stdout.strip().endswith(": OK"), verify.stdout

    assert cert.version == x509.Version.v3
    assert cert.issuer == issuing.subject
    # Subject: serialNumber=<network number> and nothing else.
    rdns = list(cert.subject.rdns)
    assert len(rdns) == 1 and len(list(rdns[0])) == 1, cert.subject.rfc4514_string()
    attribute = list(rdns[0])[0]
    assert attribute.oid == NameOID.SERIAL_NUMBER, cert.subject.rfc4514_string()
    assert attribute.value == result["network_number"], cert.subject.rfc4514_string()

    key_usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert key_usage.critical
    ku = key_usage.value
    assert ku.digital_signature
    assert not (ku.content_commitment or ku.key_encipherment or ku.data_encipherment or ku.key_agreement or ku.key_cert_sign or ku.crl_sign)
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert POLICY_SUBSTANTIAL in [p.policy_identifier.dotted_string for p in policies]
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        assert constraints.ca is False
    except x509.ExtensionNotFound:
        pass

    # The public key is the CSR's.
    csr_text = enrollment.csr
    if csr_text.startswith("-----BEGIN"):
        csr = x509.load_pem_x509_csr(csr_text.encode())
    else:
        csr = x509.load_der_x509_csr(b64u_decode(csr_text))
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    assert cert.public_key().public_bytes(serialization.Encoding.DER, spki) == csr.public_key().public_bytes(serialization.Encoding.DER, spki)
    assert cert.public_key().public_bytes(serialization.Encoding.DER, spki) == enrollment.wallet.public_der()

    # Validity: one year, never past the document's expiry.
    now = dt.datetime.now(UTC)
    assert cert.not_valid_before_utc <= now + dt.timedelta(minutes=5)
    assert cert.not_valid_after_utc <= end_of_day(expiry)
    assert cert.not_valid_after_utc <= now + dt.timedelta(days=366, hours=1)

    # Random 128-bit serial: positive and at least 120 bits.
    assert cert.serial_number > 0
    assert cert.serial_number.bit_length() >= 120, hex(cert.serial_number)
    return cert


# --------------------------------------------------------------------------------------
# 1. Happy path
# --------------------------------------------------------------------------------------


def test_happy_path_adult_ec_chip(api, enroller, people, outbox, ca_chain, tmp_path):
    person = people.make(age=35)
    document = enroller.document_for(person)
    enrollment = Enrollment(person, document, Wallet())

    before = dt.datetime.now(UTC)
    response = api.start()
    started = assert_json(response, 201)
    assert started["state"] == "started"
    assert len(b64u_decode(started["session_id"])) == 16
    challenge = b64u_decode(started["aa_challenge"])
    assert len(challenge) == 8
    expires = parse_rfc3339(started["expires_at"])
    assert before + dt.timedelta(minutes=9) <= expires <= dt.datetime.now(UTC) + dt.timedelta(minutes=10, seconds=5)
    session_id = enrollment.session_id = started["session_id"]

    response = api.document(session_id, document_body(document, challenge))
    verified = assert_json(response, 200)
    assert verified == {"state": "document_verified", "age_band": "18_plus", "document_expires": "2031-03-17", "next": "phone"}
    responses = [response]

    before = dt.datetime.now(UTC)
    count = outbox.count(person.phone)
    response = api.phone(session_id, person.phone)
    sent = assert_json(response, 202)
    assert sent["state"] == "phone_code_sent"
    code_expires = parse_rfc3339(sent["code_expires_at"])
    assert before + dt.timedelta(minutes=4) <= code_expires <= dt.datetime.now(UTC) + dt.timedelta(minutes=5, seconds=5)
    responses.append(response)
    code = outbox.wait_code(person.phone, count)
    assert re.fullmatch(r"\d{6}", code)

    response = api.confirm(session_id, code)
    assert assert_json(response, 200) == {"state": "phone_confirmed", "next": "complete"}
    responses.append(response)

    enrollment.csr = enrollment.wallet.csr()
    response = api.complete(session_id, enrollment.csr)
    result = assert_json(response, 201)
    enrollment.result = result
    responses.append(response)
    assert set(result) >= {"network_number", "assurance_level", "certificate", "chain"}
    assert result["assurance_level"] == "substantial"
    assert_network_number(result["network_number"])
    cert = check_certificate(enrollment, ca_chain, tmp_path, dt.date(2031, 3, 17))
    # The document expires in 2031: the certificate gets its full year.
    assert cert.not_valid_after_utc >= dt.datetime.now(UTC) + dt.timedelta(days=364)

    # Idempotent: the same answer again, and no second number for a second CSR either.
    again = api.complete(session_id, enrollment.csr)
    assert again.status == 201, again
    assert again.json == result
    other = api.complete(session_id, Wallet().csr())
    if other.status == 201:
        assert other.json == result
    else:
        assert 400 <= other.status < 500 and other.content_type.startswith("application/problem+json"), other

    responses += [again, other]
    assert_no_personal_data(responses, person)
    assert_no_personal_data([r for r in list(api.log) if session_id in r.path], person)


def test_published_ca_chain(ca_chain, tmp_path):
    root_path, issuing_path, root, issuing = ca_chain
    assert root.subject == root.issuer
    assert issuing.issuer == root.subject
    assert issuing.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    verify = subprocess.run(["openssl", "verify", "-CAfile", str(root_path), str(issuing_path)], capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_certificate_validity_is_capped_at_the_document_expiry(enroller, people, ca_chain, tmp_path):
    expiry = dt.datetime.now(UTC).date() + dt.timedelta(days=100)
    person = people.make(age=52, expiry_date=expiry)
    enrollment = enroller.full(person)
    cert = check_certificate(enrollment, ca_chain, tmp_path, expiry)
    assert enrollment.responses["document"].json["document_expires"] == expiry.isoformat()
    # Capped, not cut short: it ends on the expiry day (any time zone's end of that day).
    assert cert.not_valid_after_utc >= dt.datetime.combine(expiry - dt.timedelta(days=1), dt.time(0, 0), tzinfo=UTC)


# --------------------------------------------------------------------------------------
# 2. RSA chip
# --------------------------------------------------------------------------------------


def test_rsa_chip_td1_pss_iso9796(api, enroller, people, pki, ca_chain, tmp_path):
    person = people.make(age=27, td1=True, personal_number="3201" + "".join(str(d) for d in os.urandom(11))[:11])
    document = factory.build_document(pki.rsa_dsc, mrz=person.mrz, sod_scheme="rsa-pss", aa_key_type="rsa-2048", digest="sha256")
    assert len(document.mrz) == 90
    enrollment, challenge = new_enrollment(api, person, document)
    session_id = enrollment.session_id
    signature = document.aa_respond(challenge)
    assert factory.aa_verify(document.aa_key.public_key(), challenge, signature)
    response = api.document(session_id, document_body(document, challenge, aa_signature=signature))
    assert assert_json(response, 200) == {"state": "document_verified", "age_band": "18_plus", "document_expires": "2031-03-17", "next": "phone"}
    enroller.phone_and_confirm(enrollment)
    enrollment.csr = enrollment.wallet.csr(der=True)  # the other CSR form: base64url DER
    enroller.complete(enrollment)
    assert_network_number(enrollment.result["network_number"])
    check_certificate(enrollment, ca_chain, tmp_path, dt.date(2031, 3, 17))
    assert_no_personal_data(enrollment.responses.values(), person)


def test_dg2_may_be_omitted_without_a_face_matcher_and_face_step_says_so(api, enroller, people):
    person = people.make(age=30)
    document = enroller.document_for(person)
    session_id, challenge = new_session(api)
    response = api.document(session_id, document_body(document, challenge, with_dg2=False))
    assert assert_json(response, 200)["state"] == "document_verified"
    response = api.post(f"/enrollment/v1/sessions/{session_id}/face", {"image": b64u(factory.FAKE_JPEG)})
    assert_problem(response, "no-face-matcher", 404)


# --------------------------------------------------------------------------------------
# 3. Rejections at the document step
# --------------------------------------------------------------------------------------


def _tampered_dg1(enroller, person):
    document = enroller.document_for(person)
    other = factory.make_dg1(factory.build_mrz(person.mrz.replace(surname=person.mrz.surname[::-1])))
    document.data_groups = {**document.data_groups, 1: other}
    return document


REJECTIONS = {
    "dg-hash-mismatch": lambda e, p, pki: _tampered_dg1(e, p),
    "untrusted-csca-same-name": lambda e, p, pki: e.document_for(p, pki.untrusted_dsc),
    "untrusted-csca-other-name": lambda e, p, pki: e.document_for(p, pki.foreign_dsc),
    "dsc-expired": lambda e, p, pki: e.document_for(p, pki.expired_dsc),
    "dsc-revoked": lambda e, p, pki: e.document_for(p, pki.revoked_dsc),
    "bad-dsc-signature": lambda e, p, pki: e.document_for(p, sod_signing_key=factory.generate_key("ec-p256")),
    "invalid-mrz": lambda e, p, pki: e.document_for(p, mrz_text=factory.corrupt_check_digit(factory.build_mrz(p.mrz), "birth_date")),
    "document-expired": lambda e, p, pki: e.document_for(p.__class__(p.mrz.replace(expiry_date=dt.date(2025, 10, 1)), p.phone)),
}


@pytest.mark.parametrize("fault", sorted(REJECTIONS))
def test_document_rejections(api, enroller, people, pki, fault):
    person = people.make(age=44)
    document = REJECTIONS[fault](enroller, person, pki)
    session_id, challenge = new_session(api)
    response = api.document(session_id, document_body(document, challenge))
    code = fault.rsplit("-same-name", 1)[0].rsplit("-other-name", 1)[0]
    assert_problem(response, code)
    assert_no_personal_data([response], person)
    # The session did not move on.
    assert_problem(api.phone(session_id, person.phone), "wrong-step", 409)


def test_active_authentication_answer_to_another_challenge(api, enroller, people):
    person = people.make(age=44)
    document = enroller.document_for(person)
    session_id, challenge = new_session(api)
    other = bytes(b ^ 0xFF for b in challenge)
    response = api.document(session_id, document_body(document, challenge, aa_signature=document.aa_respond(other)))
    assert_problem(response, "active-authentication-failed")


def test_active_authentication_by_another_chip(api, enroller, people):
    person = people.make(age=44)
    document = enroller.document_for(person)
    session_id, challenge = new_session(api)
    forged = factory.aa_sign(factory.generate_key("ec-p256"), challenge)
    response = api.document(session_id, document_body(document, challenge, aa_signature=forged))
    assert_problem(response, "active-authentication-failed")


def test_garbage_sod_is_unparseable(api, enroller, people):
    person = people.make(age=44)
    document = enroller.document_for(person)
    session_id, challenge = new_session(api)
    body = document_body(document, challenge)
    body["sod"] = b64u(b"this is not DER, not an SOD at all")
    assert_problem(api.document(session_id, body), "unparseable-document")


def test_invalid_base64_field(api, enroller, people):
    person = people.make(age=44)
    document = enroller.document_for(person)
    session_id, challenge = new_session(api)
    body = document_body(document, challenge)
    body["sod"] = "%%% not base64url %%%"
    response = api.document(session_id, body)
    # The contract types binary fields as base64url; a field that is not is a mistyped field
    # (malformed-request, http-api.md) or an unreadable document. Either way a 400.
    problem = response.json
    assert problem.get("type") in ("urn:cyberid:problem:malformed-request", "urn:cyberid:problem:unparseable-document"), response
    assert_problem(response, problem["type"].rsplit(":", 1)[1], 400)


@pytest.mark.parametrize("missing", ["sod", "dg1"])
def test_missing_field_is_malformed(api, enroller, people, missing):
    person = people.make(age=44)
    document = enroller.document_for(person)
    session_id, challenge = new_session(api)
    body = document_body(document, challenge)
    del body[missing]
    assert_problem(api.document(session_id, body), "malformed-request", 400)


def test_non_json_and_mistyped_bodies_are_malformed(api, enroller, people):
    session_id, challenge = new_session(api)
    path = f"/enrollment/v1/sessions/{session_id}/document"
    assert_problem(api.post(path, raw=b"{not json"), "malformed-request", 400)
    person = people.make(age=44)
    body = document_body(enroller.document_for(person), challenge)
    body["dg1"] = 12345
    assert_problem(api.post(path, body), "malformed-request", 400)
    assert_problem(api.post("/enrollment/v1/sessions", raw=b"[1,2"), "malformed-request", 400)


# --------------------------------------------------------------------------------------
# 4. Re-enrollment
# --------------------------------------------------------------------------------------


def test_reenrollment_is_refused_at_the_document_step(api, enroller, people, pki):
    first = enroller.full(people.make(age=60))
    person = first.person

    # The very same chip again.
    session_id, challenge = new_session(api)
    response = api.document(session_id, document_body(first.document, challenge))
    assert_problem(response, "already-enrolled", 409)
    assert_no_personal_data([response], person)

    # A new chip of the same document (same nationality, type, numbers): still the same person.
    reissued = enroller.document_for(person)
    session_id, challenge = new_session(api)
    assert_problem(api.document(session_id, document_body(reissued, challenge)), "already-enrolled", 409)


def test_renewed_passport_with_the_same_personal_number_is_the_same_person(api, enroller, people):
    first = enroller.full(people.make(age=61))
    renewed_fields = first.person.mrz.replace(document_number="G" + first.person.mrz.document_number[1:], expiry_date=dt.date(2035, 6, 1))
    renewed = first.person.__class__(renewed_fields, people.phone())
    people.register(renewed)
    session_id, challenge = new_session(api)
    response = api.document(session_id, document_body(enroller.document_for(renewed), challenge))
    assert_problem(response, "already-enrolled", 409)


# --------------------------------------------------------------------------------------
# 5. Minors and guardians
# --------------------------------------------------------------------------------------


def test_child_without_guardian_is_refused(api, enroller, people):
    person = people.make(age=10)
    session_id, challenge = new_session(api)
    response = api.document(session_id, document_body(enroller.document_for(person), challenge))
    assert_problem(response, "guardian-required")
    assert_no_personal_data([response], person)


@pytest.fixture(scope="module")
def teenager():
    """Filled by test_teenager_waits_for_guardian_approval with the enrolled 16-year-old."""
    return {}


def test_teenager_waits_for_guardian_approval(api, enroller, people, guardian, server, teenager):
    person = people.make(age=16)
    document = enroller.document_for(person)
    enrollment, challenge = new_enrollment(api, person, document)
    session_id = enrollment.session_id
    response = api.document(session_id, document_body(document, challenge))
    body = assert_json(response, 200)
    assert body["state"] == "awaiting_guardian" and body["age_band"] == "14_17", body
    assert body["document_expires"] == "2031-03-17"
    assert_no_personal_data([response], person)

    # Phone and complete before approval: wrong step, with the current state in the detail.
    problem = assert_problem(api.phone(session_id, person.phone), "wrong-step", 409)
    assert "awaiting_guardian" in problem.get("detail", ""), problem
    assert_problem(api.complete(session_id, enrollment.wallet.csr()), "wrong-step", 409)

    aud = server.audience
    bad = {
        "other key": guardian.wallet.jws(audience=aud, purpose="guardian-approval", session_id=session_id, signing_key=ec.generate_private_key(ec.SECP256R1())),
        "stale iat": guardian.wallet.jws(audience=aud, purpose="guardian-approval", session_id=session_id, iat=int(time.time()) - 600),
        "future iat": guardian.wallet.jws(audience=aud, purpose="guardian-approval", session_id=session_id, iat=int(time.time()) + 600),
        "wrong purpose": guardian.wallet.jws(audience=aud, purpose="guardian-start", session_id=session_id),
        "other session": guardian.wallet.jws(audience=aud, purpose="guardian-approval", session_id=b64u(os.urandom(16))),
        "wrong audience": guardian.wallet.jws(audience="http://127.0.0.1:1/enrollment", purpose="guardian-approval", session_id=session_id),
    }
    for name, jws in bad.items():
        response = api.guardian_approval(session_id, jws)
        assert response.status != 200, name
        assert_problem(response, "invalid-wallet-signature")
    assert_problem(api.phone(session_id, person.phone), "wrong-step", 409)

    good = guardian.wallet.jws(audience=aud, purpose="guardian-approval", session_id=session_id)
    response = api.guardian_approval(session_id, good)
    assert assert_json(response, 200)["state"] == "document_verified", response
    assert_no_personal_data([response], person)
    # Approving twice: the session is no longer awaiting a guardian.
    again = guardian.wallet.jws(audience=aud, purpose="guardian-approval", session_id=session_id)
    assert_problem(api.guardian_approval(session_id, again), "wrong-step", 409)

    enroller.phone_and_confirm(enrollment)
    result = enroller.complete(enrollment)
    assert_network_number(result["network_number"])
    assert result["network_number"] != guardian.result["network_number"]
    teenager["enrollment"] = enrollment


def test_guardian_started_session_for_a_child_completes(api, enroller, people, guardian, server):
    person = people.make(age=10)
    jws = guardian.wallet.jws(audience=server.audience, purpose="guardian-start")
    session_id, challenge, _ = enroller.start(jws)
    enrollment = Enrollment(person, enroller.document_for(person), Wallet(), session_id=session_id)
    response = api.document(session_id, document_body(enrollment.document, challenge))
    body = assert_json(response, 200)
    assert body["state"] == "document_verified" and body["age_band"] == "under_14", body
    assert body["next"] == "phone"
    enroller.phone_and_confirm(enrollment)
    result = enroller.complete(enrollment)
    assert_network_number(result["network_number"])
    assert_no_personal_data(list(enrollment.responses.values()) + [response], person)


def test_guardian_start_with_bad_wallet_signatures(api, guardian, server):
    aud = server.audience
    self_signed_key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.SERIAL_NUMBER, guardian.result["network_number"])])
    now = dt.datetime.now(UTC)
    impostor_cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(self_signed_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30)).sign(self_signed_key, hashes.SHA256())
    )
    cases = {
        "other key": guardian.wallet.jws(audience=aud, purpose="guardian-start", signing_key=ec.generate_private_key(ec.SECP256R1())),
        "stale iat": guardian.wallet.jws(audience=aud, purpose="guardian-start", iat=int(time.time()) - 600),
        "wrong purpose": guardian.wallet.jws(audience=aud, purpose="guardian-approval", session_id=b64u(os.urandom(16))),
        "wrong audience": guardian.wallet.jws(audience=server.issuer, purpose="guardian-start"),
        "certificate not from CyberID": Wallet(self_signed_key).jws(audience=aud, purpose="guardian-start", certificate=impostor_cert),
        "alg none": guardian.wallet.jws(audience=aud, purpose="guardian-start", header_changes={"alg": "none"}),
    }
    for case, jws in cases.items():
        response = api.start(jws)
        assert response.status != 201, case
        assert_problem(response, "invalid-wallet-signature")


def test_minor_cannot_be_a_guardian(api, server, teenager):
    if "enrollment" not in teenager:
        pytest.skip("the teenager test did not complete")
    minor = teenager["enrollment"]
    jws = minor.wallet.jws(audience=server.audience, purpose="guardian-start")
    assert_problem(api.start(jws), "guardian-not-adult")


# --------------------------------------------------------------------------------------
# 6. Phone one-time codes
# --------------------------------------------------------------------------------------


def _verified_session(api, enroller, people, age=33):
    person = people.make(age=age)
    session_id, challenge = new_session(api)
    assert assert_json(api.document(session_id, document_body(enroller.document_for(person), challenge)), 200)["state"] == "document_verified"
    return person, session_id


def test_five_wrong_codes_lock_the_session(api, enroller, people, outbox):
    person, session_id = _verified_session(api, enroller, people)
    count = outbox.count(person.phone)
    assert_json(api.phone(session_id, person.phone), 202)
    code = outbox.wait_code(person.phone, count)
    wrong = [f"{(int(code) + k) % 1_000_000:06d}" for k in range(1, 6)]
    for attempt, value in enumerate(wrong[:4], start=1):
        problem = assert_problem(api.confirm(session_id, value), "wrong-code")
        assert str(5 - attempt) in re.findall(r"\d+", problem.get("detail", "")), problem
    assert_problem(api.confirm(session_id, wrong[4]), "session-locked")
    # The session is dead: the right code, a new code, completion all answer session-locked.
    assert_problem(api.confirm(session_id, code), "session-locked")
    assert_problem(api.phone(session_id, person.phone), "session-locked")
    assert_problem(api.complete(session_id, Wallet().csr()), "session-locked")


@pytest.mark.parametrize("phone", ["12345", "+86 138 0000 0000", "8613800000000", "+0123456789", "+8613800000000000000", ""])
def test_invalid_phone(api, enroller, people, phone):
    person, session_id = _verified_session(api, enroller, people)
    assert_problem(api.phone(session_id, phone), "invalid-phone")


def test_resend_replaces_the_code_and_is_limited_to_five(api, enroller, people, outbox):
    person, session_id = _verified_session(api, enroller, people)
    codes = []
    for _ in range(5):
        count = outbox.count(person.phone)
        assert_json(api.phone(session_id, person.phone), 202)
        codes.append(outbox.wait_code(person.phone, count))
    count = outbox.count(person.phone)
    assert_problem(api.phone(session_id, person.phone), "too-many-codes")
    time.sleep(0.3)
    assert outbox.count(person.phone) == count, "a sixth SMS was sent"
    if codes[0] != codes[-1]:
        assert_problem(api.confirm(session_id, codes[0]), "wrong-code")
    assert assert_json(api.confirm(session_id, codes[-1]), 200) == {"state": "phone_confirmed", "next": "complete"}


# --------------------------------------------------------------------------------------
# 7. Session errors
# --------------------------------------------------------------------------------------


def test_unknown_session(api):
    unknown = b64u(os.urandom(16))
    base = f"/enrollment/v1/sessions/{unknown}"
    assert_problem(api.post(base + "/document", {"dg1": "AA", "sod": "AA", "dg15": "AA", "aa_signature": "AA"}), "session-not-found", 404)
    assert_problem(api.post(base + "/phone", {"phone": "+8613800000000"}), "session-not-found", 404)
    assert_problem(api.post(base + "/phone/confirm", {"code": "123456"}), "session-not-found", 404)
    assert_problem(api.post(base + "/complete", {"csr": Wallet().csr()}), "session-not-found", 404)
    assert_problem(api.post(base + "/guardian-approval", {"approval": "a.b.c"}), "session-not-found", 404)


def test_steps_out_of_order(api, enroller, people, outbox, guardian, server):
    person = people.make(age=38)
    document = enroller.document_for(person)
    enrollment, challenge = new_enrollment(api, person, document)
    session_id = enrollment.session_id

    def wrong_step(response, state):
        problem = assert_problem(response, "wrong-step", 409)
        assert state in problem.get("detail", ""), problem

    wrong_step(api.phone(session_id, person.phone), "started")
    approval = guardian.wallet.jws(audience=server.audience, purpose="guardian-approval", session_id=session_id)
    wrong_step(api.guardian_approval(session_id, approval), "started")
    wrong_step(api.confirm(session_id, "123456"), "started")
    wrong_step(api.complete(session_id, enrollment.wallet.csr()), "started")

    assert_json(api.document(session_id, document_body(document, challenge)), 200)
    wrong_step(api.document(session_id, document_body(document, challenge)), "document_verified")
    wrong_step(api.confirm(session_id, "123456"), "document_verified")
    wrong_step(api.complete(session_id, enrollment.wallet.csr()), "document_verified")

    count = outbox.count(person.phone)
    assert_json(api.phone(session_id, person.phone), 202)
    wrong_step(api.complete(session_id, enrollment.wallet.csr()), "phone_code_sent")
    code = outbox.wait_code(person.phone, count)
    assert_json(api.confirm(session_id, code), 200)
    wrong_step(api.confirm(session_id, code), "phone_confirmed")
    enroller.complete(enrollment)
    wrong_step(api.document(session_id, document_body(document, challenge)), "completed")
    wrong_step(api.phone(session_id, person.phone), "completed")


def test_invalid_csr(api, enroller, people):
    cases = {
        "P-384 key": Wallet().csr(key=ec.generate_private_key(ec.SECP384R1())),
        "not a CSR": b64u(b"\x30\x03\x02\x01\x00"),
        "broken signature": None,
    }
    pem = Wallet().csr(der=False)
    der = bytearray(x509.load_pem_x509_csr(pem.encode()).public_bytes(serialization.Encoding.DER))
    der[-5] ^= 0x01  # inside the signature's r or s
    cases["broken signature"] = b64u(bytes(der))
    for name, csr in cases.items():
        person = people.make(age=39)
        enrollment = Enrollment(person, enroller.document_for(person), Wallet())
        enroller.through_phone(enrollment)
        response = api.complete(enrollment.session_id, csr)
        assert response.status != 201, name
        assert_problem(response, "invalid-csr")
        # The session still completes with a good CSR.
        enroller.complete(enrollment)


# --------------------------------------------------------------------------------------
# 8. Concurrency
# --------------------------------------------------------------------------------------


def test_fifty_parallel_enrollments_of_one_person_give_one_number(api, enroller, people, outbox):
    count = 50
    person = people.make(age=47)
    document = enroller.document_for(person)
    phones = [people.phone() for _ in range(count)]
    for phone in phones:
        people.register(person.__class__(person.mrz, phone))
    barrier = threading.Barrier(count, timeout=180)
    results: list = [None] * count
    errors: list = []

    def run(index: int):
        try:
            enrollment = Enrollment(person.__class__(person.mrz, phones[index]), document, Wallet())
            enroller.through_phone(enrollment)
            enrollment.csr = enrollment.wallet.csr()
        except BaseException as error:  # noqa: BLE001
            errors.append((index, repr(error)))
            barrier.abort()
            return
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return
        results[index] = (enrollment, api.complete(enrollment.session_id, enrollment.csr))

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not any(thread.is_alive() for thread in threads), "threads still running"
    assert not errors, errors[:5]
    responses = [r[1] for r in results]
    created = [r for r in responses if r.status == 201]
    refused = [r for r in responses if r.status != 201]
    assert len(created) == 1, [r.status for r in responses]
    for response in refused:
        assert_problem(response, "already-enrolled", 409)
    numbers = {r.json["network_number"] for r in created}
    assert len(numbers) == 1
    winner = next(r[0] for r in results if r[1].status == 201)
    again = api.complete(winner.session_id, winner.csr)
    assert again.status == 201 and again.json == created[0].json
    # And the person is now enrolled for good.
    session_id, challenge = new_session(api)
    assert_problem(api.document(session_id, document_body(document, challenge)), "already-enrolled", 409)


def test_concurrent_retries_of_complete_on_one_session_get_one_answer(api, enroller, people):
    person = people.make(age=48)
    enrollment = enroller.through_phone(Enrollment(person, enroller.document_for(person), Wallet()))
    csr = enrollment.wallet.csr()
    count = 10
    barrier = threading.Barrier(count, timeout=60)
    responses: list = [None] * count

    def run(index: int):
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return
        responses[index] = api.complete(enrollment.session_id, csr)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert all(r is not None and r.status == 201 for r in responses), responses
    assert len({r.body for r in responses}) == 1, "retries got different answers"


# --------------------------------------------------------------------------------------
# More contract rules: AA is mandatory, wrong codes count per session, wallet JWS typ,
# the session lifetime and certificate lifetime settings
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["chip without DG15", "DG15 left out of the request"])
def test_document_without_active_authentication_is_refused(api, enroller, people, case):
    """The contract requires the AA answer (only dg2 may be omitted): a copied chip image
    without DG15, or with DG15 withheld, must not pass as a genuine chip."""
    person = people.make(age=45)
    session_id, challenge = new_session(api)
    if case == "chip without DG15":
        document = enroller.document_for(person, aa_key_type=None)
        body = document_body(document, challenge)  # no dg15, no aa_signature
        body["aa_signature"] = b64u(os.urandom(64))  # whatever a cloned chip would answer
    else:
        document = enroller.document_for(person)
        body = document_body(document, challenge)
        del body["dg15"]
    response = api.document(session_id, body)
    assert response.status != 200, response
    problem = response.json
    assert problem.get("type") in (
        "urn:cyberid:problem:active-authentication-failed", "urn:cyberid:problem:malformed-request"), response
    assert_problem(response, problem["type"].rsplit(":", 1)[1])


def test_wrong_codes_count_per_session_across_resends(api, enroller, people, outbox):
    """"after 5 wrong codes the session is dead": five wrong codes in all, not five per code."""
    person, session_id = _verified_session(api, enroller, people)
    count = outbox.count(person.phone)
    assert_json(api.phone(session_id, person.phone), 202)
    code = outbox.wait_code(person.phone, count)
    for attempt in range(1, 4):
        problem = assert_problem(api.confirm(session_id, f"{(int(code) + attempt) % 1_000_000:06d}"), "wrong-code")
        assert str(5 - attempt) in re.findall(r"\d+", problem.get("detail", "")), problem
    count = outbox.count(person.phone)
    assert_json(api.phone(session_id, person.phone), 202)  # a new code replaces the old one
    code = outbox.wait_code(person.phone, count)
    problem = assert_problem(api.confirm(session_id, f"{(int(code) + 1) % 1_000_000:06d}"), "wrong-code")
    assert "1" in re.findall(r"\d+", problem.get("detail", "")), f"4 wrong codes so far, 1 attempt should be left: {problem}"
    assert_problem(api.confirm(session_id, f"{(int(code) + 2) % 1_000_000:06d}"), "session-locked")
    assert_problem(api.confirm(session_id, code), "session-locked")


def test_wallet_jws_must_be_typed(api, guardian, server):
    """§7 fixes the header's typ to cyberid-wallet+jwt (explicit typing, RFC 8725 §3.11): a JWS
    of another type is not a wallet signature, even when everything else is right."""
    for typ in ("JWT", None):  # None: no typ at all
        jws = guardian.wallet.jws(audience=server.audience, purpose="guardian-start", header_changes={"typ": typ})
        response = api.start(jws)
        assert response.status != 201, (typ, response)
        assert_problem(response, "invalid-wallet-signature")


@pytest.fixture(scope="module")
def tuned_server(pki, tmp_path_factory):
    """A second server with CYBERID_CERTIFICATE_DAYS=30 and CYBERID_SMS_PER_PHONE_PER_HOUR=2 (and
    the default session lifetime, which a whole enrollment on a loaded machine fits in)."""
    yield from launch_server(
        pki, tmp_path_factory, CYBERID_CERTIFICATE_DAYS="30", CYBERID_SMS_PER_PHONE_PER_HOUR="2")


@pytest.fixture(scope="module")
def short_session_server(pki, tmp_path_factory):
    """A server with CYBERID_ENROLLMENT_TTL_SECONDS=4, for the expiry test only."""
    yield from launch_server(pki, tmp_path_factory, CYBERID_ENROLLMENT_TTL_SECONDS="4")


def test_a_phone_gets_at_most_the_hourly_number_of_codes(tuned_server, pki, people):
    """docs/enrollment.md §3: across sessions, one number receives at most
    CYBERID_SMS_PER_PHONE_PER_HOUR codes an hour (429 phone-rate-limited, nothing sent);
    another number is not affected."""
    api = Api(tuned_server.base)
    outbox = Outbox(tuned_server.outbox_path)
    tuned = Enroller(api, outbox, pki, people, tuned_server)
    phone, other = "+8613766" + f"{time.time_ns() % 100_000:05d}" + "1", "+8613766" + f"{time.time_ns() % 100_000:05d}" + "2"
    answers = []
    for _ in range(3):
        session_id, challenge, _ = tuned.start()
        assert api.document(session_id, document_body(tuned.document_for(people.make(age=40)), challenge)).status == 200
        answers.append(api.phone(session_id, phone))
    assert [a.status for a in answers[:2]] == [202, 202], answers
    assert_problem(answers[2], "phone-rate-limited", 429)
    assert outbox.count(phone) == 2
    assert api.phone(session_id, other).status == 202
    assert outbox.count(other) == 1


@pytest.fixture(scope="module")
def pumping_server(pki, tmp_path_factory):
    """A server with low code limits: 5 per document an hour, 20 code requests per client IP."""
    yield from launch_server(
        pki, tmp_path_factory, CYBERID_SMS_PER_DOCUMENT_PER_HOUR="5", CYBERID_SMS_PER_IP_PER_HOUR="20")


def test_sms_pumping_is_limited_per_document_and_per_client_ip(pumping_server, pki, people):
    """Review finding 8: one document made 15 codes go to 15 numbers through 3 sessions. Now a
    document gets CYBERID_SMS_PER_DOCUMENT_PER_HOUR codes across its sessions and numbers, and a
    client IP CYBERID_SMS_PER_IP_PER_HOUR code requests; each refusal is 429 with Retry-After."""
    api = Api(pumping_server.base)
    outbox = Outbox(pumping_server.outbox_path)
    pump = Enroller(api, outbox, pki, people, pumping_server)
    stamp = f"{time.time_ns() % 10_000:04d}"

    def request_codes(person, sessions: int, numbers: int, prefix: str) -> list:
        document = pump.document_for(person)
        answers = []
        for s in range(sessions):
            session_id, challenge, _ = pump.start()
            assert api.document(session_id, document_body(document, challenge)).status == 200
            answers += [api.phone(session_id, f"+86139{prefix}{stamp}{s}{n}") for n in range(numbers)]
        return answers

    answers = request_codes(people.make(age=33), 3, 5, "1")
    assert [a.status for a in answers[:5]] == [202] * 5, answers[:5]
    for refused in answers[5:]:
        assert_problem(refused, "document-rate-limited", 429)
        retry = {k.lower(): v for k, v in refused.headers.items()}.get("retry-after")
        # When the sliding estimate lets the next one through; refused requests count too, so up
        # to two windows (configuration.md, "Rate limits").
        assert retry is not None and 1 <= int(retry) <= 7200, refused.headers
    assert sum(outbox.count(f"+86139{'1'}{stamp}{s}{n}") for s in range(3) for n in range(5)) == 5
    # Another document: 5 more requests from this client are within its 20, the 21st is not.
    assert [a.status for a in request_codes(people.make(age=34), 1, 5, "2")] == [202] * 5
    over = request_codes(people.make(age=35), 1, 1, "3")[0]
    assert_problem(over, "code-send-rate-limited", 429)
    assert {k.lower(): v for k, v in over.headers.items()}.get("retry-after")


def test_certificate_days_setting(tuned_server, pki, people, ca_chain, tmp_path):
    tuned = Enroller(Api(tuned_server.base), Outbox(tuned_server.outbox_path), pki, people, tuned_server)
    enrollment = tuned.full(people.make(age=36))
    cert = x509.load_pem_x509_certificate(enrollment.result["certificate"].encode())
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert dt.timedelta(days=29) <= lifetime <= dt.timedelta(days=30, hours=1), lifetime


def test_session_lifetime_setting_and_expiry(short_session_server, pki, people):
    """docs/enrollment.md: sessions expire after CYBERID_ENROLLMENT_TTL_SECONDS (default 600)."""
    api = Api(short_session_server.base)
    tuned = Enroller(api, Outbox(short_session_server.outbox_path), pki, people, short_session_server)
    person = people.make(age=37)
    before = dt.datetime.now(UTC)
    session_id, challenge, response = tuned.start()
    expires = parse_rfc3339(response.json["expires_at"])
    assert before + dt.timedelta(seconds=3) <= expires <= dt.datetime.now(UTC) + dt.timedelta(seconds=5), response
    wait = (expires - dt.datetime.now(UTC)).total_seconds() + 1.0
    time.sleep(min(max(wait, 0), 8))
    response = api.document(session_id, document_body(tuned.document_for(person), challenge))
    assert_problem(response, "session-expired")


# --------------------------------------------------------------------------------------
# 9. Privacy (keep last: it checks what all the tests above left behind)
# --------------------------------------------------------------------------------------


def _leaks(data: bytes, secrets: set[str]) -> list[str]:
    found = []
    for secret in secrets:
        if secret.encode() not in data:
            continue
        needle = re.escape(secret.encode())
        if secret.isdigit():
            # A digit string only counts on its own, not inside a longer number or a fraction of
            # a second (a YYMMDD is six digits, and so are microseconds).
            pattern = rb"(?<![0-9.])" + needle + rb"(?![0-9])"
        else:
            pattern = needle
        if re.search(pattern, data):
            found.append(secret)
    return found


def test_no_personal_data_in_database_logs_or_answers(api, server, people, guardian, enroller):
    # At least one complete enrollment, even when this test runs alone.
    extra = enroller.full(people.make(age=29))
    assert extra.result is not None
    secrets = {s for person in people.all for s in person.secrets() if len(s) >= 6}
    assert secrets
    # Positive control: the grep finds a phone number where it must be (the SMS outbox).
    assert _leaks(server.outbox_path.read_bytes(), {extra.person.phone}) == [extra.person.phone]
    files = server.database_files()
    assert any(p.name == "cyberid.sqlite" for p in files), files
    for path in files:
        leaked = _leaks(path.read_bytes(), secrets)
        assert not leaked, f"{path.name} holds {sorted(leaked)[:10]}"
    leaked = _leaks(server.logs(), secrets)
    assert not leaked, f"server logs hold {sorted(leaked)[:10]}"
    leaked = _leaks(b"\n".join(api.bodies()), secrets)
    assert not leaked, f"answers hold {sorted(leaked)[:10]}"
    assert server.alive()
