"""Helpers of the enrollment HTTP API suite; the fixtures that use them are in conftest.py.

Test documents come from Tests/documents/emrtd_factory.py, imported, not copied.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import random
import re
import signal
import socket
import string
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
DOCUMENTS_DIR = REPO_ROOT / "Tests" / "documents"
if str(DOCUMENTS_DIR) not in sys.path:
    sys.path.insert(0, str(DOCUMENTS_DIR))

import emrtd_factory as factory  # noqa: E402

PROBLEM_PREFIX = "urn:cyberid:problem:"
UTC = dt.timezone.utc


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def b64u(data: bytes) -> str:
    """base64url without padding (the contract's binary encoding)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError(f"not unpadded base64url: {text!r}")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse_rfc3339(text: str) -> dt.datetime:
    """An RFC 3339 UTC time (Z or +00:00, optional fraction)."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})", text)
    assert match, f"not an RFC 3339 time: {text!r}"
    value = dt.datetime.fromisoformat(match.group(1) + "T" + match.group(2) + (match.group(4).replace("Z", "+00:00")))
    return value.astimezone(UTC)


def binary_path() -> Path:
    value = os.environ.get("CYBERID_BIN")
    return Path(value) if value else REPO_ROOT / ".build" / "debug" / "cyberid"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A test server sees every client at 127.0.0.1 and enrolls the same few documents over and over:
# the rate limits (docs/configuration.md) are raised here, and the tests of the limits set their
# own low values through `extra`.
GENEROUS_LIMITS = {
    name: "1000000"
    for name in (
        "CYBERID_SESSION_STARTS_PER_IP_PER_MINUTE", "CYBERID_SMS_PER_IP_PER_HOUR", "CYBERID_SMS_PER_DOCUMENT_PER_HOUR",
        "CYBERID_SMS_PER_MINUTE", "CYBERID_AUTHORIZE_PER_IP_PER_MINUTE", "CYBERID_PAR_PER_IP_PER_MINUTE",
        "CYBERID_TOKEN_FAILURES_PER_IP_PER_MINUTE", "CYBERID_WALLET_FAILURES_PER_IP_PER_MINUTE",
        "CYBERID_CODE_FAILURES_PER_IP_PER_MINUTE",
        "CYBERID_FACE_ATTEMPTS_PER_DAY", "CYBERID_SMS_PER_PHONE_PER_HOUR",
    )
}


# Every administrative command names its operator (review finding 11); the suites' CLI is this one.
TEST_OPERATOR = "ops-test"


def server_env(data_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERID_")}
    env["CYBERID_DATA_DIR"] = str(data_dir)
    env["CYBERID_OPERATOR"] = TEST_OPERATOR
    env.update(GENEROUS_LIMITS)
    # A platform's rotated JWKS is fetched again at most this often (default 60 s); short here.
    env["CYBERID_JWKS_REFETCH_SECONDS"] = "2"
    env.update(extra)
    return env


# --------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------


@dataclass
class Response:
    method: str
    path: str
    status: int
    headers: dict
    body: bytes

    @property
    def content_type(self) -> str:
        for key, value in self.headers.items():
            if key.lower() == "content-type":
                return value
        return ""

    @property
    def json(self):
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} → {self.status} {self.body[:600]!r}>"


class Api:
    """A JSON client over urllib. Every answer is kept in `log` (thread-safe)."""

    def __init__(self, base: str):
        self.base = base
        self.log: list[Response] = []
        self._lock = threading.Lock()

    def request(self, method: str, path: str, body=None, *, raw: Optional[bytes] = None, headers=None) -> Response:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        all_headers = {"Content-Type": "application/json", "Accept": "application/json"} if data is not None else {}
        all_headers.update(headers or {})
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                response = Response(method, path, answer.status, dict(answer.headers), answer.read())
        except urllib.error.HTTPError as error:
            response = Response(method, path, error.code, dict(error.headers), error.read())
        with self._lock:
            self.log.append(response)
        return response

    def post(self, path: str, body=None, **kwargs) -> Response:
        return self.request("POST", path, {} if body is None and "raw" not in kwargs else body, **kwargs)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    # The enrollment steps.
    def start(self, guardian: Optional[str] = None) -> Response:
        return self.post("/enrollment/v1/sessions", {} if guardian is None else {"guardian": guardian})

    def document(self, session_id: str, body: dict) -> Response:
        return self.post(f"/enrollment/v1/sessions/{session_id}/document", body)

    def phone(self, session_id: str, phone: str) -> Response:
        return self.post(f"/enrollment/v1/sessions/{session_id}/phone", {"phone": phone})

    def confirm(self, session_id: str, code: str) -> Response:
        return self.post(f"/enrollment/v1/sessions/{session_id}/phone/confirm", {"code": code})

    def complete(self, session_id: str, csr: str) -> Response:
        return self.post(f"/enrollment/v1/sessions/{session_id}/complete", {"csr": csr})

    def guardian_approval(self, session_id: str, approval: str) -> Response:
        return self.post(f"/enrollment/v1/sessions/{session_id}/guardian-approval", {"approval": approval})

    def bodies(self) -> list[bytes]:
        with self._lock:
            return [r.body for r in self.log]


def assert_problem(response: Response, code: str, status: Optional[int] = None) -> dict:
    """`response` is an RFC 9457 problem of type urn:cyberid:problem:<code>.

    `status`: the exact HTTP status when the contract names one; otherwise any 4xx. The body's
    `status` must always equal the HTTP status.
    """
    assert response.content_type.split(";")[0].strip() == "application/problem+json", response
    problem = response.json
    assert problem.get("type") == PROBLEM_PREFIX + code, response
    if status is None:
        assert 400 <= response.status < 500, response
    else:
        assert response.status == status, response
    assert problem.get("status") == response.status, response
    assert isinstance(problem.get("title"), str) and problem["title"], response
    return problem


def assert_json(response: Response, status: int) -> dict:
    assert response.status == status, response
    assert response.content_type.split(";")[0].strip() == "application/json", response
    return response.json


# --------------------------------------------------------------------------------------
# PKI and the server
# --------------------------------------------------------------------------------------


@dataclass
class Pki:
    ec_csca: factory.Csca
    ec_dsc: factory.Dsc
    rsa_csca: factory.Csca
    rsa_dsc: factory.Dsc
    expired_dsc: factory.Dsc
    untrusted_csca: factory.Csca  # same DN as ec_csca, another key, not trusted
    untrusted_dsc: factory.Dsc
    foreign_csca: factory.Csca  # another DN, not trusted
    foreign_dsc: factory.Dsc
    revoked_dsc: factory.Dsc  # under ec_csca, listed in a CRL loaded before the server starts


@dataclass
class Server:
    process: subprocess.Popen
    base: str
    issuer: str
    data_dir: Path
    stdout_path: Path
    stderr_path: Path

    @property
    def audience(self) -> str:
        return self.issuer + "/enrollment"

    @property
    def outbox_path(self) -> Path:
        return self.data_dir / "sms-outbox.jsonl"

    def database_files(self) -> list[Path]:
        return sorted(p for p in self.data_dir.glob("cyberid.sqlite*") if p.is_file())

    def logs(self) -> bytes:
        return self.stdout_path.read_bytes() + self.stderr_path.read_bytes()

    def alive(self) -> bool:
        return self.process.poll() is None


def _run_cli(binary: Path, data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), *args], env=server_env(data_dir), capture_output=True, text=True, timeout=120)


def launch_server(pki: Optional[Pki], tmp_path_factory, *, setup=None, **env):
    """Trusts the test CSCAs (and the CRL) in a fresh data dir, starts `cyberid serve` on a free
    loopback port and waits for /health. A generator: yields the Server, stops it afterwards.

    `pki=None` trusts nothing; `setup(binary, data_dir)`, when given, runs after the trust step and
    before `serve` starts (Tests/oidc trusts a `cyberid dev document` CSCA there)."""
    binary = binary_path()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.skip(f"cyberid binary not found at {binary} (set CYBERID_BIN)")
    data_dir = tmp_path_factory.mktemp("cyberid-data")
    if pki is not None:
        pem_dir = tmp_path_factory.mktemp("trust")
        for name, csca in [("ec", pki.ec_csca), ("rsa", pki.rsa_csca)]:
            path = csca.write_pem(pem_dir / f"{name}-csca.pem")
            result = _run_cli(binary, data_dir, "admin", "trust", "add-csca", str(path))
            assert result.returncode == 0, (result.stdout, result.stderr)
        crl = factory.write_crl(factory.make_crl(pki.ec_csca, [pki.revoked_dsc.serial_number]), pem_dir / "ec.crl", "der")
        result = _run_cli(binary, data_dir, "admin", "trust", "add-crl", str(crl))
        assert result.returncode == 0, (result.stdout, result.stderr)
    if setup is not None:
        setup(binary, data_dir)

    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    stdout_path = data_dir.parent / (data_dir.name + "-stdout.log")
    stderr_path = data_dir.parent / (data_dir.name + "-stderr.log")
    settings = dict(CYBERID_ISSUER=issuer, CYBERID_HOST="127.0.0.1", CYBERID_LOG_LEVEL="debug")
    settings.update(env)
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        process = subprocess.Popen(
            [str(binary), "serve", "--port", str(port)],
            env=server_env(data_dir, **settings),
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
    instance = Server(process, issuer, issuer, data_dir, stdout_path, stderr_path)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"server exited {process.returncode}: {stderr_path.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(issuer + "/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("server did not answer /health within 60 s")
            time.sleep(0.1)
        yield instance
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


# --------------------------------------------------------------------------------------
# SMS outbox
# --------------------------------------------------------------------------------------


class Outbox:
    CODE = re.compile(r"CyberID code (\d{6})\b")

    def __init__(self, path: Path):
        self.path = path

    def entries(self) -> list[dict]:
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line being written right now
        return out

    def count(self, phone: str) -> int:
        return sum(1 for entry in self.entries() if entry.get("to") == phone)

    def codes(self, phone: str) -> list[str]:
        codes = []
        for entry in self.entries():
            if entry.get("to") == phone:
                match = self.CODE.search(entry.get("text", ""))
                assert match, f"SMS without a six-digit code: {entry!r}"
                codes.append(match.group(1))
        return codes

    def wait_code(self, phone: str, previous: int = 0, timeout: float = 10.0) -> str:
        """The newest code sent to `phone` once more than `previous` messages went there."""
        deadline = time.monotonic() + timeout
        while True:
            codes = self.codes(phone)
            if len(codes) > previous:
                return codes[-1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no SMS to {phone} in {self.path} after {timeout} s")
            time.sleep(0.05)


# --------------------------------------------------------------------------------------
# People and documents
# --------------------------------------------------------------------------------------


def years_ago(years: int, today: Optional[dt.date] = None, extra_days: int = 40) -> dt.date:
    """A birth date making the holder `years` old today (`extra_days` past the birthday)."""
    today = today or dt.datetime.now(UTC).date()
    birthday = today - dt.timedelta(days=extra_days)
    try:
        return birthday.replace(year=birthday.year - years)
    except ValueError:  # 29 February
        return (birthday - dt.timedelta(days=1)).replace(year=birthday.year - years)


@dataclass
class Person:
    mrz: factory.MrzFields
    phone: str

    def secrets(self) -> list[str]:
        """Strings that must never be echoed, logged or stored in clear."""
        birth = self.mrz.birth_date
        values = [
            self.mrz.surname,
            self.mrz.given_names,
            self.mrz.document_number,
            birth.strftime("%y%m%d"),
            birth.isoformat(),
            self.phone,
            self.phone.lstrip("+"),
        ]
        if self.mrz.personal_number:
            values.append(self.mrz.personal_number)
        return values


class People:
    """Makes unique holders; remembers all of them for the privacy checks."""

    def __init__(self):
        self.random = random.SystemRandom()
        self.all: list[Person] = []
        self._lock = threading.Lock()

    def _letters(self, n: int) -> str:
        return "".join(self.random.choice(string.ascii_uppercase) for _ in range(n))

    def _digits(self, n: int) -> str:
        return "".join(self.random.choice(string.digits) for _ in range(n))

    def phone(self) -> str:
        return "+86139" + self._digits(8)

    def make(self, *, age: int = 35, td1: bool = False, personal_number: Optional[str] = None, **changes) -> Person:
        """A holder `age` years old with a random surname, document and personal number."""
        code = "ID" if td1 else "P<"
        personal = personal_number if personal_number is not None else ("1101" + self._digits(10))
        fields = factory.MrzFields(
            document_code=code,
            surname="Q" + self._letters(9),
            given_names="X" + self._letters(6),
            document_number="E" + self._digits(8),
            birth_date=years_ago(age),
            expiry_date=dt.date(2031, 3, 17),
            personal_number=personal,
            sex=self.random.choice("MF"),
        )
        if changes:
            fields = fields.replace(**changes)
        person = Person(fields, self.phone())
        self.register(person)
        return person

    def register(self, person: Person):
        with self._lock:
            self.all.append(person)


def document_body(doc: factory.Document, challenge: bytes, *, aa_signature: Optional[bytes] = None, with_dg2: bool = True) -> dict:
    """The body of POST …/document for `doc`, answering `challenge`."""
    body = {"dg1": b64u(doc.data_groups[1]), "sod": b64u(doc.sod)}
    if with_dg2 and 2 in doc.data_groups:
        body["dg2"] = b64u(doc.data_groups[2])
    if 15 in doc.data_groups:
        body["dg15"] = b64u(doc.data_groups[15])
        body["aa_signature"] = b64u(aa_signature if aa_signature is not None else doc.aa_respond(challenge))
    return body


# --------------------------------------------------------------------------------------
# Wallet
# --------------------------------------------------------------------------------------


class Wallet:
    """A wallet: a P-256 key that never leaves it, its CSR, and (once enrolled) its certificate."""

    def __init__(self, key: Optional[ec.EllipticCurvePrivateKey] = None):
        self.key = key or ec.generate_private_key(ec.SECP256R1())
        self.certificate: Optional[x509.Certificate] = None
        self.network_number: Optional[str] = None

    def csr(self, *, der: bool = False, key=None, common_name: str = "ignored by the server") -> str:
        """A PKCS#10 request signed by the wallet key (PEM, or base64url DER)."""
        signer = key or self.key
        request = (
            x509.CertificateSigningRequestBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
            .sign(signer, hashes.SHA256())
        )
        if der:
            return b64u(request.public_bytes(serialization.Encoding.DER))
        return request.public_bytes(serialization.Encoding.PEM).decode("ascii")

    def public_der(self) -> bytes:
        return self.key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    def jws(
        self,
        *,
        audience: str,
        purpose: str,
        session_id: Optional[str] = None,
        iat: Optional[int] = None,
        signing_key: Optional[ec.EllipticCurvePrivateKey] = None,
        certificate: Optional[x509.Certificate] = None,
        header_changes: Optional[dict] = None,
    ) -> str:
        """A compact JWS (ES256, raw r||s) as §7 of the contract describes it."""
        cert = certificate or self.certificate
        assert cert is not None, "the wallet has no certificate yet"
        header = {"alg": "ES256", "typ": "cyberid-wallet+jwt", "x5c": [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]}
        header.update(header_changes or {})
        header = {k: v for k, v in header.items() if v is not None}  # None removes a header field
        payload = {"aud": audience, "iat": int(time.time()) if iat is None else iat, "purpose": purpose}
        if session_id is not None:
            payload["session_id"] = session_id
        signing_input = b64u(json.dumps(header, separators=(",", ":")).encode()) + "." + b64u(json.dumps(payload, separators=(",", ":")).encode())
        der = (signing_key or self.key).sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return signing_input + "." + b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


# --------------------------------------------------------------------------------------
# The whole flow
# --------------------------------------------------------------------------------------


@dataclass
class Enrollment:
    person: Person
    document: factory.Document
    wallet: Wallet
    session_id: str = ""
    responses: dict = field(default_factory=dict)  # step → Response
    result: Optional[dict] = None
    csr: str = ""


class Enroller:
    def __init__(self, api: Api, outbox: Outbox, pki: Pki, people: People, server: Server):
        self.api, self.outbox, self.pki, self.people, self.server = api, outbox, pki, people, server

    def document_for(self, person: Person, dsc: Optional[factory.Dsc] = None, **options) -> factory.Document:
        return factory.build_document(dsc or self.pki.ec_dsc, mrz=person.mrz, **options)

    def start(self, guardian: Optional[str] = None) -> tuple[str, bytes, Response]:
        response = self.api.start(guardian)
        body = assert_json(response, 201)
        return body["session_id"], b64u_decode(body["aa_challenge"]), response

    def through_phone(self, enrollment: Enrollment, guardian: Optional[str] = None) -> Enrollment:
        """start → document → phone → confirm; asserts each step succeeded."""
        session_id, challenge, response = self.start(guardian)
        enrollment.session_id = session_id
        enrollment.responses["start"] = response
        response = self.api.document(session_id, document_body(enrollment.document, challenge))
        enrollment.responses["document"] = response
        assert_json(response, 200)
        assert response.json["state"] == "document_verified", response
        self.phone_and_confirm(enrollment)
        return enrollment

    def phone_and_confirm(self, enrollment: Enrollment):
        phone = enrollment.person.phone
        before = self.outbox.count(phone)
        response = self.api.phone(enrollment.session_id, phone)
        enrollment.responses["phone"] = response
        assert_json(response, 202)
        code = self.outbox.wait_code(phone, before)
        response = self.api.confirm(enrollment.session_id, code)
        enrollment.responses["confirm"] = response
        assert_json(response, 200)
        assert response.json == {"state": "phone_confirmed", "next": "complete"}, response

    def complete(self, enrollment: Enrollment) -> dict:
        enrollment.csr = enrollment.csr or enrollment.wallet.csr()
        response = self.api.complete(enrollment.session_id, enrollment.csr)
        enrollment.responses["complete"] = response
        body = assert_json(response, 201)
        enrollment.result = body
        enrollment.wallet.certificate = x509.load_pem_x509_certificate(body["certificate"].encode())
        enrollment.wallet.network_number = body["network_number"]
        return body

    def full(self, person: Optional[Person] = None, *, document: Optional[factory.Document] = None, guardian: Optional[str] = None) -> Enrollment:
        person = person or self.people.make()
        enrollment = Enrollment(person, document or self.document_for(person), Wallet())
        self.through_phone(enrollment, guardian)
        self.complete(enrollment)
        return enrollment

