"""pytest fixtures of the relying-party suite (see README.md).

The helpers live in oidc_support.py (and, underneath, Tests/enrollment/enrollment_support.py);
tests import them from there, never `from conftest import`.

* `deployment`: `cyberid serve` for the whole session, its store trusting a development CSCA made
  by `cyberid dev document --trust`; the CLI (admin, dev, wallet) runs with the same environment;
* `short_login_deployment`: a second server with CYBERID_LOGIN_TTL_SECONDS=2 and
  CYBERID_CODE_TTL_SECONDS=2 (in-person codes) (made on first use);
* `alice`, `bob`: adults enrolled with the wallet CLI (alice born 1990-07-23); `carol`: an adult
  used only by the suspension test; `teen` (16) and `child` (10): minors enrolled with alice as
  guardian; `dora`: an adult enrolled on the short-login server;
* `wallet_api`: the wallet API of `deployment`, spoken directly.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from oidc_support import Deployment, FaceMatcher, Holder, WalletApi, start_deployment  # noqa: E402  (puts Tests/enrollment on sys.path)
from enrollment_support import years_ago  # noqa: E402

ALICE_BIRTH_DATE = dt.date(1990, 7, 23)


@pytest.fixture(scope="session")
def deployment(tmp_path_factory) -> Deployment:
    yield from start_deployment(tmp_path_factory)


@pytest.fixture(scope="session")
def short_login_deployment(tmp_path_factory) -> Deployment:
    yield from start_deployment(tmp_path_factory, CYBERID_LOGIN_TTL_SECONDS="2", CYBERID_CODE_TTL_SECONDS="2")


@pytest.fixture(scope="session")
def alice(deployment) -> Holder:
    return deployment.enroll("alice", birth_date=ALICE_BIRTH_DATE)


@pytest.fixture(scope="session")
def bob(deployment) -> Holder:
    return deployment.enroll("bob", birth_date=years_ago(52))


@pytest.fixture(scope="session")
def carol(deployment) -> Holder:
    return deployment.enroll("carol", birth_date=years_ago(33))


@pytest.fixture(scope="session")
def teen(deployment, alice) -> Holder:
    return deployment.enroll("teen", birth_date=years_ago(16), guardian=alice)


@pytest.fixture(scope="session")
def child(deployment, alice) -> Holder:
    return deployment.enroll("child", birth_date=years_ago(10), guardian=alice)


@pytest.fixture(scope="session")
def dora(short_login_deployment) -> Holder:
    return short_login_deployment.enroll("dora", birth_date=years_ago(40))


@pytest.fixture(scope="session")
def wallet_api(deployment) -> WalletApi:
    return WalletApi(deployment.issuer)


# A fake face matcher and a deployment that uses it, one per test module that asks
# (test_face_reverification.py, test_modes.py).
@pytest.fixture(scope="module")
def matcher():
    instance = FaceMatcher()
    try:
        yield instance
    finally:
        instance.close()


@pytest.fixture(scope="module")
def face_deployment(tmp_path_factory, matcher) -> Deployment:
    yield from start_deployment(tmp_path_factory, CYBERID_FACE_MATCHER_URL=matcher.url)
