"""OpenID4VP 1.0 presentations, both directions, and the refusals of CyberID's verifier.

* CyberID's wallet (`cyberid wallet present`) → the suite's reference verifier, whose answer is
  verified with the IETF reference `SDJWTVerifier` (issuer signature, KB-JWT aud/nonce/sd_hash):
  only the asked (and accepted) claims are disclosed, each presentation uses another credential.
* The reference holder (`SDJWTHolder.create_presentation`) → `cyberid verifier serve`: accepted,
  and the status URL says `verified` with the disclosed claims.
* Refused by `cyberid verifier serve`: a replayed presentation, a tampered, added or duplicated
  disclosure, a wrong audience or nonce, another key, a bad or missing key binding, a broken
  issuer signature, the OP's other JWTs, a second answer to one request, and a suspended person's
  credential once the status list has refreshed.
* Refused by the wallet: requests that would send the presentation elsewhere than to the client
  named in the link, or that it cannot answer safely.
"""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from credentials_support import (
    DISCLOSABLE,
    SUSPENDED,
    VALID,
    VCT,
    SdJwt,
    StoredCredential,
    b64u,
    b64u_decode,
    decode_qr_image,
    disclosure,
    fetched,
    key_pem,
    new_holder_key,
    present,
    presentation,
    reference_presentation,
    reference_verify,
    sha256_b64u,
    show_credential,
    unsigned_jwt,
    unused_ids,
    wait_status,
    wallet_credentials,
)
from enrollment_support import years_ago
from oidc_support import RelyingParty, login


@pytest.fixture(scope="module")
def bea(deployment):
    holder = deployment.enroll("bea", birth_date=years_ago(38))
    fetched(deployment, holder)
    return holder


@pytest.fixture(scope="module")
def bea_credential(deployment, bea) -> StoredCredential:
    """One of bea's credentials, as `wallet credentials show` prints it (for the reference holder)."""
    credential = wallet_credentials(bea)[-1]
    assert show_credential(deployment, bea, credential.id) == credential.credential
    return credential


def received_presentation(request) -> tuple[str, dict]:
    """The one direct_post the reference verifier got for `request`: (presentation, form)."""
    assert len(request.received) == 1, request.received
    content_type, form = request.received[0]
    assert content_type.split(";")[0].strip() == "application/x-www-form-urlencoded", content_type
    vp_token = json.loads(form["vp_token"])
    query_id = request.dcql_query["credentials"][0]["id"]
    assert set(vp_token) == {query_id}, f"vp_token is keyed by the DCQL credential id: {sorted(vp_token)}"
    assert isinstance(vp_token[query_id], list) and len(vp_token[query_id]) == 1, vp_token
    return vp_token[query_id][0], form


# --------------------------------------------------------------------------------------
# CyberID's wallet → the reference verifier
# --------------------------------------------------------------------------------------


def test_the_wallet_presents_only_what_is_asked(deployment, bea, reference_verifier, issuer_keys):
    unused_before = unused_ids(deployment, bea)
    request = reference_verifier.new_request(["age_over_18", "given_name"])
    result = present(deployment, bea, request.link)
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    shown = result.stdout + result.stderr
    assert "127.0.0.1" in shown, f"the wallet shows who asks: {shown!r}"
    assert "given_name" in shown or "given name" in shown.lower(), f"the wallet shows what is asked: {shown!r}"

    token, form = received_presentation(request)
    assert form.get("state") == request.state, form
    payload = reference_verify(token, issuer_keys, aud=request.client_id, nonce=request.nonce)
    assert payload["vct"] == VCT and payload["verified"] is True and payload["age_over_18"] is True
    assert payload["given_name"].upper() == bea.given_names.upper()
    for name in ("family_name", "birthdate", "nationality"):
        assert name not in payload, f"{name} was disclosed without being asked"
    parsed = SdJwt.parse(token)
    assert len(parsed.disclosures) == 1, parsed.disclosures
    kb = json.loads(b64u_decode(parsed.kb_jwt.split(".")[1]))
    assert abs(kb["iat"] - time.time()) < 120, kb

    # The credential used is one of bea's, now marked used.
    stored = {c.credential.split("~")[0]: c for c in wallet_credentials(bea)}
    used = stored[parsed.jwt]
    assert used.id in unused_before
    assert used.id not in unused_ids(deployment, bea), "the presented credential is marked used"


