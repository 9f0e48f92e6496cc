"""Deterministic, realistic seed data.

Small pools (names, companies, streets) are drawn from the hand-written words of words.py by the seed; a
seeded `random.Random` combines them per activity.
"""
from __future__ import annotations

import gc
import random
import string
import uuid
from collections.abc import Iterator
from dataclasses import fields
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from . import words
from .company.indexes import ID_BITS
from .constants import DEFAULT_ACTIVITY_TYPES
from .model import Activity, ActivityType, Entity, SavedFilter
from .resources.activity_fields.options import OUTCOME_OPTIONS, PRIORITY_OPTIONS
from .times import V1_FORMAT

if TYPE_CHECKING:
    from .company import Company

POOL_SIZES = {"person": 60, "org": 20, "deal": 40, "lead": 15, "project": 8}
ADDRESS_POOL = 40
ATTENDEE_GROUPS = 200  # distinct attendee lists a seeded meeting picks from
COMPANY_VARIANTS = 8  # the lists of other participants each person is seen with
DAY = 86400

SUBJECTS = {
    "call": ("Call {person}", "Follow-up call with {person}", "Intro call: {org}", "Check in with {person}"),
    "meeting": ("Meeting with {org}", "Demo for {person}", "Quarterly review: {org}", "Kick-off: {deal}"),
    "task": ("Send proposal to {person}", "Prepare quote for {deal}", "Update CRM notes for {org}",
             "Draft contract for {deal}"),
    "deadline": ("Contract due: {deal}", "Proposal deadline for {org}", "Renewal date: {org}"),
    "email": ("Email {person} the pricing", "Reply to {person}", "Send case study to {org}"),
    "lunch": ("Lunch with {person}", "Team lunch at {org}", "Lunch: {deal} next steps"),
}
CONFERENCE_CLIENTS = ("zoom", "google_meet", "teams")
DURATIONS = ("00:15", "00:30", "00:45", "01:00", "01:30", "02:00")
ATTENDEE_STATUSES = ("accepted", "tentative", "declined", "noreply")
# Option ids of the `outcome` activity field set on seeded activities that are done (README fidelity
# notes): about half of them have one, so clients meet both an id and null.
SEED_OUTCOMES = tuple(OUTCOME_OPTIONS)
OUTCOME_SHARE = 0.5
TIMED_KINDS = frozenset({"call", "meeting", "lunch"})
NO_CONFERENCE = (None, None, None)
# The fields a seeded activity is built with, positionally, in this order (the model's own).
SEEDED_FIELDS = ("id", "company_id", "subject", "type", "owner_id", "creator_user_id", "update_user_id",
                 "add_time", "update_time", "deal_id", "lead_id", "person_id", "org_id", "project_id",
                 "due_date", "due_time", "duration", "busy", "done", "marked_as_done_time", "location",
                 "participants", "attendees", "conference_meeting_client", "conference_meeting_url",
                 "conference_meeting_id", "public_description", "priority", "outcome", "note")
if tuple(f.name for f in fields(Activity))[:len(SEEDED_FIELDS)] != SEEDED_FIELDS:
    raise ImportError("mockserver.seed builds activities positionally: update SEEDED_FIELDS to match "
                      "the fields of model.Activity")


def seed_fixtures(company: Company, now: datetime) -> None:
    """What every new company has: the six default activity types (ids 1-6) and a few saved filters."""
    made = now.strftime(V1_FORMAT)
    # Each default type has the icon of its own name (all six are in the official icon list).
    company.activity_types = {key: ActivityType(i, key, name, True, i, key, None, False, made, made)
                              for i, (key, name) in enumerate(DEFAULT_ACTIVITY_TYPES, start=1)}
    company.filters = {f.id: f for f in (
        SavedFilter(1, "Open activities", (("done", "eq", False),)),
        SavedFilter(2, "Done activities", (("done", "eq", True),)),
        SavedFilter(3, "Calls", (("type", "eq", "call"),)),
        SavedFilter(4, "Overdue", (("done", "eq", False), ("due_date", "lt", "today"))),
        SavedFilter(5, "Due today or later", (("due_date", "gte", "today"),)),
    )}


class _Pools:
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
        self.attendee_groups = [_attendees(rng, self) for _ in range(ATTENDEE_GROUPS)]


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


def seed_company(company: Company, seed: int, count: int, now: datetime) -> None:
    """Fill `company` with `count` activities; the same seed and clock give the same data."""
    pools = _Pools(seed)
    company.seed = seed
    company.entities = {
        "person": {e.id: e for e in pools.persons}, "org": {e.id: e for e in pools.orgs},
        "deal": {e.id: e for e in pools.deals}, "lead": {e.id: e for e in pools.leads},
        "project": {e.id: e for e in pools.projects},
    }
    rng = random.Random(seed * 7919 + company.id)
    keys: dict[str, list[int]] = {"update_time": [], "add_time": []}  # filled as the records are made
    activities = _activities(company.id, count, rng, pools, sorted(company.users), list(company.activity_types), now,
                             keys)
    collecting = gc.isenabled()
    # The records hold no cycles; the cyclic collector, run every few hundred allocations over a heap
    # that keeps growing, took a third of the time.
    gc.disable()
    try:
        company.load_activities(activities, keys=keys)
    finally:
        if collecting:
            gc.enable()


def _subjects(pools: _Pools, kind: str) -> list[tuple[str, list[str]]]:
    """Each subject template of `kind`, as the entity kind it names and its text for each entity of that kind."""
    names = {"person": [p.name for p in pools.persons], "org": [o.name for o in pools.orgs],
             "deal": [d.name for d in pools.deals]}
    templates = []
    for template in SUBJECTS.get(kind, ("{person}",)):
        placeholder = next(name for _, name, _, _ in string.Formatter().parse(template) if name)
        templates.append((placeholder, [template.format_map({placeholder: name}) for name in names[placeholder]]))
    return templates


