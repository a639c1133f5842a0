"""The wallet CLI's refusals: `wallet present` with a URI it cannot use (malformed, no
request_uri, a request_uri nobody answers, no unused credential) and `wallet credentials show` of
an unknown id exit non-zero with a message, and change nothing in the wallet file; `verifier
serve` without the issuer's keys does not start."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

import pytest
import requests

from credentials_support import binary_path, free_port, present


@pytest.fixture(scope="module", autouse=True)
def commands_exist(deployment):
    """A refusal only counts if it comes from the commands (not from an unknown subcommand)."""
    for command in (("wallet", "present"), ("wallet", "credentials", "show")):
        result = deployment.cli(*command, "--help")
        assert result.returncode == 0 and "cyberid " + " ".join(command) in result.stdout, (command, result.stdout[:300])


@pytest.mark.parametrize("uri", [
    "not a uri",
    "https://verifier.example/?client_id=x",
    "openid4vp://?client_id=redirect_uri%3Ahttp%3A%2F%2F127.0.0.1%2Fcb",
    "openid4vp://?client_id=x&request_uri=not%20a%20url",
])
def test_present_refuses_a_malformed_uri(deployment, alice, uri):
    before = alice.wallet.read_bytes()
    result = present(deployment, alice, uri)
    assert result.returncode != 0, result.stdout
    assert result.stderr.strip(), "a refusal says why"
    assert alice.wallet.read_bytes() == before


def test_present_fails_when_the_request_uri_does_not_answer(deployment, alice):
    port = free_port()
    uri = f"openid4vp://?client_id=redirect_uri%3Ahttp%3A%2F%2F127.0.0.1%3A{port}%2Fr&request_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Fr"
    result = present(deployment, alice, uri)
    assert result.returncode != 0 and result.stderr.strip(), (result.returncode, result.stderr)


def test_show_refuses_an_unknown_id(deployment, alice, alice_batch):
    result = deployment.cli("wallet", "credentials", "show", "unknown-id", "--wallet", str(alice.wallet))
    assert result.returncode != 0, result.stdout
    assert result.stderr.strip(), "a refusal says why"
    assert result.stdout.strip() == "", "nothing is printed as a credential"


def test_present_without_an_unused_credential_says_to_fetch(deployment, cyberid_verifier):
    """A wallet that never fetched (or used up its batch) sends nothing and says what to do."""
    holder = deployment.enroll("nocredentials", birth_date=dt.date(1985, 3, 4))
    request = cyberid_verifier.new_request()
    result = present(deployment, holder, request.link)
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "credentials fetch" in result.stderr, result.stderr
    status = requests.get(request.status_url, timeout=30).json()
    assert status["status"] == "pending", status


def test_verifier_refuses_to_start_without_the_issuers_keys(tmp_path):
    """`verifier serve` with an issuer nobody answers exits 2 (configuration) with one line."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERID_")}
    result = subprocess.run(
        [str(binary_path()), "verifier", "serve", "--port", str(free_port()), "--issuer", f"http://127.0.0.1:{port}"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2, (result.returncode, result.stdout[-500:], result.stderr[-500:])
    assert "cannot fetch the issuer's keys" in result.stderr, result.stderr
