"""Helpers of the tests that start a real Celery worker (marked `worker`) in a process of its own."""

from __future__ import annotations

from urllib.parse import quote

from django.db import connection


def url_database_di_test() -> str:
    """The TEST database of this run (test_<name>), whatever DATABASE_URL the suite was started with:
    the worker process must read and write the rows the test sees."""
    d = connection.settings_dict
    credenziali = quote(d["USER"] or "")
    if d.get("PASSWORD"):
        credenziali += ":" + quote(d["PASSWORD"])
    return f"postgres://{credenziali}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"
