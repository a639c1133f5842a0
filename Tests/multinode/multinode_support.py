"""Helpers of the multi-node suite (see README.md): the cluster as a Tests/oidc `Deployment`,
requests sent to one chosen node, the CLI wallet pinned to a node, cross-node logins and
enrollments, and the logins of the load test.

The relying party (authlib + joserfc), the browser, the login-page parser and the wallet CLI
wrapper come from Tests/oidc/oidc_support.py; the enrollment HTTP client, people, documents
and wallets from Tests/enrollment/enrollment_support.py: imported, not copied.
"""

from __future__ import annotations

import copy
import os
import secrets
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
for directory in (HERE, HERE.parent / "oidc"):
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))

import requests  # noqa: E402
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from joserfc.jwk import ECKey  # noqa: E402

from cluster import Cluster, Node  # noqa: E402
from oidc_support import (  # noqa: E402  (puts Tests/enrollment on sys.path)
    AuthRequest,
    Browser,
    Deployment,
    Holder,
    LoginPage,
    RelyingParty,
    parse_login_page,
    redirect_params,
    sign_wallet_jws,
)
from enrollment_support import (  # noqa: E402
    Api,
    Outbox,
    People,
    Server,
    Wallet,
    assert_json,
    b64u_decode,
    document_body,
    factory,
)

FULL = os.environ.get("CYBERID_MULTINODE_FULL") == "1"
# CI: 2 nodes and the cross-node checks only; the full run: 3 nodes (or CYBERID_MULTINODE_NODES).
NODE_COUNT = int(os.environ.get("CYBERID_MULTINODE_NODES") or (3 if FULL else 2))

# Measured figures, printed at the end of the run by conftest's pytest_terminal_summary.
FIGURES: list[str] = []


def figure(text: str) -> None:
    FIGURES.append(text)
    print(text, flush=True)


# --------------------------------------------------------------------------------------
# URLs: everything is addressed under the public issuer; a request is sent to one node by
# swapping the origin (the nodes' answers hold only issuer URLs and relative links).
# --------------------------------------------------------------------------------------


def trusting(csca, csca_dir: Path, directory: Path):
    """A `Cluster.start(setup=…)` step: trust a `cyberid dev document` CSCA (written to csca_dir)
    and the test factory's CSCA, before the nodes start."""

    def trust(cluster: Cluster) -> None:
        result = cluster.cli("dev", "document", "--out", str(csca_dir), "--trust")
        assert result.returncode == 0, (result.stdout, result.stderr)
        result = cluster.cli("admin", "trust", "add-csca", str(csca.write_pem(directory / "csca.pem")))
        assert result.returncode == 0, (result.stdout, result.stderr)

    return trust


def on(node: Node, url: str) -> str:
    """`url` (under the public issuer) sent to `node` directly."""
    parts = urlsplit(url)
    target = urlsplit(node.base)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))


def public(cluster: Cluster, url: str) -> str:
    """`url` (on some node) under the public issuer."""
    parts = urlsplit(url)
    target = urlsplit(cluster.public)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))


# --------------------------------------------------------------------------------------
# The cluster as a Tests/oidc deployment
# --------------------------------------------------------------------------------------


class ClusterDeployment(Deployment):
    """Tests/oidc's `Deployment` (CLI, clients, enrollment with the wallet CLI, discovery) over
    the cluster's public URL. The CLI's data directory is the cluster directory, so the wallet
    CLI reads one-time codes from the SMS gateway's outbox there. `via(node)` pins the CLI
    run by this thread to one node (nginx's pin listener as its HTTP proxy)."""

    def __init__(self, cluster: Cluster, scratch: Path, csca_dir: Path):
        server = Server(None, cluster.public, cluster.public, cluster.dir, cluster.dir / "none.out", cluster.dir / "none.err")
        env = {k: v for k, v in cluster.env().items() if k.startswith("CYBERID_") and k not in ("CYBERID_DATA_DIR", "CYBERID_ISSUER")}
        super().__init__(server, env, scratch, csca_dir)
        self.cluster = cluster
        self._pin = threading.local()

    @contextmanager
    def via(self, node: Optional[Node]):
        previous = getattr(self._pin, "node", None)
        self._pin.node = node
        try:
            yield
        finally:
            self._pin.node = previous

    def cli(self, *args: str, timeout: float = 120, env: Optional[dict] = None, input: Optional[str] = None):
        node = getattr(self._pin, "node", None)
        if node is not None:
            env = {**(env or {}), "http_proxy": node.proxy, "HTTP_PROXY": node.proxy, "no_proxy": "", "NO_PROXY": ""}
        return super().cli(*args, timeout=timeout, env=env, input=input)


def rp_on(rp: RelyingParty, node: Node) -> RelyingParty:
    """The same relying party (session, PKCE state) sending its token, userinfo and revocation
    requests to `node`; the issuer it checks stays the public one."""
    other = copy.copy(rp)
    other.meta = {
        **rp.meta,
        **{name: on(node, rp.meta[name]) for name in ("token_endpoint", "userinfo_endpoint", "revocation_endpoint")},
    }
    return other


