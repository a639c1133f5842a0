"""Fixtures for the eMRTD document verification tests.

`verify` is parametrized over two backends:

* ``reference``: reference_verifier.py, a Python implementation of the CLI contract. It
  always runs and proves that each scenario's test data has exactly the fault it names.
* ``cli``: the real ``$CYBERID_BIN dev verify-document`` (default ``.build/debug/cyberid``
  under the repository root). Skipped, with the reason, when the binary is missing or does
  not know the subcommand yet.

Run only the binary with ``-k cli``, only the reference with ``-k reference``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

import pytest

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import reference_verifier  # noqa: E402

#: The verification date most tests pass with --today.
TODAY = "2026-11-25"
_DEFAULT = object()


def cyberid_binary_path() -> Path:
    """$CYBERID_BIN as given (relative to the working directory), else the debug build."""
    value = os.environ.get("CYBERID_BIN")
    if value:
        return Path(value)
    return REPO_ROOT / ".build" / "debug" / "cyberid"


def _binary_with_subcommand(subcommand: str, option: str) -> Path:
    """The binary if `cyberid dev <subcommand> --help` works and shows `option`; else skip."""
    binary = cyberid_binary_path()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.skip(f"cyberid binary not found at {binary} (set CYBERID_BIN or build first)")
    try:
        probe = subprocess.run([str(binary), "dev", subcommand, "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"cannot run {binary}: {error}")
    if probe.returncode != 0:
        pytest.skip(f"{binary} does not know `dev {subcommand}` yet (--help exited {probe.returncode})")
    # swift-argument-parser answers `--help` after an UNKNOWN subcommand with the root help
    # and exit 0, so also require the subcommand's own option in the help text.
    if option not in probe.stdout + probe.stderr:
        pytest.skip(f"{binary} does not know `dev {subcommand}` yet (its --help shows no {option} option)")
    return binary


@pytest.fixture(scope="session")
def cyberid_bin() -> Path:
    """The binary, or a skip when it is missing or lacks `dev verify-document`."""
    return _binary_with_subcommand("verify-document", "--document")


@pytest.fixture(scope="session")
def cyberid_bin_with_dev_document() -> Path:
    """The binary, or a skip when it is missing or lacks `dev document`."""
    return _binary_with_subcommand("document", "--out")


@dataclass
class Result:
    """What one verification printed."""

    backend: str
    argv: list
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Optional[dict]:
        try:
            value = json.loads(self.stdout)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def describe(self) -> str:
        return (
            f"[{self.backend}] exit {self.exit_code}\n  argv: {' '.join(map(str, self.argv))}\n"
            f"  stdout: {self.stdout.strip()}\n  stderr: {self.stderr.strip()}"
        )

    def assert_verified(self) -> dict:
        """Exit 0 and a JSON object with result "verified" and passive authentication; returns it."""
        assert self.exit_code == 0, self.describe()
        output = self.json
        assert output is not None, "stdout is not one JSON object\n" + self.describe()
        assert output.get("result") == "verified", self.describe()
        assert output.get("passive_authentication") is True, self.describe()
        return output

    def assert_rejected(self, code: str) -> dict:
        """Exit 1 and {"result":"rejected","error":code,"detail":str}; returns the JSON."""
        output = self.json
        assert self.exit_code == 1, f"expected rejection {code}\n" + self.describe()
        assert output is not None, "stdout is not one JSON object\n" + self.describe()
        assert output.get("result") == "rejected", self.describe()
        assert output.get("error") == code, f"expected error {code}\n" + self.describe()
        assert isinstance(output.get("detail"), str), "detail must be a string\n" + self.describe()
        return output

    def assert_usage_error(self) -> None:
        """Exit 2 with a message on stderr."""
        assert self.exit_code == 2, "expected a usage error (exit 2)\n" + self.describe()
        assert self.stderr.strip(), "expected a message on stderr\n" + self.describe()


class Verifier:
    """Runs `dev verify-document` on one backend."""

    def __init__(self, backend: str, binary: Optional[Path], work: Path):
        self.backend = backend
        self.binary = binary
        self.work = work
        self._count = 0

    def __call__(
        self,
        document: Union[str, Path],
        cscas: Iterable[Union[str, Path]],
        *,
        crls: Iterable[Union[str, Path]] = (),
        today: Optional[str] = TODAY,
        challenge: Optional[bytes] = None,
        aa_signature: Optional[bytes] = None,
    ) -> Result:
        """Verifies `document`. `today=None` leaves out --today; the AA signature bytes are
        written to a file for --aa-signature."""
        argv = ["--document", str(document)]
        for path in cscas:
            argv += ["--csca", str(path)]
        for path in crls:
            argv += ["--crl", str(path)]
        if today is not None:
            argv += ["--today", today]
        if challenge is not None:
            argv += ["--challenge", challenge.hex()]
        if aa_signature is not None:
            self._count += 1
            signature_path = self.work / f"aa-signature-{self._count}.bin"
            signature_path.write_bytes(aa_signature)
            argv += ["--aa-signature", str(signature_path)]
        return self.run(argv)

    def run(self, argv: Sequence[str]) -> Result:
        """Runs with raw arguments (after `dev verify-document`)."""
        argv = [str(a) for a in argv]
        if self.backend == "reference":
            outcome = reference_verifier.run(argv)
            return Result(self.backend, argv, outcome.exit_code, outcome.stdout, outcome.stderr)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERID_")}
        env["CYBERID_DATA_DIR"] = str(self.work / "cyberid-data")
        full = [str(self.binary), "dev", "verify-document", *argv]
        completed = subprocess.run(full, capture_output=True, text=True, timeout=120, env=env)
        return Result(self.backend, full, completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture(params=["reference", "cli"])
def verify(request, tmp_path) -> Verifier:
    """A `Verifier` on the reference implementation or on the cyberid binary."""
    binary = request.getfixturevalue("cyberid_bin") if request.param == "cli" else None
    return Verifier(request.param, binary, tmp_path)
