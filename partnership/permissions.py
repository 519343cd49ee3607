"""Who acts for which organisation: the organisation scope, built on distretti.permissions.

Organisation contacts (approved ReferenteOrganizzazione rows) change their own organisations' profile and
offers; staff change every organisation; district offices see their district's organisations but do not
edit them. Apps scope their querysets with these helpers, so list and detail views cannot drift apart.
"""

from __future__ import annotations

from distretti.permissions import ambito_di
from partnership.models import Organizzazione, ReferenteOrganizzazione
from partnership.querysets import dimentica_organizzazioni, organizzazioni_di

__all__ = [
    "dimentica_organizzazioni",
    "organizzazioni_di",
    "organizzazioni_modificabili_da",
    "referenze_decidibili_da",
]


def organizzazioni_modificabili_da(user):
    """The organisations whose profile and offers this user may change."""
    if ambito_di(user).staff:
        return Organizzazione.objects.all()
    ids = organizzazioni_di(user)
    if not ids:
        return Organizzazione.objects.none()
    return Organizzazione.objects.filter(pk__in=ids)


def referenze_decidibili_da(user):
    """The organisation-contact requests this user may approve or reject (never their own).

    Staff decide all of them; a district office decides those of organisations based in its district
    (an organisation outside the metropolitan city, or without a comune, is decided by staff).
    """
    ambito = ambito_di(user)
    qs = ReferenteOrganizzazione.objects.exclude(utente_id=getattr(user, "pk", None))
    if ambito.staff:
        return qs
    if ambito.ufficio_distretto:
        return qs.filter(organizzazione__comune__distretto_id__in=ambito.distretti_ufficio)
    return qs.none()
