"""A from-scratch factory of ICAO Doc 9303 eMRTD test material.

Builds, with `cryptography` and `asn1crypto` only (no CyberID code):

* a PKI: CSCA (country signing CA) certificates, DSC (document signer) certificates issued
  by a CSCA, and X.509 v2 CRLs signed by a CSCA;
* the MRZ of a TD3 passport (2 x 44) or a TD1 ID card (3 x 30) with correct check digits;
* the data groups DG1 (MRZ), DG2 (a fake face image) and DG15 (the chip's Active
  Authentication public key);
* the Document Security Object SOD: a CMS SignedData over the LDS Security Object, signed
  by the DSC (ECDSA, RSA PKCS#1 v1.5 or RSASSA-PSS);
* Active Authentication responses as the chip would compute them: plain r||s ECDSA, or
  ISO/IEC 9796-2 scheme 1 (SHA-1, partial message recovery, trailer 0xBC) for RSA keys,
  together with an independent verifier of both.

A document is written to a directory in the layout the CyberID CLI reads:
``DG1.bin``, ``DG2.bin``, ``DG15.bin``, ``SOD.bin``, ``aa-private-key.pem``, ``csca.pem``.

Typical use::

    csca = make_csca("ec-p256")
    dsc = make_dsc(csca, "ec-p256")
    doc = build_document(dsc, mrz=MrzFields(surname="ZHANG", given_names="SAN"))
    doc.write(tmp_path / "doc")
    signature = doc.aa_respond(bytes.fromhex("0011223344556677"))

Everything that a rejection test needs to break is a parameter (a different SOD signing key,
a corrupted check digit signed into the SOD, data groups left out of the LDS object, ...) or a
small post-processing helper (`flip_byte`, `tamper_within`), so each negative test can contain
exactly one fault.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Literal, Mapping, Optional, Union

from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.x509.oid import NameOID

# --------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------

#: id-icao-mrtd-security-ldsSecurityObject, the eContentType of an SOD.
OID_LDS_SECURITY_OBJECT = "2.23.136.1.1.1"

#: Outer tags of the elementary files (ICAO 9303 part 10).
TAG_DG1 = 0x61
TAG_MRZ = 0x5F1F
TAG_DG2 = 0x75
TAG_DG15 = 0x6F
TAG_SOD = 0x77

#: File names of the document directory layout, by data group number.
DG_FILE_NAMES = {1: "DG1.bin", 2: "DG2.bin", 15: "DG15.bin"}
SOD_FILE_NAME = "SOD.bin"
AA_KEY_FILE_NAME = "aa-private-key.pem"
CSCA_FILE_NAME = "csca.pem"

KeyType = Literal["ec-p256", "ec-p384", "rsa-1024", "rsa-2048"]
DigestName = Literal["sha256", "sha384", "sha512"]
SodScheme = Literal["ecdsa", "rsa-pkcs1", "rsa-pss"]
PrivateKey = Union[ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey]
PublicKey = Union[ec.EllipticCurvePublicKey, rsa.RSAPublicKey]

_HASHES = {"sha1": hashes.SHA1, "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}

#: Default validity windows. They are wide on purpose, so that the default PKI is valid both
#: on the fixed dates the tests pass with --today and on the real date the CLI defaults to.
DEFAULT_CSCA_VALIDITY = (dt.datetime(2016, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2046, 1, 1, tzinfo=dt.timezone.utc))
DEFAULT_DSC_VALIDITY = (dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2041, 1, 1, tzinfo=dt.timezone.utc))


def digest(name: str, data: bytes) -> bytes:
    """The hash `name` (sha1, sha256, sha384, sha512) of `data`."""
    return hashlib.new(name, data).digest()


# --------------------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------------------


def generate_key(key_type: KeyType) -> PrivateKey:
    """A fresh private key: ``ec-p256``, ``ec-p384``, ``rsa-1024`` or ``rsa-2048``."""
    if key_type == "ec-p256":
        return ec.generate_private_key(ec.SECP256R1())
    if key_type == "ec-p384":
        return ec.generate_private_key(ec.SECP384R1())
    if key_type in ("rsa-1024", "rsa-2048"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(key_type[4:]))
    raise ValueError(f"unknown key type {key_type!r}")


def key_type_of(key: Union[PrivateKey, PublicKey]) -> str:
    """The `KeyType` string of a private or public key."""
    if isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)):
        return {"secp256r1": "ec-p256", "secp384r1": "ec-p384"}.get(key.curve.name, "ec-" + key.curve.name)
    return f"rsa-{key.key_size}"


def _certificate_hash_for(key: PrivateKey) -> hashes.HashAlgorithm:
    """The hash a CA with `key` signs certificates and CRLs with."""
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.key_size >= 384:
        return hashes.SHA384()
    return hashes.SHA256()


def private_key_pem(key: PrivateKey) -> bytes:
    """PKCS#8 PEM, unencrypted (dev/test only)."""
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def subject_public_key_info(key: Union[PrivateKey, PublicKey]) -> bytes:
    """DER SubjectPublicKeyInfo of a key (named curve for EC, rsaEncryption for RSA)."""
    public = key.public_key() if hasattr(key, "private_numbers") else key
    return public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


