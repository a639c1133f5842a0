"""Helpers of the browser suite (see README.md); the fixtures are in conftest.py.

The server, the clients, the wallet and the relying party come from the relying-party suite's
helpers (Tests/oidc/oidc_support.py, which in turn uses Tests/enrollment/enrollment_support.py),
imported, not copied. What is here is only what a real browser adds:

* `launch_chromium`: Debian's headless `chromium` driven by `chromium-driver` through Selenium,
  with the browser console log (`goog:loggingPrefs`) switched on;
* `CallbackServer`: the client's redirect URI, a tiny loopback HTTP server that records the
  query strings it receives and answers 200 "ok";
* console-log, status-text and QR-code helpers.
"""

from __future__ import annotations

import json
import os
import re
import struct
import shutil
import subprocess
import sys
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
OIDC_DIR = HERE.parent / "oidc"
if str(OIDC_DIR) not in sys.path:
    sys.path.insert(0, str(OIDC_DIR))

from oidc_support import LoopbackServer, QuietHandler, qr_runs  # noqa: E402  (the oidc suite's loopback HTTP server)

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
CHROMEDRIVER_CANDIDATES = ("chromedriver",)
INSTALL_HINT = (
    "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver && "
    "python3 -m pip install selenium"
)

WAITING_TEXT = "Waiting for your wallet"  # the #status text before the wallet answers


class ChromiumUnavailable(Exception):
    """Chromium, its driver or Selenium is missing, or the browser does not start."""


