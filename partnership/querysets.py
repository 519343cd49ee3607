"""Who sees and edits what in the partnership network, as chainable queryset methods.

Every rule is built on distretti.permissions.ambito_di (schools, district offices, staff) plus the
organisations a user acts for. List and detail views share these methods, so they cannot drift apart:
an object outside `visibili_a(user)` answers 404, one visible but outside `modificabili_da(user)` 403.
"""

from __future__ import annotations

import datetime
from typing import Self

from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import Exists, Func, OuterRef, Q
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from alternanza.core.tipi import Utente
from distretti.models import Comune, StatoIncarico
from distretti.permissions import Ambito, ambito_di

_CACHE_ATTR = "_organizzazioni_rete_cache"


class _UgualeAUno(Func):
    """`campo = ANY(ARRAY(subquery))`, a condition."""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = models.BooleanField()


def _tra(campo: str, sottoquery: models.QuerySet) -> Q:
    """`campo` among the values of `sottoquery`, written as an array: inside an OR, `IN (subquery)` (and
    a join to the comuni) can only be tested row by row, so the visibility of an office's organisations
    read all 20,000 of the large data (≈13 ms a list); an array is an index condition, and each arm of
    the OR reads its own index (≈1 ms)."""
    return Q(_UgualeAUno(models.F(campo), ArraySubquery(sottoquery.order_by())))  # order is irrelevant


