"""Pages of school coordinators: "i miei progetti", create/edit, transitions, copy, documents and photos."""

from __future__ import annotations

import os
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Manager, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from alternanza.core.archivi import risposta_file
from alternanza.core.utenti import nome_leggibile, richiede
from alternanza.progetti import workflow
from alternanza.progetti.cache import invalida_vetrina
from alternanza.progetti.forms import (
    AVVISO_MINORI,
    DocumentoForm,
    FotoForm,
    PartecipazioniFormSet,
    ProgettoForm,
    TransizioneForm,
    cambiamenti_partecipazioni,
)
from alternanza.progetti.models import Progetto, ProgettoOrganizzazione, StatoProgetto, TransizioneProgetto
from alternanza.progetti.views._accesso import get_progetto_modificabile, get_progetto_visibile
from distretti.permissions import ambito_di, di_staff_o_scuola
from partnership.forms import ProponiInlineForm
from partnership.services import CF_GIA_USATO, PROPOSTA_SALVATA, iniziali_progetto, proponi_dal_modulo

S = StatoProgetto
MESSAGGIO_RIVALIDAZIONE = _lazy(
    "Hai cambiato ciò che l'ufficio aveva validato: il progetto è tornato all'ufficio per una nuova "
    "revisione."
)


@richiede(di_staff_o_scuola)
def miei(request):
    """Dashboard of a coordinator: counts per status, what awaits them, all their projects."""
    ambito = ambito_di(request.user)
    stato = request.GET.get("stato")
    if stato not in S.values:
        stato = ""

    base = Progetto.objects.all()
    if not ambito.staff:
        base = base.filter(scuola_id__in=ambito.scuole)
    conteggi = base.aggregate(**{s.value: Count("id", filter=Q(stato=s.value)) for s in S})
    ultima_osservazione = TransizioneProgetto.objects.filter(
        progetto=OuterRef("pk"), a_stato=S.RIMANDATO
    ).order_by("-creata_il", "-id")
    da_fare = (
        base.filter(stato__in=(S.BOZZA, S.RIMANDATO))
        .select_related("scuola")
        .only("id", "titolo", "stato", "anno_scolastico", "aggiornato_il", "scuola__denominazione")
        .annotate(osservazioni=Subquery(ultima_osservazione.values("nota")[:1]))
        .order_by("-stato", "-aggiornato_il")[:20]
    )
    elenco = base.select_related("scuola").only(
        "id", "titolo", "stato", "anno_scolastico", "aggiornato_il", "scuola__denominazione"
    )
    if stato:
        elenco = elenco.filter(stato=stato)
    pagina = Paginator(elenco.order_by("-aggiornato_il", "-id"), 25).get_page(request.GET.get("pagina"))
    return render(
        request,
        "progetti/miei.html",
        {
            "conteggi": [(S(s), conteggi[s]) for s in S.values],
            "da_fare": da_fare,
            "pagina": pagina,
            "stato_scelto": stato,
            "senza_valutazione": True,
        },
    )


def _salva_progetto(request, progetto: Progetto | None):
    nuovo = progetto is None
    # A new project may start from an accepted interest in an offer, or a just-proposed host.
    iniziali, ospiti = iniziali_progetto(request.user, request.GET) if nuovo else ({}, [])
    # What may change in the project's state, and what sends it back to the office (one table).
    modificabili = None if progetto is None else workflow.campi_modificabili(request.user, progetto)
    rivalidano = () if progetto is None else workflow.CAMPI_PER_STATO[progetto.stato].rivalidano
    form = ProgettoForm(
        request.POST or None,
        instance=progetto,
        user=request.user,
        initial=iniziali,
        modificabili=modificabili,
        rivalidano=rivalidano,
    )
    formset = proposta = None
    if modificabili is None or "organizzazioni" in modificabili:
        formset = PartecipazioniFormSet(
            request.POST or None,
            instance=form.instance,
            prefix="org",
            initial=ospiti,
            form_kwargs={"user": request.user},
        )
        # A host not found is proposed in the same form (coordinators only: a proposal is a school's).
        if ambito_di(request.user).scuole:
            proposta = ProponiInlineForm(request.POST or None, user=request.user)
    validi = (
        form.is_valid()
        and (formset is None or formset.is_valid())
        and (proposta is None or proposta.is_valid())
    )
    if request.method == "POST" and validi:
        cambiati = set(form.changed_data)
        if formset is not None:
            cambiati |= cambiamenti_partecipazioni(formset)
        ospite = None
        try:
            with transaction.atomic():
                oggetto = form.save(commit=False)
                if nuovo:
                    oggetto.creato_da = request.user
                    oggetto.creato_da_nome = nome_leggibile(
                        request.user, Progetto._meta.get_field("creato_da_nome").max_length
                    )
                oggetto.save()
                form.save_m2m()
                if formset is not None:
                    formset.instance = oggetto
                    formset.save()
                ospite = proponi_dal_modulo(proposta, request.user, oggetto.scuola)
                if ospite is not None:
                    oggetto.partecipazioni.create(
                        organizzazione=ospite, ruolo=ProgettoOrganizzazione.Ruolo.OSPITANTE
                    )
                    cambiati.add("organizzazioni")
                stato_prima = oggetto.stato
                riga = None if nuovo else workflow.dopo_modifica(oggetto, request.user, cambiati)
                if riga is not None and oggetto.stato != stato_prima:
                    messages.info(request, MESSAGGIO_RIVALIDAZIONE)
        except IntegrityError:
            if proposta is None or not proposta.compilata:
                raise
            # The tax code was saved meanwhile by someone else: nothing written, said at the field.
            proposta.add_error("codice_fiscale", CF_GIA_USATO)
            if nuovo:
                form.instance.pk = None
        else:
            invalida_vetrina()
            if ospite is not None:
                messages.success(request, PROPOSTA_SALVATA % {"nome": ospite.nome})
            messages.success(request, _("Progetto salvato."))
            return redirect(oggetto)
    return render(
        request,
        "progetti/progetto_form.html",
        {
            "form": form,
            "formset": formset,
            "proposta": proposta,
            "progetto": progetto,
            "partecipazioni": progetto.partecipazioni.select_related("organizzazione")
            if progetto is not None and formset is None
            else (),
            "rivalidano": rivalidano,
            "campi_bloccati": modificabili is not None and any(f.field.disabled for f in form),
            "avviso_minori": AVVISO_MINORI,
            "senza_valutazione": True,
        },
    )


