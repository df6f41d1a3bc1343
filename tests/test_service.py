import json
import re

import jsonschema
import pytest

from detector.settings import Settings
from service.app import create_app
from service.openapi import openapi_document
from tests.conftest import FRENCH
from tests.fixture_corpus import fixture_articles
from tests.test_detector import SPUN


def make_client(tiny_model, **settings):
    app = create_app(Settings(model_path=str(tiny_model), **settings))
    return app.test_client()


@pytest.fixture(scope="module")
def client(tiny_model):
    return make_client(tiny_model, max_documents=50, max_body_bytes=200_000, max_document_chars=20_000)


def validate(response, path, method="get"):
    """Check a real response against the OpenAPI document's schema for it."""
    document = openapi_document()
    spec = document["paths"][path][method]["responses"][str(response.status_code)]
    schema = next(iter(spec["content"].values()))["schema"]
    resolver_schema = {**schema, "components": document["components"]}
    jsonschema.validate(response.get_json(), resolver_schema)


def analyze(client, body, **kwargs):
    return client.post("/v1/analyze", data=json.dumps(body), content_type="application/json", **kwargs)


def test_analyze_happy_path(client):
    response = analyze(client, {"documents": [{"id": "a1", "text": SPUN, "language": "en"}],
                                "return_spans": True, "thresholds": {"spun_text": 0.7, "machine_paraphrase": 0.9},
                                "client_token": "req-42"})
    assert response.status_code == 200
    body = response.get_json()
    validate(response, "/v1/analyze", "post")
    assert body["client_token"] == "req-42" and body["errors"] == []
    result = body["results"][0]
    assert result["id"] == "a1" and result["thresholds"] == {"spun_text": 0.7, "machine_paraphrase": 0.9}
    for category, threshold in result["thresholds"].items():
        too_short = category == "spun_text" and "too_short_to_tell" in result["signals"]
        assert result["categories"][category] == (result["category_scores"][category] >= threshold and not too_short)
    assert result["signals"]["too_short_to_tell"] == 1  # one swap in a sentence: scored, not flagged
    assert result["spans"][0]["likely_original"] == "officials"
    assert SPUN[result["spans"][0]["begin"]:result["spans"][0]["end"]] == result["spans"][0]["text"]


def test_bad_documents_fail_alone(client):
    documents = [{"id": "ok", "text": SPUN}, {"id": "empty", "text": "  "}, {"id": "long", "text": "a " * 20_000},
                 {"id": "num", "text": 42}, {"id": "ok", "text": SPUN}, {"text": "no id"},
                 {"id": "fr", "text": FRENCH}, {"id": "de", "text": SPUN, "language": "de"}]
    response = analyze(client, {"documents": documents, "return_spans": False})
    assert response.status_code == 200
    validate(response, "/v1/analyze", "post")
    body = response.get_json()
    assert [r["id"] for r in body["results"]] == ["ok", "fr"]
    assert body["results"][0]["spans"] == []
    assert body["results"][1]["supported"] is False
    codes = {(e["id"], e["code"]) for e in body["errors"]}
    assert codes == {("empty", "empty_text"), ("long", "too_long"), ("num", "not_a_string"),
                     ("ok", "duplicate_id"), (None, "invalid_id"), ("de", "unsupported_language")}


@pytest.mark.parametrize("data, content_type, status, code", [
    ("{not json", "application/json", 400, "malformed_json"),
    ('{"documents": []}', "text/plain", 415, "unsupported_media_type"),
    ('{"documents": []}', "application/json", 422, "invalid_request"),
    ('{"documents": [{"id": "a", "text": "x"}], "extra": 1}', "application/json", 422, "invalid_request"),
    ('{"documents": [{"id": "a", "text": "x"}], "thresholds": {"spun_text": 3}}', "application/json", 422,
     "invalid_request"),
    ('[1, 2]', "application/json", 422, "invalid_request"),
    ("[" * 10_000 + "]" * 10_000, "application/json", 400, "malformed_json"),
    (b"\x89PNG\r\n\x1a\n\x00\xff\xfe", "application/json", 400, "malformed_json"),
], ids=["malformed", "content-type", "empty-batch", "unknown-field", "bad-threshold", "not-object", "nested",
        "binary"])
