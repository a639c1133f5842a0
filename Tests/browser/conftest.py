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


@pytest.fixture
def callback():
    server = CallbackServer()
    try:
        yield server
    finally:
        server.close()
