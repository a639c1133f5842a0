#!/usr/bin/env python3
"""Decodes QR code images written by the Swift tests with zbar and compares them with the payloads.

The Swift test `QRDecoderExportTests` writes, when `CYBERID_QR_OUT` names a directory, one binary
PGM image per sample (`NNN-vVV-L.pgm`) and next to it the exact payload (`NNN-vVV-L.txt`). This
script runs `zbarimg --raw -q -Sbinary` on each image and requires the decoded bytes to equal the
payload: an independent decoder reading every version, level and mask the encoder produces.
(`-Sbinary` makes zbar print the bytes as they are, without guessing a character set.)

Usage:
    CYBERID_QR_OUT=/tmp/qr swift test --filter QRDecoderExportTests
    python3 Tests/qr/check_qr.py /tmp/qr

Needs zbar (Debian: `apt-get install zbar-tools`). Exit status 0 when every image decodes to its
payload, 1 otherwise, 2 when there is nothing to check.
"""

from __future__ import annotations

import argparse
import pathlib
import shutil
import subprocess
import sys


def decode(image: pathlib.Path, zbarimg: str) -> tuple[bytes | None, str]:
    """The decoded payload of the single QR code in `image`, or None and a reason."""
    result = subprocess.run(
        [zbarimg, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", "-Sbinary", str(image)],
        capture_output=True,
        timeout=60,
    )
    if result.returncode != 0:
        return None, f"zbarimg exit status {result.returncode}: {result.stderr.decode(errors='replace').strip()}"
    # In binary mode zbar prints the symbol's bytes exactly, without guessing a character set
    # (byte mode carries no ECI here) and without a trailing newline.
    return result.stdout, ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=pathlib.Path, help="directory of .pgm images and .txt payloads")
    parser.add_argument("--zbarimg", default=shutil.which("zbarimg") or "zbarimg", help="path to zbarimg")
    arguments = parser.parse_args()

    images = sorted(arguments.directory.glob("*.pgm"))
    if not images:
        print(f"no .pgm images in {arguments.directory}", file=sys.stderr)
        return 2

    failures = 0
    for image in images:
        expected_path = image.with_suffix(".txt")
        if not expected_path.exists():
            print(f"FAIL {image.name}: no {expected_path.name} with the expected payload")
            failures += 1
            continue
        expected = expected_path.read_bytes()
        decoded, reason = decode(image, arguments.zbarimg)
        if decoded is None:
            print(f"FAIL {image.name}: {reason}")
            failures += 1
        elif decoded != expected:
            print(f"FAIL {image.name}: decoded {len(decoded)} bytes that differ from the {len(expected)} expected")
            failures += 1
    print(f"{len(images) - failures} of {len(images)} QR codes decoded to their payload")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
