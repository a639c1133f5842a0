"""Helpers of the offline-credentials suite (issue 18); the fixtures are in conftest.py.

The suite checks CyberID's SD-JWT VC credentials with independent code only:

* the IETF reference implementation (PyPI `sd-jwt`: `SDJWTVerifier`, `SDJWTHolder`) verifies
  the credentials and presentations CyberID makes, and makes presentations for CyberID's verifier;
* `joserfc` signs OID4VCI proof JWTs and key-binding JWTs (for the tampered cases the reference
  holder cannot make) and verifies status-list JWTs; `requests` speaks OID4VCI and OpenID4VP;
* the Token Status List (draft-ietf-oauth-status-list) is decoded here with `zlib`;
* `ReferenceVerifier` is a small OpenID4VP verifier on a loopback port (unsigned request object,
  `redirect_uri:` client identifier, `direct_post`) that the `cyberid wallet present` CLI answers.

CyberID itself is the real binary: `cyberid serve` (started by Tests/oidc's `start_deployment`),
the wallet CLI (`cyberid wallet credentials …`, `cyberid wallet present`) and
`cyberid verifier serve` (`CyberIDVerifier`). People come from `Deployment.enroll`, imported from
Tests/oidc/oidc_support.py, not copied.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import pty
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests
from joserfc import jws
from joserfc.jwk import ECKey, KeySet
from jwcrypto.jwk import JWK
from sd_jwt.holder import SDJWTHolder
from sd_jwt.verifier import SDJWTVerifier

HERE = Path(__file__).resolve().parent
OIDC_DIR = HERE.parent / "oidc"
if str(OIDC_DIR) not in sys.path:
    sys.path.insert(0, str(OIDC_DIR))

from oidc_support import (  # noqa: E402  (puts Tests/enrollment on sys.path)
    Deployment,
    Holder,
    LoopbackServer,
    QuietHandler,
    decode_qr_image,
    sign_wallet_jws,
)
from enrollment_support import b64u, b64u_decode, binary_path, free_port  # noqa: E402

# --------------------------------------------------------------------------------------
# Constants of the contract (/work/notes/issue18-spec.md, docs/credentials.md)
# --------------------------------------------------------------------------------------

VCT = "urn:cyberid:verified-person:1"
CONFIGURATION_ID = "verified_person"
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
SD_JWT_TYP = "dc+sd-jwt"
PROOF_TYP = "openid4vci-proof+jwt"
STATUS_LIST_TYP = "statuslist+jwt"
REQUEST_OBJECT_TYP = "oauth-authz-req+jwt"
BATCH_SIZE = 10

# The selectively disclosable claims, and the claims always in the issuer-signed payload.
DISCLOSABLE = ("given_name", "family_name", "birthdate", "nationality")
PAYLOAD_CLAIMS = {
    "iss", "vct", "iat", "exp", "verified", "assurance_level", "age_over_14", "age_over_18", "_sd", "_sd_alg",
    "cnf", "status",
}
# Registered claims an issuer may add without making a batch linkable (`nbf` only: a `sub` or a
# shared `jti` would link the presentations of one person).
HARMLESS_PAYLOAD_CLAIMS = {"nbf"}
ASSURANCE_LEVELS = ("substantial", "high")

# Status values (draft-ietf-oauth-status-list §7.1 and the contract).
VALID, INVALID, SUSPENDED = 0, 1, 2


def unpadded(text: str) -> bool:
    return re.fullmatch(r"[A-Za-z0-9_-]+", text) is not None


def json_segment(segment: str) -> dict:
    """A JWT header or payload: base64url JSON."""
    return json.loads(b64u_decode(segment))


def sha256_b64u(text: str) -> str:
    return b64u(hashlib.sha256(text.encode("ascii")).digest())


def public_jwk(key_pem: str) -> dict:
    """{kty, crv, x, y} of a PEM private (or public) EC key."""
    public = ECKey.import_key(key_pem).as_dict(private=False)
    return {name: public[name] for name in ("kty", "crv", "x", "y")}


def same_key(jwk: dict, other: dict) -> bool:
    return all(jwk.get(name) == other.get(name) for name in ("kty", "crv", "x", "y"))


def unsigned_jwt(header: dict, payload: dict) -> str:
    """An unsecured JWT (RFC 7519 §6: alg none, empty signature)."""
    return ".".join(b64u(json.dumps(part, separators=(",", ":")).encode()) for part in (header, payload)) + "."


# --------------------------------------------------------------------------------------
# SD-JWT (compact form), parsed here
# --------------------------------------------------------------------------------------


@dataclass
class SdJwt:
    """A compact SD-JWT: `<JWT>~<disclosure>~…~` (issuance) or `…~<KB-JWT>` (presentation)."""

    jwt: str
    disclosures: list[str]
    kb_jwt: str

    @classmethod
    def parse(cls, compact: str) -> "SdJwt":
        parts = compact.split("~")
        assert len(parts) >= 2, f"not a compact SD-JWT (no ~): {compact[:80]!r}"
        assert parts[0].count(".") == 2, f"the first part is not a JWS: {parts[0][:80]!r}"
        return cls(parts[0], parts[1:-1], parts[-1])

    @property
    def header(self) -> dict:
        return json_segment(self.jwt.split(".")[0])

    @property
    def payload(self) -> dict:
        return json_segment(self.jwt.split(".")[1])

    @property
    def signature(self) -> str:
        return self.jwt.split(".")[2]

    def decoded(self) -> dict[str, list]:
        """digest → decoded disclosure ([salt, name, value]) of every disclosure."""
        return {sha256_b64u(d): json.loads(b64u_decode(d)) for d in self.disclosures}

    def by_name(self) -> dict[str, str]:
        """claim name → the (encoded) disclosure of it."""
        return {json.loads(b64u_decode(d))[1]: d for d in self.disclosures}

    def issuance_form(self) -> str:
        return "~".join([self.jwt, *self.disclosures, ""])

    def everything_decoded(self) -> str:
        """The header, payload and every disclosure, decoded, as one text (to grep)."""
        return json.dumps([self.header, self.payload, list(self.decoded().values())])


# --------------------------------------------------------------------------------------
# The issuer's keys (/.well-known/jwt-vc-issuer) and the reference verifier
# --------------------------------------------------------------------------------------


@dataclass
class IssuerKeys:
    issuer: str
    jwks: dict

    @classmethod
    def fetch(cls, issuer: str) -> "IssuerKeys":
        response = requests.get(issuer + "/.well-known/jwt-vc-issuer", timeout=30)
        assert response.status_code == 200, (response.status_code, response.text[:500])
        body = response.json()
        assert body.get("issuer") == issuer, body
        return cls(issuer, body["jwks"])

    @property
    def keyset(self) -> KeySet:
        return KeySet.import_key_set(self.jwks)

    def kids(self) -> set:
        return {key.get("kid") for key in self.jwks["keys"]}

    def jwcrypto_key(self, iss: Optional[str], header: dict) -> JWK:
        """`cb_get_issuer_key` of the reference verifier: the key named by the header's kid, only
        for this issuer."""
        assert iss == self.issuer, f"a credential of another issuer: {iss!r}"
        matches = [key for key in self.jwks["keys"] if key.get("kid") == header.get("kid")]
        assert len(matches) == 1, f"kid {header.get('kid')!r} is not (once) in /.well-known/jwt-vc-issuer"
        return JWK.from_json(json.dumps(matches[0]))


def reference_verify(compact: str, keys: IssuerKeys, *, aud: Optional[str] = None, nonce: Optional[str] = None) -> dict:
    """Verifies with the IETF reference implementation: the issuer signature (and with `aud` and
    `nonce`, the key-binding JWT and its sd_hash); returns the payload with the disclosed claims."""
    verifier = SDJWTVerifier(compact, keys.jwcrypto_key, expected_aud=aud, expected_nonce=nonce, serialization_format="compact")
    return verifier.get_verified_payload()


def reference_presentation(credential: str, key_pem: str, disclose, *, aud: str, nonce: str) -> str:
    """A presentation made by the reference holder: the disclosures of `disclose` (claim names)
    and a KB-JWT (ES256, typ kb+jwt, aud, nonce, iat, sd_hash) signed with the holder key."""
    holder = SDJWTHolder(credential, serialization_format="compact")
    holder.create_presentation(
        {name: True for name in disclose}, nonce=nonce, aud=aud, holder_key=JWK.from_pem(key_pem.encode()),
        sign_alg="ES256",
    )
    return holder.sd_jwt_presentation


def presentation(
    credential: str,
    key_pem: str,
    disclose=(),
    *,
    aud: str,
    nonce: str,
    disclosures: Optional[list[str]] = None,
    sd_hash: Optional[str] = None,
    iat: Optional[int] = None,
    typ: str = "kb+jwt",
) -> str:
    """A presentation made here (for the tampered cases): `disclosures` (default: those of the
    claims in `disclose`), and a KB-JWT over them unless `sd_hash` is given."""
    parsed = SdJwt.parse(credential)
    chosen = disclosures if disclosures is not None else [parsed.by_name()[name] for name in disclose]
    prefix = "~".join([parsed.jwt, *chosen, ""])
    payload = {"aud": aud, "nonce": nonce, "iat": int(time.time()) if iat is None else iat, "sd_hash": sd_hash or sha256_b64u(prefix)}
    kb = jws.serialize_compact(
        {"alg": "ES256", "typ": typ}, json.dumps(payload).encode(), ECKey.import_key(key_pem), algorithms=["ES256"]
    )
    return prefix + kb


def disclosure(name: str, value, salt: Optional[str] = None) -> str:
    """An encoded disclosure [salt, name, value]."""
    return b64u(json.dumps([salt or b64u(secrets.token_bytes(16)), name, value]).encode())


# --------------------------------------------------------------------------------------
# The wallet CLI's credentials
# --------------------------------------------------------------------------------------


@dataclass
class StoredCredential:
    """One entry of the wallet file's `credentials`."""

    id: str
    credential: str
    private_key_pem: str
    entry: dict = field(default_factory=dict)

    @property
    def sd_jwt(self) -> SdJwt:
        return SdJwt.parse(self.credential)

    @property
    def payload(self) -> dict:
        return self.sd_jwt.payload


