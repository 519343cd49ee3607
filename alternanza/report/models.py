"""Report jobs for the governance bodies, the bodies themselves and the record of every send.

A ReportJob row is the truth about one PDF report: the task that builds it (alternanza.report.tasks)
moves it through its states and the page that shows it polls its progress. A request is stored before
anything is sent to the broker, so a request made while Redis is down is kept and dispatched later by
the periodic `sorveglia_report` task.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, ClassVar, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alternanza.core.anno_scolastico import valida_anno_scolastico
from alternanza.core.archivi import FilePrivato
from alternanza.core.tipi import Utente
from alternanza.core.vincoli import CampiDeiVincoli
from distretti.models import AmbitoTematico, Distretto
from distretti.permissions import ambito_di


class TipoReport(models.TextChoices):
    METROPOLITANO = "metropolitano", _("Report metropolitano annuale")
    DISTRETTO = "distretto", _("Report di distretto")
    TEMATICO = "tematico", _("Report tematico")
    PARTNERSHIP = "partnership_accordi", _("Stato di partnership e accordi")


class StatoJob(models.TextChoices):
    IN_CODA = "in_coda", _("in coda")
    IN_CORSO = "in_corso", _("in corso")
    COMPLETATO = "completato", _("completato")
    ERRORE = "errore", _("errore")


class ReportJobQuerySet(models.QuerySet):
    def visibili_a(self, user: Utente) -> Self:
        """Staff see every job; a district office sees the jobs about its districts; others none."""
        ambito = ambito_di(user)
        if ambito.staff:
            return self
        if ambito.distretti_ufficio:
            return self.filter(distretto_id__in=ambito.distretti_ufficio)
        return self.none()

    def attivi(self):
        return self.filter(stato__in=[StatoJob.IN_CODA, StatoJob.IN_CORSO])


# Named by the first migrations only: files now get random names (FilePrivato).
def _percorso_report(job: ReportJob, nome: str) -> str:
    return f"report/{job.creato_il:%Y/%m}/{job.pk}/{nome}"


class ReportJob(CampiDeiVincoli, models.Model):
    """One report requested by a user, by the schedule or by the command line, and its build state."""

    class Origine(models.TextChoices):
        UTENTE = "utente", _("richiesta di un utente")
        PIANIFICATO = "pianificato", _("calendario")

    tipo = models.CharField(_("tipo"), max_length=30, choices=TipoReport.choices)
    anno_scolastico = models.CharField(
        _("anno scolastico"),
        max_length=7,
        validators=[valida_anno_scolastico],  # type: ignore[list-item]  # stubs want validators to return None; Django ignores the value
    )
    distretto = models.ForeignKey(
        Distretto,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report",
        verbose_name=_("distretto"),
        help_text=_("Per i report di distretto; decide anche chi vede il report."),
    )
    ambito = models.ForeignKey(
        AmbitoTematico,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report",
        verbose_name=_("ambito tematico"),
    )
    parametri = models.JSONField(_("parametri"), default=dict, blank=True)
    origine = models.CharField(_("origine"), max_length=20, choices=Origine.choices, default=Origine.UTENTE)
    richiesto_da = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_richiesti",
        verbose_name=_("richiesto da"),
    )
    # Kept when the account is deleted: the job history still says who asked.
    richiesto_da_nome = models.CharField(_("richiedente"), max_length=255, blank=True)
    invia_a: models.ManyToManyField[OrganoGovernance, Any] = models.ManyToManyField(
        "OrganoGovernance",
        blank=True,
        related_name="report_da_inviare",
        verbose_name=_("da inviare a"),
        help_text=_("Organi a cui il report viene inviato appena pronto."),
    )

    stato = models.CharField(_("stato"), max_length=20, choices=StatoJob.choices, default=StatoJob.IN_CODA)
    progresso = models.PositiveSmallIntegerField(_("avanzamento (%)"), default=0)
    fase = models.CharField(_("fase"), max_length=200, blank=True)
    creato_il = models.DateTimeField(_("richiesto il"), default=timezone.now, db_index=True)
    avviato_il = models.DateTimeField(_("avviato il"), null=True, blank=True)
    completato_il = models.DateTimeField(_("completato il"), null=True, blank=True)
    heartbeat_il = models.DateTimeField(_("ultimo segnale del processo"), null=True, blank=True)
    task_id = models.CharField(_("id del task"), max_length=64, blank=True)
    accodato_il = models.DateTimeField(_("inviato al broker il"), null=True, blank=True)
    tentativi = models.PositiveSmallIntegerField(_("esecuzioni avviate"), default=0)

    # Private (alternanza.core.archivi): random names, downloaded as nome_file() after the permission check.
    file = FilePrivato(_("file PDF"), cartella="report", blank=True, max_length=300)
    allegato = FilePrivato(_("allegato (elenchi completi)"), cartella="report", blank=True, max_length=300)
    pagine = models.PositiveIntegerField(_("pagine"), null=True, blank=True)
    dati_al = models.DateTimeField(_("dati aggiornati al"), null=True, blank=True)
    errore = models.TextField(_("errore"), blank=True)
    # Versions: "produce again" makes a new job (version N+1) of the same series; a finished job's
    # files are never replaced, so a link already sent keeps serving the document it announced.
    versione = models.PositiveIntegerField(_("versione"), default=1)
    prima_versione = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versioni_successive",
        verbose_name=_("prima versione"),
    )
    sha256 = models.CharField(_("impronta SHA-256 del PDF"), max_length=64, blank=True)
    pianificazione = models.ForeignKey(
        "PianificazioneReport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report",
        verbose_name=_("pianificazione"),
    )

    objects = ReportJobQuerySet.as_manager()

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "reportjob_distretto_per_report_di_distretto": "distretto",
        "reportjob_ambito_per_report_tematico": "ambito",
    }

    class Meta:
        ordering = ["-creato_il", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("report")
        indexes = [models.Index(fields=["stato", "heartbeat_il"], name="reportjob_stato_hb_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progresso__lte=100),
                name="reportjob_progresso_max_100",
                violation_error_code="reportjob_progresso_max_100",
                violation_error_message=_("Il progresso di un report va da 0 a 100."),
            ),
            models.CheckConstraint(
                name="reportjob_distretto_per_report_di_distretto",
                violation_error_code="reportjob_distretto_per_report_di_distretto",
                violation_error_message=_("Scegli il distretto del report."),
                condition=~models.Q(tipo="distretto") | models.Q(distretto__isnull=False),
            ),
            models.CheckConstraint(
                name="reportjob_ambito_per_report_tematico",
                violation_error_code="reportjob_ambito_per_report_tematico",
                violation_error_message=_("Scegli l'ambito tematico del report."),
                condition=~models.Q(tipo="tematico") | models.Q(ambito__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.titolo} ({self.get_stato_display()})"

    def get_absolute_url(self) -> str:
        return reverse("report:job", kwargs={"pk": self.pk})

    def clean(self):
        if self.tipo == TipoReport.DISTRETTO and not self.distretto_id:
            raise ValidationError({"distretto": _("Scegli il distretto del report.")})
        if self.tipo == TipoReport.TEMATICO and not self.ambito_id:
            raise ValidationError({"ambito": _("Scegli l'ambito tematico del report.")})

    @property
    def radice_id(self) -> int:
        """The id of the first version of this report's series."""
        return self.prima_versione_id or self.pk

    def versioni(self):
        """Every version of this report (this one included), newest first."""
        radice = self.radice_id
        return ReportJob.objects.filter(models.Q(pk=radice) | models.Q(prima_versione_id=radice)).order_by(
            "-versione", "-pk"
        )

    @property
    def titolo(self) -> str:
        base = f"{self.get_tipo_display()} {self.anno_scolastico}"
        if self.tipo == TipoReport.DISTRETTO and self.distretto_id:
            return f"{base} – {self.distretto}"
        if self.tipo == TipoReport.TEMATICO and self.ambito_id:
            return f"{base} – {self.ambito}"
        return base

    @property
    def finito(self) -> bool:
        return self.stato in (StatoJob.COMPLETATO, StatoJob.ERRORE)

    @property
    def durata(self) -> timedelta | None:
        if self.avviato_il and self.completato_il:
            return self.completato_il - self.avviato_il
        return None

    def nome_file(self, estensione: str = "pdf") -> str:
        parti = ["report", self.tipo, self.anno_scolastico.replace("/", "-")]
        if self.distretto is not None:
            parti.append(self.distretto.slug)
        if self.ambito is not None:
            parti.append(self.ambito.slug)
        return "-".join(parti) + f".{estensione}"