def test_each_presentation_uses_another_credential(deployment, bea, reference_verifier, issuer_keys):
    seen = []
    for _ in range(2):
        request = reference_verifier.new_request(["given_name"])
        result = present(deployment, bea, request.link)
        assert result.returncode == 0, (result.stdout, result.stderr)
        token, _ = received_presentation(request)
        reference_verify(token, issuer_keys, aud=request.client_id, nonce=request.nonce)
        seen.append(SdJwt.parse(token))
    assert seen[0].jwt != seen[1].jwt, "two presentations of one credential can be linked"
    assert seen[0].payload["cnf"] != seen[1].payload["cnf"]


def test_a_declined_claim_is_not_disclosed(deployment, bea, reference_verifier, issuer_keys):
    request = reference_verifier.new_request(["age_over_18", "given_name"])
    result = present(deployment, bea, request.link, yes=False, answers="n\n")  # typed on a terminal
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "given_name" in result.stdout + result.stderr, "the question names the claim"
    token, _ = received_presentation(request)
    payload = reference_verify(token, issuer_keys, aud=request.client_id, nonce=request.nonce)
    assert payload["age_over_18"] is True
    assert not set(DISCLOSABLE) & set(payload), sorted(payload)
    assert SdJwt.parse(token).disclosures == []


def test_an_accepted_claim_is_disclosed(deployment, bea, reference_verifier, issuer_keys):
    request = reference_verifier.new_request(["given_name", "birthdate"])
    result = present(deployment, bea, request.link, yes=False, answers="y\nn\n")
    assert result.returncode == 0, (result.stdout, result.stderr)
    token, _ = received_presentation(request)
    payload = reference_verify(token, issuer_keys, aud=request.client_id, nonce=request.nonce)
    # One question per claim, in the order asked: given_name yes, birthdate no.
    assert "given_name" in payload and "birthdate" not in payload, sorted(payload)


def test_without_a_terminal_or_yes_nothing_is_disclosed(deployment, bea, reference_verifier):
    request = reference_verifier.new_request(["given_name"])
    result = present(deployment, bea, request.link, yes=False)  # stdin is not a terminal
    assert result.returncode != 0 and result.stderr.strip(), (result.returncode, result.stderr)
    assert request.received == [], "nothing may be sent without the person's answer"


@pytest.mark.parametrize("case", [
    "response_uri not the client's", "client_id not the link's", "another vct", "response_mode direct_post.jwt",
    "no nonce", "an unsigned request of an x509_san_dns client",
])
def test_the_wallet_refuses_a_request_it_must_not_answer(deployment, bea, reference_verifier, case):
    """Nothing is sent (to anyone) for a request that would misdirect the presentation."""
    request = reference_verifier.new_request(["given_name"])
    decoy = reference_verifier.new_request(["given_name"])
    changes = request.request_object
    if case == "response_uri not the client's":
        changes["response_uri"] = decoy.response_uri
    elif case == "client_id not the link's":
        changes["client_id"] = decoy.client_id
        changes["response_uri"] = decoy.response_uri
    elif case == "another vct":
        changes["dcql_query"]["credentials"][0]["meta"]["vct_values"] = ["urn:example:other:1"]
    elif case == "response_mode direct_post.jwt":
        changes["response_mode"] = "direct_post.jwt"
    elif case == "no nonce":
        del changes["nonce"]
    else:  # an x509_san_dns client must sign its request; an unsigned one is not to be trusted
        changes["client_id"] = "x509_san_dns:127.0.0.1"
        request.link = "openid4vp://?" + urlencode({"client_id": changes["client_id"], "request_uri": request.request_uri})
    before = unused_ids(deployment, bea)
    result = present(deployment, bea, request.link)
    assert result.returncode != 0 and result.stderr.strip(), (result.returncode, result.stdout, result.stderr)
    assert request.received == [] and decoy.received == [], "a presentation was sent"
    assert unused_ids(deployment, bea) == before, "a refused request uses no credential"


