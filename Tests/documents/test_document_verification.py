"""End-to-end checks of `cyberid dev verify-document` (ICAO 9303 passive and active
authentication) against documents built from scratch by emrtd_factory.py.

Every test builds its own CSCA, DSC and document in tmp_path and runs on two backends (see
conftest.py): the Python reference verifier, which proves the test data is what the test
says, and the cyberid binary, skipped until it exists and knows the subcommand.

Each rejection test contains exactly ONE fault, so the expected error code does not depend
on the order in which the verifier checks things (one exception, documented at
test_tampered_lds_content_breaks_the_sod_signature).
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from asn1crypto import cms

from conftest import TODAY
from reference_verifier import issuing_state_country
from emrtd_factory import (
    MrzFields,
    aa_sign,
    age_band,
    build_document,
    build_mrz,
    corrupt_check_digit,
    expected_mrz_json,
    flip_byte,
    generate_key,
    lds_hash_offset,
    make_crl,
    make_csca,
    make_dg1,
    make_dg15,
    make_dsc,
    read_tlv,
    tamper_within,
    write_crl,
)

UTC = dt.timezone.utc
CHALLENGE = bytes.fromhex("0123456789abcdef")
OTHER_CHALLENGE = bytes.fromhex("fedcba9876543210")


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def pki(csca_key="ec-p256", dsc_key=None, country="CN", **dsc_options):
    """A fresh CSCA of `country` and a DSC it issued."""
    csca = make_csca(csca_key, country=country)
    return csca, make_dsc(csca, dsc_key or csca_key, **dsc_options)


def trust(tmp_path, csca, name="trusted-csca.pem"):
    """Writes a CSCA certificate (PEM) outside the document directory; returns the path."""
    return csca.write_pem(tmp_path / "trust" / name)


def write(tmp_path, document, name="document"):
    return document.write(tmp_path / name)


def sod_signature(sod: bytes) -> bytes:
    """The SignerInfo.signature bytes inside SOD.bin."""
    _, content, _ = read_tlv(sod)
    return cms.ContentInfo.load(content)["content"]["signer_infos"][0]["signature"].native


def at(year, month, day):
    return dt.datetime(year, month, day, tzinfo=UTC)


# --------------------------------------------------------------------------------------
# Documents that verify
# --------------------------------------------------------------------------------------


def test_td3_passport_ec_p256_dsc_with_ec_active_authentication(verify, tmp_path):
    csca, dsc = pki("ec-p256")
    fields = MrzFields(personal_number="11010119900101")
    document = build_document(dsc, mrz=fields, aa_key_type="ec-p256")
    output = verify(
        write(tmp_path, document), [trust(tmp_path, csca)], challenge=CHALLENGE, aa_signature=document.aa_respond(CHALLENGE)
    ).assert_verified()
    assert output["active_authentication"] is True
    assert output["mrz"] == expected_mrz_json(fields)
    assert output["mrz"] == {
        "document_code": "P",
        "issuing_state": "CHN",
        "surname": "ZHANG",
        "given_names": "SAN",
        "document_number": "E12345678",
        "nationality": "CHN",
        "birth_date": "1990-01-01",
        "sex": "M",
        "expiry_date": "2031-01-01",
        "personal_number": "11010119900101",
    }
    assert output["age_band"] == "18_plus"
    assert output["data_groups"] == [1, 2, 15]


def test_td1_id_card_rsa_pss_dsc_with_rsa_active_authentication(verify, tmp_path):
    csca, dsc = pki("rsa-2048")
    fields = MrzFields(
        document_code="ID", surname="LI", given_names="XIAO HONG", sex="F",
        document_number="C01X00T47", birth_date=dt.date(1985, 7, 9), expiry_date=dt.date(2035, 7, 9),
        personal_number="110101198507091",
    )
    document = build_document(dsc, mrz=fields, sod_scheme="rsa-pss", aa_key_type="rsa-2048")
    assert len(document.mrz) == 90
    output = verify(
        write(tmp_path, document), [trust(tmp_path, csca)], challenge=CHALLENGE, aa_signature=document.aa_respond(CHALLENGE)
    ).assert_verified()
    assert output["active_authentication"] is True
    assert output["mrz"] == expected_mrz_json(fields)
    assert output["mrz"]["document_code"] == "ID"
    assert output["mrz"]["given_names"] == "XIAO HONG"
    assert output["age_band"] == "18_plus"
    assert output["data_groups"] == [1, 2, 15]


def test_rsa_pkcs1_v15_sod_with_rsa_1024_active_authentication(verify, tmp_path):
    # Mixed chain: an EC P-384 CSCA issues an RSA DSC; the chip has an RSA-1024 AA key.
    csca, dsc = pki("ec-p384", "rsa-2048")
    document = build_document(dsc, sod_scheme="rsa-pkcs1", aa_key_type="rsa-1024")
    output = verify(
        write(tmp_path, document), [trust(tmp_path, csca)], challenge=CHALLENGE, aa_signature=document.aa_respond(CHALLENGE)
    ).assert_verified()
    assert output["active_authentication"] is True


@pytest.mark.parametrize(
    "csca_key, dsc_key, digest",
    [
        pytest.param("ec-p256", "ec-p256", "sha256", id="p256-sha256"),
        pytest.param("ec-p384", "ec-p384", "sha384", id="p384-sha384"),
        pytest.param("ec-p384", "ec-p384", "sha512", id="p384-sha512"),
        pytest.param("rsa-2048", "ec-p256", "sha256", id="rsa-csca-p256-dsc"),
    ],
)
def test_ec_dsc_and_digest_variants(verify, tmp_path, csca_key, dsc_key, digest):
    csca, dsc = pki(csca_key, dsc_key)
    document = build_document(dsc, digest=digest)
    output = verify(write(tmp_path, document), [trust(tmp_path, csca)]).assert_verified()
    assert output["mrz"] == expected_mrz_json(document.mrz_fields)


def test_without_challenge_active_authentication_is_false(verify, tmp_path):
    csca, dsc = pki()
    document = build_document(dsc, aa_key_type="ec-p256")
    output = verify(write(tmp_path, document), [trust(tmp_path, csca)]).assert_verified()
    assert output["active_authentication"] is False
    assert output["data_groups"] == [1, 2, 15]


def test_document_with_dg1_only(verify, tmp_path):
    csca, dsc = pki()
    document = build_document(dsc, include_dg2=False, aa_key_type=None)
    output = verify(write(tmp_path, document), [trust(tmp_path, csca)]).assert_verified()
    assert output["active_authentication"] is False
    assert output["data_groups"] == [1]


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param(MrzFields(), id="td3-defaults-no-personal-number"),
        pytest.param(
            MrzFields(
                issuing_state="NLD", nationality="NLD", surname="VAN DER BERG", given_names="ANNA MARIA JOHANNA",
                document_number="XN0123456", sex="F", birth_date=dt.date(1979, 3, 10), expiry_date=dt.date(2029, 3, 9),
                personal_number="999999990",
            ),
            id="td3-multi-part-names",
        ),
        pytest.param(
            MrzFields(
                document_code="I<", issuing_state="UTO", nationality="UTO", surname="ERIKSSON", given_names="ANNA MARIA",
                document_number="D23145890", sex="F", birth_date=dt.date(1974, 8, 12), expiry_date=dt.date(2032, 4, 15),
            ),
            id="td1-I<",
        ),
        pytest.param(
            MrzFields(
                document_code="ID", surname="WANG", given_names="DA MING", document_number="T22000129",
                birth_date=dt.date(2001, 12, 31), expiry_date=dt.date(2030, 1, 31), personal_number="4401062001123",
            ),
            id="td1-ID-personal-number",
        ),
    ],
)
def test_mrz_fields_are_reported_as_printed(verify, tmp_path, fields):
    csca, dsc = pki(country=issuing_state_country(fields.issuing_state))
    document = build_document(dsc, mrz=fields)
    output = verify(write(tmp_path, document), [trust(tmp_path, csca)]).assert_verified()
    assert output["mrz"] == expected_mrz_json(fields)


@pytest.mark.parametrize(
    "state, country, accepted",
    [
        pytest.param("UTO", "CN", False, id="utopian-document-signed-by-china"),
        pytest.param("NLD", "CN", False, id="dutch-document-signed-by-china"),
        pytest.param("D", "DE", True, id="germany-icao-code-D"),
        pytest.param("GBD", "GB", True, id="british-dependent-territories"),
        pytest.param("UNO", "CN", False, id="united-nations-no-country"),
        pytest.param("NLD", "NL", True, id="dutch-document-signed-by-the-netherlands"),
    ],
)
def test_a_document_is_signed_by_its_issuing_states_csca(verify, tmp_path, state, country, accepted):
    """Review finding 5: a state signs its own documents. A trusted CSCA of one country cannot
    vouch for a document whose MRZ names another issuing state (issuing-state-mismatch)."""
    csca, dsc = pki(country=country)
    document = build_document(dsc, mrz=MrzFields(issuing_state=state))
    result = verify(write(tmp_path, document), [trust(tmp_path, csca)])
    if accepted:
        assert result.assert_verified()["mrz"]["issuing_state"] == state
    else:
        result.assert_rejected("issuing-state-mismatch")


@pytest.mark.parametrize(
    "birth, today, band",
    [
        pytest.param("2010-06-01", "2026-11-25", "14_17", id="16-years-old"),
        pytest.param("2016-06-01", "2026-11-25", "under_14", id="10-years-old"),
        pytest.param("2008-02-29", "2026-02-28", "14_17", id="leap-day-the-day-before"),
        pytest.param("2008-02-29", "2026-03-01", "18_plus", id="leap-day-on-1-march"),
        pytest.param("2012-11-25", "2026-11-25", "14_17", id="14th-birthday-today"),
        pytest.param("2012-11-26", "2026-11-25", "under_14", id="14th-birthday-tomorrow"),
        pytest.param("2008-11-25", "2026-11-25", "18_plus", id="18th-birthday-today"),
        pytest.param("2008-11-26", "2026-11-25", "14_17", id="18th-birthday-tomorrow"),
        pytest.param("1950-05-05", "2026-11-25", "18_plus", id="born-1950-not-2050"),
        pytest.param("2026-01-01", "2026-11-25", "under_14", id="born-this-year"),
    ],
)
def test_age_band(verify, tmp_path, birth, today, band):
    birth_date = dt.date.fromisoformat(birth)
    assert age_band(birth_date, dt.date.fromisoformat(today)) == band  # the test's own arithmetic
    csca, dsc = pki()
    document = build_document(dsc, mrz=MrzFields(birth_date=birth_date))
    output = verify(write(tmp_path, document), [trust(tmp_path, csca)], today=today).assert_verified()
    assert output["age_band"] == band
    assert output["mrz"]["birth_date"] == birth


def test_right_csca_among_several(verify, tmp_path):
    csca, dsc = pki()
    others = [make_csca("ec-p256", common_name="CSCA Other"), make_csca("rsa-2048", common_name="CSCA Test")]
    document = build_document(dsc)
    anchors = [trust(tmp_path, other, f"other-{i}.pem") for i, other in enumerate(others)] + [trust(tmp_path, csca)]
    verify(write(tmp_path, document), anchors).assert_verified()


@pytest.mark.parametrize("encoding", ["der", "pem"])
def test_crl_of_the_csca_not_listing_the_dsc(verify, tmp_path, encoding):
    csca, dsc = pki()
    document = build_document(dsc)
    crl = write_crl(make_crl(csca, [dsc.serial_number + 1, 12345]), tmp_path / f"csca.crl.{encoding}", encoding)
    verify(write(tmp_path, document), [trust(tmp_path, csca)], crls=[crl]).assert_verified()


@pytest.mark.parametrize("policy", [None, "refuse", "warn"])
def test_a_crl_past_its_next_update_leaves_the_status_unknown(verify, tmp_path, policy):
    """Review finding 15: a CSCA whose only CRL is past its nextUpdate says nothing about the DSC
    today: refused as revocation-status-unavailable (the default), or accepted with a warning."""
    csca, dsc = pki()
    document = write(tmp_path, build_document(dsc))
    stale = write_crl(
        make_crl(csca, [12345], next_update=dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)), tmp_path / "stale.crl")
    argv = ["--document", str(document), "--csca", str(trust(tmp_path, csca)), "--crl", str(stale), "--today", TODAY]
    if policy:
        argv += ["--stale-crl", policy]
    result = verify.run(argv)
    if policy == "warn":
        assert result.assert_verified()["warnings"] == ["revocation-list-stale"]
    else:
        result.assert_rejected("revocation-status-unavailable")
    # A current list beside the stale one: the status is known again, no warning.
    current = write_crl(make_crl(csca, [12345]), tmp_path / "current.crl")
    assert "warnings" not in verify.run(argv + ["--crl", str(current)]).assert_verified()


@pytest.mark.parametrize("foreign", ["same-name-untrusted", "other-name-trusted"])
def test_crl_signed_by_another_csca_is_ignored(verify, tmp_path, foreign):
    csca, dsc = pki()
    anchors = [trust(tmp_path, csca)]
    if foreign == "same-name-untrusted":
        # Same subject DN as the real CSCA, different key, not trusted: a forged CRL.
        other = make_csca("ec-p256")
        assert other.subject == csca.subject
    else:
        other = make_csca("ec-p256", country="UT", common_name="CSCA Utopia")
        anchors.append(trust(tmp_path, other, "other.pem"))
    document = build_document(dsc)
    crl = write_crl(make_crl(other, [dsc.serial_number]), tmp_path / "foreign.crl")
    output = verify(write(tmp_path, document), anchors, crls=[crl]).assert_verified()
    assert output["passive_authentication"] is True


def test_after_a_csca_key_rollover_the_new_keys_crl_revokes_an_old_dsc(verify, tmp_path):
    """A review's finding: a state rolls its CSCA key over (same name, both trusted) and signs its
    CRL with the new key; a DSC issued under the old key and listed there was accepted, no list
    signed by its own CSCA key being found."""
    old, dsc = pki()
    new = make_csca("ec-p256")
    assert new.subject == old.subject
    document = write(tmp_path, build_document(dsc))
    anchors = [trust(tmp_path, old), trust(tmp_path, new, "new.pem")]
    listed = write_crl(make_crl(new, [dsc.serial_number]), tmp_path / "new.crl")
    verify(document, anchors, crls=[listed]).assert_rejected("dsc-revoked")
    # The new key's list not listing it: verified.
    clean = write_crl(make_crl(new, [12345]), tmp_path / "clean.crl")
    verify(document, anchors, crls=[clean]).assert_verified()


def test_lds_may_list_data_groups_that_are_not_on_disk(verify, tmp_path):
    # Real SODs list DG3/DG14 etc. that a terminal without EAC cannot or does not read.
    csca, dsc = pki()
    document = build_document(dsc, lds_extra_hashes={3: os.urandom(32), 14: os.urandom(32)})
    output = verify(write(tmp_path, document), [trust(tmp_path, csca)]).assert_verified()
    assert output["data_groups"] == [1, 2, 15]


def test_sod_without_signing_time(verify, tmp_path):
    csca, dsc = pki()
    document = build_document(dsc, signing_time=None)
    verify(write(tmp_path, document), [trust(tmp_path, csca)]).assert_verified()


def test_hash_algorithm_identifiers_with_null_parameters(verify, tmp_path):
    # Many issuers write sha256 AlgorithmIdentifiers with NULL parameters, others none.
    csca, dsc = pki("rsa-2048")
    document = build_document(dsc, null_digest_params=True, sod_scheme="rsa-pss")
    verify(write(tmp_path, document), [trust(tmp_path, csca)]).assert_verified()


def test_rsa_aa_signature_given_as_n_minus_s(verify, tmp_path):
    # ISO/IEC 9796-2's alternative: s^e mod n may be n - F; a verifier must try both.
    csca, dsc = pki()
    document = build_document(dsc, aa_key_type="rsa-2048")
    signature = document.aa_respond(CHALLENGE, complement=True)
    output = verify(
        write(tmp_path, document), [trust(tmp_path, csca)], challenge=CHALLENGE, aa_signature=signature
    ).assert_verified()
    assert output["active_authentication"] is True


def test_empty_personal_number_with_filler_check_digit(verify, tmp_path):
    # ICAO 9303 part 4: an unused TD3 personal number field may have '<' as check digit.
    csca, dsc = pki()
    fields = MrzFields(empty_personal_number_check_digit="<")
    document = build_document(dsc, mrz=fields)
    assert document.mrz[86] == "<"
    output = verify(write(tmp_path, document), [trust(tmp_path, csca)]).assert_verified()
    assert output["mrz"]["personal_number"] is None


def test_document_expiring_today_still_verifies(verify, tmp_path):
    csca, dsc = pki()
    document = build_document(dsc, mrz=MrzFields(expiry_date=dt.date.fromisoformat(TODAY)))
    verify(write(tmp_path, document), [trust(tmp_path, csca)]).assert_verified()


def test_today_defaults_to_the_real_date(verify, tmp_path):
    real_today = dt.date.today()
    csca = make_csca("ec-p256", not_before=at(real_today.year - 5, 1, 1), not_after=at(real_today.year + 20, 1, 1))
    dsc = make_dsc(csca, "ec-p256", not_before=at(real_today.year - 1, 1, 1), not_after=at(real_today.year + 11, 1, 1))
    document = build_document(dsc, mrz=MrzFields(expiry_date=dt.date(real_today.year + 5, 1, 1)))
    verify(write(tmp_path, document), [trust(tmp_path, csca)], today=None).assert_verified()


# --------------------------------------------------------------------------------------
# Documents that must be rejected
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"surname": "ZHANF"}, id="surname-letter"),
        pytest.param({"document_number": "E12345679"}, id="document-number-with-new-check-digits"),
        pytest.param({"birth_date": dt.date(1980, 1, 1)}, id="birth-date-with-new-check-digits"),
    ],
)
def test_tampered_dg1_is_a_hash_mismatch(verify, tmp_path, change):
    csca, dsc = pki()
    document = build_document(dsc)
    directory = write(tmp_path, document)
    # A well-formed MRZ with correct check digits: only the LDS hash can catch it.
    (directory / "DG1.bin").write_bytes(make_dg1(build_mrz(document.mrz_fields.replace(**change))))
    verify(directory, [trust(tmp_path, csca)]).assert_rejected("dg-hash-mismatch")


def test_tampered_dg1_td1_is_a_hash_mismatch(verify, tmp_path):
    csca, dsc = pki("rsa-2048")
    fields = MrzFields(document_code="ID", given_names="SAN FENG")
    document = build_document(dsc, mrz=fields, sod_scheme="rsa-pss")
    directory = write(tmp_path, document)
    (directory / "DG1.bin").write_bytes(make_dg1(build_mrz(fields.replace(given_names="SAN FEND"))))
    verify(directory, [trust(tmp_path, csca)]).assert_rejected("dg-hash-mismatch")


def test_tampered_dg2_is_a_hash_mismatch(verify, tmp_path):
    csca, dsc = pki()
    document = build_document(dsc)
    directory = write(tmp_path, document)
    (directory / "DG2.bin").write_bytes(flip_byte(document.data_groups[2], -10))  # inside the image bytes
    verify(directory, [trust(tmp_path, csca)]).assert_rejected("dg-hash-mismatch")


def test_dg15_swapped_for_another_key_is_a_hash_mismatch(verify, tmp_path):
    csca, dsc = pki()
    document = build_document(dsc, aa_key_type="ec-p256")
    directory = write(tmp_path, document)
    (directory / "DG15.bin").write_bytes(make_dg15(generate_key("ec-p256")))
    verify(directory, [trust(tmp_path, csca)]).assert_rejected("dg-hash-mismatch")


@pytest.mark.parametrize("missing", [2, 15])
def test_present_data_group_missing_from_lds_is_a_hash_mismatch(verify, tmp_path, missing):
    csca, dsc = pki()
    document = build_document(dsc, lds_omit=frozenset({missing}))
    verify(write(tmp_path, document), [trust(tmp_path, csca)]).assert_rejected("dg-hash-mismatch")


@pytest.mark.parametrize("where", ["hash-of-absent-dg14", "hash-of-dg1"])
def test_tampered_lds_content_breaks_the_sod_signature(verify, tmp_path, where):
    # One byte of the signed eContent changes; the SOD is not re-signed, so messageDigest no
    # longer matches. "hash-of-absent-dg14" is a pure single fault (DG14 is not on disk).
    # "hash-of-dg1" also makes DG1's hash differ, but an unauthenticated LDS object must not
    # be compared with anything: the signature is checked first, so the error is still
    # bad-dsc-signature.
    csca, dsc = pki()
    document = build_document(dsc, lds_extra_hashes={14: os.urandom(32)})
    dg = 14 if where == "hash-of-absent-dg14" else 1
    directory = write(tmp_path, document)
    (directory / "SOD.bin").write_bytes(tamper_within(document.sod, document.lds, lds_hash_offset(document.lds, dg)))
    verify(directory, [trust(tmp_path, csca)]).assert_rejected("bad-dsc-signature")


@pytest.mark.parametrize("key_type, scheme", [("ec-p256", "ecdsa"), ("rsa-2048", "rsa-pss"), ("rsa-2048", "rsa-pkcs1")])
def test_tampered_sod_signature(verify, tmp_path, key_type, scheme):
    csca, dsc = pki(key_type)
    document = build_document(dsc, sod_scheme=scheme)
    directory = write(tmp_path, document)
    (directory / "SOD.bin").write_bytes(tamper_within(document.sod, sod_signature(document.sod), -1))
    verify(directory, [trust(tmp_path, csca)]).assert_rejected("bad-dsc-signature")


@pytest.mark.parametrize("key_type, scheme", [("ec-p256", "ecdsa"), ("rsa-2048", "rsa-pss"), ("rsa-2048", "rsa-pkcs1")])
def test_sod_signed_by_another_key_than_the_dsc(verify, tmp_path, key_type, scheme):
    csca, dsc = pki(key_type)
    document = build_document(dsc, sod_scheme=scheme, sod_signing_key=generate_key(key_type))
    verify(write(tmp_path, document), [trust(tmp_path, csca)]).assert_rejected("bad-dsc-signature")


@pytest.mark.parametrize("name", ["same-name", "other-name"])
def test_wrong_csca_is_untrusted(verify, tmp_path, name):
    csca, dsc = pki()
    # Same subject DN but another key: the verifier must check the signature, not the name.
    wrong = make_csca("ec-p256") if name == "same-name" else make_csca("ec-p256", country="UT", common_name="CSCA Utopia")
    document = build_document(dsc)
    verify(write(tmp_path, document), [trust(tmp_path, wrong)]).assert_rejected("untrusted-csca")


def test_dsc_issued_by_an_untrusted_csca_in_the_same_document(verify, tmp_path):
    # The document's own csca.pem is not a trust anchor: only --csca is.
    csca, dsc = pki()
    trusted = make_csca("ec-p384", common_name="CSCA Real")
    document = build_document(dsc)
    verify(write(tmp_path, document), [trust(tmp_path, trusted)]).assert_rejected("untrusted-csca")


def test_expired_dsc(verify, tmp_path):
    csca, dsc = pki("ec-p256", not_before=at(2016, 6, 1), not_after=at(2026, 6, 1))
    document = build_document(dsc, mrz=MrzFields(expiry_date=dt.date(2027, 1, 1)))
    verify(write(tmp_path, document), [trust(tmp_path, csca)]).assert_rejected("dsc-expired")


def test_dsc_not_yet_valid(verify, tmp_path):
    csca, dsc = pki("ec-p256", not_before=at(2027, 6, 1), not_after=at(2037, 6, 1))
    document = build_document(dsc)
    verify(write(tmp_path, document), [trust(tmp_path, csca)]).assert_rejected("dsc-expired")


@pytest.mark.parametrize("encoding", ["der", "pem"])
def test_revoked_dsc(verify, tmp_path, encoding):
    csca, dsc = pki()
    document = build_document(dsc)
    # An unrelated CRL first (another CSCA), then the CSCA's own listing the DSC.
    unrelated = make_csca("ec-p256", country="UT", common_name="CSCA Utopia")
    crls = [
        write_crl(make_crl(unrelated, [1, 2, 3]), tmp_path / f"unrelated.{encoding}", encoding),
        write_crl(make_crl(csca, [424242, dsc.serial_number]), tmp_path / f"csca.{encoding}", encoding),
    ]
    verify(write(tmp_path, document), [trust(tmp_path, csca)], crls=crls).assert_rejected("dsc-revoked")


def test_expired_document(verify, tmp_path):
    csca, dsc = pki()
    document = build_document(dsc, mrz=MrzFields(expiry_date=dt.date(2026, 11, 24)))
    verify(write(tmp_path, document), [trust(tmp_path, csca)], today=TODAY).assert_rejected("document-expired")


@pytest.mark.parametrize(
    "fields, which",
    [
        (MrzFields(personal_number="11010119900101"), "document_number"),
        (MrzFields(personal_number="11010119900101"), "birth_date"),
        (MrzFields(personal_number="11010119900101"), "expiry_date"),
        (MrzFields(personal_number="11010119900101"), "personal_number"),
        (MrzFields(personal_number="11010119900101"), "composite"),
        (MrzFields(document_code="ID", personal_number="110101199001011"), "document_number"),
        (MrzFields(document_code="ID"), "birth_date"),
        (MrzFields(document_code="ID"), "expiry_date"),
        (MrzFields(document_code="ID", personal_number="110101199001011"), "composite"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.resolved_layout,
)
def test_wrong_check_digit_is_invalid_mrz(verify, tmp_path, fields, which):
    csca, dsc = pki()
    # The wrong MRZ is signed into the SOD: the hash matches, only the check digit is wrong.
    document = build_document(dsc, mrz=fields, mrz_text=corrupt_check_digit(build_mrz(fields), which))
    verify(write(tmp_path, document), [trust(tmp_path, csca)]).assert_rejected("invalid-mrz")


@pytest.mark.parametrize("aa_key_type", ["ec-p256", "rsa-2048"])
def test_aa_signature_over_another_challenge(verify, tmp_path, aa_key_type):
    csca, dsc = pki()
    document = build_document(dsc, aa_key_type=aa_key_type)
    verify(
        write(tmp_path, document), [trust(tmp_path, csca)],
        challenge=CHALLENGE, aa_signature=document.aa_respond(OTHER_CHALLENGE),
    ).assert_rejected("active-authentication-failed")


@pytest.mark.parametrize("aa_key_type", ["ec-p256", "rsa-2048"])
def test_aa_signature_by_another_key_than_dg15(verify, tmp_path, aa_key_type):
    csca, dsc = pki()
    document = build_document(dsc, aa_key_type=aa_key_type)
    cloned = document.copy()
    cloned.aa_key = generate_key(aa_key_type)  # a cloned chip without the genuine key
    verify(
        write(tmp_path, document), [trust(tmp_path, csca)],
        challenge=CHALLENGE, aa_signature=cloned.aa_respond(CHALLENGE),
    ).assert_rejected("active-authentication-failed")


def test_challenge_without_dg15(verify, tmp_path):
    csca, dsc = pki()
    document = build_document(dsc, aa_key_type=None)
    signature = aa_sign(generate_key("ec-p256"), CHALLENGE)  # a well-formed answer, but to what key?
    verify(
        write(tmp_path, document), [trust(tmp_path, csca)], challenge=CHALLENGE, aa_signature=signature
    ).assert_rejected("active-authentication-failed")


def test_truncated_sod_is_unparseable(verify, tmp_path):
    csca, dsc = pki()
    document = build_document(dsc)
    directory = write(tmp_path, document)
    (directory / "SOD.bin").write_bytes(document.sod[: len(document.sod) // 2])
    verify(directory, [trust(tmp_path, csca)]).assert_rejected("unparseable-document")


@pytest.mark.parametrize("fault", ["wrong-outer-tag", "mrz-87-characters", "lower-case-letter", "not-tlv"])
def test_malformed_dg1_is_unparseable(verify, tmp_path, fault):
    # The malformed DG1 is signed into the SOD, so its hash matches.
    csca, dsc = pki()
    mrz = build_mrz(MrzFields())
    options = {
        "wrong-outer-tag": {"dg1_bytes": b"\x62" + make_dg1(mrz)[1:]},
        "mrz-87-characters": {"mrz_text": mrz[:-1]},
        "lower-case-letter": {"mrz_text": mrz.replace("ZHANG", "ZHANg")},
        "not-tlv": {"dg1_bytes": mrz.encode("ascii")},
    }[fault]
    document = build_document(dsc, **options)
    verify(write(tmp_path, document), [trust(tmp_path, csca)]).assert_rejected("unparseable-document")


@pytest.mark.parametrize("missing", ["DG1.bin", "SOD.bin"])
def test_missing_mandatory_file_is_a_usage_error(verify, tmp_path, missing):
    csca, dsc = pki()
    directory = write(tmp_path, build_document(dsc))
    (directory / missing).unlink()
    verify(directory, [trust(tmp_path, csca)]).assert_usage_error()


@pytest.mark.parametrize("problem", ["missing-csca-file", "bad-today", "missing-document-directory", "no-csca"])
def test_usage_errors(verify, tmp_path, problem):
    csca, dsc = pki()
    directory = write(tmp_path, build_document(dsc))
    anchor = trust(tmp_path, csca)
    argv = {
        "missing-csca-file": ["--document", directory, "--csca", tmp_path / "nope.pem", "--today", TODAY],
        "bad-today": ["--document", directory, "--csca", anchor, "--today", "2026-13-45"],
        "missing-document-directory": ["--document", tmp_path / "nope", "--csca", anchor, "--today", TODAY],
        "no-csca": ["--document", directory, "--today", TODAY],
    }[problem]
    verify.run(argv).assert_usage_error()