def _indirizzi(testo: str) -> list[str]:
    return [parte.strip() for parte in re.split(r"[\s,;]+", testo or "") if parte.strip()]


class OrganoGovernance(models.Model):
    """A governance body that receives reports: its recipients get an e-mail with a download link."""

    class Tipo(models.TextChoices):
        PSM = "psm", _("Governance del Piano Strategico Metropolitano")
        CONFERENZA = "conferenza", _("Conferenza territoriale")
        UFFICIO_PIANO = "ufficio_piano", _("Ufficio di Piano")
        ALTRO = "altro", _("Altro organo")

    nome = models.CharField(_("nome"), max_length=200, unique=True)
    tipo = models.CharField(_("tipo"), max_length=20, choices=Tipo.choices)
    distretto = models.ForeignKey(
        Distretto,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organi_report",
        verbose_name=_("distretto"),
        help_text=_("Vuoto per gli organi metropolitani."),
    )
    destinatari = models.TextField(
        _("indirizzi e-mail dei destinatari"), help_text=_("Uno per riga (o separati da virgola).")
    )
    invio_automatico = models.BooleanField(
        _("riceve i report periodici"),
        default=True,
        help_text=_("Riceve i report mensili e annuali prodotti dal calendario."),
    )
    attivo = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["distretto__nome", "nome"]
        verbose_name = _("organo di governance")
        verbose_name_plural = _("organi di governance")

    def __str__(self) -> str:
        return self.nome

    @property
    def indirizzi(self) -> list[str]:
        return _indirizzi(self.destinatari)

    def clean(self):
        indirizzi = self.indirizzi
        if not indirizzi:
            raise ValidationError({"destinatari": _("Indica almeno un indirizzo e-mail.")})
        for indirizzo in indirizzi:
            try:
                validate_email(indirizzo)
            except ValidationError as exc:
                raise ValidationError(
                    {"destinatari": _("Indirizzo non valido: %(indirizzo)s") % {"indirizzo": indirizzo}}
                ) from exc


