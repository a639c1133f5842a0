"""End-to-end checks of the built `cyberid` binary, as an operator would use it.

Run by scripts/test after `swift build`; needs CYBERID_BIN (path to the binary). When
CYBERID_TEST_POSTGRES_URL is set, the server checks run on PostgreSQL too. JWKS and key ids
are checked with joserfc, an independent JOSE implementation.
"""

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from joserfc.jwk import ECKey, KeySet

BIN = os.environ.get("CYBERID_BIN", ".build/debug/cyberid")
PG_ADMIN_URL = os.environ.get("CYBERID_TEST_POSTGRES_URL")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(data_dir, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERID_")}
    env["CYBERID_DATA_DIR"] = str(data_dir)
    env["CYBERID_OPERATOR"] = "smoke-test"
    env.update(extra)
    return env


def fetch(url, method="GET", body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Server:
    def __init__(self, data_dir, port=None, **env):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # The output goes to files beside the data directory (as Tests/enrollment's launch_server
        # does), not to pipes nobody reads while it runs: a full pipe would block the server.
        logs = Path(data_dir).parent / f"{Path(data_dir).name}-serve-{self.port}-{uuid.uuid4().hex[:8]}"
        self.stdout_path, self.stderr_path = Path(f"{logs}-stdout.log"), Path(f"{logs}-stderr.log")
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(
                [BIN, "serve", "--port", str(self.port)],
                env=env_for(data_dir, **env),
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.stderr_path.read_text(errors='replace')}")
            try:
                if fetch(self.base + "/health")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("server did not start")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        return code, self.stdout_path.read_text(errors="replace"), self.stderr_path.read_text(errors="replace")


def run_cli(*args, data_dir, **env):
    return subprocess.run([BIN, *args], env=env_for(data_dir, **env), capture_output=True, text=True, timeout=120)


def backends():
    yield pytest.param("sqlite", id="sqlite")
    yield pytest.param(
        "postgres", id="postgres", marks=pytest.mark.skipif(not PG_ADMIN_URL, reason="CYBERID_TEST_POSTGRES_URL not set")
    )


@pytest.fixture
def database(request, tmp_path):
    """Yields extra environment for the backend: nothing for SQLite, a fresh database for PostgreSQL."""
    if request.param == "sqlite":
        yield {}
        return
    import re

    name = "cyberid_smoke_" + uuid.uuid4().hex[:12]
    match = re.match(r"postgres://([^@]+)@([^:/]+):(\d+)/", PG_ADMIN_URL)
    user, host, port = match.groups()
    psql = os.path.join(os.environ.get("CYBERID_PG_BIN", "/usr/bin"), "psql")
    subprocess.run([psql, "-h", host, "-p", port, "-U", user, "-d", "postgres", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    yield {"CYBERID_DATABASE_URL": f"postgres://{user}@{host}:{port}/{name}?sslmode=disable"}
    subprocess.run([psql, "-h", host, "-p", port, "-U", user, "-d", "postgres", "-c", f"DROP DATABASE IF EXISTS {name}"], capture_output=True)


@pytest.mark.parametrize("database", list(backends()), indirect=True)
def test_serve_answers_and_a_second_start_reuses_the_keys(tmp_path, database):
    server = Server(tmp_path, **database)
    try:
        status, headers, body = fetch(server.base + "/health")
        assert status == 200 and json.loads(body) == {"status": "ok"}
        status, headers, body = fetch(server.base + "/ready")
        assert status == 200 and json.loads(body) == {"status": "ready"}
        status, headers, body = fetch(server.base + "/metrics")
        assert status == 200
        health = [
            line for line in body.decode().splitlines()
            if line.startswith("hb_requests{") and 'http_route="/health"' in line and 'http_response_status_code="200"' in line
        ]
        assert len(health) == 1 and float(health[0].split()[-1]) >= 2
        assert "http_server_request_duration_bucket{" in body.decode()
        status, headers, body = fetch(server.base + "/jwks.json")
        assert status == 200
        jwks = json.loads(body)
        keyset = KeySet.import_key_set(jwks)
        assert len(keyset.keys) == 1
        key = keyset.keys[0]
        assert isinstance(key, ECKey) and key.as_dict()["crv"] == "P-256"
        # kid is the RFC 7638 thumbprint, as computed by joserfc.
        assert key.kid == key.thumbprint()
        assert "d" not in jwks["keys"][0]
        first_kid = key.kid
    finally:
        code, out, err = server.stop()
    assert code == 0, err
    assert "CyberID issuer: http://127.0.0.1:8080" in out
    assert str(tmp_path) in out

    # Second start: same master key file, same signing key.
    server = Server(tmp_path, **database)
    try:
        _, _, body = fetch(server.base + "/jwks.json")
        assert [k["kid"] for k in json.loads(body)["keys"]] == [first_kid]
    finally:
        code, out, err = server.stop()
    assert code == 0
    assert "generated the first signing key" not in out


def test_master_key_file_is_private_and_nothing_secret_is_logged(tmp_path):
    server = Server(tmp_path, CYBERID_LOG_LEVEL="debug")
    try:
        fetch(server.base + "/v1/network-numbers/check?token=SECRET-QUERY", "POST", b'{"network_number":"SECRET-BODY"}',
              {"Content-Type": "application/json"})
    finally:
        code, out, err = server.stop()
    key_file = tmp_path / "master.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    master = key_file.read_text().strip()
    for secret in [master, "SECRET-QUERY", "SECRET-BODY"]:
        assert secret not in out and secret not in err
    assert 'http.route=/v1/network-numbers/check' in err


def test_admin_migrate_and_key_rotation(tmp_path):
    result = run_cli("admin", "migrate", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "applied migrations 1" in result.stdout
    result = run_cli("admin", "migrate", data_dir=tmp_path)
    assert result.returncode == 0 and "schema is current" in result.stdout

    listed = run_cli("admin", "keys", "list", data_dir=tmp_path)
    assert listed.returncode == 0
    first_kid = listed.stdout.splitlines()[1].split()[0]

    server = Server(tmp_path)
    try:
        rotated = run_cli("admin", "keys", "rotate", data_dir=tmp_path)
        assert rotated.returncode == 0, rotated.stderr
        new_kid = rotated.stdout.split("new active signing key: ")[1].split()[0]
        assert new_kid != first_kid
        lines = rotated.stdout.splitlines()
        assert any(line.startswith(new_kid) and " active " in line for line in lines)
        assert any(line.startswith(first_kid) and " retired " in line for line in lines)
        # The running server picks the rotation up within its refresh interval (30 s).
        deadline = time.time() + 45
        kids = []
        while time.time() < deadline:
            kids = [k["kid"] for k in json.loads(fetch(server.base + "/jwks.json")[2])["keys"]]
            if kids == [new_kid, first_kid]:
                break
            time.sleep(1)
        assert kids == [new_kid, first_kid]
    finally:
        server.stop()


@pytest.mark.parametrize(
    "env, fragment",
    [
        ({"CYBERID_PORT": "eighty"}, "CYBERID_PORT"),
        ({"CYBERID_ISSUER": "http://id.example.cn"}, "CYBERID_ISSUER"),
        ({"CYBERID_DATABASE_URL": "mysql://x@y/z"}, "CYBERID_DATABASE_URL"),
        ({"CYBERID_LOG_LEVEL": "shouty"}, "CYBERID_LOG_LEVEL"),
        ({"CYBERID_MASTER_KEY": "dG9vIHNob3J0"}, "CYBERID_MASTER_KEY"),
        ({"CYBERID_CONFIG_FILE": "/nonexistent.json"}, "CYBERID_CONFIG_FILE"),
    ],
)
def test_bad_configuration_is_one_line_and_exit_code_2(tmp_path, env, fragment):
    result = run_cli("serve", data_dir=tmp_path, **env)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cyberid: configuration error:") and fragment in lines[0]


def test_insecure_master_key_file_is_refused(tmp_path):
    assert run_cli("admin", "migrate", data_dir=tmp_path).returncode == 0
    (tmp_path / "master.key").chmod(0o644)
    result = run_cli("admin", "keys", "list", data_dir=tmp_path)
    assert result.returncode == 1
    assert "chmod 600" in result.stderr


def test_help_reads_well(tmp_path):
    result = run_cli("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for word in ["serve", "admin", "CYBERID_"]:
        assert word in result.stdout
    result = run_cli("admin", "keys", "--help", data_dir=tmp_path)
    assert "rotate" in result.stdout and "list" in result.stdout
    result = run_cli("frobnicate", data_dir=tmp_path)
    assert result.returncode != 0


def test_dev_document_and_wallet_enroll_issue_a_certificate_openssl_accepts(tmp_path):
    """The issue's acceptance path: serve + dev document --trust + wallet enroll."""
    data = tmp_path / "data"
    result = run_cli("dev", "document", "--out", str(tmp_path / "doc"), "--trust", data_dir=data)
    assert result.returncode == 0, result.stderr
    server = Server(data)
    try:
        wallet = tmp_path / "wallet.json"
        env = {"CYBERID_DATA_DIR": str(data)}
        result = subprocess.run(
            [BIN, "wallet", "enroll", "--document", str(tmp_path / "doc"), "--phone", "+8613800000000",
             "--server", server.base, "--wallet", str(wallet)],
            env=env_for(data), capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        number = result.stdout.split("network number: ")[1].split()[0]
        assert stat.S_IMODE(wallet.stat().st_mode) == 0o600
        shown = run_cli("wallet", "show", "--wallet", str(wallet), "--json", data_dir=data)
        assert json.loads(shown.stdout)["network_number"] == number
        assert json.loads(shown.stdout)["assurance_level"] == "substantial"
        cert = tmp_path / "cert.pem"
        cert.write_text(json.loads(wallet.read_text())["certificate_pem"])
        (tmp_path / "root.pem").write_bytes(fetch(server.base + "/pki/root.pem")[2])
        (tmp_path / "issuing.pem").write_bytes(fetch(server.base + "/pki/issuing.pem")[2])
        verify = subprocess.run(
            ["openssl", "verify", "-CAfile", str(tmp_path / "root.pem"), "-untrusted", str(tmp_path / "issuing.pem"), str(cert)],
            capture_output=True, text=True)
        assert verify.returncode == 0 and ": OK" in verify.stdout, verify.stderr
        subject = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-subject"], capture_output=True, text=True)
        assert subject.stdout.strip() == f"subject=serialNumber = {number}"
        # Enrolling the same person again is refused with a clear message and exit 1.
        again = subprocess.run(
            [BIN, "wallet", "enroll", "--document", str(tmp_path / "doc"), "--phone", "+8613800000000",
             "--server", server.base, "--wallet", str(tmp_path / "again.json")],
            env=env_for(data), capture_output=True, text=True, timeout=120)
        assert again.returncode == 1 and "already-enrolled" in again.stderr
    finally:
        server.stop()


def count_rows(tmp_path, database, table):
    """Rows of `table` in the test's store (SQLite file or the fresh PostgreSQL database); 0 when
    the store or the table does not exist yet."""
    url = database.get("CYBERID_DATABASE_URL")
    if url is None:
        import sqlite3

        if not (tmp_path / "cyberid.sqlite").exists():
            return 0
        with sqlite3.connect(tmp_path / "cyberid.sqlite") as connection:
            try:
                return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            except sqlite3.OperationalError:
                return 0
    psql = os.path.join(os.environ.get("CYBERID_PG_BIN", "/usr/bin"), "psql")
    exists = subprocess.run([psql, url.split("?")[0], "-tAc", f"SELECT to_regclass('{table}') IS NOT NULL"], check=True, capture_output=True, text=True)
    if exists.stdout.strip() != "t":
        return 0
    answer = subprocess.run([psql, url.split("?")[0], "-tAc", f"SELECT COUNT(*) FROM {table}"], check=True, capture_output=True, text=True)
    return int(answer.stdout.strip())


@pytest.mark.parametrize("database", list(backends()), indirect=True)
def test_dev_seed_and_fill_add_what_was_asked_and_refuse_bad_counts(tmp_path, database):
    """Issue 16's scale commands as scripts/scale-login runs them: a count out of range is a
    one-line message and exit code 2 with nothing written; a fill adds exactly the persons
    asked for across batches (one seeded template first), each with its number and certificate."""
    for args, option in [
        (("dev", "seed", "--persons", "0"), "--persons"),
        (("dev", "fill", "--persons", "0"), "--persons"),
        (("dev", "fill", "--persons", "5", "--batch", "0"), "--batch"),
        (("dev", "fill", "--persons", "5", "--report", "-1"), "--report"),
    ]:
        refused = run_cli(*args, data_dir=tmp_path, **database)
        assert refused.returncode == 2 and option in refused.stderr, (args, refused.returncode, refused.stderr)
    assert count_rows(tmp_path, database, "persons") == 0
    seeded = run_cli("dev", "seed", "--persons", "2", data_dir=tmp_path, **database)
    assert seeded.returncode == 0 and "seeded 2 persons" in seeded.stdout, seeded.stderr
    filled = run_cli("dev", "fill", "--persons", "5", "--batch", "2", "--report", "2", data_dir=tmp_path, **database)
    assert filled.returncode == 0, filled.stderr
    assert "filled 5 persons" in filled.stdout and "4/5 filler persons" in filled.stdout, filled.stdout
    # Two seeded, one template seeded by the fill, five fillers.
    for table in ["persons", "network_numbers", "network_certificates"]:
        assert count_rows(tmp_path, database, table) == 8, table


def test_scale_login_keeps_a_timeline_of_the_load_and_the_host(tmp_path):
    """scripts/scale-login with LOGS (SQLite, a tiny store, a second of warm-up): each run's line
    is followed by its slowest seconds beside the host's record, and the load's and the host's
    timelines are kept as CSV, second by second; bench login refuses a negative warm-up, a
    timeline in a directory that does not exist, a cross-device wait outside 1–50 s or beside a
    warm-up, and --separate-qr-image alone, before it does anything."""
    for args, fragment in [
        (("--warmup", "-1"), "--warmup"), (("--timeline", str(tmp_path / "no" / "t.csv")), "--timeline"),
        (("--cross-device", "0"), "--cross-device"), (("--cross-device", "51"), "--cross-device"),
        (("--cross-device", "5", "--warmup", "1"), "--warmup"), (("--separate-qr-image",), "--cross-device"),
    ]:
        refused = run_cli("bench", "login", "--document-dir", str(tmp_path), *args, data_dir=tmp_path)
        assert refused.returncode == 2 and fragment in refused.stderr, (args, refused.returncode, refused.stderr)
    logs = tmp_path / "logs"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERID_")}
    env.update(SIZES="20", RUNS="1", DURATION="3", RATE="5", WARMUP="1", PORT=str(free_port()), LOGS=str(logs))
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    run = subprocess.run(
        [os.path.join(root, "scripts", "scale-login"), BIN], env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "20 persons (sqlite), run 1:" in run.stdout and "failures: 0" in run.stdout, run.stdout
    assert "longest seconds" in run.stdout and "slowest tenth of the seconds" in run.stdout, run.stdout
    load = (logs / "20-1A.load.csv").read_text().splitlines()
    assert load[0] == "second,unix_time,completed,failed,max_ms"
    rows = [line.split(",") for line in load[1:]]
    # Three measured seconds at 5 a second (the warm-up's second is not in it), every login completed.
    assert [row[0] for row in rows] == ["0", "1", "2"] and sum(int(row[2]) for row in rows) == 15, load
    assert all(row[3] == "0" and float(row[4]) > 0 for row in rows), load
    host = (logs / "20-1A.host.csv").read_text().splitlines()
    header = host[0].split(",")
    assert header == ["unix_time", "busy_ms", "steal_ms", "max_steal_100ms", "server_ms", "postgres_ms", "other_ms",
                      "top_other", "probe_us", "iowait_ms", "disk_busy_ms", "disk_wait_ms", "server_read_kib",
                      "server_write_kib", "server_blocked_ms", "disk_flushes", "disk_flush_ms", "disk_read_kib",
                      "disk_write_kib", "top_io"], host[0]
    lines = [dict(zip(header, line.split(","))) for line in host[1:]]
    seconds = {int(line["unix_time"]) for line in lines}
    # Every second has its speed probe (the sampler's CPU time for a fixed hash: never nothing).
    assert all(int(line["probe_us"]) > 0 for line in lines), host
    # The I/O columns are counts of this second, never negative (what they count depends on the
    # file system: a store on tmpfs writes nothing to storage).
    assert all(int(line[k]) >= 0 for line in lines for k in header[9:-1]), host
    # The process that caused the most I/O: a name and its KiB.
    assert all(line["top_io"].rsplit(" ", 1)[1].isdigit() for line in lines), host
    assert sum(int(line["server_write_kib"]) for line in lines) > 0, host
    assert "speed probe over the load's seconds: median" in run.stdout, run.stdout
    # The host's record covers the load's seconds (it samples from before the load to after it).
    assert {int(float(row[1])) for row in rows} <= seconds, (load, host)


def test_store_login_measures_an_existing_store(tmp_path):
    """scripts/store-login (benchmarks.md, sitting 11): logins by a seeded population against a
    store made beforehand, with the load's and the host's timelines and the report of the slowest
    seconds; the platform it registers is kept private and reused; bad arguments are one line and
    exit code 2 before anything starts."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    script = os.path.join(root, "scripts", "store-login")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERID_")}
    data, out = tmp_path / "data", tmp_path / "run"
    data.mkdir()
    for args, extra, fragment in [
        ((BIN, str(data), str(tmp_path)), {}, "usage"),
        ((BIN, str(data), str(tmp_path), str(out)), {}, "no sqlite store"),
        ((BIN, str(data), str(tmp_path), str(out)), {"RATE": "fast"}, "rate"),
    ]:
        if fragment == "rate":
            seeded = run_cli("dev", "seed", "--persons", "8", "--wallets-out", str(tmp_path / "w.jsonl"), "--wallets", "8",
                             data_dir=data)
            assert seeded.returncode == 0, seeded.stderr
        refused = subprocess.run([script, *args], env={**env, **extra}, capture_output=True, text=True, timeout=60)
        assert refused.returncode == 2 and fragment in refused.stderr.lower(), (args, refused.returncode, refused.stderr)
    for turn in range(2):
        run = subprocess.run(
            [script, BIN, str(data), str(tmp_path), str(out)], capture_output=True, text=True, timeout=300,
            env={**env, "WALLETS": str(tmp_path / "w.jsonl"), "RATE": "5", "DURATION": "2", "WARMUP": "1", "COLD": "0",
                 "PORT": str(free_port())})
        assert run.returncode == 0, run.stdout + run.stderr
        assert "latency p50" in run.stdout and "server CPU" in run.stdout, run.stdout
        assert "longest seconds" in run.stdout and "speed probe over the load's seconds" in run.stdout, run.stdout
        load = (tmp_path / "run.load.csv").read_text().splitlines()
        # Two measured seconds at 5 a second, every login completed.
        assert sum(int(line.split(",")[2]) for line in load[1:]) == 10, load
        assert all(line.split(",")[3] == "0" for line in load[1:]), load
        assert (tmp_path / "run.host.csv").read_text().startswith("unix_time,busy_ms,")
    client = data / "store-login-client.json"
    assert stat.S_IMODE(os.stat(client).st_mode) == 0o600 and "client_secret" in client.read_text()


def test_seeded_wallets_log_in_as_a_population(tmp_path):
    """Issue 16's population logins: `dev seed --wallets-out` appends the wallets of the persons it
    keeps to a private file (mode 0600, one wallet a line, each a person of the store), `bench login
    --wallet-file` logs in as them without enrolling anyone, and a bad file or a missing choice of
    wallets is one line and an exit code before any load. scale-login's POPULATION runs on them."""
    wallets = tmp_path / "wallets.jsonl"
    wallets.write_text("")
    os.chmod(wallets, 0o644)  # an existing file readable by others is made private before a key goes in
    for _ in range(2):
        seeded = run_cli("dev", "seed", "--persons", "6", "--batch", "4", "--wallets-out", str(wallets), "--wallets", "3",
                         data_dir=tmp_path)
        assert seeded.returncode == 0 and f"kept 3 wallets in {wallets}" in seeded.stdout, seeded.stdout + seeded.stderr
    assert stat.S_IMODE(os.stat(wallets).st_mode) == 0o600
    lines = [json.loads(line) for line in wallets.read_text().splitlines()]
    assert len(lines) == 6 and len({line["network_number"] for line in lines}) == 6
    assert all(line["private_key_pem"].startswith("-----BEGIN PRIVATE KEY-----") for line in lines)
    assert count_rows(tmp_path, {}, "persons") == 12
    for args, code, fragment in [
        ((), 2, "--wallet-file"),
        (("--wallet-file", str(wallets), "--document-dir", str(tmp_path)), 2, "one of them"),
        (("--wallet-file", str(tmp_path / "missing.jsonl")), 1, "cannot read --wallet-file"),
    ]:
        refused = run_cli("bench", "login", *args, data_dir=tmp_path)
        assert refused.returncode == code and fragment in refused.stderr, (args, refused.returncode, refused.stderr)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(wallets.read_text().splitlines()[0] + "\n{\"server\": 1}\n")
    port = free_port()
    server = Server(tmp_path, port=port, CYBERID_ISSUER=f"http://127.0.0.1:{port}", CYBERID_AUTHORIZE_PER_IP_PER_MINUTE="100000")
    try:
        refused = run_cli("bench", "login", "--server", server.base, "--wallet-file", str(bad), data_dir=tmp_path)
        assert refused.returncode == 1 and "line 2 is not a wallet" in refused.stderr, refused.stderr
        run = run_cli("bench", "login", "--server", server.base, "--wallet-file", str(wallets), "--duration", "2",
                      "--rate", "4", "--clients", "2", data_dir=tmp_path, CYBERID_ISSUER=server.base)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "logging in as 6 seeded wallets" in run.stdout and "enrolling" not in run.stdout, run.stdout
        assert "completed 8 logins" in run.stdout, run.stdout
        # Cross-device, the page polling a second as its script does (the status with its image)
        # and as it did before (the status, then /authorize/qr): every login completes.
        for extra in ((), ("--separate-qr-image",)):
            crossed = run_cli("bench", "login", "--server", server.base, "--wallet-file", str(wallets), "--duration", "2",
                              "--rate", "2", "--clients", "8", "--cross-device", "1", *extra, data_dir=tmp_path,
                              CYBERID_ISSUER=server.base)
            assert crossed.returncode == 0 and "completed 4 logins" in crossed.stdout, (extra, crossed.stdout + crossed.stderr)
    finally:
        server.stop()
    # Nobody was enrolled by the load: the store holds the twelve seeded persons only.
    assert count_rows(tmp_path, {}, "persons") == 12
    # scale-login with POPULATION: each size's sample drawn from the seeded persons, no failure.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERID_")}
    env.update(SIZES="10 30", RUNS="1", DURATION="2", RATE="4", WARMUP="0", POPULATION="5", PORT=str(free_port()))
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    scaled = subprocess.run(
        [os.path.join(root, "scripts", "scale-login"), BIN], env=env, capture_output=True, text=True, timeout=600)
    assert scaled.returncode == 0, scaled.stdout + scaled.stderr
    for size in (10, 30):
        line = next(line for line in scaled.stdout.splitlines() if line.startswith(f"{size} persons (sqlite), run 1"))
        assert "5 seeded wallets" in line and "failures: 0" in line, scaled.stdout


def health_requests(base):
    """How many `GET /health` answers of 200 the server has counted (its /metrics)."""
    _, _, body = fetch(base + "/metrics")
    lines = [
        line for line in body.decode().splitlines()
        if line.startswith("hb_requests{") and 'http_route="/health"' in line and 'http_response_status_code="200"' in line
    ]
    return sum(float(line.split()[-1]) for line in lines)


def test_bench_login_floor_makes_a_same_device_logins_exchanges_of_health(tmp_path):
    """Issue 16's floor: `bench login --floor` makes, per "login", as many `GET /health` exchanges
    as a same-device login makes (4), at the offered rate, enrolling nobody, registering no platform
    and starting no login; it refuses what would make it something else (cross-device, a mode,
    wallets, a platform)."""
    for args in (
        ("--cross-device", "5"), ("--mode", "R02"), ("--wallet-file", str(tmp_path / "w.jsonl")),
        ("--document-dir", str(tmp_path)), ("--wallets", "3"), ("--client-id", "c", "--client-secret", "s"),
    ):
        refused = run_cli("bench", "login", "--floor", *args, data_dir=tmp_path)
        assert refused.returncode == 2 and "--floor" in refused.stderr, (args, refused.returncode, refused.stderr)
    port = free_port()
    server = Server(tmp_path, port=port, CYBERID_ISSUER=f"http://127.0.0.1:{port}")
    try:
        before = health_requests(server.base)
        platforms = count_rows(tmp_path, {}, "clients")
        run = run_cli("bench", "login", "--floor", "--server", server.base, "--duration", "2", "--rate", "5",
                      "--clients", "2", data_dir=tmp_path, CYBERID_ISSUER=server.base)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "the HTTP floor: 4 × GET /health a login" in run.stdout and "completed 10 logins" in run.stdout, run.stdout
        assert "enrolling" not in run.stdout, run.stdout
        assert health_requests(server.base) - before == 40
        assert count_rows(tmp_path, {}, "clients") == platforms
        for table in ("persons", "authorization_codes"):
            assert count_rows(tmp_path, {}, table) == 0, table
    finally:
        server.stop()


def memory_cgroups():
    """True when this process may make a memory cgroup where postgres-throwaway makes it: under its
    own in cgroup v1's memory hierarchy, beside its own in v2 (with the memory controller), writable."""
    if os.geteuid() != 0:
        return False
    lines = [line.split(":", 2) for line in open("/proc/self/cgroup").read().splitlines()]
    if os.path.exists("/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        parent = "/sys/fs/cgroup/memory" + next((path for _, names, path in lines if names == "memory"), "/")
        limit = "memory.limit_in_bytes"
    elif os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
        parent = "/sys/fs/cgroup" + os.path.dirname(next((path for number, _, path in lines if number == "0"), "/"))
        limit = "memory.max"
    else:
        return False
    probe = os.path.join(parent, f"cyberid-probe-{os.getpid()}")
    try:
        os.mkdir(probe)
    except OSError:
        return False
    try:
        return os.path.exists(os.path.join(probe, limit))
    finally:
        os.rmdir(probe)


@pytest.mark.skipif(not memory_cgroups() or not shutil.which("fincore"), reason="needs root, a memory cgroup and fincore")
def test_postgres_throwaway_restarts_cold_within_a_memory_limit():
    """scripts/postgres-throwaway with CYBERID_PG_MEMORY (scale-login's PG_MEMORY, issue 16's store
    larger than memory): a bad size is refused with exit code 2 and the server left running; a size
    drops the database's files from the page cache and starts the server in a memory cgroup holding
    that limit; `unlimited` starts it cold outside any such cgroup; `stop` removes the cgroup."""
    script = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                          "scripts", "postgres-throwaway")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERID_")}
    started = subprocess.run([script, "start"], env=env, capture_output=True, text=True, timeout=300)
    assert started.returncode == 0, started.stderr
    exports = dict(line.removeprefix("export ").split("=", 1) for line in started.stdout.splitlines())
    directory, url = exports["CYBERID_PG_DIR"], exports["CYBERID_TEST_POSTGRES_URL"].strip("'")
    name = os.path.basename(directory)

    def sql(statement):
        answer = subprocess.run(["psql", "-X", "-q", "-t", "-A", url, "-c", statement], capture_output=True, text=True, timeout=120)
        assert answer.returncode == 0, answer.stderr
        return answer.stdout.strip()

    def restart(memory):
        return subprocess.run([script, "restart", directory], env={**env, "CYBERID_PG_MEMORY": memory},
                              capture_output=True, text=True, timeout=300)

    def postmaster_memory_cgroup():
        with open(os.path.join(directory, "data", "postmaster.pid")) as pid_file:
            pid = pid_file.readline().strip()
        lines = open(f"/proc/{pid}/cgroup").read().splitlines()
        return next((line.split(":", 2)[2] for line in lines if line.split(":")[1] in ("memory", "")), None)

    def resident_bytes(path):
        answer = subprocess.run(["fincore", "--bytes", "--noheadings", "--output", "RES", path],
                                capture_output=True, text=True, timeout=60)
        assert answer.returncode == 0, answer.stderr
        return int(answer.stdout.strip())

    try:
        sql("CREATE TABLE filler WITH (autovacuum_enabled = off) AS SELECT g, repeat('x', 400) AS s FROM generate_series(1, 20000) g")
        sql("CHECKPOINT")
        table = os.path.join(directory, "data", sql("SELECT pg_relation_filepath('filler')"))
        sql("SELECT count(*) FROM filler")
        assert resident_bytes(table) > 4_000_000, "the table was just written and read: in the page cache"

        for size in ["lots", "1024", "0G"]:  # a size needs its unit: a bare 1024 would be bytes
            refused = restart(size)
            assert refused.returncode == 2 and "CYBERID_PG_MEMORY" in refused.stderr, (size, refused.stderr)
        assert sql("SELECT count(*) FROM filler") == "20000", "a refused size leaves the server running"

        limited = restart("256M")
        assert limited.returncode == 0, limited.stderr
        assert resident_bytes(table) < 1_000_000, "the restart dropped the table's file from the page cache"
        cgroup = open(os.path.join(directory, "cgroup")).read().strip()
        assert os.path.basename(cgroup).startswith(name + "-") and cgroup.endswith(postmaster_memory_cgroup())
        limit_file = "memory.limit_in_bytes" if os.path.exists(f"{cgroup}/memory.limit_in_bytes") else "memory.max"
        assert int(open(f"{cgroup}/{limit_file}").read()) == 256 * 1024 * 1024
        assert sql("SELECT count(*) FROM filler") == "20000"

        again = restart("128M")
        assert again.returncode == 0, again.stderr
        fresh = open(os.path.join(directory, "cgroup")).read().strip()
        assert fresh != cgroup and not os.path.exists(cgroup), "each start has a fresh cgroup; the old one is gone"
        assert int(open(f"{fresh}/{limit_file}").read()) == 128 * 1024 * 1024

        cold = restart("unlimited")
        assert cold.returncode == 0, cold.stderr
        assert resident_bytes(table) < 1_000_000, "the unlimited restart is as cold as the limited one"
        assert not os.path.exists(fresh) and not os.path.exists(os.path.join(directory, "cgroup"))
        assert not postmaster_memory_cgroup().endswith(os.path.basename(fresh)), "unlimited: outside any limit"
        assert sql("SELECT count(*) FROM filler") == "20000"
        restart("64M")
        cgroup = open(os.path.join(directory, "cgroup")).read().strip()
    finally:
        subprocess.run([script, "stop", directory], env=env, capture_output=True, timeout=120)
    assert not os.path.exists(cgroup), "stop removes the cgroup"
