"""The per-person offer limit (CYBERID_CREDENTIAL_OFFERS_PER_PERSON_PER_HOUR, docs/http-api.md):
a wallet cannot fill the status lists. On a server of its own with a limit of 2."""

from __future__ import annotations

import pytest

from credentials_support import Oid4vciClient, fetch_credentials, wallet_credentials
from enrollment_support import years_ago
from oidc_support import problem_code, start_deployment


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    yield from start_deployment(tmp_path_factory, CYBERID_CREDENTIAL_OFFERS_PER_PERSON_PER_HOUR="2")


def test_a_person_gets_a_limited_number_of_offers(limited):
    lena = limited.enroll("lena", birth_date=years_ago(35))
    client = Oid4vciClient(limited.issuer)
    client.offer(lena)
    assert fetch_credentials(limited, lena, 1).returncode == 0  # the CLI's fetch is the second offer
    refused = client.offer_response(lena)
    assert refused.status_code == 429, (refused.status_code, refused.text[:300])
    assert problem_code(refused) == "credential-offers-per-person-rate-limited"
    cli = fetch_credentials(limited, lena, 1)
    assert cli.returncode != 0 and cli.stderr.strip(), (cli.returncode, cli.stderr)
    assert len(wallet_credentials(lena)) == 1

    # Per person: someone else still gets offers.
    leo = limited.enroll("leo", birth_date=years_ago(36))
    assert client.offer_response(leo).status_code == 201
