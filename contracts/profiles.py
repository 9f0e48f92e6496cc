"""How hard the contract is pushed: quick for every test run, boundaries for CI, thorough by hand.

`CONTRACT_PROFILE=thorough` selects the thorough one. Each profile is also registered as a hypothesis
settings profile (`contracts-quick`, `contracts-thorough`) for the strategies' own property tests.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

PROFILE_ENV = "CONTRACT_PROFILE"
DEFAULT_SEED = 20250101


@dataclass(frozen=True)
class Profile:
    name: str
    max_examples: int       # per operation and generation mode, in the fuzzing phase
    stateful_steps: int     # transitions of the stateful phase (add -> get/update/delete chains)
    client_examples: int    # examples per property in tests of a client against contracts.strategies
    # The coverage phase: schemathesis' deterministic walk of every parameter's and field's boundary and
    # wrong values, positive and negative, not bounded by max_examples (2,400 cases against the mock, three
    # quarters of a run's time: hypothesis drawing them, not the mock answering).
    coverage: bool = True
    control_examples: int = 25  # per operation of the control API's own contract (tests/test_control_contract.py)


# Quick: every operation of the contract still runs its examples, both fuzzing modes and every check,
# and the stateful phase still follows each link from an add (20 steps: with 10, whether the seeded data
# led the fixed seed's walk to a delete after an add was luck; 20 cost the run about a second); the
# coverage phase's boundary walk is left to the profiles below.
QUICK = Profile("quick", max_examples=2, stateful_steps=20, client_examples=5, coverage=False, control_examples=4)
# Boundaries: quick plus the coverage phase's deterministic walk; what CI adds for the mock (.ci/run).
BOUNDARIES = Profile("boundaries", max_examples=2, stateful_steps=20, client_examples=5, coverage=True,
                     control_examples=4)
THOROUGH = Profile("thorough", max_examples=300, stateful_steps=1000, client_examples=1000)
PROFILES = {profile.name: profile for profile in (QUICK, BOUNDARIES, THOROUGH)}


def _register_hypothesis_profiles() -> None:
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:
        return  # without the `contracts` extra there are no strategies to set up
    for profile in PROFILES.values():
        settings.register_profile(f"contracts-{profile.name}", max_examples=profile.client_examples,
                                  derandomize=True, deadline=None, database=None,
                                  suppress_health_check=[HealthCheck.too_slow])


_register_hypothesis_profiles()


def current_profile() -> Profile:
    """The profile named by CONTRACT_PROFILE (quick when unset)."""
    name = os.environ.get(PROFILE_ENV, QUICK.name).strip().lower()
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"{PROFILE_ENV}={name!r} is not one of: {', '.join(PROFILES)}") from None
