"""Admin registrations of the alternanza app (autodiscovery imports this module)."""

from alternanza.progetti import admin as _progetti  # noqa: F401
