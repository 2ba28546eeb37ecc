"""`python -m factcheck.extraction.engine --input-jsonl FILE --format jsonl`."""

import sys

from .pipeline import main

sys.exit(main())