# --------------------------------------------------------------------------------------
# PKI: CSCA, DSC, CRL
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credential:
    """A private key and the certificate of its public key."""

    key: PrivateKey
    certificate: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def subject(self) -> x509.Name:
        return self.certificate.subject

    @property
    def serial_number(self) -> int:
        return self.certificate.serial_number

    def write_pem(self, path: Union[str, Path]) -> Path:
        """Writes the certificate as PEM to `path`; returns the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.pem)
        return path

    def write_der(self, path: Union[str, Path]) -> Path:
        """Writes the certificate as DER to `path`; returns the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.der)
        return path


@dataclass(frozen=True)
class Csca(Credential):
    """A country signing CA: self-signed, CA:true, keyCertSign + cRLSign."""


@dataclass(frozen=True)
class Dsc(Credential):
    """A document signer certificate and key, issued by `issuer`."""

    issuer: Csca = None  # type: ignore[assignment]


def _name(country: str, organization: str, common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, digital_signature: bool = False, key_cert_sign: bool = False, crl_sign: bool = False) -> x509.KeyUsage:
    """A keyUsage extension value with only the named bits set."""
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=crl_sign,
        encipher_only=False,
        decipher_only=False,
    )


def make_csca(
    key_type: KeyType = "ec-p256",
    *,
    key: Optional[PrivateKey] = None,
    country: str = "CN",
    organization: str = "CyberID Test Authority",
    common_name: str = "CSCA Test",
    serial_number: Optional[int] = None,
    not_before: dt.datetime = DEFAULT_CSCA_VALIDITY[0],
    not_after: dt.datetime = DEFAULT_CSCA_VALIDITY[1],
) -> Csca:
    """A self-signed CSCA certificate.

    Two CSCAs made with the same `country`/`organization`/`common_name` have the same subject
    name but different keys: useful to check that a verifier checks signatures, not names.
    """
    key = key or generate_key(key_type)
    name = _name(country, organization, common_name)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial_number or x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, _certificate_hash_for(key))
    )
    return Csca(key=key, certificate=certificate)


