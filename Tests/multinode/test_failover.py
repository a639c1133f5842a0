"""The primary PostgreSQL lost under load (issue 16, failover; docs/multinode.md "Failover").

Three `cyberid serve` nodes behind nginx on a Patroni pair (patroni_cluster.py: etcd, two
members, synchronous replication) with the multi-host database URL
(`...@127.0.0.1:P1,127.0.0.1:P2/cyberid?...&target_session_attrs=read-write`). Threads run
HTTP enrollments, whole logins and a probe (a new enrollment session every 0.25 s) through nginx;
the leader's machine is lost (SIGKILL to its Patroni and its PostgreSQL). Patroni promotes the
synchronous standby once the leader key expires; the nodes find the new primary by themselves.

Measured and printed (`figure`): how long Patroni took to promote, the time from the kill until
the first successful request and until the last failed one, and the failures. Asserted: the
service answers again within BOUND_SECONDS; no enrollment or login hangs (SLOW_SECONDS); every enrollment the service acknowledged (201 with a
network number) is in the new primary's database and shown by `cyberid admin person show`; a
whole login works afterwards. Then the old leader comes back, rejoins as the synchronous standby,
and the nodes keep working.

Runs only with CYBERID_FAILOVER=1 (scripts/failover) or CYBERID_MULTINODE_FULL=1.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import time
from dataclasses import dataclass
from typing import Optional

import pytest
import requests

from cluster import Cluster
from multinode_support import (
    ClusterDeployment, CrossNodeEnroller, FULL, LoginFailed, figure, login_through_nginx, trusting)
from oidc_support import RelyingParty

FAILOVER = os.environ.get("CYBERID_FAILOVER") == "1"
pytestmark = pytest.mark.skipif(
    not (FAILOVER or FULL), reason="failover run only (CYBERID_FAILOVER=1, scripts/failover, or CYBERID_MULTINODE_FULL=1)")

NODES = 3
BOUND_SECONDS = 60  # the service answers writes again within this after the primary is lost
WARMUP_SECONDS = 8  # load before the kill
STABLE_SECONDS = 15  # load after the first success following the kill
ENROLL_WORKERS, LOGIN_WORKERS = 2, 2
SLOW_SECONDS = 20  # an enrollment or login taking longer hung somewhere (a node answers 503 within ~3 s)


@dataclass
class Through:
    """nginx's public address where the enrollment helpers expect a node (`.base`)."""
    base: str


@dataclass
class Record:
    kind: str  # "probe", "enroll", "login"
    start: float
    end: float
    ok: bool
    detail: str = ""
    network_number: Optional[str] = None


@pytest.fixture(scope="module")
def pair():
    from patroni_cluster import PatroniCluster  # installs patroni / etcd-server when missing

    started = time.monotonic()
    instance = PatroniCluster().start()
    figure(f"failover: Patroni pair (etcd, 2 members, synchronous_mode) up with a synchronous standby in "
           f"{time.monotonic() - started:.1f} s")
    print(f"\n{instance.describe()}", flush=True)
    try:
        yield instance
    finally:
        instance.close()


@pytest.fixture(scope="module")
def failover_cluster(pair, pki, csca_dir, tmp_path_factory):
    # CYBERID_FAILOVER_SINGLE_HOST=1 (debugging only): the nodes get the leader's URL alone, as a
    # server without multi-host support would need; they cannot follow a failover then.
    url = pair.single_url(pair.leader()) if os.environ.get("CYBERID_FAILOVER_SINGLE_HOST") == "1" else pair.url
    instance = Cluster(NODES, database_url=url, log_level=os.environ.get("CYBERID_FAILOVER_LOG_LEVEL", "info"))
    instance.start(setup=trusting(pki[0], csca_dir, tmp_path_factory.mktemp("failover-trust")))
    print(f"\n{instance.describe()}", flush=True)
    try:
        yield instance
    finally:
        instance.stop()


@pytest.fixture(scope="module")
def failover_deployment(failover_cluster, tmp_path_factory, csca_dir) -> ClusterDeployment:
    return ClusterDeployment(failover_cluster, tmp_path_factory.mktemp("failover"), csca_dir)


@pytest.fixture(scope="module")
def failover_holder(failover_deployment):
    return failover_deployment.enroll("fay", birth_date=dt.date(1988, 4, 9))


