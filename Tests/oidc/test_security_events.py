"""Security Event Tokens (issue 5): a platform registered with `--events-uri` is told, by a
signed SET (RFC 8417) pushed to that URL (RFC 8935), when one of its users is suspended,
resumed, re-verified, has a certificate revoked, or cancels — retried with backoff when the
platform does not accept it, and never on the path of the request that caused it."""

from __future__ import annotations

import time

import pytest
import requests
from joserfc import jwt

from oidc_support import RelyingParty, login, reverify, start_login
from oidc_support import SetReceiver as Receiver
from enrollment_support import years_ago

EVENT = "https://schemas.cyberid.dev/secevent/"


@pytest.fixture(scope="module")
def ivy(deployment):
    return deployment.enroll("ivy", birth_date=years_ago(31))


def decode(deployment, token: str) -> tuple[dict, dict]:
    decoded = jwt.decode(token, deployment.keyset(), algorithms=["ES256"])
    return dict(decoded.header), decoded.claims


def test_platforms_are_told_of_their_users_state_changes(deployment, ivy):
    receiver = Receiver()
    try:
        client = deployment.create_client(events_uri=receiver.url)
        quiet = deployment.create_client()  # knows the person but registered no events URL
        rp = RelyingParty(deployment, client, scope="openid")
        sub = login(deployment, rp, ivy).claims["sub"]
        login(deployment, RelyingParty(deployment, quiet, scope="openid"), ivy)

        deployment.cli_json("admin", "person", "suspend", ivy.network_number, "--reason", "lost phone reported")
        deployment.cli_json("admin", "person", "resume", ivy.network_number, "--reason", "phone found")
        pushed = receiver.wait(2)
        assert len(pushed) >= 2, pushed
        names = []
        for content_type, token in pushed:
            assert content_type == "application/secevent+jwt"
            header, claims = decode(deployment, token)
            assert header["typ"] == "secevent+jwt" and header["alg"] == "ES256"
            assert claims["iss"] == deployment.issuer and claims["aud"] == client.client_id and claims["jti"]
            assert claims["sub_id"] == {"format": "iss_sub", "iss": deployment.issuer, "sub": sub}
            (event, detail), = claims["events"].items()
            names.append(event.removeprefix(EVENT))
            assert isinstance(detail["event_timestamp"], int)
            # Who acted, never the administrator's free-text reason.
            assert detail["reason"] == "by administrator", detail
        assert names[:2] == ["suspended", "resumed"], names

        # A re-verification and a certificate revocation are told too.
        assert requests.post(
            deployment.issuer + "/rp/v1/reverifications", data={"sub": sub, "reason": "check"},
            auth=(client.client_id, client.client_secret), timeout=10,
        ).status_code == 202
        auth, browser, page = start_login(deployment, rp)
        assert deployment.wallet_approve(ivy, page.wallet_uri, options=reverify(ivy)).returncode == 0
        serial = deployment.cli_json("admin", "certificate", "list", ivy.network_number)[0]["serial"]
        deployment.cli_json("admin", "certificate", "revoke", serial, "--reason", "test")
        pushed = receiver.wait(4)
        names = [next(iter(decode(deployment, token)[1]["events"])).removeprefix(EVENT) for _, token in pushed]
        assert "reverified" in names and "certificate-revoked" in names, names
        # Its reason is a fixed text, never the certificate's serial: one serial sent to all the
        # person's platforms would let them link their pairwise subjects (a review's finding).
        revoked = [decode(deployment, token)[1]["events"][EVENT + "certificate-revoked"] for _, token in pushed
                   if EVENT + "certificate-revoked" in decode(deployment, token)[1]["events"]]
        assert [event["reason"] for event in revoked] == ["certificate revoked by an administrator"], revoked
        assert all(serial not in str(decode(deployment, token)[1]) for _, token in pushed)
    finally:
        receiver.close()


def test_a_refused_push_is_retried_with_backoff(deployment):
    jay = deployment.enroll("jay", birth_date=years_ago(50))
    receiver = Receiver(fail=2)
    try:
        client = deployment.create_client(events_uri=receiver.url)
        login(deployment, RelyingParty(deployment, client, scope="openid"), jay)
        started = time.time()
        deployment.cli_json("admin", "person", "suspend", jay.network_number, "--reason", "retry test")
        pushed = receiver.wait(1, timeout=30)
        assert len(pushed) == 1 and receiver.refused == 2, (pushed, receiver.refused)
        # Two refusals: retried after about 2 s and 4 s (the background service ticks every second).
        assert time.time() - started >= 5.0
        assert next(iter(decode(deployment, pushed[0][1])[1]["events"])).endswith("suspended")
    finally:
        receiver.close()


def test_a_slow_platform_does_not_delay_the_others(deployment):
    """Review finding 7: notices go to platforms concurrently. A platform that takes 8 s to
    answer each push gets its notices late; another platform's arrive within seconds."""
    kim = deployment.enroll("kim", birth_date=years_ago(44))
    slow, fast = Receiver(delay=8), Receiver()
    try:
        for receiver in (slow, fast):
            client = deployment.create_client(events_uri=receiver.url)
            login(deployment, RelyingParty(deployment, client, scope="openid"), kim)
        deployment.cli_json("admin", "person", "suspend", kim.network_number, "--reason", "concurrency test")
        deployment.cli_json("admin", "person", "resume", kim.network_number, "--reason", "concurrency test")
        started = time.time()
        assert len(fast.wait(2, timeout=6)) == 2, fast.received
        assert time.time() - started < 6 and len(slow.received) < 2, (time.time() - started, len(slow.received))
        assert len(slow.wait(2, timeout=40)) == 2, "the slow platform still gets every notice"
    finally:
        slow.close()
        fast.close()
