"""Self-tests of emrtd_factory.py: its output is well-formed ICAO 9303 / CMS / X.509.

These do not need the cyberid binary. They check the factory with other code than the
factory's own: asn1crypto's parser and CMS classes, cryptography's signature verification,
ICAO 9303's published specimen MRZs, and (when installed) the OpenSSL command line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess

import pytest
from asn1crypto import cms, keys, parser
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import ExtensionOID

import emrtd_factory as f

CHALLENGE = bytes.fromhex("0011223344556677")
HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


# --------------------------------------------------------------------------------------
# MRZ
# --------------------------------------------------------------------------------------


def test_check_digits_of_the_icao_specimens():
    # ICAO 9303 part 4, appendix: "L898902C3" → 6, "740812" → 2, "120415" → 9.
    assert f.check_digit("L898902C3") == "6"
    assert f.check_digit("740812") == "2"
    assert f.check_digit("120415") == "9"
    assert f.check_digit("ZE184226B<<<<<") == "1"
    assert f.check_digit("<<<<<<<<<<<<<<") == "0"
    # ICAO 9303 part 3 worked example: 520727 → 3.
    assert f.check_digit("520727") == "3"


def test_td3_matches_the_icao_specimen():
    fields = f.MrzFields(
        document_code="P<", issuing_state="UTO", surname="ERIKSSON", given_names="ANNA MARIA",
        document_number="L898902C3", nationality="UTO", birth_date=dt.date(1974, 8, 12), sex="F",
        expiry_date=dt.date(2012, 4, 15), personal_number="ZE184226B",
    )
    assert f.build_mrz(fields) == (
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    )


def test_td1_matches_the_icao_specimen():
    fields = f.MrzFields(
        document_code="I<", issuing_state="UTO", surname="ERIKSSON", given_names="ANNA MARIA",
        document_number="D23145890", nationality="UTO", birth_date=dt.date(1974, 8, 12), sex="F",
        expiry_date=dt.date(2012, 4, 15),
    )
    assert f.build_mrz(fields) == (
        "I<UTOD231458907<<<<<<<<<<<<<<<"
        "7408122F1204159UTO<<<<<<<<<<<6"
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
    )


def _recompute_td3(mrz: str) -> list[tuple[str, str]]:
    line2 = mrz[44:]
    return [
        (f.check_digit(line2[0:9]), line2[9]),
        (f.check_digit(line2[13:19]), line2[19]),
        (f.check_digit(line2[21:27]), line2[27]),
        (f.check_digit(line2[28:42]), line2[42]),
        (f.check_digit(line2[0:10] + line2[13:20] + line2[21:43]), line2[43]),
    ]


def _recompute_td1(mrz: str) -> list[tuple[str, str]]:
    line1, line2 = mrz[:30], mrz[30:60]
    return [
        (f.check_digit(line1[5:14]), line1[14]),
        (f.check_digit(line2[0:6]), line2[6]),
        (f.check_digit(line2[8:14]), line2[14]),
        (f.check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]), line2[29]),
    ]


@pytest.mark.parametrize(
    "fields",
    [
        f.MrzFields(),
        f.MrzFields(personal_number="11010119900101", surname="VAN DER BERG", given_names="ANNA MARIA"),
        f.MrzFields(document_code="ID", personal_number="110101199001011", optional_data_2="ABC"),
        f.MrzFields(document_code="I<", sex="<", birth_date=dt.date(2008, 2, 29)),
    ],
)
def test_built_mrz_check_digits_recompute(fields):
    mrz = f.build_mrz(fields)
    assert set(mrz) <= f.MRZ_CHARSET
    if fields.resolved_layout == "TD3":
        assert len(mrz) == 88 and mrz[:2] == fields.document_code
        pairs = _recompute_td3(mrz)
    else:
        assert len(mrz) == 90
        pairs = _recompute_td1(mrz)
    for computed, written in pairs:
        assert computed == written, mrz


@pytest.mark.parametrize("layout, which", [(l, w) for l, ws in f.CHECK_DIGIT_OFFSETS.items() for w in ws])
def test_corrupt_check_digit_breaks_exactly_that_digit(layout, which):
    fields = f.MrzFields(document_code="P<" if layout == "TD3" else "ID", personal_number="1234567")
    mrz = f.build_mrz(fields)
    bad = f.corrupt_check_digit(mrz, which)
    diff = [i for i in range(len(mrz)) if mrz[i] != bad[i]]
    assert diff == [f.CHECK_DIGIT_OFFSETS[layout][which]]
    pairs = _recompute_td3(bad) if layout == "TD3" else _recompute_td1(bad)
    assert any(computed != written for computed, written in pairs)


def test_empty_personal_number_check_digit_choice():
    assert f.build_mrz(f.MrzFields())[86] == "0"
    assert f.build_mrz(f.MrzFields(empty_personal_number_check_digit="<"))[86] == "<"


def test_mrz_field_validation():
    with pytest.raises(ValueError):
        f.build_mrz(f.MrzFields(surname="ÄRGER"))
    with pytest.raises(ValueError):
        f.build_mrz(f.MrzFields(document_number="1234567890"))


def test_expected_mrz_json_mapping():
    fields = f.MrzFields(document_code="I<", surname="VAN DER BERG", given_names="ANNA  MARIA")
    out = f.expected_mrz_json(fields)
    assert out["document_code"] == "I"
    assert out["surname"] == "VAN DER BERG"
    assert out["given_names"] == "ANNA MARIA"
    assert out["personal_number"] is None


@pytest.mark.parametrize(
    "birth, day, band",
    [
        ("2010-06-01", "2026-11-25", "14_17"),
        ("2016-06-01", "2026-11-25", "under_14"),
        ("2008-02-29", "2026-02-28", "14_17"),
        ("2008-02-29", "2026-03-01", "18_plus"),
        ("2012-11-25", "2026-11-25", "14_17"),
        ("2008-11-25", "2026-11-25", "18_plus"),
    ],
)
def test_age_band_arithmetic(birth, day, band):
    assert f.age_band(dt.date.fromisoformat(birth), dt.date.fromisoformat(day)) == band


# --------------------------------------------------------------------------------------
# Data groups (TLV checked with asn1crypto's independent BER parser)
# --------------------------------------------------------------------------------------


def _parse(data: bytes):
    """(class, constructed, tag number, contents) via asn1crypto; the TLV must fill `data`."""
    class_, method, tag, header, contents, trailer = parser.parse(data, strict=True)
    return class_, method, tag, contents


def test_dg1_structure():
    mrz = f.build_mrz(f.MrzFields())
    dg1 = f.make_dg1(mrz)
    assert dg1[0] == 0x61
    class_, method, tag, contents = _parse(dg1)
    assert (class_, method, tag) == (1, 1, 1)  # application 1, constructed
    assert contents[:2] == b"\x5f\x1f"
    class_, method, tag, value = _parse(contents)
    assert (class_, method, tag) == (1, 0, 0x1F)  # application 31 (5F1F), primitive
    assert value == mrz.encode("ascii") and len(value) == 88


def test_dg2_structure():
    dg2 = f.make_dg2()
    assert dg2[0] == 0x75
    class_, method, tag, contents = _parse(dg2)
    assert (class_, method, tag) == (1, 1, 0x15)
    assert f.FAKE_JPEG in dg2


@pytest.mark.parametrize("key_type", ["ec-p256", "rsa-1024", "rsa-2048"])
def test_dg15_holds_a_subject_public_key_info(key_type):
    key = f.generate_key(key_type)
    dg15 = f.make_dg15(key)
    class_, method, tag, spki = _parse(dg15)
    assert (class_, method, tag) == (1, 1, 0x0F)
    info = keys.PublicKeyInfo.load(spki, strict=True)
    if key_type.startswith("ec"):
        assert info["algorithm"]["algorithm"].native == "ec"
        assert info["algorithm"]["parameters"].name == "named"
        assert info["algorithm"]["parameters"].chosen.native == "secp256r1"
    else:
        assert info["algorithm"]["algorithm"].native == "rsa"
        assert info["public_key"].parsed["modulus"].native == key.public_key().public_numbers().n
        assert info["algorithm"]["algorithm"].dotted == "1.2.840.113549.1.1.1"
    if key_type == "rsa-2048":
        assert dg15[1] == 0x82  # long-form length


@pytest.mark.parametrize("length", [0, 1, 127, 128, 255, 256, 65535, 65536])
def test_tlv_lengths_round_trip(length):
    value = bytes(length)
    encoded = f.tlv(0x5F1F, value)
    assert _parse(encoded)[3] == value
    tag, parsed, end = f.read_tlv(encoded)
    assert (tag, parsed, end) == (0x5F1F, value, len(encoded))


# --------------------------------------------------------------------------------------
# PKI
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("csca_key, dsc_key", [("ec-p256", "ec-p256"), ("ec-p384", "rsa-2048"), ("rsa-2048", "ec-p384")])
def test_csca_and_dsc_certificates(csca_key, dsc_key):
    csca = f.make_csca(csca_key)
    dsc = f.make_dsc(csca, dsc_key)
    # CSCA: self-signed CA.
    csca.certificate.verify_directly_issued_by(csca.certificate)
    constraints = csca.certificate.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS)
    assert constraints.critical and constraints.value.ca
    usage = csca.certificate.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    assert usage.key_cert_sign and usage.crl_sign and not usage.digital_signature
    # DSC: signed by the CSCA key, digitalSignature only, critical.
    dsc.certificate.verify_directly_issued_by(csca.certificate)
    assert dsc.certificate.issuer == csca.subject
    usage = dsc.certificate.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE)
    assert usage.critical and usage.value.digital_signature and not usage.value.key_cert_sign
    assert f.key_type_of(dsc.key) == dsc_key
    # Not signed by another CSCA with the same name.
    impostor = f.make_csca(csca_key)
    assert impostor.subject == csca.subject
    with pytest.raises(Exception):
        dsc.certificate.verify_directly_issued_by(impostor.certificate)


def test_dsc_validity_is_settable():
    csca = f.make_csca()
    start = dt.datetime(2016, 6, 1, tzinfo=dt.timezone.utc)
    end = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
    dsc = f.make_dsc(csca, not_before=start, not_after=end)
    assert dsc.certificate.not_valid_before_utc == start
    assert dsc.certificate.not_valid_after_utc == end


@pytest.mark.parametrize("encoding", ["der", "pem"])
def test_crl_is_signed_by_the_csca_and_lists_the_serial(tmp_path, encoding):
    csca = f.make_csca("rsa-2048")
    dsc = f.make_dsc(csca)
    path = f.write_crl(f.make_crl(csca, [dsc.serial_number]), tmp_path / "x.crl", encoding)
    data = path.read_bytes()
    crl = x509.load_pem_x509_crl(data) if encoding == "pem" else x509.load_der_x509_crl(data)
    assert data.startswith(b"-----BEGIN X509 CRL") == (encoding == "pem")
    assert crl.issuer == csca.subject
    assert crl.is_signature_valid(csca.key.public_key())
    assert not crl.is_signature_valid(f.make_csca("rsa-2048").key.public_key())
    assert crl.get_revoked_certificate_by_serial_number(dsc.serial_number) is not None


# --------------------------------------------------------------------------------------
# SOD
# --------------------------------------------------------------------------------------

SOD_VARIANTS = [
    pytest.param("ec-p256", "ec-p256", "sha256", None, id="ecdsa-p256-sha256"),
    pytest.param("ec-p384", "ec-p384", "sha384", None, id="ecdsa-p384-sha384"),
    pytest.param("ec-p384", "ec-p384", "sha512", None, id="ecdsa-p384-sha512"),
    pytest.param("rsa-2048", "rsa-2048", "sha256", "rsa-pkcs1", id="rsa-pkcs1-sha256"),
    pytest.param("rsa-2048", "rsa-2048", "sha256", "rsa-pss", id="rsa-pss-sha256"),
]


def _verify_cms_signature(public_key, algorithm: cms.SignedDigestAlgorithm, signature: bytes, data: bytes) -> None:
    name = algorithm["algorithm"].native
    if name == "rsassa_pss":
        params = algorithm["parameters"]
        h = HASHES[params["hash_algorithm"]["algorithm"].native]()
        mgf = HASHES[params["mask_gen_algorithm"]["parameters"]["algorithm"].native]()
        public_key.verify(signature, data, padding.PSS(mgf=padding.MGF1(mgf), salt_length=params["salt_length"].native), h)
    elif algorithm.signature_algo == "ecdsa":
        public_key.verify(signature, data, ec.ECDSA(HASHES[algorithm.hash_algo]()))
    else:
        public_key.verify(signature, data, padding.PKCS1v15(), HASHES[algorithm.hash_algo]())


@pytest.mark.parametrize("csca_key, dsc_key, digest, scheme", SOD_VARIANTS)
def test_sod_is_well_formed_and_verifies(csca_key, dsc_key, digest, scheme):
    csca = f.make_csca(csca_key)
    dsc = f.make_dsc(csca, dsc_key)
    document = f.build_document(dsc, digest=digest, sod_scheme=scheme, aa_key_type="rsa-2048")
    sod = document.sod

    # Outer tag 0x77 (application 23, constructed) around one ContentInfo.
    class_, method, tag, content = _parse(sod)
    assert (class_, method, tag) == (1, 1, 23)
    info = cms.ContentInfo.load(content, strict=True)
    assert info["content_type"].dotted == "1.2.840.113549.1.7.2"
    signed = info["content"]
    assert signed["version"].native == "v3"
    assert [a["algorithm"].native for a in signed["digest_algorithms"]] == [digest]

    # eContent: the LDS security object, hashes over the complete DG files.
    encap = signed["encap_content_info"]
    assert encap["content_type"].dotted == f.OID_LDS_SECURITY_OBJECT
    e_content = encap["content"].contents
    assert e_content == document.lds
    lds = f.LDSSecurityObject.load(e_content, strict=True)
    assert lds["version"].native == 0
    assert lds["hash_algorithm"]["algorithm"].native == digest
    listed = {e["data_group_number"].native: e["data_group_hash_value"].native for e in lds["data_group_hash_values"]}
    assert set(listed) == {1, 2, 15}
    for number, data in document.data_groups.items():
        assert listed[number] == hashlib.new(digest, data).digest()

    # The embedded certificate is the DSC, and the sid points at it.
    certificates = [c.chosen.dump() for c in signed["certificates"]]
    assert certificates == [dsc.der]
    assert len(signed["signer_infos"]) == 1
    signer = signed["signer_infos"][0]
    assert signer["version"].native == "v1"
    sid = signer["sid"]
    assert sid.name == "issuer_and_serial_number"
    assert sid.chosen["serial_number"].native == dsc.serial_number
    assert sid.chosen["issuer"].dump() == signed["certificates"][0].chosen.issuer.dump()
    assert signer["digest_algorithm"]["algorithm"].native == digest

    # Signed attributes: contentType, messageDigest = H(eContent), signingTime in validity.
    attrs = {a["type"].native: a["values"][0] for a in signer["signed_attrs"]}
    assert attrs["content_type"].dotted == f.OID_LDS_SECURITY_OBJECT
    assert attrs["message_digest"].native == hashlib.new(digest, e_content).digest()
    signing_time = attrs["signing_time"].native
    assert dsc.certificate.not_valid_before_utc <= signing_time <= dsc.certificate.not_valid_after_utc

    # Signature over DER(signedAttrs) re-tagged as SET, with the DSC's public key.
    raw = signer["signed_attrs"].dump()
    assert raw[0] == 0xA0
    algorithm = signer["signature_algorithm"]
    expected_name = {None: "ecdsa" if dsc_key.startswith("ec") else "rsa-pkcs1"}.get(scheme, scheme)
    if expected_name == "ecdsa":
        assert algorithm["algorithm"].native == f"{digest}_ecdsa"
    elif expected_name == "rsa-pkcs1":
        assert algorithm["algorithm"].dotted == "1.2.840.113549.1.1.11"
    else:
        assert algorithm["algorithm"].dotted == "1.2.840.113549.1.1.10"
        params = algorithm["parameters"]
        assert params["hash_algorithm"]["algorithm"].native == "sha256"
        assert params["mask_gen_algorithm"]["algorithm"].native == "mgf1"
        assert params["mask_gen_algorithm"]["parameters"]["algorithm"].native == "sha256"
        assert params["salt_length"].native == 32
    _verify_cms_signature(dsc.key.public_key(), algorithm, signer["signature"].native, b"\x31" + raw[1:])
    # ...and not over the [0]-tagged bytes, nor with another key.
    with pytest.raises(Exception):
        _verify_cms_signature(dsc.key.public_key(), algorithm, signer["signature"].native, raw)
    with pytest.raises(Exception):
        _verify_cms_signature(f.generate_key(dsc_key).public_key(), algorithm, signer["signature"].native, b"\x31" + raw[1:])

    # The DSC chains to the CSCA.
    dsc.certificate.verify_directly_issued_by(csca.certificate)


def test_sod_options():
    csca = f.make_csca()
    dsc = f.make_dsc(csca)
    extra = {14: bytes(32)}
    document = f.build_document(dsc, signing_time=None, lds_extra_hashes=extra, lds_omit=frozenset({2}), null_digest_params=True)
    signed = cms.ContentInfo.load(_parse(document.sod)[3])["content"]
    signer = signed["signer_infos"][0]
    assert {a["type"].native for a in signer["signed_attrs"]} == {"content_type", "message_digest"}
    lds = f.LDSSecurityObject.load(document.lds)
    assert [e["data_group_number"].native for e in lds["data_group_hash_values"]] == [1, 14, 15]
    assert lds["hash_algorithm"]["parameters"].dump() == b"\x05\x00"
    # A SOD signed by a foreign key does not verify with the DSC.
    forged = f.build_document(dsc, sod_signing_key=f.generate_key("ec-p256"))
    signer = cms.ContentInfo.load(_parse(forged.sod)[3])["content"]["signer_infos"][0]
    with pytest.raises(Exception):
        dsc.key.public_key().verify(signer["signature"].native, b"\x31" + signer["signed_attrs"].dump()[1:], ec.ECDSA(hashes.SHA256()))


def test_tampering_helpers():
    csca = f.make_csca()
    document = f.build_document(f.make_dsc(csca), lds_extra_hashes={14: bytes(range(32))})
    offset = f.lds_hash_offset(document.lds, 14)
    assert document.lds[offset] == 31
    tampered = f.tamper_within(document.sod, document.lds, offset)
    assert len(tampered) == len(document.sod)
    assert sum(a != b for a, b in zip(tampered, document.sod)) == 1
    # Still well-formed DER, but the eContent no longer matches messageDigest.
    signed = cms.ContentInfo.load(_parse(tampered)[3], strict=True)["content"]
    e_content = signed["encap_content_info"]["content"].contents
    digest_attr = [a for a in signed["signer_infos"][0]["signed_attrs"] if a["type"].native == "message_digest"][0]
    assert digest_attr["values"][0].native != hashlib.sha256(e_content).digest()


# --------------------------------------------------------------------------------------
# Active Authentication
# --------------------------------------------------------------------------------------


def test_ec_aa_signature_is_plain_r_s():
    key = f.generate_key("ec-p256")
    signature = f.aa_sign(key, CHALLENGE)
    assert len(signature) == 64
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    key.public_key().verify(encode_dss_signature(r, s), CHALLENGE, ec.ECDSA(hashes.SHA256()))
    assert f.aa_verify(key.public_key(), CHALLENGE, signature)
    assert not f.aa_verify(key.public_key(), bytes(8), signature)
    assert not f.aa_verify(f.generate_key("ec-p256").public_key(), CHALLENGE, signature)
    assert not f.aa_verify(key.public_key(), CHALLENGE, signature[:-1])


@pytest.mark.parametrize("key_type", ["rsa-1024", "rsa-2048"])
def test_rsa_aa_signature_is_iso9796_2_scheme_1(key_type):
    key = f.generate_key(key_type)
    public = key.public_key()
    n, e = public.public_numbers().n, public.public_numbers().e
    k = (n.bit_length() + 7) // 8
    signature = f.aa_sign(key, CHALLENGE)
    assert len(signature) == k
    # Recover the message representative by hand and check its layout.
    representative = pow(int.from_bytes(signature, "big"), e, n).to_bytes(k, "big")
    assert representative[0] == 0x6A and representative[-1] == 0xBC
    m1, recovered = representative[1 : k - 21], representative[k - 21 : k - 1]
    assert len(m1) == k - 22
    assert recovered == hashlib.sha1(m1 + CHALLENGE).digest()
    # The factory's verifier agrees, and refuses what it must.
    assert f.aa_verify(public, CHALLENGE, signature)
    assert f.iso9796_2_verify(public, CHALLENGE, signature)
    assert not f.aa_verify(public, bytes(8), signature)
    assert not f.aa_verify(f.generate_key(key_type).public_key(), CHALLENGE, signature)
    assert not f.aa_verify(public, CHALLENGE, f.flip_byte(signature, -1))
    assert not f.aa_verify(public, CHALLENGE, n.to_bytes(k, "big"))
    # n - s: verification yields n - F, the standard's alternative.
    complement = f.aa_sign(key, CHALLENGE, complement=True)
    assert int.from_bytes(complement, "big") != int.from_bytes(signature, "big")
    assert f.aa_verify(public, CHALLENGE, complement)


def test_iso9796_2_fixed_nonce_is_deterministic():
    key = f.generate_key("rsa-1024")
    m1 = bytes(range(106))  # 128 - 22
    assert f.iso9796_2_sign(key, CHALLENGE, m1=m1) == f.iso9796_2_sign(key, CHALLENGE, m1=m1)
    with pytest.raises(ValueError):
        f.iso9796_2_sign(key, CHALLENGE, m1=b"short")


# --------------------------------------------------------------------------------------
# Document directory
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("aa_key_type, include_dg2", [("ec-p256", True), ("rsa-2048", True), (None, False)])
def test_document_directory_layout(tmp_path, aa_key_type, include_dg2):
    csca = f.make_csca()
    document = f.build_document(f.make_dsc(csca), aa_key_type=aa_key_type, include_dg2=include_dg2)
    directory = document.write(tmp_path / "doc")
    names = {p.name for p in directory.iterdir()}
    expected = {"DG1.bin", "SOD.bin", "csca.pem"}
    if include_dg2:
        expected.add("DG2.bin")
    if aa_key_type:
        expected |= {"DG15.bin", "aa-private-key.pem"}
    assert names == expected
    assert (directory / "csca.pem").read_bytes() == csca.pem
    for number, name in f.DG_FILE_NAMES.items():
        if number in document.data_groups:
            assert (directory / name).read_bytes() == document.data_groups[number]
    if aa_key_type:
        pem = (directory / "aa-private-key.pem").read_bytes()
        assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")  # PKCS#8
        loaded = serialization.load_pem_private_key(pem, password=None)
        dg15_key = serialization.load_der_public_key(_parse(document.data_groups[15])[3])
        assert f.subject_public_key_info(loaded) == f.subject_public_key_info(dg15_key)
        assert f.aa_verify(dg15_key, CHALLENGE, document.aa_respond(CHALLENGE))


# --------------------------------------------------------------------------------------
# Cross-check with OpenSSL (an implementation that shares no code with the factory)
# --------------------------------------------------------------------------------------

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="openssl command line not installed")
ATTIME = str(int(dt.datetime(2026, 11, 25, tzinfo=dt.timezone.utc).timestamp()))


def _openssl(*args):
    return subprocess.run([OPENSSL, *map(str, args)], capture_output=True, text=True, timeout=60)


@needs_openssl
@pytest.mark.parametrize("csca_key, dsc_key, digest, scheme", SOD_VARIANTS)
def test_openssl_verifies_the_sod(tmp_path, csca_key, dsc_key, digest, scheme):
    csca = f.make_csca(csca_key)
    dsc = f.make_dsc(csca, dsc_key)
    document = f.build_document(dsc, digest=digest, sod_scheme=scheme)
    content_info = tmp_path / "sod.der"
    content_info.write_bytes(_parse(document.sod)[3])
    anchor = csca.write_pem(tmp_path / "csca.pem")
    out = tmp_path / "econtent.der"
    result = _openssl("cms", "-verify", "-inform", "DER", "-in", content_info, "-CAfile", anchor,
                      "-purpose", "any", "-attime", ATTIME, "-binary", "-out", out)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == document.lds
    # A tampered eContent byte fails.
    content_info.write_bytes(_parse(f.tamper_within(document.sod, document.lds, -1))[3])
    result = _openssl("cms", "-verify", "-inform", "DER", "-in", content_info, "-CAfile", anchor,
                      "-purpose", "any", "-attime", ATTIME, "-binary", "-out", out)
    assert result.returncode != 0


@needs_openssl
def test_openssl_verifies_the_chain_and_the_crl(tmp_path):
    csca = f.make_csca("ec-p384")
    dsc = f.make_dsc(csca, "rsa-2048")
    anchor = csca.write_pem(tmp_path / "csca.pem")
    leaf = dsc.write_pem(tmp_path / "dsc.pem")
    result = _openssl("verify", "-CAfile", anchor, "-attime", ATTIME, leaf)
    assert result.returncode == 0, result.stdout + result.stderr
    crl = f.write_crl(f.make_crl(csca, [dsc.serial_number]), tmp_path / "csca.crl.pem", "pem")
    result = _openssl("crl", "-in", crl, "-CAfile", anchor, "-noout")
    assert result.returncode == 0 and "verify OK" in result.stdout + result.stderr
    result = _openssl("verify", "-CAfile", anchor, "-CRLfile", crl, "-crl_check", "-attime", ATTIME, leaf)
    assert result.returncode != 0 and "revoked" in (result.stdout + result.stderr).lower()