def test_the_last_credential_is_used_once(deployment, reference_verifier):
    una = deployment.enroll("una", birth_date=years_ago(27))
    fetched(deployment, una, 1)
    first = reference_verifier.new_request(["given_name"])
    assert present(deployment, una, first.link).returncode == 0
    second = reference_verifier.new_request(["given_name"])
    result = present(deployment, una, second.link)
    assert result.returncode != 0 and result.stderr.strip(), (result.returncode, result.stderr)
    assert second.received == [], "a used credential was presented again (linkable)"


def test_the_wallet_fails_when_the_verifier_refuses(deployment, bea, reference_verifier):
    request = reference_verifier.new_request(["given_name"])
    reference_verifier.answer_status = 400
    try:
        result = present(deployment, bea, request.link)
    finally:
        reference_verifier.answer_status = 200
    assert len(request.received) == 1
    assert result.returncode != 0, result.stdout
    assert result.stderr.strip(), "a refusal says why on stderr"


# --------------------------------------------------------------------------------------
# The reference holder (and the CLI) → CyberID's verifier
# --------------------------------------------------------------------------------------


def test_the_verifier_request(cyberid_verifier):
    request = cyberid_verifier.new_request()
    header = request.request_object["header"]
    assert header == {**header, "alg": "none", "typ": "oauth-authz-req+jwt"}, header
    payload = request.request_object
    assert request.response_uri.endswith(f"/requests/{request.id}/response"), request.response_uri
    assert request.client_id == "redirect_uri:" + request.response_uri
    assert payload["client_id"] == request.client_id
    assert payload["response_type"] == "vp_token" and payload["response_mode"] == "direct_post"
    assert len(request.nonce) >= 16 and request.state, payload
    [query] = request.dcql_query["credentials"]
    assert query["format"] == "dc+sd-jwt" and query["meta"] == {"vct_values": [VCT]}, query
    paths = [c["path"] for c in query["claims"]]
    assert ["verified"] in paths and ["age_over_18"] in paths and ["given_name"] in paths, paths
    assert ["family_name"] not in paths, paths
    assert request.request_uri.endswith(f"/requests/{request.id}")
    assert cyberid_verifier.status(request) == {"status": "pending"}

    other = cyberid_verifier.new_request()
    assert other.id != request.id and other.nonce != request.nonce


def test_the_qr_code_holds_the_request_link(cyberid_verifier, tmp_path):
    request = cyberid_verifier.new_request()
    decoded = decode_qr_image(request.qr_source, tmp_path)
    if decoded is None:
        pytest.skip("zbarimg is not installed (apt-get install zbar-tools)")
    assert decoded == request.link


def test_the_reference_holder_is_accepted(cyberid_verifier, bea, bea_credential):
    request = cyberid_verifier.new_request()
    token = reference_presentation(bea_credential.credential, bea_credential.private_key_pem, ["given_name"],
                                   aud=request.client_id, nonce=request.nonce)
    response = cyberid_verifier.respond(request, token)
    assert response.status_code == 200, (response.status_code, response.text[:500])
    assert response.json() == {}
    status = cyberid_verifier.status(request)
    assert status["status"] == "verified", status
    assert status["claims"]["given_name"].upper() == bea.given_names.upper(), status
    assert status["claims"].get("age_over_18") is True, status
    assert "family_name" not in status["claims"], status


