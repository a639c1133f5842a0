"""pytest fixtures of the OpenAPI suite (see README.md).

The server and the enrollment flow come from Tests/enrollment/enrollment_support.py (imported,
not copied); the eMRTD material from Tests/documents/emrtd_factory.py through it.

* `server`: `cyberid serve` whose store trusts one EC CSCA made here, for the whole session;
* `seed`: what lets schemathesis past the first check of the stateful endpoints (written to
  a JSON file that schemathesis_hooks.py reads): an enrolled holder's wallet key and
  certificate, an enrollment session just started and one whose document is verified, a
  registered platform (client_secret_basic) and one of its logins (the page's `r`, the
  `cyberid_login` cookie, the wallet's ticket and the transaction's id and nonce), and a
  second holder for the offline credentials (issue 18) that has been issued one credential
  through offer → token → nonce → credential, so that status list 1 exists.

The schemathesis summary (operations, test cases, requests) is printed at the end of the run.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
import subprocess
import sys
import time
import types
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

HERE = Path(__file__).resolve().parent
ENROLLMENT_DIR = HERE.parent / "enrollment"
for directory in (HERE, ENROLLMENT_DIR):
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))

from enrollment_support import (  # noqa: E402
    Api,
    Enroller,
    Outbox,
    People,
    Server,
    assert_json,
    b64u,
    binary_path,
    document_body,
    factory,
    launch_server,
    server_env,
)

REDIRECT_URI = "http://127.0.0.1:9/cb"  # nothing listens there; redirects are never followed
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"

# Filled through the `summary_lines` fixture; printed by pytest_terminal_summary.
SUMMARY: list[str] = []


@dataclass
class Seed:
    issuer: str
    wallet_key_pem: str
    wallet_certificate_der: str  # base64
    network_number: str
    started_session: str
    verified_session: str
    client_id: str
    client_secret: str
    redirect_uri: str
    login_r: str
    login_cookie: str
    login_ticket: str
    transaction_id: str
    transaction_nonce: str
    # The offline credentials: a holder of their own (the fuzzed lifecycle calls suspend the first
    # one, who then stays suspended: a resume needs the document's chip, which the fuzzer has not;
    # their wallet's other calls answer 403 person-not-active, as documented), and the number of
    # the status list their first credential is in.
    credential_key_pem: str
    credential_certificate_der: str  # base64
    status_list: int

    def write(self, path: Path) -> Path:
        path.write_text(json.dumps(asdict(self)))
        return path


@pytest.fixture(scope="session")
def dsc():
    csca = factory.make_csca("ec-p256", common_name="CSCA OpenAPI")
    return csca, factory.make_dsc(csca, "ec-p256")


@pytest.fixture(scope="session")
def server(dsc, tmp_path_factory) -> Server:
    csca, _ = dsc
    pem_dir = tmp_path_factory.mktemp("trust")

    def trust(binary, data_dir):
        path = csca.write_pem(pem_dir / "csca.pem")
        result = subprocess.run(
            [str(binary), "admin", "trust", "add-csca", str(path)],
            env=server_env(data_dir), capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, (result.stdout, result.stderr)

    # Every schemathesis call of /wallet/v1/credential-offer, /token and /credential that the
    # hooks seed gets an offer: far more than a person's hourly limit (default 20).
    yield from launch_server(
        None, tmp_path_factory, setup=trust, CYBERID_CREDENTIAL_OFFERS_PER_PERSON_PER_HOUR="1000000")


def _create_client(server: Server) -> dict:
    result = subprocess.run(
        [str(binary_path()), "admin", "client", "create", "--name", "Schemathesis Platform",
         "--redirect-uri", REDIRECT_URI, "--scope", "openid", "--scope", "age"],
        env=server_env(server.data_dir, CYBERID_ISSUER=server.issuer), capture_output=True, text=True, timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, (result.stdout, result.stderr)
    return json.loads(result.stdout)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _start_login(server: Server, client_id: str) -> tuple[str, str, str]:
    """GET /authorize for the registered client: the page's `r`, the cookie, the wallet ticket `t`."""
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT_URI, "scope": "openid age",
        "state": "schemathesis", "nonce": secrets.token_urlsafe(8), "code_challenge": b64u(secrets.token_bytes(32)),
        "code_challenge_method": "S256",
    })
    opener = urllib.request.build_opener(_NoRedirect)
    with opener.open(f"{server.base}/authorize?{query}", timeout=30) as answer:
        assert answer.status == 200, answer.status
        page = answer.read().decode()
        cookie = answer.headers["Set-Cookie"].split(";", 1)[0].split("=", 1)[1]
    link = re.search(r'href="(cyberid://login\?[^"]+)"', page)
    assert link, "no same-device wallet link on the login page"
    parameters = urllib.parse.parse_qs(urllib.parse.urlsplit(html.unescape(link.group(1))).query)
    return parameters["r"][0], cookie, parameters["t"][0]


