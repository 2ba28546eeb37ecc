"""The OpenAPI 3 document: served at a fixed URL, valid by the OpenAPI 3.0 schema, and
describing what the endpoints really answer (each response checked against it)."""

from __future__ import annotations

import copy

import jsonschema
import pytest
from drf_spectacular.validation import validate_schema

from factcheck.alerts.models import RepeatAlert
from factcheck.claims.models import Workflow

from ..factories import ClaimFactory, ClaimLinkFactory, EvidenceFactory
from .conftest import Api, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(checker) -> dict:
    response = Api(token_for(checker)).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_the_document_is_valid_openapi_3(document):
    assert document["openapi"].startswith("3.")
    validate_schema(document)  # raises on any violation of the OpenAPI 3.0 schema
    paths = set(document["paths"])
    for path in (
        "/api/v1/articles/",
        "/api/v1/articles/{id}/",
        "/api/v1/articles/{id}/extraction/",
        "/api/v1/claims/",
        "/api/v1/quotes/",
        "/api/v1/speakers/",
        "/api/v1/links/claims/",
        "/api/v1/links/quotes/",
        "/api/v1/factchecks/",
        "/api/v1/alerts/",
        "/api/v1/alerts/{id}/",
        "/api/v1/alerts/{id}/acknowledge/",
        "/api/v1/tokens/",
    ):
        assert path in paths
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    names = {p["name"] for p in document["paths"]["/api/v1/claims/"]["get"]["parameters"]}
    assert {"q", "outlet", "date_from", "date_to", "speaker", "status", "workflow", "verdict"} <= names
    assert {"score_min", "score_max", "link_state", "cursor", "page_size"} <= names
    names = {p["name"] for p in document["paths"]["/api/v1/alerts/"]["get"]["parameters"]}
    assert {"acknowledged", "since", "until", "outlet", "cursor", "page_size"} <= names
    # Two choice sets called `state` keep readable names (not drf-spectacular's hashed fallback).
    schemas = document["components"]["schemas"]
    assert schemas["AlertStateEnum"]["enum"] == ["open", "acknowledged"]
    assert schemas["StateEnum"]["enum"] == ["suggested", "confirmed", "dismissed"]


def test_the_schema_needs_a_token_or_a_session(client, checker):
    assert Api().get("/api/schema/").status_code == 401
    client.force_login(checker)
    assert client.get("/api/schema/").status_code == 200


def _json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema's null type, so jsonschema can check responses."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def check(document: dict, path: str, method: str, status: int, body) -> None:
    operation = document["paths"][path][method]
    schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    whole = {**_json_schema(copy.deepcopy(schema)), "components": _json_schema(document["components"])}
    jsonschema.validate(body, whole, cls=jsonschema.Draft202012Validator)


def test_responses_match_the_document(document, checker, editor, article, claim, quote, pair):
    published = ClaimFactory(labelled=True, workflow=Workflow.PUBLISHED, claimant_text="Jane")
    EvidenceFactory(claim=published)
    link = ClaimLinkFactory(a=pair[0], b=pair[1])
    api = Api(token_for(checker, "read", "submit"))
    calls = [
        ("/api/v1/articles/", "/api/v1/articles/", 200),
        ("/api/v1/articles/{id}/", f"/api/v1/articles/{article.pk}/", 200),
        ("/api/v1/articles/{id}/extraction/", f"/api/v1/articles/{article.pk}/extraction/", 200),
        ("/api/v1/claims/", "/api/v1/claims/", 200),
        ("/api/v1/claims/{id}/", f"/api/v1/claims/{published.pk}/", 200),
        ("/api/v1/quotes/", "/api/v1/quotes/", 200),
        ("/api/v1/quotes/{id}/", f"/api/v1/quotes/{quote.pk}/", 200),
        ("/api/v1/speakers/", "/api/v1/speakers/", 200),
        ("/api/v1/links/claims/", "/api/v1/links/claims/", 200),
        ("/api/v1/links/claims/{id}/", f"/api/v1/links/claims/{link.pk}/", 200),
        ("/api/v1/factchecks/", "/api/v1/factchecks/", 200),
        ("/api/v1/factchecks/{id}/", f"/api/v1/factchecks/{published.pk}/", 200),
        ("/api/v1/claims/", "/api/v1/claims/?score_min=2", 400),
        ("/api/v1/claims/{id}/", "/api/v1/claims/999999/", 404),
    ]
    for path, url, status in calls:
        response = api.get(url)
        assert response.status_code == status, url
        check(document, path, "get", status, response.json())
    created = api.post("/api/v1/articles/", {"body": "A new article: 40 tanks were lost, officials said."})
    check(document, "/api/v1/articles/", "post", 201, created.json())
    again = api.post("/api/v1/articles/", {"body": "A new article: 40 tanks were lost, officials said."})
    check(document, "/api/v1/articles/", "post", 200, again.json())
    refused = api.post("/api/v1/articles/", {"body": ""})
    check(document, "/api/v1/articles/", "post", 400, refused.json())
    # Repeat alerts: list, detail, acknowledge (first time and again), a refusal.
    alert = RepeatAlert.objects.create(claim=claim, checked_claim=published, probability=0.9)
    for path, url, status in (
        ("/api/v1/alerts/", "/api/v1/alerts/", 200),
        ("/api/v1/alerts/{id}/", f"/api/v1/alerts/{alert.pk}/", 200),
        ("/api/v1/alerts/", "/api/v1/alerts/?acknowledged=maybe", 400),
    ):
        response = api.get(url)
        assert response.status_code == status, url
        check(document, path, "get", status, response.json())
    for _ in range(2):
        acknowledged = api.post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {"note": "Seen"})
        assert acknowledged.status_code == 200
        check(document, "/api/v1/alerts/{id}/acknowledge/", "post", 200, acknowledged.json())
    # The check itself catches a response that strays from the document.
    with pytest.raises(jsonschema.ValidationError):
        check(document, "/api/v1/articles/{id}/extraction/", "get", 200, {"state": 3})