def test_request_errors(client, data, content_type, status, code):
    response = client.post("/v1/analyze", data=data, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    validate(response, "/v1/analyze", "post")


def test_limits(client):
    too_many = {"documents": [{"id": str(i), "text": "hello"} for i in range(51)]}
    response = analyze(client, too_many)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "too_many_documents"
    huge = client.post("/v1/analyze", data=b"x" * 300_000, content_type="application/json")
    assert huge.status_code == 413 and huge.get_json()["error"]["code"] == "body_too_large"
    validate(huge, "/v1/analyze", "post")


def test_operations_routes(client):
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200
        validate(response, path)
    models = client.get("/v1/models")
    validate(models, "/v1/models")
    bands = models.get_json()["models"][0]["thresholds"]["spun_text"]
    assert bands[0]["min_words"] == 0 and all(0.5 <= band["threshold"] <= 1 for band in bands)
    analyze(client, {"documents": [{"id": "m", "text": SPUN}]})
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'spun_requests_total{route="/v1/analyze",status="200"}' in metrics
    assert "spun_request_seconds_bucket" in metrics and "spun_documents_scored_total" in metrics
    page = client.get("/")
    assert page.status_code == 200 and b"Analyze" in page.data
    assert client.get("/static/page.js").status_code == 200


def test_openapi_document_covers_every_route(client):
    from openapi_spec_validator import validate as validate_spec

    document = client.get("/openapi.json").get_json()
    validate_spec(document)
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in client.application.url_map.iter_rules()
              if not rule.rule.startswith("/static")}
    assert routes == set(document["paths"])


def test_openapi_document_states_the_configured_limits(client):
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    documents = schemas["AnalyzeRequest"]["properties"]["documents"]
    assert documents["maxItems"] == 50 and documents["minItems"] == 1
    assert schemas["Document"]["properties"]["text"]["maxLength"] == 20_000
    assert schemas["Document"]["properties"]["id"]["maxLength"] == 256
    over = analyze(client, {"documents": [{"id": "x", "text": "a " * 10_001}]}).get_json()
    assert over["errors"][0]["code"] == "too_long"  # the limit the document states is the one applied


def test_api_keys(tiny_model, tmp_path):
    key_file = tmp_path / "keys"
    key_file.write_text("second-key\n")
    client = make_client(tiny_model, api_keys="first-key", api_keys_file=str(key_file))
    body = {"documents": [{"id": "a", "text": SPUN}]}
    assert analyze(client, body).status_code == 401
    assert analyze(client, body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert analyze(client, body, headers={"Authorization": "Bearer first-key"}).status_code == 200
    assert analyze(client, body, headers={"Authorization": "Bearer second-key"}).status_code == 200
    assert client.get("/v1/models").status_code == 401
    assert client.get("/healthz").status_code == 200


def test_text_is_not_logged(tiny_model, caplog):
    client = make_client(tiny_model)
    secret = "The confidential merger of Acme officials with the assembly."
    with caplog.at_level("DEBUG"):
        analyze(client, {"documents": [{"id": "s", "text": secret}]})
    assert "confidential" not in caplog.text


@pytest.mark.integration
def test_gunicorn_serves_the_app(tiny_model):
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "SPUN_DETECTOR_MODEL_PATH": str(tiny_model), "SPUN_DETECTOR_TORTURED_PHRASES": ""}
    server = subprocess.Popen([sys.executable, "-m", "detector.cli", "serve", "--port", str(port), "--workers", "2"],
                              env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                    assert json.loads(response.read())["status"] == "ready"
                    break
            except OSError:
                assert time.time() < deadline, "gunicorn did not become ready"
                time.sleep(0.3)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/analyze", headers={"Content-Type": "application/json"},
                                         data=json.dumps({"documents": [{"id": "g", "text": SPUN}]}).encode())
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read())["results"][0]["spans"][0]["likely_original"] == "officials"
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_a_lone_surrogate_fails_alone(client):
    body = '{"documents": [{"id": "ok", "text": "%s"}, {"id": "bad", "text": "broken \\ud800 text"}]}' % SPUN
    response = client.post("/v1/analyze", data=body, content_type="application/json")
    assert response.status_code == 200
    result = response.get_json()
    assert [r["id"] for r in result["results"]] == ["ok"]
    assert [(e["index"], e["id"], e["code"]) for e in result["errors"]] == [(1, "bad", "invalid_unicode")]