def make_dsc(
    csca: Csca,
    key_type: KeyType = "ec-p256",
    *,
    key: Optional[PrivateKey] = None,
    common_name: str = "Document Signer Test",
    serial_number: Optional[int] = None,
    not_before: dt.datetime = DEFAULT_DSC_VALIDITY[0],
    not_after: dt.datetime = DEFAULT_DSC_VALIDITY[1],
) -> Dsc:
    """A DSC issued (signed) by `csca`: keyUsage digitalSignature (critical), AKI = CSCA's SKI."""
    key = key or generate_key(key_type)
    issuer_name = csca.subject
    country = issuer_name.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value
    organization = issuer_name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(country, organization, common_name))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(serial_number or x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(_key_usage(digital_signature=True), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(csca.key.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(csca.key, _certificate_hash_for(csca.key))
    )
    return Dsc(key=key, certificate=certificate, issuer=csca)


def make_crl(
    issuer: Csca,
    revoked_serials: Iterable[int] = (),
    *,
    this_update: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    next_update: dt.datetime = dt.datetime(2046, 1, 1, tzinfo=dt.timezone.utc),
    revocation_date: dt.datetime = dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc),
    crl_number: int = 1,
) -> x509.CertificateRevocationList:
    """An X.509 v2 CRL issued and signed by `issuer`, listing `revoked_serials`."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(crl_number), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
    )
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(revocation_date).build()
        )
    return builder.sign(issuer.key, _certificate_hash_for(issuer.key))


def write_crl(crl: x509.CertificateRevocationList, path: Union[str, Path], encoding: Literal["der", "pem"] = "der") -> Path:
    """Writes `crl` to `path` as DER or PEM; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(crl.public_bytes(serialization.Encoding.DER if encoding == "der" else serialization.Encoding.PEM))
    return path


# --------------------------------------------------------------------------------------
# MRZ (ICAO 9303 parts 3, 4 and 5)
# --------------------------------------------------------------------------------------

MRZ_CHARSET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")


def check_digit(text: str) -> str:
    """ICAO 9303 part 3 check digit: weights 7, 3, 1; '<' = 0, 0-9 = 0-9, A-Z = 10-35."""
    total = 0
    for index, char in enumerate(text):
        if char == "<":
            value = 0
        elif char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - ord("A") + 10
        else:
            raise ValueError(f"not an MRZ character: {char!r}")
        total += value * (7, 3, 1)[index % 3]
    return str(total % 10)


def _field(text: str, width: int, what: str) -> str:
    """`text` in MRZ form (spaces become '<'), padded with '<' to `width`."""
    value = text.upper().replace(" ", "<")
    if len(value) > width:
        raise ValueError(f"{what} {text!r} longer than {width} characters")
    if not set(value) <= MRZ_CHARSET:
        raise ValueError(f"{what} {text!r} has characters outside A-Z 0-9 <")
    return value.ljust(width, "<")


def _yymmdd(day: dt.date) -> str:
    return day.strftime("%y%m%d")


@dataclass(frozen=True)
class MrzFields:
    """The printed fields of an MRZ.

    `layout` is ``TD3`` (passport, 2 x 44) or ``TD1`` (ID card, 3 x 30); when None it follows
    the document code: ``P...`` is TD3, anything else TD1.

    `personal_number` is the TD3 personal number / optional data field (line 2, 14
    characters), or the TD1 optional data of line 1 (15 characters). `optional_data_2` is
    the TD1 optional data of line 2 (11 characters).

    `empty_personal_number_check_digit`: when the TD3 personal number is empty, ICAO allows
    its check digit to be '<' or '0'; this chooses which one is written.
    """

    document_code: str = "P<"
    issuing_state: str = "CHN"
    surname: str = "ZHANG"
    given_names: str = "SAN"
    document_number: str = "E12345678"
    nationality: str = "CHN"
    birth_date: dt.date = dt.date(1990, 1, 1)
    sex: str = "M"
    expiry_date: dt.date = dt.date(2031, 1, 1)
    personal_number: str = ""
    optional_data_2: str = ""
    layout: Optional[Literal["TD3", "TD1"]] = None
    empty_personal_number_check_digit: Literal["<", "0"] = "0"

    @property
    def resolved_layout(self) -> str:
        if self.layout:
            return self.layout
        return "TD3" if self.document_code.startswith("P") else "TD1"

    def replace(self, **changes) -> "MrzFields":
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


def _name_field(fields: MrzFields, width: int) -> str:
    primary = fields.surname.upper().replace(" ", "<")
    secondary = fields.given_names.upper().replace(" ", "<")
    return _field(primary + ("<<" + secondary if secondary else ""), width, "name")


def mrz_td3(fields: MrzFields) -> str:
    """The 88-character TD3 MRZ (two 44-character lines concatenated, no newline)."""
    line1 = _field(fields.document_code, 2, "document code") + _field(fields.issuing_state, 3, "issuing state") + _name_field(fields, 39)
    number = _field(fields.document_number, 9, "document number")
    birth = _yymmdd(fields.birth_date)
    expiry = _yymmdd(fields.expiry_date)
    personal = _field(fields.personal_number, 14, "personal number")
    if personal == "<" * 14:
        personal_cd = fields.empty_personal_number_check_digit
    else:
        personal_cd = check_digit(personal)
    line2 = (
        number + check_digit(number)
        + _field(fields.nationality, 3, "nationality")
        + birth + check_digit(birth)
        + _field(fields.sex, 1, "sex")
        + expiry + check_digit(expiry)
        + personal + personal_cd
    )
    composite = check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    line2 += composite
    assert len(line1) == 44 and len(line2) == 44
    return line1 + line2


def mrz_td1(fields: MrzFields) -> str:
    """The 90-character TD1 MRZ (three 30-character lines concatenated, no newline)."""
    number = _field(fields.document_number, 9, "document number")
    line1 = (
        _field(fields.document_code, 2, "document code")
        + _field(fields.issuing_state, 3, "issuing state")
        + number + check_digit(number)
        + _field(fields.personal_number, 15, "optional data 1")
    )
    birth = _yymmdd(fields.birth_date)
    expiry = _yymmdd(fields.expiry_date)
    line2 = (
        birth + check_digit(birth)
        + _field(fields.sex, 1, "sex")
        + expiry + check_digit(expiry)
        + _field(fields.nationality, 3, "nationality")
        + _field(fields.optional_data_2, 11, "optional data 2")
    )
    line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    line3 = _name_field(fields, 30)
    assert len(line1) == len(line2) == len(line3) == 30
    return line1 + line2 + line3


def build_mrz(fields: MrzFields) -> str:
    """The MRZ text of `fields` in its layout (TD3: 88 characters, TD1: 90)."""
    return mrz_td3(fields) if fields.resolved_layout == "TD3" else mrz_td1(fields)


#: Offsets of the check digits within the concatenated MRZ text.
CHECK_DIGIT_OFFSETS = {
    "TD3": {"document_number": 53, "birth_date": 63, "expiry_date": 71, "personal_number": 86, "composite": 87},
    "TD1": {"document_number": 14, "birth_date": 36, "expiry_date": 44, "composite": 59},
}


def corrupt_check_digit(mrz: str, which: str) -> str:
    """`mrz` with the check digit of field `which` (see CHECK_DIGIT_OFFSETS) made wrong."""
    layout = {88: "TD3", 90: "TD1"}[len(mrz)]
    offset = CHECK_DIGIT_OFFSETS[layout][which]
    old = mrz[offset]
    new = "1" if old == "<" else str((int(old) + 1) % 10)
    return mrz[:offset] + new + mrz[offset + 1 :]


def expected_mrz_json(fields: MrzFields) -> dict:
    """The ``mrz`` object the CLI must print for a document made from `fields`.

    This is the contract's mapping: fillers removed from codes, '<' in names turned into
    spaces and trimmed, ISO dates, empty personal number as null. For TD1 the personal number
    is the optional data of line 1 (tests keep line 2's optional data empty so that this is
    unambiguous).
    """

    def clean(text: str) -> str:
        return " ".join(text.upper().split())

    personal = fields.personal_number.replace("<", "").strip()
    return {
        "document_code": fields.document_code.replace("<", ""),
        "issuing_state": fields.issuing_state.replace("<", ""),
        "surname": clean(fields.surname),
        "given_names": clean(fields.given_names),
        "document_number": fields.document_number.replace("<", ""),
        "nationality": fields.nationality.replace("<", ""),
        "birth_date": fields.birth_date.isoformat(),
        "sex": fields.sex,
        "expiry_date": fields.expiry_date.isoformat(),
        "personal_number": personal or None,
    }


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years of life on `day` (a 29 February birthday comes on 1 March)."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def age_band(birth: dt.date, day: dt.date) -> str:
    """``under_14``, ``14_17`` or ``18_plus``."""
    age = age_on(birth, day)
    return "under_14" if age < 14 else ("14_17" if age < 18 else "18_plus")


# --------------------------------------------------------------------------------------
# BER-TLV (definite lengths, DER form) and data groups
# --------------------------------------------------------------------------------------


def der_length(length: int) -> bytes:
    """A DER definite length: short form below 128, else 0x81/0x82/... + big-endian bytes."""
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, value: bytes) -> bytes:
    """Tag (1 to 3 bytes, as written in ICAO 9303, e.g. 0x5F1F), DER length, value."""
    tag_bytes = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")
    return tag_bytes + der_length(len(value)) + value


