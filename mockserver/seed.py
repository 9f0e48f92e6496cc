"""Deterministic, realistic seed data.

The pools of entities and texts (pools.py) are drawn from the hand-written words of words.py by the seed;
a seeded `random.Random` combines them per activity, a block of records and a field at a time (`_Maker`).
"""
from __future__ import annotations

import gc
import random
import string
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import fields
from datetime import datetime, timedelta
from itertools import chain, compress, repeat, starmap
from math import gcd
from operator import not_
from typing import TYPE_CHECKING, Any

from .company.indexes import CONTEXT_LINKS, ID_BITS
from . import heap
from .constants import DEFAULT_ACTIVITY_TYPES
from .draws import HOUR, Hours, flat, pairs, second_deltas, share, spread
from .model import Activity, ActivityType, SavedFilter
from .pools import Pools
from .resources.activity_fields.options import OUTCOME_OPTIONS, PRIORITY_OPTIONS
from .times import V1_FORMAT

if TYPE_CHECKING:
    from .company import Company

COMPANY_VARIANTS = 8  # the lists of other participants each person is seen with
CONFERENCE_ROOMS = 64  # the video links of a company's meetings
DAY = 24 * HOUR
SPAN = 1 << 16  # the fractions of a moment's share of the 90 days
WINDOW = 90 * DAY  # the seeded activities were added over the last 90 days
BLOCK = 16384  # records made at a time: each field's column of a block stays in the processor's cache

SUBJECTS = {
    "call": ("Call {person}", "Follow-up call with {person}", "Intro call: {org}", "Check in with {person}"),
    "meeting": ("Meeting with {org}", "Demo for {person}", "Quarterly review: {org}", "Kick-off: {deal}"),
    "task": ("Send proposal to {person}", "Prepare quote for {deal}", "Update CRM notes for {org}",
             "Draft contract for {deal}"),
    "deadline": ("Contract due: {deal}", "Proposal deadline for {org}", "Renewal date: {org}"),
    "email": ("Email {person} the pricing", "Reply to {person}", "Send case study to {org}"),
    "lunch": ("Lunch with {person}", "Team lunch at {org}", "Lunch: {deal} next steps"),
}
SLOTS = ("person", "org", "deal")  # the entities a subject names
CONFERENCE_CLIENTS = ("zoom", "google_meet", "teams")
DURATIONS = ("00:15", "00:30", "00:45", "01:00", "01:30", "02:00")
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


def seed_company(company: Company, seed: int, count: int, now: datetime) -> None:
    """Fill `company` with `count` activities; the same seed and clock give the same data."""
    pools = Pools(seed)
    company.seed = seed
    company.entities = {
        "person": {e.id: e for e in pools.persons}, "org": {e.id: e for e in pools.orgs},
        "deal": {e.id: e for e in pools.deals}, "lead": {e.id: e for e in pools.leads},
        "project": {e.id: e for e in pools.projects},
    }
    rng = random.Random(seed * 7919 + company.id)
    # The index keys: the ids, and the time keys filled as the records are made.
    keys: dict[str, Any] = {"id": range(1, count + 1), "update_time": [], "add_time": []}
    open_links: dict[str, Counter[Any]] = {link: Counter() for link in CONTEXT_LINKS}  # counted likewise
    activities = _activities(company.id, count, rng, pools, sorted(company.users), list(company.activity_types), now,
                             keys, open_links)
    collecting = gc.isenabled()
    # The records hold no cycles; the cyclic collector, run every few hundred allocations over a heap
    # that keeps growing, took a third of the time.
    gc.disable()
    try:
        company.load_activities(activities, keys=keys, open_links=open_links)
    finally:
        if collecting:
            heap.promote()
            gc.enable()


