#!/usr/bin/env python3
"""Generates Tests/CyberIDQRTests/QRFixtures.swift: reference QR code symbols for the Swift encoder.

Two independent Python encoders serve as references:

* python-qrcode (``pip install qrcode``, tested with 8.2) gives the symbol for a forced version
  and mask, and the final interleaved codeword sequence;
* segno (``pip install segno``, tested with 1.6.6) gives the same symbol for a forced mask, and for
  the "automatic" fixtures chooses version and mask itself. segno scores masks the way
  CyberIDQR does (before format and version information are drawn), so its choice must match.

Every fixture is produced by both libraries and they must agree module for module.

segno 1.6.6 deviates from ISO/IEC 18004:2015 §7.4.10 in one place: when the bit stream already ends
on a codeword boundary after the terminator (always, in byte mode) it still appends eight zero bits,
an extra 0x00 codeword before the pad codewords. Decoders ignore it, but the symbol differs from the
standard's, so this script patches that one function before using segno.

Usage: python3 Tests/qr/make_fixtures.py   (from anywhere; writes the Swift file next to the tests)
"""

from __future__ import annotations

import pathlib
import random

import qrcode
import qrcode.constants
import qrcode.util
import segno
import segno.consts
import segno.encoder

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "Tests" / "CyberIDQRTests" / "QRFixtures.swift"

QRCODE_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
SWIFT_LEVELS = {"L": ".low", "M": ".medium", "Q": ".quartile", "H": ".high"}


def _standard_padding_bits(buff, version, length):
    """ISO/IEC 18004:2015 §7.4.10: pad with zero bits only up to the next codeword boundary."""
    if version not in (segno.consts.VERSION_M1, segno.consts.VERSION_M3) and length % 8:
        buff.extend([0] * (8 - length % 8))


segno.encoder.write_padding_bits = _standard_padding_bits


def qrcode_symbol(data: bytes, level: str, version: int, mask: int) -> tuple[list[str], list[int]]:
    """Rows of 0/1 and the final codewords from python-qrcode, byte mode, forced version and mask."""
    code = qrcode.QRCode(version=version, error_correction=QRCODE_LEVELS[level], border=0, mask_pattern=mask)
    segment = qrcode.util.QRData(data, mode=qrcode.util.MODE_8BIT_BYTE, check_data=False)
    code.add_data(segment, optimize=0)
    code.make(fit=False)
    rows = ["".join("1" if module else "0" for module in row) for row in code.modules]
    codewords = qrcode.util.create_data(version, QRCODE_LEVELS[level], [segment])
    return rows, list(codewords)


def segno_symbol(data: bytes, level: str, version: int | None, mask: int | None) -> tuple[list[str], int, int]:
    """Rows of 0/1, version and mask from segno (patched), byte mode."""
    code = segno.make(data, mode="byte", error=level, version=version, mask=mask, boost_error=False, micro=False)
    rows = ["".join(str(module) for module in row) for row in code.matrix]
    return rows, code.version, code.mask


def login_uri(transaction: str, service: str) -> bytes:
    """A wallet sign-in link as the login page shows it."""
    return f"cyberid://login?tx={transaction}&s={service}".encode()