class RouteCounter:
    """Requests each node logged for a route since the counter was made."""

    def __init__(self, cluster: Cluster, route: str, method: Optional[str] = None):
        self.cluster, self.route, self.method = cluster, route, method
        self.start = [node.requests(route, method) for node in cluster.nodes]

    def delta(self) -> list[int]:
        return [node.requests(self.route, self.method) - before for node, before in zip(self.cluster.nodes, self.start)]


def wait_logged(counter: RouteCounter, index: int, at_least: int = 1, timeout: float = 5) -> list[int]:
    """The request log is written after the answer: wait until node `index` logged the route."""
    deadline = time.monotonic() + timeout
    while True:
        delta = counter.delta()
        if delta[index] >= at_least or time.monotonic() > deadline:
            return delta
        time.sleep(0.05)


# --------------------------------------------------------------------------------------
# A login that crosses nodes
# --------------------------------------------------------------------------------------


@dataclass
class CrossNodeLogin:
    auth: AuthRequest
    page: LoginPage
    claims: dict
    token: dict
    userinfo: dict


def open_login_on(deployment: ClusterDeployment, rp: RelyingParty, node: Node, browser: Browser) -> tuple[AuthRequest, LoginPage]:
    """The browser sends the authorization request straight to `node`; the page is parsed as
    if served under the public issuer (its links are relative, its wallet URI names the issuer)."""
    auth = rp.begin()
    response = browser.get(on(node, auth.url))
    assert response.status_code == 200, (response.status_code, response.text[:500])
    page = parse_login_page(public(deployment.cluster, auth.url), response.text, deployment.issuer)
    return auth, page


def poll_decided(browser: Browser, page: LoginPage, nodes: list[Node], timeout: float = 20) -> dict:
    """Polls the page's status URL, each poll on the next of `nodes`, until it is decided."""
    deadline = time.monotonic() + timeout
    turn = 0
    while True:
        node = nodes[turn % len(nodes)]
        turn += 1
        response = browser.session.get(on(node, page.status_url), timeout=30)
        assert response.status_code == 200, (node.index + 1, response.status_code, response.text[:300])
        body = response.json()
        if body.get("status") != "pending" or time.monotonic() > deadline:
            return body
        time.sleep(0.1)


def cross_node_login(
    deployment: ClusterDeployment, rp: RelyingParty, holder: Holder, *, start: Node, approve: Node, finish: Node,
    verify: bool = True,
) -> CrossNodeLogin:
    """Authorization request to `start`; the wallet CLI's view and approval through `approve`;
    the browser's continue, the code exchange at /token and /userinfo on `finish`. Each step's
    node is checked in the nodes' request logs. `verify=False` stops after the code exchange
    (no ID-token check, no userinfo: `claims` and `userinfo` are empty)."""
    cluster = deployment.cluster
    browser = Browser()
    authorize = RouteCounter(cluster, "/authorize", "GET")
    auth, page = open_login_on(deployment, rp, start, browser)
    assert wait_logged(authorize, start.index)[start.index] == 1, authorize.delta()

    decisions = RouteCounter(cluster, "/wallet/v1/login", "POST")
    with deployment.via(approve):
        answer = deployment.wallet_approve(holder, page.wallet_uri)
    assert answer.returncode == 0, (answer.stdout, answer.stderr)
    delta = wait_logged(decisions, approve.index)
    assert delta[approve.index] == 1 and sum(delta) == 1, f"the approval went to {delta}, not only node {approve.index + 1}"

    status = poll_decided(browser, page, cluster.nodes)
    assert status.get("status") == "approved", status
    page.return_url = answer.return_url
    assert page.return_url, answer.stdout

    response = browser.get(on(finish, page.return_url))
    params = redirect_params(response, rp.client.redirect_uri)
    assert "error" not in params and params.get("code"), params
    assert params.get("state") == auth.state and params.get("iss") == deployment.issuer, params

    tokens = RouteCounter(cluster, "/token", "POST")
    finisher = rp_on(rp, finish)
    token = finisher.exchange(public(cluster, response.headers["Location"]), auth)
    assert wait_logged(tokens, finish.index)[finish.index] == 1, tokens.delta()
    if not verify:
        return CrossNodeLogin(auth, page, {}, token, {})
    claims = finisher.verify_id_token(token["id_token"], auth)
    info = finisher.userinfo(token["access_token"])
    assert info.status_code == 200, (info.status_code, info.text)
    assert info.json()["sub"] == claims["sub"], (info.json(), claims)
    return CrossNodeLogin(auth, page, claims, token, info.json())


# --------------------------------------------------------------------------------------
# Logins through nginx (no pinning) for the sequence and the load test
# --------------------------------------------------------------------------------------


