"""pytest fixtures of the offline-credentials suite (issue 18; see README.md).

The helpers live in credentials_support.py (and, underneath, Tests/oidc/oidc_support.py and
Tests/enrollment/enrollment_support.py); tests import them from there, never `from conftest import`.

* `deployment`: `cyberid serve` for the whole session with CYBERID_STATUS_LIST_TTL=1 (status
  lists go stale after a second, so the revocation tests wait little) and no practical offer
  limit, its store trusting a development CSCA (Tests/oidc's `start_deployment`); the CLI runs
  with the same environment;
* `issuer_keys`: /.well-known/jwt-vc-issuer of that server;
* `alice` (born 1990-07-23) and `alice_batch`, the 10 credentials `cyberid wallet credentials
  fetch` put in her wallet (read only: no test presents them with the CLI);
* `oid4vci`: the suite's own OID4VCI client;
* `reference_verifier`: the suite's OpenID4VP verifier on loopback (for `cyberid wallet present`);
* `cyberid_verifier`: `cyberid verifier serve --issuer <deployment> --claim given_name`, without
  a data directory.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from credentials_support import (  # noqa: E402  (puts Tests/oidc and Tests/enrollment on sys.path)
    CyberIDVerifier,
    IssuerKeys,
    Oid4vciClient,
    ReferenceVerifier,
    StoredCredential,
    fetched,
)
from oidc_support import Deployment, Holder, start_deployment  # noqa: E402

ALICE_BIRTH_DATE = dt.date(1990, 7, 23)


# The suite asks for many more offers per person than a wallet would (test_offer_limit.py checks
# the limit on a server of its own).
GENEROUS_OFFERS = {"CYBERID_CREDENTIAL_OFFERS_PER_PERSON_PER_HOUR": "1000000"}


@pytest.fixture(scope="session")
def deployment(tmp_path_factory) -> Deployment:
    yield from start_deployment(tmp_path_factory, CYBERID_STATUS_LIST_TTL="1", **GENEROUS_OFFERS)


@pytest.fixture(scope="session")
def issuer_keys(deployment) -> IssuerKeys:
    return IssuerKeys.fetch(deployment.issuer)


@pytest.fixture(scope="session")
def alice(deployment) -> Holder:
    return deployment.enroll("alice", birth_date=ALICE_BIRTH_DATE)


@pytest.fixture(scope="session")
def alice_batch(deployment, alice) -> list[StoredCredential]:
    return fetched(deployment, alice)


@pytest.fixture(scope="session")
def oid4vci(deployment) -> Oid4vciClient:
    return Oid4vciClient(deployment.issuer)


@pytest.fixture(scope="session")
def reference_verifier() -> ReferenceVerifier:
    verifier = ReferenceVerifier()
    yield verifier
    verifier.close()


@pytest.fixture(scope="session")
def cyberid_verifier(deployment, tmp_path_factory) -> CyberIDVerifier:
    verifier = CyberIDVerifier(deployment.issuer, tmp_path_factory.mktemp("verifier"), claims=("given_name",))
    yield verifier
    verifier.stop()
