"""Helpers of the relying-party suite (docs/relying-parties.md); the fixtures are in conftest.py.

The suite plays a relying party with off-the-shelf libraries only: `authlib` for the OAuth 2.0 /
OpenID Connect flow (PKCE S256, client authentication, PrivateKeyJWT), `joserfc` for the ID and
access tokens and the wallet JWSs, `requests` as the browser. Every endpoint URL of the OpenID
Provider comes from the discovery document; only the wallet API (§5, not an OIDC endpoint) is
addressed by its documented paths under the issuer named in the wallet URI.

The wallet is the real `cyberid wallet …` CLI. Servers, people and documents come from the
enrollment suite's helpers (Tests/enrollment/enrollment_support.py), imported, not copied.
"""

from __future__ import annotations

import base64
import hashlib
import datetime as dt
import json
import random
import re
import secrets
import shutil
import sqlite3
import string
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs, unquote, urlencode, urljoin, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_qs
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID
from joserfc import jws, jwt
from joserfc.jwk import ECKey, KeySet, RSAKey

HERE = Path(__file__).resolve().parent
ENROLLMENT_DIR = HERE.parent / "enrollment"
if str(ENROLLMENT_DIR) not in sys.path:
    sys.path.insert(0, str(ENROLLMENT_DIR))

from enrollment_support import (  # noqa: E402
    UTC,
    Server,
    binary_path,
    free_port,
    launch_server,
    server_env,
)

# --------------------------------------------------------------------------------------
# Constants of the contract
# --------------------------------------------------------------------------------------

LOA_LOW = "http://eidas.europa.eu/LoA/low"
LOA_SUBSTANTIAL = "http://eidas.europa.eu/LoA/substantial"
LOA_HIGH = "http://eidas.europa.eu/LoA/high"

# The authentication modes (issue 17): acr values a platform may ask for; the ID token's `acr`
# then names the mode met and `amr` (RFC 8176) the methods: hwk (+ pin) (+ face).
MODE_PREFIX = "urn:cyberid:mode:"
MODES = {name: MODE_PREFIX + name for name in ("R01", "R02", "R03", "R04")}
MODE_AMR = {"R01": ["hwk"], "R02": ["hwk", "pin"], "R03": ["hwk", "face"], "R04": ["hwk", "pin", "face"]}
MODE_REQUIRES = {"R01": [], "R02": ["password"], "R03": ["face"], "R04": ["password", "face"]}

# docs/relying-parties.md §5 names `https://cyberid.dev/problems/…`; the rest of the API
# (docs/http-api.md) uses `urn:cyberid:problem:…`. Either spelling is accepted (see README).
PROBLEM_PREFIXES = ("urn:cyberid:problem:", "https://cyberid.dev/problems/")

# Nothing listens there: the suite never follows the final redirect.
REDIRECT_URI = "http://127.0.0.1:9/cb"

AGE_CLAIMS = ("age_over_14", "age_over_18")
REALNAME_CLAIMS = ("name", "birthdate")
# The claims about the person (userinfo must agree with the ID token on each of them).
PERSON_CLAIMS = ("sub", "cyberid_verified", *AGE_CLAIMS, *REALNAME_CLAIMS, "network_number")
# Always in an ID token (scope openid, §3).
OPENID_CLAIMS = {"iss", "aud", "exp", "iat", "sub", "auth_time", "nonce", "acr", "cyberid_verified"}
# Standard ID-token claims an OP may add without releasing anything about the person.
HARMLESS_EXTRA_CLAIMS = {"azp", "at_hash", "jti", "amr", "sid"}
SCOPE_CLAIMS = {"openid": (), "age": AGE_CLAIMS, "realname": REALNAME_CLAIMS, "network_number": ("network_number",)}

SUB_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}=?")  # base64url of an HMAC-SHA256


def b64url(data: bytes) -> str:
    """Base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    """Base64url with or without padding."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def claims_of_scope(scope: str) -> set[str]:
    return {claim for name in scope.split() for claim in SCOPE_CLAIMS[name]}


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:10]}"


# --------------------------------------------------------------------------------------
# The deployment: one `cyberid serve`, its data dir, and the CLI run against it
# --------------------------------------------------------------------------------------


@dataclass
class RegisteredClient:
    """A client as `cyberid admin client create` registered it."""

    client_id: str
    client_secret: Optional[str]
    name: str
    redirect_uri: str
    auth: str  # client_secret_basic | client_secret_post | private_key_jwt
    scopes: Optional[list[str]] = None
    legal_basis: Optional[str] = None
    strict: bool = False
    key: object = None  # joserfc ECKey/RSAKey, private, for private_key_jwt
    alg: Optional[str] = None  # ES256 / PS256, for private_key_jwt
    output: dict = field(default_factory=dict)


@dataclass
class Holder:
    """An enrolled person and their wallet file, made by `cyberid wallet enroll`."""

    label: str
    wallet: Path
    network_number: str
    assurance_level: str
    surname: str
    given_names: str
    birth_date: dt.date
    document_dir: Path

    def file(self) -> dict:
        return json.loads(self.wallet.read_text())

    def key(self) -> ECKey:
        return ECKey.import_key(self.file()["private_key_pem"])

    def certificate_der(self) -> bytes:
        certificate = x509.load_pem_x509_certificate(self.file()["certificate_pem"].encode())
        return certificate.public_bytes(serialization.Encoding.DER)


class WalletAnswer(subprocess.CompletedProcess):
    """What `cyberid wallet approve` did; a same-device approval also says where the wallet
    returns the person (the last line of its output)."""

    def __init__(self, result: subprocess.CompletedProcess, *, same_device: bool):
        super().__init__(result.args, result.returncode, result.stdout, result.stderr)
        self.same_device = same_device

    @property
    def return_url(self) -> Optional[str]:
        """The return URL printed by a successful same-device approval, else None."""
        if self.returncode != 0 or not self.same_device:
            return None
        lines = self.stdout.strip().splitlines()
        assert lines, "a same-device approval must print the return URL on its last line"
        return lines[-1].strip()


