"""How hard the contract is pushed: a quick profile for every test run, a thorough one for CI.

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


QUICK = Profile("quick", max_examples=8, stateful_steps=30, client_examples=25)
THOROUGH = Profile("thorough", max_examples=300, stateful_steps=1000, client_examples=1000)
PROFILES = {profile.name: profile for profile in (QUICK, THOROUGH)}


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
