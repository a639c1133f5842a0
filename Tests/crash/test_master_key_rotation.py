"""Master-key rotation through the binary (issue 13): the server runs with the new key and the
old one as previous; `cyberid admin master-key rotate` re-wraps everything while logins and
enrollments go on; `retire` forgets the old key; the server restarted with the new key alone
serves every person, and a platform still knows each person by the same `sub` (what is derived
from the root does not change). The retired old key is refused if it comes back. Interrupting and resuming a
rotation is tested in Swift (MasterKeyRotationTests), where the interruption can be placed.
"""

from __future__ import annotations

import os
import shutil

from crash_support import CrashServer, Enroller, Load, LoginClient, Settings
from oidc_support import RelyingParty, login


def test_rotation_under_load_keeps_every_person_and_every_sub(snapshot_binary, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "logs").mkdir()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    server = CrashServer(data, {}, tmp_path / "logs")
    load = Load(server, scratch, Settings.from_env())
    load.trust_csca()
    server.start()
    try:
        load.prepare_logins()
        enroller = Enroller(load)
        enrolled = [enroller.once() for _ in range(3)]
        assert all(enrolled), (load.stats.unexpected, load.stats.anomalies)
        rp = RelyingParty(load.deployment, load.client)
        subs = {ack.number: login(load.deployment, rp, ack.holder).claims["sub"] for ack in enrolled}
    finally:
        server.stop()

    # Nothing to rotate without a previous key: a clear refusal, exit 1.
    nothing = server.cli("admin", "master-key", "rotate", "--operator", "key-custodian")
    assert nothing.returncode == 1 and "no rotation to run" in nothing.stderr, nothing.stderr

    # The new key seals, the old one still opens.
    shutil.move(str(data / "master.key"), str(data / "master.key.previous"))
    assert server.cli("admin", "master-key", "new", "--out", str(data / "master.key")).returncode == 0
    server.start()
    try:
        status = server.cli("admin", "master-key", "status")
        assert status.returncode == 0 and "secrets under the previous key: 0" not in status.stdout, status.stdout
        # Retiring before the re-wrap is refused: secrets are still under the old key.
        early = server.cli("admin", "master-key", "retire", "--operator", "key-custodian")
        assert early.returncode == 1 and "still wrapped under the previous master key" in early.stderr, early.stderr
        threads = [load.run_thread("enroller", Enroller(load).once), load.run_thread("login", LoginClient(load, 7).once)]
        rotated = server.cli("admin", "master-key", "rotate", "--batch-size", "2", "--operator", "key-custodian")
        load.stopping.set()
        for thread in threads:
            thread.join(timeout=60)
        assert rotated.returncode == 0, rotated.stderr
        assert "rotation complete" in rotated.stdout
        assert not load.stats.anomalies, load.stats.anomalies
        assert "secrets under the previous key: 0" in server.cli("admin", "master-key", "status").stdout
        retired = server.cli("admin", "master-key", "retire", "--operator", "key-custodian")
        assert retired.returncode == 0, retired.stderr
    finally:
        server.stop()

    old = (data / "master.key.previous").read_text()
    os.remove(data / "master.key.previous")
    server.start()
    try:
        for ack in enrolled:
            assert login(load.deployment, rp, ack.holder).claims["sub"] == subs[ack.number]
        audit = server.cli("admin", "audit", "list").stdout
        assert '"action":"master-key.rotate"' in audit and '"action":"master-key.retire"' in audit
        assert server.cli("admin", "audit", "verify").returncode == 0
    finally:
        server.stop()

    # The old key, retired, is refused at start, before anything is written.
    (data / "master.key").write_text(old)
    refused = server.cli("admin", "master-key", "status")
    assert refused.returncode == 1 and "was retired" in refused.stderr, refused.stderr
