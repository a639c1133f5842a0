"""Pairwise subjects (docs/relying-parties.md §1 `--sector`, §3 `sub`): stable within a sector,
different across sectors and persons, never the network number."""

from __future__ import annotations

import base64
import uuid

from oidc_support import RelyingParty, login


def sub_of(deployment, holder, client) -> str:
    result = login(deployment, RelyingParty(deployment, client), holder)
    return result.claims["sub"]


def sector() -> str:
    return f"shop-{uuid.uuid4().hex[:8]}.example"


def test_sub_is_pairwise_per_sector(deployment, alice, bob):
    shop_a, shop_b = sector(), sector()
    a1 = deployment.create_client(sector=shop_a)
    a2 = deployment.create_client(sector=shop_a)  # another platform of the same sector
    b = deployment.create_client(sector=shop_b)

    alice_a1 = sub_of(deployment, alice, a1)
    assert sub_of(deployment, alice, a1) == alice_a1, "two logins with one client: the same sub"
    assert sub_of(deployment, alice, a2) == alice_a1, "the same sector: the same sub"
    alice_b = sub_of(deployment, alice, b)
    assert alice_b != alice_a1, "another sector: another sub"
    bob_a1 = sub_of(deployment, bob, a1)
    assert bob_a1 != alice_a1, "two persons: two subs"
    assert sub_of(deployment, bob, b) not in (bob_a1, alice_b)

    for sub in (alice_a1, alice_b, bob_a1):
        raw = base64.urlsafe_b64decode(sub.rstrip("=") + "=")
        assert len(raw) == 32  # an HMAC-SHA256
    for holder in (alice, bob):
        for sub in (alice_a1, alice_b, bob_a1):
            assert holder.network_number not in sub and holder.network_number.replace("-", "") not in sub


def test_default_sector_is_the_redirect_host(deployment, alice):
    """Without --sector the sector is the redirect URIs' host (here 127.0.0.1)."""
    default = deployment.create_client()
    explicit = deployment.create_client(sector="127.0.0.1")
    other = deployment.create_client(sector=sector())
    sub = sub_of(deployment, alice, default)
    assert sub_of(deployment, alice, explicit) == sub
    assert sub_of(deployment, alice, other) != sub