def _signed(key, signing_input: str) -> str:
    r, s = decode_dss_signature(key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256())))
    return signing_input + "." + b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def _segments(header: dict, payload: dict) -> str:
    return b64u(json.dumps(header).encode()) + "." + b64u(json.dumps(payload).encode())


def _first_credential(server: Server, api: Api, wallet) -> int:
    """offer → token → nonce → credential for `wallet`'s holder; the status list number of the
    credential (the list exists from then on)."""
    body = b"{}"
    certificate = base64.b64encode(wallet.certificate.public_bytes(serialization.Encoding.DER)).decode()
    authorization = "CyberID-Wallet " + _signed(wallet.key, _segments(
        {"alg": "ES256", "typ": "cyberid-wallet+jwt", "x5c": [certificate]},
        {"aud": server.issuer, "purpose": "wallet-api", "htm": "POST", "htu": "/wallet/v1/credential-offer",
         "iat": int(time.time()), "jti": secrets.token_urlsafe(16), "bdh": b64u(hashlib.sha256(body).digest())}))
    offer = assert_json(api.post("/wallet/v1/credential-offer", raw=body, headers={"Authorization": authorization}), 201)
    code = offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    form = urllib.parse.urlencode({"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}).encode()
    token = assert_json(api.post("/token", raw=form, headers={"Content-Type": "application/x-www-form-urlencoded"}), 200)
    nonce = assert_json(api.post("/credential/nonce", raw=b""), 200)["c_nonce"]
    holder_key = ec.generate_private_key(ec.SECP256R1())
    numbers = holder_key.public_key().public_numbers()
    jwk = {"kty": "EC", "crv": "P-256", "x": b64u(numbers.x.to_bytes(32, "big")), "y": b64u(numbers.y.to_bytes(32, "big"))}
    proof = _signed(holder_key, _segments(
        {"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": jwk},
        {"aud": server.issuer, "iat": int(time.time()), "nonce": nonce}))
    answer = api.post(
        "/credential", {"credential_configuration_id": "verified_person", "proofs": {"jwt": [proof]}},
        headers={"Authorization": "Bearer " + token["access_token"]})
    credential = assert_json(answer, 200)["credentials"][0]["credential"]
    payload = json.loads(base64.urlsafe_b64decode(credential.split(".")[1] + "=="))
    uri = payload["status"]["status_list"]["uri"]
    assert uri.startswith(server.issuer + "/status/lists/"), uri
    return int(uri.rsplit("/", 1)[1])


@pytest.fixture(scope="session")
def seed(server, dsc) -> Seed:
    api = Api(server.base)
    people = People()
    enroller = Enroller(api, Outbox(server.outbox_path), types.SimpleNamespace(ec_dsc=dsc[1]), people, server)
    holder = enroller.full(people.make(age=40))

    started = assert_json(api.start(), 201)["session_id"]

    person = people.make(age=30)
    verified, challenge, _ = enroller.start()
    answer = api.document(verified, document_body(enroller.document_for(person), challenge))
    assert assert_json(answer, 200)["state"] == "document_verified", answer

    client = _create_client(server)
    r, cookie, ticket = _start_login(server, client["client_id"])
    view = api.get("/wallet/v1/login?" + urllib.parse.urlencode({"t": ticket}))
    transaction = assert_json(view, 200)

    credential_holder = enroller.full(people.make(age=25))
    status_list = _first_credential(server, api, credential_holder.wallet)

    def key_and_certificate(wallet) -> tuple[str, str]:
        key = wallet.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
        return key, base64.b64encode(wallet.certificate.public_bytes(serialization.Encoding.DER)).decode()

    key_pem, certificate = key_and_certificate(holder.wallet)
    credential_key_pem, credential_certificate = key_and_certificate(credential_holder.wallet)
    return Seed(
        issuer=server.issuer, wallet_key_pem=key_pem, wallet_certificate_der=certificate,
        network_number=holder.wallet.network_number, started_session=started, verified_session=verified,
        client_id=client["client_id"], client_secret=client["client_secret"], redirect_uri=REDIRECT_URI,
        login_r=r, login_cookie=cookie, login_ticket=ticket, transaction_id=transaction["transaction_id"],
        transaction_nonce=transaction["nonce"], credential_key_pem=credential_key_pem,
        credential_certificate_der=credential_certificate, status_list=status_list,
    )


@pytest.fixture(scope="session")
def summary_lines() -> list[str]:
    """Lines a test wants printed at the end of the run (the schemathesis request count)."""
    return SUMMARY


def pytest_terminal_summary(terminalreporter):
    for line in SUMMARY:
        terminalreporter.write_line(line)
