"""scripts/cold-store and scale-login's SQLITE_MEMORY (issue 16): a store read from disk, as on a
machine with less memory, on SQLite as PostgreSQL's PG_MEMORY does it."""
import glob
import os
import shutil
import subprocess

import pytest

from test_cli_and_server import BIN, free_port, memory_cgroups

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLD_STORE = os.path.join(ROOT, "scripts", "cold-store")


def resident_bytes(path):
    answer = subprocess.run(["fincore", "--bytes", "--noheadings", "--output", "RES", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert answer.returncode == 0, answer.stderr
    return int(answer.stdout.strip())


def test_cold_store_refuses_what_it_cannot_do(tmp_path):
    """Each subcommand's wrong use is a line on stderr and exit code 2, before anything is made."""
    for args, fragment in [
        ((), "usage"),
        (("cgroup", "x"), "usage: cold-store cgroup"),
        (("cgroup", "x", "1024"), "not a size"),  # a size needs its unit
        (("cgroup", "x", "0G"), "not a size"),
        (("join", "/nowhere"), "usage: cold-store join"),
        (("evict",), "usage: cold-store evict"),
        (("evict", "/dev/shm"), "tmpfs"),
        (("peak",), "usage: cold-store peak"),
    ]:
        refused = subprocess.run([COLD_STORE, *args], capture_output=True, text=True, timeout=60)
        assert refused.returncode == 2 and fragment in refused.stderr, (args, refused.returncode, refused.stderr)


@pytest.mark.skipif(not memory_cgroups() or not shutil.which("fincore"), reason="needs root, a memory cgroup and fincore")
def test_cold_store_evicts_files_and_holds_a_process_to_its_limit(tmp_path):
    """`evict` writes a file back and drops it from the page cache (dirty pages too); `cgroup`
    makes a fresh cgroup with the limit asked; `join` runs a command in it, whose memory then counts
    there (`peak`); `remove` takes it away."""
    data = tmp_path / "store"
    data.mkdir()
    written = data / "file"
    with open(written, "wb") as out:
        out.write(os.urandom(8 << 20))  # dirty in the page cache: not yet written back
    assert resident_bytes(written) > 4 << 20
    evicted = subprocess.run([COLD_STORE, "evict", str(data)], capture_output=True, text=True, timeout=60)
    assert evicted.returncode == 0, evicted.stderr
    assert resident_bytes(written) < 1 << 20, "evict dropped the file from the page cache"

    made = subprocess.run([COLD_STORE, "cgroup", "cyberid-test", "64M"], capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    cgroup = made.stdout.strip()
    try:
        assert os.path.basename(cgroup).startswith("cyberid-test-")
        limit_file = "memory.limit_in_bytes" if os.path.exists(f"{cgroup}/memory.limit_in_bytes") else "memory.max"
        assert int(open(f"{cgroup}/{limit_file}").read()) == 64 << 20
        # The joined command reads the 8 MiB file: its pages are charged to the cgroup.
        joined = subprocess.run([COLD_STORE, "join", cgroup, "sh", "-c", f"cat /proc/self/cgroup; cat {written} > /dev/null"],
                                capture_output=True, text=True, timeout=60)
        assert joined.returncode == 0, joined.stderr
        relative = cgroup.removeprefix("/sys/fs/cgroup/memory" if limit_file == "memory.limit_in_bytes" else "/sys/fs/cgroup")
        assert any(line.split(":", 2)[2] == relative
                   for line in joined.stdout.splitlines() if line.split(":")[1] in ("memory", "")), joined.stdout
        peak = subprocess.run([COLD_STORE, "peak", cgroup], capture_output=True, text=True, timeout=60)
        assert peak.returncode == 0 and peak.stdout.endswith(" MiB\n"), peak.stdout + peak.stderr
        assert 8 <= int(peak.stdout.split()[0]) <= 64, peak.stdout
    finally:
        subprocess.run([COLD_STORE, "remove", cgroup], timeout=60)
    assert not os.path.exists(cgroup)


@pytest.mark.skipif(not memory_cgroups(), reason="needs root and a memory cgroup")
def test_scale_login_runs_sqlite_cold_within_a_memory_limit(tmp_path):
    """scripts/scale-login's SQLITE_MEMORY: each value takes its turn, a size's run reports the
    server's peak memory from its own cgroup, every cgroup is gone afterwards; a bad size and the
    setting on the other backend are refused before anything starts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERID_")}
    script = os.path.join(ROOT, "scripts", "scale-login")
    for extra, fragment in [({"SQLITE_MEMORY": "lots"}, "SQLITE_MEMORY: 'lots'"),
                            ({"SQLITE_MEMORY": "1G", "BACKEND": "postgres"}, "SQLITE_MEMORY needs BACKEND=sqlite"),
                            ({"PG_MEMORY": "1G"}, "PG_MEMORY needs BACKEND=postgres")]:
        refused = subprocess.run([script, BIN], env={**env, **extra}, capture_output=True, text=True, timeout=60)
        assert refused.returncode == 2 and fragment in refused.stderr, (extra, refused.stderr)
    port = free_port()
    env.update(SIZES="20", RUNS="1", DURATION="2", RATE="4", WARMUP="0", PORT=str(port), SQLITE_MEMORY="256M unlimited")
    run = subprocess.run([script, BIN], env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = {memory: next(line for line in run.stdout.splitlines() if f"server memory {memory}" in line)
             for memory in ("256M", "unlimited")}
    assert all("failures: 0" in line for line in lines.values()), run.stdout
    peak = lines["256M"].split("the server's peak ")[1].split(" MiB")[0]
    assert 0 < int(peak) <= 256, lines["256M"]
    assert "peak" not in lines["unlimited"], lines["unlimited"]
    assert not glob.glob(f"/sys/fs/cgroup/**/cyberid-scale-{port}-*", recursive=True), "every run's cgroup removed"
