"""One error family for every service.

Services raise a subclass of `ApplicationError` with a message written for the person
who asked (an editor, a reporter, an API client). Faces turn it into a response in one
place (`factcheck.review.responses` for the pages; the admin site and commands print the
message). Nothing else is caught by views: a bug stays a 500 with a traceback.

`status` is the HTTP status a face should answer with.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied


class ApplicationError(Exception):
    """A request the application refuses. `message` is for people; `field` names the form
    field it is about, when there is one."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ApplicationError, PermissionDenied):
    """The actor's role may not do this (403). Also a PermissionDenied, so that one
    escaping a face that forgot to handle it still answers 403, never 500."""

    status = 403


class Conflict(ApplicationError):
    """The object's current state does not allow this action (409)."""

    status = 409


class StaleEdit(Conflict):
    """Someone else saved this object after the editor opened it.

    `obj` is the row as stored now; `stored` maps each field the refused action would
    have written to its stored value, so a face can show "yours / stored" side by side.
    """

    def __init__(self, obj: Any, stored: dict[str, Any]):
        noun = obj._meta.verbose_name
        super().__init__(
            f"Not saved: someone else changed this {noun} after you opened it. "
            "Compare your version with the stored one, then save again."
        )
        self.obj = obj
        self.stored = stored
