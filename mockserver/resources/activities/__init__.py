"""Activities: v2 at /api/v2/activities, v1's collection and bulk delete at /v1 and /api/v1.

The records themselves live on the Company (its activities, keyset indexes and page cache), since reset,
snapshots, seeding and every list share them; the rules a write must pass are in `rules`, the views
and the `RESOURCE` in `routes`, the marshmallow shapes in `schemas`.
"""
