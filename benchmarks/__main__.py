"""`python -m benchmarks`: the whole benchmark, printed as figures, ratios and targets."""
from __future__ import annotations

import sys

from .run import main

sys.exit(main())
