"""The request body: JSON in UTF-8, bounded, every way it can be unreadable told in words
(the same "malformed JSON (...)" reason as every other face: factcheck.core.lines)."""

from __future__ import annotations

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

from factcheck.core.lines import BadLine, loads


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise BodyTooLarge(f"The request body is over the limit of {limit:,} bytes.")
        raw = raw.removeprefix(b"\xef\xbb\xbf")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise exceptions.ParseError(
                f"The request body is not UTF-8 (byte 0x{raw[exc.start]:02x} at byte {exc.start + 1:,}); "
                "send JSON encoded as UTF-8."
            ) from None
        if not text.strip():
            raise exceptions.ParseError("The request body is empty; send a JSON object.")
        data = loads(text)
        if isinstance(data, BadLine):
            raise exceptions.ParseError(f"The request body is {data.reason}.")
        if not isinstance(data, dict):
            raise exceptions.ParseError("The request body must be a JSON object ({...}).")
        return data