@pytest.fixture(scope="module")
def failover_rp(failover_deployment) -> RelyingParty:
    return RelyingParty(failover_deployment, failover_deployment.create_client())


@pytest.fixture(scope="module")
def failover_enroller(failover_cluster, pki) -> CrossNodeEnroller:
    return CrossNodeEnroller(failover_cluster, pki[1])


class Load:
    """Enrollments, logins and a probe through nginx, in threads, each outcome recorded."""

    def __init__(self, cluster: Cluster, deployment: ClusterDeployment, rp: RelyingParty, holder, enroller: CrossNodeEnroller):
        self.cluster, self.deployment, self.rp, self.holder, self.enroller = cluster, deployment, rp, holder, enroller
        self.records: list[Record] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def add(self, record: Record) -> None:
        with self.lock:
            self.records.append(record)

    def snapshot(self) -> list[Record]:
        with self.lock:
            return list(self.records)

    def enroll_worker(self) -> None:
        public = Through(self.cluster.public)
        while not self.stop.is_set():
            begun = time.monotonic()
            try:
                result, _ = self.enroller.enroll([public] * 5)
                self.add(Record("enroll", begun, time.monotonic(), True, network_number=result["network_number"]))
            except Exception as error:  # AssertionError(<response>) from the helpers, or a transport error
                self.add(Record("enroll", begun, time.monotonic(), False, repr(error)[:300]))
                self.stop.wait(0.2)

    def login_worker(self) -> None:
        while not self.stop.is_set():
            begun = time.monotonic()
            try:
                login_through_nginx(self.deployment, self.rp, self.holder)
                self.add(Record("login", begun, time.monotonic(), True))
            except (LoginFailed, AssertionError, requests.RequestException) as error:
                self.add(Record("login", begun, time.monotonic(), False, str(error)[:300]))
                self.stop.wait(0.2)

    def probe_worker(self) -> None:
        """A small write every 0.25 s: a new enrollment session (201)."""
        url = self.cluster.public + "/enrollment/v1/sessions"
        while not self.stop.is_set():
            begun = time.monotonic()
            try:
                answer = requests.post(url, json={}, timeout=15)
                ok, detail = answer.status_code == 201, f"{answer.status_code} {answer.text[:150]}"
            except requests.RequestException as error:
                ok, detail = False, repr(error)[:200]
            self.add(Record("probe", begun, time.monotonic(), ok, "" if ok else detail))
            self.stop.wait(max(0.0, 0.25 - (time.monotonic() - begun)))

    def start(self) -> None:
        targets = [self.enroll_worker] * ENROLL_WORKERS + [self.login_worker] * LOGIN_WORKERS + [self.probe_worker]
        self.threads = [threading.Thread(target=target, daemon=True) for target in targets]
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)


def stored(number: str) -> str:
    """A network number as the database keeps it: the service shows it in groups with dashes."""
    return number.replace("-", "").upper()


def relative(seconds: Optional[float]) -> str:
    return "never" if seconds is None else f"{seconds:.1f} s"


