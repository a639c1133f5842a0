"""Several `cyberid serve` nodes on one PostgreSQL behind nginx (issue 16): the harness.

    python3 Tests/multinode/cluster.py [--nodes 3]     # what `scripts/multinode up` runs

starts, in a fresh temporary directory:

* PostgreSQL: a fresh database in the server named by CYBERID_TEST_POSTGRES_URL when that is set
  (scripts/test), else a throw-away server from scripts/postgres-throwaway (installs Debian's
  postgresql when missing) that is stopped at the end; or, with `Cluster(database_url=...)`, a
  database made elsewhere (the Patroni pair's multi-host URL, patroni_cluster.py), used as given;
* an SMS gateway on loopback (CYBERID_SMS_WEBHOOK_URL): every node sends its one-time codes
  there and it appends them to one `sms-outbox.jsonl` in the format of the development outbox
  (each node has its own data directory, as on separate hosts, so the file outbox would be
  split over the nodes);
* N `cyberid serve` processes (default 3), each on its own loopback port, all with the same
  database URL, master key (CYBERID_MASTER_KEY, made here), settings and issuer: nginx's
  public URL, so that whatever one node signs or seals every other node accepts;
* nginx (Debian's package, installed with apt-get when missing) in the foreground with its
  configuration, pid file, logs and temporary files in the directory: a round-robin upstream
  over the nodes with no sticky sessions (see `nginx_conf` for what it may retry).

It prints the URLs and runs until SIGINT or SIGTERM, then stops everything it started. The test
suite (test_multinode.py) uses the `Cluster` class directly.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional

REPO_ROOT = Path(__file__).resolve().parents[2]

# Every client of a test is 127.0.0.1, through nginx or not: the per-IP limits are raised as in
# the other suites (Tests/enrollment/enrollment_support.py GENEROUS_LIMITS).
GENEROUS_LIMITS = {
    name: "1000000"
    for name in (
        "CYBERID_SESSION_STARTS_PER_IP_PER_MINUTE", "CYBERID_SMS_PER_IP_PER_HOUR", "CYBERID_SMS_PER_DOCUMENT_PER_HOUR",
        "CYBERID_SMS_PER_MINUTE", "CYBERID_AUTHORIZE_PER_IP_PER_MINUTE", "CYBERID_PAR_PER_IP_PER_MINUTE",
        "CYBERID_TOKEN_FAILURES_PER_IP_PER_MINUTE", "CYBERID_WALLET_FAILURES_PER_IP_PER_MINUTE",
        "CYBERID_CODE_FAILURES_PER_IP_PER_MINUTE", "CYBERID_FACE_ATTEMPTS_PER_DAY", "CYBERID_SMS_PER_PHONE_PER_HOUR",
    )
}
OPERATOR = "ops-multinode"


def binary_path() -> Path:
    value = os.environ.get("CYBERID_BIN")
    return Path(value) if value else REPO_ROOT / ".build" / "debug" / "cyberid"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float, process: Optional[subprocess.Popen] = None, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what or url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what or url} did not answer 200 within {timeout} s")
        time.sleep(0.1)


# --------------------------------------------------------------------------------------
# Installing what is missing (Debian packages only)
# --------------------------------------------------------------------------------------


def apt_install(*packages: str) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"installing {' '.join(packages)} (apt-get)...", file=sys.stderr)
    if subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env, stdout=subprocess.DEVNULL).returncode:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env, check=True, stdout=subprocess.DEVNULL)


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if found is None:
        # Debian's package starts no server here: policy-rc.d / no init in containers, and we
        # never use its default site; our nginx runs from its own configuration only.
        apt_install("nginx")
        found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found


def postgres_bin_dir() -> Optional[Path]:
    value = os.environ.get("CYBERID_PG_BIN")
    if value:
        return Path(value)
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.name)] or [0])
    return candidates[-1] if candidates else None


# --------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------


class Postgres:
    """A fresh database: in CYBERID_TEST_POSTGRES_URL's server when set, else in a throw-away
    server started (and stopped) with scripts/postgres-throwaway."""

    def __init__(self):
        self.throwaway_dir: Optional[str] = None
        admin = os.environ.get("CYBERID_TEST_POSTGRES_URL")
        if not admin:
            started = subprocess.run(
                [str(REPO_ROOT / "scripts" / "postgres-throwaway"), "start"], capture_output=True, text=True
            )
            if started.returncode != 0:
                raise RuntimeError(f"postgres-throwaway failed: {started.stderr}")
            exports = dict(re.findall(r"export (\w+)=(\S+)", started.stdout))
            exports = {k: shlex.split(v)[0] for k, v in exports.items()}
            self.throwaway_dir = exports["CYBERID_PG_DIR"]
            admin = exports["CYBERID_TEST_POSTGRES_URL"]
        match = re.match(r"postgres(?:ql)?://([^@/:]+)(?::[^@]*)?@([^:/]+):(\d+)/", admin)
        if not match:
            raise RuntimeError(f"CYBERID_TEST_POSTGRES_URL not of the form postgres://user@host:port/db: {admin}")
        self.user, self.host, self.port = match.groups()
        self.name = "cyberid_multinode_" + secrets.token_hex(4)
        self.psql("postgres", f"CREATE DATABASE {self.name}")
        self.url = f"postgres://{self.user}@{self.host}:{self.port}/{self.name}?sslmode=disable"

    def psql(self, database: str, sql: str) -> str:
        bin_dir = postgres_bin_dir()
        psql = str(bin_dir / "psql") if bin_dir and (bin_dir / "psql").exists() else "psql"
        result = subprocess.run(
            [psql, "-h", self.host, "-p", self.port, "-U", self.user, "-d", database, "-X", "-q", "-A", "-t", "-c", sql],
            capture_output=True, text=True, timeout=60,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql {sql!r}: {result.stderr}")
        return result.stdout

    def query(self, sql: str) -> str:
        return self.psql(self.name, sql)

    def close(self):
        if self.throwaway_dir:
            subprocess.run([str(REPO_ROOT / "scripts" / "postgres-throwaway"), "stop", self.throwaway_dir], capture_output=True)
            self.throwaway_dir = None
        else:
            try:
                self.psql("postgres", f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            except RuntimeError:
                pass


# --------------------------------------------------------------------------------------
# The SMS gateway (CYBERID_SMS_WEBHOOK_URL)
# --------------------------------------------------------------------------------------


class SmsGateway:
    """Loopback `POST {"to","text"}` receiver appending to one JSONL outbox (the development
    outbox's format, so Tests/enrollment's Outbox and `cyberid bench` read it)."""

    def __init__(self, outbox: Path):
        self.outbox = outbox
        self.outbox.touch(mode=0o600)
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                line = json.dumps({"to": body.get("to"), "text": body.get("text"),
                                   "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, sort_keys=True)
                with lock, open(outbox, "a", encoding="utf-8") as out:
                    out.write(line + "\n")
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# --------------------------------------------------------------------------------------
# nginx
# --------------------------------------------------------------------------------------


def nginx_conf(directory: Path, public_port: int, node_ports: list[int], pin_ports: list[int]) -> str:
    """nginx.conf: one round-robin upstream over the nodes (no ip_hash/sticky: any node must
    finish any flow), and per node a "pin" listener that forwards only to that node. Tests
    give a pin listener to a CLI as its HTTP proxy (http_proxy) so that, say, the wallet's
    approval lands on node 2 while the wallet still addresses the public issuer."""
    user = "user root root;\n" if os.geteuid() == 0 else ""
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in node_ports)
    pins = "\n".join(
        f"""
    server {{
        listen 127.0.0.1:{pin};
        location / {{
            proxy_pass http://127.0.0.1:{node};
            proxy_next_upstream off;
        }}
    }}"""
        for pin, node in zip(pin_ports, node_ports)
    )
    return f"""# Generated by Tests/multinode/cluster.py; run as
