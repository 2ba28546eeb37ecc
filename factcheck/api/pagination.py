"""Cursor pagination on the primary key: stable under inserts and deletes (a cursor names
a position, not a row, so the row it came from may be gone), one query per page whatever
the table's size (no COUNT), newest first."""

from __future__ import annotations

from django.conf import settings
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "-id"
    page_size_query_param = "page_size"
    invalid_cursor_message = "cursor: not a cursor this API gave out (copy the `next` or `previous` link whole)."

    def __init__(self) -> None:
        # Read at each request (settings can change in tests and by environment).
        self.page_size = settings.API_PAGE_SIZE
        self.max_page_size = settings.API_MAX_PAGE_SIZE

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            # A bad parameter is the client's error: 400, naming it (DRF answers 404).
            raise exceptions.ValidationError({"cursor": [self.invalid_cursor_message]}) from None