class Deployment:
    """A running `cyberid serve` plus the environment its CLI must be run with."""

    def __init__(self, server: Server, extra_env: dict, scratch: Path, csca_dir: Path):
        self.server = server
        self.issuer = server.issuer
        self.cli_env = server_env(server.data_dir, CYBERID_ISSUER=server.issuer, **extra_env)
        self.scratch = scratch
        self.csca_dir = csca_dir
        self._metadata: Optional[dict] = None
        self._random = random.SystemRandom()

    # The CLI -------------------------------------------------------------------------

    def cli(
        self, *args: str, timeout: float = 120, env: Optional[dict] = None, input: Optional[str] = None
    ) -> subprocess.CompletedProcess:
        """Runs the CLI with the deployment's environment (`env` overrides some of it); standard
        input is empty, or `input` (a pipe, never a terminal)."""
        stdin = {"stdin": subprocess.DEVNULL} if input is None else {"input": input}
        return subprocess.run(
            [str(binary_path()), *args], env={**self.cli_env, **(env or {})}, capture_output=True, text=True,
            timeout=timeout, **stdin,
        )

    def cli_json(self, *args: str, env: Optional[dict] = None):
        result = self.cli(*args, env=env)
        assert result.returncode == 0, (args, result.returncode, result.stdout, result.stderr)
        return json.loads(result.stdout)

    # Discovery -----------------------------------------------------------------------

    @property
    def metadata(self) -> dict:
        if self._metadata is None:
            response = requests.get(self.issuer + "/.well-known/openid-configuration", timeout=30)
            assert response.status_code == 200, response.text
            self._metadata = response.json()
        return self._metadata

    def keyset(self) -> KeySet:
        response = requests.get(self.metadata["jwks_uri"], timeout=30)
        assert response.status_code == 200, response.text
        return KeySet.import_key_set(response.json())

    # Clients ---------------------------------------------------------------------------

    def client_args(
        self,
        *,
        name: str,
        redirect_uris=(REDIRECT_URI,),
        sector: Optional[str] = None,
        scopes: Optional[list[str]] = None,
        legal_basis: Optional[str] = None,
        auth: Optional[str] = None,
        jwks: Optional[str] = None,
        strict: bool = False,
        events_uri: Optional[str] = None,
        mode: Optional[str] = None,
    ) -> list[str]:
        args = ["admin", "client", "create", "--name", name]
        for uri in redirect_uris:
            args += ["--redirect-uri", uri]
        if sector is not None:
            args += ["--sector", sector]
        for scope in scopes or []:
            args += ["--scope", scope]
        if legal_basis is not None:
            args += ["--legal-basis", legal_basis]
        if auth is not None:
            args += ["--auth", auth]
        if jwks is not None:
            args += ["--jwks", jwks]
        if strict:
            args.append("--strict")
        if events_uri is not None:
            args += ["--events-uri", events_uri]
        if mode is not None:
            args += ["--mode", mode]
        return args

    def create_client(
        self,
        name: Optional[str] = None,
        *,
        redirect_uris=(REDIRECT_URI,),
        key=None,
        alg: Optional[str] = None,
        **options,
    ) -> RegisteredClient:
        """Registers a client; `key`/`alg` are kept for private_key_jwt clients."""
        name = name or unique("Test Platform")
        output = self.cli_json(*self.client_args(name=name, redirect_uris=redirect_uris, **options))
        assert isinstance(output.get("client_id"), str) and output["client_id"], output
        auth = options.get("auth") or ("private_key_jwt" if options.get("strict") else "client_secret_basic")
        if auth != "private_key_jwt":
            assert isinstance(output.get("client_secret"), str) and len(output["client_secret"]) >= 16, output
        return RegisteredClient(
            client_id=output["client_id"],
            client_secret=output.get("client_secret"),
            name=name,
            redirect_uri=redirect_uris[0],
            auth=auth,
            scopes=options.get("scopes"),
            legal_basis=options.get("legal_basis"),
            strict=bool(options.get("strict")),
            key=key,
            alg=alg,
            output=output,
        )

    def disable_client(self, client_id: str):
        result = self.cli("admin", "client", "disable", client_id)
        assert result.returncode == 0, (result.stdout, result.stderr)

    # People ----------------------------------------------------------------------------

    def _digits(self, n: int) -> str:
        return "".join(self._random.choice(string.digits) for _ in range(n))

    def _letters(self, n: int) -> str:
        return "".join(self._random.choice(string.ascii_uppercase) for _ in range(n))

    def enroll(self, label: str, *, birth_date: dt.date, guardian: Optional[Holder] = None) -> Holder:
        """`cyberid dev document` (signed by the trusted development CSCA) + `cyberid wallet enroll`
        (`enroll_bound`, whose BoundHolder is a Holder that also knows the bound phone)."""
        return enroll_bound(self, label, birth_date=birth_date, guardian=guardian)

    def set_person_state(self, holder: Holder, state: str):
        """Sets the holder's `persons.state` in the server's SQLite file directly.

        The person lifecycle CLI (suspend/restore) comes in a later issue; until then the suite
        writes the column the server reads.
        """
        database = self.server.data_dir / "cyberid.sqlite"
        assert database.is_file(), database
        with sqlite3.connect(database, timeout=30) as connection:
            changed = connection.execute(
                "UPDATE persons SET state = ? WHERE id = "
                "(SELECT person_id FROM network_numbers WHERE number = ? AND status = 'active')",
                # The store keeps the canonical form: the printed groups without their hyphens.
                (state, holder.network_number.replace("-", "")),
            ).rowcount
        assert changed == 1, f"no active person with network number {holder.network_number}"

    # The wallet CLI ----------------------------------------------------------------------

    def wallet_approve(
        self,
        holder: Holder,
        wallet_uri: str,
        *,
        deny: bool = False,
        decline=(),
        no_consent: bool = False,
        match: Optional[int] = None,
        same_device: Optional[bool] = None,
        yes: Optional[bool] = None,
        options=(),
        wallet: Optional[Path] = None,
        password: Optional[str] = None,
    ) -> WalletAnswer:
        """`cyberid wallet approve` (non-interactive): by default consents to every claim asked for;
        `--decline CLAIM` refuses one; `--no-consent` gives no new consent (only remembered claims
        are released). `--match NN` picks the number for a QR code's URI; `--same-device` is given
        for the page's link (it has `r`) unless `same_device` says otherwise; `--yes` unless
        denying (or `yes` says otherwise). `options` are further arguments (`--reverify`, `--face
        FILE`); `wallet` another wallet file than the holder's; `password` is given with
        `--password-stdin` (modes R02/R04)."""
        if same_device is None:
            same_device = "r" in parse_qs(urlsplit(wallet_uri).query)
        if yes is None:
            yes = not deny
        args = ["wallet", "approve", wallet_uri, "--wallet", str(wallet or holder.wallet), *options]
        if deny:
            args.append("--deny")
        if yes:
            args.append("--yes")
        if same_device:
            args.append("--same-device")
        if match is not None:
            args += ["--match", str(match)]
        for claim in decline:
            args += ["--decline", claim]
        if no_consent:
            args.append("--no-consent")
        if password is not None:
            args.append("--password-stdin")
        stdin = None if password is None else password + "\n"
        return WalletAnswer(self.cli(*args, input=stdin), same_device=same_device and not deny)

    def wallet_withdraw(self, holder: Holder, client_id: str) -> subprocess.CompletedProcess:
        return self.cli("wallet", "consents", "--withdraw", client_id, "--wallet", str(holder.wallet))

    def wallet_history(self, holder: Holder) -> list[dict]:
        """`cyberid wallet history --json` of the holder's wallet (asserts it succeeded)."""
        result = self.cli("wallet", "history", "--json", "--wallet", str(holder.wallet))
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)


# scrypt at its cheapest for network-identity passwords (the default, 2^14, costs up to a second
# per check against a debug build; the password logic does not depend on the cost).
# The suite's servers: cheap password hashes, and room for the tests' deliberate wrong numbers
# (one person picks wrong several times in test_relay_proof.py; the limit itself is tested there
# on a server of its own with the default, 3 an hour).
SUITE_SETTINGS = {"CYBERID_PASSWORD_SCRYPT_LOG_N": "10", "CYBERID_WRONG_MATCH_NUMBERS_PER_HOUR": "100"}