def _which(names, env_var: str) -> Optional[str]:
    value = os.environ.get(env_var)
    if value:
        return value if os.access(value, os.X_OK) else None
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def launch_chromium(user_data_dir: Path):
    """A headless Chromium WebDriver with the browser console log on (`goog:loggingPrefs`).

    Raises ChromiumUnavailable (the suite then skips) only when the browser cannot be had: no
    Selenium, no chromium/chromedriver binary, or a session that does not start."""
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError as error:
        raise ChromiumUnavailable(f"selenium is not installed ({error}); install: {INSTALL_HINT}") from error
    browser = _which(CHROMIUM_CANDIDATES, "CHROMIUM_BIN")
    driver_path = _which(CHROMEDRIVER_CANDIDATES, "CHROMEDRIVER_BIN")
    if browser is None or driver_path is None:
        raise ChromiumUnavailable(
            f"chromium ({browser or 'missing'}) or chromedriver ({driver_path or 'missing'}) not found; install: {INSTALL_HINT}"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in (
        "--headless=new",
        "--no-sandbox",  # root in a container
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--window-size=1024,1400",
        "--force-device-scale-factor=1",
        f"--user-data-dir={user_data_dir}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        # An explicit driver path: Selenium Manager never downloads anything.
        driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    except WebDriverException as error:
        raise ChromiumUnavailable(f"chromium did not start ({browser}, {driver_path}): {error.msg or error}") from error
    driver.set_page_load_timeout(30)
    return driver


# --------------------------------------------------------------------------------------
# The client's redirect URI
# --------------------------------------------------------------------------------------


@dataclass
class Hit:
    path: str
    query: str
    at: float

    @property
    def params(self) -> dict:
        values = parse_qs(self.query, keep_blank_values=True)
        assert all(len(v) == 1 for v in values.values()), self.query
        return {k: v[0] for k, v in values.items()}


class CallbackServer(LoopbackServer):
    """A relying party's redirect URI on loopback: records every GET, answers 200 "ok" at /cb
    (204 for the favicon Chromium asks for, 404 elsewhere)."""

    PATH = "/cb"

    def __init__(self):
        self.hits: list[Hit] = []
        self._arrived = threading.Event()
        host = self

        class Handler(QuietHandler):
            def do_GET(self):  # noqa: N802
                parts = urlsplit(self.path)
                host.hits.append(Hit(parts.path, parts.query, time.monotonic()))
                if parts.path == host.PATH:
                    host._arrived.set()
                if parts.path == "/favicon.ico":
                    # Chromium asks for it; a 404 would be a SEVERE console entry of our own making.
                    self.reply(204)
                    return
                found = parts.path == host.PATH
                self.reply(200 if found else 404, b"ok" if found else b"not found", "text/plain; charset=utf-8")

        super().__init__(Handler)
        self.redirect_uri = self.origin + self.PATH

    def callbacks(self) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == self.PATH]

    def wait_callback(self, timeout: float) -> Optional[Hit]:
        """The first request to the redirect URI, or None if none came within `timeout` s."""
        if not self._arrived.wait(timeout):
            return None
        return self.callbacks()[0]

    def url_of(self, hit: Hit) -> str:
        return f"{self.redirect_uri}?{hit.query}"


# --------------------------------------------------------------------------------------
# The browser console
# --------------------------------------------------------------------------------------


def console(driver) -> list[dict]:
    """The browser console entries since the last call (reading the log drains it)."""
    return driver.get_log("browser")


def severe(entries: list[dict]) -> list[str]:
    """The SEVERE console messages (the page links an inline `data:` icon, so Chromium asks the
    issuer for no /favicon.ico: every SEVERE entry is a real error)."""
    return [entry["message"] for entry in entries if entry.get("level") == "SEVERE"]


def csp_messages(entries: list[dict]) -> list[str]:
    return [entry["message"] for entry in entries if "content security policy" in entry.get("message", "").lower()]


# --------------------------------------------------------------------------------------
# The #status text, seen from inside the page
# --------------------------------------------------------------------------------------

STATUS_KEY = "cyberid-browser-test:status"

# Runs as WebDriver script (not subject to the page's CSP). A MutationObserver writes every
# change of #status, with the URL it happened on, to the issuer origin's sessionStorage, which
# outlives the page's own navigation to the redirect URI. The page sets the text and navigates
# in the same task, so polling the DOM from outside could miss it; the observer cannot.
WATCH_STATUS = """
var key = arguments[0], s = document.getElementById('status');
sessionStorage.setItem(key, JSON.stringify([{text: s.textContent, url: location.href}]));
new MutationObserver(function () {
  var seen = JSON.parse(sessionStorage.getItem(key) || '[]');
  seen.push({text: s.textContent, url: location.href});
  sessionStorage.setItem(key, JSON.stringify(seen));
}).observe(s, {childList: true, characterData: true, subtree: true});
return s.textContent;
"""


def watch_status(driver) -> str:
    """Starts recording #status changes; returns the current text."""
    return driver.execute_script(WATCH_STATUS, STATUS_KEY)


def seen_statuses(driver, issuer: str) -> list[dict]:
    """The #status texts recorded by `watch_status`, read back on the issuer's origin (this
    navigates the browser to `{issuer}/health`)."""
    driver.get(issuer + "/health")
    raw = driver.execute_script("return sessionStorage.getItem(arguments[0]);", STATUS_KEY)
    assert raw, "nothing recorded: the status watcher did not run on the login page"
    return json.loads(raw)


# --------------------------------------------------------------------------------------
# The QR code
# --------------------------------------------------------------------------------------


def zbarimg_path() -> Optional[str]:
    return shutil.which("zbarimg")


def decode_qr(png: Path) -> list[str]:
    """The texts of the QR codes in a PNG, as `zbarimg --raw -q` reads them (one per code)."""
    binary = zbarimg_path()
    assert binary, "zbarimg not found (Debian package zbar-tools)"
    result = subprocess.run(
        [binary, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True, timeout=30,
    )
    # zbarimg exits 4 when it finds no symbol.
    assert result.returncode in (0, 4), (result.returncode, result.stderr.decode(errors="replace"))
    text = result.stdout.decode("utf-8", errors="replace")
    return [line for line in text.split("\n") if line]


def png_grey(png: bytes) -> tuple[int, int, list[bytes]]:
    """A screenshot's pixels as grey levels (its red channel), rows top to bottom: `(width,
    height, rows)`. Read with zlib alone (PNG, 8 bits a channel, RGB or RGBA, not interlaced:
    what Chromium and Firefox write), so the suite needs no imaging library."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, data = 8, b""
    while offset < len(png):
        length, kind = struct.unpack(">I4s", png[offset:offset + 8])
        chunk = png[offset + 8:offset + 8 + length]
        offset += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            step = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            data += chunk
    raw, stride, rows, previous = zlib.decompress(data), width * step, [], bytearray(width * step)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left, up = line[x - step] if x >= step else 0, previous[x]
            corner = previous[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - corner
                near = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))
                line[x] = (line[x] + near[2]) & 255
        rows.append(bytes(line[0::step]))
        previous = line
    return width, height, rows


def qr_modules(svg: str) -> tuple[int, set]:
    """The QR image's side in modules (its viewBox) and its dark modules `(x, y)`, from its one
    path (`qr_runs`: the strokes as a renderer follows them)."""
    side = int(re.search(r'viewBox=["\']0 0 (\d+) \1["\']', svg).group(1))
    paths = re.findall(r'<path[^>]*\sd=["\']([^"\']*)["\']', svg)
    assert len(paths) == 1, f"not the expected SVG drawing: {svg[:300]!r}"
    return side, {(x + i, y) for x, y, width in qr_runs(paths[0]) for i in range(width)}


def qr_misdrawn(svg: str, rows: list[bytes], left: int, top: int, size: float) -> list[tuple]:
    """The modules a browser drew wrong: the pixel at each module's centre, in the image drawn
    `size` pixels wide at (`left`, `top`) of a screenshot's `rows`, must be black (≤ 30) for a
    dark module and white (≥ 225) for a light one — not the other colour, and not grey (an
    edge blurred across the centre). Returns `(x, y, level)` of each that is not."""
    side, dark = qr_modules(svg)
    scale, wrong = size / side, []
    for y in range(side):
        for x in range(side):
            level = rows[top + int((y + 0.5) * scale)][left + int((x + 0.5) * scale)]
            if not (level <= 30 if (x, y) in dark else level >= 225):
                wrong.append((x, y, level))
    return wrong


def wait_until(predicate, timeout: float, interval: float = 0.05):
    """Polls `predicate` until it returns something truthy; returns that, or None at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            return None
        time.sleep(interval)
