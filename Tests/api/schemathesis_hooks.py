"""schemathesis hooks of the OpenAPI suite: loaded by `schemathesis run` (SCHEMATHESIS_HOOKS),
they put real state into three calls out of four so that the fuzzed data reaches the code
behind the first check of each stateful endpoint; the fourth call goes out as generated, so
the refusals (unknown session, no wallet signature, unknown client…) stay covered too.

* enrollment steps: the session id of a session just started (`…/document`) or of one whose
  document is verified (the other steps);
* the wallet API: `Authorization: CyberID-Wallet <JWS>` signed by an enrolled holder's key,
  bound to the method, the path and (`bdh`) the body exactly as sent; a ward's number is the
  holder's own now and then;
* `POST /wallet/v1/login`: the seeded login's ticket, every other time with an approval signed
  by the holder (the first one decides the login; later ones are `login-already-decided`);
* `GET /wallet/v1/login`: the seeded ticket;
* `/authorize`: the registered platform's `client_id` and `redirect_uri` (the other parameters
  stay fuzzed: error redirects and login pages);
* `/authorize/status|qr|continue`: the seeded login's `r` (and its cookie);
* `/par`, `/token`, `/revoke`, `/rp/v1/reverifications`: the platform's Basic credentials
  (credentials in the body are then removed: one authentication method).

The seed is the JSON file named by CYBERID_API_SEED (conftest.py `seed`).
Written against schemathesis 4.32 (`before_call(context, case, kwargs)`).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import secrets
import time

import schemathesis
from schemathesis.core import NOT_SET
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

SEED = json.loads(open(os.environ["CYBERID_API_SEED"]).read())
KEY = serialization.load_pem_private_key(SEED["wallet_key_pem"].encode(), password=None)
COUNTERS: dict[str, itertools.count] = {}


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def wallet_jws(payload: dict) -> str:
    """A compact JWS as a wallet signs it (ES256, raw r||s, x5c = the network certificate)."""
    header = {"alg": "ES256", "typ": "cyberid-wallet+jwt", "x5c": [SEED["wallet_certificate_der"]]}
    signing_input = b64u(json.dumps(header).encode()) + "." + b64u(json.dumps(payload).encode())
    r, s = decode_dss_signature(KEY.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256())))
    return signing_input + "." + b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def seeded(case) -> bool:
    """Three calls out of four per operation get the seeded state."""
    key = f"{case.operation.method.upper()} {case.operation.path}"
    return next(COUNTERS.setdefault(key, itertools.count())) % 4 != 3


def body_bytes(case) -> bytes | None:
    """The JSON body as it will be sent (the case then carries these exact bytes)."""
    if case.body is NOT_SET or case.body is None:
        return None
    if (case.media_type or "application/json").split(";")[0].strip() != "application/json":
        return None
    data = case.body if isinstance(case.body, bytes) else json.dumps(case.body).encode()
    case.body = data
    return data


def sign_wallet_request(case):
    if case.operation.path.startswith("/wallet/v1/wards/") and secrets.randbelow(2):
        case.path_parameters["number"] = SEED["network_number"]
    path = case.formatted_path
    payload = {
        "aud": SEED["issuer"], "purpose": "wallet-api", "htm": case.operation.method.upper(), "htu": path,
        "iat": int(time.time()), "jti": secrets.token_urlsafe(16),
    }
    data = body_bytes(case)
    if data:
        payload["bdh"] = b64u(hashlib.sha256(data).digest())
    case.headers["Authorization"] = "CyberID-Wallet " + wallet_jws(payload)


def seed_login_decision(case):
    if not isinstance(case.body, dict):
        return
    case.body["ticket"] = SEED["login_ticket"]
    if secrets.randbelow(2):
        case.body["approval"] = wallet_jws({
            "aud": SEED["issuer"], "purpose": "login", "sid": SEED["transaction_id"], "nonce": SEED["transaction_nonce"],
            "iat": int(time.time()), "decision": secrets.choice(["approve", "deny"]), "consent": [],
        })


def authenticate_client(case):
    if isinstance(case.body, dict):
        for name in ("client_id", "client_secret", "client_assertion", "client_assertion_type"):
            case.body.pop(name, None)
        if case.operation.path == "/par":
            case.body["redirect_uri"] = SEED["redirect_uri"]
    credentials = f"{SEED['client_id']}:{SEED['client_secret']}".encode()
    case.headers["Authorization"] = "Basic " + base64.b64encode(credentials).decode()


@schemathesis.hook
def before_call(context, case, kwargs):
    path = case.operation.path
    if not seeded(case):
        return
    if case.headers is None:
        case.headers = {}
    if path.startswith("/enrollment/v1/sessions/{id}"):
        session = "started_session" if path.endswith("/document") else "verified_session"
        case.path_parameters["id"] = SEED[session]
    elif path == "/wallet/v1/login":
        if case.operation.method.upper() == "GET":
            case.query = {**(case.query or {}), "t": SEED["login_ticket"]}
        else:
            seed_login_decision(case)
    elif path.startswith("/wallet/v1/"):
        sign_wallet_request(case)
    elif path == "/authorize":
        target = case.query if case.operation.method.upper() == "GET" else case.body
        if case.operation.method.upper() == "GET" and target is None:
            target = case.query = {}
        if isinstance(target, dict):
            target["client_id"] = SEED["client_id"]
            target["redirect_uri"] = SEED["redirect_uri"]
    elif path.startswith("/authorize/"):
        case.query = {**(case.query or {}), "r": SEED["login_r"]}
        if path == "/authorize/continue":
            case.cookies = {**(case.cookies or {}), "cyberid_login": SEED["login_cookie"]}
    elif path in ("/par", "/token", "/revoke", "/rp/v1/reverifications"):
        authenticate_client(case)