def start_deployment(tmp_path_factory, defaults=(), **env):
    """A generator fixture body: a server whose store trusts a fresh `cyberid dev document` CSCA
    (with SUITE_SETTINGS unless `env` overrides them; the settings named in `defaults` are left
    to the server's own default)."""
    env = {**{k: v for k, v in SUITE_SETTINGS.items() if k not in defaults}, **env}
    csca_dir = tmp_path_factory.mktemp("dev-csca")
    scratch = tmp_path_factory.mktemp("oidc")

    def trust_dev_csca(binary, data_dir):
        result = subprocess.run(
            [str(binary), "dev", "document", "--out", str(csca_dir), "--trust"],
            env=server_env(data_dir), capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, (result.stdout, result.stderr)
        assert (csca_dir / "csca-private-key.pem").is_file(), list(csca_dir.iterdir())

    servers = launch_server(None, tmp_path_factory, setup=trust_dev_csca, **env)
    server = next(servers)
    try:
        yield Deployment(server, env, scratch, csca_dir)
    finally:
        servers.close()


# --------------------------------------------------------------------------------------
# Problems and redirects
# --------------------------------------------------------------------------------------


def problem_code(response: requests.Response) -> str:
    """The code of an RFC 9457 problem answer (`…:code` or `…/code`)."""
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    assert content_type == "application/problem+json", (response.status_code, content_type, response.text[:500])
    body = response.json()
    assert body.get("status") == response.status_code, body
    kind = body.get("type", "")
    for prefix in PROBLEM_PREFIXES:
        if kind.startswith(prefix):
            return kind[len(prefix):]
    raise AssertionError(f"problem type {kind!r} is not one of CyberID's")


def assert_problem(response: requests.Response, code: str, statuses=None):
    assert problem_code(response) == code, (response.status_code, response.text[:500])
    if statuses is not None:
        assert response.status_code in statuses, (response.status_code, response.text[:500])
    else:
        assert 400 <= response.status_code < 500, response.status_code


def endpoint_query(url: str, endpoint: str) -> dict:
    """The query of `url` (one value each), which must be `endpoint` (compared without its
    query) with no fragment."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == endpoint, (url, endpoint)
    assert not parts.fragment, url  # response_mode=query
    values = parse_qs(parts.query, keep_blank_values=True)
    assert all(len(v) == 1 for v in values.values()), url
    return {k: v[0] for k, v in values.items()}


def redirect_params(response: requests.Response, redirect_uri: str) -> dict:
    """The query of a 302/303 to `redirect_uri` (compared without its query), one value each."""
    assert response.status_code in (302, 303), (response.status_code, response.text[:500])
    return endpoint_query(response.headers["Location"], redirect_uri)


def assert_error_redirect(response: requests.Response, *, redirect_uri: str, error: str, state: Optional[str], issuer: str) -> dict:
    """An authorization error sent back to the client: error, state, iss (§2), and no code."""
    params = redirect_params(response, redirect_uri)
    assert params.get("error") == error, params
    assert "code" not in params, params
    if state is not None:
        assert params.get("state") == state, params
    assert params.get("iss") == issuer, params
    return params


# --------------------------------------------------------------------------------------
# The browser and the login page
# --------------------------------------------------------------------------------------


# Elements without an end tag: their text is never collected.
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _PageParser(HTMLParser):
    """Collects every start tag with its (unescaped) attributes, and the text of every element
    with an id (up to its end tag)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.texts: dict[str, str] = {}
        self._open: list[tuple[str, str]] = []  # (tag, id) of the elements being read

    def handle_startendtag(self, tag, attrs) -> dict:
        attributes = {k: (v if v is not None else "") for k, v in attrs}
        self.tags.append((tag, attributes))
        return attributes

    def handle_starttag(self, tag, attrs):
        attributes = self.handle_startendtag(tag, attrs)
        if attributes.get("id") and tag not in VOID_ELEMENTS:
            self._open.append((tag, attributes["id"]))
            self.texts[attributes["id"]] = ""

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index]
                break

    def handle_data(self, data):
        for _, element_id in self._open:
            self.texts[element_id] += data


# The QR image as base64 (the login page's first image until stop 53; the verifier page's).
QR_IMAGE_PREFIX = "data:image/svg+xml;base64,"
# The login page's first image (since stop 53) and the status poll's (`qr_image=svg`): the SVG's
# text, `%` and `#` percent-encoded.
QR_IMAGE_TEXT_PREFIX = "data:image/svg+xml,"
_QR_COMMAND = re.compile(r"([Mmh])(-?\d+(?:\.\d+)?)(?: (-?\d+(?:\.\d+)?))?")


def qr_runs(path: str) -> list:
    """The dark runs `(x, y, width)` of CyberID's QR path: horizontal strokes one module wide,
    `M x y.5` (a row's first run) or `m gap 0` (the next), then `h width` — followed as a
    renderer follows the pen. Anything else in the path fails the assertion."""
    commands = list(_QR_COMMAND.finditer(path))
    assert "".join(m.group(0) for m in commands) == path, f"not the expected SVG drawing: {path[:200]!r}"
    x = y = 0.0
    runs = []
    for command in commands:
        letter, first, second = command.group(1), float(command.group(2)), command.group(3)
        if letter == "M":
            x, y = first, float(second)
        elif letter == "m":
            x, y = x + first, y + float(second)
        else:
            assert second is None and first > 0 and x == int(x) and y - int(y) == 0.5, (command.group(0), x, y)
            runs.append((int(x), int(y), int(first)))
            x += first
    return runs



def qr_image_svg(source: str) -> str:
    """The SVG of a QR image's data URL: base64 (the verifier page's; the login page's first image
    until stop 53) or the text form the login page and its status poll carry (`data:image/svg+xml,` and the SVG, `%` and `#` percent-encoded)."""
    if source.startswith(QR_IMAGE_PREFIX):
        return base64.b64decode(source[len(QR_IMAGE_PREFIX):], validate=True).decode()
    assert source.startswith(QR_IMAGE_TEXT_PREFIX), source[:60]
    text = source[len(QR_IMAGE_TEXT_PREFIX):]
    assert "#" not in text, "a # in a data URL starts its fragment"
    return unquote(text, errors="strict")


