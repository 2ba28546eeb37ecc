"""Fixtures shared by the linking tests."""

from __future__ import annotations

import pytest

from factcheck.linking.embeddings import index_reset
from factcheck.linking.retrieval import term_stats_reset


@pytest.fixture
def fresh_index():
    """Each test starts and ends with no in-process vector index and no cached statistics."""
    index_reset()
    term_stats_reset()
    yield
    index_reset()
    term_stats_reset()