def test_primary_lost_under_load(pair, failover_cluster, failover_deployment, failover_rp, failover_holder, failover_enroller):
    cluster, deployment = failover_cluster, failover_deployment
    standby = pair.sync_standby_streaming()
    assert standby is not None, pair.roles()
    sync_names = pair.psql(pair.leader(), "postgres", "SHOW synchronous_standby_names").strip()

    load = Load(cluster, deployment, failover_rp, failover_holder, failover_enroller)
    load.start()
    time.sleep(WARMUP_SECONDS)
    before = load.snapshot()
    assert any(r.ok and r.kind == "enroll" for r in before), [r.detail for r in before if not r.ok][:5]

    killed = pair.kill_leader()
    kill = pair.killed_at
    promoted: dict = {}

    def watch_promotion():
        try:
            promoted["member"], promoted["seconds"] = pair.wait_for_new_leader(BOUND_SECONDS)
        except RuntimeError as error:
            promoted["error"] = str(error)

    watcher = threading.Thread(target=watch_promotion, daemon=True)
    watcher.start()

    # Run on until the service has been answering for STABLE_SECONDS (or the bound has passed).
    first_ok = None
    while time.monotonic() - kill < BOUND_SECONDS + 5:
        if first_ok is None:
            after = [r for r in load.snapshot() if r.start > kill and r.ok]
            if after:
                first_ok = min(r.end for r in after) - kill
        if first_ok is not None and time.monotonic() - kill > first_ok + STABLE_SECONDS:
            break
        time.sleep(0.2)
    load.finish()
    watcher.join(timeout=BOUND_SECONDS)
    records = load.snapshot()

    # What happened ----------------------------------------------------------------------
    after_kill = [r for r in records if r.end > kill]
    failures = [r for r in after_kill if not r.ok]
    first_ok_of = {kind: min((r.end - kill for r in records if r.kind == kind and r.ok and r.start > kill), default=None)
                   for kind in ("probe", "enroll", "login")}
    last_failure = max((r.end - kill for r in failures), default=None)
    acknowledged = [r for r in records if r.kind == "enroll" and r.ok]
    promotion = promoted.get("seconds")
    count = {kind: (sum(1 for r in records if r.kind == kind), sum(1 for r in failures if r.kind == kind))
             for kind in ("probe", "enroll", "login")}
    figure(
        f"failover: leader {killed.name} lost (SIGKILL to Patroni + postmaster) under {ENROLL_WORKERS} enrollment, "
        f"{LOGIN_WORKERS} login workers and a write probe every 0.25 s; synchronous_standby_names was {sync_names!r}")
    new_member = promoted.get("member")
    lock_taken = pair.lock_taken_after_kill(new_member) if new_member else None
    figure(
        f"failover: Patroni took the leader lock on {new_member.name if new_member else '-'} {relative(lock_taken)} after "
        f"the kill, its PostgreSQL accepted writes at {relative(promotion)} (ttl {pair_ttl()} s, loop_wait {pair_loop_wait()} s)")
    figure(
        f"failover: first successful request after the kill at {relative(first_ok)} (probe {relative(first_ok_of['probe'])}, "
        f"enrollment {relative(first_ok_of['enroll'])}, login {relative(first_ok_of['login'])}); the last failed "
        f"operation ended at {relative(last_failure)}")
    figure(
        "failover: requests (all / failed after the kill): "
        + ", ".join(f"{kind} {total}/{failed}" for kind, (total, failed) in count.items())
        + f"; {len(acknowledged)} enrollments acknowledged ({sum(1 for r in acknowledged if r.start > kill)} started after the kill)")
    kinds_of_failure: dict[str, int] = {}
    for r in failures:
        key = f"{r.kind}: {' '.join(r.detail.split())[:110]}"
        kinds_of_failure[key] = kinds_of_failure.get(key, 0) + 1
    for key, number in sorted(kinds_of_failure.items(), key=lambda item: -item[1])[:8]:
        figure(f"   {number} x {key}")
    slow = sorted((r for r in after_kill if r.end - r.start > SLOW_SECONDS), key=lambda r: r.start)
    for r in slow:
        figure(f"   slow {r.kind} ({'ok' if r.ok else 'failed'}), {r.start - kill:+.1f} s .. {r.end - kill:+.1f} s "
               f"from the kill: {' '.join(r.detail.split())[:160]}")

    # What the new primary holds (reported before any check fails) ---------------------------
    assert "error" not in promoted, promoted
    new_leader = pair.leader()
    assert new_leader is not killed
    numbers = [stored(r.network_number) for r in acknowledged]
    assert len(set(numbers)) == len(numbers), numbers
    listed = ",".join(f"'{n}'" for n in numbers)
    found = set(pair.query(
        f"SELECT n.number FROM network_numbers n JOIN persons p ON p.id = n.person_id WHERE n.number IN ({listed})",
        new_leader).split())
    missing = [r for r in acknowledged if stored(r.network_number) not in found]
    figure(f"failover: {len(found)} of {len(numbers)} acknowledged enrollments are in the new primary {new_leader.name}")
    # Completions answered with an error (not acknowledged): did their commit happen anyway?
    interrupted = [m.group(1) for r in failures if r.kind == "enroll"
                   for m in [re.search(r"/enrollment/v1/sessions/([\w-]+)/complete ", r.detail)] if m]
    if interrupted:
        rows = pair.query("SELECT id, state, person_id IS NOT NULL FROM enrollment_sessions WHERE id IN ("
                          + ",".join(f"'{i}'" for i in interrupted) + ")", new_leader).split()
        figure(f"failover: {len(interrupted)} completion(s) answered with an error (not acknowledged); in the new "
               f"primary their sessions are (id|state|has person): {rows or 'not found'}")

    # The checks ---------------------------------------------------------------------------
    assert not missing, [(round(r.end - kill, 2), r.network_number) for r in missing]
    assert first_ok is not None and first_ok <= BOUND_SECONDS, f"no successful request within {BOUND_SECONDS} s"
    # Failures other than a hung request (below) end within the bound.
    last_quick = max((r.end - kill for r in failures if r not in slow), default=None)
    assert last_quick is None or last_quick <= BOUND_SECONDS, f"failures went on until {last_quick:.1f} s"
    late = [r for r in failures if r.start > kill + first_ok + 5 and r not in slow]
    assert not late, [(round(r.start - kill, 1), r.kind, r.detail) for r in late]
    assert first_ok_of["enroll"] is not None, "no enrollment completed after the failover"

    # ...and the service itself (the CLI on the multi-host URL) shows those acknowledged around the kill.
    around = sorted(acknowledged, key=lambda r: abs(r.end - kill))[:8]
    for record in around:
        shown = deployment.cli_json("admin", "person", "show", record.network_number)
        assert shown.get("state") == "active", (record.network_number, shown)

    # A whole login after the failover -----------------------------------------------------
    claims = login_through_nginx(deployment, failover_rp, failover_holder)
    assert claims["iss"] == cluster.public

    # Without a primary the nodes answer 503 within seconds; nothing may hang until nginx gives up
    # (60 s). It did in 5 of 17 runs before the store stopped using postgres-nio's withTransaction
    # (a ROLLBACK written to a closed connection never completed: docs/multinode.md, "Failover").
    assert not slow, [(round(r.start - kill, 1), round(r.end - kill, 1), r.kind, r.detail[:200]) for r in slow]