def wallet_credentials(holder: Holder) -> list[StoredCredential]:
    """The credentials in the holder's wallet file."""
    entries = holder.file().get("credentials") or []
    return [StoredCredential(e["id"], e["credential"], e["private_key_pem"], e) for e in entries]


def fetch_credentials(deployment: Deployment, holder: Holder, count: Optional[int] = None) -> subprocess.CompletedProcess:
    args = ["wallet", "credentials", "fetch", "--wallet", str(holder.wallet)]
    if count is not None:
        args += ["--count", str(count)]
    return deployment.cli(*args)


def fetched(deployment: Deployment, holder: Holder, count: Optional[int] = None) -> list[StoredCredential]:
    """`wallet credentials fetch` (asserted to succeed); returns the credentials it added."""
    before = {c.id for c in wallet_credentials(holder)}
    result = fetch_credentials(deployment, holder, count)
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    added = [c for c in wallet_credentials(holder) if c.id not in before]
    assert len(added) == (BATCH_SIZE if count is None else count), (len(added), result.stdout)
    return added


def list_credentials(deployment: Deployment, holder: Holder) -> list[dict]:
    return deployment.cli_json("wallet", "credentials", "list", "--json", "--wallet", str(holder.wallet))


def show_credential(deployment: Deployment, holder: Holder, credential_id: str) -> str:
    result = deployment.cli("wallet", "credentials", "show", credential_id, "--wallet", str(holder.wallet))
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    return result.stdout.strip()


