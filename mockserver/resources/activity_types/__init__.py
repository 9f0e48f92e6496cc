"""Activity types (v1): `GET|POST /v1/activityTypes`, `PUT|DELETE /v1/activityTypes/{id}`, at /v1 and /api/v1.

The types themselves live on the Company (activities check their `type` against them); the rules of
writing one are in `rules`, the views and the `RESOURCE` in `routes`, the v1 shape in `schemas`.
"""
