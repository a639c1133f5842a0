"""A Python reference implementation of `cyberid dev verify-document` (the CLI contract).

It exists to check the TEST DATA, not CyberID: every test in test_document_verification.py
runs once against this reference (always) and once against the real binary (when built).
If a scenario passes here, the document the factory built really has exactly the fault the
test names; if the binary then disagrees, the binary is the one to look at.

Order of checks (each rejection test contains a single fault, so the order only matters for
documents with several faults):

    usage (exit 2) → unparseable-document → invalid-mrz → untrusted-csca → bad-dsc-signature
    → dsc-expired → dsc-revoked → dg-hash-mismatch → document-expired
    → active-authentication-failed

Independent of CyberID: `cryptography` for X.509/CRL/signatures, `asn1crypto` for CMS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import io
import json
import re
import sys
from contextlib import redirect_stderr
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

import emrtd_factory as factory

_HASHES = {"sha1": hashes.SHA1, "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class Rejected(Exception):
    """The document does not verify: exit 1 with a JSON error."""

    def __init__(self, code: str, detail: str):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


class UsageError(Exception):
    """Bad arguments or missing files: exit 2 with a message on stderr."""


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


# --------------------------------------------------------------------------------------
# Arguments and files
# --------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cyberid dev verify-document", exit_on_error=False)
    parser.add_argument("--document", required=True)
    parser.add_argument("--csca", action="append", required=True)
    parser.add_argument("--crl", action="append", default=[])
    parser.add_argument("--today")
    parser.add_argument("--challenge")
    parser.add_argument("--aa-signature")
    parser.add_argument("--stale-crl", choices=["refuse", "warn"], default="refuse")
    return parser


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {what} {path}: {error.strerror}") from None


def _load_certificates(data: bytes, path: str) -> list[x509.Certificate]:
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise UsageError(f"{path} is not a certificate") from None


def _load_crl(data: bytes, path: str) -> x509.CertificateRevocationList:
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError:
        raise UsageError(f"{path} is not a CRL") from None


# --------------------------------------------------------------------------------------
# MRZ
# --------------------------------------------------------------------------------------


def _date(yymmdd: str, what: str) -> tuple[int, int, int]:
    if not yymmdd.isdigit():
        raise Rejected("unparseable-document", f"{what} {yymmdd!r} is not YYMMDD")
    return int(yymmdd[0:2]), int(yymmdd[2:4]), int(yymmdd[4:6])


def _birth_date(yymmdd: str, today: dt.date) -> dt.date:
    """20YY unless that is after `today`, then 19YY."""
    yy, mm, dd = _date(yymmdd, "birth date")
    try:
        candidate = dt.date(2000 + yy, mm, dd)
        if candidate <= today:
            return candidate
    except ValueError:
        pass  # e.g. 29 February in a year that is a leap year only in the other century
    try:
        return dt.date(1900 + yy, mm, dd)
    except ValueError:
        raise Rejected("unparseable-document", f"birth date {yymmdd!r} is not a date") from None


def _expiry_date(yymmdd: str) -> dt.date:
    yy, mm, dd = _date(yymmdd, "expiry date")
    try:
        return dt.date(2000 + yy, mm, dd)
    except ValueError:
        raise Rejected("unparseable-document", f"expiry date {yymmdd!r} is not a date") from None


def _check(value: str, digit: str, what: str, empty_may_be_filler: bool = False) -> None:
    if empty_may_be_filler and set(value) == {"<"} and digit in ("<", "0"):
        return
    if factory.check_digit(value) != digit:
        raise Rejected("invalid-mrz", f"check digit of {what} is wrong")


def _names(field: str) -> tuple[str, str]:
    primary, _, secondary = field.partition("<<")
    return " ".join(primary.replace("<", " ").split()), " ".join(secondary.replace("<", " ").split())


def parse_mrz(mrz: str, today: dt.date) -> dict:
    """Parses and checks a TD3 (88) or TD1 (90) MRZ; returns the contract's ``mrz`` object
    plus a private ``_birth`` / ``_expiry`` (dates)."""
    if not re.fullmatch(r"[A-Z0-9<]*", mrz):
        raise Rejected("unparseable-document", "MRZ has characters outside A-Z 0-9 <")
    if len(mrz) == 88:
        line1, line2 = mrz[:44], mrz[44:]
        _check(line2[0:9], line2[9], "document number")
        _check(line2[13:19], line2[19], "birth date")
        _check(line2[21:27], line2[27], "expiry date")
        _check(line2[28:42], line2[42], "personal number", empty_may_be_filler=True)
        _check(line2[0:10] + line2[13:20] + line2[21:43], line2[43], "composite")
        surname, given = _names(line1[5:44])
        fields = dict(
            code=line1[0:2], state=line1[2:5], number=line2[0:9], nationality=line2[10:13],
            birth=line2[13:19], sex=line2[20], expiry=line2[21:27], personal=line2[28:42],
        )
    elif len(mrz) == 90:
        line1, line2, line3 = mrz[:30], mrz[30:60], mrz[60:]
        _check(line1[5:14], line1[14], "document number")
        _check(line2[0:6], line2[6], "birth date")
        _check(line2[8:14], line2[14], "expiry date")
        _check(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29], line2[29], "composite")
        surname, given = _names(line3)
        # Personal number: optional data of line 1, then of line 2 (tests only use line 1).
        fields = dict(
            code=line1[0:2], state=line1[2:5], number=line1[5:14], nationality=line2[15:18],
            birth=line2[0:6], sex=line2[7], expiry=line2[8:14], personal=line1[15:30] + line2[18:29],
        )
    else:
        raise Rejected("unparseable-document", f"MRZ has {len(mrz)} characters, not 88 (TD3) or 90 (TD1)")
    if fields["sex"] not in ("M", "F", "<"):
        raise Rejected("unparseable-document", "sex is not M, F or <")
    birth = _birth_date(fields["birth"], today)
    expiry = _expiry_date(fields["expiry"])
    personal = fields["personal"].replace("<", "")
    return {
        "document_code": fields["code"].replace("<", ""),
        "issuing_state": fields["state"].replace("<", ""),
        "surname": surname,
        "given_names": given,
        "document_number": fields["number"].replace("<", ""),
        "nationality": fields["nationality"].replace("<", ""),
        "birth_date": birth.isoformat(),
        "sex": fields["sex"],
        "expiry_date": expiry.isoformat(),
        "personal_number": personal or None,
        "_birth": birth,
        "_expiry": expiry,
    }


# --------------------------------------------------------------------------------------
# Data groups and SOD
# --------------------------------------------------------------------------------------


def _unwrap(data: bytes, tag: int, what: str) -> bytes:
    try:
        found, value, end = factory.read_tlv(data)
    except ValueError as error:
        raise Rejected("unparseable-document", f"{what}: {error}") from None
    if found != tag or end != len(data):
        raise Rejected("unparseable-document", f"{what}: expected one TLV with tag {tag:X}")
    return value


def _mrz_of(dg1: bytes) -> str:
    inner = _unwrap(dg1, factory.TAG_DG1, "DG1")
    mrz = _unwrap(inner, factory.TAG_MRZ, "DG1 MRZ")
    try:
        return mrz.decode("ascii")
    except UnicodeDecodeError:
        raise Rejected("unparseable-document", "MRZ is not ASCII") from None


def _aa_public_key(dg15: bytes):
    spki = _unwrap(dg15, factory.TAG_DG15, "DG15")
    try:
        key = serialization.load_der_public_key(spki)
    except ValueError:
        raise Rejected("unparseable-document", "DG15 is not a SubjectPublicKeyInfo") from None
    if not isinstance(key, (ec.EllipticCurvePublicKey, rsa.RSAPublicKey)):
        raise Rejected("unparseable-document", "DG15 key is neither EC nor RSA")
    return key


@dataclass
class ParsedSod:
    lds_hash: str
    lds_hashes: dict
    e_content: bytes
    signer_digest: str
    signed_attrs_der: bytes  # re-tagged as SET
    content_type_attr: Optional[str]
    message_digest_attr: Optional[bytes]
    signature_algorithm: cms.SignedDigestAlgorithm
    signature: bytes
    dsc: x509.Certificate


def parse_sod(sod: bytes) -> ParsedSod:
    content = _unwrap(sod, factory.TAG_SOD, "SOD")
    try:
        info = cms.ContentInfo.load(content, strict=True)
        if info["content_type"].dotted != "1.2.840.113549.1.7.2":
            raise ValueError("not signedData")
        signed = info["content"]
        encap = signed["encap_content_info"]
        if encap["content_type"].dotted != factory.OID_LDS_SECURITY_OBJECT:
            raise ValueError("eContentType is not ldsSecurityObject")
        e_content = encap["content"].contents
        lds = factory.LDSSecurityObject.load(e_content, strict=True)
        lds_hash = lds["hash_algorithm"]["algorithm"].native
        lds_hashes = {}
        for entry in lds["data_group_hash_values"]:
            lds_hashes[entry["data_group_number"].native] = entry["data_group_hash_value"].native
        if len(signed["signer_infos"]) != 1:
            raise ValueError("expected one SignerInfo")
        signer = signed["signer_infos"][0]
        sid = signer["sid"]
        if sid.name != "issuer_and_serial_number":
            raise ValueError("sid is not issuerAndSerialNumber")
        dsc = None
        for choice in signed["certificates"] or []:
            if choice.name != "certificate":
                continue
            candidate = choice.chosen
            if candidate.serial_number == sid.chosen["serial_number"].native and candidate.issuer.dump() == sid.chosen["issuer"].dump():
                dsc = x509.load_der_x509_certificate(candidate.dump())
        if dsc is None:
            raise ValueError("the SOD does not contain the signer's certificate")
        attrs = signer["signed_attrs"]
        if not attrs:
            raise ValueError("no signed attributes")
        content_type_attr = message_digest_attr = None
        for attribute in attrs:
            if attribute["type"].native == "content_type":
                content_type_attr = attribute["values"][0].dotted
            elif attribute["type"].native == "message_digest":
                message_digest_attr = attribute["values"][0].native
        signed_attrs_der = b"\x31" + attrs.dump()[1:]
        return ParsedSod(
            lds_hash=lds_hash,
            lds_hashes=lds_hashes,
            e_content=e_content,
            signer_digest=signer["digest_algorithm"]["algorithm"].native,
            signed_attrs_der=signed_attrs_der,
            content_type_attr=content_type_attr,
            message_digest_attr=message_digest_attr,
            signature_algorithm=signer["signature_algorithm"],
            signature=signer["signature"].native,
            dsc=dsc,
        )
    except Rejected:
        raise
    except Exception as error:  # asn1crypto raises ValueError/TypeError on malformed DER
        raise Rejected("unparseable-document", f"SOD: {error}") from None


def verify_sod_signature(parsed: ParsedSod) -> None:
    """messageDigest, contentType and the signature over the signed attributes."""
    if parsed.content_type_attr != factory.OID_LDS_SECURITY_OBJECT:
        raise Rejected("bad-dsc-signature", "contentType attribute is not ldsSecurityObject")
    if parsed.signer_digest not in _HASHES:
        raise Rejected("bad-dsc-signature", f"unsupported digest {parsed.signer_digest}")
    expected = hashlib.new(parsed.signer_digest, parsed.e_content).digest()
    if parsed.message_digest_attr is None or not hmac.compare_digest(expected, parsed.message_digest_attr):
        raise Rejected("bad-dsc-signature", "messageDigest does not match the LDS security object")
    algorithm = parsed.signature_algorithm
    name = algorithm["algorithm"].native
    key = parsed.dsc.public_key()
    try:
        if name == "rsassa_pss":
            params = algorithm["parameters"]
            hash_name = params["hash_algorithm"]["algorithm"].native
            mgf_hash = params["mask_gen_algorithm"]["parameters"]["algorithm"].native
            h = _HASHES[hash_name]()
            key.verify(
                parsed.signature, parsed.signed_attrs_der,
                padding.PSS(mgf=padding.MGF1(_HASHES[mgf_hash]()), salt_length=params["salt_length"].native), h,
            )
        else:
            hash_name = algorithm.hash_algo
            h = _HASHES[hash_name]()
            if algorithm.signature_algo == "ecdsa":
                key.verify(parsed.signature, parsed.signed_attrs_der, ec.ECDSA(h))
            elif algorithm.signature_algo == "rsassa_pkcs1v15":
                key.verify(parsed.signature, parsed.signed_attrs_der, padding.PKCS1v15(), h)
            else:
                raise ValueError(name)
    except Exception:
        raise Rejected("bad-dsc-signature", f"SOD signature ({name}) does not verify with the DSC key") from None


def _issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
        return True
    except Exception:
        return False


def _valid_on(certificate: x509.Certificate, day: dt.date) -> bool:
    return certificate.not_valid_before_utc.date() <= day <= certificate.not_valid_after_utc.date()


# --------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------


# ICAO Doc 9303 Part 3 issuing states that are not ISO 3166-1 alpha-3 codes, with the country a
# CSCA of theirs states (UTO is the specimens' Utopia). ISO's own come from Debian's iso-codes.
_ICAO_COUNTRIES = {"D": "DE", "GBD": "GB", "GBN": "GB", "GBO": "GB", "GBP": "GB", "GBS": "GB", "RKS": "XK", "EUE": "EU",
                   "UTO": "UT"}


def issuing_state_country(state: str) -> Optional[str]:
    """The ISO 3166-1 alpha-2 country of an MRZ issuing state, or None (UN, stateless codes)."""
    state = state.replace("<", "")
    if state in _ICAO_COUNTRIES:
        return _ICAO_COUNTRIES[state]
    codes = json.loads(Path("/usr/share/iso-codes/json/iso_3166-1.json").read_text())["3166-1"]
    return next((c["alpha_2"] for c in codes if c["alpha_3"] == state), None)


def verify(argv: Sequence[str]) -> dict:
    """Runs the verification; returns the success JSON or raises Rejected / UsageError."""
    try:
        with redirect_stderr(io.StringIO()):
            args = _parser().parse_args(list(argv))
    except (argparse.ArgumentError, SystemExit) as error:
        raise UsageError(f"bad arguments: {error}") from None

    directory = Path(args.document)
    if not directory.is_dir():
        raise UsageError(f"{directory} is not a directory")
    dg1 = _read(directory / "DG1.bin", "DG1")
    sod_bytes = _read(directory / "SOD.bin", "SOD")
    dg2 = (directory / "DG2.bin").read_bytes() if (directory / "DG2.bin").exists() else None
    dg15 = (directory / "DG15.bin").read_bytes() if (directory / "DG15.bin").exists() else None
    cscas = [c for p in args.csca for c in _load_certificates(_read(Path(p), "CSCA"), p)]
    crls = [_load_crl(_read(Path(p), "CRL"), p) for p in args.crl]
    if args.today is None:
        today = dt.date.today()
    else:
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.today):
                raise ValueError
            today = dt.date.fromisoformat(args.today)
        except ValueError:
            raise UsageError(f"--today {args.today!r} is not YYYY-MM-DD") from None
    if (args.challenge is None) != (args.aa_signature is None):
        raise UsageError("--challenge and --aa-signature go together")
    challenge = aa_signature = None
    if args.challenge is not None:
        try:
            challenge = bytes.fromhex(args.challenge)
        except ValueError:
            raise UsageError("--challenge is not hex") from None
        aa_signature = _read(Path(args.aa_signature), "AA signature")

    # Parse everything.
    mrz = parse_mrz(_mrz_of(dg1), today)
    if dg2 is not None:
        _unwrap(dg2, factory.TAG_DG2, "DG2")
    aa_key = _aa_public_key(dg15) if dg15 is not None else None
    sod = parse_sod(sod_bytes)

    # Passive authentication.
    csca = next((c for c in cscas if c.subject == sod.dsc.issuer and _issued_by(sod.dsc, c)), None)
    if csca is None:
        raise Rejected("untrusted-csca", "the DSC is not signed by any trusted CSCA")
    verify_sod_signature(sod)
    if not _valid_on(sod.dsc, today):
        raise Rejected("dsc-expired", f"the DSC is not valid on {today}")
    # A state signs its own documents (review finding 5).
    countries = [a.value.upper() for a in csca.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)]
    expected = issuing_state_country(mrz["issuing_state"])
    if expected is None or countries[:1] != [expected]:
        raise Rejected("issuing-state-mismatch", f"issuing state {mrz['issuing_state']} is not the CSCA's country {countries}")
    # The lists of the CSCA's name signed by any trusted CSCA of that name (a key rollover: the
    # state's list, signed by its new key, covers the old key's DSCs); others are ignored.
    keys = [c for c in cscas if c.subject == csca.subject]
    own = [crl for crl in crls if crl.issuer == csca.subject and any(crl.is_signature_valid(k.public_key()) for k in keys)]
    if any(crl.get_revoked_certificate_by_serial_number(sod.dsc.serial_number) is not None for crl in own):
        raise Rejected("dsc-revoked", "the DSC is listed in its CSCA's CRL")
    # RFC 5280 §5.1.2.5: past nextUpdate a list says nothing about the DSC's status now.
    instant = dt.datetime.combine(today, dt.time(12), tzinfo=dt.timezone.utc)
    warnings = []
    if own and all(crl.next_update_utc is not None and crl.next_update_utc < instant for crl in own):
        if args.stale_crl == "refuse":
            raise Rejected("revocation-status-unavailable", "the CSCA's CRL is past its nextUpdate")
        warnings.append("revocation-list-stale")
    if sod.lds_hash not in _HASHES:
        raise Rejected("unparseable-document", f"unsupported LDS hash {sod.lds_hash}")
    present = {1: dg1, 2: dg2, 15: dg15}
    for number, data in present.items():
        if data is None:
            continue
        expected = sod.lds_hashes.get(number)
        if expected is None or not hmac.compare_digest(hashlib.new(sod.lds_hash, data).digest(), expected):
            raise Rejected("dg-hash-mismatch", f"DG{number} does not match the LDS security object")

    if mrz["_expiry"] < today:
        raise Rejected("document-expired", f"the document expired on {mrz['_expiry']}")

    # Active authentication.
    active = False
    if challenge is not None:
        if aa_key is None:
            raise Rejected("active-authentication-failed", "no DG15: the chip has no AA key")
        if not factory.aa_verify(aa_key, challenge, aa_signature):
            raise Rejected("active-authentication-failed", "the AA signature does not verify")
        active = True

    birth = mrz.pop("_birth")
    mrz.pop("_expiry")
    return {
        "result": "verified",
        "passive_authentication": True,
        "active_authentication": active,
        "mrz": mrz,
        "age_band": factory.age_band(birth, today),
        "data_groups": sorted(n for n, data in present.items() if data is not None),
        **({"warnings": warnings} if warnings else {}),
    }


def run(argv: Sequence[str]) -> Outcome:
    """Like running the CLI: exit code, stdout (JSON line), stderr."""
    try:
        result = verify(argv)
        return Outcome(0, json.dumps(result) + "\n", "")
    except Rejected as error:
        return Outcome(1, json.dumps({"result": "rejected", "error": error.code, "detail": error.detail}) + "\n", "")
    except UsageError as error:
        return Outcome(2, "", f"error: {error}\n")


if __name__ == "__main__":
    outcome = run(sys.argv[1:])
    sys.stdout.write(outcome.stdout)
    sys.stderr.write(outcome.stderr)
    sys.exit(outcome.exit_code)