def pair_ttl() -> int:
    from patroni_cluster import DCS_SETTINGS
    return DCS_SETTINGS["ttl"]


def pair_loop_wait() -> int:
    from patroni_cluster import DCS_SETTINGS
    return DCS_SETTINGS["loop_wait"]


def test_old_leader_rejoins_as_the_synchronous_standby(pair, failover_cluster, failover_deployment, failover_rp,
                                                       failover_holder, failover_enroller):
    """After test_primary_lost_under_load: the lost member's Patroni is started again. It
    rewinds or recovers its PostgreSQL, follows the new leader and becomes the synchronous
    standby; the nodes go on, and what is written now is on both members."""
    old = pair.killed
    if old is None:
        pytest.skip("needs test_primary_lost_under_load first")
    started = time.monotonic()
    pair.killed = None
    pair.start_member(old)
    standby = pair.wait_for_sync_replica(120)
    took = time.monotonic() - started
    roles = pair.roles()
    figure(f"failover: the old leader {old.name} restarted, streaming as the synchronous standby after {took:.1f} s ({roles})")
    assert standby is old, roles
    assert pair.in_recovery(old) is True

    result, _ = failover_enroller.enroll([Through(failover_cluster.public)] * 5)
    number = result["network_number"]
    claims = login_through_nginx(failover_deployment, failover_rp, failover_holder)
    assert claims["iss"] == failover_cluster.public
    # Synchronous: once acknowledged, the enrollment's WAL is flushed on the standby too
    # (synchronous_commit = on); it becomes visible there once replayed, a moment later.
    deadline = time.monotonic() + 10
    while True:
        on_standby = pair.psql(old, "cyberid", f"SELECT count(*) FROM network_numbers WHERE number = '{stored(number)}'",
                               user="cyberid").strip()
        if on_standby == "1" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert on_standby == "1", on_standby
    leader_count = pair.query("SELECT count(*) FROM network_numbers").strip()
    standby_count = pair.psql(old, "cyberid", "SELECT count(*) FROM network_numbers", user="cyberid").strip()
    figure(f"failover: after the rejoin, network_numbers on the leader {leader_count}, on the standby {standby_count}")
    assert leader_count == standby_count
