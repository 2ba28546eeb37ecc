"""Streamed exports of the search's claims, quotes and links as CSV and JSON Lines
(selectors.py: the rows; writers.py: the formats; views.py and api.py: the faces)."""
