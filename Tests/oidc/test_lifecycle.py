"""Suspend and resume (issue 5, first part): an administrator's and the holder's own, each with
a reason; login is refused while suspended and accepted after resume; forbidden transitions
are refused with a clear message; every change is in the holder's history."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from oidc_support import RelyingParty, login, start_login


@pytest.fixture(scope="module")
def dave(deployment):
    today = dt.date.today()
    return deployment.enroll("dave", birth_date=today.replace(year=today.year - 33))


def approve(deployment, rp, holder):
    auth, browser, page = start_login(deployment, rp)
    return deployment.wallet_approve(holder, page.wallet_uri)


def test_an_administrator_suspends_and_resumes(deployment, dave):
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    number = dave.network_number
    shown = deployment.cli_json("admin", "person", "show", number)
    assert shown["state"] == "active"
    assert deployment.cli_json("admin", "person", "suspend", number, "--reason", "court order 17")["state"] == "suspended"

    refused = approve(deployment, rp, dave)
    assert refused.returncode == 1 and "person-not-active" in refused.stderr, refused.stderr
    # The holder cannot lift an administrator's suspension.
    own = deployment.cli("wallet", "lifecycle", "resume", "--reason", "please", "--wallet", str(dave.wallet))
    assert own.returncode == 1 and "actor-not-allowed" in own.stderr, own.stderr
    # A change without a reason is a usage error.
    assert deployment.cli("admin", "person", "resume", number).returncode == 2

    assert deployment.cli_json("admin", "person", "resume", number, "--reason", "order lifted")["state"] == "active"
    assert login(deployment, rp, dave).claims["cyberid_verified"] is True


def test_the_holder_suspends_and_resumes_their_own_number(deployment, dave):
    rp = RelyingParty(deployment, deployment.create_client(), scope="openid")
    suspended = deployment.cli("wallet", "lifecycle", "suspend", "--reason", "lost my phone", "--wallet", str(dave.wallet))
    assert suspended.returncode == 0 and "suspended" in suspended.stdout, suspended.stderr
    assert approve(deployment, rp, dave).returncode == 1
    # Forbidden: suspending twice.
    again = deployment.cli("admin", "person", "suspend", dave.network_number, "--reason", "twice")
    assert again.returncode == 1 and "cannot suspend" in again.stderr, again.stderr
    resumed = deployment.cli("wallet", "lifecycle", "resume", "--reason", "found it", "--wallet", str(dave.wallet))
    assert resumed.returncode == 0 and "active" in resumed.stdout, resumed.stderr
    assert approve(deployment, rp, dave).returncode == 0
    # Forbidden: resuming an active number.
    twice = deployment.cli("admin", "person", "resume", dave.network_number, "--reason", "x")
    assert twice.returncode == 1 and "cannot resume" in twice.stderr


def test_state_changes_are_in_the_history(deployment, dave):
    result = deployment.cli("wallet", "history", "--json", "--wallet", str(dave.wallet))
    assert result.returncode == 0, result.stderr
    events = [(line["event"], line["detail"].get("actor"), line["detail"].get("reason")) for line in json.loads(result.stdout)]
    assert ("suspend", "administrator", "court order 17") in events
    assert ("resume", "administrator", "order lifted") in events
    assert ("suspend", "person", "lost my phone") in events
    assert ("resume", "person", "found it") in events


def test_an_unknown_number_is_a_clear_error(deployment):
    result = deployment.cli("admin", "person", "show", "0000-0000-0000-0001-2")
    assert result.returncode == 1 and "no active network number" in result.stderr
