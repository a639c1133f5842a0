"""In-person verification codes (issue 17): the wallet makes a code (`POST /wallet/v1/codes`,
wallet-signed, `{"disclose": [...]}`) shown as a QR code (`CYBERID:` + 10 symbols) and a typed
form (`XXXXX-XXXXX`); a registered platform verifies it once within 60 s at
`POST /rp/v1/codes/verify`, authenticated as at `/token`. It learns its own pairwise `sub` (the
same as its logins'), `verified`, `acr`, `amr`, and only what the person chose: the age claims
for "age", name and birth date for "name" — and those only with a registered legal basis.
Refusals are problems: unknown-code 404, code-expired 410, code-used 409, person-not-active 403;
bad client credentials are OAuth's 401 invalid_client. The history has an
`in-person-verification` entry naming the verifier.

The expiry test runs on the short-login server, whose codes live 2 s (CYBERID_CODE_TTL_SECONDS)."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import uuid

import pytest
import requests

from enrollment_support import parse_rfc3339
from oidc_support import (
    AGE_CLAIMS,
    LOA_SUBSTANTIAL,
    REALNAME_CLAIMS,
    SUB_PATTERN,
    BoundHolder,
    Deployment,
    RegisteredClient,
    RelyingParty,
    WalletApi,
    assert_problem,
    enroll_bound,
    login,
    make_client_key,
    public_jwks,
)

BIRTH = dt.date(1979, 11, 3)
LEGAL_BASIS = "Hotel Registration Act §7"
TYPED = re.compile(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}")  # Crockford base32
VERIFY_KEYS = {"sub", "verified", "acr", "amr", "verified_at"}


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ina(deployment) -> BoundHolder:
    return enroll_bound(deployment, "ina", birth_date=BIRTH)


@pytest.fixture(scope="module")
def api(deployment) -> WalletApi:
    return WalletApi(deployment.issuer)


def new_code(api: WalletApi, holder: BoundHolder, disclose=(), lifetime: int = 60) -> dict:
    """A fresh code; checks the answer's shape (typed form, QR content, choice, `lifetime` s)."""
    before = dt.datetime.now(dt.timezone.utc)
    response = api.make_code(holder, disclose)
    after = dt.datetime.now(dt.timezone.utc)
    assert response.status_code == 201, response.text
    body = response.json()
    assert TYPED.fullmatch(body["code"]), body
    assert body["qr"] == "CYBERID:" + body["code"].replace("-", ""), body
    assert sorted(body["disclose"]) == sorted(disclose), body
    expires = parse_rfc3339(body["expires_at"])
    # Made between `before` and `after` (however long the request took), to live `lifetime` s.
    low, high = before + dt.timedelta(seconds=lifetime - 2), after + dt.timedelta(seconds=lifetime + 2)
    assert low <= expires <= high, (before, after, body["expires_at"])
    return body


def verify(deployment: Deployment, client: RegisteredClient, code: str, *, form: bool = False, auth=None) -> requests.Response:
    """POST /rp/v1/codes/verify with client_secret_basic (or `auth`), JSON or form-encoded."""
    url = deployment.issuer + "/rp/v1/codes/verify"
    auth = auth if auth is not None else (client.client_id, client.client_secret)
    if form:
        return requests.post(url, data={"code": code}, auth=auth, timeout=30)
    return requests.post(url, json={"code": code}, auth=auth, timeout=30)


def verified(response: requests.Response) -> dict:
    assert response.status_code == 200, (response.status_code, response.text)
    assert response.headers.get("Content-Type", "").split(";")[0].strip() == "application/json", response.headers
    body = response.json()
    assert VERIFY_KEYS <= set(body), body
    assert body["verified"] is True and body["amr"] == ["hwk"], body
    assert SUB_PATTERN.fullmatch(body["sub"]), body
    assert "network_number" not in body, body
    return body


def sector() -> str:
    return f"counter-{uuid.uuid4().hex[:8]}.example"


def login_sub(deployment: Deployment, client: RegisteredClient, holder: BoundHolder) -> str:
    return login(deployment, RelyingParty(deployment, client, scope="openid"), holder).claims["sub"]