def decode_qr_image(source: str, workdir: Path) -> Optional[str]:
    """The text of the QR code in an `<img src="data:image/svg+xml…">` (base64 or text) as zbar reads it
    (None when zbar is not installed). The SVG is CyberID's: horizontal strokes one module wide,
    one per dark stretch of a module row (`qr_runs`); it is drawn here into a PGM at 4 pixels per
    module."""
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        return None
    svg = qr_image_svg(source)
    width, height = map(int, re.search(r'viewBox=["\']0 0 (\d+) (\d+)["\']', svg).groups())
    paths = re.findall(r'<path[^>]*\sd=["\']([^"\']*)["\']', svg)
    assert len(paths) == 1, f"not the expected SVG drawing: {svg[:300]!r}"
    runs = qr_runs(paths[0])
    assert runs, f"no dark runs in {paths[0][:200]!r}"
    scale = 4
    pixels = bytearray([255]) * (width * scale * height * scale)
    for x, y, run in runs:
        for row in range(y * scale, (y + 1) * scale):
            start = row * width * scale + x * scale
            pixels[start:start + run * scale] = bytes(run * scale)
    image = workdir / f"qr-{uuid.uuid4().hex[:8]}.pgm"
    image.write_bytes(f"P5 {width * scale} {height * scale} 255\n".encode() + bytes(pixels))
    result = subprocess.run([zbarimg, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", "-Sbinary", str(image)],
                            capture_output=True, timeout=60)
    image.unlink()
    assert result.returncode == 0, (result.returncode, result.stderr[:300])
    return result.stdout.decode()


@dataclass
class LoginPage:
    url: str
    html: str
    wallet_uri: str  # the same-device link: cyberid://login?iss=…&t=…&r=…&v=…
    ticket: str
    continue_url: str
    status_url: str
    tags: list
    qr_url: str  # data-qr-url, resolved: the current QR image
    qr_svg: str  # the QR image the page was served with (step 0)
    match_number: int  # #match-number: the number to pick in the wallet
    issuer: str
    # Where a same-device approval returned the person (the continue URL with its response
    # code); `Browser.continue_login` follows it when set.
    return_url: Optional[str] = None

    @property
    def request_token(self) -> str:
        """The page's `r` (in the same-device link, the status, QR and continue URLs)."""
        return parse_qs(urlsplit(self.wallet_uri).query)["r"][0]

    def return_url_with(self, response_code: str) -> str:
        """The continue URL with a response code (what the wallet's return URL must be)."""
        return f"{self.continue_url}&{urlencode({'response_code': response_code})}"


def _only(tags: list, element_id: str) -> tuple[str, dict]:
    found = [(tag, attrs) for tag, attrs in tags if attrs.get("id") == element_id]
    assert len(found) == 1, f"{len(found)} elements with id={element_id!r} in the login page"
    return found[0]


def parse_login_page(url: str, text: str, issuer: str) -> LoginPage:
    """Finds the wallet link, the continue link and the status URL (§4 step 2) and checks their form."""
    parser = _PageParser()
    parser.feed(text)
    parser.close()

    def only(element_id: str) -> tuple[str, dict]:
        return _only(parser.tags, element_id)

    tag, attrs = only("wallet-link")
    assert tag == "a", tag
    wallet_uri = attrs["href"]  # HTMLParser already unescaped &amp;
    assert "&amp;" not in wallet_uri, wallet_uri
    query = wallet_uri_query(wallet_uri, issuer, {"iss", "t", "r", "v"})

    tag, attrs = only("continue")
    assert tag == "a", tag
    continue_href = attrs["href"]
    assert not urlsplit(continue_href).scheme, f"continue link must be relative: {continue_href!r}"
    tag, attrs = only("login")
    assert tag == "main", tag
    urls = {}
    for name, path in (("data-status-url", "status"), ("data-qr-url", "qr"), ("data-continue-url", "continue")):
        href = attrs.get(name, "")
        assert href and not urlsplit(href).scheme, f"{name} must be relative: {href!r}"
        urls[path] = urljoin(url, href)
        # The page's request token is the same-device link's `r`.
        assert endpoint_query(urls[path], f"{issuer}/authorize/{path}") == {"r": query["r"]}, (name, urls[path], wallet_uri)
    assert urljoin(url, continue_href) == urls["continue"], (continue_href, urls["continue"])

    tag, attrs = only("qr-code")
    assert tag == "img", tag
    source = attrs.get("src", "")
    assert source.startswith(QR_IMAGE_TEXT_PREFIX + "<svg "), f"the QR code must be an inline SVG image: {source[:80]!r}"
    qr_svg = qr_image_svg(source)
    assert qr_svg.lstrip().startswith("<svg") and qr_svg.rstrip().endswith("</svg>"), qr_svg[:200]
    tag, _ = only("match-number")
    assert tag == "strong", tag
    match_text = parser.texts["match-number"].strip()
    assert re.fullmatch(r"[1-9][0-9]", match_text), f"#match-number must be a two-digit number: {match_text!r}"
    return LoginPage(
        url, text, wallet_uri, query["t"], urls["continue"], urls["status"], parser.tags, urls["qr"], qr_svg,
        int(match_text), issuer,
    )


def wallet_uri_query(uri: str, issuer: str, names: set) -> dict:
    """The query of a `cyberid://login?…` URI of `issuer` (one value each); asserts it has exactly
    the parameters `names`: {iss, t, r, v} for the same-device link, {iss, t, qt, qa} for a QR code."""
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc, parts.path) == ("cyberid", "login", ""), uri
    values = parse_qs(parts.query, keep_blank_values=True)
    assert set(values) == names and all(len(v) == 1 and v[0] for v in values.values()), (uri, sorted(names))
    query = {k: v[0] for k, v in values.items()}
    assert query["iss"] == issuer, uri
    return query


def cross_device_query(uri: str, issuer: str, ticket: str) -> dict:
    """Asserts `uri` is a QR code's content for the login with `ticket`:
    `cyberid://login?iss=ISS&t=TICKET&qt=STEP&qa=AUTH`, STEP decimal, AUTH 16 bytes of base64url."""
    query = wallet_uri_query(uri, issuer, {"iss", "t", "qt", "qa"})
    assert query["t"] == ticket, f"the QR code names another login: {uri}"
    assert re.fullmatch(r"0|[1-9][0-9]*", query["qt"]), f"qt must be whole seconds: {uri}"
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", query["qa"]), f"qa must be base64url of 16 bytes: {uri}"
    return query


def external_assets(page: LoginPage, allowed_prefixes=()) -> list[str]:
    """Every src/href/action/srcset/poster/data pointing off-page over http(s) or `//`, plus CSS url()s."""
    found = []
    for tag, attrs in page.tags:
        for name in ("src", "href", "action", "srcset", "poster", "data", "xlink:href"):
            value = attrs.get(name, "").strip()
            if re.match(r"(?i)(https?:)?//", value) and not any(value.startswith(p) for p in allowed_prefixes):
                found.append(f"<{tag} {name}={value!r}>")
    found += re.findall(r"(?i)url\(\s*['\"]?(?:https?:)?//[^)]*\)", page.html)
    found += re.findall(r"(?i)@import\s+['\"]?(?:https?:)?//[^;]*", page.html)
    return found