def organizzazioni_di(user: Utente | None) -> frozenset[int]:
    """Ids of the organisations the user is an approved contact of (one query, cached on the user).

    Read through the user's reverse relation, so the querysets need no model of this app."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = frozenset(
            user.referenze_organizzazione.filter(stato=StatoIncarico.APPROVATO).values_list(  # type: ignore[union-attr]
                "organizzazione_id", flat=True
            )
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def dimentica_organizzazioni(user: Utente) -> None:
    """Drop the cached organisations (after a contact role changes within the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _distretti_di(ambito: Ambito) -> frozenset[int]:
    """Districts whose non-public network records the user may see (offices and school coordinators)."""
    return ambito.distretti_ufficio | ambito.distretti_scuole


class OrganizzazioneQuerySet(models.QuerySet):
    def pubbliche(self):
        return self.filter(pubblica=True, da_verificare=False)

    def verificate(self):
        return self.filter(da_verificare=False)

    def da_verificare_per(self, user: Utente) -> Self:
        """Proposed organisations this user checks: staff all; a district office those proposed by a
        school of its districts or based there."""
        ambito = ambito_di(user)
        qs = self.filter(da_verificare=True)
        if ambito.staff:
            return qs
        d = ambito.distretti_ufficio
        if not d:
            return qs.none()
        return qs.filter(Q(proposta_da_scuola__comune__distretto__in=d) | Q(comune__distretto__in=d))

    def sceglibili_da(self, user: Utente) -> Self:
        """What a form offers as a party: the visible organisations, except proposed ones not yet checked,
        which only the proposing school, the offices that check them and staff may already name."""
        ambito = ambito_di(user)
        visibili = self.visibili_a(user)
        if ambito.staff:
            return visibili
        altre = Q(da_verificare=False) | Q(proposta_da_scuola__in=ambito.scuole)
        if ambito.distretti_ufficio:
            d = ambito.distretti_ufficio
            altre |= Q(proposta_da_scuola__comune__distretto__in=d) | Q(comune__distretto__in=d)
        return visibili.filter(altre)

    def _del_territorio(self, ambito: Ambito, user: Utente) -> Q | None:
        """The condition of del_territorio_di (None when the user has no territory), to be ORed with others
        in one WHERE: as `pk__in` of that queryset it became a subplan scanning every organisation."""
        distretti = _distretti_di(ambito)
        proprie = organizzazioni_di(user)
        if not distretti and not proprie:
            return None
        # The rows of Partnership.organizzazioni (its through model, reached from the reverse relation: the
        # querysets import no model): only the ids count, no organisation needs to be read.
        righe = self.model._meta.get_field("partnership").through._default_manager
        in_partnership = righe.filter(partnership__distretti__in=distretti).values("organizzazione_id")
        comuni = Comune.objects.filter(distretto__in=distretti).values("pk")
        return _tra("comune_id", comuni) | _tra("pk", in_partnership) | Q(pk__in=proprie)

    def del_territorio_di(self, user: Utente) -> Self:
        """Organisations of the user's districts: based there, or in a partnership of the district."""
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        territorio = self._del_territorio(ambito, user)
        return self.none() if territorio is None else self.filter(territorio)

    def visibili_a(self, user: Utente) -> Self:
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        if not ambito.autenticato:
            return self.pubbliche()
        condizione = Q(pubblica=True, da_verificare=False)
        territorio = self._del_territorio(ambito, user)
        if territorio is not None:
            condizione |= territorio
        if ambito.scuole:
            # What the user's school proposed, even outside the metropolitan city.
            condizione |= Q(proposta_da_scuola__in=ambito.scuole)
        if ambito.distretti_ufficio:
            condizione |= Q(proposta_da_scuola__comune__distretto__in=ambito.distretti_ufficio)
        return self.filter(condizione)

    def modificabili_da(self, user: Utente) -> Self:
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        return self.filter(pk__in=organizzazioni_di(user))


# The expiry windows the offices watch (days): the workspace counts convenzioni and agreements in each.
FASCE_SCADENZA = (30, 60, 90)


def _conta_scadenze(qs, campo: str, fasce, oggi) -> dict[int, int]:
    oggi = oggi or timezone.localdate()
    conteggi = qs.order_by().aggregate(
        **{
            f"entro_{giorni}": models.Count(
                "pk",
                filter=Q(**{f"{campo}__gte": oggi, f"{campo}__lte": oggi + datetime.timedelta(days=giorni)}),
                distinct=True,
            )
            for giorni in fasce
        }
    )
    return {giorni: conteggi[f"entro_{giorni}"] for giorni in fasce}


class AccordoQuerySet(models.QuerySet):
    def visibili_a(self, user: Utente) -> Self:
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        if not ambito.autenticato:
            return self.none()
        condizione = Q(organizzazioni__in=organizzazioni_di(user)) | Q(scuole__in=ambito.scuole)
        if ambito.distretti_ufficio:
            d = ambito.distretti_ufficio
            condizione |= (
                Q(distretti__in=d)
                | Q(scuole__comune__distretto__in=d)
                | Q(organizzazioni__comune__distretto__in=d)
            )
        return self.filter(pk__in=self.model.objects.filter(condizione).values("pk"))

    def modificabili_da(self, user: Utente) -> Self:
        return self.all() if ambito_di(user).staff else self.none()

    def in_scadenza(self, giorni: int = 30, oggi=None):
        """Agreements still valid whose validity ends within `giorni` days."""
        oggi = oggi or timezone.localdate()
        return self.filter(valido_al__gte=oggi, valido_al__lte=oggi + datetime.timedelta(days=giorni))

    def scadenze(self, fasce=FASCE_SCADENZA, oggi=None) -> dict[int, int]:
        """{days: how many of these agreements expire within that many days}, in one query."""
        return _conta_scadenze(self, "valido_al", fasce, oggi)


class ConvenzioneQuerySet(models.QuerySet):
    def in_scadenza(self, giorni: int = 30, oggi=None):
        """Not yet expired, expiring within `giorni` days."""
        oggi = oggi or timezone.localdate()
        return self.filter(scadenza__gte=oggi, scadenza__lte=oggi + datetime.timedelta(days=giorni))

    def scadenze(self, fasce=FASCE_SCADENZA, oggi=None) -> dict[int, int]:
        """{days: how many of these convenzioni expire within that many days}, in one query."""
        return _conta_scadenze(self, "scadenza", fasce, oggi)

    def scadute(self, oggi=None):
        return self.filter(scadenza__lt=oggi or timezone.localdate())

    def valide(self, oggi=None):
        return self.filter(scadenza__gte=oggi or timezone.localdate())

    def stato_per(self, scuola_id: int, organizzazione_ids) -> dict[int, object]:
        """For a project of `scuola_id` hosted by these organisations: {organisation id: the convenzione
        with the latest expiry, or None}. One query; callers flag `c is None or c.scaduta`."""
        stato: dict[int, object] = dict.fromkeys(organizzazione_ids)
        for c in self.filter(scuola_id=scuola_id, organizzazione_id__in=list(stato)).order_by("scadenza"):
            stato[c.organizzazione_id] = c  # ordered by expiry: the last one wins
        return stato

    def visibili_a(self, user: Utente) -> Self:
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        if not ambito.autenticato:
            return self.none()
        return self.filter(
            Q(scuola__comune__distretto__in=ambito.distretti_ufficio)
            | Q(scuola__in=ambito.scuole)
            | Q(organizzazione__in=organizzazioni_di(user))
        )

    def modificabili_da(self, user: Utente) -> Self:
        """Staff, and the coordinators of the school (they upload what they signed)."""
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        return self.filter(scuola__in=ambito.scuole)


class PartnershipQuerySet(models.QuerySet):
    def pubblicate(self):
        return self.filter(pubblicata=True)

    def del_territorio_di(self, user: Utente) -> Self:
        """Partnerships of the user's districts; inter-district ones belong to every district involved."""
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        distretti = _distretti_di(ambito)
        proprie = organizzazioni_di(user)
        if not (distretti or ambito.scuole or proprie):
            return self.none()
        through = self.model.distretti.through
        condizione: Combinable | Q = Exists(
            through.objects.filter(partnership_id=OuterRef("pk"), distretto_id__in=distretti)
        )
        if ambito.scuole:
            condizione |= Exists(
                self.model.scuole.through.objects.filter(
                    partnership_id=OuterRef("pk"), scuola_id__in=ambito.scuole
                )
            )
        if proprie:
            condizione |= Exists(
                self.model.organizzazioni.through.objects.filter(
                    partnership_id=OuterRef("pk"), organizzazione_id__in=proprie
                )
            )
        return self.filter(condizione)

    def visibili_a(self, user: Utente) -> Self:
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        if not ambito.autenticato:
            return self.pubblicate()
        return self.filter(Q(pubblicata=True) | Q(pk__in=self.del_territorio_di(user).values("pk")))

    def modificabili_da(self, user: Utente) -> Self:
        return self.all() if ambito_di(user).staff else self.none()


class OffertaQuerySet(models.QuerySet):
    def attive(self, oggi=None):
        return self.filter(attiva=True, data_fine__gte=oggi or timezone.localdate())

    def con_posti_residui(self):
        """Annotate `richiesti` (students named in all the schools' expressions of interest), `occupati`
        (students of the accepted ones: they take the places) and `residui` (places left, never below
        zero). One subquery each, so the annotation does not multiply rows."""
        interessi = self.model.interessi.field.model._default_manager.filter(
            offerta=OuterRef("pk")
        ).order_by()
        somma = interessi.values("offerta").annotate(n=models.Sum("studenti")).values("n")
        accettati = (
            interessi.filter(stato="accettato")
            .values("offerta")
            .annotate(n=models.Sum("studenti"))
            .values("n")
        )
        return self.annotate(
            richiesti=Coalesce(models.Subquery(somma), 0),
            occupati=Coalesce(models.Subquery(accettati), 0),
        ).annotate(residui=Greatest(models.F("posti") - models.F("occupati"), 0))

    def aperte(self, oggi=None):
        """Active, not past the deadline nor the end, with places left (needs con_posti_residui)."""
        oggi = oggi or timezone.localdate()
        return self.attive(oggi).filter(
            Q(scadenza_candidature__isnull=True) | Q(scadenza_candidature__gte=oggi), residui__gt=0
        )

    def visibili_a(self, user: Utente) -> Self:
        """Active offers for every role holder of the network; an organisation always sees its own."""
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        proprie = organizzazioni_di(user)
        if not (ambito.ha_ruolo or proprie):
            return self.none()
        condizione = Q(organizzazione__in=proprie)
        if ambito.ha_ruolo:
            condizione |= Q(attiva=True)
        return self.filter(condizione)

    def modificabili_da(self, user: Utente) -> Self:
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        return self.filter(organizzazione__in=organizzazioni_di(user))


class InteresseQuerySet(models.QuerySet):
    def visibili_a(self, user: Utente) -> Self:
        ambito = ambito_di(user)
        if ambito.staff:
            return self.all()
        if not ambito.autenticato:
            return self.none()
        return self.filter(
            Q(offerta__organizzazione__in=organizzazioni_di(user))
            | Q(scuola__in=ambito.scuole)
            | Q(scuola__comune__distretto__in=ambito.distretti_ufficio)
        )
