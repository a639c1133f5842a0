"""pytest fixtures of the multi-node suite (see README.md).

* `cluster`: PostgreSQL, the SMS gateway, NODE_COUNT `cyberid serve` nodes and nginx
  (cluster.py), for the whole session; before the nodes start, the CLI trusts a
  `cyberid dev document` CSCA (for the wallet CLI's enrollments) and `pki`'s CSCA (for the
  HTTP enrollments);
* `deployment`: the cluster as Tests/oidc's `Deployment` (public URL; `via(node)` pins the CLI);
* `pki`: an EC CSCA and its DSC made with Tests/documents' factory;
* `alice`: an adult enrolled with the wallet CLI through nginx; `rp`: a registered client.

Tests marked `full` run only with CYBERID_MULTINODE_FULL=1 (scripts/multinode --full); the
default (CI) run has 2 nodes and the cross-node login and enrollment only.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from multinode_support import FIGURES, FULL, NODE_COUNT, ClusterDeployment, CrossNodeEnroller, factory, trusting  # noqa: E402
from cluster import Cluster  # noqa: E402
from oidc_support import RelyingParty  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "full: runs only with CYBERID_MULTINODE_FULL=1 (scripts/multinode --full)")


def pytest_collection_modifyitems(config, items):
    if FULL:
        return
    skip = pytest.mark.skip(reason="full run only (CYBERID_MULTINODE_FULL=1 or scripts/multinode --full)")
    for item in items:
        if "full" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("multi-node figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def pki():
    csca = factory.make_csca("ec-p256", common_name="CSCA Multinode")
    return csca, factory.make_dsc(csca, "ec-p256")


@pytest.fixture(scope="session")
def csca_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("dev-csca")


@pytest.fixture(scope="session")
def cluster(tmp_path_factory, pki, csca_dir):
    instance = Cluster(NODE_COUNT)
    instance.start(setup=trusting(pki[0], csca_dir, tmp_path_factory.mktemp("trust")))
    print(f"\n{instance.describe()}", flush=True)
    try:
        yield instance
    finally:
        instance.stop()


@pytest.fixture(scope="session")
def deployment(cluster, tmp_path_factory, csca_dir) -> ClusterDeployment:
    return ClusterDeployment(cluster, tmp_path_factory.mktemp("multinode"), csca_dir)


@pytest.fixture(scope="session")
def alice(deployment):
    return deployment.enroll("alice", birth_date=dt.date(1990, 7, 23))


@pytest.fixture(scope="session")
def rp(deployment) -> RelyingParty:
    return RelyingParty(deployment, deployment.create_client())


@pytest.fixture(scope="session")
def enroller(cluster, pki) -> CrossNodeEnroller:
    return CrossNodeEnroller(cluster, pki[1])
