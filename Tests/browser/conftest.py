"""pytest fixtures of the browser suite (see README.md).

The helpers live in browser_support.py and, for the server, clients, wallet and relying party,
in Tests/oidc/oidc_support.py; tests import them from there, never `from conftest import`.

* `deployment`: `cyberid serve` for the whole session, made by the oidc suite's
  `start_deployment` (its store trusts a `cyberid dev document --trust` CSCA);
* `holder`: one adult enrolled with the wallet CLI;
* `chromium`: one headless Chromium for the session (skips the suite, with the reason, only when
  Selenium, chromium or chromedriver is missing or the browser does not start);
* `browser`: that Chromium for one test, with no cookies and an empty console log;
* `callback`: a loopback redirect URI that records what it receives.

For the citizen portal and the demo platform (issue 14; helpers in portal_support.py):

* `citizen` (the English walk; ends suspended), `citizen_zh` (the Chinese walk, the record
  look-up), `guardian` + `ward` (aged 12, enrolled with the guardian's approval), `suspendee`
  (suspended by an administrator in the session tests): people enrolled with the wallet CLI;
* `portal_browser`: `browser`, with the DevTools overrides a test set (Accept-Language, time
  zone) undone afterwards;
* `downloads`: a directory the browser downloads into without asking;
* `portal_http`: the portal spoken to with requests (the `Cookie:` header by hand);
* `demo_platform`: `cyberid dev demo-platform --legal-basis …` on a free port, for the session.

For the operator console (issue 15; helpers in console_support.py), per test module:

* `face_matcher` + `console_deployment`: a second `cyberid serve` with `CYBERID_FACE_MATCHER_URL`
  (the oidc suite's stand-in matcher), since the console needs level high;
* `console_people`: alice, bob, carol, dan, erin, fang, rolf and a citizen, enrolled with a live
  face (level high), none of them an operator yet;
* `console_http`: the console spoken to with requests (the `Cookie:` header by hand).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from browser_support import CallbackServer, ChromiumUnavailable, console, launch_chromium  # noqa: E402  (puts Tests/oidc on sys.path)
from oidc_support import Deployment, Holder, start_deployment  # noqa: E402  (puts Tests/enrollment on sys.path)
from enrollment_support import years_ago  # noqa: E402


@pytest.fixture(scope="session")
def deployment(tmp_path_factory) -> Deployment:
    yield from start_deployment(tmp_path_factory)


@pytest.fixture(scope="session")
def holder(deployment) -> Holder:
    return deployment.enroll("browser", birth_date=years_ago(35))


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    try:
        driver = launch_chromium(tmp_path_factory.mktemp("chromium-profile"))
    except ChromiumUnavailable as error:
        pytest.skip(f"no headless Chromium: {error}")
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(chromium):
    chromium.get("about:blank")
    chromium.execute_cdp_cmd("Network.clearBrowserCookies", {})
    console(chromium)  # drain what earlier tests left
    return chromium


# --------------------------------------------------------------------------------------
# The citizen portal and the demo platform (issue 14)
# --------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def citizen(deployment) -> Holder:
    return deployment.enroll("citizen", birth_date=years_ago(41))


@pytest.fixture(scope="session")
def citizen_zh(deployment) -> Holder:
    return deployment.enroll("citizen-zh", birth_date=years_ago(29))


@pytest.fixture(scope="session")
def guardian(deployment) -> Holder:
    return deployment.enroll("guardian", birth_date=years_ago(44))


@pytest.fixture(scope="session")
def ward(deployment, guardian) -> Holder:
    return deployment.enroll("ward", birth_date=years_ago(12), guardian=guardian)


@pytest.fixture(scope="session")
def suspendee(deployment) -> Holder:
    return deployment.enroll("suspendee", birth_date=years_ago(33))


@pytest.fixture
def portal_browser(browser):
    from portal_support import set_accept_language, set_time_zone

    try:
        yield browser
    finally:
        set_accept_language(browser, None)
        set_time_zone(browser, None)


@pytest.fixture
def downloads(portal_browser, tmp_path) -> Path:
    from portal_support import allow_downloads

    directory = tmp_path / "downloads"
    allow_downloads(portal_browser, directory)
    return directory


@pytest.fixture(scope="session")
def portal_http(deployment):
    from portal_support import PortalHttp

    return PortalHttp(deployment.issuer)


@pytest.fixture(scope="session")
def demo_platform(deployment, tmp_path_factory):
    from oidc_support import free_port
    from portal_support import DEMO_LEGAL_BASIS, DemoPlatform

    log = tmp_path_factory.mktemp("demo-platform") / "demo-platform.log"
    demo = DemoPlatform(deployment, free_port(), log, legal_basis=DEMO_LEGAL_BASIS)
    try:
        yield demo
    finally:
        demo.stop()


@pytest.fixture
def callback():
    server = CallbackServer()
    try:
        yield server
    finally:
        server.close()


# --------------------------------------------------------------------------------------
# The operator console (issue 15; helpers in console_support.py)
# --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def face_matcher():
    """The oidc suite's stand-in face matcher (the same bytes match)."""
    from oidc_support import FaceMatcher

    matcher = FaceMatcher()
    try:
        yield matcher
    finally:
        matcher.close()


@pytest.fixture(scope="module")
def console_deployment(tmp_path_factory, face_matcher) -> Deployment:
    """A second `cyberid serve` for the console tests, with a face matcher: the console needs
    level high, i.e. people enrolled with a matching live face."""
    # A rotated signing key is published at once and signs 3 s later (60 s by default: longer
    # than every node's reload, docs/keys.md); the keys test waits that long, not a minute.
    yield from start_deployment(
        tmp_path_factory, CYBERID_FACE_MATCHER_URL=face_matcher.url, CYBERID_SIGNING_KEY_ACTIVATION_SECONDS="3")


@pytest.fixture(scope="module")
def console_people(console_deployment):
    """Alice and Bob (to be admins), Carol (support), Dan and Erin (records), Fang (auditor, the
    Chinese test), Rolf (no role) and a citizen, by first name (lower case). A service with a face matcher enrolls only with a live
    face, so everyone is at level high. Enrolled two at a time (the CLI is the slow part)."""
    from concurrent.futures import ThreadPoolExecutor

    from console_support import enroll_high

    ages = {"alice": 38, "bob": 47, "carol": 31, "dan": 45, "erin": 29, "rolf": 36, "fang": 42, "citizen": 54}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            label: pool.submit(enroll_high, console_deployment, f"console-{label}", birth_date=years_ago(age))
            for label, age in ages.items()
        }
        return {label: future.result() for label, future in futures.items()}


@pytest.fixture(scope="module")
def console_http(console_deployment):
    from console_support import ConsoleHttp

    return ConsoleHttp(console_deployment.issuer)
