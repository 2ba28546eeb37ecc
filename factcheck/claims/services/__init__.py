"""Every editorial write on claims and quotes: `triage` (accept, reject, edit, add, merge,
split), `workflow` (label, assign, evidence, comments, and the verdict workflow's
transitions) and `bulk` (a list's selection, one single-item service per claim). Faces
import from here: `from factcheck.claims import services`."""

from factcheck.claims.services.bulk import *  # noqa: F403
from factcheck.claims.services.bulk import __all__ as _bulk_all
from factcheck.claims.services.triage import *  # noqa: F403
from factcheck.claims.services.triage import __all__ as _triage_all
from factcheck.claims.services.workflow import *  # noqa: F403
from factcheck.claims.services.workflow import __all__ as _workflow_all

__all__ = [*_triage_all, *_workflow_all, *_bulk_all]
