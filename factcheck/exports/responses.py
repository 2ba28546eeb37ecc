"""One streamed response for both faces (the search page's Export menu and the API)."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.utils import timezone

from factcheck.exports.selectors import Export
from factcheck.exports.writers import FORMATS, WRITERS


def streamed(export: Export, fmt: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(WRITERS[fmt](export.columns, export.rows, export.safe), content_type=FORMATS[fmt])
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="{export.kind}-{stamp}.{fmt}"'
    # Never cached: an export is what the user may see now, under their own filters.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