class InvioReport(models.Model):
    """One send of a finished report to a governance body (the outbox row: its state is the truth)."""

    class Stato(models.TextChoices):
        DA_INVIARE = "da_inviare", _("da inviare")
        INVIATO = "inviato", _("inviato")
        ERRORE = "errore", _("errore")

    job = models.ForeignKey(
        ReportJob, on_delete=models.CASCADE, related_name="invii", verbose_name=_("report")
    )
    organo = models.ForeignKey(
        OrganoGovernance, on_delete=models.PROTECT, related_name="invii", verbose_name=_("organo")
    )
    destinatari = models.TextField(_("destinatari"), help_text=_("Gli indirizzi al momento dell'invio."))
    inviato_da = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invii_report",
        verbose_name=_("inviato da"),
    )
    stato = models.CharField(_("stato"), max_length=20, choices=Stato.choices, default=Stato.DA_INVIARE)
    creato_il = models.DateTimeField(_("creato il"), default=timezone.now)
    inviato_il = models.DateTimeField(_("inviato il"), null=True, blank=True)
    errore = models.TextField(_("errore"), blank=True)
    messaggio = models.TextField(
        _("messaggio di accompagnamento"),
        blank=True,
        max_length=4000,
        help_text=_("Testo libero che precede il link nell'e-mail."),
    )
    protocollo = models.CharField(
        _("numero di protocollo"), max_length=100, blank=True, help_text=_("Testo libero, come registrato.")
    )
    nuovo_link_chiesto_il = models.DateTimeField(_("nuovo link chiesto il"), null=True, blank=True)

    class Meta:
        ordering = ["-creato_il", "-pk"]
        verbose_name = _("invio di report")
        verbose_name_plural = _("invii di report")

    def __str__(self) -> str:
        return f"{self.job} → {self.organo}"

    @property
    def indirizzi(self) -> list[str]:
        return _indirizzi(self.destinatari)


