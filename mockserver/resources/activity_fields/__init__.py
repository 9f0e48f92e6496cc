"""Activity fields: `GET /v1/activityFields` (offset pages), `GET /api/v2/activityFields` (cursor pages) and
`GET /api/v2/activityFields/{field_code}`.

The fields are the properties of the contract's v2 activity (`catalog`); `options` holds the option
sets of `priority` and `outcome`, which activity bodies are checked against. Views and the `RESOURCE`
are in `routes`.
"""
