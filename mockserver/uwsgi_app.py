"""The module uWSGI loads (`--module mockserver.uwsgi_app:application`): the app `serving.run_uwsgi`
built, and the start-up line, printed by the worker once it runs (uWSGI's post-fork hook)."""
from __future__ import annotations

import os

import uwsgi  # only importable inside uWSGI

from . import serving

application = serving.application


def _announce() -> None:
    os.write(serving.announcement_fd, serving.announcement.encode() + b"\n")


uwsgi.post_fork_hook = _announce
