"""Discovery and JWKS (docs/relying-parties.md §2): what a certified client library reads first."""

from __future__ import annotations

import requests

from oidc_support import LOA_HIGH, LOA_LOW, LOA_SUBSTANTIAL, MODES

# docs §2: the endpoint table (the discovery document must point exactly there).
DOCUMENTED_PATHS = {
    "authorization_endpoint": "/authorize",
    "pushed_authorization_request_endpoint": "/par",
    "token_endpoint": "/token",
    "userinfo_endpoint": "/userinfo",
    "revocation_endpoint": "/revoke",
    "jwks_uri": "/jwks.json",
}


def test_discovery_document_describes_the_profile(deployment):
    response = requests.get(deployment.issuer + "/.well-known/openid-configuration", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0].strip() == "application/json"
    meta = response.json()

    assert meta["issuer"] == deployment.issuer
    for name, path in DOCUMENTED_PATHS.items():
        assert meta.get(name) == deployment.issuer + path, (name, meta.get(name))

    assert meta["response_types_supported"] == ["code"]
    assert set(meta.get("response_modes_supported", ["query"])) == {"query"}
    # no refresh tokens; the pre-authorized code is OpenID4VCI's (offline credentials)
    assert meta["grant_types_supported"] == ["authorization_code", "urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    assert meta["subject_types_supported"] == ["pairwise"]
    assert meta["id_token_signing_alg_values_supported"] == ["ES256"]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["authorization_response_iss_parameter_supported"] is True
    assert {"openid", "age", "realname", "network_number"} <= set(meta["scopes_supported"])
    assert {
        "sub", "acr", "amr", "auth_time", "cyberid_verified", "age_over_14", "age_over_18", "name", "birthdate",
        "network_number",
    } <= set(meta["claims_supported"])
    # The eIDAS levels and the authentication modes R01–R04 (issue 17).
    assert set(meta["acr_values_supported"]) == {LOA_LOW, LOA_SUBSTANTIAL, LOA_HIGH, *MODES.values()}
    assert {"client_secret_basic", "client_secret_post", "private_key_jwt"} <= set(
        meta["token_endpoint_auth_methods_supported"]
    )
    assert "none" not in meta["token_endpoint_auth_methods_supported"]  # every client authenticates
    # The suite's private_key_jwt clients sign with ES256 and PS256.
    assert {"ES256", "PS256"} <= set(meta["token_endpoint_auth_signing_alg_values_supported"])
    assert "none" not in meta["token_endpoint_auth_signing_alg_values_supported"]
    # PAR is offered, not required of every client (only of --strict ones).
    assert meta.get("require_pushed_authorization_requests", False) is False
    assert set(meta.get("prompt_values_supported", ["none", "login", "consent"])) >= {"login", "consent"}


def test_jwks_publishes_public_p256_keys_only(deployment):
    jwks = requests.get(deployment.metadata["jwks_uri"], timeout=30).json()
    assert jwks["keys"], jwks
    for key in jwks["keys"]:
        assert key["kty"] == "EC" and key["crv"] == "P-256", key
        assert key.get("kid"), key
        assert key.get("alg", "ES256") == "ES256" and key.get("use", "sig") == "sig", key
        assert not {"d", "p", "q", "dp", "dq", "qi", "k"} & set(key), "private key material in the JWKS"
    assert len({key["kid"] for key in jwks["keys"]}) == len(jwks["keys"])
    keyset = deployment.keyset()
    for key in keyset.keys:
        assert key.kid == key.thumbprint()  # docs/keys.md: kid is the RFC 7638 thumbprint
