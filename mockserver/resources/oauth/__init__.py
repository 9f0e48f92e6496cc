"""OAuth as a Pipedrive app sees it: apps, consent, codes, tokens and scopes, on the mock's clock."""
from __future__ import annotations

from .grants import Authority, Grant, Issued, OAuthApp
from .server import OAuthServer

__all__ = ["Authority", "Grant", "Issued", "OAuthApp", "OAuthServer"]
