"""District offices (and staff) browse the organisations, partnerships and agreements of their districts.

Filters are GET parameters (bookmarkable); the same filter feeds the page and its CSV/XLSX export.
Every list costs a constant number of queries: COUNT + page + one prefetch per many-to-many shown.
"""

from __future__ import annotations

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from alternanza.core.utenti import richiede
from distretti.models import Distretto, Scuola
from distretti.permissions import ambito_di, di_staff_o_ufficio
from partnership import esportazioni
from partnership.filters import AccordoFilter, OrganizzazioneFilter, PartnershipFilter
from partnership.models import Accordo, AreaS3, Organizzazione, Partnership
from partnership.views._comune import pagina

FORMATI = ("csv", "xlsx")


def _nomi(relazione) -> str:
    return ", ".join(str(o) for o in relazione.all())


# --- Organisations --------------------------------------------------------------------------------


def _organizzazioni(request):
    """The filtered organisations of the viewer's territory."""
    qs = (
        Organizzazione.objects.del_territorio_di(request.user)
        .select_related("comune__distretto")
        .prefetch_related(Prefetch("aree_s3", queryset=AreaS3.objects.only("id", "nome")))
        .order_by("nome")
    )
    return OrganizzazioneFilter(request.GET, queryset=qs)


_TIPI = dict(Organizzazione.Tipo.choices)

# The export reads plain rows (values + one aggregated column), not model instances: every
# organisation with its S3 areas in one query, without building instances and a prefetch.
COLONNE_ORGANIZZAZIONI = [
    (_("Nome"), lambda o: o["nome"]),
    (_("Tipo"), lambda o: _TIPI.get(o["tipo"], o["tipo"])),
    (_("Codice fiscale / P.IVA"), lambda o: o["codice_fiscale"]),
    (_("Codice ATECO"), lambda o: o["codice_ateco"]),
    (_("Sezione ATECO"), lambda o: o["sezione_ateco"]),
    (_("Comune"), lambda o: o["comune__nome"] or o["comune_esterno"]),
    (_("Distretto"), lambda o: o["comune__distretto__nome"] or ""),
    (_("Aree S3"), lambda o: o["elenco_aree_s3"] or ""),
    (_("Sito web"), lambda o: o["sito_web"]),
    (_("Persona di contatto"), lambda o: o["contatto_nome"]),
    (_("E-mail di contatto"), lambda o: o["contatto_email"]),
    (_("Pubblica"), lambda o: o["pubblica"]),
    (_("Partner istituzionale"), lambda o: o["partner_istituzionale"]),
]


def righe_organizzazioni(queryset):
    """The rows COLONNE_ORGANIZZAZIONI reads, from any organisations queryset."""
    return (
        queryset.prefetch_related(None)
        .annotate(elenco_aree_s3=StringAgg("aree_s3__nome", delimiter=", ", order_by="aree_s3__ordine"))
        .values(
            "nome",
            "tipo",
            "codice_fiscale",
            "codice_ateco",
            "sezione_ateco",
            "comune__nome",
            "comune_esterno",
            "comune__distretto__nome",
            "elenco_aree_s3",
            "sito_web",
            "contatto_nome",
            "contatto_email",
            "pubblica",
            "partner_istituzionale",
        )
    )


CAMPI_ELENCO_ORGANIZZAZIONI = (
    "nome",
    "slug",
    "tipo",
    "codice_ateco",
    "pubblica",
    "comune_esterno",
    "comune__nome",
    "comune__distretto__nome",
)


@richiede(di_staff_o_ufficio)
def organizzazioni(request):
    filtro = _organizzazioni(request)
    righe = filtro.qs.only(*CAMPI_ELENCO_ORGANIZZAZIONI)  # a few columns of wide rows
    return _elenco(request, "organizzazioni", filtro, righe)


