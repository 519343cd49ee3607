"""The registry of demo-data loaders that `manage.py carica_demo` runs.

Each app registers its loader from its AppConfig.ready(), by dotted path, so the command imports nothing
of the apps above the one that owns it; apps are ready in INSTALLED_APPS order, which is the layer order,
so the loaders run lowest layer first:

    registra_demo("partnership.demo.carica")

A loader is `carica(scala: str, rng: random.Random) -> None`; running it twice adds only what is missing.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.utils.module_loading import import_string

Caricatore = Callable[[str, random.Random], None]

_REGISTRO: list[str] = []


def registra_demo(percorso: str) -> None:
    """Add the loader at `percorso` ("app.demo.carica") to the end of the list, once."""
    if percorso not in _REGISTRO:
        _REGISTRO.append(percorso)


def caricatori() -> list[tuple[str, Caricatore]]:
    """The registered loaders in registration order, as (dotted path, function)."""
    return [(percorso, import_string(percorso)) for percorso in _REGISTRO]
