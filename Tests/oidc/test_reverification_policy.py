"""The administrator's re-verification interval (docs/lifecycle.md): `cyberid admin policy
reverify-interval (--days N | --seconds N | --clear) [--client ID] --reason TEXT` sets how old a
person's last verification (enrollment, device replacement or a re-verification) may be. A login
whose holder verified longer ago than the interval that applies to the platform (its own, else
the global one) is refused with reverification-required until the person approves it as a
re-verification (`wallet approve --reverify`), which resets the clock. Every change is audited.

The intervals are global state of a deployment, so this module runs its own server."""

from __future__ import annotations

import json
import time

import pytest

from enrollment_support import years_ago
from oidc_support import (
    Deployment,
    RegisteredClient,
    RelyingParty,
    approve_new_login,
    approve_on_this_device,
    enroll_bound,
    login,
    redirect_params,
    replaced_holder,
    reverify,
    start_deployment,
    start_login,
)

ELAPSE = 3  # seconds slept to let a 2-second interval pass
# An interval a whole login (wallet CLI included) fits in even on a loaded machine, for the tests
# that log in within it after a re-verification, and the seconds slept to let it pass.
INTERVAL = 10
INTERVAL_ELAPSE = INTERVAL + 1


@pytest.fixture(scope="module")
def policy_deployment(tmp_path_factory) -> Deployment:
    yield from start_deployment(tmp_path_factory)


def platform(deployment: Deployment) -> tuple[RegisteredClient, RelyingParty]:
    """A newly registered platform asking for scope openid: its client and its relying party."""
    client = deployment.create_client()
    return client, RelyingParty(deployment, client, scope="openid")


def set_interval(deployment: Deployment, *options: str, reason: str = "test policy") -> dict:
    return deployment.cli_json("admin", "policy", "reverify-interval", *options, "--reason", reason)


def intervals(deployment: Deployment) -> dict:
    """scope → interval_seconds, from `admin policy show`."""
    shown = deployment.cli_json("admin", "policy", "show")
    return {entry["scope"]: entry["interval_seconds"] for entry in shown["reverification_intervals"]}


def audit_lines(deployment: Deployment) -> list[dict]:
    result = deployment.cli("admin", "audit", "list")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_the_cli_sets_shows_and_clears_intervals(policy_deployment):
    """`reverify-interval` prints {"scope", "interval_seconds"}; `policy show` lists each scope
    with its interval and when it was set; --clear removes it; --days counts whole days."""
    deployment = policy_deployment
    client = deployment.create_client()
    assert client.client_id not in intervals(deployment)

    assert set_interval(deployment, "--days", "30", "--client", client.client_id) == {
        "scope": client.client_id, "interval_seconds": 30 * 86_400}
    assert set_interval(deployment, "--seconds", "86400") == {"scope": "global", "interval_seconds": 86_400}
    shown = deployment.cli_json("admin", "policy", "show")["reverification_intervals"]
    by_scope = {entry["scope"]: entry for entry in shown}
    assert by_scope["global"]["interval_seconds"] == 86_400
    assert by_scope[client.client_id]["interval_seconds"] == 30 * 86_400
    for entry in by_scope.values():
        assert isinstance(entry["set_at"], str) and entry["set_at"][:4].isdigit(), entry

    # Setting again replaces, not adds.
    assert set_interval(deployment, "--days", "7", "--client", client.client_id)["interval_seconds"] == 7 * 86_400
    assert intervals(deployment)[client.client_id] == 7 * 86_400
    assert [e["scope"] for e in deployment.cli_json("admin", "policy", "show")["reverification_intervals"]].count(
        client.client_id) == 1

    assert set_interval(deployment, "--clear") == {"scope": "global", "interval_seconds": None}
    assert set_interval(deployment, "--clear", "--client", client.client_id) == {
        "scope": client.client_id, "interval_seconds": None}
    remaining = intervals(deployment)
    assert "global" not in remaining and client.client_id not in remaining, remaining


def test_invalid_policy_commands_are_refused_and_change_nothing(policy_deployment):
    """No --reason, two (or none) of --days/--seconds/--clear, --days 0 and an unknown --client
    exit non-zero with a clear message, and leave the policy as it was."""
    deployment = policy_deployment
    client = deployment.create_client()
    before = intervals(deployment)
    command = ("admin", "policy", "reverify-interval")
    cases = [
        ((*command, "--days", "30"), "--reason"),
        ((*command, "--days", "30", "--reason", " "), "--reason"),
        ((*command, "--days", "1", "--seconds", "5", "--reason", "x"), "exactly one"),
        ((*command, "--days", "1", "--clear", "--reason", "x"), "exactly one"),
        ((*command, "--reason", "x"), "exactly one"),
        ((*command, "--days", "0", "--reason", "x"), "--days"),
        ((*command, "--days", "0", "--client", client.client_id, "--reason", "x"), "--days"),
        ((*command, "--seconds", "0", "--reason", "x"), "--seconds"),
        ((*command, "--days", "3", "--client", "no-such-client-0d9f", "--reason", "x"), "no client"),
    ]
    for args, message in cases:
        result = deployment.cli(*args)
        assert result.returncode != 0, (args, result.stdout)
        assert message in result.stderr, (args, result.stderr)
    assert intervals(deployment) == before