# --------------------------------------------------------------------------------------
# The API
# --------------------------------------------------------------------------------------


def test_a_code_is_verified_once(deployment, api, ina):
    """The typed form verifies once (sub = the platform's login sub, acr, amr [hwk], nothing
    else); the second time is 409 code-used; the QR content and a form-encoded body work too."""
    client = deployment.create_client(sector=sector())
    sub = login_sub(deployment, client, ina)
    code = new_code(api, ina)

    body = verified(verify(deployment, client, code["code"]))
    assert body["sub"] == sub and body["acr"] == LOA_SUBSTANTIAL, body
    assert not set(body) & {*AGE_CLAIMS, *REALNAME_CLAIMS}, body
    assert_problem(verify(deployment, client, code["code"]), "code-used", statuses=(409,))
    assert_problem(verify(deployment, client, code["qr"]), "code-used", statuses=(409,))

    assert verified(verify(deployment, client, new_code(api, ina)["qr"]))["sub"] == sub
    assert verified(verify(deployment, client, new_code(api, ina)["code"], form=True))["sub"] == sub


def test_the_sub_is_each_verifiers_pairwise_sub(deployment, api, ina, bob):
    """Two verifiers in two sectors: each gets its own login sub for the person, and they differ;
    another person gets another sub."""
    first, second = deployment.create_client(sector=sector()), deployment.create_client(sector=sector())
    subs = [login_sub(deployment, first, ina), login_sub(deployment, second, ina)]
    assert subs[0] != subs[1]
    assert verified(verify(deployment, first, new_code(api, ina)["code"]))["sub"] == subs[0]
    assert verified(verify(deployment, second, new_code(api, ina)["code"]))["sub"] == subs[1]
    assert verified(verify(deployment, first, new_code(api, bob)["code"]))["sub"] not in subs


def test_only_what_the_person_chose_is_disclosed(deployment, api, ina):
    """age → age_over_14/18; nothing → no age; name without a legal basis → no name; name with a
    legal basis → name and birthdate (and no age unless chosen); only claims of the verifier's
    registered scopes; an unknown choice is refused."""
    plain = deployment.create_client()
    legal = deployment.create_client(legal_basis=LEGAL_BASIS, scopes=["openid", "realname"])

    body = verified(verify(deployment, plain, new_code(api, ina, ["age"])["code"]))
    assert body["age_over_14"] is True and body["age_over_18"] is True, body
    assert not set(body) & set(REALNAME_CLAIMS), body

    body = verified(verify(deployment, legal, new_code(api, ina)["code"]))
    assert not set(body) & {*AGE_CLAIMS, *REALNAME_CLAIMS}, body

    body = verified(verify(deployment, plain, new_code(api, ina, ["name"])["code"]))
    assert not set(body) & {*AGE_CLAIMS, *REALNAME_CLAIMS}, body  # no legal basis: no name

    body = verified(verify(deployment, legal, new_code(api, ina, ["name"])["code"]))
    assert body["birthdate"] == BIRTH.isoformat(), body
    assert ina.surname.lower() in body["name"].lower() and ina.given_names.lower() in body["name"].lower(), body
    assert not set(body) & set(AGE_CLAIMS), body

    # Within what the verifier is registered for: this one has no age scope.
    body = verified(verify(deployment, legal, new_code(api, ina, ["age", "name"])["code"]))
    assert set(REALNAME_CLAIMS) <= set(body) and not set(body) & set(AGE_CLAIMS), body
    both = deployment.create_client(legal_basis=LEGAL_BASIS, scopes=["openid", "age", "realname"])
    body = verified(verify(deployment, both, new_code(api, ina, ["age", "name"])["code"]))
    assert set(AGE_CLAIMS) | set(REALNAME_CLAIMS) <= set(body), body

    assert_problem(api.make_code(ina, ["network_number"]), "invalid-disclosure", statuses=(400,))