def _subjects(pools: Pools, kind: str) -> list[tuple[int, list[str]]]:
    """Each subject template of `kind`, as the entity kind it names (its place in SLOTS) and its text for
    each entity of that kind, by id."""
    names = {"person": [p.name for p in pools.persons], "org": [o.name for o in pools.orgs],
             "deal": [d.name for d in pools.deals]}
    templates = []
    for template in SUBJECTS.get(kind, ("{person}",)):
        placeholder = next(name for _, name, _, _ in string.Formatter().parse(template) if name)
        templates.append((SLOTS.index(placeholder),
                          [template.format_map({placeholder: name}) for name in names[placeholder]]))
    return templates


def _activities(company_id: int, count: int, rng: random.Random, pools: Pools, user_ids: list[int],
                types: list[str], now: datetime, keys: dict[str, Any],
                open_links: dict[str, Counter[Any]]) -> Iterator[Activity]:
    """`count` activities with ids 1..count; the update_time and add_time index key of each appended to
    `keys` as they are made, and each open one counted in `open_links` (ActivityIndexes.open_links)."""
    maker = _Maker(company_id, count, rng, pools, user_ids, types, now, keys, open_links)
    return chain.from_iterable(map(maker.block, range(1, count + 1, BLOCK)))


class _Maker:
    """The activities of one seed, made a block of records at a time, and in each block a field at a
    time (README, "Performance"): a field is a map, run in C, of a table over the 256 values of a random
    byte per record (`spread`), or, for a field that depends on another (an org on its person, a
    duration on the type), of the tables of that other field's values end to end, at the other value's
    position and the byte (`pairs`, made in C too). Text is made once per template
    and entity, and nested values (participants, attendees, addresses, conference links) are shared by
    the records that have the same one: records are immutable, so nothing written to one can reach
    another."""

    def __init__(self, company_id: int, count: int, rng: random.Random, pools: Pools, user_ids: list[int],
                 types: list[str], now: datetime, keys: dict[str, Any],
                 open_links: dict[str, Counter[Any]]) -> None:
        self.company_id, self.count, self.rng, self.keys, self.open_links = company_id, count, rng, keys, open_links
        r, persons = rng.random, pools.persons
        nothing = [None] * 256
        kind_table = spread(types)
        # The kinds a kind byte can stand for (at most 256, whatever the company's types), in order.
        kinds = list(dict.fromkeys(kind_table))
        in_person = {kind: kind in ("meeting", "lunch") for kind in kinds}
        meeting = {kind: kind == "meeting" for kind in kinds}
        # A field's tables by the position of its parent's value (see `pairs`), end to end: the value for
        # a parent at position p and a random byte b is `table[p * 256 + b]`. A choice without a parent is
        # the table of its byte alone.
        by_kind = {
            "template": [spread(_subjects(pools, kind)) for kind in kinds],
            "duration": [spread(DURATIONS) if kind in TIMED_KINDS else nothing for kind in kinds],
            "location": [spread(pools.addresses) if in_person[kind] else nothing for kind in kinds],
            "attendees": [spread(pools.attendee_groups) if meeting[kind] else [()] * 256 for kind in kinds],
            # Half the meetings have a video link: one of the company's rooms.
            "conference": [spread(_conferences(rng), 128, NO_CONFERENCE) if meeting[kind]
                           else [NO_CONFERENCE] * 256 for kind in kinds],
        }
        # A deal half the time; else a lead for a fifth of the rest.
        deal_lead = spread([(d.id, None) for d in pools.deals], 128, size=128) \
            + spread([(None, lead.id) for lead in pools.leads], share(0.1), (None, None), size=128)
        conference = flat(by_kind.pop("conference"))
        self.tables: dict[str, list[Any]] = {
            "kind": kind_table, "person": spread([p.id for p in persons]),
            # By person id (index 0 unused).
            "org": flat([nothing] + [spread((p.org_id,), share(0.8)) for p in persons]),
            "deal": [deal for deal, _ in deal_lead], "lead": [lead for _, lead in deal_lead],
            "other_org": spread([o.id for o in pools.orgs]), "other_deal": spread([d.id for d in pools.deals]),
            **{field: flat(tables) for field, tables in by_kind.items()},
            "client": [room[0] for room in conference], "link": [room[1] for room in conference],
            "meeting_id": [room[2] for room in conference],
            "busy": [in_person[kind] for kind in kind_table],
            "user": spread(user_ids),
            "project": spread([p.id for p in pools.projects], share(0.1)),
            "due_time": spread([f"{h:02d}:{m:02d}" for h in range(8, 18) for m in (0, 15, 30, 45)], share(0.8)),
            "priority": spread((None, None, *PRIORITY_OPTIONS)),
            "note": spread(pools.notes, share(0.4)),
            # By the due date's day (0 is 30 days ago). Done: 73% of those due in the past 30 days (70%, and
            # 10% of the rest), 10% of the others.
            "done": flat([spread((True,), share(0.73), False)] * 30 + [spread((True,), share(0.1), False)] * 61),
            "outcome": flat([nothing, spread(SEED_OUTCOMES, round(OUTCOME_SHARE * 256))]),  # by done
        }
        # The position of a kind byte's kind, and of a person byte's person (its id), as bytes.
        self.kind_at = bytes(map({kind: i for i, kind in enumerate(kinds)}.__getitem__, kind_table))
        self.person_at = bytes(self.tables["person"])
        alone = [_participants((p.id,)) for p in persons]
        company_of = [[_participants((p.id, *(o.id for o in rng.sample(persons, int(r() * 2) + 1))))
                       for _ in range(COMPANY_VARIANTS)] for p in persons]
        # Half the time no other participant, else one of the person's usual companions.
        self.tables["participants"] = flat([nothing] + [[alone[i]] * 128 + spread(company_of[i], 128, size=128)
                                                         for i in range(len(persons))])
        today = now.date()
        self.due_dates = [(today + timedelta(days=days)).isoformat() for days in range(-30, 61)]
        self.now_seconds = int(now.timestamp())
        common = gcd(WINDOW, count * SPAN) or 1
        w = WINDOW // common
        self.window_fraction = (w, count * SPAN // common, SPAN * w)  # see `block`
        self.hours, self.seconds = Hours(), second_deltas()

    def draw(self, table: list[Any], n: int) -> map:
        """For each record, the value of `table` at a random byte."""
        return map(table.__getitem__, self.rng.randbytes(n))

    def follow(self, parents: bytes, table: list[Any], n: int) -> map:
        """For each record, its value in the flat `table` for its parent's position (`parents`, a byte
        per record) and a random byte."""
        return map(table.__getitem__, pairs(parents, self.rng.randbytes(n)))

    def block(self, first: int) -> Iterator[Activity]:
        """The activities from id `first` on, BLOCK of them or the rest."""
        count, rng, tables, draw, follow = self.count, self.rng, self.tables, self.draw, self.follow
        hours, seconds, now_seconds = self.hours, self.seconds, self.now_seconds
        ids = range(first, min(first + BLOCK, count + 1))
        n = len(ids)
        kind_bytes = rng.randbytes(n)
        kind, kind_at = list(map(tables["kind"].__getitem__, kind_bytes)), kind_bytes.translate(self.kind_at)
        person_bytes = rng.randbytes(n)
        person, person_at = list(map(tables["person"].__getitem__, person_bytes)), person_bytes.translate(self.person_at)
        org_id = list(follow(person_at, tables["org"], n))
        deal_lead = rng.randbytes(n)
        deal_id = list(map(tables["deal"].__getitem__, deal_lead))
        # Each template's text for the entity it names: the person, the org (else another), the deal (else another).
        subject = [texts[person_id - 1 if slot == 0 else (org or other_org) - 1 if slot == 1
                         else (deal or other_deal) - 1]
                   for (slot, texts), person_id, org, other_org, deal, other_deal in zip(
                       follow(kind_at, tables["template"], n), person, org_id, draw(tables["other_org"], n),
                       deal_id, draw(tables["other_deal"], n))]
        conference = pairs(kind_at, rng.randbytes(n))
        owner = list(draw(tables["user"], n))
        due = [value * 91 >> 16 for value in array("H", rng.randbytes(2 * n))]  # uniform over the 91 days
        done = list(follow(bytes(due), tables["done"], n))
        # Ids follow the order activities were added in, as the API gives them (each a random moment
        # of its own share of the 90 days): the add_time index is then built from keys already in order.
        # Added `now - ((count - i) * SPAN + fraction) * WINDOW // (count * SPAN)` seconds, as
        # `(later_i - fraction * w) // d`: `w / d` is WINDOW / (count * SPAN) in lowest terms (a divisor of
        # one digit), and `later_i`, which holds the rest, steps by the same amount from one id to the next.
        w, d, step = self.window_fraction
        later_first = now_seconds * d + d - 1 - (count - first) * SPAN * w
        added = [(later_i - fraction * w) // d for later_i, fraction in zip(
            range(later_first, later_first + n * step, step), array("H", rng.randbytes(2 * n)))]
        later = now_seconds + 1
        updated = [t + (fraction * (later - t) >> 32) for t, fraction in zip(added, array("I", rng.randbytes(4 * n)))]
        self.keys["add_time"] += [(t << ID_BITS) | i for i, t in zip(ids, added)]
        self.keys["update_time"] += [(t << ID_BITS) | i for i, t in zip(ids, updated)]
        update_time = [hours[t // HOUR] + seconds[t % HOUR] for t in updated]
        for link, values in zip(CONTEXT_LINKS, (deal_id, person, org_id)):
            self.open_links[link].update(compress(values, map(not_, done)))
        # In the order of SEEDED_FIELDS, positionally: keywords cost more than the rest. `starmap` over a
        # `zip` hands each record's arguments over as the one tuple zip reuses (`map` with 30 columns
        # makes a tuple and an array of them per record).
        return starmap(Activity, zip(
            ids, repeat(self.company_id, n), subject, kind, owner, draw(tables["user"], n), owner,
            [hours[t // HOUR] + seconds[t % HOUR] for t in added], update_time, deal_id,
            map(tables["lead"].__getitem__, deal_lead), person, org_id, draw(tables["project"], n),
            map(self.due_dates.__getitem__, due), draw(tables["due_time"], n), follow(kind_at, tables["duration"], n),
            map(tables["busy"].__getitem__, kind_bytes), done,
            [when if finished else None for finished, when in zip(done, update_time)],
            follow(kind_at, tables["location"], n), follow(person_at, tables["participants"], n),
            follow(kind_at, tables["attendees"], n), map(tables["client"].__getitem__, conference),
            map(tables["link"].__getitem__, conference), map(tables["meeting_id"].__getitem__, conference),
            repeat(None, n), draw(tables["priority"], n), follow(bytes(done), tables["outcome"], n),
            draw(tables["note"], n)))


def _conferences(rng: random.Random) -> list[tuple[str, str, str]]:
    """The company's video rooms: a client, the link and the meeting id."""
    rooms = []
    for _ in range(CONFERENCE_ROOMS):
        client, meeting_id = CONFERENCE_CLIENTS[int(rng.random() * 3)], str(10**9 + int(rng.random() * 9 * 10**9))
        rooms.append((client, f"https://meet.example.com/{client}/{meeting_id}", meeting_id))
    return rooms


def _participants(person_ids: tuple[int, ...]) -> tuple[dict[str, Any], ...]:
    """The first person is the primary participant; the others once each, in order."""
    others = dict.fromkeys(p for p in person_ids[1:] if p != person_ids[0])
    return ({"person_id": person_ids[0], "primary": True},) + tuple({"person_id": p, "primary": False} for p in others)
