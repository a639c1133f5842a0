"""The issuer's metadata: /.well-known/openid-credential-issuer (OID4VCI 1.0 §12.2) and
/.well-known/jwt-vc-issuer (SD-JWT VC issuer metadata, the keys verifiers check credentials with)."""

from __future__ import annotations

import requests

from credentials_support import BATCH_SIZE, CONFIGURATION_ID, DISCLOSABLE, PRE_AUTHORIZED_GRANT, SD_JWT_TYP, VCT


def get_json(url: str, content_types=("application/json",)) -> dict:
    response = requests.get(url, timeout=30)
    assert response.status_code == 200, (url, response.status_code, response.text[:300])
    assert response.headers.get("Content-Type", "").split(";")[0].strip() in content_types, response.headers
    return response.json()


def test_credential_issuer_metadata(deployment):
    issuer = deployment.issuer
    metadata = get_json(issuer + "/.well-known/openid-credential-issuer")
    assert metadata["credential_issuer"] == issuer
    assert metadata["credential_endpoint"] == issuer + "/credential"
    assert metadata["nonce_endpoint"] == issuer + "/credential/nonce"
    assert metadata["batch_credential_issuance"]["batch_size"] == BATCH_SIZE

    configurations = metadata["credential_configurations_supported"]
    assert set(configurations) == {CONFIGURATION_ID}, sorted(configurations)
    configuration = configurations[CONFIGURATION_ID]
    assert configuration["format"] == SD_JWT_TYP
    assert configuration["vct"] == VCT
    assert configuration["cryptographic_binding_methods_supported"] == ["jwk"]
    assert configuration["credential_signing_alg_values_supported"] == ["ES256"]
    assert configuration["proof_types_supported"] == {"jwt": {"proof_signing_alg_values_supported": ["ES256"]}}

    described = configuration["credential_metadata"]
    display = described["display"]
    assert isinstance(display, list) and display, described
    assert all(isinstance(entry.get("name"), str) and entry["name"] for entry in display), display
    claims = described["claims"]
    assert isinstance(claims, list) and all(isinstance(c.get("path"), list) and c["path"] for c in claims), claims
    paths = {tuple(c["path"]) for c in claims}
    for name in DISCLOSABLE + ("age_over_14", "age_over_18"):
        assert (name,) in paths, (name, sorted(paths))
    # The network number is not a claim of the credential.
    assert not any("network" in "/".join(map(str, path)) for path in paths), paths


def test_the_authorization_server_metadata_names_the_pre_authorized_grant(deployment):
    """OID4VCI §12.3: the token endpoint comes from the authorization server's metadata (the
    credential issuer is its own authorization server)."""
    metadata = get_json(deployment.issuer + "/.well-known/oauth-authorization-server")
    assert metadata["issuer"] == deployment.issuer
    assert metadata["token_endpoint"] == deployment.issuer + "/token"
    assert PRE_AUTHORIZED_GRANT in metadata["grant_types_supported"], metadata["grant_types_supported"]


def test_jwt_vc_issuer_metadata_publishes_the_signing_keys(deployment):
    issuer = deployment.issuer
    metadata = get_json(issuer + "/.well-known/jwt-vc-issuer")
    assert metadata["issuer"] == issuer
    keys = metadata["jwks"]["keys"]
    assert keys, metadata
    for key in keys:
        assert key["kty"] == "EC" and key["crv"] == "P-256", key
        assert "d" not in key, "a private key is published"
        assert isinstance(key.get("kid"), str) and key["kid"], key
        assert key.get("alg", "ES256") == "ES256" and key.get("use", "sig") == "sig", key

    # The same keys as the OpenID Provider's JWKS (its URL from discovery).
    jwks = get_json(deployment.metadata["jwks_uri"], ("application/json", "application/jwk-set+json"))

    def points(document):
        return {(k["kid"], k["x"], k["y"]) for k in document["keys"]}

    assert points(metadata["jwks"]) == points(jwks)
