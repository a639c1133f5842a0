"""pytest fixtures of the enrollment HTTP API suite (see README.md).

The helpers behind them (the HTTP client, the outbox reader, the wallet, the server launcher,
the people and document makers) live in enrollment_support.py, so the tests import them from
there and never `from conftest import` (Tests/documents uses that name for its own conftest).

* `pki`: the trusted EC and RSA CSCAs and their DSCs, an expired DSC, a revoked DSC (in a CRL
  loaded before the server starts), an untrusted CSCA with the trusted one's DN, and a foreign one;
* `server`: `cyberid serve` with those CSCAs trusted, for the whole session; stopped at the end;
* `api`: the JSON client (every answer kept, for the privacy checks);
* `ca_chain`: /pki/root.pem and /pki/issuing.pem, saved to files and parsed;
* `outbox`: the development SMS outbox;
* `people`: unique document holders, remembered for the privacy checks;
* `enroller`: runs the flow step by step;
* `guardian`: an adult enrolled through the full flow, whose wallet key and certificate are kept.
"""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509

from enrollment_support import (
    UTC,
    Api,
    Enroller,
    Enrollment,
    Outbox,
    People,
    Pki,
    Server,
    factory,
    launch_server,
)


@pytest.fixture(scope="session")
def pki() -> Pki:
    ec_csca = factory.make_csca("ec-p256", common_name="CSCA Enrollment EC")
    rsa_csca = factory.make_csca("rsa-2048", common_name="CSCA Enrollment RSA")
    untrusted = factory.make_csca("ec-p256", common_name="CSCA Enrollment EC")  # same DN, other key
    foreign = factory.make_csca("ec-p256", country="UT", common_name="CSCA Utopia")
    revoked = factory.make_dsc(ec_csca, "ec-p256", common_name="Document Signer Revoked")
    return Pki(
        ec_csca=ec_csca,
        ec_dsc=factory.make_dsc(ec_csca, "ec-p256"),
        rsa_csca=rsa_csca,
        rsa_dsc=factory.make_dsc(rsa_csca, "rsa-2048"),
        expired_dsc=factory.make_dsc(
            ec_csca,
            "ec-p256",
            common_name="Document Signer Expired",
            not_before=dt.datetime(2020, 1, 1, tzinfo=UTC),
            not_after=dt.datetime(2025, 1, 1, tzinfo=UTC),
        ),
        untrusted_csca=untrusted,
        untrusted_dsc=factory.make_dsc(untrusted, "ec-p256"),
        foreign_csca=foreign,
        foreign_dsc=factory.make_dsc(foreign, "ec-p256"),
        revoked_dsc=revoked,
    )


@pytest.fixture(scope="session")
def server(pki, tmp_path_factory) -> Server:
    """The suite's server: default settings, the test CSCAs trusted before it starts."""
    yield from launch_server(pki, tmp_path_factory)


@pytest.fixture(scope="session")
def api(server) -> Api:
    return Api(server.base)


@pytest.fixture(scope="session")
def ca_chain(api, tmp_path_factory):
    """(root.pem path, issuing.pem path, root cert, issuing cert) as published under /pki."""
    directory = tmp_path_factory.mktemp("pki")
    out = []
    for name in ("root", "issuing"):
        response = api.get(f"/pki/{name}.pem")
        assert response.status == 200, response
        path = directory / f"{name}.pem"
        path.write_bytes(response.body)
        out.append(path)
    root = x509.load_pem_x509_certificate(out[0].read_bytes())
    issuing = x509.load_pem_x509_certificate(out[1].read_bytes())
    return out[0], out[1], root, issuing


@pytest.fixture(scope="session")
def outbox(server) -> Outbox:
    return Outbox(server.outbox_path)


@pytest.fixture(scope="session")
def people() -> People:
    return People()


@pytest.fixture(scope="session")
def enroller(api, outbox, pki, people, server) -> Enroller:
    return Enroller(api, outbox, pki, people, server)


@pytest.fixture(scope="session")
def guardian(enroller) -> Enrollment:
    """An adult enrolled through the full flow; its wallet key and certificate are kept."""
    return enroller.full(enroller.people.make(age=41))
