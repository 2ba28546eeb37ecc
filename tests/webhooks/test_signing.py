"""signing.py (no Django): the header the desk sends, and the check README gives receivers."""

from __future__ import annotations

import pytest

from factcheck.webhooks.signing import SignatureError, new_secret, signature_header, verify

BODY = b'{"id":"evt_1","type":"claim.submitted"}'


def test_a_signed_body_verifies_with_its_secret_only():
    secret = new_secret()
    header = signature_header([secret], 1_800_000_000, BODY)
    assert verify(secret, header, BODY, now=1_800_000_100) == 1_800_000_000
    with pytest.raises(SignatureError, match="No signature matches"):
        verify(new_secret(), header, BODY, now=1_800_000_100)
    with pytest.raises(SignatureError, match="No signature matches"):
        verify(secret, header, BODY + b" ", now=1_800_000_100)  # a changed body


def test_an_old_timestamp_is_a_replay():
    secret = new_secret()
    header = signature_header([secret], 1_800_000_000, BODY)
    with pytest.raises(SignatureError, match="outside the tolerance"):
        verify(secret, header, BODY, now=1_800_000_301)
    with pytest.raises(SignatureError, match="no timestamp"):
        verify(secret, header.split(",", 1)[1], BODY)


def test_two_secrets_during_a_rotation():
    old, new = new_secret(), new_secret()
    header = signature_header([new, old], 1_800_000_000, BODY)
    assert header.count("v1=") == 2
    assert verify(old, header, BODY, now=1_800_000_000) and verify(new, header, BODY, now=1_800_000_000)