def read_tlv(data: bytes, offset: int = 0) -> tuple[int, bytes, int]:
    """Parses one TLV at `offset`: returns (tag, value, end offset). Raises ValueError.

    Multi-byte tags follow ISO 7816-4 / X.690 (low five bits 11111 → more tag bytes while
    bit 8 is set). Only definite lengths are accepted.
    """
    if offset >= len(data):
        raise ValueError("no TLV: end of data")
    start = offset
    first = data[offset]
    offset += 1
    if first & 0x1F == 0x1F:
        while True:
            if offset >= len(data):
                raise ValueError("truncated tag")
            byte = data[offset]
            offset += 1
            if not byte & 0x80:
                break
    tag = int.from_bytes(data[start:offset], "big")
    if offset >= len(data):
        raise ValueError("missing length")
    length = data[offset]
    offset += 1
    if length == 0x80:
        raise ValueError("indefinite length")
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or offset + count > len(data):
            raise ValueError("bad length")
        length = int.from_bytes(data[offset : offset + count], "big")
        offset += count
    end = offset + length
    if end > len(data):
        raise ValueError("value runs past the end of the data")
    return tag, data[offset:end], end


def make_dg1(mrz: str) -> bytes:
    """DG1: 0x61 { 0x5F1F <MRZ ASCII> }."""
    return tlv(TAG_DG1, tlv(TAG_MRZ, mrz.encode("ascii")))


