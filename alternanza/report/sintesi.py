"""The executive summary of a report: sentences written from the figures by fixed rules.

What grew and what fell (the headline indicators, current year against the previous one), and which
districts need attention. The rules are simple and printed in the report's notes on method:
- a headline figure "grows" or "falls" when it changes by at least SOGLIA_VARIAZIONE percent (shares: by
  at least one percentage point), otherwise it is "stable";
- a district needs attention when its projects fell by at least CALO_ATTENZIONE percent, or when it has
  fewer than half the average projects of the districts, or no project at all.
The sentences are gettext strings (Italian source, English in the catalogue): the PDF prints them in
Italian, the dashboard in the page's language.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from alternanza.report.grafici import numero
from alternanza.report.indicatori import ETICHETTE, PERCENTUALI

SOGLIA_VARIAZIONE = 5.0
CALO_ATTENZIONE = 20.0
PRINCIPALI = ("progetti", "studenti", "ore", "organizzazioni_ospitanti", "quota_ragazze", "allineamento_s3")


def _valore(chiave: str, v) -> str:
    return numero(v, 1) + " %" if chiave in PERCENTUALI else numero(v, 0)


def andamento(ind) -> list[str]:
    """One sentence per headline indicator: grown, fallen or stable, with both values."""
    frasi = []
    for chiave in PRINCIPALI:
        att, prec = ind.totale.att.get(chiave), ind.totale.prec.get(chiave)
        if att is None or prec is None:
            continue
        etichetta = str(ETICHETTE[chiave])
        valori = {
            "indicatore": etichetta,
            "att": _valore(chiave, att),
            "prec": _valore(chiave, prec),
            "anno": ind.anno,
            "anno_prec": ind.anno_precedente,
        }
        if chiave in PERCENTUALI:
            differenza = float(att) - float(prec)
            valori["diff"] = numero(abs(differenza), 1)
            if differenza >= 1:
                frasi.append(
                    _("%(indicatore)s: sale a %(att)s (+%(diff)s punti sul %(anno_prec)s).") % valori
                )
            elif differenza <= -1:
                frasi.append(
                    _("%(indicatore)s: scende a %(att)s (−%(diff)s punti sul %(anno_prec)s).") % valori
                )
            else:
                frasi.append(_("%(indicatore)s: stabile a %(att)s (%(prec)s nel %(anno_prec)s).") % valori)
            continue
        if not prec:
            if att:
                frasi.append(_("%(indicatore)s: %(att)s, nessuno nel %(anno_prec)s.") % valori)
            continue
        variazione = (float(att) - float(prec)) / float(prec) * 100
        valori["perc"] = numero(abs(variazione), 0)
        if variazione >= SOGLIA_VARIAZIONE:
            frasi.append(_("%(indicatore)s: crescono da %(prec)s a %(att)s (+%(perc)s %%).") % valori)
        elif variazione <= -SOGLIA_VARIAZIONE:
            frasi.append(_("%(indicatore)s: calano da %(prec)s a %(att)s (−%(perc)s %%).") % valori)
        else:
            frasi.append(_("%(indicatore)s: stabili (%(att)s, erano %(prec)s).") % valori)
    return frasi


def distretti_da_seguire(ind) -> list[str]:
    """Districts that need attention, each with its reason (empty for a one-district report)."""
    righe = [r for r in ind.righe if r.distretto is not None]
    if len(righe) < 2:
        return []
    media = sum(r.att.get("progetti") or 0 for r in righe) / len(righe)
    frasi = []
    for r in righe:
        att, prec = r.att.get("progetti") or 0, r.prec.get("progetti") or 0
        valori = {"distretto": r.nome, "att": numero(att), "prec": numero(prec), "media": numero(media, 1)}
        if att == 0:
            frasi.append(_("%(distretto)s: nessun progetto validato nell'anno.") % valori)
        elif prec and (prec - att) / prec * 100 >= CALO_ATTENZIONE:
            valori["perc"] = numero((prec - att) / prec * 100, 0)
            frasi.append(_("%(distretto)s: progetti in calo da %(prec)s a %(att)s (−%(perc)s %%).") % valori)
        elif att < media / 2:
            frasi.append(
                _("%(distretto)s: %(att)s progetti, meno della metà della media dei distretti (%(media)s).")
                % valori
            )
    return frasi


def sintesi(ind) -> dict:
    """The executive summary: {"andamento": [...], "attenzione": [...]} of sentences."""
    return {"andamento": andamento(ind), "attenzione": distretti_da_seguire(ind)}
