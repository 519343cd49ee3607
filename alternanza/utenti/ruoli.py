"""Role requests and their approval: the one place that creates, decides and notifies.

A request is either a distretti.Incarico (school coordinator, district office, staff) or a
partnership.ReferenteOrganizzazione (organisation contact); both have the same lifecycle (StatoIncarico).
Who may decide which request is answered by distretti.permissions / partnership.permissions.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TypeAlias

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alternanza.core.email import invia_modello, nella_lingua
from alternanza.core.tipi import Utente
from alternanza.core.utenti import nome_leggibile
from alternanza.utenti.models import TipoRuolo
from alternanza.utenti.preferenze import lingua_di
from distretti.models import Comune, Distretto, Incarico, Scuola, StatoIncarico
from distretti.permissions import dimentica_ambito, incarichi_decidibili_da
from partnership.models import Organizzazione, ReferenteOrganizzazione
from partnership.permissions import dimentica_organizzazioni, referenze_decidibili_da

TIPO_INCARICO = "incarico"
TIPO_REFERENTE = "referente"

# The two kinds of role request, with the same lifecycle.
Richiesta: TypeAlias = Incarico | ReferenteOrganizzazione


class RichiestaNonValida(Exception):
    """The request cannot be created or decided (message is user-facing)."""


_MAX_NOME_DECISORE = Incarico._meta.get_field("deciso_da_nome").max_length


@dataclass(frozen=True)
class NuovaOrganizzazione:
    nome: str
    codice_fiscale: str
    comune: Comune | None = None


def tipo_di(richiesta: Richiesta) -> str:
    return TIPO_REFERENTE if isinstance(richiesta, ReferenteOrganizzazione) else TIPO_INCARICO


def descrivi(richiesta: Richiesta) -> str:
    """Human description of the role and its scope, e.g. "Referente scolastico – Istituto X"."""
    if isinstance(richiesta, ReferenteOrganizzazione):
        return f"{TipoRuolo.REFERENTE_ORGANIZZAZIONE.label} – {richiesta.organizzazione}"
    return str(richiesta)


def distretto_di(richiesta: Richiesta) -> int | None:
    """The district whose office may decide the request (None: staff only)."""
    if isinstance(richiesta, ReferenteOrganizzazione):
        comune = richiesta.organizzazione.comune
        return comune.distretto_id if comune else None
    if richiesta.ruolo == Incarico.Ruolo.REFERENTE_SCUOLA and richiesta.scuola is not None:
        return richiesta.scuola.comune.distretto_id
    return None


def _riattiva_o_crea(model, cerca: dict, extra: dict | None = None, preapprovato: bool = False):
    """Create the request, or reopen a rejected/revoked one (the unique constraints allow one row).
    A pre-approved role (invitation) also takes over a pending request or an already approved role."""
    esistente = model.objects.filter(**cerca).first()
    if esistente is not None and preapprovato and esistente.stato == StatoIncarico.APPROVATO:
        return esistente
    if esistente is not None:
        if esistente.stato == StatoIncarico.RICHIESTO and preapprovato:
            return esistente
        if esistente.stato == StatoIncarico.APPROVATO:
            raise RichiestaNonValida(_("Hai già questo ruolo."))
        if esistente.stato == StatoIncarico.RICHIESTO:
            raise RichiestaNonValida(
                _("Hai già chiesto questo ruolo: la richiesta è in attesa di approvazione.")
            )
        esistente.stato = StatoIncarico.RICHIESTO
        esistente.richiesto_il = timezone.now()
        esistente.deciso_da = None
        esistente.deciso_il = None
        esistente.nota = ""
        esistente.save()
        return esistente
    try:
        with transaction.atomic():
            return model.objects.create(**cerca, **(extra or {}))
    except IntegrityError as exc:  # two submissions at once
        raise RichiestaNonValida(_("Hai già chiesto questo ruolo.")) from exc


def richiedi(
    utente: User,
    ruolo: str,
    *,
    scuola: Scuola | None = None,
    distretto: Distretto | None = None,
    organizzazione: Organizzazione | None = None,
    nuova_organizzazione: NuovaOrganizzazione | None = None,
    stato: str = StatoIncarico.RICHIESTO,
    deciso_da: User | None = None,
) -> Richiesta:
    """Create a role request (or, with stato=APPROVATO, a pre-approved role from an invitation)."""
    extra: dict[str, object] = {}
    preapprovato = stato == StatoIncarico.APPROVATO
    if preapprovato:
        extra = {"deciso_da": deciso_da, "deciso_il": timezone.now()}
        if deciso_da is not None and ruolo != TipoRuolo.REFERENTE_ORGANIZZAZIONE:
            extra["deciso_da_nome"] = nome_leggibile(deciso_da, _MAX_NOME_DECISORE)
    with transaction.atomic():
        if ruolo == TipoRuolo.REFERENTE_ORGANIZZAZIONE:
            if organizzazione is None:
                if nuova_organizzazione is None:
                    raise RichiestaNonValida(_("Indica l'organizzazione."))
                organizzazione = Organizzazione.objects.create(
                    nome=nuova_organizzazione.nome,
                    codice_fiscale=nuova_organizzazione.codice_fiscale,
                    comune=nuova_organizzazione.comune,
                    pubblica=False,
                )
            richiesta = _riattiva_o_crea(
                ReferenteOrganizzazione,
                {"utente": utente, "organizzazione": organizzazione},
                extra,
                preapprovato,
            )
        else:
            if ruolo == Incarico.Ruolo.REFERENTE_SCUOLA and scuola is None:
                raise RichiestaNonValida(_("Indica la scuola."))
            if ruolo == Incarico.Ruolo.UFFICIO_DISTRETTO and distretto is None:
                raise RichiestaNonValida(_("Indica il distretto."))
            cerca = {
                "utente": utente,
                "ruolo": ruolo,
                "scuola": scuola if ruolo == Incarico.Ruolo.REFERENTE_SCUOLA else None,
                "distretto": distretto if ruolo == Incarico.Ruolo.UFFICIO_DISTRETTO else None,
            }
            richiesta = _riattiva_o_crea(Incarico, cerca, extra, preapprovato)
        if stato != richiesta.stato:
            richiesta.stato = stato
            for campo, valore in extra.items():
                setattr(richiesta, campo, valore)
            richiesta.save()
    if stato == StatoIncarico.APPROVATO:
        _applica(richiesta)
    return richiesta


def richieste_di(utente: User) -> list[Richiesta]:
    """All the user's roles and requests, both kinds, newest first."""
    incarichi = Incarico.objects.filter(utente=utente).select_related("scuola", "distretto")
    referenze = ReferenteOrganizzazione.objects.filter(utente=utente).select_related("organizzazione")
    return sorted([*incarichi, *referenze], key=lambda r: r.richiesto_il, reverse=True)