#: A tiny fake JPEG (SOI, APP0 "JFIF", some bytes, EOI): DG2 is only hashed by the verifier.
FAKE_JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000") + bytes(range(64)) + bytes.fromhex("ffd9")


def make_dg2(image: bytes = FAKE_JPEG) -> bytes:
    """DG2: 0x75 { 0x7F61 { 0x02 count=1, 0x7F60 { 0xA1 {header}, 0x5F2E <image> } } }.

    Shaped like a biometric information group template (ISO/IEC 7816-11); the content is
    fake, which is fine because the verifier only hashes DG2.
    """
    header = tlv(0xA1, tlv(0x80, b"\x01\x01") + tlv(0x87, b"\x01\x01") + tlv(0x88, b"\x00\x08"))
    template = tlv(0x7F60, header + tlv(0x5F2E, image))
    return tlv(TAG_DG2, tlv(0x7F61, tlv(0x02, b"\x01") + template))


def make_dg15(public_key: Union[PrivateKey, PublicKey]) -> bytes:
    """DG15: 0x6F { SubjectPublicKeyInfo }."""
    return tlv(TAG_DG15, subject_public_key_info(public_key))


# --------------------------------------------------------------------------------------
# LDS Security Object and SOD (ICAO 9303 part 10 §4.6.2, RFC 5652)
# --------------------------------------------------------------------------------------


class DataGroupHash(core.Sequence):
    """DataGroupHash ::= SEQUENCE { dataGroupNumber INTEGER, dataGroupHashValue OCTET STRING }"""

    _fields = [("data_group_number", core.Integer), ("data_group_hash_value", core.OctetString)]


class DataGroupHashValues(core.SequenceOf):
    _child_spec = DataGroupHash


class LDSVersionInfo(core.Sequence):
    _fields = [("lds_version", core.PrintableString), ("unicode_version", core.PrintableString)]


class LDSSecurityObject(core.Sequence):
    """LDSSecurityObject ::= SEQUENCE { version, hashAlgorithm, dataGroupHashValues, ldsVersionInfo OPTIONAL }"""

    _fields = [
        ("version", core.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("data_group_hash_values", DataGroupHashValues),
        ("lds_version_info", LDSVersionInfo, {"optional": True}),
    ]


def _digest_algorithm(name: str, null_params: bool) -> algos.DigestAlgorithm:
    """AlgorithmIdentifier for a hash; parameters absent (RFC 5754) unless `null_params`."""
    value = {"algorithm": name}
    if null_params:
        value["parameters"] = core.Null()
    return algos.DigestAlgorithm(value)


def make_lds_security_object(hashes_by_dg: Mapping[int, bytes], digest_name: DigestName = "sha256", *, null_params: bool = False) -> bytes:
    """DER LDSSecurityObject v0 listing `hashes_by_dg` in data group order."""
    return LDSSecurityObject(
        {
            "version": 0,
            "hash_algorithm": _digest_algorithm(digest_name, null_params),
            "data_group_hash_values": [
                {"data_group_number": number, "data_group_hash_value": value} for number, value in sorted(hashes_by_dg.items())
            ],
        }
    ).dump()


def default_sod_scheme(key: PrivateKey) -> str:
    """ECDSA for EC keys, RSA PKCS#1 v1.5 for RSA keys."""
    return "ecdsa" if isinstance(key, ec.EllipticCurvePrivateKey) else "rsa-pkcs1"


def _signature_algorithm(scheme: str, digest_name: str) -> cms.SignedDigestAlgorithm:
    if scheme == "ecdsa":
        return cms.SignedDigestAlgorithm({"algorithm": f"{digest_name}_ecdsa"})
    if scheme == "rsa-pkcs1":
        return cms.SignedDigestAlgorithm({"algorithm": f"{digest_name}_rsa", "parameters": core.Null()})
    if scheme == "rsa-pss":
        hash_id = {"algorithm": digest_name, "parameters": core.Null()}
        return cms.SignedDigestAlgorithm(
            {
                "algorithm": "rsassa_pss",
                "parameters": algos.RSASSAPSSParams(
                    {
                        "hash_algorithm": hash_id,
                        "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": hash_id},
                        "salt_length": hashlib.new(digest_name).digest_size,
                    }
                ),
            }
        )
    raise ValueError(f"unknown SOD signature scheme {scheme!r}")


