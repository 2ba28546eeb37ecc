"""Where the tests find the desk's shared data (the gold annotations, seed articles, the
labelled check-worthiness set and the extraction scorer). It is not in the repository: it
is the `shared/` folder beside the clone (or beside a folder above it, as for a git
worktree kept under the main clone's parent), or the folder named by FACTCHECK_SHARED_DIR.
A test that needs it skips, saying so, when it is absent. No Django here: the engine tests
import this in an environment without it (bin/check-engines)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _find_shared() -> Path | None:
    if os.environ.get("FACTCHECK_SHARED_DIR"):
        return Path(os.environ["FACTCHECK_SHARED_DIR"])
    for folder in REPO.parents:
        if (folder / "shared").is_dir():
            return folder / "shared"
    return None


#: The shared folder, or a path under it that does not exist when there is none.
SHARED: Path = _find_shared() or REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    return SHARED.joinpath(*parts)


def requires_shared(*parts: str) -> pytest.MarkDecorator:
    """Skip unless `shared/<parts>` exists, naming what is missing and how to provide it."""
    path = shared_path(*parts)
    return pytest.mark.skipif(
        not path.exists(),
        reason=f"needs the shared data {path} (not in the repository; set FACTCHECK_SHARED_DIR to its folder)",
    )
