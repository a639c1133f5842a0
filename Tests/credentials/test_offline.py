"""The verifier works offline: once it has the issuer keys and a status list, `cyberid serve`'s
request log (one `http.route=…` line per request) shows nothing during a verification, and a
verification with the server stopped succeeds, also after the cached list's `ttl` (it is used
until its `exp`). Deployments of their own (one with the default TTL of 60 s, one with 1 s), so
the session's server stays up."""

from __future__ import annotations

import signal
import time

import pytest

from credentials_support import (
    CyberIDVerifier,
    fetched,
    logged_routes,
    present,
    reference_presentation,
    wallet_credentials,
)
from enrollment_support import years_ago
from oidc_support import start_deployment


def offline_setup(tmp_path_factory, label: str, **env):
    """A generator: (deployment, holder with 4 credentials, verifier started while the server runs)."""
    deployments = start_deployment(tmp_path_factory, **env)
    deployment = next(deployments)
    verifier = None
    try:
        holder = deployment.enroll(label, birth_date=years_ago(61))
        fetched(deployment, holder, 4)
        verifier = CyberIDVerifier(deployment.issuer, tmp_path_factory.mktemp(f"verifier-{label}"))
        yield deployment, holder, verifier
    finally:
        if verifier is not None:
            verifier.stop()
        deployments.close()


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    yield from offline_setup(tmp_path_factory, "otto")


@pytest.fixture(scope="module")
def offline_short_ttl(tmp_path_factory):
    yield from offline_setup(tmp_path_factory, "olaf", CYBERID_STATUS_LIST_TTL="1")


def stop_server(deployment):
    process = deployment.server.process
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def verify_with_reference_holder(verifier, holder, credential_index: int) -> dict:
    credential = wallet_credentials(holder)[credential_index]
    request = verifier.new_request()
    token = reference_presentation(credential.credential, credential.private_key_pem, ["given_name"],
                                   aud=request.client_id, nonce=request.nonce)
    response = verifier.respond(request, token)
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return verifier.status(request)


def verify_with_cli_wallet(deployment, verifier, holder) -> dict:
    request = verifier.new_request()
    result = present(deployment, holder, request.link)
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    return verifier.status(request)


def settled_routes(deployment) -> list[str]:
    """The logged routes once the log has stopped growing (a line is written after its answer)."""
    previous = None
    while True:
        routes = logged_routes(deployment)
        if routes == previous:
            return routes
        previous = routes
        time.sleep(0.3)


def test_no_request_reaches_the_server_during_a_verification(offline):
    deployment, holder, verifier = offline
    assert verify_with_reference_holder(verifier, holder, 0)["status"] == "verified"  # online: caches the list
    assert "/.well-known/jwt-vc-issuer" in logged_routes(deployment), "the verifier fetched the keys at start"

    before = settled_routes(deployment)
    assert verify_with_reference_holder(verifier, holder, 1)["status"] == "verified"
    assert verify_with_cli_wallet(deployment, verifier, holder)["status"] == "verified"
    after = settled_routes(deployment)
    assert after == before, f"requests reached the server during offline verifications: {after[len(before):]}"


def test_a_verification_with_the_server_stopped(offline):
    deployment, holder, verifier = offline
    stop_server(deployment)
    assert verify_with_reference_holder(verifier, holder, 2)["status"] == "verified"
    assert verify_with_cli_wallet(deployment, verifier, holder)["status"] == "verified"


def test_offline_a_cached_list_past_its_ttl_is_used_until_its_exp(offline_short_ttl):
    deployment, holder, verifier = offline_short_ttl
    assert verify_with_reference_holder(verifier, holder, 0)["status"] == "verified"  # caches the list
    stop_server(deployment)
    time.sleep(2)  # > the list's ttl (1 s), well before its exp
    assert verify_with_reference_holder(verifier, holder, 1)["status"] == "verified"
