"""How the workspace's pages answer: one place that turns a service's refusal into a response.

Services raise `factcheck.core.errors.ApplicationError` (or a subclass) with a message for
people and the HTTP status it means; views catch that one family and hand it to `refused`:

- the reader's script (which asks with `Accept: application/json`) gets
  `{"ok": false, "message": ...}` with `exc.status`, plus the form's errors when there is a form;
- a page gets the message as a flash message and either a re-render (`rerender`, with the form
  and what the editor typed, at `exc.status`) or a redirect (post/redirect/get);
- `NotAllowed` (403) is a 403 page, as when the access helpers refuse.

A stale save (`StaleEdit`) also goes through `refused`; `stale_changes` compares what the
editor typed with the stored values it carries, for the "yours / stored" table of the claim
page and the `changes` of the reader's JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from factcheck.core.errors import ApplicationError, StaleEdit


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def form_errors_json(form) -> dict[str, list[str]]:
    """A bound form's errors keyed by the prefixed field name the page uses ("__all__" for the rest)."""
    return {
        (form.add_prefix(name) if name != "__all__" else "__all__"): [str(e) for e in errors]
        for name, errors in form.errors.items()
    }


def form_errors_text(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def done(request: HttpRequest, message: str, *, redirect_to: str, data: dict | None = None) -> HttpResponse:
    """Success: JSON for the script, or a flash message and a redirect."""
    if wants_json(request):
        return JsonResponse({"ok": True, "message": message, **(data or {})})
    messages.success(request, message)
    return redirect(redirect_to)


def invalid(
    request: HttpRequest, form, *, message: str, rerender: Callable[..., HttpResponse] | None = None, redirect_to=""
):
    """A form that did not validate: 400 with its errors (JSON), or the page again with them."""
    if wants_json(request):
        return JsonResponse({"ok": False, "message": message, "errors": form_errors_json(form)}, status=400)
    messages.error(request, message)
    if rerender is not None:
        return rerender(status=400)
    return redirect(redirect_to)


def refused(
    request: HttpRequest,
    exc: ApplicationError,
    *,
    redirect_to: str = "",
    rerender: Callable[..., HttpResponse] | None = None,
    form=None,
    field: str | None = None,
    message: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The one answer to an ApplicationError.

    `form`: the bound form the refusal is about; the message is added to it, on `exc.field`
    when the form has that field, else on `field` (else to the form as a whole).
    `message` replaces the exception's own in the flash message and JSON (a page that words
    a stale save its own way). `data` is merged into the JSON answer.
    """
    text = message or exc.message
    if form is not None:
        name = exc.field if exc.field in form.fields else field
        form.add_error(name if name in form.fields else None, exc.message)
    if wants_json(request):
        payload = {"ok": False, "message": text, **(data or {})}
        if form is not None:
            payload["errors"] = form_errors_json(form)
        return JsonResponse(payload, status=exc.status)
    if exc.status == 403:
        raise PermissionDenied(text)
    messages.error(request, text)
    if rerender is not None:
        return rerender(status=exc.status)
    return redirect(redirect_to)


# --- Stale saves -------------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, models.Model) or isinstance(b, models.Model):
        return getattr(a, "pk", a) == getattr(b, "pk", b)
    return (a if a is not None else "") == (b if b is not None else "")


def stale_changes(exc: StaleEdit, typed: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """{field: (yours, stored)} for each field the refused action writes where what the editor
    typed (`typed`, keyed by model field name) differs from the value stored now."""
    stored = exc.stored
    return {
        name: (typed[name], stored[name]) for name in stored if name in typed and not _same(typed[name], stored[name])
    }


def show(value: Any, *, empty: str = "—") -> str:
    """A value as the stale-edit table and message show it."""
    if value is None or value == "":
        return empty
    return str(value)


def _quoted(value: Any) -> str:
    text = show(value, empty="")
    if not text:
        return "(empty)"
    return f"“{text[:80]}…”" if len(text) > 80 else f"“{text}”"


def stale_message(exc: StaleEdit, changes: Mapping[str, tuple[Any, Any]]) -> str:
    """The reader's one-line account of a stale save: each field, yours and stored."""
    noun = exc.obj._meta.verbose_name
    parts = [f"{name}: yours {_quoted(yours)}, stored {_quoted(stored)}" for name, (yours, stored) in changes.items()]
    changed = "; ".join(parts) if parts else "its version"
    return (
        f"Not saved: someone else changed this {noun} after you opened it ({changed}). "
        "Check the current version below; your own values are kept so you can save again."
    )
