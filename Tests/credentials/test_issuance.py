"""Issuance through the wallet CLI (`cyberid wallet credentials fetch|list|show`): every credential
verifies with the IETF reference verifier and the keys of /.well-known/jwt-vc-issuer, carries the
contract's claims (and no network number, not even in a disclosure), is bound to its own holder
key kept in the wallet file, and a batch has nothing in common a verifier could link."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import time

import pytest
from cryptography import x509

from credentials_support import (
    ASSURANCE_LEVELS,
    BATCH_SIZE,
    DISCLOSABLE,
    HARMLESS_PAYLOAD_CLAIMS,
    PAYLOAD_CLAIMS,
    SD_JWT_TYP,
    VCT,
    SdJwt,
    fetch_credentials,
    fetched,
    list_credentials,
    public_jwk,
    reference_verify,
    same_key,
    show_credential,
    wallet_credentials,
)
from enrollment_support import parse_rfc3339, years_ago

DAY = 86400


def as_epoch(value) -> float:
    """A time of `list --json`: epoch seconds or an RFC 3339 string."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    assert isinstance(value, str), value
    return parse_rfc3339(value).timestamp()


def test_fetch_stores_a_batch_that_list_and_show_print(deployment, alice, alice_batch):
    assert len(alice_batch) == BATCH_SIZE
    listed = list_credentials(deployment, alice)
    stored = {c.id: c for c in wallet_credentials(alice)}
    assert {entry["id"] for entry in listed} == set(stored), (listed, sorted(stored))
    for entry in listed:
        assert {"id", "vct", "issued_at", "expires_at", "used"} <= set(entry), entry
        assert entry["vct"] == VCT, entry
        payload = stored[entry["id"]].payload
        assert abs(as_epoch(entry["expires_at"]) - payload["exp"]) <= 1, (entry, payload["exp"])
        assert as_epoch(entry["issued_at"]) <= time.time() + 5, entry
        assert bool(entry["used"]) == bool(stored[entry["id"]].entry.get("used_at")), entry
    for credential in alice_batch:
        shown = show_credential(deployment, alice, credential.id)
        assert shown == credential.credential, "show prints the stored credential"
        assert shown.endswith("~") and shown.count("~") == 1 + len(DISCLOSABLE), shown[-80:]
        assert credential.private_key_pem.startswith("-----BEGIN PRIVATE KEY-----"), "PKCS#8 PEM"
    # The file now holds ten more private keys: still readable by its owner only.
    assert alice.wallet.stat().st_mode & 0o077 == 0, oct(alice.wallet.stat().st_mode)


def test_the_reference_verifier_accepts_every_credential(deployment, alice_batch, issuer_keys):
    for credential in alice_batch:
        parsed = SdJwt.parse(credential.credential)
        assert parsed.kb_jwt == "", "the issuance form ends with ~"
        header = parsed.header
        assert header["alg"] == "ES256" and header["typ"] == SD_JWT_TYP, header
        assert header["kid"] in issuer_keys.kids(), header
        verified = reference_verify(credential.credential, issuer_keys)
        for name in DISCLOSABLE:
            assert name in verified, (name, sorted(verified))


def test_claims_of_the_credential(deployment, alice, alice_batch, issuer_keys):
    certificate = x509.load_der_x509_certificate(alice.certificate_der())
    now = time.time()
    for credential in alice_batch:
        verified = reference_verify(credential.credential, issuer_keys)
        payload = credential.payload
        extra = set(payload) - PAYLOAD_CLAIMS - HARMLESS_PAYLOAD_CLAIMS
        assert not extra, f"claims beyond the contract (a sub or jti would link a batch): {sorted(extra)}"
        assert payload["iss"] == deployment.issuer
        assert payload["vct"] == VCT
        assert payload["verified"] is True
        assert payload["assurance_level"] in ASSURANCE_LEVELS and payload["assurance_level"] == alice.assurance_level
        assert payload["age_over_14"] is True and payload["age_over_18"] is True
        assert payload["_sd_alg"] == "sha-256"
        assert len(payload["_sd"]) == len(DISCLOSABLE), payload["_sd"]
        assert payload["iat"] % DAY == 0, f"iat is rounded down to the day: {payload['iat']}"
        assert payload["iat"] <= now < payload["iat"] + DAY + 60, payload["iat"]
        assert payload["exp"] > now and payload["exp"] > payload["iat"], payload
        assert payload["exp"] <= certificate.not_valid_after_utc.timestamp(), "exp ≤ the certificate's expiry"
        status = payload["status"]["status_list"]
        assert isinstance(status["idx"], int) and status["idx"] >= 0, status
        assert re.fullmatch(re.escape(deployment.issuer) + r"/status/lists/\d+", status["uri"]), status

        # Every disclosure is one of the four claims, each once, digest in _sd.
        decoded = credential.sd_jwt.decoded()
        assert set(decoded) == set(payload["_sd"]), "each disclosure's digest is in _sd"
        names = sorted(d[1] for d in decoded.values())
        assert names == sorted(DISCLOSABLE), names
        assert all(len(d) == 3 for d in decoded.values()), decoded
        assert verified["given_name"].upper() == alice.given_names.upper(), verified["given_name"]
        assert verified["family_name"].upper() == alice.surname.upper(), verified["family_name"]
        assert verified["birthdate"] == alice.birth_date.isoformat()
        assert verified["nationality"] == "CHN"