def sign_bytes(key: PrivateKey, data: bytes, scheme: str, digest_name: str) -> bytes:
    """A signature over `data` as CMS puts it into SignerInfo.signature (ECDSA: DER)."""
    hash_algorithm = _HASHES[digest_name]()
    if scheme == "ecdsa":
        return key.sign(data, ec.ECDSA(hash_algorithm))
    if scheme == "rsa-pkcs1":
        return key.sign(data, padding.PKCS1v15(), hash_algorithm)
    if scheme == "rsa-pss":
        return key.sign(data, padding.PSS(mgf=padding.MGF1(hash_algorithm), salt_length=hash_algorithm.digest_size), hash_algorithm)
    raise ValueError(f"unknown SOD signature scheme {scheme!r}")


_AUTO = "auto"


def make_sod(
    data_groups: Mapping[int, bytes],
    dsc: Dsc,
    *,
    digest_name: DigestName = "sha256",
    scheme: Optional[SodScheme] = None,
    signing_key: Optional[PrivateKey] = None,
    signing_time: Union[dt.datetime, None, str] = _AUTO,
    lds_extra_hashes: Optional[Mapping[int, bytes]] = None,
    lds_omit: Iterable[int] = (),
    null_digest_params: bool = False,
) -> tuple[bytes, bytes]:
    """Builds the SOD for `data_groups` (DG number → complete file bytes).

    Returns ``(sod_file_bytes, lds_security_object_der)``: the first is what goes into
    SOD.bin (0x77-wrapped ContentInfo), the second the eContent that was signed.

    * `scheme`: ``ecdsa``, ``rsa-pkcs1`` or ``rsa-pss``; default from the DSC key type.
    * `signing_key`: sign with another key than the DSC's (a forged SOD).
    * `signing_time`: a datetime, None for no signingTime attribute, or "auto" (one day after
      the DSC's notBefore, so inside its validity).
    * `lds_extra_hashes`: further (DG number → hash) entries, e.g. for a DG not on disk.
    * `lds_omit`: DG numbers to leave out of the LDS object although present.
    * `null_digest_params`: write NULL parameters in the hash AlgorithmIdentifiers.
    """
    scheme = scheme or default_sod_scheme(dsc.key)
    omitted = set(lds_omit)
    hashes_by_dg = {number: digest(digest_name, data) for number, data in data_groups.items() if number not in omitted}
    hashes_by_dg.update(lds_extra_hashes or {})
    lds = make_lds_security_object(hashes_by_dg, digest_name, null_params=null_digest_params)

    attributes = [
        cms.CMSAttribute({"type": "content_type", "values": [cms.ContentType(OID_LDS_SECURITY_OBJECT)]}),
        cms.CMSAttribute({"type": "message_digest", "values": [core.OctetString(digest(digest_name, lds))]}),
    ]
    if signing_time == _AUTO:
        signing_time = dsc.certificate.not_valid_before_utc + dt.timedelta(days=1)
    if signing_time is not None:
        attributes.append(cms.CMSAttribute({"type": "signing_time", "values": [cms.Time({"utc_time": signing_time})]}))
    signed_attrs = cms.CMSAttributes(attributes)  # a SET OF: asn1crypto sorts it (DER)
    signed_attrs_der = signed_attrs.dump()  # tag 0x31: exactly what is signed
    signature = sign_bytes(signing_key or dsc.key, signed_attrs_der, scheme, digest_name)

    dsc_asn1 = asn1_x509.Certificate.load(dsc.der)
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                name="issuer_and_serial_number",
                value=cms.IssuerAndSerialNumber({"issuer": dsc_asn1.issuer, "serial_number": dsc_asn1.serial_number}),
            ),
            "digest_algorithm": _digest_algorithm(digest_name, null_digest_params),
            "signed_attrs": signed_attrs,
            "signature_algorithm": _signature_algorithm(scheme, digest_name),
            "signature": signature,
        }
    )
    signed_data = cms.SignedData(
        {
            "version": "v3",
            "digest_algorithms": [_digest_algorithm(digest_name, null_digest_params)],
            "encap_content_info": {"content_type": OID_LDS_SECURITY_OBJECT, "content": lds},
            "certificates": [cms.CertificateChoices(name="certificate", value=dsc_asn1)],
            "signer_infos": [signer_info],
        }
    )
    content_info = cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()

    # Sanity: the signed attributes in the output, re-tagged as SET, are the bytes we signed.
    parsed = cms.ContentInfo.load(content_info)["content"]["signer_infos"][0]["signed_attrs"].dump()
    assert b"\x31" + parsed[1:] == signed_attrs_der, "signed attributes were re-encoded"
    return tlv(TAG_SOD, content_info), lds


# --------------------------------------------------------------------------------------
# Active Authentication (ICAO 9303 part 11 §6.1)
# --------------------------------------------------------------------------------------