def test_a_lone_surrogate_in_a_reference_batch_fails_alone(tiny_model, tmp_path):
    client = make_client(tiny_model, index=str(tmp_path / "refs.db"))
    text = fixture_articles(1, seed=12)[0]
    body = '{"documents": [{"id": "bad", "text": "x \\udc00 y"}, {"id": "good", "text": %s}]}' % json.dumps(text)
    response = client.post("/v1/references", data=body, content_type="application/json").get_json()
    assert response["added"] == 1 and [(e["index"], e["code"]) for e in response["errors"]] == [(0, "invalid_unicode")]
    assert client.get("/v1/references/stats").get_json()["documents"] == 1


def test_command_line_and_http_give_the_same_codes(client, tmp_path, tiny_model):
    from detector.cli import main

    documents = [{"id": "no-text"}, {"id": 7, "text": SPUN}, {"id": "num", "text": 42}, {"id": "empty", "text": ""}]
    http = analyze(client, {"documents": documents}).get_json()["errors"]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in documents))
    output = tmp_path / "out.jsonl"
    assert main(["score", str(source), "-o", str(output), "--model", str(tiny_model), "--quiet"]) == 0
    command_line = [json.loads(line)["error"] for line in output.read_text().splitlines()]
    assert [e["code"] for e in http] == [e["code"] for e in command_line] == [
        "missing_text", "invalid_id", "not_a_string", "empty_text"]
    assert [e["index"] for e in http] == [0, 1, 2, 3]


def test_method_not_allowed_names_the_allowed_methods(client):
    response = client.get("/v1/analyze")
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"POST"}


def test_a_request_over_the_character_budget_is_refused(tiny_model):
    client = make_client(tiny_model, max_request_chars=30_000, max_document_chars=20_000)
    documents = [{"id": str(k), "text": "word " * 3_000} for k in range(3)]  # 15,000 characters each
    response = analyze(client, {"documents": documents})
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_many_characters"
    assert analyze(client, {"documents": documents[:2]}).status_code == 200


def test_models_reload_needs_an_admin_key_and_swaps_in_process(tiny_model, tmp_path):
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(tiny_model, folder)
    client = make_client(folder, admin_keys="admin-key")
    before = client.get("/v1/models").get_json()["models"][0]
    assert before["path"] == str(folder) and before["loaded_at"]
    assert client.post("/v1/models/reload").status_code == 401
    assert client.post("/v1/models/reload", headers={"Authorization": "Bearer wrong"}).status_code == 401
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, "version": "9.9.9"}))
    response = client.post("/v1/models/reload", headers={"Authorization": "Bearer admin-key"})
    assert response.status_code == 200 and response.get_json() == {"status": "reloaded", "model_version": "9.9.9"}
    assert client.get("/v1/models").get_json()["models"][0]["version"] == "9.9.9"
    validate(response, "/v1/models/reload", "post")
    disabled = make_client(folder).post("/v1/models/reload", headers={"Authorization": "Bearer admin-key"})
    assert disabled.status_code == 403 and disabled.get_json()["error"]["code"] == "administration_disabled"


def test_a_model_that_cannot_be_loaded_leaves_the_old_one_answering(tiny_model, tmp_path):
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(tiny_model, folder)
    client = make_client(folder, admin_keys="admin-key")
    (folder / "manifest.json").write_text("{broken")
    response = client.post("/v1/models/reload", headers={"Authorization": "Bearer admin-key"})
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "model_not_loaded"
    assert analyze(client, {"documents": [{"id": "a", "text": SPUN}]}).status_code == 200
