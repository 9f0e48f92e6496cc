"""The module uWSGI's worker loads (`--module mockserver.uwsgi_app:application`): it builds the app
`serving.run_uwsgi` was given the factory of, then prints the start-up line."""
from __future__ import annotations

import os

from . import serving

assert serving.app_factory is not None, "loaded by serving.run_uwsgi only"
application = serving.app_factory()
os.write(serving.announcement_fd, serving.announcement.encode() + b"\n")