def _ec_aa_hash(curve: ec.EllipticCurve) -> hashes.HashAlgorithm:
    return {256: hashes.SHA256(), 384: hashes.SHA384()}.get(curve.key_size, hashes.SHA512())


def iso9796_2_sign(key: rsa.RSAPrivateKey, m2: bytes, *, m1: Optional[bytes] = None, complement: bool = False) -> bytes:
    """ISO/IEC 9796-2 digital signature scheme 1, SHA-1, partial recovery, trailer 0xBC.

    M1 (the recoverable part, chip nonce) has c = k - 22 bytes (k = modulus length);
    F = 0x6A || M1 || SHA1(M1 || M2) || 0xBC; s = F^d mod n, as k big-endian bytes.
    With `complement`, returns n - s instead (whose verification gives n - F).
    """
    numbers = key.private_numbers()
    n, d = numbers.public_numbers.n, numbers.d
    k = (n.bit_length() + 7) // 8
    c = k - 20 - 2
    m1 = os.urandom(c) if m1 is None else m1
    if len(m1) != c:
        raise ValueError(f"M1 must be {c} bytes")
    representative = b"\x6a" + m1 + hashlib.sha1(m1 + m2).digest() + b"\xbc"
    f = int.from_bytes(representative, "big")
    assert f < n
    s = pow(f, d, n)
    if complement:
        s = n - s
    return s.to_bytes(k, "big")


def iso9796_2_verify(public_key: rsa.RSAPublicKey, m2: bytes, signature: bytes) -> bool:
    """Verifies an ISO/IEC 9796-2 scheme 1 (SHA-1, trailer 0xBC) signature over M2."""
    numbers = public_key.public_numbers()
    n, e = numbers.n, numbers.e
    k = (n.bit_length() + 7) // 8
    if not signature or len(signature) > k:
        return False
    s = int.from_bytes(signature, "big")
    if s >= n:
        return False
    j = pow(s, e, n)
    if j & 0x0F != 0x0C:  # the standard's alternative: the representative is n - J
        j = n - j
    representative = j.to_bytes(k, "big")
    if representative[0] != 0x6A or representative[-1] != 0xBC:
        return False
    m1 = representative[1 : k - 21]
    recovered_digest = representative[k - 21 : k - 1]
    return hmac.compare_digest(hashlib.sha1(m1 + m2).digest(), recovered_digest)


