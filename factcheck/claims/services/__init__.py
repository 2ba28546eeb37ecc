"""Every editorial write on claims and quotes: `triage` (accept, reject, edit, add, merge,
split) and `workflow` (label, assign, evidence, comments, and the verdict workflow's
transitions). Faces import from here: `from factcheck.claims import services`."""

from factcheck.claims.services.triage import *  # noqa: F403
from factcheck.claims.services.triage import __all__ as _triage_all
from factcheck.claims.services.workflow import *  # noqa: F403
from factcheck.claims.services.workflow import __all__ as _workflow_all

__all__ = [*_triage_all, *_workflow_all]