#   nginx -p {directory} -c {directory}/nginx.conf -e {directory}/nginx-error.log
{user}daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/nginx-error.log warn;

events {{
    worker_connections 1024;
}}

http {{
    log_format upstreamlog '$remote_addr "$request_method" $status upstream=$upstream_addr '
                           'upstream_status=$upstream_status rt=$request_time';
    access_log {directory}/nginx-access.log upstreamlog;
    client_body_temp_path {directory}/nginx-tmp/body;
    proxy_temp_path {directory}/nginx-tmp/proxy;
    fastcgi_temp_path {directory}/nginx-tmp/fastcgi;
    uwsgi_temp_path {directory}/nginx-tmp/uwsgi;
    scgi_temp_path {directory}/nginx-tmp/scgi;
    client_max_body_size 2m;

    upstream cyberid {{
        # Round robin (the default), no ip_hash / sticky cookie. A node that fails once is
        # left out for fail_timeout, then tried again.
{servers}
        keepalive 32;
    }}

    server {{
        listen 127.0.0.1:{public_port};

        location / {{
            proxy_pass http://cyberid;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            # CYBERID_TRUSTED_PROXIES=127.0.0.1 on the nodes: they take the client address from here.
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;

            # Which requests nginx may send to another node:
            # * `error`: the node could not be connected to, or the connection broke before a
            #   response header came. nginx (>= 1.9.13) retries a non-idempotent request (POST,
            #   PATCH, LOCK) only if it was NOT yet sent to the failed node, i.e. the connection
            #   itself failed: safe, the node never saw it. A POST that reached a node that then
            #   died is answered 502 and not retried, because it may have been carried out
            #   (a wallet approval, a code exchange at /token, an enrollment step, a revocation):
            #   the client decides (CyberID's single-use rules make a client retry safe: a second
            #   approval is `login-already-decided`, a second code exchange `invalid_grant`).
            #   We do NOT add `non_idempotent`.
            # * `timeout`: the same rule for connect/send/read timeouts; GETs (login page, status
            #   polls, QR image, JWKS, discovery, /authorize/continue) are retried on another
            #   node. /authorize/continue is a GET that redeems the approval into a code: a
            #   retry after the first node answered nothing is at worst refused as already used.
            # * never on an HTTP status (no http_502/503/...): a node's own answer is final.
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
            proxy_next_upstream_timeout 10s;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
    }}
{pins}
}}
"""


# --------------------------------------------------------------------------------------
# The cluster
# --------------------------------------------------------------------------------------


@dataclass
class Node:
    index: int  # 0-based; printed as "node index+1"
    port: int
    data_dir: Path
    log_path: Path
    pin_port: int
    process: Optional[subprocess.Popen] = None
    started_at: float = 0.0  # time.monotonic() when the process was started

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def proxy(self) -> str:
        """An HTTP proxy URL whose requests all go to this node (nginx's pin listener)."""
        return f"http://127.0.0.1:{self.pin_port}"

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def requests(self, route: str, method: Optional[str] = None) -> int:
        """How many requests of this route pattern this node logged (the request log line)."""
        pattern = re.compile(r"http\.method=(\w+) http\.route=(\S+)")
        count = 0
        for line in self.log().splitlines():
            match = pattern.search(line)
            if match and match.group(2) == route and (method is None or match.group(1) == method):
                count += 1
        return count


class Cluster:
    def __init__(self, nodes: int = 3, directory: Optional[Path] = None, log_level: str = "info",
                 database_url: Optional[str] = None, **settings: str):
        """`database_url`: the nodes' and the CLI's CYBERID_DATABASE_URL, used verbatim (say a
        multi-host URL of a Patroni pair): no database is created or dropped. Without it, a
        fresh database (`Postgres`) is made at start and dropped at stop."""
        self.binary = binary_path()
        self.database_url = database_url
        if not (self.binary.is_file() and os.access(self.binary, os.X_OK)):
            raise FileNotFoundError(f"cyberid binary not found at {self.binary} (set CYBERID_BIN)")
        self.nginx = nginx_binary()
        self.own_dir = directory is None
        self.dir = Path(tempfile.mkdtemp(prefix="cyberid-multinode.")) if directory is None else directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.public_port = free_port()
        self.public = f"http://127.0.0.1:{self.public_port}"
        self.nodes = [
            Node(i, free_port(), self.dir / f"node{i + 1}", self.dir / f"node{i + 1}.log", free_port()) for i in range(nodes)
        ]
        self.master_key = base64.b64encode(secrets.token_bytes(32)).decode()
        self.log_level = log_level
        self.settings = settings
        self.postgres: Optional[Postgres] = None
        self.gateway: Optional[SmsGateway] = None
        self.nginx_process: Optional[subprocess.Popen] = None
        self.outbox = self.dir / "sms-outbox.jsonl"

    # The environment ----------------------------------------------------------------

    def env(self, data_dir: Optional[Path] = None, **extra: str) -> dict:
        """The environment of a node, and of the CLI (admin, dev, wallet) run against the service."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERID_")}
        env.update(GENEROUS_LIMITS)
        env.update(
            CYBERID_DATA_DIR=str(data_dir or self.dir / "cli"),
            CYBERID_DATABASE_URL=self.database_url or (self.postgres.url if self.postgres else ""),
            CYBERID_MASTER_KEY=self.master_key,
            CYBERID_ISSUER=self.public,
            CYBERID_HOST="127.0.0.1",
            CYBERID_SMS_WEBHOOK_URL=self.gateway.url if self.gateway else "",
            CYBERID_TRUSTED_PROXIES="127.0.0.1",
            CYBERID_LOG_LEVEL=self.log_level,
            CYBERID_OPERATOR=OPERATOR,
            CYBERID_JWKS_REFETCH_SECONDS="2",
            CYBERID_PASSWORD_SCRYPT_LOG_N="10",
        )
        env.update(self.settings)
        env.update(extra)
        return env

    def cli(self, *args: str, timeout: float = 120, proxy: Optional[str] = None, **kwargs) -> subprocess.CompletedProcess:
        env = self.env()
        if proxy:
            env.update(http_proxy=proxy, HTTP_PROXY=proxy, no_proxy="", NO_PROXY="")
        return subprocess.run([str(self.binary), *args], env=env, capture_output=True, text=True, timeout=timeout,
                              stdin=kwargs.pop("stdin", subprocess.DEVNULL), **kwargs)

    # Starting and stopping ----------------------------------------------------------

    def start(self, together: bool = False, setup=None) -> "Cluster":
        """Starts everything. By default node 1 starts alone on the empty database (it applies
        the migrations and creates the CA pair and the first signing key), then the others at
        once. `together=True` starts every node at once on the empty database, which the docs
        say is safe (storage.md, keys.md) but is not (docs/multinode.md, finding 1).
        `setup(cluster)` runs once the database and the SMS gateway are up, before any node
        (the tests trust their CSCAs there with the CLI)."""
        try:
            if self.database_url is None:
                self.postgres = Postgres()
            self.gateway = SmsGateway(self.outbox)
            (self.dir / "cli").mkdir(exist_ok=True)
            if setup is not None:
                setup(self)
            first = [] if together else [self.nodes[0]]
            for node in first:
                self.start_node(node)
            for node in self.nodes:
                if node not in first:
                    self.start_node(node, wait=False)
            for node in self.nodes:
                wait_http(node.base + "/ready", 120, node.process, f"node {node.index + 1}")
            self.start_nginx()
            return self
        except BaseException:
            self.stop()
            raise

    def start_node(self, node: Node, wait: bool = True) -> None:
        node.data_dir.mkdir(exist_ok=True)
        node.started_at = time.monotonic()
        with open(node.log_path, "ab") as log:
            node.process = subprocess.Popen(
                [str(self.binary), "serve", "--port", str(node.port)], env=self.env(node.data_dir),
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        if wait:
            wait_http(node.base + "/ready", 120, node.process, f"node {node.index + 1}")

    def start_nginx(self) -> None:
        (self.dir / "nginx-tmp").mkdir(exist_ok=True)
        conf = self.dir / "nginx.conf"
        conf.write_text(nginx_conf(self.dir, self.public_port, [n.port for n in self.nodes], [n.pin_port for n in self.nodes]))
        command = [self.nginx, "-p", str(self.dir), "-c", str(conf), "-e", str(self.dir / "nginx-error.log")]
        test = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
        if test.returncode != 0:
            raise RuntimeError(f"nginx -t: {test.stderr}")
        with open(self.dir / "nginx.out", "ab") as out:
            self.nginx_process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_http(self.public + "/ready", 30, self.nginx_process, "nginx")

    def kill_node(self, index: int) -> None:
        """SIGKILL: no graceful shutdown, connections cut."""
        node = self.nodes[index]
        if node.alive():
            node.process.send_signal(signal.SIGKILL)
            node.process.wait(timeout=30)

    def stop_node(self, index: int) -> None:
        node = self.nodes[index]
        if node.alive():
            node.process.send_signal(signal.SIGTERM)
            try:
                node.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                node.process.kill()
                node.process.wait(timeout=10)

    def stop(self) -> None:
        if self.nginx_process is not None and self.nginx_process.poll() is None:
            self.nginx_process.send_signal(signal.SIGQUIT)  # graceful: finishes the requests in flight
            try:
                self.nginx_process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.nginx_process.kill()
                self.nginx_process.wait(timeout=10)
        for node in self.nodes:
            self.stop_node(node.index)
        if self.gateway is not None:
            self.gateway.close()
            self.gateway = None
        if self.postgres is not None:
            self.postgres.close()
            self.postgres = None
        if self.own_dir and not os.environ.get("CYBERID_MULTINODE_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "Cluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def describe(self) -> str:
        lines = [f"public (nginx, the issuer): {self.public}"]
        lines += [f"node {n.index + 1}: {n.base}   (pinned through nginx: {n.proxy})" for n in self.nodes]
        lines += [
            f"database: {self.database_url or (self.postgres.url if self.postgres else '-')}",
            f"SMS outbox: {self.outbox}",
            f"directory: {self.dir} (nginx.conf, node logs, nginx logs)",
            "CLI environment:",
        ]
        env = self.env()
        for name in ("CYBERID_DATABASE_URL", "CYBERID_ISSUER", "CYBERID_DATA_DIR", "CYBERID_OPERATOR"):
            lines.append(f"  export {name}={shlex.quote(env[name])}")
        lines.append("  export CYBERID_MASTER_KEY=…  (in " + str(self.dir / "master.key.env") + ")")
        return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--together", action="store_true", help="start every node at once on the empty database")
    args = parser.parse_args(argv)
    cluster = Cluster(args.nodes, log_level=args.log_level)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    cluster.start(together=args.together)
    try:
        env_file = cluster.dir / "master.key.env"
        env_file.write_text(f"export CYBERID_MASTER_KEY={cluster.master_key}\n")
        env_file.chmod(0o600)
        print(cluster.describe(), flush=True)
        print("running; Ctrl-C or SIGTERM stops everything", flush=True)
        while not stop.is_set():
            if cluster.nginx_process.poll() is not None:
                print("nginx exited", file=sys.stderr)
                return 1
            stop.wait(1)
        return 0
    finally:
        print("stopping...", file=sys.stderr, flush=True)
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
