"""Deterministic, realistic seed data.

One private Faker instance fills small pools (names, companies, streets); a seeded `random.Random`
combines them per activity. Calling Faker per field would be about thirty times slower.
"""
from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from faker import Faker

from .constants import DEFAULT_ACTIVITY_TYPES
from .model import Activity, ActivityType, Entity, SavedFilter

if TYPE_CHECKING:
    from .company import Company

POOL_SIZES = {"person": 60, "org": 20, "deal": 40, "lead": 15, "project": 8}
ADDRESS_POOL = 40
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
SEED_OUTCOMES = (1, 2, 3)
OUTCOME_SHARE = 0.5


def seed_fixtures(company: Company) -> None:
    """What every new company has: the six default activity types and a few saved filters."""
    company.activity_types = {key: ActivityType(i, key, name)
                              for i, (key, name) in enumerate(DEFAULT_ACTIVITY_TYPES, start=1)}
    company.filters = {f.id: f for f in (
        SavedFilter(1, "Open activities", (("done", "eq", False),)),
        SavedFilter(2, "Done activities", (("done", "eq", True),)),
        SavedFilter(3, "Calls", (("type", "eq", "call"),)),
        SavedFilter(4, "Overdue", (("done", "eq", False), ("due_date", "lt", "today"))),
        SavedFilter(5, "Due today or later", (("due_date", "gte", "today"),)),
    )}


class _Pools:
    def __init__(self, seed: int) -> None:
        fake = Faker(use_weighting=False)
        fake.seed_instance(seed)
        rng = random.Random(seed)
        self.orgs = [Entity(i, fake.company()) for i in range(1, POOL_SIZES["org"] + 1)]
        self.persons = []
        for i in range(1, POOL_SIZES["person"] + 1):
            first, last = fake.first_name(), fake.last_name()
            self.persons.append(Entity(i, f"{first} {last}", rng.choice(self.orgs).id,
                                       f"{first}.{last}@{fake.free_email_domain()}".lower()))
        self.deals = [Entity(i, f"{rng.choice(self.orgs).name} {fake.bs().split()[-1]} deal", rng.choice(self.orgs).id)
                      for i in range(1, POOL_SIZES["deal"] + 1)]
        self.leads = [Entity(str(uuid.UUID(int=rng.getrandbits(128), version=4)), f"Lead: {fake.catch_phrase()}")
                      for _ in range(POOL_SIZES["lead"])]
        self.projects = [Entity(i, f"Project {fake.word().title()}") for i in range(1, POOL_SIZES["project"] + 1)]
        self.addresses = [self._address(fake) for _ in range(ADDRESS_POOL)]
        self.notes = [f"<p>{fake.sentence()}</p>" for _ in range(30)]

    @staticmethod
    def _address(fake: Faker) -> dict[str, str | None]:
        number, street, city = fake.building_number(), fake.street_name(), fake.city()
        postcode, state, country = fake.postcode(), fake.state(), "United States"
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
    # Outcomes draw from their own stream, so adding them left every other seeded value as it was.
    outcome_rng = random.Random(seed * 104729 + company.id)
    user_ids = sorted(company.users)
    types = list(company.activity_types)
    company.load_activities(_with_outcome(_activity(company.id, i, rng, pools, user_ids, types, now), outcome_rng)
                            for i in range(1, count + 1))


def _with_outcome(activity: Activity, rng: random.Random) -> Activity:
    draw = rng.random()
    if activity.done and draw < OUTCOME_SHARE:
        activity.outcome = SEED_OUTCOMES[int(draw / OUTCOME_SHARE * len(SEED_OUTCOMES))]
    return activity


def _activity(company_id: int, activity_id: int, rng: random.Random, pools: _Pools,
              user_ids: list[int], types: list[str], now: datetime) -> Activity:
    kind = rng.choice(types)
    person = rng.choice(pools.persons)
    org = pools.orgs[person.org_id - 1] if rng.random() < 0.8 else None  # type: ignore[operator]
    deal = rng.choice(pools.deals) if rng.random() < 0.5 else None
    subject = rng.choice(SUBJECTS.get(kind, ("{person}",))).format(
        person=person.name, org=(org or rng.choice(pools.orgs)).name, deal=(deal or rng.choice(pools.deals)).name)
    add_time = now - timedelta(seconds=rng.randrange(90 * DAY))
    update_time = add_time + timedelta(seconds=rng.randrange(int((now - add_time).total_seconds()) + 1))
    due = (now + timedelta(days=rng.randint(-30, 60))).date()
    done = due < now.date() and rng.random() < 0.7 or rng.random() < 0.1
    in_person = kind in ("meeting", "lunch")
    values: dict[str, Any] = {
        "deal_id": deal.id if deal else None,
        "lead_id": rng.choice(pools.leads).id if deal is None and rng.random() < 0.2 else None,
        "person_id": person.id,
        "org_id": org.id if org else None,
        "project_id": rng.choice(pools.projects).id if rng.random() < 0.1 else None,
        "due_time": f"{rng.randint(8, 17):02d}:{rng.choice((0, 15, 30, 45)):02d}" if rng.random() < 0.8 else None,
        "duration": rng.choice(DURATIONS) if kind in ("call", "meeting", "lunch") else None,
        "busy": in_person,
        "location": dict(rng.choice(pools.addresses)) if in_person else None,
        "participants": _participants(rng, pools, person.id),
        "attendees": _attendees(rng, pools) if kind == "meeting" else (),
        "note": rng.choice(pools.notes) if rng.random() < 0.4 else None,
        "priority": rng.choice((None, None, 1, 2, 3)),
    }
    if kind == "meeting" and rng.random() < 0.5:
        client = rng.choice(CONFERENCE_CLIENTS)
        meeting_id = str(rng.randrange(10**9, 10**10))
        values.update(conference_meeting_client=client, conference_meeting_id=meeting_id,
                      conference_meeting_url=f"https://meet.example.com/{client}/{meeting_id}")
    owner = rng.choice(user_ids)
    return Activity(
        id=activity_id, company_id=company_id, subject=subject, type=kind, owner_id=owner,
        creator_user_id=rng.choice(user_ids), update_user_id=owner, add_time=add_time,
        update_time=update_time, due_date=due.isoformat(), done=done,
        marked_as_done_time=update_time if done else None, **values)


def _participants(rng: random.Random, pools: _Pools, primary: int) -> tuple[dict[str, Any], ...]:
    extra = [p.id for p in rng.sample(pools.persons, rng.choice((0, 0, 1, 2))) if p.id != primary]
    return ({"person_id": primary, "primary": True},) + tuple({"person_id": p, "primary": False} for p in extra)


def _attendees(rng: random.Random, pools: _Pools) -> tuple[dict[str, Any], ...]:
    return tuple({"email": p.email, "name": p.name, "status": rng.choice(ATTENDEE_STATUSES),
                  "is_organizer": i == 0, "person_id": p.id, "user_id": None}
                 for i, p in enumerate(rng.sample(pools.persons, rng.randint(1, 3))))