def _chi_decide(distretto: Distretto | None) -> str:
    if distretto is None:
        return _("lo staff della Città metropolitana")
    return _("l'ufficio tecnico del distretto %(distretto)s (o lo staff della Città metropolitana)") % {
        "distretto": distretto.nome
    }


def in_attesa(utente: Utente) -> list[dict]:
    """The user's pending requests, oldest first, each as {"richiesta", "descrizione", "chi"}: who decides
    it (the office of the district of distretto_di, else staff). Two queries."""
    if not utente.is_authenticated:
        return []
    righe: list[dict] = []
    for incarico in Incarico.objects.filter(utente=utente, stato=StatoIncarico.RICHIESTO).select_related(
        "scuola__comune__distretto", "distretto"
    ):
        distretto = None
        if incarico.ruolo == Incarico.Ruolo.REFERENTE_SCUOLA and incarico.scuola is not None:
            distretto = incarico.scuola.comune.distretto
        righe.append(
            {"richiesta": incarico, "descrizione": descrivi(incarico), "chi": _chi_decide(distretto)}
        )
    for referenza in ReferenteOrganizzazione.objects.filter(
        utente=utente, stato=StatoIncarico.RICHIESTO
    ).select_related("organizzazione__comune__distretto"):
        comune = referenza.organizzazione.comune
        righe.append(
            {
                "richiesta": referenza,
                "descrizione": descrivi(referenza),
                "chi": _chi_decide(comune.distretto if comune else None),
            }
        )
    return sorted(righe, key=lambda r: r["richiesta"].richiesto_il)


def richieste_decidibili(decisore: Utente, stato: str | None = StatoIncarico.RICHIESTO) -> list[Richiesta]:
    """The requests this user may decide, both kinds, oldest first (a queue)."""
    incarichi = incarichi_decidibili_da(decisore).select_related(
        "utente", "scuola__comune__distretto", "distretto"
    )
    referenze = referenze_decidibili_da(decisore).select_related("utente", "organizzazione__comune")
    if stato:
        incarichi, referenze = incarichi.filter(stato=stato), referenze.filter(stato=stato)
    return sorted([*incarichi[:500], *referenze[:500]], key=lambda r: r.richiesto_il)