class LoginFailed(Exception):
    def __init__(self, step: str, detail: str):
        super().__init__(f"{step}: {detail}")
        self.step = step


def login_through_nginx(deployment: ClusterDeployment, rp: RelyingParty, holder: Holder) -> dict:
    """One whole login, every request through nginx: page, wallet CLI, status, continue, token,
    ID token, userinfo. Raises LoginFailed naming the step that failed."""
    browser = Browser()
    try:
        auth = rp.begin()
        response = browser.get(auth.url)
    except requests.RequestException as error:
        raise LoginFailed("authorize", repr(error)) from error
    if response.status_code != 200:
        raise LoginFailed("authorize", f"{response.status_code} {response.text[:200]}")
    page = parse_login_page(auth.url, response.text, deployment.issuer)
    answer = deployment.wallet_approve(holder, page.wallet_uri)
    if answer.returncode != 0:
        raise LoginFailed("wallet approve", (answer.stderr or answer.stdout).strip()[-300:])
    page.return_url = answer.return_url
    try:
        response = browser.get(page.return_url)
    except requests.RequestException as error:
        raise LoginFailed("continue", repr(error)) from error
    if response.status_code not in (302, 303):
        raise LoginFailed("continue", f"{response.status_code} {response.text[:200]}")
    params = redirect_params(response, rp.client.redirect_uri)
    if "code" not in params:
        raise LoginFailed("continue", str(params))
    try:
        token = rp.exchange(response.headers["Location"], auth)
        claims = rp.verify_id_token(token["id_token"], auth)
        info = rp.userinfo(token["access_token"])
    except Exception as error:  # authlib's OAuthError, a transport error, a failed check
        raise LoginFailed("token", repr(error)[:300]) from error
    if info.status_code != 200 or info.json().get("sub") != claims["sub"]:
        raise LoginFailed("userinfo", f"{info.status_code} {info.text[:200]}")
    return claims


# --------------------------------------------------------------------------------------
# Enrollment over HTTP, each step on a chosen node
# --------------------------------------------------------------------------------------


class CrossNodeEnroller:
    """Tests/enrollment's flow (start → document → phone → confirm → complete) with each step
    sent to the node the caller names. Documents are signed under `csca`'s DSC."""

    def __init__(self, cluster: Cluster, dsc: "factory.Dsc"):
        self.cluster = cluster
        self.dsc = dsc
        self.people = People()
        self.outbox = Outbox(cluster.outbox)

    def api(self, node: Node) -> Api:
        return Api(node.base)

    def enroll(self, steps: list[Node]) -> tuple[dict, Wallet]:
        """`steps`: the nodes of start, document, phone, confirm and complete, in that order.
        Returns the completion's answer and the wallet (with its certificate)."""
        start, document, phone, confirm, complete = steps
        person = self.people.make()
        doc = factory.build_document(self.dsc, mrz=person.mrz)
        wallet = Wallet()
        body = assert_json(self.api(start).start(), 201)
        session, challenge = body["session_id"], b64u_decode(body["aa_challenge"])
        answer = self.api(document).document(session, document_body(doc, challenge))
        assert_json(answer, 200)
        assert answer.json["state"] == "document_verified", answer
        before = self.outbox.count(person.phone)
        assert_json(self.api(phone).phone(session, person.phone), 202)
        code = self.outbox.wait_code(person.phone, before)
        answer = self.api(confirm).confirm(session, code)
        assert_json(answer, 200)
        result = assert_json(self.api(complete).complete(session, wallet.csr()), 201)
        assert result.get("network_number"), result
        wallet.certificate = x509.load_pem_x509_certificate(result["certificate"].encode())
        wallet.network_number = result["network_number"]
        return result, wallet

    def document_step(self, node: Node, dsc: "factory.Dsc") -> tuple[int, str]:
        """Start a session on `node` and send it a document signed under `dsc`: (status, problem
        type or state). Used to see whether a node trusts a CSCA."""
        person = self.people.make()
        doc = factory.build_document(dsc, mrz=person.mrz)
        api = self.api(node)
        body = assert_json(api.start(), 201)
        answer = api.document(body["session_id"], document_body(doc, b64u_decode(body["aa_challenge"])))
        try:
            payload = answer.json
        except ValueError:
            payload = {}
        return answer.status, str(payload.get("state") or payload.get("type") or answer.body[:100])


def wallet_api_get(issuer: str, node: Node, wallet: Wallet, path: str) -> requests.Response:
    """A wallet-signed GET (docs/relying-parties.md §5) of `path`, sent to `node`."""
    key = ECKey.import_key(wallet.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    payload = {"aud": issuer, "purpose": "wallet-api", "htm": "GET", "htu": path, "iat": int(time.time()),
               "jti": secrets.token_urlsafe(16)}
    token = sign_wallet_jws(key, wallet.certificate.public_bytes(serialization.Encoding.DER), payload)
    return requests.get(node.base + path, headers={"Authorization": "CyberID-Wallet " + token}, timeout=30)
