"""Every refusal in one shape: `{"detail": "<a sentence>", "errors": {"<parameter>": [...]}}`.

A service's ApplicationError keeps its message and status (403, 409, 400 with the field it
is about); DRF's own refusals (401, 403, 404, 405, 415, 429) keep theirs; a validation error
names the parameter or field in `detail` as well as in `errors`."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from factcheck.core.errors import ApplicationError


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            for inner, messages in _flatten(value).items():
                name = key if inner == "non_field_errors" else f"{key}.{inner}"
                out.setdefault(name, []).extend(messages)
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {"non_field_errors": [str(item) for item in detail]}
        out = {}
        for item in detail:
            for key, messages in _flatten(item).items():
                out.setdefault(key, []).extend(messages)
        return out
    return {"non_field_errors": [str(detail)]}


def handler(exc, context):
    if isinstance(exc, RequestDataTooBig):  # Django's own limit, met when DRF reads the body
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = f"The request body is over the limit of {limit:,} bytes."
        return Response({"detail": detail}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, ApplicationError):
        body = {"detail": exc.message}
        if exc.field:
            body["errors"] = {exc.field: [exc.message]}
        return Response(body, status=exc.status)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        general = errors.pop("non_field_errors", [])
        parts = [f"{name}: {' '.join(msgs)}" for name, msgs in errors.items()] + general
        response.data = {"detail": " ".join(parts) or "Invalid input.", "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response