def fixtures() -> list[dict]:
    rng = random.Random(18004)
    tx = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") for _ in range(22))
    long_service = "https%3A%2F%2Fid.example.cn%2Fauth%2Fcallback%3Fstate%3D" + "x7Kq2" * 22
    return [
        # (name, payload, level, version or None for automatic, mask or None for automatic)
        ("empty payload, pad codewords only", b"", "L", 1, 0),
        ("hello world at 1-M", b"hello world", "M", 1, 2),
        ("fourteen bytes fill 1-M exactly", b"CyberID-1M-max", "M", 1, 5),
        ("two block groups at 5-Q", bytes(range(0x20, 0x20 + 40)), "Q", 5, 6),
        ("version information at 7-H", bytes((i * 37 + 11) % 256 for i in range(60)), "H", 7, 1),
        ("16-bit character count at 10-L", bytes(rng.randrange(256) for _ in range(150)), "L", 10, 3),
        ("three remainder bits at 14-Q", bytes(rng.randrange(256) for _ in range(200)), "Q", 14, 4),
        ("four remainder bits at 21-M", bytes(rng.randrange(256) for _ in range(500)), "M", 21, 7),
        ("largest symbol, 40-H at capacity", bytes(rng.randrange(256) for _ in range(1273)), "H", 40, 0),
        ("login link, automatic", login_uri(tx, "https%3A%2F%2Fid.example.cn"), "M", None, None),
        ("long login link, automatic", login_uri(tx, long_service)[:200], "M", None, None),
        ("login link at H, automatic", login_uri(tx, "https%3A%2F%2Fid.example.cn"), "H", None, None),
        ("short text at Q, automatic", b"CyberID", "Q", None, None),
    ]


def build() -> list[dict]:
    built = []
    for name, payload, level, version, mask in fixtures():
        segno_rows, chosen_version, chosen_mask = segno_symbol(payload, level, version, mask)
        rows, codewords = qrcode_symbol(payload, level, chosen_version, chosen_mask)
        if rows != segno_rows:
            raise SystemExit(f"python-qrcode and segno disagree on fixture {name!r}")
        built.append(
            {
                "name": name,
                "payload": payload,
                "level": level,
                "version": chosen_version,
                "mask": chosen_mask,
                "automatic": version is None,
                "codewords": codewords,
                "rows": rows,
            }
        )
    return built


def swift_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(built: list[dict]) -> str:
    lines = [
        "// swift-format-ignore-file",
        "// Generated by Tests/qr/make_fixtures.py from python-qrcode "
        f"{qrcode_version()} and segno {segno.__version__}; do not edit by hand.",
        "",
        "@testable import CyberIDQR",
        "",
        "/// A reference symbol: payload, parameters, final codewords and the module matrix.",
        "struct QRFixture: Sendable, CustomStringConvertible {",
        "    /// What the fixture exercises.",
        "    let name: String",
        "    /// The payload bytes in hexadecimal.",
        "    let payloadHex: String",
        "    let errorCorrection: QRCode.ErrorCorrection",
        "    let version: Int",
        "    let mask: Int",
        "    /// Whether the reference chose version and mask itself; the encoder must choose the same.",
        "    let automatic: Bool",
        "    /// The interleaved data and error-correction codewords in hexadecimal.",
        "    let codewordsHex: String",
        "    /// One line of 0 (light) and 1 (dark) per row, top to bottom.",
        "    let rows: String",
        "",
        "    var description: String { name }",
        "}",
        "",
        "enum QRFixtures {",
        "    static let all: [QRFixture] = [",
    ]
    for fixture in built:
        lines += [
            "        QRFixture(",
            f"            name: {swift_string(fixture['name'])},",
            f"            payloadHex: \"{fixture['payload'].hex()}\",",
            f"            errorCorrection: {SWIFT_LEVELS[fixture['level']]},",
            f"            version: {fixture['version']},",
            f"            mask: {fixture['mask']},",
            f"            automatic: {'true' if fixture['automatic'] else 'false'},",
            f"            codewordsHex: \"{bytes(fixture['codewords']).hex()}\",",
            '            rows: """',
        ]
        lines += ["                " + row for row in fixture["rows"]]
        lines += ['                """', "        ),"]
    lines += ["    ]", "}", ""]
    return "\n".join(lines)


def qrcode_version() -> str:
    from importlib.metadata import version

    return version("qrcode")


def main() -> None:
    built = build()
    OUTPUT.write_text(render(built))
    for fixture in built:
        print(
            f"{fixture['name']}: {len(fixture['payload'])} bytes, {fixture['version']}-{fixture['level']}, "
            f"mask {fixture['mask']}{' (automatic)' if fixture['automatic'] else ''}"
        )
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