def test_a_platform_interval_holds_only_that_platforms_logins(policy_deployment):
    """A per-client interval: once it has elapsed, that platform's login is refused with
    reverification-required (the CLI hints --reverify, the history has a reverification failure),
    another platform's is not; approving with --reverify succeeds and resets the clock, so the
    next plain login works."""
    deployment = policy_deployment
    tess = deployment.enroll("tess", birth_date=years_ago(34))
    strict_client, strict = platform(deployment)
    other_client, other = platform(deployment)
    sub = login(deployment, strict, tess).claims["sub"]

    assert set_interval(deployment, "--seconds", str(INTERVAL), "--client", strict_client.client_id)[
        "interval_seconds"] == INTERVAL
    try:
        time.sleep(INTERVAL_ELAPSE)
        auth, browser, page = start_login(deployment, strict)
        refused = deployment.wallet_approve(tess, page.wallet_uri)
        assert refused.returncode == 1, (refused.stdout, refused.stderr)
        assert "reverification-required" in refused.stderr and "--reverify" in refused.stderr, refused.stderr
        assert browser.status(page) == "pending"

        # Another platform has no interval: a plain login works.
        assert login(deployment, other, tess).claims["cyberid_verified"] is True

        approve_on_this_device(deployment, browser, page, tess, options=reverify(tess))
        response = browser.continue_login(page)
        assert redirect_params(response, strict_client.redirect_uri).get("code")
        assert strict.verify_id_token(strict.exchange(response.headers["Location"], auth)["id_token"], auth)["sub"] == sub
        # The clock is reset: within the interval, no re-verification is needed.
        assert login(deployment, strict, tess).claims["sub"] == sub

        lines = [line for line in deployment.wallet_history(tess) if line.get("client_id") == strict_client.client_id]
        events = [(line["event"], line["outcome"]) for line in lines]
        assert ("reverification", "failure") in events, events
        failure = next(line for line in lines if (line["event"], line["outcome"]) == ("reverification", "failure"))
        assert failure["detail"].get("reason") == "reverification-required", failure
        assert not any(line.get("client_id") == other_client.client_id and line["event"] == "reverification"
                       for line in deployment.wallet_history(tess))

        # And once it has elapsed again, the platform asks again.
        time.sleep(INTERVAL_ELAPSE)
        again = approve_new_login(deployment, strict, tess)
        assert again.returncode == 1 and "reverification-required" in again.stderr, again.stderr
    finally:
        set_interval(deployment, "--clear", "--client", strict_client.client_id)


def test_a_platform_interval_overrides_the_global_one(policy_deployment):
    """Global 2 s, one platform 3600 s: after 3 s that platform needs no re-verification (its own
    interval applies), a platform without its own is refused (the global one applies); clearing
    the global interval lets it log in again."""
    deployment = policy_deployment
    uma = deployment.enroll("uma", birth_date=years_ago(47))
    lenient_client, lenient = platform(deployment)
    _, plain = platform(deployment)
    try:
        assert set_interval(deployment, "--seconds", "2") == {"scope": "global", "interval_seconds": 2}
        assert set_interval(deployment, "--seconds", "3600", "--client", lenient_client.client_id)["interval_seconds"] == 3600
        time.sleep(ELAPSE)
        assert login(deployment, lenient, uma).claims["cyberid_verified"] is True
        refused = approve_new_login(deployment, plain, uma)
        assert refused.returncode == 1 and "reverification-required" in refused.stderr, refused.stderr

        assert set_interval(deployment, "--clear") == {"scope": "global", "interval_seconds": None}
        assert login(deployment, plain, uma).claims["cyberid_verified"] is True
    finally:
        set_interval(deployment, "--clear")
        set_interval(deployment, "--clear", "--client", lenient_client.client_id)
    assert intervals(deployment) == {}


def test_a_device_replacement_counts_as_a_verification(policy_deployment):
    """Re-proving with the chip and the bound phone (wallet replace) renews the verification time:
    after it, a login within the interval needs no --reverify."""
    deployment = policy_deployment
    vera = enroll_bound(deployment, "vera", birth_date=years_ago(55))
    client, rp = platform(deployment)
    set_interval(deployment, "--seconds", str(INTERVAL), "--client", client.client_id)
    try:
        time.sleep(INTERVAL_ELAPSE)
        refused = approve_new_login(deployment, rp, vera)
        assert refused.returncode == 1 and "reverification-required" in refused.stderr, refused.stderr
        new = replaced_holder(deployment, vera)
        assert login(deployment, rp, new).claims["cyberid_verified"] is True
    finally:
        set_interval(deployment, "--clear", "--client", client.client_id)


def test_every_policy_change_is_audited(policy_deployment):
    """Each change is an audit entry (the operator as actor, the scope as target, the reason), and
    the hash chain still verifies."""
    deployment = policy_deployment
    client = deployment.create_client()
    set_interval(deployment, "--days", "90", "--client", client.client_id, reason="platform contract 12")
    set_interval(deployment, "--clear", "--client", client.client_id, reason="contract ended")
    set_interval(deployment, "--days", "365", reason="national rule 2026")
    set_interval(deployment, "--clear", reason="rule withdrawn")

    lines = audit_lines(deployment)[-4:]
    assert [(line["actor"], line["reason"]) for line in lines] == [
        ("ops-test", "platform contract 12"), ("ops-test", "contract ended"),
        ("ops-test", "national rule 2026"), ("ops-test", "rule withdrawn"),
    ], lines
    assert all(line["action"].startswith("policy.") for line in lines), lines
    assert lines[0]["action"] != lines[1]["action"], lines  # setting and clearing are told apart
    assert lines[0]["target"] == lines[1]["target"] == client.client_id, lines
    assert client.client_id not in (lines[2]["target"], lines[3]["target"]), lines
    # A refused change is not audited.
    count = len(audit_lines(deployment))
    assert deployment.cli("admin", "policy", "reverify-interval", "--days", "0", "--reason", "x").returncode != 0
    assert len(audit_lines(deployment)) == count
    verified = deployment.cli("admin", "audit", "verify")
    assert verified.returncode == 0 and "intact" in verified.stdout, (verified.stdout, verified.stderr)