class RuoliAttivi:
    """The active roles (both kinds) this user may revoke, newest first, as one sequence for Paginator.

    A page reads only as many rows of each kind as its end needs (two ordered LIMIT queries) and the
    length is two COUNTs: the list is never loaded whole, however many roles a district has."""

    _ORDINE = ("-richiesto_il", "-pk")

    def __init__(self, decisore: Utente) -> None:
        self._querysets = (
            incarichi_decidibili_da(decisore)
            .filter(stato=StatoIncarico.APPROVATO)
            .select_related("utente", "scuola__comune__distretto", "distretto")
            .order_by(*self._ORDINE),
            referenze_decidibili_da(decisore)
            .filter(stato=StatoIncarico.APPROVATO)
            .select_related("utente", "organizzazione__comune")
            .order_by(*self._ORDINE),
        )

    def count(self) -> int:
        return sum(qs.count() for qs in self._querysets)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, fetta: slice) -> list[Richiesta]:
        if not isinstance(fetta, slice) or fetta.step is not None:
            raise TypeError("RuoliAttivi supports plain slices only")
        inizio, fine = fetta.start or 0, fetta.stop
        righe = [r for qs in self._querysets for r in (qs[:fine] if fine is not None else qs)]
        righe.sort(key=lambda r: (r.richiesto_il, r.pk), reverse=True)
        return righe[inizio:fine]


def richiesta_decidibile(decisore: Utente, tipo: str, pk: int) -> Richiesta | None:
    """The request, if this user may decide it; None otherwise (the view answers 404)."""
    if tipo == TIPO_INCARICO:
        qs = incarichi_decidibili_da(decisore)
    elif tipo == TIPO_REFERENTE:
        qs = referenze_decidibili_da(decisore)
    else:
        return None
    return qs.filter(pk=pk).first()


def _applica(richiesta: Richiesta) -> None:
    """Side effects of an approved/revoked role on the user (staff role ↔ Django admin access)."""
    utente = richiesta.utente
    if isinstance(richiesta, Incarico) and richiesta.ruolo == Incarico.Ruolo.STAFF:
        staff = Incarico.objects.filter(
            utente=utente, ruolo=Incarico.Ruolo.STAFF, stato=StatoIncarico.APPROVATO
        ).exists()
        if utente.is_staff != staff and not utente.is_superuser:
            utente.is_staff = staff
            utente.save(update_fields=["is_staff"])
    dimentica_ambito(utente)
    dimentica_organizzazioni(utente)


def decidi(decisore: User, richiesta: Richiesta, *, approva: bool, nota: str = "") -> None:
    """Approve or reject a pending request and notify the requester. Raises RichiestaNonValida."""
    model = type(richiesta)
    with transaction.atomic():
        riga = model.objects.select_for_update().get(pk=richiesta.pk)
        if riga.stato != StatoIncarico.RICHIESTO:
            raise RichiestaNonValida(_("Questa richiesta è già stata decisa."))
        if not approva and not nota.strip():
            raise RichiestaNonValida(_("Indica il motivo del rifiuto."))
        riga.stato = StatoIncarico.APPROVATO if approva else StatoIncarico.RIFIUTATO
        riga.deciso_da = decisore
        riga.deciso_il = timezone.now()
        riga.nota = nota.strip()
        campi = ["stato", "deciso_da", "deciso_il", "nota"]
        if isinstance(riga, Incarico):
            riga.deciso_da_nome = nome_leggibile(decisore, _MAX_NOME_DECISORE)
            campi.append("deciso_da_nome")
        riga.save(update_fields=campi)
    _applica(riga)
    richiesta.stato, richiesta.nota = riga.stato, riga.nota
    invia_modello(
        "utenti/email/richiesta_approvata" if approva else "utenti/email/richiesta_rifiutata",
        [(riga.utente.email, lingua_di(riga.utente))],
        {
            "richiesta": riga,
            "descrizione": nella_lingua(descrivi, riga),
            "utente": riga.utente,
            # Approved: straight to the workspace, where the role's tools now are; rejected: the profile
            # with the reason.
            "url": reverse("area:home") if approva else reverse("utenti:profilo"),
        },
        prefisso_oggetto=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX,
        rispondi_a=None if approva else chi_risponde(riga),
    )


def revoca(decisore: User, richiesta: Richiesta, nota: str = "") -> None:
    """End an approved role (kept as a row with state REVOCATO, for the audit trail) and tell its holder."""
    if richiesta.stato != StatoIncarico.APPROVATO:
        raise RichiestaNonValida(_("Si possono revocare solo i ruoli approvati."))
    richiesta.stato = StatoIncarico.REVOCATO
    richiesta.deciso_da = decisore
    richiesta.deciso_il = timezone.now()
    richiesta.nota = nota.strip()
    campi = ["stato", "deciso_da", "deciso_il", "nota"]
    if isinstance(richiesta, Incarico):
        richiesta.deciso_da_nome = nome_leggibile(decisore, _MAX_NOME_DECISORE)
        campi.append("deciso_da_nome")
    richiesta.save(update_fields=campi)
    _applica(richiesta)
    invia_modello(
        "utenti/email/ruolo_revocato",
        [(richiesta.utente.email, lingua_di(richiesta.utente))],
        {
            "richiesta": richiesta,
            "descrizione": nella_lingua(descrivi, richiesta),
            "utente": richiesta.utente,
        },
        prefisso_oggetto=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX,
        rispondi_a=chi_risponde(richiesta),
    )


