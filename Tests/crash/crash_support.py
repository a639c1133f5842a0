"""Helpers of the crash suite (see README.md): the server that is killed and restarted, the
database read directly, the load clients (enrollment over HTTP, logins with the wallet CLI,
audited admin commands), the killer and the checks.

The enrollment flow, people, documents and wallets come from Tests/enrollment/enrollment_support.py
and the relying party, browser and wallet CLI from Tests/oidc/oidc_support.py, imported, not copied.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import http.client
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

HERE = Path(__file__).resolve().parent
OIDC_DIR = HERE.parent / "oidc"
if str(OIDC_DIR) not in sys.path:
    sys.path.insert(0, str(OIDC_DIR))

import requests  # noqa: E402
from authlib.integrations.base_client import OAuthError  # noqa: E402
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

from oidc_support import (  # noqa: E402  (puts Tests/enrollment on sys.path)
    REDIRECT_URI,
    Deployment,
    Holder,
    RelyingParty,
    WalletApi,
    endpoint_query,
    problem_code,
    start_login,
    ticket_of,
)
from enrollment_support import (  # noqa: E402
    PROBLEM_PREFIX,
    Api,
    Outbox,
    People,
    Person,
    Response,
    Server,
    Wallet,
    b64u_decode,
    binary_path,
    document_body,
    factory,
    free_port,
    server_env,
)

# A request that never got an answer: refused while the server was down, or cut by the kill.
# (urllib's URLError and every requests exception are OSErrors.)
TRANSPORT_ERRORS = (OSError, http.client.HTTPException)

# How long a code can still be exchanged (CyberIDProvider's codeLifetime is 60 s), with a margin:
# a replay of a younger code must be refused as already used, not as expired.
CODE_FRESH_SECONDS = 50
# A login can be decided for CYBERID_LOGIN_TTL_SECONDS (120 s by default): a second approval of a
# decided login younger than this must be `login-already-decided`, not `login-expired`.
LOGIN_FRESH_SECONDS = 100

ENROLLMENT_STATES = ["started", "document_verified", "phone_code_sent", "phone_confirmed", "completed"]

SUMMARIES: list[str] = []  # printed by conftest's pytest_terminal_summary


def env_number(name: str, default, kind=float):
    value = os.environ.get(name)
    return kind(value) if value not in (None, "") else default


@dataclass
class Settings:
    kills: int = 20
    min_delay: float = 0.2
    max_delay: float = 1.5
    enrollers: int = 3
    logins: int = 2
    admin_kill_probability: float = 0.3
    seed: int = 0

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            kills=env_number("CYBERID_CRASH_KILLS", 20, int),
            min_delay=env_number("CYBERID_CRASH_MIN_DELAY", 0.2),
            max_delay=env_number("CYBERID_CRASH_MAX_DELAY", 1.5),
            enrollers=env_number("CYBERID_CRASH_ENROLLERS", 3, int),
            logins=env_number("CYBERID_CRASH_LOGINS", 2, int),
            seed=env_number("CYBERID_CRASH_SEED", random.SystemRandom().randrange(1 << 31), int),
        )


# --------------------------------------------------------------------------------------
# Counters and findings
# --------------------------------------------------------------------------------------


class Stats:
    """Thread-safe counters, samples of unexpected answers, and anomalies (each one fails the test)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.counts: collections.Counter = collections.Counter()
        self.unexpected: collections.Counter = collections.Counter()
        self.anomalies: list[str] = []

    def count(self, name: str, n: int = 1):
        with self._lock:
            self.counts[name] += n

    def odd(self, what: str):
        """An answer the client did not expect but that breaks no invariant (abandoned, retried)."""
        with self._lock:
            self.unexpected[what[:200]] += 1

    def anomaly(self, what: str):
        with self._lock:
            self.anomalies.append(what)

    def __getitem__(self, name: str) -> int:
        with self._lock:
            return self.counts[name]


def describe(response: Response) -> str:
    try:
        body = response.json
        if isinstance(body, dict) and body.get("type", "").startswith(PROBLEM_PREFIX):
            return f"{response.status} {body['type'][len(PROBLEM_PREFIX):]}: {body.get('detail', '')}"
    except ValueError:
        pass
    return f"{response.status} {response.body[:200]!r}"


def problem_of(response: Response) -> Optional[str]:
    try:
        body = response.json
    except ValueError:
        return None
    if isinstance(body, dict) and str(body.get("type", "")).startswith(PROBLEM_PREFIX):
        return body["type"][len(PROBLEM_PREFIX):]
    return None


def wrong_step_state(response: Response) -> Optional[str]:
    """The session's state named in a `wrong-step` problem ("the session is in state X; …")."""
    if problem_of(response) != "wrong-step":
        return None
    match = re.search(r"in state (\w+)", response.json.get("detail", ""))
    return match.group(1) if match else None


def rank(state: str) -> int:
    return ENROLLMENT_STATES.index(state) if state in ENROLLMENT_STATES else -1


def canonical(number: str) -> str:
    """The store's form of a network number: the printed groups without their hyphens."""
    return number.replace("-", "")


# --------------------------------------------------------------------------------------
# The server that is killed
# --------------------------------------------------------------------------------------


def wait_for_binary(timeout: float = 300) -> Path:
    """The binary; it may be rebuilt under the test, so a brief absence is waited out."""
    deadline = time.monotonic() + timeout
    while True:
        binary = binary_path()
        if binary.is_file() and os.access(binary, os.X_OK):
            return binary
        if time.monotonic() > deadline:
            raise AssertionError(f"cyberid binary not found at {binary} for {timeout} s")
        time.sleep(1)