def test_unknown_codes(deployment, ina):
    """A code never issued (or not a code at all) is 404 unknown-code."""
    client = deployment.create_client()
    assert_problem(verify(deployment, client, "ABCDE-FGHJK"), "unknown-code", statuses=(404,))
    assert_problem(verify(deployment, client, "CYBERID:0000000000"), "unknown-code", statuses=(404,))
    assert_problem(verify(deployment, client, "not a code"), "unknown-code", statuses=(404,))


def test_an_expired_code_is_refused(short_login_deployment, dora):
    """A code past its lifetime (2 s on this server) is 410 code-expired, and stays refused."""
    deployment = short_login_deployment
    client = deployment.create_client()
    code = new_code(WalletApi(deployment.issuer), dora, lifetime=2)
    time.sleep(2.5)
    assert_problem(verify(deployment, client, code["code"]), "code-expired", statuses=(410,))
    assert_problem(verify(deployment, client, code["qr"]), "code-expired", statuses=(410,))


def test_a_suspended_person_is_not_verified(deployment, api):
    """A code made before the person was suspended is refused: 403 person-not-active; the
    refusal is in the person's history."""
    sol = enroll_bound(deployment, "sol", birth_date=BIRTH)
    client = deployment.create_client()
    code = new_code(api, sol)
    suspended = deployment.cli("wallet", "lifecycle", "suspend", "--reason", "phone lost", "--wallet", str(sol.wallet))
    assert suspended.returncode == 0, suspended.stderr
    assert_problem(verify(deployment, client, code["code"]), "person-not-active", statuses=(403,))
    assert_problem(api.make_code(sol), "person-not-active", statuses=(403,))
    # The suspended wallet reads no history either; resumed with the document's chip, it does.
    assert deployment.cli("wallet", "history", "--json", "--wallet", str(sol.wallet)).returncode != 0
    resumed = deployment.cli(
        "wallet", "lifecycle", "resume", "--reason", "phone found", "--document", str(sol.document_dir), "--wallet", str(sol.wallet))
    assert resumed.returncode == 0, resumed.stderr
    refusals = [e for e in deployment.wallet_history(sol)
                if e.get("event") == "in-person-verification" and e.get("client_id") == client.client_id]
    assert [e["outcome"] for e in refusals] == ["failure"], refusals


def test_the_verifier_authenticates_as_at_the_token_endpoint(deployment, api, ina):
    """A wrong secret or none: 401 invalid_client, and the code is not spent; client_secret_post
    and private_key_jwt (assertion aud = the issuer) are accepted."""
    client = deployment.create_client()
    code = new_code(api, ina)["code"]
    wrong = verify(deployment, client, code, auth=(client.client_id, "not-the-secret"))
    assert wrong.status_code == 401 and wrong.json().get("error") == "invalid_client", wrong.text
    anonymous = requests.post(deployment.issuer + "/rp/v1/codes/verify", json={"code": code}, timeout=30)
    assert anonymous.status_code == 401 and anonymous.json().get("error") == "invalid_client", anonymous.text
    verified(verify(deployment, client, code))  # still unused

    post = deployment.create_client(auth="client_secret_post")
    response = requests.post(
        deployment.issuer + "/rp/v1/codes/verify",
        data={"code": new_code(api, ina)["code"], "client_id": post.client_id, "client_secret": post.client_secret},
        timeout=30)
    verified(response)

    key = make_client_key("ES256")
    jwks = deployment.scratch / f"jwks-{uuid.uuid4().hex[:6]}.json"
    jwks.write_text(json.dumps(public_jwks((key, "ES256"))))
    keyed = deployment.create_client(auth="private_key_jwt", jwks=str(jwks), key=key, alg="ES256")
    rp = RelyingParty(deployment, keyed, scope="openid")
    response = rp.session.post(
        deployment.issuer + "/rp/v1/codes/verify", data={"code": new_code(api, ina)["code"]}, auth=rp.client_auth(),
        withhold_token=True, timeout=30)
    verified(response)