def chi_risponde(richiesta: Richiesta) -> str:
    """Where a reply to a decision reaches a person: the district office that decides the request,
    else the network's contact address (staff)."""
    distretto = distretto_di(richiesta)
    indirizzo = ""
    if distretto is not None:
        indirizzo = (
            Distretto.objects.filter(pk=distretto).values_list("ufficio_email", flat=True).first() or ""
        )
    return indirizzo or settings.PORTALE["email_contatti"]


def approvatori(richiesta: Richiesta) -> list:
    """Users who may decide the request: staff, and the office of its district (never the requester)."""
    user_model = get_user_model()
    approvati = Q(incarichi__stato=StatoIncarico.APPROVATO)
    chi = Q(is_superuser=True) | (approvati & Q(incarichi__ruolo=Incarico.Ruolo.STAFF))
    distretto = distretto_di(richiesta)
    if distretto is not None:
        chi |= approvati & Q(
            incarichi__ruolo=Incarico.Ruolo.UFFICIO_DISTRETTO, incarichi__distretto_id=distretto
        )
    return list(user_model.objects.filter(chi, is_active=True).exclude(pk=richiesta.utente_id).distinct())


def notifica_nuova_richiesta(richiesta: Richiesta) -> None:
    """Tell the approvers about a request, and the requester that it was received."""
    contesto = {
        "richiesta": richiesta,
        "descrizione": nella_lingua(descrivi, richiesta),
        "utente": richiesta.utente,
        "url": reverse("utenti:richieste"),
    }
    invia_modello(
        "utenti/email/nuova_richiesta",
        [(u.email, lingua_di(u)) for u in approvatori(richiesta)],
        contesto,
        prefisso_oggetto=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX,
    )
    invia_modello(
        "utenti/email/richiesta_ricevuta",
        [(richiesta.utente.email, lingua_di(richiesta.utente))],
        {**contesto, "url": reverse("utenti:profilo")},
        prefisso_oggetto=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX,
    )


def rimanda_nuova_organizzazione(utente: User, nuova: NuovaOrganizzazione) -> None:
    """At signup: keep the new organisation aside until the e-mail is verified (conferma_email)."""
    from alternanza.utenti.models import OrganizzazioneInAttesa

    OrganizzazioneInAttesa.objects.create(
        utente=utente, nome=nuova.nome, codice_fiscale=nuova.codice_fiscale, comune=nuova.comune
    )


def crea_organizzazioni_in_attesa(utente: User) -> list[Richiesta]:
    """The e-mail is verified: create the organisations named at signup (private, unapproved) with the
    contact's role request. A tax code taken meanwhile by another organisation becomes a request to be
    that one's contact, which the approvers decide like any other (no second organisation with it)."""
    from alternanza.utenti.models import OrganizzazioneInAttesa

    richieste = []
    for in_attesa in OrganizzazioneInAttesa.objects.filter(utente=utente).select_related("comune"):
        with transaction.atomic():
            esistente = Organizzazione.objects.filter(codice_fiscale=in_attesa.codice_fiscale).first()
            # RichiestaNonValida: already asked (for the existing one), nothing more to record.
            with contextlib.suppress(RichiestaNonValida):
                richieste.append(
                    richiedi(
                        utente,
                        TipoRuolo.REFERENTE_ORGANIZZAZIONE,
                        organizzazione=esistente,
                        nuova_organizzazione=NuovaOrganizzazione(
                            in_attesa.nome, in_attesa.codice_fiscale, in_attesa.comune
                        ),
                    )
                )
            in_attesa.delete()
    return richieste


def conferma_email(utente: User, primo_indirizzo: bool) -> None:
    """An address of `utente` was verified: signup's pending organisations become real, and on the first
    verified address the approvers hear of every pending request."""
    crea_organizzazioni_in_attesa(utente)
    if primo_indirizzo:
        notifica_richieste_in_attesa(utente)


def notifica_richieste_in_attesa(utente: User) -> None:
    """After the requester verified their e-mail: notify the approvers of their pending requests."""
    for richiesta in richieste_di(utente):
        if richiesta.stato == StatoIncarico.RICHIESTO:
            notifica_nuova_richiesta(richiesta)
