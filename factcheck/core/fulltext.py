"""The full-text vector a model stores in a generated column (PostgreSQL's `tsvector`).

`StoredSearchVector` is Django's `SearchVector` for a `GeneratedField`: on PostgreSQL it
compiles to exactly what `SearchVector(..., config=...)` compiles to; on any other database
(the embedded SQLite default) to NULL, so the same model and migrations work there, where
search matches words with LIKE instead.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector

__all__ = ["StoredSearchVector"]


class StoredSearchVector(SearchVector):
    def as_sql(self, compiler, connection, function=None, template=None):
        if connection.vendor != "postgresql":
            return "NULL", []
        return super().as_sql(compiler, connection, function=function, template=template)
