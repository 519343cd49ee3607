"""django-filter sets of the network's lists: bookmarkable GET filters shared by pages and exports.

Many-to-many filters use `pk__in` subqueries, never joins, so rows are not duplicated and the page
keeps one COUNT and one SELECT whatever the filters.
"""

from __future__ import annotations

import re

import django_filters as df
from django import forms
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from alternanza.core import ricerca
from alternanza.core.moduli import FiltroConIntervallo
from alternanza.core.ordinamento import Ordinamento
from distretti.models import AmbitoTematico, Comune, Distretto, Livello
from partnership.models import Accordo, AreaS3, OffertaOspitalita, Organizzazione, Partnership
from partnership.querysets import FASCE_SCADENZA
from partnership.validatori import normalizza_codice_fiscale, sezioni_ateco


def _comuni():
    return Comune.objects.select_related(None).only("id", "nome")


# A partita IVA (11 digits) or a codice fiscale (16 letters and digits), once normalised; the start of
# an ATECO code ("25", "25.6", "25.62.00").
CODICE_FISCALE = re.compile(r"\d{11}|[A-Z0-9]{16}")
INIZIO_ATECO = re.compile(r"\d{2}(\.\d{0,2}){0,2}")


def condizione_codici(testo: str) -> Q | None:
    """The organisations whose tax code is `testo`, or whose ATECO code starts with it, when `testo` has
    the shape of one; None for words. An ATECO prefix has no index: in the search's OR it made PostgreSQL
    read all 20,000 organisations of the large data and compute the trigram match of each (≈75 ms)."""
    testo = testo.strip()
    codice = normalizza_codice_fiscale(testo)
    condizione = Q(codice_fiscale=codice) if CODICE_FISCALE.fullmatch(codice) else Q()
    if INIZIO_ATECO.fullmatch(testo):
        condizione |= Q(codice_ateco__startswith=testo)
    return condizione or None


class _Periodo(FiltroConIntervallo, df.FilterSet):
    """Period overlap: a record is kept when [inizio, fine] meets [dal, al] (open ends allowed)."""

    campo_inizio = "data_inizio"
    campo_fine = "data_fine"

    dal = df.DateFilter(label=_("Dal"), method="filtra_dal")
    al = df.DateFilter(label=_("Al"), method="filtra_al")

    def filtra_dal(self, queryset, name, value):
        f = self.campo_fine
        return queryset.filter(Q(**{f"{f}__gte": value}) | Q(**{f"{f}__isnull": True}))

    def filtra_al(self, queryset, name, value):
        i = self.campo_inizio
        return queryset.filter(Q(**{f"{i}__lte": value}) | Q(**{f"{i}__isnull": True}))


class OrganizzazioneFilter(df.FilterSet):
    q = df.CharFilter(label=_("Cerca"), method="cerca")
    distretto = df.ModelChoiceFilter(
        label=_("Distretto"),
        queryset=Distretto.objects.all(),
        field_name="comune__distretto",
        empty_label=_("Tutti i distretti"),
    )
    comune = df.ModelChoiceFilter(label=_("Comune"), queryset=_comuni())
    tipo = df.ChoiceFilter(label=_("Tipo"), choices=Organizzazione.Tipo.choices)
    area_s3 = df.ModelChoiceFilter(label=_("Area S3"), queryset=AreaS3.objects.all(), method="filtra_area")
    sezione_ateco = df.ChoiceFilter(label=_("Sezione ATECO"), choices=sezioni_ateco)
    ambito = df.ModelChoiceFilter(
        label=_("Ambito tematico"), queryset=AmbitoTematico.objects.all(), method="filtra_ambito"
    )
    partner_istituzionale = df.BooleanFilter(label=_("Partner istituzionale"))
    ordina = Ordinamento(
        label=_("Ordina per"),
        fields=(
            ("nome", "nome"),
            ("tipo", "tipo"),
            ("comune__nome", "comune"),
            ("aggiornata_il", "aggiornata"),
        ),
        field_labels={
            "nome": _("Nome"),
            "tipo": _("Tipo"),
            "comune__nome": _("Comune"),
            "aggiornata_il": _("Aggiornamento"),
        },
    )

    class Meta:
        model = Organizzazione
        fields: list[str] = []

    def cerca(self, queryset, name, value):
        # The name as typed, its word forms and typos (alternanza.core.ricerca), or a tax / ATECO code.
        return ricerca.cerca(
            queryset,
            value,
            vettore_campo="vettore_nome",
            normalizzato="nome_normalizzato",
            altri=condizione_codici(value),
        )

    def filtra_area(self, queryset, name, value):
        return queryset.filter(
            pk__in=Organizzazione.aree_s3.through.objects.filter(areas3=value).values("organizzazione")
        )

    def filtra_ambito(self, queryset, name, value):
        return queryset.filter(
            pk__in=Partnership.organizzazioni.through.objects.filter(partnership__ambiti=value).values(
                "organizzazione"
            )
        )


