"""The other direction: documents written by `cyberid dev document` must verify with the
independent Python reference verifier (and so be what ICAO 9303 says), not only with
CyberID's own verifier. Skipped until the binary knows `dev document`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess

import pytest
from asn1crypto import cms
from cryptography.hazmat.primitives import serialization

import emrtd_factory as f
import reference_verifier

CHALLENGE = bytes.fromhex("a1b2c3d4e5f60718")


def dev_document(binary, out, *options):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERID_")}
    env["CYBERID_DATA_DIR"] = str(out.parent / "cyberid-data")
    completed = subprocess.run(
        [str(binary), "dev", "document", "--out", str(out), *options], capture_output=True, text=True, timeout=120, env=env
    )
    assert completed.returncode == 0, completed.stderr
    return out


def reference(directory, *, today=None, aa=True):
    """Runs the reference verifier on a Swift-written directory, answering AA with its key."""
    argv = ["--document", str(directory), "--csca", str(directory / "csca.pem")]
    if today:
        argv += ["--today", today]
    if aa:
        key = serialization.load_pem_private_key((directory / "aa-private-key.pem").read_bytes(), password=None)
        signature = directory.parent / "aa-signature.bin"
        signature.write_bytes(f.aa_sign(key, CHALLENGE))
        argv += ["--challenge", CHALLENGE.hex(), "--aa-signature", str(signature)]
    outcome = reference_verifier.run(argv)
    return outcome.exit_code, json.loads(outcome.stdout) if outcome.stdout else None


@pytest.mark.parametrize(
    "options, key_kind",
    [
        pytest.param([], "ec", id="p256"),
        pytest.param(["--rsa"], "rsa", id="rsa"),
        pytest.param(
            ["--surname", "LI", "--given-names", "XIAO HONG", "--birth-date", "2010-06-01", "--sex", "F",
             "--document-number", "G1234567", "--personal-number", "11010120100601"],
            "ec",
            id="custom-fields",
        ),
    ],
)
def test_dev_document_verifies_independently(cyberid_bin_with_dev_document, tmp_path, options, key_kind):
    directory = dev_document(cyberid_bin_with_dev_document, tmp_path / "doc", *options)
    code, output = reference(directory)
    assert code == 0, output
    assert output["active_authentication"] is True
    assert output["data_groups"] == [1, 2, 15]

    # The fields are what was asked for.
    asked = dict(zip(options[::2], options[1::2])) if "--rsa" not in options else {}
    mrz = output["mrz"]
    assert mrz["surname"] == asked.get("--surname", "ZHANG")
    assert mrz["given_names"] == asked.get("--given-names", "SAN")
    assert mrz["birth_date"] == asked.get("--birth-date", "1990-01-01")
    assert mrz["sex"] == asked.get("--sex", "M")
    assert mrz["document_number"] == asked.get("--document-number", "E12345678")
    assert mrz["personal_number"] == asked.get("--personal-number")
    assert dt.date.fromisoformat(mrz["expiry_date"]) >= dt.date.today()

    # The SOD's algorithms are the ones the contract names.
    _, content, _ = f.read_tlv((directory / "SOD.bin").read_bytes())
    signed = cms.ContentInfo.load(content)["content"]
    algorithm = signed["signer_infos"][0]["signature_algorithm"]["algorithm"].dotted
    if key_kind == "rsa":
        assert algorithm == "1.2.840.113549.1.1.10"  # RSASSA-PSS
        assert f.key_type_of(serialization.load_der_public_key(f.read_tlv((directory / "DG15.bin").read_bytes())[1])).startswith("rsa")
    else:
        assert algorithm == "1.2.840.10045.4.3.2"  # ecdsa-with-SHA256


def test_dev_document_expired(cyberid_bin_with_dev_document, tmp_path):
    directory = dev_document(cyberid_bin_with_dev_document, tmp_path / "doc", "--expired")
    code, output = reference(directory, aa=False)
    assert (code, output["error"]) == (1, "document-expired"), output


def test_dev_document_reuses_its_csca(cyberid_bin_with_dev_document, tmp_path):
    first = dev_document(cyberid_bin_with_dev_document, tmp_path / "doc", "--surname", "ONE")
    csca = (first / "csca.pem").read_bytes()
    second = dev_document(cyberid_bin_with_dev_document, tmp_path / "doc", "--surname", "TWO")
    assert (second / "csca.pem").read_bytes() == csca
    assert reference(second)[0] == 0