@richiede(di_staff_o_scuola)
def nuovo(request):
    return _salva_progetto(request, None)


@login_required
def modifica(request, pk):
    return _salva_progetto(request, get_progetto_modificabile(request, pk))


@login_required
@require_POST
def transizione(request, pk, azione):
    if azione not in workflow.Azione.values:
        raise Http404
    progetto = get_progetto_visibile(request, pk)
    if not workflow.ha_ruolo_per(request.user, progetto, azione):
        raise PermissionDenied
    form = TransizioneForm(request.POST)
    nota = form.cleaned_data["nota"] if form.is_valid() else ""
    try:
        workflow.esegui(progetto, azione, request.user, nota=nota)
    except workflow.TransizioneNonConsentita as exc:
        for messaggio in exc.messages:
            messages.error(request, messaggio)
    else:
        invalida_vetrina()
        messages.success(
            request,
            _("Fatto: il progetto ora è «%(stato)s».") % {"stato": progetto.get_stato_display()},
        )
    return redirect(progetto)


@login_required
@require_POST
def copia(request, pk):
    progetto = get_progetto_visibile(request, pk)
    try:
        nuovo = workflow.copia_anno_successivo(progetto, request.user)
    except workflow.CopiaEsistente as exc:
        messages.warning(
            request,
            _("La copia per l'anno scolastico %(anno)s esiste già: eccola. Non ne è stata creata un'altra.")
            % {"anno": exc.copia.anno_scolastico},
        )
        return redirect(exc.copia)
    messages.success(
        request,
        _("Creata la bozza per l'anno scolastico %(anno)s: aggiorna date e numeri.")
        % {"anno": nuovo.anno_scolastico},
    )
    return redirect("progetti:modifica", pk=nuovo.pk)


@login_required
def allegati(request, pk):
    """Documents and photos of a project (upload, list, delete)."""
    progetto = get_progetto_modificabile(request, pk, workflow.puo_allegare)
    form_documento = DocumentoForm(prefix="doc")
    form_foto = FotoForm(prefix="foto")
    if request.method == "POST":
        if request.POST.get("tipo") == "foto":
            form_foto = FotoForm(request.POST, request.FILES, prefix="foto")
            form_foto.instance.progetto = progetto
            if form_foto.is_valid():
                form_foto.save()
                workflow.dopo_modifica(progetto, request.user, {"allegati"})
                invalida_vetrina()
                messages.success(request, _("Foto caricata."))
                return redirect("progetti:allegati", pk=progetto.pk)
        else:
            form_documento = DocumentoForm(request.POST, request.FILES, prefix="doc")
            form_documento.instance.progetto = progetto
            if form_documento.is_valid():
                form_documento.save()
                workflow.dopo_modifica(progetto, request.user, {"allegati"})
                messages.success(request, _("Documento caricato."))
                return redirect("progetti:allegati", pk=progetto.pk)
    return render(
        request,
        "progetti/allegati.html",
        {
            "progetto": progetto,
            "documenti": progetto.documenti.all(),
            "foto": progetto.foto.all(),
            "form_documento": form_documento,
            "form_foto": form_foto,
            "senza_valutazione": True,
        },
    )


@login_required
@require_POST
def elimina_allegato(request, pk, tipo, allegato):
    progetto = get_progetto_modificabile(request, pk, workflow.puo_allegare)
    relazioni: dict[str, Manager[Any]] = {"documento": progetto.documenti, "foto": progetto.foto}
    relazione = relazioni.get(tipo)
    if relazione is None:
        raise Http404
    oggetto = get_object_or_404(relazione.all(), pk=allegato)
    oggetto.delete()  # a photo's file and its variants go with it (alternanza.core.varianti)
    workflow.dopo_modifica(progetto, request.user, {"allegati"})
    if tipo == "documento":
        campo = oggetto.file
        transaction.on_commit(lambda: campo.storage.delete(campo.name))
    invalida_vetrina()
    messages.success(request, _("Allegato eliminato."))
    return redirect("progetti:allegati", pk=progetto.pk)


def documento(request, pk, documento):
    """Download a document: public documents of visible projects, or any for the project's people."""
    progetto = get_progetto_visibile(request, pk)
    documenti = progetto.documenti.all()
    if not workflow.ruoli_su(request.user, progetto):
        documenti = documenti.filter(pubblico=True)
    oggetto = get_object_or_404(documenti, pk=documento)
    estensione = os.path.splitext(oggetto.file.name)[1]
    nome = f"{slugify(oggetto.titolo) or 'documento'}{estensione}"
    return risposta_file(oggetto.file, nome, tipo=oggetto.tipo_mime or None)