def test_the_history_names_the_verifier(deployment, api, ina):
    """An in-person-verification entry with the verifier's client id and name, nothing personal."""
    client = deployment.create_client(name=f"Front Desk {uuid.uuid4().hex[:6]}")
    verified(verify(deployment, client, new_code(api, ina, ["age"])["code"]))
    entries = [e for e in deployment.wallet_history(ina)
               if e.get("event") == "in-person-verification" and e.get("client_id") == client.client_id]
    assert len(entries) == 1, deployment.wallet_history(ina)[:5]
    assert entries[0]["outcome"] == "success" and entries[0].get("client_name") == client.name, entries
    text = json.dumps(entries)
    for personal in (ina.surname, ina.given_names, BIRTH.isoformat(), ina.network_number):
        assert personal not in text


# --------------------------------------------------------------------------------------
# The CLI
# --------------------------------------------------------------------------------------


BLOCKS = set("\u2588\u2580\u2584 ")


def test_wallet_code_and_verify_code_cli(deployment, ina):
    """`wallet code --disclose age` prints a QR code in block characters, then `Code: ` and the
    typed form (≤ 40 characters); `verify-code` prints the JSON (exit 0), the same code again is
    refused (exit 1, code-used on stderr); `wallet code --json` gives the API's fields and its QR
    content verifies too; a bad --disclose is a usage error (2), a wrong secret exit 1."""
    client = deployment.create_client(sector=sector())
    sub = login_sub(deployment, client, ina)
    shown = deployment.cli("wallet", "code", "--disclose", "age", "--wallet", str(ina.wallet))
    assert shown.returncode == 0, (shown.stdout, shown.stderr)
    lines = shown.stdout.splitlines()
    code_lines = [i for i, line in enumerate(lines) if line.startswith("Code: ")]
    assert len(code_lines) == 1, shown.stdout
    typed = lines[code_lines[0]][len("Code: "):].strip()
    assert TYPED.fullmatch(typed) and len(typed) <= 40, typed
    qr = [line for line in lines[:code_lines[0]] if line.strip()]
    assert len(qr) >= 10 and all(set(line) <= BLOCKS for line in qr), lines[:code_lines[0]]
    assert len({len(line) for line in qr}) == 1, "the QR code's lines have one width"

    def verify_code(code: str, secret: str = client.client_secret):
        # `--client-secret=…`: a random secret may begin with "-".
        return deployment.cli(
            "verify-code", code, "--client-id", client.client_id, f"--client-secret={secret}", "--server", deployment.issuer)

    result = verify_code(typed)
    assert result.returncode == 0, (result.stdout, result.stderr)
    body = json.loads(result.stdout)
    assert body["sub"] == sub and body["verified"] is True and body["acr"] == LOA_SUBSTANTIAL, body
    assert body["amr"] == ["hwk"] and body["age_over_18"] is True and "name" not in body, body
    again = verify_code(typed)
    assert again.returncode == 1 and "code-used" in again.stderr, (again.stdout, again.stderr)

    made = deployment.cli_json("wallet", "code", "--json", "--wallet", str(ina.wallet))
    assert {"code", "qr", "disclose", "expires_at"} <= set(made) and made["disclose"] == [], made
    assert TYPED.fullmatch(made["code"]) and made["qr"] == "CYBERID:" + made["code"].replace("-", ""), made
    wrong = verify_code(made["qr"], secret="not-the-secret")
    assert wrong.returncode == 1, (wrong.stdout, wrong.stderr)
    # The secret may come from the environment instead (kept out of the process list).
    result = deployment.cli(
        "verify-code", made["qr"], "--client-id", client.client_id, "--server", deployment.issuer,
        env={"CYBERID_CLIENT_SECRET": client.client_secret})
    assert result.returncode == 0, (result.stdout, result.stderr)
    body = json.loads(result.stdout)
    assert body["sub"] == sub and not set(body) & set(AGE_CLAIMS), body

    usage = deployment.cli("wallet", "code", "--disclose", "network_number", "--wallet", str(ina.wallet))
    assert usage.returncode == 2, (usage.stdout, usage.stderr)
    secretless = deployment.cli(
        "verify-code", typed, "--client-id", client.client_id, "--server", deployment.issuer, env={"CYBERID_CLIENT_SECRET": ""})
    assert secretless.returncode == 2 and "CYBERID_CLIENT_SECRET" in secretless.stderr, (secretless.stdout, secretless.stderr)