def test_the_cli_wallet_is_accepted(deployment, cyberid_verifier, bea):
    request = cyberid_verifier.new_request()
    result = present(deployment, bea, request.link)
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    status = cyberid_verifier.status(request)
    assert status["status"] == "verified", status
    assert status["claims"]["given_name"].upper() == bea.given_names.upper(), status


def test_the_status_needs_the_pages_key(cyberid_verifier, bea_credential):
    """docs/credentials.md §4: the status URL's key is on the page only (not in the QR code or the
    link), so a bystander who saw the QR code cannot read the released claims."""
    request = cyberid_verifier.new_request()
    key = parse_qs(urlsplit(request.status_url).query).get("k", [""])[0]
    assert key, f"the status link carries a key: {request.status_url}"
    assert key not in request.link and key not in json.dumps(request.request_object)
    token = reference_presentation(bea_credential.credential, bea_credential.private_key_pem, ["given_name"],
                                   aud=request.client_id, nonce=request.nonce)
    assert cyberid_verifier.respond(request, token).status_code == 200
    bare = request.status_url.split("?")[0]
    for url in (bare, bare + "?k=" + key[:-1] + ("A" if key[-1] != "A" else "B")):
        response = requests.get(url, timeout=30)
        assert response.status_code == 404, (url, response.status_code, response.text[:200])
        assert "given_name" not in response.text
    assert cyberid_verifier.status(request)["status"] == "verified"


def test_a_refused_answer_does_not_use_the_request_up(cyberid_verifier, bea_credential):
    """docs/credentials.md §4: a refusal is recorded, and the first verified answer closes the
    request (junk from a bystander cannot use it up)."""
    request = cyberid_verifier.new_request()
    junk = presentation(bea_credential.credential, bea_credential.private_key_pem, ["given_name"],
                        aud=request.client_id, nonce=request.nonce + "x")
    assert_refused(cyberid_verifier, request, cyberid_verifier.respond(request, junk))
    good = reference_presentation(bea_credential.credential, bea_credential.private_key_pem, ["given_name"],
                                  aud=request.client_id, nonce=request.nonce)
    response = cyberid_verifier.respond(request, good)
    assert response.status_code == 200, (response.status_code, response.text[:300])
    assert cyberid_verifier.status(request)["status"] == "verified"
    assert cyberid_verifier.respond(request, junk).status_code == 400
    assert cyberid_verifier.status(request)["status"] == "verified", "a later refusal changes nothing"


def test_an_unknown_request_is_not_found(cyberid_verifier, bea_credential):
    origin = cyberid_verifier.origin
    assert requests.get(origin + "/requests/no-such-request", timeout=30).status_code == 404
    answer = requests.post(origin + "/requests/no-such-request/response", data={"vp_token": "{}", "state": "x"}, timeout=30)
    assert answer.status_code in (400, 404), (answer.status_code, answer.text[:200])
    status = requests.get(origin + "/requests/no-such-request/status", timeout=30)
    assert status.status_code == 404 or status.json().get("status") not in ("pending", "verified"), status.text[:200]


def test_the_verifier_keeps_no_data_directory(cyberid_verifier):
    assert sorted(p.name for p in cyberid_verifier.workdir.iterdir()) == ["verifier.log"]


def assert_refused(verifier, request, response):
    assert response.status_code == 400, (response.status_code, response.text[:500])
    assert response.json().get("error") == "invalid_request", response.text[:500]
    status = verifier.status(request)
    assert status["status"] == "refused" and status.get("reason"), status
    assert "claims" not in status, status
    return status


def test_a_replayed_presentation_is_refused(cyberid_verifier, bea_credential):
    first = cyberid_verifier.new_request()
    token = reference_presentation(bea_credential.credential, bea_credential.private_key_pem, ["given_name"],
                                   aud=first.client_id, nonce=first.nonce)
    assert cyberid_verifier.respond(first, token).status_code == 200
    second = cyberid_verifier.new_request()
    status = assert_refused(cyberid_verifier, second, cyberid_verifier.respond(second, token))
    assert "nonce" in status["reason"].lower() or "aud" in status["reason"].lower(), status


