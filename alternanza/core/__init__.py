"""The shared core below every app: portal-wide machinery and small helpers, one module per job.

Every app imports it; it imports no app of the project (enforced by the import-linter contract of
`make check`). It is a plain package, not a Django app: it has no models, templates or URLs.
"""
