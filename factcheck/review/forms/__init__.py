"""Forms of the editor workspace, one module per page (as the views): they validate and
lay out, they never act. Every form that edits a versioned row carries a `VersionField`
(common.py) with the version it was rendered with, so a save based on an older version is
refused instead of overwriting a colleague's work."""