def aa_sign(key: PrivateKey, challenge: bytes, *, complement: bool = False) -> bytes:
    """The chip's Active Authentication response to `challenge`.

    EC: ECDSA over SHA-256 (P-256; SHA-384 for P-384), plain r || s, each the field size.
    RSA: ISO/IEC 9796-2 scheme 1 with SHA-1 (see `iso9796_2_sign`).
    """
    if isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(key.sign(challenge, ec.ECDSA(_ec_aa_hash(key.curve))))
        size = (key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    return iso9796_2_sign(key, challenge, complement=complement)


def aa_verify(public_key: PublicKey, challenge: bytes, signature: bytes) -> bool:
    """Verifies an Active Authentication response (see `aa_sign`)."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        size = (public_key.curve.key_size + 7) // 8
        if len(signature) != 2 * size:
            return False
        r = int.from_bytes(signature[:size], "big")
        s = int.from_bytes(signature[size:], "big")
        try:
            public_key.verify(encode_dss_signature(r, s), challenge, ec.ECDSA(_ec_aa_hash(public_key.curve)))
            return True
        except Exception:
            return False
    return iso9796_2_verify(public_key, challenge, signature)


# --------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------


@dataclass
class DocumentSpec:
    """Everything `build_document` can vary. Defaults: a valid TD3 passport with DG1, DG2
    and an EC P-256 DG15, SOD with SHA-256 signed by the DSC in its default scheme."""

    mrz: MrzFields = field(default_factory=MrzFields)
    #: Key type of the chip's AA key (DG15), or None for a document without DG15.
    aa_key_type: Optional[KeyType] = "ec-p256"
    #: Use this AA key instead of generating one.
    aa_key: Optional[PrivateKey] = None
    include_dg2: bool = True
    digest: DigestName = "sha256"
    sod_scheme: Optional[SodScheme] = None
    #: Sign the SOD with this key instead of the DSC's (the DSC is still embedded).
    sod_signing_key: Optional[PrivateKey] = None
    signing_time: Union[dt.datetime, None, str] = _AUTO
    lds_extra_hashes: dict = field(default_factory=dict)
    lds_omit: frozenset = frozenset()
    null_digest_params: bool = False
    #: Raw MRZ text for DG1 instead of the one built from `mrz` (e.g. a wrong check digit).
    mrz_text: Optional[str] = None
    #: Raw DG1 bytes instead of the built ones (e.g. a wrong tag). Signed into the SOD.
    dg1_bytes: Optional[bytes] = None


@dataclass
class Document:
    """A complete eMRTD chip image: data groups, SOD, and the chip's AA key."""

    dsc: Dsc
    mrz_fields: MrzFields
    mrz: str
    data_groups: dict  # DG number → file bytes
    sod: bytes
    lds: bytes
    aa_key: Optional[PrivateKey]

    @property
    def csca(self) -> Csca:
        return self.dsc.issuer

    def files(self) -> dict:
        """File name → bytes, as written by `write`."""
        out = {DG_FILE_NAMES[number]: data for number, data in sorted(self.data_groups.items())}
        out[SOD_FILE_NAME] = self.sod
        if self.aa_key is not None:
            out[AA_KEY_FILE_NAME] = private_key_pem(self.aa_key)
        out[CSCA_FILE_NAME] = self.csca.pem
        return out

    def write(self, directory: Union[str, Path]) -> Path:
        """Writes the document directory; returns its path."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in self.files().items():
            (directory / name).write_bytes(data)
        return directory

    def aa_respond(self, challenge: bytes, *, complement: bool = False) -> bytes:
        """The chip's AA signature over `challenge` with the DG15 key."""
        if self.aa_key is None:
            raise ValueError("document has no AA key (no DG15)")
        return aa_sign(self.aa_key, challenge, complement=complement)

    def expected_mrz_json(self) -> dict:
        return expected_mrz_json(self.mrz_fields)

    def copy(self) -> "Document":
        return copy.copy(self)


def build_document(dsc: Dsc, spec: Optional[DocumentSpec] = None, **options) -> Document:
    """Builds a document signed by `dsc`. Options are `DocumentSpec` fields, given either as
    a `spec` or as keyword arguments (not both)."""
    if spec is None:
        spec = DocumentSpec(**options)
    elif options:
        raise TypeError("give either a spec or keyword options")
    mrz = spec.mrz_text if spec.mrz_text is not None else build_mrz(spec.mrz)
    data_groups = {1: spec.dg1_bytes if spec.dg1_bytes is not None else make_dg1(mrz)}
    if spec.include_dg2:
        data_groups[2] = make_dg2()
    aa_key = spec.aa_key
    if aa_key is None and spec.aa_key_type is not None:
        aa_key = generate_key(spec.aa_key_type)
    if aa_key is not None:
        data_groups[15] = make_dg15(aa_key)
    sod, lds = make_sod(
        data_groups,
        dsc,
        digest_name=spec.digest,
        scheme=spec.sod_scheme,
        signing_key=spec.sod_signing_key,
        signing_time=spec.signing_time,
        lds_extra_hashes=spec.lds_extra_hashes,
        lds_omit=spec.lds_omit,
        null_digest_params=spec.null_digest_params,
    )
    return Document(dsc=dsc, mrz_fields=spec.mrz, mrz=mrz, data_groups=data_groups, sod=sod, lds=lds, aa_key=aa_key)


# --------------------------------------------------------------------------------------
# Tampering helpers
# --------------------------------------------------------------------------------------


def flip_byte(data: bytes, index: int) -> bytes:
    """`data` with the byte at `index` (negative counts from the end) XOR 0x01."""
    buffer = bytearray(data)
    buffer[index] ^= 0x01
    return bytes(buffer)


def tamper_within(outer: bytes, inner: bytes, index: int) -> bytes:
    """`outer` with one byte of its unique sub-string `inner` flipped (at `index` in `inner`).

    Lengths are unchanged, so the DER around stays well-formed: e.g. flip a byte of the LDS
    eContent inside SOD.bin without re-signing.
    """
    if outer.count(inner) != 1:
        raise ValueError("inner bytes must occur exactly once")
    return outer.replace(inner, flip_byte(inner, index))


def lds_hash_offset(lds: bytes, data_group: int) -> int:
    """Offset in the LDS DER of the last byte of `data_group`'s hash value."""
    parsed = LDSSecurityObject.load(lds)
    for entry in parsed["data_group_hash_values"]:
        if entry["data_group_number"].native == data_group:
            value = entry["data_group_hash_value"].native
            offset = lds.find(value)
            assert offset >= 0 and lds.count(value) == 1
            return offset + len(value) - 1
    raise KeyError(data_group)