def test_the_same_request_is_answered_once(cyberid_verifier, bea, bea_credential):
    request = cyberid_verifier.new_request()
    make = lambda: reference_presentation(bea_credential.credential, bea_credential.private_key_pem, ["given_name"],  # noqa: E731
                                          aud=request.client_id, nonce=request.nonce)
    assert cyberid_verifier.respond(request, make()).status_code == 200
    again = cyberid_verifier.respond(request, make())
    assert again.status_code == 400, (again.status_code, again.text[:300])
    assert cyberid_verifier.status(request)["status"] == "verified", "a second answer changes nothing"


def tampered(case: str, credential: StoredCredential, request) -> str:
    parsed = SdJwt.parse(credential.credential)
    given = parsed.by_name()["given_name"]
    salt = json.loads(b64u_decode(given))[0]
    aud, nonce, key = request.client_id, request.nonce, credential.private_key_pem
    if case == "tampered disclosure":  # same salt, another value; the KB-JWT covers it
        return presentation(credential.credential, key, aud=aud, nonce=nonce, disclosures=[disclosure("given_name", "MALLORY", salt)])
    if case == "tampered disclosure, original sd_hash":
        good = presentation(credential.credential, key, ["given_name"], aud=aud, nonce=nonce)
        return good.replace(given, disclosure("given_name", "MALLORY", salt))
    if case == "added disclosure":  # a claim the issuer never signed
        return presentation(credential.credential, key, aud=aud, nonce=nonce,
                            disclosures=[given, disclosure("age_over_21", True)])
    if case == "wrong audience":
        return presentation(credential.credential, key, ["given_name"], aud="redirect_uri:https://elsewhere.example/cb", nonce=nonce)
    if case == "wrong nonce":
        return presentation(credential.credential, key, ["given_name"], aud=aud, nonce=nonce + "x")
    if case == "another holder key":
        return presentation(credential.credential, key_pem(new_holder_key()), ["given_name"], aud=aud, nonce=nonce)
    if case == "wrong kb typ":
        return presentation(credential.credential, key, ["given_name"], aud=aud, nonce=nonce, typ="JWT")
    if case == "stale kb iat":
        return presentation(credential.credential, key, ["given_name"], aud=aud, nonce=nonce, iat=int(time.time()) - 86400)
    if case == "duplicated disclosure":
        return presentation(credential.credential, key, aud=aud, nonce=nonce, disclosures=[given, given])
    if case == "kb alg none":
        prefix = "~".join([parsed.jwt, given, ""])
        payload = {"aud": aud, "nonce": nonce, "iat": int(time.time()), "sd_hash": sha256_b64u(prefix)}
        return prefix + unsigned_jwt({"alg": "none", "typ": "kb+jwt"}, payload)
    if case == "kb iat an hour ahead":
        return presentation(credential.credential, key, ["given_name"], aud=aud, nonce=nonce, iat=int(time.time()) + 3600)
    if case == "issuer alg none":
        forged = unsigned_jwt({**parsed.header, "alg": "none"}, parsed.payload)
        return presentation(forged + "~" + given + "~", key, ["given_name"], aud=aud, nonce=nonce)
    if case == "two presentations":
        one = presentation(credential.credential, key, ["given_name"], aud=aud, nonce=nonce)
        return json.dumps({request.dcql_query["credentials"][0]["id"]: [one, one]})
    if case == "no key binding":
        return "~".join([parsed.jwt, given, ""])
    if case == "broken issuer signature":
        header, payload, signature = parsed.jwt.split(".")
        claims = parsed.payload
        claims["age_over_18"] = not claims["age_over_18"]
        forged = SdJwt(".".join([header, b64u(json.dumps(claims).encode()), signature]), [given], "")
        return presentation(forged.issuance_form(), key, ["given_name"], aud=aud, nonce=nonce)
    raise ValueError(case)


