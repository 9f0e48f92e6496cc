"""`python -m pipedrive_mock` is `mockserver`."""
from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
