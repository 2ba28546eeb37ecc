"""The one intake-problem type: why one item of an import (an article file or line, a
ClaimReview document) could not be read or stored. Importers yield or collect it beside
what they could read and carry on. Plain data, not an exception; pure Python, so the
parsers that produce it (articles/intake.py, linking/claimreview.py) stay Django-free."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["IntakeProblem"]


@dataclass(frozen=True, slots=True)
class IntakeProblem:
    source: str  # "path", "path:line" or "path#scriptN"
    reason: str  # one line, for people

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"
