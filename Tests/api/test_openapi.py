"""The OpenAPI document (issue 13): served at GET /openapi.json, valid OpenAPI 3.1, and true of
the running server: schemathesis sends every documented operation a bounded number of
generated requests (CYBERID_SCHEMATHESIS_EXAMPLES per operation and phase, default 25) and
checks each answer: no 5xx, a documented status and content type, a body that matches the
document's schema — so every error is the documented problem+json or OAuth error JSON.

schemathesis runs as its CLI (`schemathesis run`, 4.x; written against 4.32.5) in a
subprocess, with schemathesis_hooks.py seeding real state (conftest.py `seed`). The number of
requests is counted by the server itself (its request log) and printed at the end of the run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
REQUEST_LINE = re.compile(rb"\bhttp\.status=\d{3}\b")

openapi_spec_validator = pytest.importorskip("openapi_spec_validator")


def fetch_document(base: str) -> dict:
    try:
        with urllib.request.urlopen(base + "/openapi.json", timeout=30) as answer:
            assert answer.headers.get_content_type() == "application/json", answer.headers
            return json.loads(answer.read())
    except urllib.error.HTTPError as error:
        raise AssertionError(f"GET /openapi.json answered {error.code}: {error.read()[:300]!r}")


@pytest.fixture(scope="module")
def document(server) -> dict:
    return fetch_document(server.base)


def served_requests(server) -> int:
    """How many requests the server has answered (one `http.status=` log line each)."""
    return len(REQUEST_LINE.findall(server.logs()))


def test_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1."), document["openapi"]
    openapi_spec_validator.validate(document)


def test_every_operation_documents_its_errors(document):
    """Every error answer references the shared Problem or OAuthError schema (directly or
    through a shared response), and every operation has an operationId."""
    responses = document["components"]["responses"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation.get("operationId"), (method, path)
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                if "$ref" in response:
                    response = responses[response["$ref"].rsplit("/", 1)[1]]
                schemas = {json.dumps(media["schema"]) for media in response.get("content", {}).values()}
                assert schemas and schemas <= {
                    '{"$ref": "#/components/schemas/Problem"}', '{"$ref": "#/components/schemas/OAuthError"}'
                }, (method, path, status, schemas)


def test_schemathesis(server, seed, document, tmp_path, summary_lines):
    if shutil.which("schemathesis") is None and shutil.which("st") is None:
        pytest.skip("schemathesis is not installed (python3 -m pip install schemathesis)")
    examples = int(os.environ.get("CYBERID_SCHEMATHESIS_EXAMPLES", "25"))
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document))
    report = tmp_path / "report.json"
    # One worker: on Python 3.11, Hypothesis fails ("AST constructor recursion depth mismatch")
    # when several workers build strategies at once.
    command = [
        shutil.which("schemathesis") or shutil.which("st"), "run", str(spec), "--url", server.base,
        "--checks", CHECKS, "--max-examples", str(examples), "--generation-database", "none",
        "--workers", "1", "--request-timeout", "30", "--no-color", "--report", "json", "--report-json-path", str(report),
    ]
    if os.environ.get("CYBERID_SCHEMATHESIS_SEED"):
        command += ["--seed", os.environ["CYBERID_SCHEMATHESIS_SEED"]]
    env = dict(os.environ)
    env["SCHEMATHESIS_HOOKS"] = "schemathesis_hooks"
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["CYBERID_API_SEED"] = str(seed.write(tmp_path / "seed.json"))

    before = served_requests(server)
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800, stdin=subprocess.DEVNULL)
    requests_made = served_requests(server) - before
    output = result.stdout + result.stderr
    assert report.is_file(), output[-5000:]
    summary = json.loads(report.read_text())
    operations = summary["operations"]
    line = (
        f"schemathesis: {operations['tested']}/{operations['total']} operations, "
        f"{summary['test_cases']['generated']} test cases, {requests_made} requests answered by the server, "
        f"{len(summary['failures'])} failures, seed {summary['seed']}, {examples} examples"
    )
    summary_lines.append(line)
    # The stateful phase follows the document's links (and those schemathesis infers).
    links = re.search(r"API Links:\s+(.+)", output)
    if links:
        summary_lines.append("schemathesis stateful: API links " + links.group(1).strip())
    assert server.alive(), "the server died during the run"
    assert result.returncode == 0 and not summary["failures"] and not summary["errors"], output[-20000:]
    assert operations["tested"] == operations["total"] == sum(len(item) for item in document["paths"].values()), operations