@richiede(di_staff_o_ufficio)
def organizzazioni_export(request, formato):
    return _esporta(
        formato,
        righe_organizzazioni(_organizzazioni(request).qs),
        COLONNE_ORGANIZZAZIONI,
        "organizzazioni",
        _("Organizzazioni"),
    )


# --- Partnerships ---------------------------------------------------------------------------------


def _partnership(request):
    qs = Partnership.objects.del_territorio_di(request.user).prefetch_related(
        Prefetch("distretti", queryset=Distretto.objects.only("id", "nome")),
        "ambiti",
    )
    return PartnershipFilter(request.GET, queryset=qs.order_by("-data_inizio", "titolo"))


COLONNE_PARTNERSHIP = [
    (_("Titolo"), lambda p: p.titolo),
    (_("Livello"), lambda p: p.get_livello_display()),
    (_("Distretti"), lambda p: _nomi(p.distretti)),
    (_("Ambiti tematici"), lambda p: _nomi(p.ambiti)),
    (_("Inizio"), lambda p: p.data_inizio),
    (_("Fine"), lambda p: p.data_fine),
    (_("Stato"), lambda p: p.get_stato_display()),
    (_("Promossa da"), lambda p: p.get_promossa_da_display()),
    (_("Pubblicata"), lambda p: p.pubblicata),
]


@richiede(di_staff_o_ufficio)
def partnership(request):
    filtro = _partnership(request)
    return _elenco(request, "partnership", filtro, filtro.qs)


@richiede(di_staff_o_ufficio)
def partnership_export(request, formato):
    return _esporta(formato, _partnership(request).qs, COLONNE_PARTNERSHIP, "partnership", _("Partnership"))


# --- Agreements -----------------------------------------------------------------------------------


def _accordi(request):
    qs = Accordo.objects.visibili_a(request.user).prefetch_related(
        Prefetch("distretti", queryset=Distretto.objects.only("id", "nome")),
        Prefetch("organizzazioni", queryset=Organizzazione.objects.only("id", "nome")),
        Prefetch("scuole", queryset=Scuola.objects.only("id", "denominazione", "codice_meccanografico")),
    )
    return AccordoFilter(request.GET, queryset=qs.order_by("-data_firma", "titolo"))


COLONNE_ACCORDI = [
    (_("Titolo"), lambda a: a.titolo),
    (_("Tipo"), lambda a: a.get_tipo_display()),
    (_("Stato"), lambda a: a.get_stato_display()),
    (_("Data di firma"), lambda a: a.data_firma),
    (_("Valido dal"), lambda a: a.valido_dal),
    (_("Valido fino al"), lambda a: a.valido_al),
    (_("Organizzazioni"), lambda a: _nomi(a.organizzazioni)),
    (_("Distretti"), lambda a: _nomi(a.distretti)),
    (_("Scuole"), lambda a: ", ".join(s.denominazione for s in a.scuole.all())),
]


@richiede(di_staff_o_ufficio)
def accordi(request):
    filtro = _accordi(request)
    return _elenco(request, "accordi", filtro, filtro.qs)


def _elenco(request, nome: str, filtro, righe) -> HttpResponse:
    """An office list page: the filter form and one page of the filtered rows."""
    return render(
        request,
        f"partnership/ufficio/{nome}.html",
        {
            "filtro": filtro,
            "page_obj": pagina(request, righe),
            "puo_gestire": ambito_di(request.user).staff,
            "senza_valutazione": True,
        },
    )


@richiede(di_staff_o_ufficio)
def accordi_export(request, formato):
    return _esporta(formato, _accordi(request).qs, COLONNE_ACCORDI, "accordi", _("Accordi"))


def _esporta(formato, queryset, colonne, base, titolo):
    if formato not in FORMATI:
        raise Http404
    if formato == "csv":
        return esportazioni.csv_response(queryset, colonne, base)
    return esportazioni.xlsx_response(queryset, colonne, base, str(titolo))
