"""The v1 shape of a user, and of the current user (the company's name and domain added).

Fields the mock has no data for get fixed values (README fidelity notes): English, UTC, EUR.
"""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from ...model import User

DEFAULT_CURRENCY = "EUR"
LOCALE = "en_US"
LANG = 1  # Pipedrive's language id of English
TIMEZONE = ("UTC", "+00:00")
ADMIN_ROLE_ID, USER_ROLE_ID = 1, 2
PERMISSION_SETS = {True: "global-admin", False: "global-regular-user"}


def access(user: User) -> list[dict[str, Any]]:
    """A global admin has `{"app": "global", "admin": true}` (facts page, "The current user")."""
    return [{"app": "global", "admin": user.is_admin, "permission_set_id": PERMISSION_SETS[user.is_admin]}]


class UserV1Schema(Schema):
    id = fields.Integer()
    name = fields.String()
    default_currency = fields.Constant(DEFAULT_CURRENCY)
    locale = fields.Constant(LOCALE)
    lang = fields.Constant(LANG)
    email = fields.String()
    phone = fields.Constant(None)
    activated = fields.Constant(True)
    modified = fields.Constant(None)
    access = fields.Function(access)
    active_flag = fields.Constant(True)
    timezone_name = fields.Constant(TIMEZONE[0])
    timezone_offset = fields.Constant(TIMEZONE[1])
    role_id = fields.Function(lambda user: ADMIN_ROLE_ID if user.is_admin else USER_ROLE_ID)
    icon_url = fields.Constant(None)
    is_deleted = fields.Constant(False)


_USER = UserV1Schema()


def user_v1(user: User, *, you: User, created: str, now: str, first_user_id: int) -> dict[str, Any]:
    """The user as `you` sees it: the company's first user created it; everyone last logged in now."""
    return {**_USER.dump(user), "is_you": user.id == you.id, "last_login": now, "created": created,
            "has_created_company": user.id == first_user_id}
