"""The login page's QR code as browsers draw it. The image is an SVG of horizontal strokes one
module wide (docs/http-api.md, `/authorize/qr`), drawn with `shape-rendering="crispEdges"`; a
phone's camera reads what the browser draws, so each test checks the drawing module for module —
the pixel at the centre of every module black for a dark module, white for a light one — with no
grey pixel anywhere (crisp edges), and that zbar reads the login's cross-device link from it:

* in Chromium, on the login page itself (256 px for the link's modules: a fractional 3.7 px a
  module), and the same image at 1, 2, 2.9, 3.62, 4 and 4.83 px a module;
* in Firefox (Gecko) at those scales when `firefox-esr` or `firefox` is installed, and in WebKit
  (WebKitGTK's MiniBrowser through `WebKitWebDriver`, on an Xvfb display: Safari's engine) when
  `webkit2gtk-driver` and `xvfb` are installed. CI installs only Chromium, so there those tests
  are skipped with their reason; docs/benchmarks.md ("The tenth step") records the runs."""

from __future__ import annotations

import base64
import shutil
import subprocess
from html import escape
from pathlib import Path

import pytest

pytest.importorskip("selenium", reason="selenium is not installed (python3 -m pip install selenium)")

from selenium.webdriver.common.by import By  # noqa: E402

from browser_support import decode_qr, png_grey, qr_misdrawn, qr_modules  # noqa: E402
from oidc_support import QR_IMAGE_PREFIX, QR_IMAGE_TEXT_PREFIX, cross_device_query, qr_image_svg  # noqa: E402
from test_login_page import open_login  # noqa: E402

SCALES = (1, 2, 2.9, 3.62, 4, 4.83)  # pixels a module: whole and fractional
TEXT_SCALES = (3.62,)  # the status poll's text form, near the page's own scale (3.7)
MARGIN = 20  # white between the images (each has its own quiet zone)
PAGE_WIDTH = 1000  # the suite's Chromium window is 1024 × 1400 (browser_support.launch_chromium)


def login_qr(browser, deployment, callback) -> tuple[str, str]:
    """Opens a login page in Chromium; returns its QR image (the SVG) and the login's ticket."""
    login = open_login(browser, deployment, callback)
    source = browser.find_element(By.ID, "qr-code").get_dom_attribute("src") or ""
    assert source.startswith(QR_IMAGE_TEXT_PREFIX), source[:60]
    return qr_image_svg(source), login.ticket


def scales_page(svg: str) -> tuple[str, list[tuple[int, int, int]]]:
    """An HTML page showing the image at each of SCALES in base64 (as the login page's first image
    came until stop 53, and the verifier page's comes),
    and at TEXT_SCALES as the status poll brings the next ones (the SVG's text, `%` and `#`
    percent-encoded, its attributes single-quoted), at whole-pixel places in rows no wider than PAGE_WIDTH (within the suite's
    Chromium window), and those places `(left, top, size)`."""
    side, _ = qr_modules(svg)
    encoded = QR_IMAGE_PREFIX + base64.b64encode(svg.encode()).decode()
    text = QR_IMAGE_TEXT_PREFIX + svg.replace("%", "%25").replace("#", "%23").replace('"', "'")
    places, images, left, top, row_height = [], [], MARGIN, MARGIN, 0
    for scale, source in [(scale, encoded) for scale in SCALES] + [(scale, text) for scale in TEXT_SCALES]:
        source = escape(source, quote=True)
        size = round(side * scale)
        if left + size + MARGIN > PAGE_WIDTH:
            left, top, row_height = MARGIN, top + row_height + MARGIN, 0
        places.append((left, top, size))
        images.append(
            f'<img src="{source}" width="{size}" height="{size}" alt="" '
            f'style="position:absolute;left:{left}px;top:{top}px">')
        left, row_height = left + size + MARGIN, max(row_height, size)
    return "<!doctype html><html><body style=\"margin:0;background:#fff\">" + "".join(images) + "</body></html>", places


def assert_drawn_and_read(svg: str, png: Path, places, issuer: str, ticket: str, browser_name: str):
    """Every place of the screenshot `png` holds the image drawn module for module; zbar reads the
    link from each place drawn at 2 px a module or more (1 px is below what it reads)."""
    width, height, rows = png_grey(png.read_bytes())
    side, _ = qr_modules(svg)
    for left, top, size in places:
        assert left + size <= width and top + size <= height, f"{browser_name}: the screenshot {width}×{height} cuts the image"
        wrong = qr_misdrawn(svg, rows, left, top, size)
        assert wrong == [], f"{browser_name} at {size / side:.2f} px a module drew {len(wrong)} modules wrong: {wrong[:5]} ({png})"
        grey = sum(1 for y in range(top, top + size) for level in rows[y][left:left + size] if 30 < level < 225)
        assert grey == 0, f"{browser_name} at {size / side:.2f} px a module blurred {grey} pixels (crispEdges) ({png})"
        if size >= 2 * side:
            crop = png.with_name(f"{png.stem}-{size}.pgm")  # the image alone: its quiet zone is its own
            pixels = b"".join(rows[y][left:left + size] for y in range(top, top + size))
            crop.write_bytes(f"P5 {size} {size} 255\n".encode() + pixels)
            decoded = decode_qr(crop)
            assert len(decoded) == 1, f"{browser_name} at {size} px: zbar read {decoded!r} ({crop})"
            cross_device_query(decoded[0], issuer, ticket)


