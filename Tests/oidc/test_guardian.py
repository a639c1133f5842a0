"""Guardians (issue 5): a guardian suspends and resumes a minor's access and reads the minor's
history, from their own wallet; nobody else can; the link ends at 18 (checked in the Swift
suite, GuardianshipTests, which can move a birthday)."""

from __future__ import annotations

import json

from oidc_support import RelyingParty, start_login


def test_a_guardian_suspends_resumes_and_sees_the_history(deployment, alice, bob, teen):
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    as_guardian = ["--ward", teen.network_number, "--wallet", str(alice.wallet)]
    suspended = deployment.cli("wallet", "lifecycle", "suspend", "--reason", "school night", *as_guardian)
    assert suspended.returncode == 0 and "suspended" in suspended.stdout, suspended.stderr
    auth, browser, page = start_login(deployment, rp)
    assert deployment.wallet_approve(teen, page.wallet_uri).returncode == 1
    # Not the guardian: refused. The minor cannot lift the guardian's suspension either.
    stranger = deployment.cli("wallet", "lifecycle", "resume", "--reason", "x", "--ward", teen.network_number, "--wallet", str(bob.wallet))
    assert stranger.returncode == 1 and "not-guardian" in stranger.stderr, stranger.stderr
    assert deployment.cli(
        "wallet", "lifecycle", "resume", "--reason", "please", "--document", str(teen.document_dir), "--wallet", str(teen.wallet)
    ).returncode == 1
    resumed = deployment.cli("wallet", "lifecycle", "resume", "--reason", "weekend", *as_guardian)
    assert resumed.returncode == 0, resumed.stderr
    auth, browser, page = start_login(deployment, rp)
    assert deployment.wallet_approve(teen, page.wallet_uri).returncode == 0

    history = deployment.cli("wallet", "history", "--json", *as_guardian)
    assert history.returncode == 0, history.stderr
    events = [(line["event"], line["detail"].get("actor")) for line in json.loads(history.stdout)]
    assert ("suspend", "guardian") in events and ("resume", "guardian") in events
    assert any(event == "login" for event, _ in events)
    peek = deployment.cli("wallet", "history", "--json", "--ward", teen.network_number, "--wallet", str(bob.wallet))
    assert peek.returncode == 1 and "not-guardian" in peek.stderr
