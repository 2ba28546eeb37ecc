"""The cross-linking text engine: pure Python (numpy and the standard library, plus the
sentence-transformers model when embeddings are on), never Django.

- `text`: normalisation, content terms, `word_diff`.
- `figures`: quantities as intervals, and whether two claims' figures agree or conflict.
- `score`: claim/claim and quote/quote comparison into a score, a relation and a reason.
- `embed`: the MiniLM encoder (loaded offline from the packaged weights) and an in-memory
  vector index.
"""

from factcheck.linking.engine.figures import FigureComparison, compare_dates, compare_figures
from factcheck.linking.engine.score import (
    ClaimFeatures,
    Match,
    QuoteMatch,
    claim_features,
    compare_quotes,
    same_speaker,
    score_claims,
)
from factcheck.linking.engine.text import content_terms, normalise, word_diff

__all__ = [
    "ClaimFeatures",
    "FigureComparison",
    "Match",
    "QuoteMatch",
    "claim_features",
    "compare_dates",
    "compare_figures",
    "compare_quotes",
    "content_terms",
    "normalise",
    "same_speaker",
    "score_claims",
    "word_diff",
]
