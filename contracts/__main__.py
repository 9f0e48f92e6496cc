"""`python -m pipedrive_mock.contracts` is `pipedrive-contracts` (see cli.py)."""
from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
