"""Shared fixtures of the test suite. Personas and factories live in tests/factories.py and here."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _cache_vuota():
    """Every test starts with an empty cache (pages are cached in Redis)."""
    cache.clear()
    yield