def test_chromium_draws_the_login_qr_code_module_for_module(browser, deployment, callback, tmp_path):
    svg, ticket = login_qr(browser, deployment, callback)
    side, dark = qr_modules(svg)
    assert side >= 21 and dark, (side, len(dark))
    # On the page, at the page's own size.
    shot = tmp_path / "page-qr.png"
    shot.write_bytes(browser.find_element(By.ID, "qr-code").screenshot_as_png)
    width, height, _ = png_grey(shot.read_bytes())
    assert width == height and width >= 2 * side, (width, height, side)
    assert_drawn_and_read(svg, shot, [(0, 0, width)], deployment.issuer, ticket, "Chromium (the page)")
    # The same image at whole and fractional scales.
    page, places = scales_page(svg)
    html = tmp_path / "scales.html"
    html.write_text(page)
    browser.get(html.as_uri())
    shots = []
    for index, (left, top, size) in enumerate(places):
        image = browser.find_elements(By.TAG_NAME, "img")[index]
        assert (image.rect["width"], image.rect["height"]) == (size, size), image.rect
        shot = tmp_path / f"scale-{size}.png"
        shot.write_bytes(image.screenshot_as_png)
        shots.append((shot, size))
    for shot, size in shots:
        assert_drawn_and_read(svg, shot, [(0, 0, size)], deployment.issuer, ticket, "Chromium")


def test_firefox_draws_the_login_qr_code_module_for_module(browser, deployment, callback, tmp_path):
    firefox = shutil.which("firefox-esr") or shutil.which("firefox")
    if firefox is None:
        pytest.skip("Firefox is not installed (apt-get install firefox-esr); CI checks Chromium only")
    svg, ticket = login_qr(browser, deployment, callback)
    page, places = scales_page(svg)
    html = tmp_path / "scales.html"
    html.write_text(page)
    shot, profile = tmp_path / "firefox.png", tmp_path / "firefox-profile"
    profile.mkdir()
    window = (max(left + size for left, _, size in places) + MARGIN, max(top + size for _, top, size in places) + MARGIN)
    result = subprocess.run(
        [firefox, "--headless", "--no-remote", "--profile", str(profile), "--window-size", f"{window[0]},{window[1]}",
         "--screenshot", str(shot), html.as_uri()],
        capture_output=True, timeout=120)
    assert result.returncode == 0 and shot.exists(), (result.returncode, result.stderr[-500:])
    assert_drawn_and_read(svg, shot, places, deployment.issuer, ticket, "Firefox")


def webkit_parts():
    """WebKitWebDriver, WebKitGTK's MiniBrowser and Xvfb, or the reason to skip."""
    import glob

    driver, xvfb = shutil.which("WebKitWebDriver"), shutil.which("Xvfb")
    browsers = sorted(glob.glob("/usr/lib/*/webkit2gtk-4.*/MiniBrowser"))
    if driver is None or xvfb is None or not browsers:
        pytest.skip("WebKit is not installed (apt-get install webkit2gtk-driver xvfb); CI checks Chromium only")
    return driver, browsers[-1], xvfb


def test_webkit_draws_the_login_qr_code_module_for_module(browser, deployment, callback, tmp_path):
    import os

    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

    driver_path, mini_browser, xvfb = webkit_parts()
    svg, ticket = login_qr(browser, deployment, callback)
    page, places = scales_page(svg)
    html = tmp_path / "scales.html"
    html.write_text(page)
    # A display of its own: Xvfb picks a free number and writes it to a pipe (-displayfd).
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-screen", "0", "1280x1600x24", "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        with os.fdopen(read_end) as announced:
            number = announced.readline().strip()
        assert number.isdigit() and server.poll() is None, (number, server.poll())
        options = Options()
        options.binary_location = mini_browser
        options.add_argument("--automation")
        options.add_argument("--geometry=1024x1400")
        service = Service(executable_path=driver_path, env={**os.environ, "DISPLAY": f":{number}"})
        webkit = webdriver.WebKitGTK(options=options, service=service)
        try:
            webkit.get(html.as_uri())
            assert webkit.execute_script("return window.devicePixelRatio") == 1
            assert webkit.execute_script("return [...document.images].every(i => i.complete && i.naturalWidth > 0)")
            for index, (left, top, size) in enumerate(places):
                rect = webkit.find_elements(By.TAG_NAME, "img")[index].rect
                assert (rect["x"], rect["y"], rect["width"], rect["height"]) == (left, top, size, size), rect
            # The whole view (WebKitGTK's element screenshots come out black on Xvfb).
            shot = tmp_path / "webkit.png"
            webkit.save_screenshot(str(shot))
        finally:
            webkit.quit()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert_drawn_and_read(svg, shot, places, deployment.issuer, ticket, "WebKit")
