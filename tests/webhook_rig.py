"""The delivery engine's rig for the webhook tests: a store on a frozen clock whose activity events go to a
local receiver, and the calls a test makes of it (subscribe, add, settle, the delivery log)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from pipedrive_mock.fixtures.receiver import Receiver
from pipedrive_mock.model import User
from pipedrive_mock.store import Store
from pipedrive_mock.resources.webhooks import ActivityEvents, Deliveries, StoreRegistry
from pipedrive_mock.resources.webhooks.subscriptions import subscribe

START = 1_750_000_000.0


@dataclass
class Rig:
    store: Store
    deliveries: Deliveries
    receiver: Receiver
    admin: User

    @property
    def company(self) -> Any:
        return self.store.company(1)

    def subscribe(self, **fields: Any) -> Any:
        body = {"subscription_url": self.receiver.url, "event_action": "*", "event_object": "*", "name": "test",
                **fields}
        return subscribe(self.company, self.admin, body, self.store.clock.time(), self.deliveries.targets)

    def add(self, **fields: Any) -> Any:
        return self.company.add(self.admin, {"subject": "Call", "type": "call", **fields}, self.store.clock.now())

    def settle(self) -> None:
        assert self.deliveries.wait_idle(5), "deliveries did not settle"

    def log(self, outcome: str | None = None) -> list[Any]:
        return [e for e in self.deliveries.log.entries() if outcome is None or e.outcome == outcome]


@pytest.fixture
def rig() -> Iterator[Rig]:
    store = Store.default(activities=0)
    store.clock.freeze(START)
    deliveries = Deliveries(store.clock, StoreRegistry(store), timeout=2)
    store.listen(ActivityEvents(store.clock, deliveries))
    admin = next(u for u in store.company(1).users.values() if u.is_admin)
    with Receiver() as receiver:
        yield Rig(store, deliveries, receiver, admin)
        deliveries.stop()