def unused_ids(deployment: Deployment, holder: Holder) -> list[str]:
    return [entry["id"] for entry in list_credentials(deployment, holder) if not entry.get("used")]


def present(deployment: Deployment, holder: Holder, uri: str, *, yes: bool = True, answers: Optional[str] = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
    """`cyberid wallet present URI`: with `--yes`; or, with `answers`, answering the prompts typed
    on a terminal (a pseudo-terminal as stdin: the CLI asks only on a terminal)."""
    args = [str(binary_path()), "wallet", "present", uri, "--wallet", str(holder.wallet)]
    if yes:
        args.append("--yes")
    if answers is None:
        return subprocess.run(args, env=deployment.cli_env, capture_output=True, text=True, timeout=timeout, input="")
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(args, env=deployment.cli_env, stdin=terminal, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        os.close(terminal)
        terminal = -1
        os.write(controller, answers.encode())
        stdout, stderr = process.communicate(timeout=timeout)
        return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)
    finally:
        if terminal != -1:
            os.close(terminal)
        os.close(controller)


# --------------------------------------------------------------------------------------
# OID4VCI, spoken directly
# --------------------------------------------------------------------------------------


def wallet_auth(issuer: str, holder: Holder, method: str, path: str, body: bytes) -> dict:
    """`Authorization: CyberID-Wallet <JWS>` as the wallet API wants it (htm, htu, bdh, jti)."""
    payload = {
        "aud": issuer, "purpose": "wallet-api", "htm": method, "htu": path, "iat": int(time.time()),
        "jti": secrets.token_urlsafe(16), "bdh": b64u(hashlib.sha256(body).digest()),
    }
    return {"Authorization": "CyberID-Wallet " + sign_wallet_jws(holder.key(), holder.certificate_der(), payload)}


def proof_jwt(
    key: ECKey,
    nonce: Optional[str],
    aud: str,
    *,
    iat: Optional[int] = None,
    typ: str = PROOF_TYP,
    signer: Optional[ECKey] = None,
) -> str:
    """An OID4VCI proof JWT (header typ, alg ES256, jwk; payload aud, iat, nonce); `signer` signs
    it with another key than the one in the header (a forged proof)."""
    header = {"typ": typ, "alg": "ES256", "jwk": key.as_dict(private=False)}
    payload = {"aud": aud, "iat": int(time.time()) if iat is None else iat}
    if nonce is not None:
        payload["nonce"] = nonce
    return jws.serialize_compact(header, json.dumps(payload).encode(), signer or key, algorithms=["ES256"])


def new_holder_key() -> ECKey:
    return ECKey.generate_key("P-256", private=True)


def key_pem(key: ECKey) -> str:
    return key.as_pem(private=True).decode()


class Oid4vciClient:
    """A wallet's OID4VCI client: offer (wallet API) → token → nonce → credential."""

    def __init__(self, issuer: str):
        self.issuer = issuer

    def offer_response(self, holder: Holder) -> requests.Response:
        path = "/wallet/v1/credential-offer"
        body = b"{}"
        headers = {**wallet_auth(self.issuer, holder, "POST", path, body), "Content-Type": "application/json"}
        return requests.post(self.issuer + path, data=body, headers=headers, timeout=30)

    def offer(self, holder: Holder) -> dict:
        response = self.offer_response(holder)
        assert response.status_code == 201, (response.status_code, response.text[:500])
        return response.json()

    @staticmethod
    def code_of(offer: dict) -> str:
        return offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]

    def token_response(self, code: str) -> requests.Response:
        return requests.post(
            self.issuer + "/token", data={"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}, timeout=30
        )

    def access_token(self, holder: Holder) -> str:
        response = self.token_response(self.code_of(self.offer(holder)))
        assert response.status_code == 200, (response.status_code, response.text[:500])
        return response.json()["access_token"]

    def nonce(self) -> str:
        response = requests.post(self.issuer + "/credential/nonce", timeout=30)
        assert response.status_code == 200, (response.status_code, response.text[:500])
        return response.json()["c_nonce"]

    def credential_response(
        self, access_token: Optional[str], proofs: list[str], configuration_id: str = CONFIGURATION_ID, body: Optional[dict] = None
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {access_token}"} if access_token is not None else {}
        document = body if body is not None else {"credential_configuration_id": configuration_id, "proofs": {"jwt": proofs}}
        return requests.post(self.issuer + "/credential", json=document, headers=headers, timeout=30)

    def issue(self, holder: Holder, keys: list[ECKey]) -> list[str]:
        """The whole flow with one proof per key; returns the credentials in proof order."""
        token = self.access_token(holder)
        nonce = self.nonce()
        response = self.credential_response(token, [proof_jwt(key, nonce, self.issuer) for key in keys])
        assert response.status_code == 200, (response.status_code, response.text[:500])
        return [entry["credential"] for entry in response.json()["credentials"]]


def oauth_error(response: requests.Response, status: Optional[int] = None) -> str:
    """The `error` of a JSON OAuth error answer (with `status`, that HTTP status; else any 4xx)."""
    if status is not None:
        assert response.status_code == status, (response.status_code, response.text[:500])
    else:
        assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    assert response.headers.get("Content-Type", "").split(";")[0].strip() == "application/json", (
        response.headers.get("Content-Type"), response.text[:300])
    body = response.json()
    assert isinstance(body.get("error"), str), body
    return body["error"]


# --------------------------------------------------------------------------------------
# Token Status List
# --------------------------------------------------------------------------------------


@dataclass
class StatusList:
    """A verified status-list token and its decompressed bytes."""

    uri: str
    header: dict
    claims: dict
    data: bytes
    content_type: str

    def value(self, index: int) -> int:
        """The 2-bit entry `index`: byte index // 4, bits (index % 4) * 2, least significant first."""
        assert self.claims["status_list"]["bits"] == 2
        return (self.data[index // 4] >> ((index % 4) * 2)) & 0b11

    @property
    def size(self) -> int:
        return len(self.data) * 4


def fetch_status_list(uri: str, keys: IssuerKeys) -> StatusList:
    """GET the status list; verifies its ES256 signature with the jwt-vc-issuer keys (joserfc) and
    decompresses `lst` (zlib, RFC 1950)."""
    response = requests.get(uri, timeout=30)
    assert response.status_code == 200, (response.status_code, response.text[:300])
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    token = jws.deserialize_compact(response.text.strip(), keys.keyset, algorithms=["ES256"])
    header = token.headers()
    claims = json.loads(token.payload)
    lst = claims["status_list"]["lst"]
    assert unpadded(lst), "lst must be unpadded base64url"
    return StatusList(uri, header, claims, zlib.decompress(b64u_decode(lst)), content_type)


def status_reference(credential: str) -> tuple[str, int]:
    reference = SdJwt.parse(credential).payload["status"]["status_list"]
    return reference["uri"], reference["idx"]


def wait_status(credential: str, keys: IssuerKeys, expected: int, timeout: float = 10) -> int:
    """Polls the credential's status list until its entry is `expected` (returns the last value)."""
    uri, index = status_reference(credential)
    deadline = time.monotonic() + timeout
    while True:
        value = fetch_status_list(uri, keys).value(index)
        if value == expected or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


# --------------------------------------------------------------------------------------
# OpenID4VP: a reference verifier (for the CyberID wallet) and CyberID's verifier (for the
# reference holder)
# --------------------------------------------------------------------------------------


@dataclass
class VerifierRequest:
    """One presentation request."""

    id: str
    client_id: str
    request_uri: str
    response_uri: str
    nonce: str
    state: str
    dcql_query: dict
    link: str = ""
    status_url: str = ""
    request_object: dict = field(default_factory=dict)
    received: list = field(default_factory=list)  # (content type, form) of each direct_post
    qr_source: str = ""  # the verifier page's <img id="request-qr"> src


def dcql(credential_id: str, claims) -> dict:
    return {
        "credentials": [
            {
                "id": credential_id, "format": SD_JWT_TYP, "meta": {"vct_values": [VCT]},
                "claims": [{"path": [name]} for name in claims],
            }
        ]
    }


class ReferenceVerifier(LoopbackServer):
    """An OpenID4VP 1.0 verifier on loopback: GET /requests/ID serves an unsigned request object
    (alg none, typ oauth-authz-req+jwt, client_id `redirect_uri:<response_uri>`, direct_post,
    DCQL); POST /requests/ID/response records the form and answers `answer_status` with `{}`."""

    def __init__(self):
        self.requests: dict[str, VerifierRequest] = {}
        self.answer_status = 200
        verifier = self

        class Handler(QuietHandler):
            def do_GET(self):  # noqa: N802
                match = re.fullmatch(r"/requests/([\w-]+)", urlsplit(self.path).path)
                request = verifier.requests.get(match.group(1)) if match else None
                if request is None:
                    return self.reply(404)
                token = unsigned_jwt({"alg": "none", "typ": REQUEST_OBJECT_TYP}, request.request_object)
                self.reply(200, token.encode(), "application/oauth-authz-req+jwt")

            def do_POST(self):  # noqa: N802
                match = re.fullmatch(r"/requests/([\w-]+)/response", urlsplit(self.path).path)
                request = verifier.requests.get(match.group(1)) if match else None
                if request is None:
                    return self.reply(404)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
                request.received.append((self.headers.get("Content-Type", ""), form))
                if verifier.answer_status == 200:
                    self.reply_json(200, {})
                else:
                    self.reply_json(verifier.answer_status, {"error": "invalid_request", "error_description": "refused by the test"})

        super().__init__(Handler)

    def new_request(self, claims, credential_id: str = "pid") -> VerifierRequest:
        request_id = uuid.uuid4().hex
        response_uri = f"{self.origin}/requests/{request_id}/response"
        request = VerifierRequest(
            id=request_id, client_id=f"redirect_uri:{response_uri}", request_uri=f"{self.origin}/requests/{request_id}",
            response_uri=response_uri, nonce=secrets.token_urlsafe(16), state=secrets.token_urlsafe(16),
            dcql_query=dcql(credential_id, claims),
        )
        request.request_object = {
            "client_id": request.client_id, "response_type": "vp_token", "response_mode": "direct_post",
            "response_uri": response_uri, "nonce": request.nonce, "state": request.state,
            "dcql_query": request.dcql_query, "iat": int(time.time()),
        }
        request.link = "openid4vp://?" + urlencode({"client_id": request.client_id, "request_uri": request.request_uri})
        self.requests[request_id] = request
        return request


class _Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag

    def only(self, element_id: str) -> tuple[str, dict]:
        found = [(tag, attrs) for tag, attrs in self.tags if attrs.get("id") == element_id]
        assert len(found) == 1, f"{len(found)} elements with id={element_id!r} in the verifier page"
        return found[0]


def request_object_of(request_uri: str) -> tuple[dict, dict, requests.Response]:
    """GET a request object: (header, payload, the response); it must be an unsigned JWT."""
    response = requests.get(request_uri, timeout=30)
    assert response.status_code == 200, (response.status_code, response.text[:300])
    parts = response.text.strip().split(".")
    assert len(parts) == 3 and parts[2] == "", f"not an unsigned JWT: {response.text[:200]!r}"
    return json_segment(parts[0]), json_segment(parts[1]), response


def link_query(link: str) -> dict:
    parts = urlsplit(link)
    assert parts.scheme == "openid4vp", link
    values = parse_qs(parts.query)
    assert set(values) >= {"client_id", "request_uri"} and all(len(v) == 1 for v in values.values()), link
    return {k: v[0] for k, v in values.items()}


class CyberIDVerifier:
    """`cyberid verifier serve --port P --issuer ISS [--claim …]`, started with no CyberID data
    directory and no CYBERID_* variable, in an empty working directory."""

    def __init__(self, issuer: str, workdir: Path, claims=("given_name",), extra_args=()):
        self.issuer = issuer
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.log_path = workdir / "verifier.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERID_")}  # no data dir, no settings
        args = [str(binary_path()), "verifier", "serve", "--port", str(self.port), "--issuer", issuer,
                "--host", "127.0.0.1"]
        for claim in claims:
            args += ["--claim", claim]
        args += list(extra_args)
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(args, env=env, cwd=workdir, stdout=self._log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"the verifier exited {self.process.returncode}: {self.log()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"the verifier did not listen within 30 s: {self.log()[-2000:]}")
                time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()

    def page(self) -> requests.Response:
        response = requests.get(self.origin + "/", timeout=30)
        assert response.status_code == 200, (response.status_code, response.text[:300])
        return response

    def new_request(self) -> VerifierRequest:
        """GET / (a new request) → the request link, status link and request object."""
        response = self.page()
        assert response.headers.get("Content-Type", "").split(";")[0].strip() == "text/html", response.headers
        tags = _Tags()
        tags.feed(response.text)
        tag, link_attrs = tags.only("request-link")
        assert tag == "a", tag
        link = link_attrs["href"]
        tag, qr_attrs = tags.only("request-qr")
        assert tag == "img" and qr_attrs.get("src"), (tag, qr_attrs)
        tag, status_attrs = tags.only("status-link")
        assert tag == "a", tag
        status_href = status_attrs["href"]  # /requests/ID/status?k=KEY: the key is on the page only
        match = re.fullmatch(r"/requests/([^/]+)/status", urlsplit(status_href).path)
        assert match, status_href
        query = link_query(link)
        header, payload, _ = request_object_of(query["request_uri"])
        return VerifierRequest(
            id=match.group(1), client_id=query["client_id"], request_uri=query["request_uri"],
            response_uri=payload.get("response_uri", ""), nonce=payload.get("nonce", ""), state=payload.get("state", ""),
            dcql_query=payload.get("dcql_query", {}), link=link, status_url=urljoin(self.origin + "/", status_href),
            request_object={"header": header, **payload}, qr_source=qr_attrs["src"],
        )

    @staticmethod
    def respond(request: VerifierRequest, vp_token, state: Optional[str] = None, credential_id: Optional[str] = None) -> requests.Response:
        """direct_post: vp_token = {"<query id>": [<presentation>]} (a str is sent as is)."""
        if isinstance(vp_token, str) and not vp_token.startswith("{"):
            query_id = credential_id or request.dcql_query["credentials"][0]["id"]
            vp_token = json.dumps({query_id: [vp_token]})
        return requests.post(
            request.response_uri, data={"vp_token": vp_token, "state": request.state if state is None else state}, timeout=30
        )

    @staticmethod
    def status(request: VerifierRequest) -> dict:
        response = requests.get(request.status_url, timeout=30)
        assert response.status_code == 200, (response.status_code, response.text[:300])
        body = response.json()
        assert body.get("status") in ("pending", "verified", "refused"), body
        return body


# --------------------------------------------------------------------------------------
# The server's request log
# --------------------------------------------------------------------------------------


REQUEST_LINE = re.compile(r"http\.route=(\S+)")


def logged_routes(deployment: Deployment) -> list[str]:
    """The route of every request `cyberid serve` logged so far (RequestLogMiddleware, stderr)."""
    text = deployment.server.stderr_path.read_text(errors="replace")
    return REQUEST_LINE.findall(text)


def wait_until(predicate: Callable[[], bool], timeout: float = 10, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
    return True


def today_utc() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()