def test_no_network_number_anywhere(alice, alice_batch):
    canonical = alice.network_number.replace("-", "")
    for credential in alice_batch:
        text = credential.credential + credential.sd_jwt.everything_decoded()
        for form in (alice.network_number, canonical):
            assert form not in text, "the network number is in the credential"
        assert "network" not in credential.sd_jwt.everything_decoded().lower()


def test_each_credential_is_bound_to_its_own_key_in_the_wallet(alice, alice_batch):
    wallet_key = public_jwk(alice.file()["private_key_pem"])
    for credential in alice_batch:
        cnf = credential.payload["cnf"]["jwk"]
        assert "d" not in cnf, "the holder's private key is in the credential"
        assert same_key(cnf, public_jwk(credential.private_key_pem)), "cnf.jwk is not the stored holder key"
        assert not same_key(cnf, wallet_key), "a credential must not be bound to the wallet key (it would link)"


def test_a_batch_shares_no_salt_key_signature_or_index(alice_batch):
    salts, keys, signatures, indexes, digests = [], [], [], [], []
    for credential in alice_batch:
        parsed = credential.sd_jwt
        salts += [d[0] for d in parsed.decoded().values()]
        keys.append(json.dumps(public_jwk(credential.private_key_pem), sort_keys=True))
        signatures.append(parsed.signature)
        indexes.append((credential.payload["status"]["status_list"]["uri"], credential.payload["status"]["status_list"]["idx"]))
        digests += credential.payload["_sd"]
    for name, values in (("salt", salts), ("holder key", keys), ("signature", signatures), ("status index", indexes),
                         ("digest", digests)):
        duplicates = [v for v in set(values) if values.count(v) > 1]
        assert not duplicates, f"a {name} is shared across the batch: {duplicates[:3]}"
    assert len(salts) == BATCH_SIZE * len(DISCLOSABLE)
    # Neighbouring indexes would link a batch as well (the status-list draft's privacy
    # considerations: assign indexes at random); ten random ones in a large list are far apart.
    numbers = sorted(index for _, index in indexes)
    assert numbers[-1] - numbers[0] > 1000, f"the batch's status indexes are a run: {numbers}"
    # The same claim value under different salts: the disclosures differ too.
    for a, b in itertools.combinations(alice_batch, 2):
        assert set(a.sd_jwt.disclosures).isdisjoint(b.sd_jwt.disclosures)


def test_a_teenager_is_over_14_not_over_18(deployment, alice):
    teen = deployment.enroll("teen", birth_date=years_ago(16), guardian=alice)
    result = fetch_credentials(deployment, teen, 1)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert result.stdout.strip(), "fetch prints a line"
    [credential] = wallet_credentials(teen)
    assert credential.payload["age_over_14"] is True
    assert credential.payload["age_over_18"] is False


def test_exp_does_not_tell_a_birthday(deployment, alice, alice_batch):
    """docs/credentials.md §1: exp is not cut at the 18th birthday (beside age_over_18: false it
    would tell the birth date of someone who withheld it): someone turning 18 in 10 days gets
    the exp of anyone issued that day."""
    today = dt.date.today()
    eighteen_years_ago = today - dt.timedelta(days=1) if (today.month, today.day) == (2, 29) else today
    birth_date = eighteen_years_ago.replace(year=today.year - 18) + dt.timedelta(days=10)
    if (birth_date.month, birth_date.day) == (2, 29):  # keep the 18th birthday a plain date
        birth_date += dt.timedelta(days=1)
    almost = deployment.enroll("almost18", birth_date=birth_date, guardian=alice)
    assert fetch_credentials(deployment, almost, 1).returncode == 0
    [credential] = wallet_credentials(almost)
    payload = credential.payload
    assert payload["age_over_18"] is False
    birthday = dt.datetime.combine(birth_date.replace(year=birth_date.year + 18), dt.time(), dt.timezone.utc)
    assert payload["exp"] > birthday.timestamp() + 86400, (payload["exp"], birthday)
    adult = alice_batch[0].payload
    if adult["iat"] == payload["iat"]:  # issued the same day (UTC)
        assert payload["exp"] == adult["exp"], (payload["exp"], adult["exp"])


@pytest.mark.parametrize("count", ["0", "11"])
def test_fetch_refuses_a_count_outside_1_to_10(deployment, alice, count):
    before = len(wallet_credentials(alice))
    result = deployment.cli("wallet", "credentials", "fetch", "--count", count, "--wallet", str(alice.wallet))
    assert result.returncode != 0, result.stdout
    assert result.stderr.strip(), "a refusal says why"
    assert len(wallet_credentials(alice)) == before


def test_a_second_fetch_adds_credentials(deployment, alice, alice_batch):
    more = fetched(deployment, alice, 2)
    assert {c.id for c in more}.isdisjoint({c.id for c in alice_batch})
    assert {c.id for c in more} <= {entry["id"] for entry in list_credentials(deployment, alice)}