class DirectoryFilter(df.FilterSet):
    """The smaller filter of the public directory."""

    q = df.CharFilter(label=_("Cerca"), method="cerca")
    tipo = df.ChoiceFilter(label=_("Tipo"), choices=Organizzazione.Tipo.choices)
    distretto = df.ModelChoiceFilter(
        label=_("Distretto"),
        queryset=Distretto.objects.all(),
        field_name="comune__distretto",
        empty_label=_("Tutti i distretti"),
    )
    area_s3 = df.ModelChoiceFilter(label=_("Area S3"), queryset=AreaS3.objects.all(), method="filtra_area")

    class Meta:
        model = Organizzazione
        fields: list[str] = []

    cerca = OrganizzazioneFilter.cerca
    filtra_area = OrganizzazioneFilter.filtra_area


class PartnershipFilter(_Periodo):
    q = df.CharFilter(label=_("Cerca"), method="cerca")
    distretto = df.ModelChoiceFilter(
        label=_("Distretto"),
        queryset=Distretto.objects.all(),
        method="filtra_distretto",
        empty_label=_("Tutti i distretti"),
    )
    comune = df.ModelChoiceFilter(label=_("Comune"), queryset=_comuni(), method="filtra_comune")
    livello = df.ChoiceFilter(label=_("Livello"), choices=Partnership.Livello.choices)
    stato = df.ChoiceFilter(label=_("Stato"), choices=Partnership.Stato.choices)
    promossa_da = df.ChoiceFilter(label=_("Promossa da"), choices=Partnership.Promotore.choices)
    ambito = df.ModelChoiceFilter(
        label=_("Ambito tematico"), queryset=AmbitoTematico.objects.all(), method="filtra_ambito"
    )
    area_s3 = df.ModelChoiceFilter(label=_("Area S3"), queryset=AreaS3.objects.all(), method="filtra_area")
    tipo_organizzazione = df.ChoiceFilter(
        label=_("Tipo di organizzazione"), choices=Organizzazione.Tipo.choices, method="filtra_tipo"
    )
    sezione_ateco = df.ChoiceFilter(label=_("Sezione ATECO"), choices=sezioni_ateco, method="filtra_ateco")
    ordina = Ordinamento(
        label=_("Ordina per"),
        fields=(("titolo", "titolo"), ("data_inizio", "inizio"), ("stato", "stato"), ("livello", "livello")),
        field_labels={
            "titolo": _("Titolo"),
            "data_inizio": _("Inizio"),
            "stato": _("Stato"),
            "livello": _("Livello"),
        },
    )

    class Meta:
        model = Partnership
        fields: list[str] = []

    def cerca(self, queryset, name, value):
        return queryset.filter(Q(titolo__icontains=value) | Q(descrizione__icontains=value))

    def filtra_distretto(self, queryset, name, value):
        return queryset.filter(
            pk__in=Partnership.distretti.through.objects.filter(distretto=value).values("partnership")
        )

    def filtra_comune(self, queryset, name, value):
        scuole = Partnership.scuole.through.objects.filter(scuola__comune=value).values("partnership")
        org = Partnership.organizzazioni.through.objects.filter(organizzazione__comune=value).values(
            "partnership"
        )
        return queryset.filter(Q(pk__in=scuole) | Q(pk__in=org))

    def filtra_ambito(self, queryset, name, value):
        return queryset.filter(
            pk__in=Partnership.ambiti.through.objects.filter(ambitotematico=value).values("partnership")
        )

    def _per_organizzazioni(self, queryset, **condizione):
        return queryset.filter(
            pk__in=Partnership.organizzazioni.through.objects.filter(**condizione).values("partnership")
        )

    def filtra_area(self, queryset, name, value):
        return self._per_organizzazioni(queryset, organizzazione__aree_s3=value)

    def filtra_tipo(self, queryset, name, value):
        return self._per_organizzazioni(queryset, organizzazione__tipo=value)

    def filtra_ateco(self, queryset, name, value):
        return self._per_organizzazioni(queryset, organizzazione__sezione_ateco=value)


