"""The Token Status List (draft-ietf-oauth-status-list), checked independently: the JWT's ES256
signature with the jwt-vc-issuer keys (joserfc), typ statuslist+jwt, sub/iat/exp/ttl, `lst`
zlib-decompressed here and the 2-bit entry of each credential read here. Suspend and restrict
make it 2, resume and lift 0; cancel and certificate revocation 1 (also the revocations of a
lost-device replacement and of a renewal). Nobody else's entries move."""

from __future__ import annotations

import time

import pytest
import requests

from credentials_support import (
    INVALID,
    STATUS_LIST_TYP,
    SUSPENDED,
    VALID,
    fetch_status_list,
    fetched,
    status_reference,
    wait_status,
)
from enrollment_support import years_ago
from oidc_support import replaced_holder


@pytest.fixture(scope="module")
def ines(deployment):
    holder = deployment.enroll("ines", birth_date=years_ago(45))
    return holder, fetched(deployment, holder, 3)


@pytest.fixture(scope="module")
def olga(deployment):
    holder = deployment.enroll("olga", birth_date=years_ago(29))
    return holder, fetched(deployment, holder, 2)


def statuses(credentials, keys) -> list[int]:
    values = []
    for credential in credentials:
        uri, index = status_reference(credential.credential)
        values.append(fetch_status_list(uri, keys).value(index))
    return values


def wait_all(credentials, keys, expected: int) -> list[int]:
    return [wait_status(c.credential, keys, expected) for c in credentials]


def test_the_status_list_token(deployment, issuer_keys, ines):
    _, credentials = ines
    uri, index = status_reference(credentials[0].credential)
    listed = fetch_status_list(uri, issuer_keys)  # the signature is checked there
    assert listed.content_type == "application/statuslist+jwt", listed.content_type
    assert listed.header["typ"] == STATUS_LIST_TYP and listed.header["alg"] == "ES256", listed.header
    assert listed.header["kid"] in issuer_keys.kids()
    claims = listed.claims
    assert claims["sub"] == uri, (claims["sub"], uri)
    now = time.time()
    assert claims["iat"] <= now + 5 and claims["exp"] > now, claims
    assert claims["ttl"] == 1, "CYBERID_STATUS_LIST_TTL=1"
    assert claims["status_list"]["bits"] == 2
    assert listed.size >= 10_000, f"one list covers many thousands of people: {listed.size} entries"
    assert index < listed.size
    assert statuses(credentials, issuer_keys) == [VALID] * len(credentials)


def test_suspend_resume_restrict_lift_and_cancel(deployment, issuer_keys, ines, alice_batch):
    holder, credentials = ines
    number = holder.network_number
    bystander = alice_batch[:2]

    def change(event: str):
        result = deployment.cli("admin", "person", event, number, "--reason", f"test {event}")
        assert result.returncode == 0, (event, result.stdout, result.stderr)

    change("suspend")
    assert wait_all(credentials, issuer_keys, SUSPENDED) == [SUSPENDED] * len(credentials)
    assert statuses(bystander, issuer_keys) == [VALID, VALID], "someone else's entries moved"
    change("resume")
    assert wait_all(credentials, issuer_keys, VALID) == [VALID] * len(credentials)
    change("restrict")
    assert wait_all(credentials, issuer_keys, SUSPENDED) == [SUSPENDED] * len(credentials)
    change("lift")
    assert wait_all(credentials, issuer_keys, VALID) == [VALID] * len(credentials)
    change("cancel")
    assert wait_all(credentials, issuer_keys, INVALID) == [INVALID] * len(credentials)
    assert statuses(bystander, issuer_keys) == [VALID, VALID]


def test_the_holder_suspending_their_own_number(deployment, issuer_keys, olga):
    holder, credentials = olga
    suspended = deployment.cli("wallet", "lifecycle", "suspend", "--reason", "lost my phone", "--wallet", str(holder.wallet))
    assert suspended.returncode == 0, suspended.stderr
    assert wait_all(credentials, issuer_keys, SUSPENDED) == [SUSPENDED] * len(credentials)
    resumed = deployment.cli(
        "wallet", "lifecycle", "resume", "--reason", "found it", "--document", str(holder.document_dir),
        "--wallet", str(holder.wallet))
    assert resumed.returncode == 0, resumed.stderr
    assert wait_all(credentials, issuer_keys, VALID) == [VALID] * len(credentials)


def test_certificate_revocation_invalidates(deployment, issuer_keys, olga):
    holder, credentials = olga
    certificates = deployment.cli_json("admin", "certificate", "list", holder.network_number)
    [serial] = [c["serial"] for c in certificates if c["status"] == "valid"]
    revoked = deployment.cli_json("admin", "certificate", "revoke", serial, "--reason", "key compromised")
    assert revoked["status"] == "revoked"
    assert wait_all(credentials, issuer_keys, INVALID) == [INVALID] * len(credentials)


def test_a_lost_device_replacement_invalidates_the_old_devices_credentials(deployment, issuer_keys):
    holder = deployment.enroll("rita", birth_date=years_ago(30))
    old = fetched(deployment, holder, 2)
    replaced = replaced_holder(deployment, holder)  # revokes the lost device's certificate
    assert wait_all(old, issuer_keys, INVALID) == [INVALID, INVALID], "a thief could still present them"
    new = fetched(deployment, replaced, 1)
    assert statuses(new, issuer_keys) == [VALID]


def test_a_renewal_revokes_the_old_certificate_and_its_credentials(deployment, issuer_keys):
    holder = deployment.enroll("gus", birth_date=years_ago(33))
    old = fetched(deployment, holder, 2)
    renewed = deployment.cli("wallet", "renew", "--wallet", str(holder.wallet))
    assert renewed.returncode == 0, renewed.stderr
    assert wait_all(old, issuer_keys, INVALID) == [INVALID, INVALID]
    assert statuses(fetched(deployment, holder, 1), issuer_keys) == [VALID], "the renewed wallet gets new credentials"


@pytest.mark.parametrize("name", ["999999", "01", "+1", "1.0", "-1", "x"])
def test_an_unknown_list_is_not_found(deployment, alice_batch, name):
    """Only the canonical URL of an existing list answers (a list has one URL: its `sub`)."""
    response = requests.get(deployment.issuer + "/status/lists/" + name, timeout=30)
    assert response.status_code == 404, (response.status_code, response.text[:200])
