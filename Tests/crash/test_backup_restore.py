"""Backup and restore (issue 13): `cyberid admin backup` taken while enrollments run, restored
with `cyberid admin restore` into a fresh data directory, serves logins.

Checked: every enrollment acknowledged before the backup started is in the restored store, with
its number active and its certificate; a holder enrolled before the backup logs in to a platform
against the restored service (ID token and all); the restore is in the restored audit log and
the chain verifies; a restore without the master key, or with another master key, is refused
and leaves no database in place. SQLite only: PostgreSQL backups are pg_dump's (operations.md).
"""

from __future__ import annotations

import os
import shutil
import time

from crash_support import CrashServer, Database, Enroller, Load, Settings, canonical
from oidc_support import RelyingParty, login


def test_a_backup_taken_under_load_restores_and_serves_logins(snapshot_binary, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    logs = tmp_path / "logs"
    logs.mkdir()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    server = CrashServer(data, {}, logs)
    load = Load(server, scratch, Settings.from_env())
    load.trust_csca()
    server.start()
    try:
        load.prepare_logins()
        seeder = Enroller(load)
        for _ in range(2):
            assert seeder.once() is not None, (load.stats.unexpected, load.stats.anomalies)
        threads = [load.run_thread(f"enroller-{i}", Enroller(load).once) for i in range(2)]
        time.sleep(1.5)
        before = list(load.acks.enrollments)
        backup = tmp_path / "backup.sqlite"
        result = server.cli("admin", "backup", "--out", str(backup), "--operator", "backup-test")
        during = len(load.acks.enrollments)
        time.sleep(1.0)
        load.stopping.set()
        for thread in threads:
            thread.join(timeout=60)
        assert result.returncode == 0, result.stderr
        assert "backup written" in result.stdout
        # A second backup to the same file is refused: a backup is never overwritten.
        again = server.cli("admin", "backup", "--out", str(backup), "--operator", "backup-test")
        assert again.returncode == 1 and "exists" in again.stderr
    finally:
        server.stop()
    assert not load.stats.anomalies, load.stats.anomalies
    assert len(before) >= 2 and during > len(before) - 1

    # The live directory is gone; a fresh one holds only the master key.
    shutil.move(str(data), str(tmp_path / "lost"))
    data.mkdir()
    shutil.copy2(tmp_path / "lost" / "master.key", data / "master.key")
    os.chmod(data / "master.key", 0o600)
    restored = server.cli("admin", "restore", "--from", str(backup), "--operator", "restore-test")
    assert restored.returncode == 0, restored.stderr
    assert "restored" in restored.stdout

    database = Database("sqlite", sqlite_path=data / "cyberid.sqlite")
    numbers = {row[0] for row in database.rows("SELECT number FROM network_numbers WHERE status = 'active'")}
    for ack in before:
        assert canonical(ack.number) in numbers, f"{ack.number}, acknowledged before the backup, is not in it"

    server.start()
    try:
        holder = before[0].holder
        assert holder is not None
        rp = RelyingParty(load.deployment, load.client)
        done = login(load.deployment, rp, holder)
        assert done.claims["sub"] and done.token.get("id_token"), done.token
        audit = server.cli("admin", "audit", "list")
        assert '"action":"database.restore"' in audit.stdout, audit.stdout[-2000:]
        verified = server.cli("admin", "audit", "verify")
        assert verified.returncode == 0, verified.stderr
    finally:
        server.stop()


def test_a_restore_without_the_right_master_key_leaves_nothing_in_place(snapshot_binary, tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (tmp_path / "logs").mkdir()
    server = CrashServer(source, {}, tmp_path / "logs")
    migrated = server.cli("admin", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    backup = tmp_path / "b.sqlite"
    assert server.cli("admin", "backup", "--out", str(backup), "--operator", "t").returncode == 0

    # No master key at all: refused before anything is written (a new key would open nothing).
    empty = tmp_path / "empty"
    empty.mkdir()
    bare = CrashServer(empty, {}, tmp_path / "logs")
    answer = bare.cli("admin", "restore", "--from", str(backup), "--operator", "t")
    assert answer.returncode == 2 and "master key" in answer.stderr
    assert not (empty / "cyberid.sqlite").exists() and not (empty / "master.key").exists()

    # Another master key: refused, and the restored file moved aside.
    other = tmp_path / "other"
    other.mkdir()
    stranger = CrashServer(other, {}, tmp_path / "logs")
    assert stranger.cli("admin", "master-key", "new", "--out", str(other / "master.key")).returncode == 0
    answer = stranger.cli("admin", "restore", "--from", str(backup), "--operator", "t")
    assert answer.returncode == 1 and "another master key" in answer.stderr, answer.stderr
    assert not (other / "cyberid.sqlite").exists()
    assert any(name.startswith("cyberid.sqlite.rejected-") for name in os.listdir(other))

    # --force over a database of another key: refused, and the database that was there is back.
    assert stranger.cli("admin", "migrate").returncode == 0
    answer = stranger.cli("admin", "restore", "--from", str(backup), "--force", "--operator", "t")
    assert answer.returncode == 1 and "previous database is back" in answer.stderr, answer.stderr
    status = stranger.cli("admin", "master-key", "status")
    assert status.returncode == 0, status.stderr
    assert len([name for name in os.listdir(other) if name.startswith("cyberid.sqlite.rejected-") and "-wal" not in name
                and "-shm" not in name]) == 2


def test_a_forced_restore_from_what_is_not_a_backup_leaves_the_database_in_place(snapshot_binary, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "logs").mkdir()
    server = CrashServer(data, {}, tmp_path / "logs")
    assert server.cli("admin", "migrate").returncode == 0
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database" * 1000)
    for source in (garbage, tmp_path / "missing.sqlite"):
        answer = server.cli("admin", "restore", "--from", str(source), "--force", "--operator", "t")
        assert answer.returncode == 1, answer.stderr
        assert "previous database is back" in answer.stderr, answer.stderr
        assert (data / "cyberid.sqlite").exists()
        status = server.cli("admin", "master-key", "status")
        assert status.returncode == 0, status.stderr
    assert "not a SQLite database" in server.cli(
        "admin", "restore", "--from", str(garbage), "--force", "--operator", "t").stderr
    assert not (tmp_path / "missing.sqlite").exists()


def test_backup_and_restore_refuse_postgresql_with_a_pointer_to_its_tools(snapshot_binary, tmp_path):
    (tmp_path / "logs").mkdir()
    server = CrashServer(tmp_path, {"CYBERID_DATABASE_URL": "postgres://cyberid@127.0.0.1:1/cyberid"}, tmp_path / "logs")
    backup = server.cli("admin", "backup", "--out", str(tmp_path / "b.sqlite"), "--operator", "t")
    assert backup.returncode == 1 and "pg_dump" in backup.stderr, backup.stderr
    restore = server.cli("admin", "restore", "--from", str(tmp_path / "b.sqlite"), "--operator", "t")
    assert restore.returncode == 1 and "pg_restore" in restore.stderr, restore.stderr
    assert not (tmp_path / "b.sqlite").exists()