class PianificazioneReport(CampiDeiVincoli, models.Model):
    """A schedule staff edit in the portal: which report, how often, to which bodies, active or paused.

    The periodic task `report.pianificazioni` (every few minutes) reads these rows and requests the
    reports that are due, then moves `prossima_esecuzione` on: a change made here applies at the next
    run, without restarting beat or the workers.
    """

    class Frequenza(models.TextChoices):
        MENSILE = "mensile", _("mensile, durante l'anno scolastico (settembre–giugno)")
        ANNUALE = "annuale", _("annuale, in un giorno fisso")

    nome = models.CharField(_("nome"), max_length=200)
    tipo = models.CharField(
        _("report"),
        max_length=30,
        choices=[c for c in TipoReport.choices if c[0] != TipoReport.PARTNERSHIP],
    )
    distretto = models.ForeignKey(
        Distretto,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pianificazioni_report",
        verbose_name=_("distretto"),
        help_text=_("Per il report di distretto."),
    )
    ambito = models.ForeignKey(
        AmbitoTematico,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pianificazioni_report",
        verbose_name=_("ambito tematico"),
        help_text=_("Per il report tematico."),
    )
    frequenza = models.CharField(_("frequenza"), max_length=20, choices=Frequenza.choices)
    giorno = models.PositiveSmallIntegerField(
        _("giorno del mese"), default=1, help_text=_("Da 1 a 28, perché esista in ogni mese.")
    )
    mese = models.PositiveSmallIntegerField(
        _("mese"),
        null=True,
        blank=True,
        choices=[(m, m) for m in range(1, 13)],
        help_text=_("Solo per la frequenza annuale."),
    )
    ora = models.PositiveSmallIntegerField(_("ora"), default=6, help_text=_("Ora del giorno (0–23)."))
    organi = models.ManyToManyField(
        OrganoGovernance,
        blank=True,
        related_name="pianificazioni",
        verbose_name=_("organi destinatari"),
    )
    attiva = models.BooleanField(_("attiva"), default=True, help_text=_("Togli la spunta per sospenderla."))
    prossima_esecuzione = models.DateTimeField(_("prossima esecuzione"), null=True, blank=True, db_index=True)
    ultima_esecuzione = models.DateTimeField(_("ultima esecuzione"), null=True, blank=True)
    creata_il = models.DateTimeField(_("creata il"), default=timezone.now)

    campi_dei_vincoli: ClassVar[dict[str, str]] = {
        "pianificazione_giorno_1_28": "giorno",
        "pianificazione_ora_0_23": "ora",
    }

    class Meta:
        ordering = ["nome", "pk"]
        verbose_name = _("pianificazione di report")
        verbose_name_plural = _("pianificazioni di report")
        constraints = [
            models.CheckConstraint(
                name="pianificazione_giorno_1_28",
                condition=models.Q(giorno__gte=1, giorno__lte=28),
                violation_error_code="pianificazione_giorno_1_28",
                violation_error_message=_("Il giorno va da 1 a 28."),
            ),
            models.CheckConstraint(
                name="pianificazione_ora_0_23",
                condition=models.Q(ora__lte=23),
                violation_error_code="pianificazione_ora_0_23",
                violation_error_message=_("L'ora va da 0 a 23."),
            ),
        ]

    def __str__(self) -> str:
        return self.nome

    def get_absolute_url(self) -> str:
        return reverse("report:pianificazione", kwargs={"pk": self.pk})

    def clean(self):
        errori = {}
        if self.tipo == TipoReport.DISTRETTO and not self.distretto_id:
            errori["distretto"] = _("Scegli il distretto del report.")
        if self.tipo == TipoReport.TEMATICO and not self.ambito_id:
            errori["ambito"] = _("Scegli l'ambito tematico del report.")
        if self.frequenza == self.Frequenza.ANNUALE and not self.mese:
            errori["mese"] = _("Scegli il mese dell'invio annuale.")
        if self.giorno is not None and not 1 <= self.giorno <= 28:
            errori["giorno"] = _("Il giorno va da 1 a 28.")
        if self.ora is not None and self.ora > 23:
            errori["ora"] = _("L'ora va da 0 a 23.")
        if errori:
            raise ValidationError(errori)
