"""Users (v1): `GET /v1/users/me`, `GET /v1/users`, `GET /v1/users/{id}`, at /v1 and /api/v1.

The users live on the Company (every token is one of them); the v1 shape is in `schemas`, the views and
the `RESOURCE` in `routes`.
"""