def _activities(company_id: int, count: int, rng: random.Random, pools: _Pools, user_ids: list[int],
                types: list[str], now: datetime, keys: dict[str, list[int]]) -> Iterator[Activity]:
    """`count` activities with ids 1..count; the update_time and add_time index key of each appended to `keys`.

    About 110,000 a CPU-second on the shared benchmark machine (README, "Performance"): one `random()`
    per choice (the library's `choice` and `randrange` are Python code, ten times slower), text made once
    per template and entity, and the nested values (participants, attendees, addresses, dates) shared
    between the records that have the same one: records are immutable, so nothing written to one can
    reach another.
    """
    r = rng.random
    persons, orgs, deals, leads, projects = pools.persons, pools.orgs, pools.deals, pools.leads, pools.projects
    subjects = {kind: _subjects(pools, kind) for kind in types}
    today = now.date()
    due_dates = [(today + timedelta(days=days)).isoformat() for days in range(-30, 61)]
    due_times = [f"{hour:02d}:{minute:02d}" for hour in range(8, 18) for minute in (0, 15, 30, 45)]
    addresses, notes, groups = pools.addresses, pools.notes, pools.attendee_groups
    priorities = (None, None, *PRIORITY_OPTIONS)
    alone = [_participants((p.id,)) for p in persons]
    company_of = [[_participants((p.id, *(o.id for o in rng.sample(persons, int(r() * 2) + 1))))
                   for _ in range(COMPANY_VARIANTS)] for p in persons]
    now_seconds, at, utc = int(now.timestamp()), datetime.fromtimestamp, timezone.utc
    users, kinds = len(user_ids), len(types)
    npersons, norgs, ndeals = len(persons), len(orgs), len(deals)
    step = 90 * DAY / max(count, 1)
    update_keys, add_keys = keys["update_time"].append, keys["add_time"].append
    for activity_id in range(1, count + 1):
        kind = types[int(r() * kinds)]
        person = persons[int(r() * npersons)]
        org = orgs[person.org_id - 1] if r() < 0.8 else None  # type: ignore[operator]
        deal = deals[int(r() * ndeals)] if r() < 0.5 else None
        placeholder, texts = (templates := subjects[kind])[int(r() * len(templates))]
        if placeholder == "person":
            subject = texts[person.id - 1]
        elif placeholder == "org":
            subject = texts[(org.id if org else int(r() * norgs) + 1) - 1]
        else:
            subject = texts[(deal.id if deal else int(r() * ndeals) + 1) - 1]
        # Ids follow the order activities were added in, as the API gives them (each a random moment
        # of its own share of the 90 days); the add_time index is then built from keys already in order.
        age = int((count - activity_id + r()) * step)
        added = now_seconds - age
        updated = added + int(r() * (age + 1))
        add_time, update_time = at(added, utc), at(updated, utc)
        add_keys((added << ID_BITS) | activity_id)
        update_keys((updated << ID_BITS) | activity_id)
        due_index = int(r() * 91)
        done = due_index < 30 and r() < 0.7 or r() < 0.1
        in_person = kind == "meeting" or kind == "lunch"
        # Half the time no other participant, else one of the person's usual companions.
        shared = alone[person.id - 1] if r() < 0.5 else company_of[person.id - 1][int(r() * COMPANY_VARIANTS)]
        conference: tuple[str | None, ...] = NO_CONFERENCE
        if kind == "meeting" and r() < 0.5:
            client = CONFERENCE_CLIENTS[int(r() * 3)]
            meeting_id = str(10**9 + int(r() * 9 * 10**9))
            conference = (client, f"https://meet.example.com/{client}/{meeting_id}", meeting_id)
        owner = user_ids[int(r() * users)]
        # Positional, in the order of SEEDED_FIELDS: keywords cost more than the rest of the loop.
        yield Activity(
            activity_id, company_id, subject, kind, owner, user_ids[int(r() * users)], owner, add_time,
            update_time, deal.id if deal else None,
            leads[int(r() * len(leads))].id if deal is None and r() < 0.2 else None,
            person.id, org.id if org else None,
            projects[int(r() * len(projects))].id if r() < 0.1 else None,
            due_dates[due_index], due_times[int(r() * 40)] if r() < 0.8 else None,
            DURATIONS[int(r() * 6)] if kind in TIMED_KINDS else None,
            in_person, done, update_time if done else None,
            addresses[int(r() * ADDRESS_POOL)] if in_person else None, shared,
            groups[int(r() * ATTENDEE_GROUPS)] if kind == "meeting" else (),
            *conference, None, priorities[int(r() * 5)],
            SEED_OUTCOMES[int(r() * len(SEED_OUTCOMES))] if done and r() < OUTCOME_SHARE else None,
            notes[int(r() * len(notes))] if r() < 0.4 else None)


def _participants(person_ids: tuple[int, ...]) -> tuple[dict[str, Any], ...]:
    """The first person is the primary participant; the others once each, in order."""
    others = dict.fromkeys(p for p in person_ids[1:] if p != person_ids[0])
    return ({"person_id": person_ids[0], "primary": True},) + tuple({"person_id": p, "primary": False} for p in others)


def _attendees(rng: random.Random, pools: _Pools) -> tuple[dict[str, Any], ...]:
    return tuple({"email": p.email, "name": p.name, "status": rng.choice(ATTENDEE_STATUSES),
                  "is_organizer": i == 0, "person_id": p.id, "user_id": None}
                 for i, p in enumerate(rng.sample(pools.persons, rng.randint(1, 3))))
