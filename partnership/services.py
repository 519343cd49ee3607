"""Write-side rules of the network: proposed organisations, their check, merge; interest in offers.

- A school coordinator who does not find a host proposes it (`proponi_organizzazione`): it exists at once,
  "da verificare", usable in that school's own forms; the district office confirms it (`conferma`), or
  merges it into the organisation it duplicates (`unisci`): every link moves to the one kept, in one
  transaction, and the history rows of both stay (pghistory, with the merge as their context).
- An offer is open to new interest while active, before its deadline and with places left
  (`verifica_aperta`, the one place that says so). Accepted interests take places: accepting locks the
  offer row first, so two contacts accepting the last place at once cannot both succeed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pghistory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from alternanza.core.compiti import accoda
from alternanza.core.email import destinatari_utenti, invia_modello
from alternanza.core.tipi import Utente
from distretti.models import Scuola, StatoIncarico
from distretti.permissions import ambito_di
from partnership import tasks
from partnership.models import InteresseOfferta, OffertaOspitalita, Organizzazione


class OffertaChiusa(Exception):
    """The offer takes no new interest (or no more accepted places); the message says why."""


# --- Proposed organisations ----------------------------------------------------------------------------


def proponi_organizzazione(
    organizzazione: Organizzazione, utente: Utente | None, scuola: Scuola
) -> Organizzazione:
    """Save a host proposed by a school coordinator: not public, "da verificare", tied to the school.

    Raises IntegrityError when the tax code was taken meanwhile (the form checked it before)."""
    organizzazione.da_verificare = True
    organizzazione.pubblica = False
    organizzazione.proposta_da = utente  # type: ignore[assignment]
    organizzazione.proposta_da_scuola = scuola
    with transaction.atomic():
        organizzazione.save()
    return organizzazione


CF_GIA_USATO = gettext_lazy("Esiste già un'organizzazione con questo codice fiscale o partita IVA.")
PROPOSTA_SALVATA = gettext_lazy(
    "«%(nome)s» è stata aggiunta come organizzazione da verificare: puoi già sceglierla nei "
    "moduli della tua scuola; l'ufficio tecnico del distretto la controllerà."
)


def proponi_dal_modulo(proposta: Any, utente: Utente, scuola: Scuola) -> Organizzazione | None:
    """The host proposed in the fieldset of a project or convenzione form (partnership.forms.
    ProponiInlineForm, already valid), saved as proposed by `scuola`; None when the fieldset is empty.

    Raises IntegrityError like proponi_organizzazione: the caller rolls back the whole form and says it
    at the field (CF_GIA_USATO)."""
    if proposta is None or not proposta.compilata:
        return None
    return proponi_organizzazione(proposta.save(commit=False), utente, scuola)


def conferma(organizzazione: Organizzazione) -> None:
    """The office confirms a proposed organisation: it becomes an ordinary one of the network."""
    with transaction.atomic():
        riga = Organizzazione.objects.select_for_update().get(pk=organizzazione.pk)
        riga.da_verificare = False
        riga.verificata_il = timezone.now()
        riga.save(update_fields=["da_verificare", "verificata_il", "aggiornata_il"])
    organizzazione.da_verificare, organizzazione.verificata_il = False, riga.verificata_il


def _relazioni(modello: type[models.Model]):
    """Every relation that points at an organisation, outside the history tables (they keep the old id)."""
    for campo in modello._meta.get_fields(include_hidden=True):
        if not campo.is_relation or campo.related_model is None:
            continue
        correlato = campo.related_model
        if isinstance(correlato, type) and issubclass(correlato, pghistory.models.Event):  # type: ignore[attr-defined]
            continue
        yield campo


def _campi_unici(modello: type[models.Model], campo: str) -> list[list[str]]:
    """The other fields of each uniqueness rule of `modello` that involves `campo`."""
    gruppi = [list(g) for g in modello._meta.unique_together]
    gruppi += [list(v.fields) for v in modello._meta.constraints if isinstance(v, models.UniqueConstraint)]
    return [[f for f in g if f != campo] for g in gruppi if campo in g]


def _sposta(modello: type[models.Model], campo: str, da: int, a: int) -> None:
    """Point the rows of `modello` from organisation `da` to `a`; a row that would repeat one `a` already
    has (same other fields of a unique rule) is dropped, as the kept organisation already says it."""
    qs = modello._default_manager.all()
    for altri in _campi_unici(modello, campo):
        if not altri:
            qs.filter(**{f"{campo}_id": da}).delete()  # a one-to-one: the kept organisation's row wins
            continue
        for valori in qs.filter(**{f"{campo}_id": a}).values_list(*altri):
            qs.filter(**{f"{campo}_id": da}, **dict(zip(altri, valori, strict=True))).delete()
    qs.filter(**{f"{campo}_id": da}).update(**{f"{campo}_id": a})


def unisci(doppione: Organizzazione, tenuta: Organizzazione, utente: Utente) -> Organizzazione:
    """Merge `doppione` into `tenuta`: every link moves, `doppione` is deleted; one transaction.

    The history of both stays: their pghistory rows are kept (the doppione's under its old id), and the
    rows written by the merge carry `unione` in their context."""
    if doppione.pk == tenuta.pk:
        raise ValueError("an organisation cannot be merged into itself")
    with transaction.atomic(), pghistory.context(unione={"da": doppione.pk, "in": tenuta.pk}):
        # Both rows locked in id order: two merges of the same pair cannot interleave.
        righe = {
            o.pk: o
            for o in Organizzazione.objects.select_for_update()
            .filter(pk__in=[doppione.pk, tenuta.pk])
            .order_by("pk")
        }
        da, a = righe[doppione.pk], righe[tenuta.pk]
        for campo in _relazioni(Organizzazione):
            if campo.many_to_many:
                if campo.concrete:  # Organizzazione.aree_s3: the kept one gains the doppione's areas
                    a.aree_s3.add(*da.aree_s3.all())  # type: ignore[attr-defined]
                    continue
                through = campo.through if hasattr(campo, "through") else campo.remote_field.through  # type: ignore[union-attr]
                verso = next(
                    f.name
                    for f in through._meta.get_fields()
                    if getattr(f, "related_model", None) is Organizzazione and f.concrete
                )
                _sposta(through, verso, da.pk, a.pk)
            elif campo.one_to_many or campo.one_to_one:
                if campo.concrete:
                    continue  # Organizzazione's own foreign keys (comune, proposta_da...)
                _sposta(campo.related_model, campo.field.name, da.pk, a.pk)  # type: ignore[union-attr]
        if not a.codice_fiscale and da.codice_fiscale:
            codice = da.codice_fiscale
            da.codice_fiscale = ""
            da.save(update_fields=["codice_fiscale"])
            a.codice_fiscale = codice
        for campo in ("codice_ateco", "comune_id", "sito_web", "contatto_email", "indirizzo"):
            if not getattr(a, campo) and getattr(da, campo):
                setattr(a, campo, getattr(da, campo))
        a.save()
        da.delete()
    return a


def possibili_doppioni(organizzazioni) -> dict[int, list[Organizzazione]]:
    """{id: the other organisations whose name has the same normal form}, in one query."""
    per_nome: dict[str, list[int]] = {}
    for o in organizzazioni:
        if o.nome_normalizzato:
            per_nome.setdefault(o.nome_normalizzato, []).append(o.pk)
    if not per_nome:
        return {}
    risultato: dict[int, list[Organizzazione]] = {pk: [] for ids in per_nome.values() for pk in ids}
    for altra in (
        Organizzazione.objects.filter(nome_normalizzato__in=list(per_nome))
        .only("id", "nome", "slug", "nome_normalizzato", "codice_fiscale", "da_verificare")
        .order_by("nome", "pk")
    ):
        for pk in per_nome[altra.nome_normalizzato]:
            if pk != altra.pk:
                risultato[pk].append(altra)
    return risultato


# --- Offers and interest ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Posti:
    totali: int
    occupati: int

    @property
    def residui(self) -> int:
        return max(self.totali - self.occupati, 0)


def posti_di(offerta: OffertaOspitalita) -> Posti:
    occupati = (
        offerta.interessi.filter(stato=InteresseOfferta.Stato.ACCETTATO).aggregate(n=models.Sum("studenti"))[
            "n"
        ]
        or 0
    )
    return Posti(offerta.posti, occupati)


def verifica_aperta(offerta: OffertaOspitalita, oggi=None) -> Posti:
    """The one rule of an open offer: active, not ended, before its deadline, places left.

    Raises OffertaChiusa with the reason; returns the places otherwise. Call it on a locked row."""
    oggi = oggi or timezone.localdate()
    if not offerta.attiva or offerta.data_fine < oggi:
        raise OffertaChiusa(_("L'offerta non è più attiva."))
    if offerta.scadenza_candidature and offerta.scadenza_candidature < oggi:
        raise OffertaChiusa(_("Il termine per manifestare interesse è scaduto."))
    posti = posti_di(offerta)
    if posti.residui <= 0:
        raise OffertaChiusa(_("I posti dell'offerta sono esauriti."))
    return posti


def _destinatari_organizzazione(organizzazione: Organizzazione) -> list:
    """The approved contacts (each in their language), else the organisation's contact address."""
    contatti = get_user_model().objects.filter(
        referenze_organizzazione__organizzazione=organizzazione,
        referenze_organizzazione__stato=StatoIncarico.APPROVATO,
    )
    destinatari: list = destinatari_utenti(contatti)
    if not destinatari and organizzazione.contatto_email:
        destinatari = [organizzazione.contatto_email]
    return destinatari


def manifesta_interesse(interesse: InteresseOfferta) -> InteresseOfferta:
    """Save a school's expression of interest if the offer is open; mail the organisation on commit.

    Raises OffertaChiusa, or IntegrityError when the school already expressed interest."""
    with transaction.atomic():
        offerta = (
            OffertaOspitalita.objects.select_for_update()
            .select_related("organizzazione")
            .get(pk=interesse.offerta_id)
        )
        verifica_aperta(offerta)
        interesse.stato = InteresseOfferta.Stato.IN_ATTESA
        interesse.save()
        accoda(tasks.avvisa_interesse, interesse.pk)
    return interesse


def invia_avviso_interesse(interesse_id: int) -> int:
    """Mail the organisation's contacts about a new expression of interest (the task's body)."""
    interesse = (
        InteresseOfferta.objects.select_related("offerta__organizzazione", "scuola__comune")
        .filter(pk=interesse_id)
        .first()
    )
    if interesse is None:
        return 0
    organizzazione = interesse.offerta.organizzazione
    destinatari = _destinatari_organizzazione(organizzazione)
    if not destinatari:
        return 0
    return invia_modello(
        "partnership/email/interesse_ricevuto",
        destinatari,
        {
            "interesse": interesse,
            "n": interesse.studenti,  # the count of the plural forms
            "offerta": interesse.offerta,
            "organizzazione": organizzazione,
            "url_area": settings.SITE_URL + reverse("partnership:mia_organizzazione"),
            "url_offerta": settings.SITE_URL + interesse.offerta.get_absolute_url(),
        },
    )


def decidi_interesse(interesse_id: int, accetta: bool, nota: str, utente: Utente) -> InteresseOfferta:
    """The organisation accepts or declines an expression of interest (with a note for the school).

    Accepting takes places: the offer row is locked before counting, so the last place goes to one
    interest only (the other gets OffertaChiusa). Declining an accepted interest gives its places back."""
    with transaction.atomic():
        interesse = InteresseOfferta.objects.select_related("offerta").get(pk=interesse_id)
        offerta = OffertaOspitalita.objects.select_for_update().get(pk=interesse.offerta_id)
        interesse = InteresseOfferta.objects.select_for_update().get(pk=interesse_id)
        if accetta and interesse.stato != InteresseOfferta.Stato.ACCETTATO:
            posti = posti_di(offerta)
            if interesse.studenti > posti.residui:
                raise OffertaChiusa(
                    ngettext(
                        "Resta %(residui)s posto: l'interesse riguarda %(studenti)s studenti.",
                        "Restano %(residui)s posti: l'interesse riguarda %(studenti)s studenti.",
                        posti.residui,
                    )
                    % {"residui": posti.residui, "studenti": interesse.studenti}
                )
        interesse.stato = InteresseOfferta.Stato.ACCETTATO if accetta else InteresseOfferta.Stato.RIFIUTATO
        interesse.nota_risposta = nota
        interesse.deciso_da = utente  # type: ignore[assignment]
        interesse.deciso_il = timezone.now()
        interesse.save(update_fields=["stato", "nota_risposta", "deciso_da", "deciso_il"])
        accoda(tasks.avvisa_decisione, interesse.pk)
    return interesse


def invia_avviso_decisione(interesse_id: int) -> int:
    """Mail the coordinator who expressed the interest the organisation's answer (the task's body)."""
    interesse = (
        InteresseOfferta.objects.select_related("offerta__organizzazione", "scuola")
        .filter(pk=interesse_id)
        .first()
    )
    if interesse is None or interesse.utente_id is None:
        return 0
    destinatari = destinatari_utenti(get_user_model().objects.filter(pk=interesse.utente_id, is_active=True))
    if not destinatari:
        return 0
    return invia_modello(
        "partnership/email/interesse_deciso",
        destinatari,
        {
            "interesse": interesse,
            "offerta": interesse.offerta,
            "accettato": interesse.stato == InteresseOfferta.Stato.ACCETTATO,
            "url_offerta": settings.SITE_URL + interesse.offerta.get_absolute_url(),
        },
    )


def interesse_accettato(user: Utente, interesse_id: object) -> InteresseOfferta | None:
    """The accepted expression of interest of one of the user's schools that `?interesse=` names, to
    prefill the convenzione and the project it leads to; None when it is not one (wrong id, not
    accepted, another school's)."""
    try:
        pk = int(str(interesse_id))
    except (TypeError, ValueError):
        return None
    scuole = ambito_di(user).scuole
    return (
        InteresseOfferta.objects.filter(pk=pk, scuola_id__in=scuole, stato=InteresseOfferta.Stato.ACCETTATO)
        .select_related("offerta__organizzazione", "scuola")
        .first()
    )


def iniziali_progetto(user: Utente, parametri) -> tuple[dict, list[dict]]:
    """What a new project starts with: from an accepted interest (?interesse=: school, title, period
    and the host) or a just-proposed host (?organizzazione=). (form initial, host rows initial)."""
    interesse = interesse_accettato(user, parametri.get("interesse"))
    if interesse is not None:
        offerta = interesse.offerta
        return (
            {
                "scuola": interesse.scuola_id,
                "titolo": offerta.titolo,
                "data_inizio": offerta.data_inizio,
                "data_fine": offerta.data_fine,
                "classi": offerta.classi,
            },
            [{"organizzazione": offerta.organizzazione_id, "ruolo": "ospitante"}],
        )
    org = str(parametri.get("organizzazione", ""))
    if org.isdigit() and Organizzazione.objects.sceglibili_da(user).filter(pk=int(org)).exists():
        return {}, [{"organizzazione": int(org), "ruolo": "ospitante"}]
    return {}, []


def fine_anno_scolastico(data) -> object:
    """31 August of the school year `data` falls in: a convenzione started from an offer lasts that long."""
    anno = data.year if data.month < 9 else data.year + 1
    return data.replace(year=anno, month=8, day=31)


__all__ = [
    "fine_anno_scolastico",
    "interesse_accettato",
    "iniziali_progetto",
    "IntegrityError",
    "OffertaChiusa",
    "conferma",
    "decidi_interesse",
    "manifesta_interesse",
    "possibili_doppioni",
    "proponi_organizzazione",
    "unisci",
    "verifica_aperta",
]