class Browser:
    """A cookie-keeping browser that never follows redirects on its own."""

    def __init__(self):
        self.session = requests.Session()

    def get(self, url: str) -> requests.Response:
        return self.session.get(url, allow_redirects=False, timeout=30)

    def open_login(self, url: str, issuer: str) -> LoginPage:
        response = self.get(url)
        assert response.status_code == 200, (response.status_code, response.headers.get("Location"), response.text[:800])
        content_type = response.headers.get("Content-Type", "")
        assert content_type.split(";")[0].strip() == "text/html", content_type
        return parse_login_page(response.url, response.text, issuer)

    def progress(self, page: LoginPage) -> dict:
        """The status answer as the page's script reads it: `pending` with the QR code's current
        content (`qr`), `approved` with `same_device`, `denied` (maybe with a `reason`), `expired`."""
        response = self.session.get(page.status_url, timeout=30)
        assert response.status_code == 200, (response.status_code, response.text[:500])
        body = response.json()
        assert body.get("status") in ("pending", "approved", "denied", "expired"), body
        if body["status"] == "pending":
            cross_device_query(body.get("qr", ""), page.issuer, page.ticket)
        if body["status"] == "approved":
            assert isinstance(body.get("same_device"), bool), body
        return body

    def status(self, page: LoginPage) -> str:
        return self.progress(page)["status"]

    def qr_uri(self, page: LoginPage) -> str:
        """The QR code's content now (the status answer's `qr`; the login must be pending)."""
        body = self.progress(page)
        assert body["status"] == "pending", body
        return body["qr"]

    def wait_decided(self, page: LoginPage, timeout: float = 15.0) -> str:
        """Polls the status URL as the page's script does, until it is no longer `pending`."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.status(page)
            if status != "pending" or time.monotonic() > deadline:
                return status
            time.sleep(0.2)

    def continue_login(self, page: LoginPage) -> requests.Response:
        """GET the continue URL; after a same-device approval, the return URL (with its response code)."""
        if page.return_url is None:
            return self.get(page.continue_url)
        query = endpoint_query(page.return_url, page.issuer + "/authorize/continue")
        assert set(query) == {"r", "response_code"} and query["r"] == page.request_token, (
            f"not this login's return URL: {page.return_url!r} (continue URL {page.continue_url!r})"
        )
        return self.get(page.return_url)


# --------------------------------------------------------------------------------------
# Client keys for private_key_jwt
# --------------------------------------------------------------------------------------


def make_client_key(alg: str):
    """A private joserfc key for `alg` (ES256: P-256, PS256: RSA-2048) with an RFC 7638 kid."""
    if alg == "ES256":
        return ECKey.generate_key("P-256", auto_kid=True)
    if alg == "PS256":
        return RSAKey.generate_key(2048, auto_kid=True)
    raise ValueError(alg)


def with_fixed_assertion(assertion: str):
    """An authlib client-auth method sending one given client assertion (to replay it)."""

    def sign(_auth, _method, uri, headers, body):
        return uri, headers, add_params_to_qs(
            body or "",
            [("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", assertion)],
        )

    return ("private_key_jwt", sign)


def public_jwks(*keyed) -> dict:
    """{"keys": [...]} of the public halves of (key, alg) pairs."""
    keys = []
    for key, alg in keyed:
        entry = key.as_dict(private=False)
        entry.update(use="sig", alg=alg)
        keys.append(entry)
    return {"keys": keys}


class QuietHandler(BaseHTTPRequestHandler):
    """The request handler of a loopback test server: no access log; `reply` writes an answer."""

    def reply(self, status: int, body: Optional[bytes] = None, content_type: Optional[str] = None):
        """The status, Content-Type (if given), Content-Length (if there is a body) and the body."""
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        if body is not None:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def reply_json(self, status: int, document):
        self.reply(status, json.dumps(document).encode(), "application/json")

    def log_message(self, *args):
        pass


class LoopbackServer:
    """A ThreadingHTTPServer on 127.0.0.1 (`port` 0: any free one) serving `handler` from a
    daemon thread; `origin` is its http://127.0.0.1:PORT."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], port: int = 0):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# A face matcher on loopback (CYBERID_FACE_MATCHER_URL): the same bytes match, else not.
MATCH, NO_MATCH = 0.95, 0.1


@dataclass
class MatchRequest:
    live: bytes
    portrait: bytes


