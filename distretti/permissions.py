"""The one place that says who acts where.

`ambito_di(user)` reads the user's approved roles once per request and answers the questions every app
needs to scope its querysets ("which districts does this user's office cover?", "which schools does this
user coordinate?", "is this metropolitan staff?"). Apps build their `visibili_a(user)` /
`modificabili_da(user)` queryset methods on it, so list and detail views cannot drift apart.
Organisation contacts are scoped in partnership.permissions (organisations live in that higher layer).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from alternanza.core.tipi import Utente
from distretti.models import Incarico, StatoIncarico

_CACHE_ATTR = "_ambito_rete_cache"


@dataclass(frozen=True)
class Ambito:
    autenticato: bool = False
    staff: bool = False
    distretti_ufficio: frozenset[int] = field(default_factory=frozenset)
    scuole: frozenset[int] = field(default_factory=frozenset)
    # Districts of the schools the user coordinates (a coordinator sees its own district's network).
    distretti_scuole: frozenset[int] = field(default_factory=frozenset)

    @property
    def ufficio_distretto(self) -> bool:
        return bool(self.distretti_ufficio)

    @property
    def referente_scuola(self) -> bool:
        return bool(self.scuole)

    @property
    def ha_ruolo(self) -> bool:
        return self.staff or self.ufficio_distretto or self.referente_scuola

    def vede_distretto(self, distretto_id: int) -> bool:
        """Whether the user may see the non-public records of this district."""
        return self.staff or distretto_id in self.distretti_ufficio


ANONIMO = Ambito()


def ambito_di(user: Utente | None) -> Ambito:
    """The user's approved scope, computed with one query and cached on the user object."""
    if user is None or not user.is_authenticated:
        return ANONIMO
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    righe = Incarico.objects.filter(utente=user, stato=StatoIncarico.APPROVATO).values_list(
        "ruolo", "scuola_id", "distretto_id", "scuola__comune__distretto_id"
    )
    staff = bool(getattr(user, "is_superuser", False))
    distretti: set[int] = set()
    scuole: set[int] = set()
    distretti_scuole: set[int] = set()
    for ruolo, scuola_id, distretto_id, distretto_scuola_id in righe:
        if ruolo == Incarico.Ruolo.STAFF:
            staff = True
        elif ruolo == Incarico.Ruolo.UFFICIO_DISTRETTO:
            distretti.add(distretto_id)
        elif ruolo == Incarico.Ruolo.REFERENTE_SCUOLA:
            scuole.add(scuola_id)
            distretti_scuole.add(distretto_scuola_id)
    ambito = Ambito(
        autenticato=True,
        staff=staff,
        distretti_ufficio=frozenset(distretti),
        scuole=frozenset(scuole),
        distretti_scuole=frozenset(distretti_scuole),
    )
    setattr(user, _CACHE_ATTR, ambito)
    return ambito


def dimentica_ambito(user: Utente) -> None:
    """Drop the cached scope (after a role changes within the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


# Predicates of the role gates (alternanza.core.utenti.richiede); staff (and superusers) always pass.


def di_staff(user: Utente) -> bool:
    """Staff of the Città metropolitana."""
    return ambito_di(user).staff


def di_staff_o_ufficio(user: Utente) -> bool:
    """Staff or a district office."""
    ambito = ambito_di(user)
    return ambito.staff or ambito.ufficio_distretto


def di_staff_o_scuola(user: Utente) -> bool:
    """Staff or a school coordinator."""
    ambito = ambito_di(user)
    return ambito.staff or ambito.referente_scuola


def richiede_mfa(user: Utente) -> bool:
    """Staff and district offices must use a second factor (docs/architecture.md)."""
    return di_staff_o_ufficio(user)


def incarichi_decidibili_da(user: Utente) -> QuerySet[Incarico]:
    """The role requests this user may approve or reject (never their own).

    Staff decide every role; a district office decides the school-coordinator roles of the schools of its
    district; district-office and staff roles are decided by staff only (issue #4).
    """
    ambito = ambito_di(user)
    qs = Incarico.objects.exclude(utente_id=getattr(user, "pk", None))
    if ambito.staff:
        return qs
    if ambito.ufficio_distretto:
        return qs.filter(
            ruolo=Incarico.Ruolo.REFERENTE_SCUOLA, scuola__comune__distretto_id__in=ambito.distretti_ufficio
        )
    return qs.none()


def puo_decidere_richieste(user: Utente) -> bool:
    """Whether the user approves role requests at all (staff and district offices)."""
    return di_staff_o_ufficio(user)
