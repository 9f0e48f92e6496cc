"""The entities a company's seeded activities link to (persons, orgs, deals, leads, projects) and the texts
they carry (addresses, notes, attendee lists), drawn from the hand-written words of words.py by the seed."""
from __future__ import annotations

import random
import uuid
from typing import Any

from . import words
from .model import Entity

POOL_SIZES = {"person": 60, "org": 20, "deal": 40, "lead": 15, "project": 8}
ADDRESS_POOL = 40
ATTENDEE_GROUPS = 200  # distinct attendee lists a seeded meeting picks from
ATTENDEE_STATUSES = ("accepted", "tentative", "declined", "noreply")


class Pools:
    """The entities activities link to, and the texts they carry, drawn from words.py by the seed alone."""

    def __init__(self, seed: int) -> None:
        # Two streams from the seed: the words (a string seed: the same in every process and Python
        # version) and the links between the entities.
        draw = random.Random(f"pipedrive-mock words {seed}")
        pick = draw.choice
        rng = random.Random(seed)
        self.orgs = [Entity(i, _company_name(draw)) for i in range(1, POOL_SIZES["org"] + 1)]
        self.persons = []
        for i in range(1, POOL_SIZES["person"] + 1):
            first, last = pick(words.FIRST_NAMES), pick(words.LAST_NAMES)
            self.persons.append(Entity(i, f"{first} {last}", rng.choice(self.orgs).id,
                                       f"{first}.{last}@{pick(words.EMAIL_DOMAINS)}".lower()))
        self.deals = [Entity(i, f"{rng.choice(self.orgs).name} {pick(words.DEAL_SUBJECTS)} deal",
                             rng.choice(self.orgs).id)
                      for i in range(1, POOL_SIZES["deal"] + 1)]
        self.leads = [Entity(str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                             f"Lead: {pick(words.LEAD_ADJECTIVES)} {pick(words.LEAD_DESCRIPTORS)} "
                             f"{pick(words.LEAD_NOUNS)}")
                      for _ in range(POOL_SIZES["lead"])]
        self.projects = [Entity(i, f"Project {pick(words.PROJECT_NAMES)}")
                         for i in range(1, POOL_SIZES["project"] + 1)]
        self.addresses = [_address(draw) for _ in range(ADDRESS_POOL)]
        self.notes = [f"<p>{pick(words.NOTE_OPENINGS)} {pick(words.NOTE_MIDDLES)} {pick(words.NOTE_CLOSINGS)}</p>"
                      for _ in range(30)]
        self.attendee_groups = [_attendees(rng, self.persons) for _ in range(ATTENDEE_GROUPS)]


def _company_name(draw: random.Random) -> str:
    """"Lee Group", "Hill-Ward" or "Cook, Reed and Price"."""
    form = int(draw.random() * 4)
    if form < 2:
        return f"{draw.choice(words.LAST_NAMES)} {draw.choice(words.COMPANY_SUFFIXES)}"
    if form == 2:
        return "-".join(draw.sample(words.LAST_NAMES, 2))
    first, second, third = draw.sample(words.LAST_NAMES, 3)
    return f"{first}, {second} and {third}"


def _address(draw: random.Random) -> dict[str, str | None]:
    number, postcode = str(draw.randint(1, 9999)), f"{draw.randint(501, 99950):05d}"
    street = f"{draw.choice(words.STREET_WORDS)} {draw.choice(words.STREET_SUFFIXES)}"
    city, state, country = draw.choice(words.CITIES), draw.choice(words.STATES), "United States"
    return {"value": f"{number} {street}, {city}, {state} {postcode}", "country": country,
            "admin_area_level_1": state, "admin_area_level_2": None, "locality": city,
            "sublocality": None, "route": street, "street_number": number, "subpremise": None,
            "postal_code": postcode}


def _attendees(rng: random.Random, persons: list[Entity]) -> tuple[dict[str, Any], ...]:
    return tuple({"email": p.email, "name": p.name, "status": rng.choice(ATTENDEE_STATUSES),
                  "is_organizer": i == 0, "person_id": p.id, "user_id": None}
                 for i, p in enumerate(rng.sample(persons, rng.randint(1, 3))))