class FaceMatcher(LoopbackServer):
    """A stand-in for a certified face matcher: the same bytes match, anything else does not."""

    def __init__(self):
        self.requests: list[MatchRequest] = []
        self.fail = False  # answer HTTP 500
        self._lock = threading.Lock()
        matcher = self

        class Handler(QuietHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                request = MatchRequest(base64.b64decode(body["live"]), base64.b64decode(body["portrait"]))
                with matcher._lock:
                    matcher.requests.append(request)
                if matcher.fail:
                    self.reply(500, b"")
                    return
                self.reply_json(200, {"score": MATCH if request.live == request.portrait else NO_MATCH})

        super().__init__(Handler, port=free_port())
        self.url = self.origin + "/match"

    def since(self, mark: int) -> list[MatchRequest]:
        with self._lock:
            return list(self.requests[mark:])

    def mark(self) -> int:
        with self._lock:
            return len(self.requests)


class JwksHost(LoopbackServer):
    """Serves a JWKS document on a loopback port (for `--jwks URL`); the document can change."""

    def __init__(self, document: dict):
        self.document = document
        self.hits = 0
        host = self

        class Handler(QuietHandler):
            def do_GET(self):  # noqa: N802
                host.hits += 1
                self.reply_json(200, host.document)

        super().__init__(Handler, port=free_port())
        self.url = self.origin + "/jwks.json"


# --------------------------------------------------------------------------------------
# The relying party (authlib) and the ID token (joserfc)
# --------------------------------------------------------------------------------------


@dataclass
class AuthRequest:
    url: str  # where the browser goes
    state: str
    nonce: str
    verifier: str
    params: dict  # the authorization parameters (pushed, for PAR)
    par_response: Optional[requests.Response] = None


class RelyingParty:
    """One registered client driving the flow with authlib's OAuth2Session."""

    def __init__(self, deployment: Deployment, client: RegisteredClient, scope: str = "openid age"):
        self.deployment = deployment
        self.client = client
        self.meta = deployment.metadata
        self.last_token_response: Optional[requests.Response] = None
        if client.auth == "private_key_jwt":
            self.session = OAuth2Session(
                client.client_id, client.key, token_endpoint_auth_method="private_key_jwt",
                revocation_endpoint_auth_method="private_key_jwt", scope=scope,
                redirect_uri=client.redirect_uri, code_challenge_method="S256",
            )
            # The assertion's aud is the issuer identifier, whichever endpoint it is sent to
            # (FAPI 2.0; CyberID refuses an endpoint URL or a list, review finding 9).
            self.session.register_client_auth_method(
                PrivateKeyJWT(deployment.issuer, alg=client.alg, headers={"kid": client.key.kid})
            )
        else:
            self.session = OAuth2Session(
                client.client_id, client.client_secret, token_endpoint_auth_method=client.auth,
                revocation_endpoint_auth_method=client.auth, scope=scope,
                redirect_uri=client.redirect_uri, code_challenge_method="S256",
            )

        def keep(response):
            self.last_token_response = response
            return response

        self.session.register_compliance_hook("access_token_response", keep)

    @property
    def issuer(self) -> str:
        return self.meta["issuer"]

    def client_auth(self):
        return self.session.client_auth(self.session.token_endpoint_auth_method)

    def begin(self, **extra) -> AuthRequest:
        """A front-channel authorization URL (PKCE S256, state, nonce)."""
        verifier, nonce = generate_token(48), generate_token(20)
        url, state = self.session.create_authorization_url(
            self.meta["authorization_endpoint"], code_verifier=verifier, nonce=nonce, **extra
        )
        params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        return AuthRequest(url, state, nonce, verifier, params)

    def push(self, **extra) -> AuthRequest:
        """PAR (RFC 9126): the parameters go to the PAR endpoint with client authentication; the
        browser gets only client_id + request_uri."""
        auth = self.begin(**extra)
        response = self.session.post(
            self.meta["pushed_authorization_request_endpoint"], data=auth.params, auth=self.client_auth(),
            withhold_token=True, timeout=30,
        )
        auth.par_response = response
        if response.status_code == 201:
            body = response.json()
            request = requests.Request(
                "GET", self.meta["authorization_endpoint"],
                params={"client_id": self.client.client_id, "request_uri": body["request_uri"]},
            ).prepare()
            auth.url = request.url
        return auth

    def exchange(self, callback_url: str, auth: AuthRequest, verifier: Optional[str] = None) -> dict:
        """The code exchange at the token endpoint (raises authlib's OAuthError on an error)."""
        return self.session.fetch_token(
            self.meta["token_endpoint"], authorization_response=callback_url, state=auth.state,
            code_verifier=verifier or auth.verifier,
        )

    def token_error(self, callback_url: str, auth: AuthRequest, verifier: Optional[str] = None) -> tuple[int, dict]:
        """A code exchange that must fail: (HTTP status, JSON body)."""
        from authlib.integrations.base_client import OAuthError

        try:
            token = self.exchange(callback_url, auth, verifier)
        except OAuthError as error:
            response = self.last_token_response
            assert response is not None
            assert response.json().get("error") == error.error
            return response.status_code, response.json()
        raise AssertionError(f"the token endpoint issued tokens: {sorted(token)}")

    def verify_id_token(self, id_token: str, auth: AuthRequest) -> dict:
        """Verifies the ID token as §4 step 5 says; returns its claims."""
        keys = self.deployment.keyset()
        token = jwt.decode(id_token, keys, algorithms=["ES256"])
        assert token.header.get("alg") == "ES256", token.header
        assert token.header.get("kid") in {key.kid for key in keys.keys}, token.header
        claims = token.claims
        jwt.JWTClaimsRegistry(
            leeway=10,
            iss={"essential": True, "value": self.issuer},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": auth.nonce},
        ).validate(claims)
        assert claims["aud"] in (self.client.client_id, [self.client.client_id]), claims["aud"]
        assert claims["exp"] > claims["iat"], claims
        auth_time = claims.get("auth_time")
        assert isinstance(auth_time, (int, float)) and not isinstance(auth_time, bool), claims
        assert auth_time <= claims["iat"] + 5, claims
        # The eIDAS level, or the authentication mode met when the platform asked for one.
        assert claims["acr"] in (LOA_LOW, LOA_SUBSTANTIAL, LOA_HIGH, *MODES.values()), claims
        assert claims["cyberid_verified"] is True, claims
        assert SUB_PATTERN.fullmatch(claims["sub"]), claims["sub"]
        return claims

    def userinfo(self, access_token: str, method: str = "GET") -> requests.Response:
        return requests.request(
            method, self.meta["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"}, timeout=30
        )

    def revoke(self, token: str, hint: Optional[str] = "access_token") -> requests.Response:
        return self.session.revoke_token(self.meta["revocation_endpoint"], token=token, token_type_hint=hint, timeout=30)


def assert_unexpected_claims(claims: dict, allowed: set[str]):
    """Nothing beyond the openid claims, the `allowed` scope claims and harmless protocol claims."""
    extra = set(claims) - OPENID_CLAIMS - allowed - HARMLESS_EXTRA_CLAIMS
    assert not extra, f"claims released beyond the request/consent: {sorted(extra)}"


# --------------------------------------------------------------------------------------
# The whole login
# --------------------------------------------------------------------------------------


@dataclass
class Login:
    auth: AuthRequest
    browser: Browser
    page: LoginPage
    approve: WalletAnswer
    callback: str
    params: dict
    token: dict
    claims: dict


def chip_presentation(holder: Holder, aa_challenge: str) -> tuple[dict, str]:
    """What a wallet sends to re-verify (review finding 3): the holder's document chip files and
    the chip's active-authentication answer to the login's `aa_challenge` — ECDSA P-256 over
    SHA-256 of the challenge, r‖s — as the request's `document` member, and the digest the
    approval signs, base64url(SHA-256(SOD ‖ answer))."""
    directory = holder.document_dir
    key = serialization.load_pem_private_key((directory / "aa-private-key.pem").read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey), "development documents answer with an EC key"
    challenge = b64url_decode(aa_challenge)
    r, s = decode_dss_signature(key.sign(challenge, ec.ECDSA(hashes.SHA256())))
    answer = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    files = {name.lower(): b64url((directory / f"{name}.bin").read_bytes())
             for name in ("DG1", "DG2", "DG15", "SOD") if (directory / f"{name}.bin").exists()}
    sod = (directory / "SOD.bin").read_bytes()
    return {**files, "aa_signature": b64url(answer)}, b64url(hashlib.sha256(sod + answer).digest())


def reverify(holder: Holder) -> tuple:
    """`wallet approve` options that re-verify: the acknowledgement and the holder's document chip
    (review finding 3: the acknowledgement alone is not a re-verification)."""
    return ("--reverify", "--document", str(holder.document_dir))


def start_login(deployment: Deployment, rp: RelyingParty, *, par: bool = False, browser: Optional[Browser] = None, **extra):
    """The browser opens the authorization URL and gets the login page (nothing approved yet)."""
    auth = rp.push(**extra) if par else rp.begin(**extra)
    if par:
        assert auth.par_response.status_code == 201, (auth.par_response.status_code, auth.par_response.text)
    browser = browser or Browser()
    page = browser.open_login(auth.url, deployment.issuer)
    return auth, browser, page


def approve_on_this_device(deployment: Deployment, browser: Browser, page: LoginPage, holder: Holder, **options) -> WalletAnswer:
    """The holder approves the page's same-device link with the wallet CLI (`options` as for
    `Deployment.wallet_approve`); the page, polled until decided, must say approved on the same
    device, and keeps the CLI's return URL for `Browser.continue_login`."""
    approve = deployment.wallet_approve(holder, page.wallet_uri, **options)
    assert approve.returncode == 0, (approve.stdout, approve.stderr)
    assert browser.wait_decided(page) == "approved"
    assert browser.progress(page)["same_device"] is True, "the page must know the approval came from its own device"
    page.return_url = approve.return_url
    return approve


def start_approved_login(deployment: Deployment, rp: RelyingParty, holder: Holder):
    """A login the holder approved with the wallet CLI on the same device, its page polled until
    approved (not yet continued; `page.return_url` is set): (auth request, browser, page)."""
    auth, browser, page = start_login(deployment, rp)
    approve_on_this_device(deployment, browser, page, holder)
    return auth, browser, page


def approve_new_login(deployment: Deployment, rp: RelyingParty, holder: Holder) -> WalletAnswer:
    """Starts a login and answers it with `cyberid wallet approve`; returns the CLI's result
    (which the caller checks: it may be a refusal)."""
    auth, browser, page = start_login(deployment, rp)
    return deployment.wallet_approve(holder, page.wallet_uri)


def login(
    deployment: Deployment, rp: RelyingParty, holder: Holder, *, decline=(), no_consent: bool = False, par: bool = False,
    **extra,
) -> Login:
    """A complete, successful login: page → wallet CLI → status → continue → code → tokens."""
    auth, browser, page = start_login(deployment, rp, par=par, **extra)
    assert browser.status(page) == "pending"
    approve = approve_on_this_device(deployment, browser, page, holder, decline=decline, no_consent=no_consent)
    params, callback, token, claims = finish_login(deployment, rp, auth, browser, page)
    return Login(auth, browser, page, approve, callback, params, token, claims)


def finish_login(deployment: Deployment, rp: RelyingParty, auth: AuthRequest, browser: Browser, page: LoginPage):
    """The end of an approved login: continue (to `page.return_url` after a same-device
    approval) → code, state and iss at the redirect URI → tokens (PKCE) → verified ID token.
    Returns (redirect parameters, callback URL, token response, ID token claims)."""
    response = browser.continue_login(page)
    params = redirect_params(response, rp.client.redirect_uri)
    assert "error" not in params, params
    assert params.get("code"), params
    assert params.get("state") == auth.state, params
    assert params.get("iss") == deployment.issuer, params
    callback = response.headers["Location"]
    token = rp.exchange(callback, auth)
    assert token.get("token_type", "").lower() == "bearer", token
    assert "refresh_token" not in token, "no refresh tokens (docs: Left out)"
    return params, callback, token, rp.verify_id_token(token["id_token"], auth)


def assert_userinfo_matches(rp: RelyingParty, result: Login, method: str = "GET") -> dict:
    response = rp.userinfo(result.token["access_token"], method)
    assert response.status_code == 200, (response.status_code, response.text)
    assert response.headers.get("Content-Type", "").split(";")[0].strip() == "application/json", response.headers
    info = response.json()
    for claim in PERSON_CLAIMS:
        assert (claim in info) == (claim in result.claims), (claim, info, result.claims)
        if claim in info:
            assert info[claim] == result.claims[claim], (claim, info[claim], result.claims[claim])
    return info


# --------------------------------------------------------------------------------------
# The wallet API (§5), spoken directly
# --------------------------------------------------------------------------------------


def wallet_base(wallet_uri: str) -> str:
    return parse_qs(urlsplit(wallet_uri).query)["iss"][0]


def ticket_of(wallet_uri: str) -> str:
    return parse_qs(urlsplit(wallet_uri).query)["t"][0]


def sign_wallet_jws(key, certificate_der: bytes, payload: dict, header_changes: Optional[dict] = None) -> str:
    """A compact JWS as §5 describes it: ES256, typ cyberid-wallet+jwt, x5c [certificate]."""
    header = {"alg": "ES256", "typ": "cyberid-wallet+jwt", "x5c": [base64.b64encode(certificate_der).decode()]}
    header.update(header_changes or {})
    header = {k: v for k, v in header.items() if v is not None}
    return jws.serialize_compact(header, json.dumps(payload, separators=(",", ":")).encode(), key, algorithms=["ES256"])


class WalletApi:
    """GET/POST /wallet/v1/login and the consents API, with JWSs made here with joserfc."""

    def __init__(self, issuer: str):
        self.issuer = issuer

    def transaction(self, ticket: str, qt: Optional[str] = None, qa: Optional[str] = None) -> requests.Response:
        """The wallet's view of a login: with `qt` and `qa`, as a scanned QR code names it."""
        params = {k: v for k, v in (("t", ticket), ("qt", qt), ("qa", qa)) if v is not None}
        return requests.get(f"{self.issuer}/wallet/v1/login", params=params, timeout=30)

    def view(self, wallet_uri: str) -> requests.Response:
        """The view of what a wallet URI names (its t, and qt/qa for a QR code's content)."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(wallet_uri).query).items()}
        return self.transaction(query["t"], query.get("qt"), query.get("qa"))

    def post_decision(self, ticket: str, approval: str, request: Optional[str] = None, **fields) -> requests.Response:
        """POST an approval (a same-device one may carry the link's `r` as `request`); `fields`
        go beside it in the body (`password`, `face_image`)."""
        body = {"ticket": ticket, "approval": approval}
        if request is not None:
            body["request"] = request
        body.update({k: v for k, v in fields.items() if v is not None})
        return requests.post(f"{self.issuer}/wallet/v1/login", json=body, timeout=30)

    def approval_payload(self, transaction: dict, *, decision: str = "approve", consent=None, **changes) -> dict:
        payload = {
            "aud": self.issuer,
            "purpose": "login",
            "sid": transaction["transaction_id"],
            "nonce": transaction["nonce"],
            "iat": int(time.time()),
            "decision": decision,
            "consent": list(transaction["claims"]) if consent is None else list(consent),
        }
        payload.update(changes)
        return {k: v for k, v in payload.items() if v is not None}

    def approval(self, holder: Holder, transaction: dict, **options) -> str:
        return sign_wallet_jws(holder.key(), holder.certificate_der(), self.approval_payload(transaction, **options))

    def api_auth(self, holder: Holder, method: str, path: str, **changes) -> dict:
        payload = {
            "aud": self.issuer, "purpose": "wallet-api", "htm": method, "htu": path, "iat": int(time.time()),
            "jti": secrets.token_urlsafe(16),
        }
        payload.update(changes)
        payload = {k: v for k, v in payload.items() if v is not None}
        return {"Authorization": "CyberID-Wallet " + sign_wallet_jws(holder.key(), holder.certificate_der(), payload)}

    def consents(self, holder: Holder) -> requests.Response:
        path = "/wallet/v1/consents"
        return requests.get(self.issuer + path, headers=self.api_auth(holder, "GET", path), timeout=30)

    def withdraw(self, holder: Holder, client_id: str) -> requests.Response:
        path = f"/wallet/v1/consents/{client_id}"
        return requests.delete(self.issuer + path, headers=self.api_auth(holder, "DELETE", path), timeout=30)

    def lifecycle(self, holder: Holder, body: dict) -> requests.Response:
        """`POST /wallet/v1/lifecycle` with `body`, the header binding it (bdh)."""
        return self.signed_post(holder, "/wallet/v1/lifecycle", body)

    def signed_get(self, holder: Holder, path: str) -> requests.Response:
        """A wallet-signed `GET path` (e.g. `/wallet/v1/history`)."""
        return requests.get(self.issuer + path, headers=self.api_auth(holder, "GET", path), timeout=30)

    def signed_post(self, holder: Holder, path: str, body: dict) -> requests.Response:
        """A wallet-signed `POST path` with the JSON `body`, the header binding it (bdh)."""
        data = json.dumps(body).encode()
        digest = b64url(hashlib.sha256(data).digest())
        headers = {**self.api_auth(holder, "POST", path, bdh=digest), "Content-Type": "application/json"}
        return requests.post(self.issuer + path, data=data, headers=headers, timeout=30)

    # The network-identity password and in-person codes (issue 17) --------------------------

    def password_status(self, holder: Holder) -> requests.Response:
        """`GET /wallet/v1/password`: {"set", "locked"}."""
        path = "/wallet/v1/password"
        return requests.get(self.issuer + path, headers=self.api_auth(holder, "GET", path), timeout=30)

    def set_password(self, holder: Holder, password: str, current: Optional[str] = None) -> requests.Response:
        """`POST /wallet/v1/password`: sets the first password, or changes it with `current`."""
        body = {"password": password}
        if current is not None:
            body["current_password"] = current
        return self.signed_post(holder, "/wallet/v1/password", body)

    def make_code(self, holder: Holder, disclose=()) -> requests.Response:
        """`POST /wallet/v1/codes` {"disclose": [...]}: an in-person verification code."""
        return self.signed_post(holder, "/wallet/v1/codes", {"disclose": list(disclose)})


def return_url_of(page: LoginPage, answer: requests.Response) -> str:
    """The continue URL with the response code of a same-device approval's answer (§5): the
    only way that login goes on."""
    assert answer.status_code == 200, (answer.status_code, answer.text)
    body = answer.json()
    assert body.get("status") == "approved", body
    assert isinstance(body.get("response_code"), str) and body["response_code"], f"no response_code: {body}"
    return page.return_url_with(body["response_code"])


def self_made_credentials(network_number: str) -> tuple[ECKey, bytes]:
    """A P-256 key and a self-signed certificate that looks like a network certificate."""
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.SERIAL_NUMBER, network_number)])
    now = dt.datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CyberID Issuing CA")]))
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(private, hashes.SHA256())
    )
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return ECKey.import_key(pem), certificate.public_bytes(serialization.Encoding.DER)



# --------------------------------------------------------------------------------------
# Enrolling with a known phone and document (device replacement, face checks)
# --------------------------------------------------------------------------------------


@dataclass
class DevDocument:
    """A `cyberid dev document` directory (DG1/DG2/DG15/SOD + the chip key) under the trusted CSCA."""

    directory: Path
    surname: str
    given_names: str
    birth_date: dt.date

    @property
    def portrait(self) -> bytes:
        """DG2 as the chip holds it: what the service passes to a face matcher as the portrait."""
        return (self.directory / "DG2.bin").read_bytes()


@dataclass
class BoundHolder(Holder):
    """A Holder that also knows the phone number bound at enrollment."""

    phone: str = ""


def make_dev_document(deployment: Deployment, label: str, *, birth_date: dt.date) -> DevDocument:
    """The first half of `Deployment.enroll`: a document signed under the trusted dev CSCA."""
    directory = deployment.scratch / f"doc-{label}-{uuid.uuid4().hex[:6]}"
    directory.mkdir()
    # Reusing a directory's csca.pem + csca-private-key.pem makes the document under that CSCA.
    for name in ("csca.pem", "csca-private-key.pem"):
        shutil.copy2(deployment.csca_dir / name, directory / name)
    surname, given = "Q" + deployment._letters(7), "X" + deployment._letters(5)
    result = deployment.cli(
        "dev", "document", "--out", str(directory), "--surname", surname, "--given-names", given,
        "--birth-date", birth_date.isoformat(), "--document-number", "E" + deployment._digits(8),
        "--personal-number", "1101" + deployment._digits(10),
    )
    assert result.returncode == 0, (result.stdout, result.stderr)
    return DevDocument(directory, surname, given, birth_date)


def random_phone(deployment: Deployment) -> str:
    return "+86139" + deployment._digits(8)


def enroll_bound(
    deployment: Deployment,
    label: str,
    *,
    birth_date: Optional[dt.date] = None,
    document: Optional[DevDocument] = None,
    guardian: Optional[Holder] = None,
    face: Optional[Path] = None,
    password: Optional[str] = None,
) -> BoundHolder:
    """`cyberid dev document` + `cyberid wallet enroll` (what `Deployment.enroll` runs), keeping the
    phone (and optionally enrolling a given document, sending a face image with `--face`, or
    setting the network-identity password with `--password-stdin`)."""
    if document is None:
        assert birth_date is not None
        document = make_dev_document(deployment, label, birth_date=birth_date)
    phone = random_phone(deployment)
    wallet = deployment.scratch / f"wallet-{label}-{uuid.uuid4().hex[:6]}.json"
    args = [
        "wallet", "enroll", "--document", str(document.directory), "--phone", phone,
        "--server", deployment.server.base, "--wallet", str(wallet),
    ]
    if guardian is not None:
        args += ["--guardian-wallet", str(guardian.wallet)]
    if face is not None:
        args += ["--face", str(face)]
    if password is not None:
        args.append("--password-stdin")
    result = deployment.cli(*args, input=None if password is None else password + "\n")
    assert result.returncode == 0, (result.stdout, result.stderr)
    shown = deployment.cli_json("wallet", "show", "--wallet", str(wallet), "--json")
    assert re.search(r"network number: (\S+)", result.stdout).group(1) == shown["network_number"], result.stdout
    return BoundHolder(
        label=label, wallet=wallet, network_number=shown["network_number"],
        assurance_level=shown["assurance_level"], surname=document.surname, given_names=document.given_names,
        birth_date=document.birth_date, document_dir=document.directory, phone=phone,
    )


def replace_device(
    deployment: Deployment,
    holder: BoundHolder,
    *,
    phone: Optional[str] = None,
    document: Optional[Path] = None,
    guardian: Optional[Holder] = None,
    face: Optional[Path] = None,
) -> tuple[subprocess.CompletedProcess, Path]:
    """`cyberid wallet replace` with the holder's document and bound phone (unless overridden);
    returns the CLI result and the path of the new wallet file (written only on success)."""
    wallet = deployment.scratch / f"wallet-{holder.label}-replaced-{uuid.uuid4().hex[:6]}.json"
    args = [
        "wallet", "replace", "--document", str(document or holder.document_dir), "--phone", phone or holder.phone,
        "--server", deployment.server.base, "--wallet", str(wallet),
    ]
    if guardian is not None:
        args += ["--guardian-wallet", str(guardian.wallet)]
    if face is not None:
        args += ["--face", str(face)]
    return deployment.cli(*args), wallet


def replaced_holder(deployment: Deployment, holder: BoundHolder, **options) -> BoundHolder:
    """A successful `replace_device`: the same holder with the new wallet file."""
    import dataclasses

    result, wallet = replace_device(deployment, holder, **options)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert wallet.is_file(), result.stdout
    return dataclasses.replace(holder, wallet=wallet)


# --------------------------------------------------------------------------------------
# A platform's Security Event Token receiver
# --------------------------------------------------------------------------------------


class SetReceiver(LoopbackServer):
    """A platform's events endpoint (RFC 8935 push): records every SET it accepts; refuses the
    first `fail` deliveries with 503 (to see the service retry); answers each push only after
    `delay` seconds (a slow platform)."""

    def __init__(self, fail: int = 0, delay: float = 0):
        self.received: list[tuple[str, str]] = []
        self.refused = 0
        self.fail = fail
        receiver = self

        class Handler(QuietHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                time.sleep(delay)
                if receiver.refused < receiver.fail:
                    receiver.refused += 1
                    self.reply(503)
                else:
                    receiver.received.append((self.headers.get("Content-Type", ""), body))
                    self.reply(202)

        super().__init__(Handler)
        self.url = self.origin + "/events"

    def wait(self, count: int, timeout: float = 20) -> list[tuple[str, str]]:
        """Waits until `count` SETs arrived (or the timeout); returns what arrived."""
        deadline = time.time() + timeout
        while len(self.received) < count and time.time() < deadline:
            time.sleep(0.2)
        return self.received

    def wait_for(self, predicate, timeout: float = 20) -> list:
        """Waits for SETs that satisfy `predicate`; returns them ([] at the timeout)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [item for item in list(self.received) if predicate(item)]
            if found:
                return found
            time.sleep(0.2)
        return []
