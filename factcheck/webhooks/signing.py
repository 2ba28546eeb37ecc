"""Signing webhook bodies as Stripe and Svix do; plain Python, no Django.

The header is `Factcheck-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
with one v1= per secret in force (two for a day after a rotation). A receiver recomputes
the HMAC over the raw body it received with its secret, compares in constant time, and
refuses a timestamp more than `tolerance` seconds away from its clock (a replayed request).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

HEADER = "Factcheck-Signature"
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets_in_force: list[str], timestamp: int, body: bytes) -> str:
    parts = [f"t={timestamp}"] + [f"v1={signature(s, timestamp, body)}" for s in secrets_in_force if s]
    return ",".join(parts)


class SignatureError(ValueError):
    pass


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300, now: float | None = None) -> int:
    """The header's timestamp if one of its v1 signatures is `secret`'s over `body` and the
    timestamp is within `tolerance` seconds of `now`; SignatureError saying why otherwise."""
    fields = [part.split("=", 1) for part in header.split(",") if "=" in part]
    stamps = [value for key, value in fields if key.strip() == "t"]
    if not stamps or not stamps[0].strip().isdigit():
        raise SignatureError("The signature header has no timestamp.")
    timestamp = int(stamps[0])
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        raise SignatureError("The timestamp is outside the tolerance: a replayed or delayed request.")
    expected = signature(secret, timestamp, body)
    if not any(key.strip() == "v1" and hmac.compare_digest(value.strip(), expected) for key, value in fields):
        raise SignatureError("No signature matches the body and the secret.")
    return timestamp