class AccordoFilter(_Periodo):
    campo_inizio = "valido_dal"
    campo_fine = "valido_al"

    q = df.CharFilter(label=_("Cerca"), method="cerca")
    tipo = df.ChoiceFilter(label=_("Tipo"), choices=Accordo.Tipo.choices)
    stato = df.ChoiceFilter(label=_("Stato"), choices=Accordo.Stato.choices)
    distretto = df.ModelChoiceFilter(
        label=_("Distretto"),
        queryset=Distretto.objects.all(),
        method="filtra_distretto",
        empty_label=_("Tutti i distretti"),
    )
    # The workspace's counters of agreements expiring in 30/60/90 days link here.
    scade_entro = df.ChoiceFilter(
        label=_("Scade entro"),
        choices=[(g, format_lazy("{} {}", g, _("giorni"))) for g in FASCE_SCADENZA],
        method="filtra_scadenza",
    )
    ordina = Ordinamento(
        label=_("Ordina per"),
        fields=(("titolo", "titolo"), ("data_firma", "firma"), ("stato", "stato"), ("valido_al", "scadenza")),
        field_labels={
            "titolo": _("Titolo"),
            "data_firma": _("Data di firma"),
            "stato": _("Stato"),
            "valido_al": _("Scadenza"),
        },
    )

    class Meta:
        model = Accordo
        fields: list[str] = []

    def cerca(self, queryset, name, value):
        return queryset.filter(Q(titolo__icontains=value) | Q(note__icontains=value))

    def filtra_scadenza(self, queryset, name, value):
        return queryset.in_scadenza(int(value))

    def filtra_distretto(self, queryset, name, value):
        return queryset.filter(
            Q(pk__in=Accordo.distretti.through.objects.filter(distretto=value).values("accordo"))
            | Q(
                pk__in=Accordo.scuole.through.objects.filter(scuola__comune__distretto=value).values(
                    "accordo"
                )
            )
            | Q(
                pk__in=Accordo.organizzazioni.through.objects.filter(
                    organizzazione__comune__distretto=value
                ).values("accordo")
            )
        )


class OffertaFilter(_Periodo):
    q = df.CharFilter(label=_("Cerca"), method="cerca")
    distretto = df.ModelChoiceFilter(
        label=_("Distretto"),
        queryset=Distretto.objects.all(),
        field_name="comune__distretto",
        empty_label=_("Tutti i distretti"),
    )
    comune = df.ModelChoiceFilter(label=_("Comune"), queryset=_comuni())
    area_s3 = df.ModelChoiceFilter(label=_("Area S3"), queryset=AreaS3.objects.all())
    sezione_ateco = df.ChoiceFilter(label=_("Settore ATECO"), choices=sezioni_ateco)
    livello = df.ChoiceFilter(label=_("Livello scolastico"), choices=Livello.choices, method="filtra_livello")
    modalita = df.ChoiceFilter(label=_("Modalità"), choices=OffertaOspitalita.Modalita.choices)
    posti_liberi = df.BooleanFilter(
        label=_("Solo con posti liberi"), method="filtra_posti", widget=forms.CheckboxInput
    )
    ordina = Ordinamento(
        label=_("Ordina per"),
        fields=(
            ("distanza", "distanza"),
            ("data_inizio", "inizio"),
            ("titolo", "titolo"),
            ("residui", "posti"),
        ),
        field_labels={
            "distanza": _("Vicinanza alla scuola"),
            "data_inizio": _("Inizio"),
            "titolo": _("Titolo"),
            "residui": _("Posti liberi"),
        },
    )

    class Meta:
        model = OffertaOspitalita
        fields: list[str] = []

    def filtra_livello(self, queryset, name, value):
        # An offer with no level suits every level.
        return queryset.filter(Q(livelli__contains=[value]) | Q(livelli=[]))

    def filtra_posti(self, queryset, name, value):
        # The queryset carries con_posti_residui() (the view adds it).
        return queryset.filter(residui__gt=0) if value else queryset

    def cerca(self, queryset, name, value):
        return queryset.filter(
            Q(titolo__icontains=value)
            | Q(descrizione__icontains=value)
            | Q(organizzazione__nome__icontains=value)
        )
