"""The input rules every face shares: web addresses and publication dates.

One rule each, used by the forms, the services, the admin site and the importers, so a
value refused on one path is refused on every other with the same message.

`web_url` and `publication_date` / `parse_publication_date` are plain Python and raise
`ValueError` with a message for people (the importers, which know no Django, report it
as a problem line); `validate_web_url` and `validate_publication_date` are the same
rules as Django validators for form and model fields. Services turn the `ValueError`
into an `ApplicationError` naming the field. The module imports Django only inside the
validators, so the plain-Python readers (articles/intake.py, linking/claimreview.py)
stay free of it.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

URL_SCHEMES = ("http", "https")
URL_MAX_CHARS = 1000
# A publication date before this is a typo or a placeholder (0001-01-01), not a news
# article; after today (UTC) plus this slack is a typo or a placeholder (9999-12-31).
# The slack covers time zones ahead of UTC and an article dated for tomorrow's paper.
EARLIEST_PUBLICATION = datetime.date(1900, 1, 1)
FUTURE_SLACK = datetime.timedelta(days=2)

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# YYYY-MM-DD alone, or as the start of an ISO 8601 date-time (T or a space, then a time).
_ISO_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}.*)?$")


def web_url(value: str) -> str:
    """`value` stripped, if it is an http:// or https:// address with a host; else
    ValueError saying why. Any other scheme (ftp:, javascript:, data:, file:, mailto:)
    is refused: these addresses are shown to readers as links."""
    url = (value or "").strip()
    if not url:
        raise ValueError("The web address is empty.")
    if len(url) > URL_MAX_CHARS:
        raise ValueError(f"The web address is longer than {URL_MAX_CHARS:,} characters.")
    scheme = _SCHEME_RE.match(url)
    if scheme is None or scheme.group(1).lower() not in URL_SCHEMES:
        shown = f"“{scheme.group(1)}:”" if scheme else "no scheme"
        raise ValueError(
            f"Only http:// and https:// web addresses are accepted (this one has {shown}); "
            "enter an address such as https://example.org/report."
        )
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise ValueError("A web address cannot contain spaces or control characters.")
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    if not host:
        raise ValueError("The web address has no host name; enter an address such as https://example.org/report.")
    return url


def publication_date(value: datetime.date, *, today: datetime.date | None = None) -> datetime.date:
    """`value` if it is a plausible publication date; else ValueError saying why."""
    today = today or datetime.datetime.now(datetime.UTC).date()
    latest = today + FUTURE_SLACK
    if value < EARLIEST_PUBLICATION:
        raise ValueError(
            f"The publication date {value.isoformat()} is before {EARLIEST_PUBLICATION.year}; check the year."
        )
    if value > latest:
        raise ValueError(f"The publication date {value.isoformat()} is in the future; check the year.")
    return value


def parse_publication_date(value: object) -> datetime.date:
    """A publication date from text: YYYY-MM-DD, or an ISO 8601 date-time (its date),
    and nothing after it; then checked by `publication_date`. ValueError says why not."""
    if isinstance(value, datetime.datetime):
        return publication_date(value.date())
    if isinstance(value, datetime.date):
        return publication_date(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError("There is no publication date.")
    text = value.strip()
    shown = text if len(text) <= 40 else text[:40] + "…"
    match = _ISO_DATE_RE.match(text)
    try:
        if match is None:
            raise ValueError
        if len(text) > 10:
            datetime.datetime.fromisoformat(text)  # the time part must be valid too
        parsed = datetime.date.fromisoformat(match.group(1))
    except ValueError:
        raise ValueError(f"The publication date {shown!r} is not a date in YYYY-MM-DD form.") from None
    return publication_date(parsed)


def validate_web_url(value: str) -> None:
    """Django validator form of `web_url`."""
    from django.core.exceptions import ValidationError

    try:
        web_url(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="url_scheme") from None


def validate_publication_date(value: datetime.date) -> None:
    """Django validator form of `publication_date`."""
    from django.core.exceptions import ValidationError

    try:
        publication_date(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="implausible_date") from None
