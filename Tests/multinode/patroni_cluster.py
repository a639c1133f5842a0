"""A PostgreSQL pair managed by Patroni on one etcd (issue 16, failover): the harness.

    python3 Tests/multinode/patroni_cluster.py     # starts the pair, prints the URLs, waits for Ctrl-C

`PatroniCluster().start()` makes, in a fresh temporary directory (owned by `postgres`):

* one etcd (Debian's `etcd-server`, 3.4) on two free loopback ports. Patroni 3.0.2 talks to it
  through the `etcd3:` section, i.e. the v3 API over etcd's gRPC gateway (`/v3/...`), so etcd
  needs no `--enable-v2`;
* two Patroni members (Debian's `patroni`, 3.0.2), `member1` and `member2`, each with its own
  PostgreSQL port, REST API port and data directory, run as the `postgres` user (PostgreSQL
  refuses to run as root). The dynamic configuration (`bootstrap.dcs`) is `DCS_SETTINGS`:
  a leader key that lives 10 s, a loop every second, and synchronous replication;
* the role `cyberid` (password authentication, scram-sha-256) owning the database `cyberid`,
  created on the leader once the other member streams as the *synchronous* standby.

`url` is the multi-host database URL a CyberID node is given:

    postgres://cyberid:PASSWORD@127.0.0.1:PORT1,127.0.0.1:PORT2/cyberid?sslmode=disable&target_session_attrs=read-write

`leader()` and `replica()` name the members by their roles in Patroni's `GET /cluster`;
`kill_leader()` loses the leader's machine: SIGKILL to its Patroni process and to its postmaster
with every child (Patroni left alive would just restart PostgreSQL, and nothing would fail over);
`wait_for_new_leader()` waits until the other member is the leader and its PostgreSQL accepts
writes; `start_member()` brings a killed member back (it rejoins as a replica, pg_rewind where
needed); `close()` stops everything and removes the directory (CYBERID_MULTINODE_KEEP=1 keeps it).

Installs `patroni`, `etcd-server` (and `postgresql`) with apt-get when missing; Debian's
packages start no service here (policy-rc.d / no init), and none of their defaults is used.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from cluster import apt_install, free_port, postgres_bin_dir  # noqa: E402

SCOPE = "cyberid"
NAMESPACE = "/cyberid-failover/"
DATABASE = "cyberid"
USER = "cyberid"

# Patroni's dynamic configuration, stored in etcd at bootstrap (docs/multinode.md, "Failover").
DCS_SETTINGS = {
    # The leader key lives `ttl` seconds; the leader renews it every `loop_wait`. A leader whose
    # machine is lost stops renewing, and the replica takes the key when it expires: the
    # failover takes at most ttl + loop_wait (+ the promotion itself).
    "ttl": 10,
    "loop_wait": 1,
    # How long Patroni retries etcd and PostgreSQL before it gives up a cycle. Patroni wants
    # loop_wait + 2 * retry_timeout <= ttl: a leader that cannot reach etcd demotes itself
    # before its key expires, so there are never two primaries.
    "retry_timeout": 4,
    # Only a replica this close (bytes of WAL) may be promoted. With synchronous_mode the
    # synchronous standby is the only candidate anyway.
    "maximum_lag_on_failover": 1048576,
    # synchronous_standby_names is managed by Patroni: a commit is acknowledged to the client
    # only once the standby has flushed its WAL (synchronous_commit = on), so an acknowledged
    # enrollment is on two servers. Only the synchronous standby may be promoted.
    "synchronous_mode": True,
    # Not strict: when the standby is lost the primary goes on alone (Patroni empties
    # synchronous_standby_names) rather than stopping every write. A pair cannot be strict
    # and survive the loss of either server; see docs/multinode.md for a national deployment.
    "synchronous_mode_strict": False,
    "postgresql": {
        "use_pg_rewind": True,
        "use_slots": True,
        "parameters": {
            "max_connections": 200,
            "wal_level": "replica",
            "hot_standby": "on",
            "max_wal_senders": 10,
            "max_replication_slots": 10,
            "wal_keep_size": "256MB",
            # pg_rewind needs hints or checksums (initdb --data-checksums below): the old
            # leader, back after a failover, is rewound to the new timeline, not re-cloned.
            "wal_log_hints": "on",
            "synchronous_commit": "on",
            # fsync stays on: the point is what survives a lost machine.
            "fsync": "on",
            "password_encryption": "scram-sha-256",
        },
    },
}


def patroni_binary() -> str:
    found = shutil.which("patroni") or ("/usr/bin/patroni" if os.access("/usr/bin/patroni", os.X_OK) else None)
    if found is None:
        apt_install("patroni")
        found = shutil.which("patroni") or "/usr/bin/patroni"
    return found


def etcd_binary() -> str:
    found = shutil.which("etcd") or ("/usr/bin/etcd" if os.access("/usr/bin/etcd", os.X_OK) else None)
    if found is None:
        apt_install("etcd-server")
        found = shutil.which("etcd") or "/usr/bin/etcd"
    return found


def pg_bin() -> Path:
    found = postgres_bin_dir()
    if found is None or not (found / "initdb").exists():
        apt_install("postgresql")
        found = postgres_bin_dir()
    assert found is not None
    return found


def get_json(url: str, timeout: float = 2):
    """The JSON of a 200 (or Patroni's 503 with a body), else None."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        try:
            return json.loads(error.read() or b"null")
        except ValueError:
            return None
    except (OSError, ValueError):
        return None


def children_of(pid: int) -> list[int]:
    """Every descendant of `pid` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may hold spaces and parentheses
        parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current:
                found.append(child)
                frontier.append(child)
    return found


@dataclass
class Member:
    name: str
    pg_port: int
    api_port: int
    dir: Path
    process: Optional[subprocess.Popen] = None
    log_handle: Optional[object] = field(default=None, repr=False)

    @property
    def data_dir(self) -> Path:
        return self.dir / "data"

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def config_path(self) -> Path:
        return self.dir / "patroni.yml"

    @property
    def log_path(self) -> Path:
        return self.dir / "patroni.log"

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def postmaster_pid(self) -> Optional[int]:
        try:
            pid = int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None
        return pid if Path(f"/proc/{pid}").exists() else None


class PatroniCluster:
    def __init__(self, members: int = 2, directory: Optional[Path] = None):
        self.patroni = patroni_binary()
        self.etcd = etcd_binary()
        self.bin = pg_bin()
        self.own_dir = directory is None
        self.dir = Path(tempfile.mkdtemp(prefix="cyberid-patroni.")) if directory is None else directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.dir.chmod(0o755)
        self.postgres_user = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        self.etcd_client_port, self.etcd_peer_port = free_port(), free_port()
        self.etcd_process: Optional[subprocess.Popen] = None
        self.members = [
            Member(f"member{i + 1}", free_port(), free_port(), self.dir / f"member{i + 1}") for i in range(members)
        ]
        self.passwords = {name: secrets.token_hex(12) for name in ("superuser", "replication", "rewind", USER)}
        self.killed_at: Optional[float] = None  # time.monotonic() of the last kill_leader()
        self.killed_wall: Optional[float] = None  # time.time() of it, to compare with Patroni's log
        self.killed: Optional[Member] = None

    # Where -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The multi-host URL: every member, the client picks the one that accepts writes."""
        hosts = ",".join(f"127.0.0.1:{m.pg_port}" for m in self.members)
        return f"postgres://{USER}:{self.passwords[USER]}@{hosts}/{DATABASE}?sslmode=disable&target_session_attrs=read-write"

    def single_url(self, member: Member) -> str:
        return f"postgres://{USER}:{self.passwords[USER]}@127.0.0.1:{member.pg_port}/{DATABASE}?sslmode=disable"

    def member(self, name: str) -> Member:
        return next(m for m in self.members if m.name == name)

    # Starting ----------------------------------------------------------------------

    def _own(self, path: Path) -> None:
        if self.postgres_user is not None:
            os.chown(path, self.postgres_user.pw_uid, self.postgres_user.pw_gid)

    def _as_postgres(self) -> dict:
        """Popen arguments that run a child as `postgres` when we are root."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PYTHON", "PYENV", "PG", "PATRONI", "ETCD", "VIRTUAL_ENV", "CYBERID_"))}
        # Debian's patroni runs under /usr/bin/python3; keep pyenv's shims out of its way.
        env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        if self.postgres_user is None:
            return {"env": env}
        env.update(HOME=self.postgres_user.pw_dir, USER="postgres", LOGNAME="postgres")
        return {"env": env, "user": self.postgres_user.pw_uid, "group": self.postgres_user.pw_gid, "extra_groups": []}

    def start(self, timeout: float = 120) -> "PatroniCluster":
        try:
            self.start_etcd()
            for member in self.members:
                member.dir.mkdir(mode=0o700, exist_ok=True)
                self._own(member.dir)
                (member.dir / "pglog").mkdir(mode=0o700, exist_ok=True)
                self._own(member.dir / "pglog")
                member.config_path.write_text(json.dumps(self.member_config(member), indent=2))
                self._own(member.config_path)
            # The first member bootstraps alone (initdb); the second then clones it with pg_basebackup.
            self.start_member(self.members[0])
            self.wait_for_leader(timeout)
            for member in self.members[1:]:
                self.start_member(member)
            self.wait_for_sync_replica(timeout)
            leader = self.leader()
            self.psql(leader, "postgres", f"CREATE ROLE {USER} LOGIN PASSWORD '{self.passwords[USER]}'")
            self.psql(leader, "postgres", f"CREATE DATABASE {DATABASE} OWNER {USER}")
            return self
        except BaseException:
            self.close()
            raise

    def start_etcd(self) -> None:
        data = self.dir / "etcd"
        peer = f"http://127.0.0.1:{self.etcd_peer_port}"
        client = f"http://127.0.0.1:{self.etcd_client_port}"
        command = [
            self.etcd, "--name", "etcd1", "--data-dir", str(data),
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", f"etcd1={peer}", "--initial-cluster-state", "new",
            "--initial-cluster-token", "cyberid-failover-" + secrets.token_hex(4),
            "--logger", "zap", "--log-level", "warn",
        ]
        with open(self.dir / "etcd.log", "ab") as log:
            self.etcd_process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            health = get_json(client + "/health")
            if health and str(health.get("health")) == "true":
                return
            if self.etcd_process.poll() is not None:
                raise RuntimeError(f"etcd exited with {self.etcd_process.returncode}: see {self.dir / 'etcd.log'}")
            if time.monotonic() > deadline:
                raise RuntimeError("etcd not healthy within 30 s")
            time.sleep(0.1)

    def member_config(self, member: Member) -> dict:
        """Patroni's YAML configuration (written as JSON, which YAML reads)."""
        return {
            "scope": SCOPE,
            "namespace": NAMESPACE,
            "name": member.name,
            "log": {"level": "INFO", "format": "%(asctime)s %(levelname)s: %(message)s"},
            "restapi": {"listen": f"127.0.0.1:{member.api_port}", "connect_address": f"127.0.0.1:{member.api_port}"},
            "etcd3": {"hosts": [f"127.0.0.1:{self.etcd_client_port}"]},
            "bootstrap": {
                "dcs": DCS_SETTINGS,
                "initdb": [{"encoding": "UTF8"}, {"locale": "C"}, "data-checksums"],
            },
            "postgresql": {
                "listen": f"127.0.0.1:{member.pg_port}",
                "connect_address": f"127.0.0.1:{member.pg_port}",
                "data_dir": str(member.data_dir),
                "bin_dir": str(self.bin),
                "pgpass": str(member.dir / "pgpass"),
                "use_unix_socket": True,
                "authentication": {
                    "superuser": {"username": "postgres", "password": self.passwords["superuser"]},
                    "replication": {"username": "replicator", "password": self.passwords["replication"]},
                    "rewind": {"username": "rewinder", "password": self.passwords["rewind"]},
                },
                "parameters": {
                    "unix_socket_directories": str(member.dir),
                    "logging_collector": "on",
                    "log_directory": str(member.dir / "pglog"),
                    "log_filename": "postgresql.log",
                    "log_line_prefix": "%m [%p] %q%u@%d ",
                },
                # Loopback only; the OS user postgres (Patroni) over the socket, everyone else
                # with a password: the replication user for pg_basebackup and streaming, the
                # rewind user for pg_rewind, `cyberid` for the nodes.
                "pg_hba": [
                    "local all all trust",
                    "local replication all trust",
                    "host replication replicator 127.0.0.1/32 scram-sha-256",
                    "host all all 127.0.0.1/32 scram-sha-256",
                ],
            },
            "watchdog": {"mode": "off"},
            "tags": {"nofailover": False, "noloadbalance": False, "clonefrom": False, "nosync": False},
        }

    def start_member(self, member: Member) -> None:
        """Starts (or restarts) the member's Patroni, which starts its PostgreSQL."""
        if member.alive():
            return
        if member.log_handle is not None:
            member.log_handle.close()
        member.log_handle = open(member.log_path, "ab")
        self._own(member.log_path)
        member.process = subprocess.Popen(
            [self.patroni, str(member.config_path)], cwd=member.dir, stdout=member.log_handle,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **self._as_postgres(),
        )

    # Watching ----------------------------------------------------------------------

    def cluster_state(self) -> Optional[dict]:
        """Patroni's `GET /cluster` from the first member whose REST API answers."""
        for member in self.members:
            if member.alive():
                state = get_json(member.api + "/cluster")
                if state and "members" in state:
                    return state
        return None

    def roles(self) -> dict[str, tuple[str, str]]:
        """name -> (role, state) as Patroni sees it."""
        state = self.cluster_state() or {"members": []}
        return {m["name"]: (m.get("role", ""), m.get("state", "")) for m in state["members"]}

    def leader(self) -> Member:
        for name, (role, state) in self.roles().items():
            if role == "leader":
                return self.member(name)
        raise RuntimeError(f"no leader: {self.roles()}")

    def replica(self) -> Member:
        for name, (role, _) in self.roles().items():
            if role in ("sync_standby", "replica"):
                return self.member(name)
        raise RuntimeError(f"no replica: {self.roles()}")

    def wait_for_leader(self, timeout: float = 60) -> Member:
        deadline = time.monotonic() + timeout
        while True:
            for name, (role, state) in self.roles().items():
                if role == "leader" and state == "running" and self.in_recovery(self.member(name)) is False:
                    return self.member(name)
            self._check_processes()
            if time.monotonic() > deadline:
                raise RuntimeError(f"no leader within {timeout} s: {self.roles()} (logs in {self.dir})")
            time.sleep(0.2)

    def sync_standby_streaming(self) -> Optional[Member]:
        """The synchronous standby, if Patroni names one and the leader sees it streaming as `sync`."""
        roles = self.roles()
        standby = next((name for name, (role, state) in roles.items() if role == "sync_standby" and state == "running"), None)
        leader = next((name for name, (role, _) in roles.items() if role == "leader"), None)
        if standby is None or leader is None:
            return None
        try:
            rows = self.psql(self.member(leader), "postgres",
                             "SELECT application_name, state, sync_state FROM pg_stat_replication", timeout=5)
        except RuntimeError:
            return None
        if f"{standby}|streaming|sync" in rows.split():
            return self.member(standby)
        return None

    def wait_for_sync_replica(self, timeout: float = 90) -> Member:
        deadline = time.monotonic() + timeout
        while True:
            standby = self.sync_standby_streaming()
            if standby is not None:
                return standby
            self._check_processes()
            if time.monotonic() > deadline:
                raise RuntimeError(f"no streaming synchronous standby within {timeout} s: {self.roles()} (logs in {self.dir})")
            time.sleep(0.25)

    def _check_processes(self) -> None:
        if self.etcd_process is not None and self.etcd_process.poll() is not None:
            raise RuntimeError(f"etcd exited with {self.etcd_process.returncode}")
        for member in self.members:
            if member is not self.killed and member.process is not None and member.process.poll() is not None:
                tail = member.log_path.read_text(errors="replace").strip().splitlines()[-5:]
                raise RuntimeError(f"{member.name}'s Patroni exited with {member.process.returncode}: {tail}")

    def in_recovery(self, member: Member) -> Optional[bool]:
        """pg_is_in_recovery() on the member; None when it does not answer."""
        try:
            answer = self.psql(member, "postgres", "SELECT pg_is_in_recovery()", timeout=3).strip()
        except (RuntimeError, subprocess.TimeoutExpired):
            return None
        return {"t": True, "f": False}.get(answer)

    # Failing -----------------------------------------------------------------------

    def kill_leader(self) -> Member:
        """A lost machine: SIGKILL to the leader's Patroni first (so that it cannot restart
        PostgreSQL or hand over), then to its whole PostgreSQL at once. Patroni starts the
        postmaster from a helper process that calls setsid, so postmaster and every backend share
        a process group of their own, and killpg reaches them all in one step, backends being
        forked included; their client connections are reset. Returns the member; `killed_at` is
        the time."""
        leader = self.leader()
        postmaster = leader.postmaster_pid()
        assert postmaster is not None, f"no postmaster for {leader.name}"
        group = os.getpgid(postmaster)
        # Never our own group or Patroni's (the postmaster's is that of a helper that called setsid).
        assert group not in (os.getpgid(0), os.getpgid(leader.process.pid)), (group, postmaster)
        self.killed_at, self.killed_wall = time.monotonic(), time.time()
        self.killed = leader
        leader.process.send_signal(signal.SIGKILL)
        os.killpg(group, signal.SIGKILL)
        leader.process.wait(timeout=10)
        # Anything of that instance left (none expected): its descendants, by parent.
        for _ in range(20):
            left = [pid for pid in [postmaster] + children_of(postmaster) if Path(f"/proc/{pid}").exists()]
            if not left:
                break
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)
        return leader

    def wait_for_new_leader(self, timeout: float = 60) -> tuple[Member, float]:
        """Waits until a member other than the killed one is Patroni's leader and its PostgreSQL
        accepts writes. Returns it and the seconds since the kill."""
        deadline = time.monotonic() + timeout
        while True:
            for name, (role, state) in self.roles().items():
                member = self.member(name)
                if role == "leader" and member is not self.killed and self.in_recovery(member) is False:
                    return member, time.monotonic() - (self.killed_at or time.monotonic())
            if time.monotonic() > deadline:
                raise RuntimeError(f"no new leader within {timeout} s: {self.roles()}")
            time.sleep(0.1)

    def lock_taken_after_kill(self, member: Member) -> Optional[float]:
        """Seconds from the last kill until `member`'s Patroni logged that it took the leader
        lock ("promoted self to leader by acquiring session lock"), from its log's timestamps."""
        if self.killed_wall is None:
            return None
        for line in member.log_path.read_text(errors="replace").splitlines():
            match = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) INFO: promoted self to leader", line)
            if match:
                at = time.mktime(time.strptime(match.group(1), "%Y-%m-%d %H:%M:%S")) + int(match.group(2)) / 1000
                if at >= self.killed_wall - 1:
                    return at - self.killed_wall
        return None

    # SQL ---------------------------------------------------------------------------

    def psql(self, member: Member, database: str, sql: str, timeout: float = 30, user: str = "postgres") -> str:
        password = self.passwords["superuser" if user == "postgres" else USER]
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("PG")}, "PGPASSWORD": password,
               "PGCONNECT_TIMEOUT": "3"}
        result = subprocess.run(
            [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(member.pg_port), "-U", user, "-d", database,
             "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True, text=True, timeout=timeout, env=env,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql on {member.name} {sql!r}: {result.stderr.strip()}")
        return result.stdout

    def query(self, sql: str, member: Optional[Member] = None) -> str:
        """`sql` in the `cyberid` database on `member` (default: the leader)."""
        return self.psql(member or self.leader(), DATABASE, sql)

    # Stopping ----------------------------------------------------------------------

    def close(self) -> None:
        for member in self.members:
            if member.alive():
                member.process.send_signal(signal.SIGTERM)  # Patroni stops PostgreSQL (fast) and exits
        for member in self.members:
            if member.process is not None:
                try:
                    member.process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    member.process.kill()
                    member.process.wait(timeout=10)
            postmaster = member.postmaster_pid()
            if postmaster is not None:  # a postmaster outliving its Patroni (killed member, or a timeout)
                for pid in [postmaster] + children_of(postmaster):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            if member.log_handle is not None:
                member.log_handle.close()
                member.log_handle = None
        if self.etcd_process is not None and self.etcd_process.poll() is None:
            self.etcd_process.terminate()
            try:
                self.etcd_process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.etcd_process.kill()
                self.etcd_process.wait(timeout=10)
        if self.own_dir and not os.environ.get("CYBERID_MULTINODE_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "PatroniCluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def describe(self) -> str:
        lines = [f"etcd: http://127.0.0.1:{self.etcd_client_port} (namespace {NAMESPACE}, scope {SCOPE})"]
        roles = self.roles()
        for m in self.members:
            role, state = roles.get(m.name, ("-", "-"))
            lines.append(f"{m.name}: PostgreSQL 127.0.0.1:{m.pg_port}, REST {m.api}, {role} ({state}), data {m.data_dir}")
        lines += [
            f"database URL: {self.url}",
            f"patronictl: patronictl -c {self.members[0].config_path} list",
            f"directory: {self.dir} (patroni.yml, patroni.log and pglog/ per member, etcd.log)",
        ]
        return "\n".join(lines)


def main(argv=None) -> int:
    """`scripts/failover up`: the pair, and with --nodes N > 0 also N `cyberid serve` nodes behind
    nginx on its multi-host URL (cluster.py). SIGUSR1 loses the leader (kill_leader) and reports
    the promotion; SIGUSR2 starts the lost member again; Ctrl-C / SIGTERM stops everything."""
    parser = argparse.ArgumentParser(description="A Patroni pair on etcd (and CyberID nodes on it) for trying failover by hand")
    parser.add_argument("--nodes", type=int, default=3, help="cyberid serve nodes behind nginx (0: the pair only)")
    args = parser.parse_args(argv)
    stop = threading.Event()
    requests_: list[str] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    signal.signal(signal.SIGUSR1, lambda *_: (requests_.append("kill"), stop.set()))
    signal.signal(signal.SIGUSR2, lambda *_: (requests_.append("restart"), stop.set()))
    started = time.monotonic()
    pair = PatroniCluster().start()
    nodes = None
    try:
        print(f"Patroni pair up in {time.monotonic() - started:.1f} s", flush=True)
        print(pair.describe(), flush=True)
        if args.nodes > 0:
            from cluster import Cluster

            nodes = Cluster(args.nodes, database_url=pair.url).start()
            env_file = nodes.dir / "master.key.env"
            env_file.write_text(f"export CYBERID_MASTER_KEY={nodes.master_key}\n")
            env_file.chmod(0o600)
            print(nodes.describe(), flush=True)
        print(f"running (pid {os.getpid()}): kill -USR1 {os.getpid()} loses the leader, kill -USR2 {os.getpid()} "
              "starts it again; Ctrl-C or SIGTERM stops everything", flush=True)
        while True:
            stop.wait()
            if not requests_:
                return 0
            stop.clear()
            what = requests_.pop(0)
            if what == "kill" and pair.killed is None:
                lost = pair.kill_leader()
                print(f"{lost.name} lost (SIGKILL to Patroni and PostgreSQL); waiting for a new leader...", flush=True)
                try:
                    leader, seconds = pair.wait_for_new_leader(60)
                    print(f"{leader.name} is the leader and accepts writes {seconds:.1f} s after the kill", flush=True)
                except RuntimeError as error:
                    print(error, flush=True)
            elif what == "restart" and pair.killed is not None:
                member, pair.killed = pair.killed, None
                pair.start_member(member)
                try:
                    pair.wait_for_sync_replica(120)
                    print(f"{member.name} is back: {pair.roles()}", flush=True)
                except RuntimeError as error:
                    print(error, flush=True)
            else:
                print(f"ignored ({what}): {pair.roles()}", flush=True)
    finally:
        print("stopping...", file=sys.stderr, flush=True)
        if nodes is not None:
            nodes.stop()
        pair.close()


if __name__ == "__main__":
    sys.exit(main())