def snapshot_of_binary(directory: Path, timeout: float = 600) -> Path:
    """A copy of the binary taken when it is complete (it runs `--help`), so that a rebuild during
    the run changes nothing under the server or the CLI. Skips the test when there is no binary."""
    import shutil

    import pytest

    binary = binary_path()
    if not binary.exists():
        time.sleep(10)  # being relinked?
        if not binary.exists():
            pytest.skip(f"cyberid binary not found at {binary} (set CYBERID_BIN)")
    deadline = time.monotonic() + timeout
    copy = directory / "cyberid"
    while True:
        try:
            before = binary.stat()
            shutil.copy2(binary, copy)
            after = binary.stat()
            if (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns) and subprocess.run(
                    [str(copy), "--help"], capture_output=True, timeout=60).returncode == 0:
                return copy
        except (OSError, subprocess.TimeoutExpired):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"no complete cyberid binary at {binary} within {timeout} s")
        time.sleep(2)


class CrashServer:
    """`cyberid serve` on one port, data directory and database for its whole life: started,
    SIGKILLed and started again. `up` is set while an incarnation answers /health."""

    def __init__(self, data_dir: Path, database_env: dict, log_dir: Path):
        self.data_dir = data_dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database_env = dict(database_env)
        self.env = server_env(data_dir, CYBERID_ISSUER=self.base, CYBERID_HOST="127.0.0.1", CYBERID_LOG_LEVEL="info",
                              **self.database_env)
        self.stdout_path = log_dir / "server-stdout.log"
        self.stderr_path = log_dir / "server-stderr.log"
        self.process: Optional[subprocess.Popen] = None
        self.up = threading.Event()
        self.incarnation = 0
        # What oidc_support.Deployment expects; its `process` follows the incarnations.
        self.server = Server(None, self.base, self.base, data_dir, self.stdout_path, self.stderr_path)

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([str(wait_for_binary()), *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)

    def popen_cli(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([str(wait_for_binary()), *args], env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)

    def start(self, timeout: float = 60):
        assert not self.up.is_set()
        for attempt in range(5):
            with open(self.stdout_path, "ab") as out, open(self.stderr_path, "ab") as err:
                process = subprocess.Popen([str(wait_for_binary()), "serve", "--port", str(self.port)], env=self.env,
                                           stdout=out, stderr=err, stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + timeout
            while process.poll() is None and time.monotonic() < deadline:
                try:
                    with urllib.request.urlopen(self.base + "/health", timeout=2) as answer:
                        if answer.status == 200:
                            self.process = self.server.process = process
                            self.incarnation += 1
                            self.up.set()
                            return
                except TRANSPORT_ERRORS:
                    pass
                time.sleep(0.02)
            if process.poll() is None:
                process.kill()
                process.wait()
                raise AssertionError(f"the server did not answer /health within {timeout} s")
            time.sleep(0.2 * (attempt + 1))  # it exited (the port not free yet?): try again
        raise AssertionError(f"the server exits at start: {self.stderr_path.read_text(errors='replace')[-3000:]}")

    def kill(self):
        """SIGKILL, then wait for the exit."""
        self.up.clear()
        process = self.process
        assert process is not None and process.poll() is None, (
            f"the server (incarnation {self.incarnation}) died on its own with exit status {process.returncode}; "
            f"its log: {self.stderr_path}: {self.stderr_path.read_text(errors='replace')[-1500:]}")
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL

    def stop(self):
        self.up.clear()
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def wait_up(self, timeout: float = 60) -> bool:
        return self.up.wait(timeout)


# --------------------------------------------------------------------------------------
# The database, read directly
# --------------------------------------------------------------------------------------


class Database:
    """Read-only SQL against the server's store: sqlite3 on the file, or psql."""

    def __init__(self, backend: str, *, sqlite_path: Optional[Path] = None, postgres_url: Optional[str] = None):
        self.backend = backend
        self.sqlite_path = sqlite_path
        self.postgres_url = postgres_url

    def hex(self, column: str) -> str:
        return f"lower(hex({column}))" if self.backend == "sqlite" else f"encode({column}, 'hex')"

    def rows(self, sql: str) -> list[tuple]:
        """Every row, each value as text (NULL as None)."""
        if self.backend == "sqlite":
            connection = sqlite3.connect(str(self.sqlite_path), timeout=30)
            try:
                return [tuple(None if v is None else str(v) for v in row) for row in connection.execute(sql)]
            finally:
                connection.close()
        psql = os.path.join(os.environ.get("CYBERID_PG_BIN", ""), "psql") if os.environ.get("CYBERID_PG_BIN") else "psql"
        result = subprocess.run([psql, self.postgres_url, "-X", "-q", "-A", "-t", "-F", "\x1f", "-P", "null=\x1e", "-c", sql],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, (sql, result.stderr)
        return [tuple(None if v == "\x1e" else v for v in line.split("\x1f")) for line in result.stdout.splitlines() if line]


def quoted(values) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) or "''"


# --------------------------------------------------------------------------------------
# What the clients saw acknowledged
# --------------------------------------------------------------------------------------


@dataclass
class AckEnrollment:
    person: Person
    wallet: Wallet
    session_id: str
    code: str
    csr: str
    result: dict
    certificate: x509.Certificate
    at: float
    holder: Optional[Holder] = None
    replayed: bool = False

    @property
    def number(self) -> str:
        return self.result["network_number"]

    def der_hex(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.DER).hex()


@dataclass
class AckApproval:
    holder: Holder
    ticket: str
    transaction: dict
    at: float
    replayed: bool = False


@dataclass
class AckLogin:
    approval: AckApproval
    auth: object
    callback: str
    access_token: str
    at: float
    replayed: bool = False


@dataclass
class Acks:
    lock: threading.Lock = field(default_factory=threading.Lock)
    enrollments: list = field(default_factory=list)
    approvals: list = field(default_factory=list)
    logins: list = field(default_factory=list)
    clients: list = field(default_factory=list)  # client ids of acknowledged `admin client create`

    def add(self, kind: str, item):
        with self.lock:
            getattr(self, kind).append(item)

    def snapshot(self, kind: str) -> list:
        with self.lock:
            return list(getattr(self, kind))


def write_wallet_file(path: Path, base: str, wallet: Wallet, result: dict, certificate: x509.Certificate):
    """The wallet file `cyberid wallet` reads (CyberIDWallet/WalletFile.swift), for a wallet enrolled
    over HTTP here: the CLI then approves logins with it."""
    document = {
        "server": base,
        "private_key_pem": wallet.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()).decode(),
        "certificate_pem": result["certificate"],
        "chain_pem": result["chain"],
        "network_number": result["network_number"],
        "assurance_level": result["assurance_level"],
        "certificate_not_after": certificate.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    path.write_text(json.dumps(document, indent=2))
    path.chmod(0o600)


# --------------------------------------------------------------------------------------
# The load
# --------------------------------------------------------------------------------------


class Load:
    """The shared state of a run: server, clients' acknowledgements, counters, stop flag."""

    def __init__(self, server: CrashServer, scratch: Path, settings: Settings):
        self.server = server
        self.scratch = scratch
        self.settings = settings
        self.stats = Stats()
        self.acks = Acks()
        self.stopping = threading.Event()
        self.running = threading.Event()  # cleared while a round of checks runs: no new operations start
        self.running.set()
        self.people = People()
        self.csca = factory.make_csca("ec-p256", common_name="CSCA Crash EC")
        self.dsc = factory.make_dsc(self.csca, "ec-p256")
        self.outbox = Outbox(server.data_dir / "sms-outbox.jsonl")
        self.holders: list[Holder] = []  # wallets that may log in: every acknowledged enrollment
        self.holders_lock = threading.Lock()
        self.admin_lock = threading.Lock()  # held by the admin client per command, and by `audit verify`
        self.deployment: Optional[Deployment] = None
        self.client = None

    # Waiting out the downtime ----------------------------------------------------------

    def retry(self, kind: str, call: Callable, attempts: int = 10, always: bool = False):
        """`call()`; after a transport error (counted as `kind`), waits for the restart and tries
        again. None when it never got an answer (or the run stops, unless `always`)."""
        for _ in range(attempts):
            try:
                return call()
            except TRANSPORT_ERRORS:
                self.stats.count("client errors during downtime")
                self.stats.count(f"{kind} errors during downtime")
                if (self.stopping.is_set() and not always) or not self.server.wait_up(60):
                    return None
        return None

    # Setup ------------------------------------------------------------------------------

    def trust_csca(self):
        path = self.csca.write_pem(self.scratch / "csca.pem")
        result = self.server.cli("admin", "trust", "add-csca", str(path))
        assert result.returncode == 0, (result.stdout, result.stderr)

    def prepare_logins(self):
        """The platform the login clients use (before any kill)."""
        self.deployment = Deployment(self.server.server, self.server.database_env, self.scratch, self.scratch)
        self.client = self.deployment.create_client("Crash Platform", redirect_uris=(REDIRECT_URI,))
        _ = self.deployment.metadata

    def add_holder(self, ack: AckEnrollment):
        path = self.scratch / f"wallet-{len(self.holders)}-{ack.session_id[:8]}.json"
        write_wallet_file(path, self.server.base, ack.wallet, ack.result, ack.certificate)
        ack.holder = Holder(
            label=ack.session_id[:8], wallet=path, network_number=ack.number, assurance_level=ack.result["assurance_level"],
            surname=ack.person.mrz.surname, given_names=ack.person.mrz.given_names, birth_date=ack.person.mrz.birth_date,
            document_dir=self.scratch,
        )
        with self.holders_lock:
            self.holders.append(ack.holder)

    def random_holder(self, rng: random.Random) -> Optional[Holder]:
        with self.holders_lock:
            return rng.choice(self.holders) if self.holders else None

    # Threads ---------------------------------------------------------------------------

    def run_thread(self, name: str, body: Callable[[], None]) -> threading.Thread:
        def loop():
            while not self.stopping.is_set():
                self.running.wait()  # paused while the checks run
                if self.stopping.is_set():
                    return
                try:
                    body()
                except Exception as error:  # noqa: BLE001  (a bug in a client must fail the test, not hang it)
                    self.stats.anomaly(f"{name} crashed: {type(error).__name__}: {error}")
                    return

        thread = threading.Thread(target=loop, name=name, daemon=True)
        thread.start()
        return thread


class Enroller:
    """start → document → phone → confirm (code from the SMS outbox) → complete, resuming the same
    session across restarts. A step the client saw acknowledged must never be undone: a later
    answer naming an earlier state, or `session-not-found`, is an anomaly."""

    def __init__(self, load: Load):
        self.load = load
        self.api = Api(load.server.base)
        self.stats = load.stats

    def once(self) -> Optional[AckEnrollment]:
        person = self.load.people.make()
        document = factory.build_document(self.load.dsc, mrz=person.mrz)
        wallet = Wallet()
        csr = wallet.csr()
        for _ in range(3):  # sessions; a session is abandoned only before its phone is confirmed
            outcome = self.session(person, document, wallet, csr)
            if outcome != "again":
                return outcome
        return None

    def session(self, person, document, wallet, csr):
        load, api = self.load, self.api
        started = load.retry("enrollment", api.start)
        if started is None:
            return None
        if started.status != 201:
            self.stats.odd(f"start: {describe(started)}")
            return "again"
        session_id = started.json["session_id"]
        challenge = b64u_decode(started.json["aa_challenge"])
        acked = "started"  # the furthest state an answer acknowledged
        state = "started"
        code = None
        code_acknowledged = False  # the code came with a 202 the client saw
        sends = 0
        for _ in range(40):
            if state == "started":
                response = load.retry("enrollment", lambda: api.document(session_id, document_body(document, challenge)))
                expected = (200, "document_verified")
            elif state == "document_verified":
                if sends >= 5:
                    self.stats.odd("phone: five codes sent, session abandoned")
                    return "again"
                before = load.outbox.count(person.phone)
                sends += 1
                response = load.retry("enrollment", lambda: api.phone(session_id, person.phone))
                expected = (202, "phone_code_sent")
            elif state == "phone_code_sent":
                if code is None:
                    code, code_acknowledged = self.newest_code(person.phone), False
                if code is None:
                    state = "document_verified"  # the SMS of a killed incarnation: send again
                    continue
                response = load.retry("enrollment", lambda: api.confirm(session_id, code))
                expected = (200, "phone_confirmed")
            elif state == "phone_confirmed":
                response = load.retry("enrollment", lambda: api.complete(session_id, csr), attempts=30, always=True)
                expected = (201, "completed")
            else:
                self.stats.anomaly(f"session {session_id[:8]}: unexpected state {state} (acknowledged: {acked})")
                return None
            if response is None:
                if state == "phone_confirmed":
                    self.stats.anomaly(f"session {session_id[:8]}: complete never answered")
                return None
            if response.status == expected[0]:
                if state == "phone_confirmed":
                    return self.acknowledged(person, wallet, session_id, code, csr, response)
                state = acked = expected[1]
                if state == "phone_code_sent":
                    code = self.wait_code(person.phone, before)
                    code_acknowledged = code is not None
                    if code is None:
                        self.stats.odd("phone: no SMS in the outbox")
                        state = "document_verified"
                continue
            current = wrong_step_state(response)
            problem = problem_of(response)
            if problem == "session-not-found":
                self.stats.anomaly(f"session {session_id[:8]} acknowledged ({acked}) is gone after a restart: {describe(response)}")
                return None
            if current is not None and rank(current) < rank(acked):
                self.stats.anomaly(f"session {session_id[:8]}: acknowledged {acked}, now {current}: {describe(response)}")
                return None
            if current in ENROLLMENT_STATES and rank(current) > rank(state) and current != "completed":
                # The previous attempt of this step was applied before its answer was lost.
                self.stats.count("enrollment steps applied though unanswered")
                state = current
                if state == "phone_code_sent":
                    code = None
                continue
            if state == "phone_confirmed":
                # `complete` is idempotent (docs/enrollment.md §5): a retry must answer 201.
                self.stats.anomaly(f"session {session_id[:8]}: complete after a crash: {describe(response)}")
                return None
            if problem == "wrong-code" and state == "phone_code_sent":
                if code_acknowledged and code == self.newest_code(person.phone):
                    # The code of a send the client saw acknowledged, and no send since.
                    self.stats.anomaly(f"session {session_id[:8]}: the acknowledged code is refused: {describe(response)}")
                    return None
                self.stats.odd("confirm: a code from a send whose answer was lost is not the session's")
                code = None
                state = "document_verified"
                continue
            self.stats.odd(f"{state}: {describe(response)}")
            return "again"
        self.stats.odd("session: too many steps, abandoned")
        return "again"

    def newest_code(self, phone: str) -> Optional[str]:
        codes = self.load.outbox.codes(phone)
        return codes[-1] if codes else None

    def wait_code(self, phone: str, before: int) -> Optional[str]:
        try:
            return self.load.outbox.wait_code(phone, before, timeout=5)
        except AssertionError:
            return None

    def acknowledged(self, person, wallet, session_id, code, csr, response) -> AckEnrollment:
        body = response.json
        certificate = x509.load_pem_x509_certificate(body["certificate"].encode())
        ack = AckEnrollment(person, wallet, session_id, code, csr, body, certificate, time.time())
        self.load.acks.add("enrollments", ack)
        self.load.add_holder(ack)
        return ack


class LoginClient:
    """authorize (page) → wallet view → `cyberid wallet approve` (same device) → continue → code
    exchange. Acknowledged: the approval (the CLI's exit 0) and the login (tokens received)."""

    def __init__(self, load: Load, seed: int):
        self.load = load
        self.stats = load.stats
        self.rng = random.Random(seed)
        self.rp = RelyingParty(load.deployment, load.client)
        self.wallet_api = WalletApi(load.server.base)

    def once(self):
        load = self.load
        holder = load.random_holder(self.rng)
        if holder is None:
            time.sleep(0.1)
            return
        if not load.server.up.is_set():
            load.server.wait_up(60)
        try:
            auth, browser, page = start_login(load.deployment, self.rp)
            ticket = ticket_of(page.wallet_uri)
            view = self.wallet_api.transaction(ticket)
        except TRANSPORT_ERRORS:
            self.stats.count("client errors during downtime")
            self.stats.count("login errors during downtime")
            return
        except AssertionError as error:
            self.stats.odd(f"authorize: {str(error)[:150]}")
            return
        if view.status_code != 200:
            self.stats.odd(f"wallet view: {view.status_code} {view.text[:150]}")
            return
        answer = load.deployment.wallet_approve(holder, page.wallet_uri)
        if answer.returncode != 0:
            if self.is_downtime(answer.stderr):
                self.stats.count("client errors during downtime")
                self.stats.count("login errors during downtime")
            else:
                self.stats.odd(f"wallet approve: {answer.stderr.strip()[:150]}")
            return
        approval = AckApproval(holder, ticket, view.json(), time.time())
        load.acks.add("approvals", approval)
        page.return_url = answer.return_url
        self.finish(approval, auth, browser, page)

    @staticmethod
    def is_downtime(stderr: str) -> bool:
        text = stderr.lower()
        return any(word in text for word in ("connect", "network connection was lost", "timed out", "reset by peer",
                                             "could not", "socket", "broken pipe", "empty reply", "request failed"))

    def finish(self, approval: AckApproval, auth, browser, page):
        load = self.load
        response = load.retry("login", lambda: browser.continue_login(page), always=True)
        if response is None:
            self.stats.anomaly("an acknowledged approval could never be continued")
            return
        location = response.headers.get("Location", "")
        params = {}
        if response.status_code in (302, 303) and location.startswith(REDIRECT_URI):
            params = endpoint_query(location, REDIRECT_URI)
        if not params.get("code"):
            self.stats.anomaly(f"acknowledged approval, no code at continue: {response.status_code} {location or response.text[:200]}")
            return
        tried = False
        while True:
            try:
                token = self.rp.exchange(location, auth)
                break
            except TRANSPORT_ERRORS:
                self.stats.count("client errors during downtime")
                self.stats.count("login errors during downtime")
                if tried or not load.server.wait_up(60):
                    return
                tried = True
            except OAuthError as error:
                if tried and error.error == "invalid_grant" and "already used" in (error.description or ""):
                    # The first exchange was applied and its answer lost: the code is spent.
                    self.stats.count("code exchanges applied though unanswered")
                else:
                    self.stats.anomaly(f"acknowledged approval, exchange refused: {error.error} {error.description}")
                return
        load.acks.add("logins", AckLogin(approval, auth, location, token["access_token"], time.time()))
        claims = load.retry("login", lambda: self.rp.verify_id_token(token["id_token"], auth))
        if claims is not None and claims.get("sub") is None:
            self.stats.anomaly(f"an ID token without sub: {claims}")


class AdminClient:
    """Audited administrative changes while the server is killed: `cyberid admin client create`,
    itself SIGKILLed at a random moment now and then (the audit entry and its change are one
    transaction; the signed checkpoint comes after)."""

    def __init__(self, load: Load, seed: int):
        self.load = load
        self.rng = random.Random(seed)
        self.serial = 0

    def once(self):
        load = self.load
        self.serial += 1
        kill_after = self.rng.uniform(0.02, 0.4) if self.rng.random() < load.settings.admin_kill_probability else None
        with load.admin_lock:
            process = load.server.popen_cli("admin", "client", "create", "--name", f"Crash admin {self.serial}",
                                            "--redirect-uri", REDIRECT_URI, "--scope", "openid")
            try:
                out, err = process.communicate(timeout=kill_after if kill_after is not None else 120)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
                out, err = process.communicate()
                load.stats.count("admin commands killed")
                return
        if process.returncode == 0:
            load.acks.add("clients", json.loads(out)["client_id"])
        else:
            load.stats.odd(f"admin client create: exit {process.returncode}: {err.strip()[-150:]}")
        time.sleep(self.rng.uniform(0.2, 0.6))


# --------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------


class Checker:
    """Runs after every restart (only what is new since the last time, plus the invariants) and,
    in full, at the end."""

    def __init__(self, load: Load, database: Database):
        self.load = load
        self.database = database
        self.api = Api(load.server.base)
        self.wallet_api = WalletApi(load.server.base)
        self.rp = RelyingParty(load.deployment, load.client)  # its own session: not shared with a login thread
        self.pki: Optional[tuple[bytes, bytes]] = None
        self.failures: list[str] = []
        self.seen: dict[str, int] = {}
        self.seconds: collections.Counter = collections.Counter()  # time spent per part of the rounds

    def fail(self, what: str):
        self.failures.append(what)

    # The store ------------------------------------------------------------------------

    def store_invariants(self, enrollments: list[AckEnrollment]):
        """Every acknowledged enrollment is there with its certificate; no number is held by two
        persons; no person has two active numbers; one live person per identity. (Each query is one
        statement, so one snapshot, while the load goes on.)"""
        db = self.database
        certificates = db.rows(
            f"SELECT c.serial, c.person_id, c.network_number, c.status, {db.hex('c.der')}, n.number, n.person_id, n.status, "
            "p.state FROM network_certificates c LEFT JOIN network_numbers n ON n.number = c.network_number "
            "LEFT JOIN persons p ON p.id = n.person_id")
        by_der = {row[4]: row for row in certificates}
        holders = collections.defaultdict(set)
        for serial, person, number, status, der, owned, owner, number_status, state in certificates:
            holders[number].add(person)
            if owned is None or owner != person:
                self.fail(f"certificate {serial} binds {number} to person {person}; the number is held by {owner}")
        for number, persons in holders.items():
            if len(persons) > 1:
                self.fail(f"network number {number} is held by several persons: {sorted(persons)}")
        for person, count in db.rows(
                "SELECT person_id, COUNT(*) FROM network_numbers WHERE status = 'active' GROUP BY person_id HAVING COUNT(*) > 1"):
            self.fail(f"person {person} has {count} active network numbers")
        for index, count in db.rows(
                f"SELECT {db.hex('blind_index')}, COUNT(*) FROM persons WHERE state <> 'cancelled' "
                "GROUP BY blind_index HAVING COUNT(*) > 1"):
            self.fail(f"{count} live persons share one document identity")
        for ack in enrollments:
            row = by_der.get(ack.der_hex())
            if row is None:
                self.fail(f"acknowledged enrollment {ack.number} (session {ack.session_id[:8]}): its certificate is not in the store")
            elif row[2] != canonical(ack.number) or row[3] != "valid" or row[7] != "active" or row[8] != "active":
                self.fail(f"acknowledged enrollment {ack.number}: certificate {row[:4]}, number {row[5:8]}, person {row[8]}")
        return len(certificates)

    def login_rows(self, approvals: list[AckApproval], logins: list[AckLogin]):
        """Decided logins stay decided; exchanged ones stay spent."""
        ids = {a.transaction["transaction_id"] for a in approvals}
        if not ids:
            return
        status = dict(self.database.rows(f"SELECT id, status FROM login_transactions WHERE id IN ({quoted(ids)})"))
        spent = {login.approval.transaction["transaction_id"] for login in logins}
        for approval in approvals:
            tid = approval.transaction["transaction_id"]
            allowed = {"completed", "revoked"} if tid in spent else {"approved", "completed", "revoked"}
            if status.get(tid) not in allowed:
                self.fail(f"acknowledged {'login' if tid in spent else 'approval'} {tid[:8]}: login_transactions says {status.get(tid)}")

    # The server's own interfaces -------------------------------------------------------------

    def ca_unchanged(self):
        pair = tuple(self.api.get(f"/pki/{name}.pem").body for name in ("root", "issuing"))
        if self.pki is None:
            self.pki = pair
        elif pair != self.pki:
            self.fail("the CyberID root or issuing CA changed across a restart")

    def replay_enrollment(self, ack: AckEnrollment):
        """The confirmation code is spent; `complete` answers the same number and certificate."""
        confirm = self.api.confirm(ack.session_id, ack.code)
        if confirm.status == 200 or wrong_step_state(confirm) != "completed":
            self.fail(f"confirmation code of {ack.number} replayed: {describe(confirm)}")
        again = self.api.complete(ack.session_id, ack.csr)
        if again.status != 201 or again.json.get("network_number") != ack.number or again.json.get("certificate") != ack.result["certificate"]:
            self.fail(f"complete of {ack.number} repeated gives another answer: {describe(again)}")
        ack.replayed = True
        self.load.stats.count("confirmation codes replayed")

    def replay_approval(self, approval: AckApproval):
        """A second approval of a decided login (replayed or not) is refused."""
        age = time.time() - approval.at
        answer = self.wallet_api.post_decision(approval.ticket, self.wallet_api.approval(approval.holder, approval.transaction))
        try:
            code = problem_code(answer)
        except AssertionError:
            code = f"{answer.status_code} {answer.text[:200]}"
        allowed = {"login-already-decided"} if age < LOGIN_FRESH_SECONDS else {"login-already-decided", "login-expired"}
        if code not in allowed:
            self.fail(f"approval of login {approval.transaction['transaction_id'][:8]} replayed ({age:.0f} s old): {code}")
        approval.replayed = True
        self.load.stats.count("approvals replayed")

    def replay_code(self, login: AckLogin):
        """A spent code is invalid_grant (already used, when young enough to be otherwise valid),
        and its first access token then stops working."""
        age = time.time() - login.at
        try:
            status, body = self.rp.token_error(login.callback, login.auth)
        except AssertionError as error:  # tokens issued a second time
            status, body = 200, {"replayed": str(error)}
        if status != 400 or body.get("error") != "invalid_grant":
            self.fail(f"code of login {login.approval.transaction['transaction_id'][:8]} replayed: {status} {body}")
        elif age < CODE_FRESH_SECONDS and "already used" not in body.get("error_description", ""):
            self.fail(f"code replay ({age:.0f} s old) refused for another reason: {body}")
        elif age < CODE_FRESH_SECONDS:
            userinfo = self.rp.userinfo(login.access_token)
            if userinfo.status_code != 401:
                self.fail(f"access token of a replayed code still works: {userinfo.status_code}")
        login.replayed = True
        self.load.stats.count("authorization codes replayed")

    def audit_verify(self) -> str:
        with self.load.admin_lock:  # `audit verify` reads entries, then checkpoints: not during an append
            result = self.load.server.cli("admin", "audit", "verify")
        if result.returncode != 0 or "audit log intact" not in result.stdout:
            self.fail(f"admin audit verify: exit {result.returncode}: {result.stdout.strip()} {result.stderr.strip()[-500:]}")
        return result.stdout.strip()

    # Rounds ---------------------------------------------------------------------------------

    def fresh(self, kind: str, sample: int) -> list:
        """The acknowledgements of `kind` since the last round: the last `sample` of them (those
        closest to the kill) are replayed; the rest only go through the store checks."""
        items = self.load.acks.snapshot(kind)
        new = items[self.seen.get(kind, 0):]
        self.seen[kind] = len(items)
        return new[-sample:]

    def after_restart(self, sample: int = 5):
        """The cheap round: invariants over everything, replays of the newest acknowledgements."""
        acks = self.load.acks
        enrollments = acks.snapshot("enrollments")
        recent = time.time() - 300  # login_transactions rows are purged 6 minutes after the login
        approvals = [a for a in acks.snapshot("approvals") if a.at > recent]
        logins = [login for login in acks.snapshot("logins") if login.at > recent]
        with self.timed("store"):
            self.ca_unchanged()
            self.store_invariants(enrollments)
            self.login_rows(approvals, logins)
        with self.timed("replays of enrollments"):
            for ack in self.fresh("enrollments", sample):
                self.replay_enrollment(ack)
        with self.timed("replays of approvals"):
            for approval in self.fresh("approvals", sample):
                self.replay_approval(approval)
        with self.timed("replays of codes"):
            for login in self.fresh("logins", sample):
                self.replay_code(login)
        with self.timed("audit"):
            self.audit_verify()

    @contextlib.contextmanager
    def timed(self, name: str):
        moment = time.monotonic()
        try:
            yield
        finally:
            self.seconds[name] += time.monotonic() - moment

    def final(self, scratch: Path, sample: int = 30) -> dict:
        """The round after the load, every certificate checked, and replays of a random sample of
        what no round replayed yet."""
        self.after_restart()
        rng = random.Random(0)
        for kind, replay in (("enrollments", self.replay_enrollment), ("approvals", self.replay_approval),
                             ("logins", self.replay_code)):
            rest = [item for item in self.load.acks.snapshot(kind) if not item.replayed]
            for item in rng.sample(rest, min(sample, len(rest))):
                replay(item)
        enrollments = self.load.acks.snapshot("enrollments")
        self.certificates_valid(enrollments, scratch)
        self.wallets_accepted(enrollments)
        self.admin_views(enrollments[-5:])
        self.audited_clients(self.load.acks.snapshot("clients"))
        return {"audit": self.audit_verify()}

    def certificates_valid(self, enrollments: list[AckEnrollment], scratch: Path):
        """`openssl verify` against /pki/root.pem + issuing.pem, and the subject and validity."""
        root, issuing = scratch / "root.pem", scratch / "issuing.pem"
        root.write_bytes(self.pki[0])
        issuing.write_bytes(self.pki[1])
        directory = scratch / "issued"
        directory.mkdir(exist_ok=True)
        now = dt.datetime.now(dt.timezone.utc)
        paths = []
        for index, ack in enumerate(enrollments):
            path = directory / f"{index}.pem"
            path.write_text(ack.result["certificate"])
            paths.append(path)
            subject = ack.certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
            if [a.value for a in subject] != [ack.number] and [a.value for a in subject] != [canonical(ack.number)]:
                self.fail(f"certificate of {ack.number} names {subject}")
            if not (ack.certificate.not_valid_before_utc <= now + dt.timedelta(minutes=5) and now < ack.certificate.not_valid_after_utc):
                self.fail(f"certificate of {ack.number} is not valid now")
            if not isinstance(ack.certificate.public_key(), ec.EllipticCurvePublicKey) or \
                    ack.certificate.public_key().public_numbers() != ack.wallet.key.public_key().public_numbers():
                self.fail(f"certificate of {ack.number} is not for the wallet's key")
        for start in range(0, len(paths), 200):
            chunk = paths[start:start + 200]
            result = subprocess.run(["openssl", "verify", "-CAfile", str(root), "-untrusted", str(issuing), *map(str, chunk)],
                                    capture_output=True, text=True, timeout=120)
            ok = [line for line in result.stdout.splitlines() if line.endswith(": OK")]
            if result.returncode != 0 or len(ok) != len(chunk):
                self.fail(f"openssl verify: {result.stdout[-500:]} {result.stderr[-500:]}")

    def wallets_accepted(self, enrollments: list[AckEnrollment]):
        """The wallet API takes every acknowledged wallet: certificate valid and in the store,
        holder active (GET /wallet/v1/history with the wallet's key)."""
        path = "/wallet/v1/history"
        for ack in enrollments:
            answer = requests.get(self.load.server.base + path, headers=self.wallet_api.api_auth(ack.holder, "GET", path), timeout=30)
            if answer.status_code != 200:
                self.fail(f"the wallet API refuses the wallet of {ack.number}: {answer.status_code} {answer.text[:200]}")

    def admin_views(self, enrollments: list[AckEnrollment]):
        """`cyberid admin person show` and `admin certificate list` for a few of them."""
        for ack in enrollments:
            shown = self.load.server.cli("admin", "person", "show", ack.number)
            if shown.returncode != 0 or json.loads(shown.stdout).get("state") != "active":
                self.fail(f"admin person show {ack.number}: {shown.stdout} {shown.stderr[-300:]}")
            listed = self.load.server.cli("admin", "certificate", "list", ack.number)
            statuses = [c.get("status") for c in json.loads(listed.stdout)] if listed.returncode == 0 else []
            if statuses.count("valid") != 1:
                self.fail(f"admin certificate list {ack.number}: {listed.stdout} {listed.stderr[-300:]}")

    def audited_clients(self, client_ids: list[str]):
        """Every acknowledged `admin client create` exists and is in the audit log."""
        listed = self.load.server.cli("admin", "audit", "list")
        assert listed.returncode == 0, listed.stderr
        registered = {entry["target"] for entry in map(json.loads, listed.stdout.splitlines()) if entry["action"] == "client.register"}
        clients = self.load.server.cli("admin", "client", "list")
        assert clients.returncode == 0, clients.stderr
        existing = {client["client_id"] for client in json.loads(clients.stdout)}
        for client_id in client_ids:
            if client_id not in registered or client_id not in existing:
                self.fail(f"acknowledged admin client create {client_id}: in audit log {client_id in registered}, exists {client_id in existing}")


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------


def crash_run(backend: str, server: CrashServer, database: Database, scratch: Path, settings: Settings) -> dict:
    """Load, ≥ settings.kills SIGKILLs with checks after each restart, the final checks; returns the figures."""
    rng = random.Random(settings.seed)
    load = Load(server, scratch, settings)
    load.trust_csca()
    server.start()
    load.prepare_logins()
    checker = Checker(load, database)
    checker.ca_unchanged()
    seeder = Enroller(load)
    for _ in range(2):
        assert seeder.once() is not None, ("seed enrollment failed", load.stats.unexpected, load.stats.anomalies)

    threads = [load.run_thread(f"enroller-{i}", Enroller(load).once) for i in range(settings.enrollers)]
    threads += [load.run_thread(f"login-{i}", LoginClient(load, rng.randrange(1 << 30)).once) for i in range(settings.logins)]
    threads.append(load.run_thread("admin", AdminClient(load, rng.randrange(1 << 30)).once))
    started = time.monotonic()
    kills = 0
    restart_seconds: list[float] = []
    check_seconds: list[float] = []
    try:
        time.sleep(1.0)
        while kills < settings.kills:
            time.sleep(rng.uniform(settings.min_delay, settings.max_delay))
            server.kill()
            kills += 1
            moment = time.monotonic()
            server.start()
            restart_seconds.append(time.monotonic() - moment)
            moment = time.monotonic()
            load.running.clear()
            try:
                checker.after_restart()
            finally:
                load.running.set()
            check_seconds.append(time.monotonic() - moment)
            if checker.failures or load.stats.anomalies:
                break
        time.sleep(1.0)
    finally:
        load.stopping.set()
        load.running.set()
        for thread in threads:
            thread.join(timeout=120)
    load_seconds = time.monotonic() - started
    stuck = [thread.name for thread in threads if thread.is_alive()]
    final = {}
    if not checker.failures and not load.stats.anomalies:
        final = checker.final(scratch)
    counts = load.stats.counts
    figures = {
        "backend": backend,
        "seed": settings.seed,
        "kills": kills,
        "restarts": server.incarnation - 1,
        "acknowledged enrollments": len(load.acks.enrollments),
        "acknowledged approvals": len(load.acks.approvals),
        "acknowledged logins": len(load.acks.logins),
        "acknowledged admin changes": len(load.acks.clients),
        "admin commands killed": counts["admin commands killed"],
        "client errors during downtime": counts["client errors during downtime"],
        "steps applied though unanswered": counts["enrollment steps applied though unanswered"] + counts["code exchanges applied though unanswered"],
        "abandoned (unexpected answers)": sum(load.stats.unexpected.values()),
        "replays refused (confirmation codes, approvals, authorization codes)": (
            counts["confirmation codes replayed"], counts["approvals replayed"], counts["authorization codes replayed"]),
        "lost": len(checker.failures) + len(load.stats.anomalies),
        "load seconds": round(load_seconds, 1),
        "restart seconds (mean, max)": (round(sum(restart_seconds) / max(1, len(restart_seconds)), 2), round(max(restart_seconds, default=0), 2)),
        "check seconds (mean, max)": (round(sum(check_seconds) / max(1, len(check_seconds)), 2), round(max(check_seconds, default=0), 2)),
        "check seconds by part": {k: round(v, 1) for k, v in checker.seconds.items()},
        "audit": final.get("audit", "not checked"),
        "failures": checker.failures + load.stats.anomalies + [f"thread {name} did not stop" for name in stuck],
        "unexpected": dict(load.stats.unexpected.most_common(12)),
    }
    return figures


def summary_line(figures: dict) -> str:
    return (
        f"crash[{figures['backend']}] seed={figures['seed']}: kills={figures['kills']}, "
        f"acknowledged enrollments={figures['acknowledged enrollments']}, logins={figures['acknowledged logins']} "
        f"(approvals {figures['acknowledged approvals']}), admin changes={figures['acknowledged admin changes']} "
        f"(admin CLIs killed {figures['admin commands killed']}), client errors during downtime="
        f"{figures['client errors during downtime']}, applied-but-unanswered={figures['steps applied though unanswered']}, "
        f"abandoned={figures['abandoned (unexpected answers)']}, replays refused (confirmation codes, approvals, "
        f"authorization codes)={figures['replays refused (confirmation codes, approvals, authorization codes)']}, "
        f"lost={figures['lost']}; {figures['audit']}; "
        f"{figures['load seconds']} s"
    )
