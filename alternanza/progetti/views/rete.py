"""Network actions, technical assistance, and the library of intervention models adopted by districts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alternanza.core.utenti import richiede
from alternanza.progetti import workflow
from alternanza.progetti.forms import AdozioneForm, AssistenzaForm, AzioneForm, ModelloForm
from alternanza.progetti.models import (
    STATI_MODELLABILI,
    AdozioneModello,
    AzioneDiRete,
    ModelloIntervento,
    Progetto,
)
from alternanza.progetti.views._accesso import get_progetto_visibile
from distretti.models import Distretto
from distretti.permissions import ambito_di, di_staff_o_ufficio


def _puo_assistere(user, azione: AzioneDiRete) -> bool:
    """Staff, or the office of a district promoting or involved in the action, records assistance."""
    ambito = ambito_di(user)
    if ambito.staff:
        return True
    distretti = {d.pk for d in azione.distretti.all()}
    if azione.promotore_distretto_id is not None:
        distretti.add(azione.promotore_distretto_id)
    return bool(ambito.distretti_ufficio & distretti)


def azioni(request):
    qs = AzioneDiRete.objects.visibili_a(request.user)
    livello = request.GET.get("livello", "")
    if livello in AzioneDiRete.Livello.values:
        qs = qs.filter(livello=livello)
    distretto = request.GET.get("distretto", "")
    if distretto:
        qs = qs.filter(
            pk__in=AzioneDiRete.distretti.through.objects.filter(distretto__slug=distretto).values(
                "azionedirete_id"
            )
        )
    pagina = Paginator(
        qs.select_related("promotore_distretto", "promotore_organizzazione").order_by("-data_inizio", "-id"),
        20,
    ).get_page(request.GET.get("pagina"))
    ambito = ambito_di(request.user)
    return render(
        request,
        "progetti/azioni.html",
        {
            "pagina": pagina,
            "livelli": AzioneDiRete.Livello.choices,
            "livello": livello,
            "distretti": Distretto.objects.only("id", "nome", "slug"),
            "distretto": distretto,
            "puo_creare": ambito.staff or ambito.ufficio_distretto,
        },
    )


def azione(request, pk):
    oggetto = get_object_or_404(
        AzioneDiRete.objects.visibili_a(request.user).select_related(
            "promotore_distretto", "promotore_organizzazione"
        ),
        pk=pk,
    )
    ambito = ambito_di(request.user)
    partnership = oggetto.partnership.all()
    if not ambito.staff:
        partnership = partnership.filter(pubblicata=True)
    contesto = {
        "azione": oggetto,
        "distretti": oggetto.distretti.all(),
        "ambiti": oggetto.ambiti.all(),
        "progetti": oggetto.progetti.visibili_a(request.user).select_related("scuola")[:50],
        "partnership": partnership,
        "modelli": oggetto.modelli.visibili_a(request.user),
        "puo_modificare": AzioneDiRete.objects.modificabili_da(request.user).filter(pk=oggetto.pk).exists(),
        "puo_assistere": _puo_assistere(request.user, oggetto),
        "ultimo_aggiornamento": oggetto.aggiornata_il,
    }
    if ambito.staff or ambito.ufficio_distretto:
        contesto["assistenze"] = oggetto.assistenze.select_related("distretto")
    return render(request, "progetti/azione.html", contesto)


def _salva_azione(request, oggetto):
    form = AzioneForm(request.POST or None, instance=oggetto, user=request.user)
    if request.method == "POST" and form.is_valid():
        nuova = form.save(commit=False)
        if oggetto is None:
            nuova.creata_da = request.user
        nuova.save()
        form.save_m2m()
        messages.success(request, _("Azione di rete salvata."))
        return redirect(nuova)
    return render(
        request, "progetti/azione_form.html", {"form": form, "azione": oggetto, "senza_valutazione": True}
    )


@richiede(di_staff_o_ufficio)
def azione_nuova(request):
    return _salva_azione(request, None)


@login_required
def azione_modifica(request, pk):
    oggetto = get_object_or_404(AzioneDiRete.objects.visibili_a(request.user), pk=pk)
    if not AzioneDiRete.objects.modificabili_da(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return _salva_azione(request, oggetto)


@login_required
def assistenza_nuova(request, pk):
    oggetto = get_object_or_404(AzioneDiRete.objects.visibili_a(request.user), pk=pk)
    if not _puo_assistere(request.user, oggetto):
        raise PermissionDenied
    form = AssistenzaForm(request.POST or None, azione=oggetto)
    if request.method == "POST" and form.is_valid():
        assistenza = form.save(commit=False)
        assistenza.azione = oggetto
        assistenza.registrata_da = request.user
        assistenza.save()
        messages.success(request, _("Assistenza tecnica registrata."))
        return redirect(oggetto)
    return render(
        request,
        "progetti/assistenza_form.html",
        {"form": form, "azione": oggetto, "senza_valutazione": True},
    )


def modelli(request):
    qs = (
        ModelloIntervento.objects.visibili_a(request.user)
        .select_related("distretto")
        .annotate(n_adozioni=Count("adozioni"))
        .prefetch_related(Prefetch("adozioni", queryset=AdozioneModello.objects.select_related("distretto")))
        .order_by("titolo", "id")
    )
    pagina = Paginator(qs, 20).get_page(request.GET.get("pagina"))
    return render(request, "progetti/modelli.html", {"pagina": pagina})


def modello(request, pk):
    oggetto = get_object_or_404(
        ModelloIntervento.objects.visibili_a(request.user).select_related("distretto", "progetto", "azione"),
        pk=pk,
    )
    ambito = ambito_di(request.user)
    adozioni = oggetto.adozioni.select_related("distretto")
    adottanti = {a.distretto_id for a in adozioni}
    puo_adottare = ambito.staff or bool(ambito.distretti_ufficio - adottanti)
    form = AdozioneForm(user=request.user, modello=oggetto) if puo_adottare else None
    progetto_origine = None
    if (
        oggetto.progetto_id
        and Progetto.objects.visibili_a(request.user).filter(pk=oggetto.progetto_id).exists()
    ):
        progetto_origine = oggetto.progetto
    return render(
        request,
        "progetti/modello.html",
        {
            "modello": oggetto,
            "rivede": _rivede(request.user, oggetto),
            "adozioni": adozioni,
            "form": form,
            "progetto_origine": progetto_origine,
            "ultimo_aggiornamento": oggetto.aggiornato_il,
        },
    )


def _rivede(user, modello: ModelloIntervento) -> bool:
    """Who decides whether a model is in the public library: staff and the office of its district
    (the same people as ModelloIntervento.objects.modificabili_da)."""
    ambito = ambito_di(user)
    return ambito.staff or modello.distretto_id in ambito.distretti_ufficio


def _crea_modello(request, *, progetto=None, azione=None):
    iniziali = {}
    if progetto is not None:
        iniziali = {
            "titolo": progetto.titolo,
            "contesto": progetto.descrizione,
            "risultati": progetto.risultati,
            "partner_necessari": "\n".join(str(o) for o in progetto.organizzazioni.all()),
        }
    elif azione is not None:
        iniziali = {"titolo": azione.titolo, "contesto": azione.descrizione}
    nascente = ModelloIntervento(
        progetto=progetto,
        azione=azione,
        distretto=progetto.distretto if progetto else azione.promotore_distretto,
    )
    # What a coordinator writes waits for the district office before the public library shows it.
    rivede = _rivede(request.user, nascente)
    form = ModelloForm(request.POST or None, initial=iniziali, instance=nascente)
    if not rivede:
        del form.fields["pubblicato"]
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            nuovo = form.save(commit=False)
            nuovo.creato_da = request.user
            if not rivede:
                nuovo.pubblicato = False
            nuovo.save()
            form.save_m2m()
            if progetto is not None and not form.cleaned_data.get("ambiti"):
                nuovo.ambiti.set(progetto.ambiti.all())
        messages.success(request, _("Modello di intervento creato."))  # its page says if it waits
        return redirect(nuovo)
    return render(
        request,
        "progetti/modello_form.html",
        {"form": form, "progetto": progetto, "azione": azione, "senza_valutazione": True},
    )


@login_required
def modello_da_progetto(request, pk):
    progetto = get_progetto_visibile(request, pk)
    ruoli = workflow.ruoli_su(request.user, progetto)
    if not ruoli:
        raise PermissionDenied
    if progetto.stato not in STATI_MODELLABILI:
        messages.error(request, _("Solo un progetto pubblicato può diventare un modello di intervento."))
        return redirect(progetto)
    return _crea_modello(request, progetto=progetto)


@login_required
def modello_da_azione(request, pk):
    oggetto = get_object_or_404(AzioneDiRete.objects.visibili_a(request.user), pk=pk)
    ambito = ambito_di(request.user)
    if not (ambito.staff or _puo_assistere(request.user, oggetto)):
        raise PermissionDenied
    return _crea_modello(request, azione=oggetto)


@login_required
@require_POST
def modello_pubblica(request, pk):
    """The district office (or staff) publishes a model a coordinator wrote, or takes it back."""
    oggetto = get_object_or_404(ModelloIntervento.objects.modificabili_da(request.user), pk=pk)
    oggetto.pubblicato = request.POST.get("pubblicato") == "1"
    oggetto.save(update_fields=["pubblicato", "aggiornato_il"])
    if oggetto.pubblicato:
        messages.success(request, _("Modello pubblicato nella biblioteca."))
    else:
        messages.success(request, _("Modello tolto dalla biblioteca pubblica."))
    return redirect(oggetto)


@login_required
@require_POST
def adotta(request, pk):
    oggetto = get_object_or_404(ModelloIntervento.objects.visibili_a(request.user), pk=pk)
    ambito = ambito_di(request.user)
    if not (ambito.staff or ambito.ufficio_distretto):
        raise PermissionDenied
    form = AdozioneForm(request.POST, user=request.user, modello=oggetto)
    if form.is_valid():
        adozione = form.save(commit=False)
        adozione.modello = oggetto
        adozione.registrata_da = request.user
        adozione.save()
        messages.success(
            request, _("Registrato: modello adottato dal distretto %(d)s.") % {"d": adozione.distretto.nome}
        )
    else:
        for errori in form.errors.values():
            for errore in errori:
                messages.error(request, str(errore))
    return redirect(oggetto)
