"""The person's history (issue 5 starts here): `cyberid wallet history --json` and
GET /wallet/v1/history list every platform that verified them, with the claims asked and
released, the level and the outcome — and nothing personal."""

from __future__ import annotations

import json

from oidc_support import RelyingParty, login, start_login


def test_every_verification_is_in_the_history(deployment, bob):
    client = deployment.create_client(name="History Shop")
    rp = RelyingParty(deployment, client, scope="openid age")
    login(deployment, rp, bob, decline=("age_over_18",))
    auth, browser, page = start_login(deployment, rp)
    assert deployment.wallet_approve(bob, page.wallet_uri, deny=True).returncode == 0

    lines = [line for line in deployment.wallet_history(bob) if line.get("client_id") == client.client_id]
    assert [line["outcome"] for line in lines] == ["denied", "success"], lines  # newest first
    success = lines[1]
    assert success["event"] == "login" and success["client_name"] == "History Shop"
    assert success["detail"]["claims_requested"] == "age_over_14 age_over_18"
    assert success["detail"]["claims_released"] == "age_over_14"
    assert success["detail"]["acr"] == "http://eidas.europa.eu/LoA/substantial"
    # Nothing personal in the history: no name, birth date or number.
    text = json.dumps(deployment.wallet_history(bob))
    for personal in (bob.surname, bob.given_names, bob.birth_date.isoformat(), bob.network_number):
        assert personal not in text


def test_history_needs_the_wallet(deployment):
    import requests

    response = requests.get(deployment.issuer + "/wallet/v1/history", timeout=10)
    assert response.status_code == 401
    assert response.json()["type"] == "urn:cyberid:problem:invalid-wallet-signature"
