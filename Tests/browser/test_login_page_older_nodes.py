"""The login page's script against nodes of older releases behind the same proxy (Chromium).

During a rolling upgrade a page served by one node may be polled through another
(docs/operations.md, "Rolling upgrades"). A proxy in this test stands for such a node: it passes
every request to the server and takes out of the status answers what an older release did not
send —

* `wait` only: a node of 2026-12-07 morning (it answered every poll at once, a new code every
  five seconds, its image only in the answer of a new code);
* `qr_step` and `wait`: a node of 2026-12-06 (the status carried the image, a new code every
  second);
* `qr_step`, `wait` and `qr_image`: a node before that (the page fetched `/authorize/qr` every
  second).

The page must keep showing a current, readable QR code each way: with the image of a new code's
answer, or from `/authorize/qr`; it must not send `qr_step=undefined` (a 400 from a new node);
and, since such a node answers at once where a new one holds the poll, it must still poll at most
once a second — not in a tight loop.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

pytest.importorskip("selenium", reason="selenium is not installed (python3 -m pip install selenium)")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from browser_support import CallbackServer, console, decode_qr, severe, wait_until  # noqa: E402
from oidc_support import (  # noqa: E402
    QR_IMAGE_TEXT_PREFIX,
    Deployment,
    LoopbackServer,
    QuietHandler,
    RelyingParty,
    cross_device_query,
)

# Headers a node's answer carries that the browser needs (the page's CSP, its cookie, a redirect).
PASSED_HEADERS = ("Content-Type", "Content-Security-Policy", "Set-Cookie", "Location", "Cache-Control")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the browser follows redirects, not the proxy
        return None


class OlderNode(LoopbackServer):
    """A proxy to `target` that behaves as a node that knows nothing of `removed`: it drops those
    parameters from the status requests it passes on (an older node ignores them) and those
    members from the answers; it keeps the paths as the browser sent them."""

    def __init__(self, target: str, removed: tuple[str, ...], failing: int = 0):
        """`failing`: the first status polls answered `503 store-unavailable` instead (a node
        whose database does not answer)."""
        self.target, self.removed, self.failing = target.rstrip("/"), removed, failing
        self.paths: list[str] = []
        self.times: list[float] = []  # when each path came (monotonic seconds)
        opener = urllib.request.build_opener(_NoRedirect)
        proxy = self

        class Handler(QuietHandler):
            def do_GET(self):  # noqa: N802 (the http.server name)
                proxy.paths.append(self.path)
                proxy.times.append(time.monotonic())
                path, query = urlsplit(self.path).path, urlsplit(self.path).query
                status = path == "/authorize/status"
                if status and proxy.failing > 0:
                    proxy.failing -= 1
                    body = json.dumps({"type": "urn:cyberid:problem:store-unavailable", "status": 503}).encode()
                    self.send_response(503)
                    self.send_header("Content-Type", "application/problem+json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if status:
                    query = "&".join(pair for pair in query.split("&") if pair.split("=")[0] not in proxy.removed)
                path += "?" + query if query else ""
                request = urllib.request.Request(proxy.target + path)
                if self.headers.get("Cookie"):
                    request.add_header("Cookie", self.headers["Cookie"])
                try:
                    answer = opener.open(request, timeout=10)
                except urllib.error.HTTPError as error:  # 3xx and 4xx come back as errors here
                    answer = error
                body = answer.read()
                if status and answer.status == 200:
                    progress = json.loads(body)
                    for key in proxy.removed:
                        progress.pop(key, None)
                    body = json.dumps(progress).encode()
                self.send_response(answer.status)
                for name in PASSED_HEADERS:
                    for value in answer.headers.get_all(name) or []:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        super().__init__(Handler)


@pytest.mark.parametrize(
    "removed",
    [("wait",), ("qr_step", "wait"), ("qr_step", "wait", "qr_image")],
    ids=["node-without-held-polls", "node-with-status-images", "node-before-status-images"],
)
def test_the_page_keeps_a_current_code_when_an_older_node_answers(browser, deployment: Deployment, callback: CallbackServer, removed, tmp_path):
    node = OlderNode(deployment.issuer, removed)
    try:
        client = deployment.create_client(redirect_uris=(callback.redirect_uri,))
        auth = RelyingParty(deployment, client).begin()
        assert auth.url.startswith(deployment.issuer + "/authorize?"), auth.url
        browser.get(node.origin + auth.url[len(deployment.issuer):])
        link = WebDriverWait(browser, 10).until(expected_conditions.presence_of_element_located((By.ID, "wallet-link")))
        ticket = dict(part.split("=", 1) for part in urlsplit(link.get_dom_attribute("href")).query.split("&"))["t"]

        def polls() -> list[tuple[float, str]]:
            return [(at, path) for at, path in zip(node.times, node.paths) if path.startswith("/authorize/status?")]

        # Seven polls: about seven seconds, a new code among them.
        assert wait_until(lambda: len(polls()) >= 7, 15), node.paths
        (start, first), *later = polls()[:7]
        # At most one a second (start to start) though every answer came at once: six intervals.
        assert later[-1][0] - start >= 5.0, [at - start for at, _ in later]
        assert first.endswith("&qr_image=svg&qr_step=0&wait=1"), first
        if removed == ("wait",):  # the node answers qr_step: the page names it, and waits on it
            assert all(re.search(r"&qr_image=svg&qr_step=\d+&wait=1$", path) for _, path in later), later
        else:  # no step to name: the page names none
            assert all("qr_step" not in path and path.endswith("&qr_image=svg") for _, path in later), later

        source = browser.find_element(By.ID, "qr-code").get_attribute("src")
        images = [path for path in node.paths if path.startswith("/authorize/qr?")]
        if "qr_image" in removed:  # the fallback: the image from /authorize/qr, once a poll
            assert source.startswith(node.origin + "/authorize/qr?r="), source[:120]
            assert len(images) >= 2, node.paths
        else:  # the image of an answer (every one, or a new code's), no /authorize/qr
            assert source.startswith(QR_IMAGE_TEXT_PREFIX), source[:80]
            assert images == [], images

        # What is on the screen is this login's current cross-device code, readable.
        png = tmp_path / "qr.png"
        png.write_bytes(browser.find_element(By.ID, "qr-code").screenshot_as_png)
        decoded = decode_qr(png)
        assert len(decoded) == 1, f"the QR code read as {decoded!r} (screenshot: {png})"
        cross_device_query(decoded[0], deployment.issuer, ticket)
        entries = console(browser)
        assert not severe(entries), entries
    finally:
        node.close()


def test_the_page_waits_through_a_server_error(browser, deployment: Deployment, callback: CallbackServer, tmp_path):
    """A status poll answered 503 (a node whose database does not answer) is not an answer about
    the login: the page keeps waiting, asks again (two seconds later) and goes on with the next
    answers — before, it took any answer that was not `pending` as the end and left for the
    continue URL."""
    node = OlderNode(deployment.issuer, (), failing=2)
    try:
        client = deployment.create_client(redirect_uris=(callback.redirect_uri,))
        auth = RelyingParty(deployment, client).begin()
        page_url = node.origin + auth.url[len(deployment.issuer):]
        browser.get(page_url)
        WebDriverWait(browser, 10).until(expected_conditions.presence_of_element_located((By.ID, "wallet-link")))
        waiting = browser.find_element(By.ID, "status").text

        def polls() -> list[str]:
            return [path for path in node.paths if path.startswith("/authorize/status?")]

        assert wait_until(lambda: len(polls()) >= 3, 15), node.paths
        assert browser.current_url == page_url, browser.current_url  # still on the page
        assert browser.find_element(By.ID, "status").text == waiting
        assert not [path for path in node.paths if path.startswith("/authorize/continue")], node.paths
        # The third poll (after the two errors) names the first code again: the page kept it.
        assert polls()[2].endswith("&qr_image=svg&qr_step=0&wait=1"), polls()
    finally:
        node.close()
