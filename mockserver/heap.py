"""The cyclic garbage collector and what start-up builds: objects that live as long as the mock."""
from __future__ import annotations

import gc


def promote() -> None:
    """Everything made since the collector's last walk moved to its oldest generation at once, unless
    something is frozen out of the collector (gc.freeze: unfreezing would undo it).

    What a start builds (modules, the contract's tables, the seeded records) lives as long as the mock;
    walked on the way there (a walk of the youngest generation when the collector is on again, another
    of the middle one ten walks later) it costs a fifth of seeding 100,000 again, or 30 ms of a
    plugin's start. A full collection still walks it, as it walks everything.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