@pytest.mark.parametrize("case", [
    "tampered disclosure", "tampered disclosure, original sd_hash", "added disclosure", "wrong audience", "wrong nonce",
    "another holder key", "wrong kb typ", "stale kb iat", "no key binding", "broken issuer signature",
    "duplicated disclosure", "kb alg none", "kb iat an hour ahead", "issuer alg none", "two presentations",
])
def test_a_bad_presentation_is_refused(cyberid_verifier, bea_credential, case):
    request = cyberid_verifier.new_request()
    assert_refused(cyberid_verifier, request, cyberid_verifier.respond(request, tampered(case, bea_credential, request)))


def test_other_jwts_of_the_issuer_are_not_credentials(deployment, cyberid_verifier, bea, bea_credential, issuer_keys):
    """The OP signs ID tokens, access tokens and status lists with the same keys: none of them
    passes as a credential."""
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    tokens = login(deployment, rp, bea).token
    status_uri = SdJwt.parse(bea_credential.credential).payload["status"]["status_list"]["uri"]
    status_jwt = requests.get(status_uri, timeout=30).text.strip()
    for name, jwt in (("ID token", tokens["id_token"]), ("access token", tokens["access_token"]), ("status list", status_jwt)):
        request = cyberid_verifier.new_request()
        response = cyberid_verifier.respond(request, jwt + "~")
        assert response.status_code == 400, (name, response.status_code, response.text[:300])
        assert cyberid_verifier.status(request)["status"] == "refused", name


@pytest.mark.parametrize("case", ["another query id", "wrong state"])
def test_an_answer_not_matching_the_request_is_refused(cyberid_verifier, bea_credential, case):
    request = cyberid_verifier.new_request()
    good = reference_presentation(bea_credential.credential, bea_credential.private_key_pem, ["given_name"],
                                  aud=request.client_id, nonce=request.nonce)
    if case == "another query id":
        response = cyberid_verifier.respond(request, json.dumps({"other": [good]}))
    else:
        response = cyberid_verifier.respond(request, good, state=request.state + "x")
    assert response.status_code == 400, (response.status_code, response.text[:300])
    assert cyberid_verifier.status(request)["status"] != "verified"


def test_a_suspended_persons_credential_is_refused_once_the_list_refreshes(deployment, cyberid_verifier, issuer_keys):
    sam = deployment.enroll("sam", birth_date=years_ago(50))
    credentials = fetched(deployment, sam, 3)

    def answer(credential):
        request = cyberid_verifier.new_request()
        token = reference_presentation(credential.credential, credential.private_key_pem, ["given_name"],
                                       aud=request.client_id, nonce=request.nonce)
        return request, cyberid_verifier.respond(request, token)

    request, response = answer(credentials[0])
    assert response.status_code == 200, response.text[:300]
    suspended = deployment.cli("admin", "person", "suspend", sam.network_number, "--reason", "test")
    assert suspended.returncode == 0, suspended.stderr
    assert wait_status(credentials[1].credential, issuer_keys, SUSPENDED) == SUSPENDED
    time.sleep(1.5)  # > CYBERID_STATUS_LIST_TTL=1: the verifier's cached list is stale
    request, response = answer(credentials[1])
    assert_refused(cyberid_verifier, request, response)
    resumed = deployment.cli("admin", "person", "resume", sam.network_number, "--reason", "test")
    assert resumed.returncode == 0, resumed.stderr
    assert wait_status(credentials[2].credential, issuer_keys, VALID) == VALID
    time.sleep(1.5)
    request, response = answer(credentials[2])
    assert response.status_code == 200, response.text[:300]
    assert cyberid_verifier.status(request)["status"] == "verified"
