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
  (credentials in the body are then removed: one authentication method) — except a `/token`
  call with the pre-authorized code grant, which gets a live code of a fresh credential offer;
* `POST /credential`: a bearer token, and every other time a live access token with one to ten
  valid proofs (each its own key, a fresh `c_nonce`): a batch is issued;
* `GET /status/lists/{list}`: the list the seeded credential is in.

Offers, tokens and nonces are fetched live from the server for the seeded credential holder
(not the holder the lifecycle calls suspend): a code and a token are single use.

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
import urllib.error
import urllib.parse
import urllib.request

import schemathesis
from schemathesis.core import NOT_SET
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

SEED = json.loads(open(os.environ["CYBERID_API_SEED"]).read())
KEY = serialization.load_pem_private_key(SEED["wallet_key_pem"].encode(), password=None)
CREDENTIAL_KEY = serialization.load_pem_private_key(SEED["credential_key_pem"].encode(), password=None)
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
COUNTERS: dict[str, itertools.count] = {}


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def es256(key, header: dict, payload: dict) -> str:
    """A compact ES256 JWS (raw r||s)."""
    signing_input = b64u(json.dumps(header).encode()) + "." + b64u(json.dumps(payload).encode())
    r, s = decode_dss_signature(key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256())))
    return signing_input + "." + b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def wallet_jws(payload: dict, key=KEY, certificate: str = SEED["wallet_certificate_der"]) -> str:
    """A compact JWS as a wallet signs it (ES256, raw r||s, x5c = the network certificate)."""
    return es256(key, {"alg": "ES256", "typ": "cyberid-wallet+jwt", "x5c": [certificate]}, payload)


def call(method: str, path: str, data: bytes, headers: dict) -> dict | None:
    """A request of the hooks' own (not a test case); its JSON answer, or None on an error."""
    request = urllib.request.Request(SEED["issuer"] + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def live_code() -> str | None:
    """The pre-authorized code of a fresh offer to the credential holder."""
    body = b"{}"
    authorization = "CyberID-Wallet " + wallet_jws({
        "aud": SEED["issuer"], "purpose": "wallet-api", "htm": "POST", "htu": "/wallet/v1/credential-offer",
        "iat": int(time.time()), "jti": secrets.token_urlsafe(16), "bdh": b64u(hashlib.sha256(body).digest()),
    }, CREDENTIAL_KEY, SEED["credential_certificate_der"])
    offer = call("POST", "/wallet/v1/credential-offer", body,
                 {"Authorization": authorization, "Content-Type": "application/json"})
    return offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"] if offer else None


def live_access_token() -> str | None:
    code = live_code()
    if code is None:
        return None
    form = urllib.parse.urlencode({"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}).encode()
    token = call("POST", "/token", form, {"Content-Type": "application/x-www-form-urlencoded"})
    return token["access_token"] if token else None


def proofs(count: int) -> list[str]:
    """`count` proofs of possession for a fresh c_nonce, each with its own new key."""
    nonce = (call("POST", "/credential/nonce", b"", {}) or {}).get("c_nonce", "")
    jwts = []
    for _ in range(count):
        key = ec.generate_private_key(ec.SECP256R1())
        numbers = key.public_key().public_numbers()
        jwk = {"kty": "EC", "crv": "P-256", "x": b64u(numbers.x.to_bytes(32, "big")), "y": b64u(numbers.y.to_bytes(32, "big"))}
        jwts.append(es256(key, {"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": jwk},
                          {"aud": SEED["issuer"], "iat": int(time.time()), "nonce": nonce}))
    return jwts


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


def seed_token_request(case):
    """The pre-authorized code grant gets a live code (no client authentication); the
    authorization code grant the platform's credentials."""
    if isinstance(case.body, dict) and case.body.get("grant_type") == PRE_AUTHORIZED_GRANT:
        code = live_code()
        if code is not None:
            case.body["pre-authorized_code"] = code
        return
    authenticate_client(case)


def seed_credential_request(case):
    """A bearer token always; every other time a live one and valid proofs, as many as generated."""
    token = None
    if isinstance(case.body, dict) and secrets.randbelow(2):
        generated = (case.body.get("proofs") or {}).get("jwt") if isinstance(case.body.get("proofs"), dict) else None
        count = min(max(len(generated), 1), 10) if isinstance(generated, list) else 1
        token = live_access_token()
        case.body["credential_configuration_id"] = "verified_person"
        case.body["proofs"] = {"jwt": proofs(count)}
    case.headers["Authorization"] = "Bearer " + (token or b64u(secrets.token_bytes(32)))


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
    elif path == "/token":
        seed_token_request(case)
    elif path in ("/par", "/revoke", "/rp/v1/reverifications"):
        authenticate_client(case)
    elif path == "/credential":
        seed_credential_request(case)
    elif path == "/status/lists/{list}":
        case.path_parameters["list"] = SEED["status_list"]
