"""The one place that says who acts where.

`ambito_di(user)` reads the user's approved roles once per request and answers the questions every app
needs to scope its querysets ("which districts does this user's office cover?", "which schools does this
user coordinate?", "is this metropolitan staff?"). Apps build their `visibili_a(user)` /
`modificabili_da(user)` queryset methods on it, so list and detail views cannot drift apart.
Organisation contacts are scoped in partnership.permissions (organisations live in that higher layer).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alternanza.core.tipi import Utente
from alternanza.core.utenti import riservata_a

# The scope itself is computed next to the role rows it reads (distretti.models), so that the models'
# own querysets use it without an import cycle; this module is where the apps take it from.
from distretti.models import ANONIMO, Ambito, Incarico, ambito_di, dimentica_ambito

__all__ = [
    "ANONIMO",
    "Ambito",
    "ambito_di",
    "dimentica_ambito",
    "di_staff",
    "di_staff_o_scuola",
    "di_staff_o_ufficio",
    "incarichi_decidibili_da",
    "puo_decidere_richieste",
    "richiede_mfa",
]

# Predicates of the role gates (alternanza.core.utenti.richiede); staff (and superusers) always pass.


@riservata_a(_("allo staff della Città metropolitana"))
def di_staff(user: Utente) -> bool:
    """Staff of the Città metropolitana."""
    return ambito_di(user).staff


@riservata_a(_("agli uffici tecnici distrettuali e allo staff della Città metropolitana"))
def di_staff_o_ufficio(user: Utente) -> bool:
    """Staff or a district office."""
    ambito = ambito_di(user)
    return ambito.staff or ambito.ufficio_distretto


@riservata_a(_("ai referenti scolastici e allo staff della Città metropolitana"))
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


@riservata_a(_("a chi approva i ruoli: gli uffici tecnici distrettuali e lo staff della Città metropolitana"))
def puo_decidere_richieste(user: Utente) -> bool:
    """Whether the user approves role requests at all (staff and district offices)."""
    return di_staff_o_ufficio(user)
