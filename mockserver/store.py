"""The in-memory store: companies (tenants), and the tokens that lead to them."""
from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator

from . import limits
from .clock import Clock
from .company import ChangeListener, Company
from .constants import ADMIN_TOKEN, DEFAULT_ACTIVITIES, DEFAULT_COMPANY_ID, DEFAULT_SEED, USER_TOKEN
from .errors import NotFound
from .model import User
from .seed import seed_company, seed_fixtures


class Store:
    """Every company's data. A token belongs to one user of one company, and sees only that company."""

    def __init__(self, clock: Clock | None = None, *, strict_links: bool = False) -> None:
        self.clock = clock or Clock()
        self.strict_links = strict_links
        self._lock = threading.RLock()
        self._companies: dict[int, Company] = {}
        self._tokens: dict[str, User] = {}
        self._next_user_id = 1
        self._pristine: tuple[frozenset[int], int] | None = None
        self._listener: ChangeListener | None = None

    @classmethod
    def default(cls, seed: int = DEFAULT_SEED, activities: int = DEFAULT_ACTIVITIES,
                clock: Clock | None = None, *, strict_links: bool = False,
                admin_token: str = ADMIN_TOKEN, user_token: str = USER_TOKEN) -> Store:
        """A store with company 1: admin user 1 (`admin-token`) and regular user 2 (`user-token`)."""
        store = cls(clock, strict_links=strict_links)
        store.create_company(seed=seed, activities=activities,
                             admin_token=admin_token, user_token=user_token)
        store.mark_pristine()
        return store

    # -- companies and users --------------------------------------------------------------------
    def create_company(self, *, seed: int = DEFAULT_SEED, activities: int = DEFAULT_ACTIVITIES,
                       admin_token: str | None = None, user_token: str | None = None) -> Company:
        with self._lock:
            limits.check_companies(len(self._companies))
            company_id = max(self._companies, default=DEFAULT_COMPANY_ID - 1) + 1
            company = Company(company_id, f"Company {company_id}")
            company.on_change = self._listener
            self.add_user(company, "Admin", admin_token or f"company-{company_id}-admin-token", is_admin=True)
            self.add_user(company, "User", user_token or f"company-{company_id}-user-token", is_admin=False)
            self._companies[company_id] = company
            seed_fixtures(company, self.clock.now())
            seed_company(company, seed, activities, self.clock.now())
            company.mark_pristine()
            return company

    def add_user(self, company: Company, name: str, token: str, *, is_admin: bool = False) -> User:
        """A new user of `company`; user ids are unique across companies, as in Pipedrive."""
        limits.check_token(token)
        with self._lock:
            if token in self._tokens:
                raise ValueError(f"token {token!r} is already taken")
            user_id = self._next_user_id
            self._next_user_id += 1
            email = f"{name.lower().replace(' ', '.')}.{user_id}@company{company.id}.example.com"
            user = User(user_id, company.id, f"{name} {user_id}" if name in ("Admin", "User") else name,
                        email, token, is_admin)
            with company.lock:
                company.users[user_id] = user
            self._tokens[token] = user
            return user

    @property
    def next_user_id(self) -> int:
        return self._next_user_id

    def replace(self, companies: Iterable[Company], next_user_id: int) -> None:
        """Swap in a whole new set of companies at once (snapshots, state files); tokens follow users.

        Raises ValueError, changing nothing, when two users share a token or an id, or a user id is
        not below `next_user_id`.
        """
        companies = list(companies)
        tokens: dict[str, User] = {}
        user_ids: set[int] = set()
        for company in companies:
            for user in company.users.values():
                if user.token in tokens:
                    raise ValueError(f"token {user.token!r} belongs to two users")
                if user.id in user_ids or user.id >= next_user_id:
                    raise ValueError(f"user id {user.id} is used twice or is not below next_user_id "
                                     f"{next_user_id}")
                tokens[user.token] = user
                user_ids.add(user.id)
        for company in companies:
            company.on_change = self._listener
        with self._lock:
            self._companies = {company.id: company for company in companies}
            self._tokens = tokens
            self._next_user_id = next_user_id
            self.mark_pristine()

    def listen(self, listener: ChangeListener | None) -> None:
        """Tell `listener` of every activity write in every company, present and future."""
        with self._lock:
            self._listener = listener
            for company in self._companies.values():
                company.on_change = listener

    def authenticate(self, token: str | None) -> tuple[Company, User] | None:
        user = self._tokens.get(token) if token else None
        if user is None:
            return None
        company = self._companies[user.company_id]
        if company.users.get(user.id) is not user:  # removed since, e.g. by a reset
            return None
        return company, user

    def company(self, company_id: int) -> Company:
        try:
            return self._companies[company_id]
        except KeyError:
            raise NotFound(f"Company {company_id} was not found") from None

    def companies(self) -> Iterator[Company]:
        return iter(list(self._companies.values()))

    def users(self) -> list[User]:
        return [user for company in self.companies() for user in company.users.values()]

    def drop_company(self, company_id: int) -> None:
        """Remove a company, its users and their tokens."""
        with self._lock:
            company = self._companies.pop(company_id)
            for token, user in list(self._tokens.items()):
                if user.company_id == company.id:
                    del self._tokens[token]

    # -- whole-state operations -------------------------------------------------------------------
    def mark_pristine(self) -> None:
        """Remember which companies exist and the next user id: what `reset(drop_added=True)` returns to.

        Done when the store is made (`default`) and when a whole state is swapped in (`replace`).
        """
        with self._lock:
            self._pristine = (frozenset(self._companies), self._next_user_id)

    def reset(self, company_id: int | None = None, *, drop_added: bool = False) -> None:
        """Every company (or one) back to its seeded state.

        With `drop_added`, a whole-store reset also drops the companies created since `mark_pristine`
        and hands out the same user ids again, so what one test did leaves no trace in the next.
        """
        targets = [self.company(company_id)] if company_id is not None else self.companies()
        for company in targets:
            company.reset()
            self._sync_tokens(company)
        if drop_added and company_id is None and self._pristine is not None:
            companies, next_user_id = self._pristine
            with self._lock:
                for extra in set(self._companies) - companies:
                    self.drop_company(extra)
                self._next_user_id = next_user_id

    def reseed(self, company_id: int, seed: int, activities: int) -> Company:
        company = self.company(company_id)
        with company.lock:
            company.reset()
            seed_company(company, seed, activities, self.clock.now())
            company.mark_pristine()
        return company

    def purge(self) -> None:
        now = self.clock.time()
        for company in self.companies():
            company.purge(now)

    def _sync_tokens(self, company: Company) -> None:
        with self._lock:
            for token, user in list(self._tokens.items()):
                if user.company_id == company.id and company.users.get(user.id) is not user:
                    del self._tokens[token]
            for user in company.users.values():
                self._tokens[user.token] = user
