"""The permission matrix: what every persona gets from every URL of the portal.

tests/matrice/test_permessi_matrice.py walks the whole URL conf and FAILS for any named URL without an entry
here, so a new view cannot escape it. Each area keeps its entries in its own module
``tests/matrice/<area>.py`` (every module of this package is collected automatically).

Format of an area module
------------------------
::

    from tests.matrice import LOGIN, PUBBLICA, SOLO_STAFF, Azione, Voce, attesi

    def prepara(fx):
        # Optional: create the objects your entries need (runs before every matrix test, after the
        # personas exist). `fx` is a namespace with the personas and the shared objects (see below).
        fx.progetto_a = ProgettoFactory(scuola=fx.scuola_a)

    VOCI = [
        Voce("distretti:elenco", get=PUBBLICA),
        Voce(
            "progetti:modifica",                         # URL name, with namespace
            kwargs=lambda fx: {"pk": fx.progetto_a.pk},  # dict, or callable(fx) -> dict
            get=attesi(404, anonimo=LOGIN, referente_a=200, ufficio_a=200, staff=200, superuser=200),
            post=[
                Azione(
                    "salva",                                             # label in failure messages
                    dati=lambda fx: {"titolo": "Nuovo titolo"},          # dict or callable(fx) -> dict
                    attesi=attesi(404, anonimo=LOGIN, referente_a=302, staff=302, superuser=302),
                ),
            ],
        ),
    ]

Expected values are HTTP status codes, or ``LOGIN`` (a 302 to the login page, the usual answer to an
anonymous visitor of a protected page). Build them with ``attesi(default, **per_persona)``; shortcuts:
``PUBBLICA`` (200 for everyone), ``AUTENTICATI`` (200, anonymous → LOGIN), ``SOLO_STAFF`` (200 for staff
and superuser, 403 for other users, anonymous → LOGIN), ``SOLO_POST`` (405 for everyone: a POST-only
view's GET). ``get=None`` means "GET is not checked" — use it only with a ``nota`` saying why.

Personas (``PERSONE``): anonimo; referente_a (coordinator of scuola_a, Bologna = distretto_a);
referente_b (coordinator of scuola_b, Imola = distretto_b); ufficio_a / ufficio_b (district offices of
distretto_a / distretto_b, with MFA); referente_org (approved contact of ``organizzazione``); staff
(Città metropolitana role + is_staff, with MFA); superuser (with MFA).

The fixtures namespace ``fx`` holds every persona under its name (``fx.anonimo`` is None) and the
objects distretto_a, distretto_b, scuola_a, scuola_b, organizzazione, plus whatever the ``prepara``
hooks add (all hooks of all modules run, in module-name order, so one area may use another's objects).

Each request runs inside a savepoint that is rolled back afterwards, so every persona sees the same
starting data and a POST that changes state (approve, delete) does not disturb the next persona.
Every POST action is also sent once without a CSRF token (as staff) and must be refused with 403,
unless the action says ``csrf_esente=True`` (only RFC 8058 one-click unsubscribe may).

A page that answers 200 and contains a POST form to itself (no action, or its own URL) must list at least
one POST action (test_ogni_form_post_ha_le_sue_azioni_nella_matrice); entries that predate this rule are
listed in POST_DA_AGGIUNGERE in tests/matrice/test_permessi_matrice.py until their area adds the actions.

Rule of thumb for expectations (issue #4): an object outside the user's scope answers 404, a
forbidden action on a visible object 403, an anonymous visitor of a private page is sent to LOGIN.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONE = (
    "anonimo",
    "referente_a",
    "referente_b",
    "ufficio_a",
    "ufficio_b",
    "referente_org",
    "staff",
    "superuser",
)

LOGIN = "login"  # a 302 to the login page

Atteso = int | str
Dati = dict[str, Any] | Callable[[Any], dict[str, Any]]


def attesi(default: Atteso, **per_persona: Atteso) -> dict[str, Atteso]:
    """Expected answer for every persona: `default`, except the personas named."""
    sconosciute = set(per_persona) - set(PERSONE)
    if sconosciute:
        raise ValueError(f"Unknown personas in the matrix: {sorted(sconosciute)}; valid: {PERSONE}")
    return {nome: per_persona.get(nome, default) for nome in PERSONE}


PUBBLICA = attesi(200)
AUTENTICATI = attesi(200, anonimo=LOGIN)
SOLO_STAFF = attesi(403, anonimo=LOGIN, staff=200, superuser=200)
SOLO_POST = attesi(405)


@dataclass(frozen=True)
class Azione:
    """A POST to the entry's URL, with its data and the expected answer per persona."""

    nome: str
    attesi: dict[str, Atteso]
    dati: Dati = field(default_factory=dict)
    csrf_esente: bool = False


@dataclass(frozen=True)
class Voce:
    """The expectations for one named URL."""

    nome: str
    get: dict[str, Atteso] | None
    kwargs: Dati = field(default_factory=dict)
    post: list[Azione] = field(default_factory=list)
    query: str = ""
    nota: str = ""

    def __post_init__(self):
        if self.get is None and not self.nota:
            raise ValueError(f"{self.nome}: get=None needs a `nota` explaining why GET is not checked")


def risolvi(valore: Dati, fx) -> dict[str, Any]:
    return valore(fx) if callable(valore) else dict(valore)


def moduli() -> list[Any]:
    """Every area module of this package, by name."""
    import tests.matrice as pacchetto

    return [
        importlib.import_module(f"{pacchetto.__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(pacchetto.__path__), key=lambda i: i.name)
    ]


def tutte_le_voci() -> dict[str, Voce]:
    """All entries of all area modules, by URL name; a name registered twice is an error."""
    voci: dict[str, Voce] = {}
    for modulo in moduli():
        for voce in getattr(modulo, "VOCI", []):
            if voce.nome in voci:
                raise ValueError(f"URL name {voce.nome!r} has two entries in the matrix ({modulo.__name__})")
            voci[voce.nome] = voce
    return voci


def preparatori() -> list[Callable[[Any], None]]:
    return [modulo.prepara for modulo in moduli() if hasattr(modulo, "prepara")]
