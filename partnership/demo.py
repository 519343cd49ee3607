"""Demo data of the partnership network (demo=True): organisations, partnerships, agreements, offers.

Called by `manage.py carica_demo` as `carica(scala, rng)`. Scale "base": a few dozen readable records;
scale "grande": 20,000 organisations (ATECO codes from the `ateco` package, S3 areas, comuni) and a few
hundred partnerships, agreements, convenzioni and offers, as the benchmarks need. The last few
organisations are hosts a school proposed inline and the district office has yet to check ("da
verificare"): the first school of Bologna and of Imola (the demo coordinators' schools) proposed them.
Everything is written with bulk_create; the same seed gives the same data and a second run adds only
what is missing.
"""

from __future__ import annotations

import datetime
import random

import ateco
from django.utils import timezone
from django.utils.text import slugify
from stdnum import luhn

from alternanza.core.nomi import normalizza_nome
from distretti.models import AmbitoTematico, Comune, Distretto, Scuola
from partnership.models import (
    Accordo,
    AreaS3,
    Convenzione,
    InteresseOfferta,
    OffertaOspitalita,
    Organizzazione,
    Partnership,
)
from partnership.signals import invalida_rete
from partnership.validatori import sezione_ateco

QUANTE = {
    "base": {
        "organizzazioni": 40,
        "proposte": 3,
        "partnership": 12,
        "accordi": 4,
        "convenzioni": 12,
        "offerte": 10,
    },
    "grande": {
        "organizzazioni": 20_000,
        "proposte": 12,
        "partnership": 400,
        "accordi": 150,
        "convenzioni": 400,
        "offerte": 300,
    },
}
UFFICIO_IVA_DEMO = "888"  # a valid office code, unusual in real numbers; demo numbers start with 9

COGNOMI = [
    "Rossi", "Bianchi", "Ferrari", "Esposito", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno",
    "Gallo", "Conti", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana",
    "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile",
    "Martinelli", "Vitale", "Serra", "Coppola", "Zanetti", "Benassi", "Zucchini", "Malaguti", "Tugnoli",
    "Vignoli",
]  # fmt: skip
PREFISSI = {
    Organizzazione.Tipo.IMPRESA: ["Officine", "Meccanica", "Automazioni", "Costruzioni", "Impianti",
                                  "Alimentari", "Logistica", "Ceramiche", "Packaging", "Elettronica",
                                  "Tessile", "Software"],
    Organizzazione.Tipo.STARTUP: ["Robotica", "Data", "Green", "Bio", "Smart", "Quantum"],
    Organizzazione.Tipo.TERZO_SETTORE: ["Cooperativa sociale", "Associazione", "Fondazione di comunità"],
    Organizzazione.Tipo.ENTE_FORMAZIONE: ["Centro di formazione", "Istituto di formazione professionale"],
    Organizzazione.Tipo.ASSOCIAZIONE_CATEGORIA: ["Associazione artigiani", "Unione imprese"],
    Organizzazione.Tipo.LABORATORIO: ["Laboratorio di ricerca", "Tecnopolo"],
    Organizzazione.Tipo.FONDAZIONE_ITS: ["Fondazione ITS"],
    Organizzazione.Tipo.ENTE_LOCALE: ["Unione dei comuni", "Comune"],
}  # fmt: skip
SUFFISSI = {
    Organizzazione.Tipo.IMPRESA: ["S.r.l.", "S.p.A.", "S.n.c.", "S.a.s."],
    Organizzazione.Tipo.STARTUP: ["S.r.l."],
}
# (kind, weight): most host organisations are companies.
TIPI = [
    (Organizzazione.Tipo.IMPRESA, 78),
    (Organizzazione.Tipo.STARTUP, 5),
    (Organizzazione.Tipo.TERZO_SETTORE, 8),
    (Organizzazione.Tipo.ENTE_FORMAZIONE, 3),
    (Organizzazione.Tipo.ASSOCIAZIONE_CATEGORIA, 2),
    (Organizzazione.Tipo.LABORATORIO, 2),
    (Organizzazione.Tipo.FONDAZIONE_ITS, 1),
    (Organizzazione.Tipo.ENTE_LOCALE, 1),
]
NOMI = ["Anna", "Marco", "Giulia", "Luca", "Sara", "Paolo", "Elena", "Davide"]
FUORI_CITTA = ["Modena", "Ferrara", "Ravenna", "Reggio Emilia", "Firenze", "Milano"]
# Hosts as a coordinator types them in the project form when the network does not have them yet.
PROPOSTE = [
    ("automazioni coppola srl", Organizzazione.Tipo.IMPRESA),
    ("Cooperativa sociale Il Ponte", Organizzazione.Tipo.TERZO_SETTORE),
    ("Studio tecnico Benassi & Zucchini", Organizzazione.Tipo.IMPRESA),
    ("Forno Malaguti snc", Organizzazione.Tipo.IMPRESA),
]
TEMI = ["Meccatronica", "Agrifood", "Cultura tecnica", "Sicurezza sul lavoro", "Orientamento",
        "Gap di genere", "Digitale", "Economia circolare", "Turismo", "Salute", "Costruzioni sostenibili",
        "Packaging"]  # fmt: skip


def partita_iva_demo(n: int) -> str:
    base = f"9{n:06d}{UFFICIO_IVA_DEMO}"
    return base + luhn.calc_check_digit(base)


def _codici_ateco() -> list[tuple[str, str]]:
    """(subcategory code, section) of the ATECO 2025 classification, from the `ateco` package."""
    nodi = ateco.search("a", limit=100_000) + ateco.search("e", limit=100_000)
    codici = sorted({n.code for n in nodi if n.level == "subcategory"})
    return [(c, sezione_ateco(c)) for c in codici]


def carica(scala: str, rng: random.Random) -> None:
    quante = QUANTE[scala]
    oggi = timezone.localdate()
    org_ids = _organizzazioni(quante["organizzazioni"], quante["proposte"], rng)
    _partnership(quante["partnership"], org_ids, rng, oggi)
    _accordi(quante["accordi"], org_ids, rng, oggi)
    _convenzioni(quante["convenzioni"], org_ids, rng, oggi)
    _offerte(quante["offerte"], org_ids, rng, oggi)
    invalida_rete()


def _scuole_proponenti() -> list[Scuola]:
    """The schools that proposed the demo hosts: the first of Bologna and of Imola by code (the schools of
    the demo coordinators, alternanza.utenti.demo), so their district offices find them to check."""
    scuole = []
    for slug in ("bologna", "imola"):
        scuola = (
            Scuola.objects.attive()
            .filter(comune__distretto__slug=slug)
            .select_related("comune")
            .order_by("codice_meccanografico")
            .first()
        )
        if scuola is not None:
            scuole.append(scuola)
    return scuole or list(
        Scuola.objects.attive().select_related("comune").order_by("codice_meccanografico")[:1]
    )


def _organizzazioni(quante: int, proposte: int, rng: random.Random) -> list[int]:
    """Create the demo organisations (the last `proposte` of them proposed by a school, to be checked);
    return the ids of the checked ones, which the other demo records link to."""
    demo = Organizzazione.objects.filter(demo=True)
    gia = sorted(demo.verificate().values_list("pk", flat=True))
    if demo.count() >= quante:
        return gia
    scuole_proponenti = _scuole_proponenti()
    comuni = list(Comune.objects.values_list("pk", flat=True))
    aree = list(AreaS3.objects.values_list("pk", flat=True))
    ateco_tutti = _codici_ateco()
    ateco_manifattura = [c for c in ateco_tutti if c[1] == "C"]
    tipi, pesi = zip(*TIPI, strict=True)
    nuove, aree_per_slug = [], {}
    for n in range(quante):
        tipo = rng.choices(tipi, pesi)[0]
        nome = f"{rng.choice(PREFISSI[tipo])} {rng.choice(COGNOMI)}"
        if tipo in SUFFISSI:
            nome += f" {rng.choice(SUFFISSI[tipo])}"
        nome += f" ({n + 1})" if quante > 200 else ""
        slug = f"demo-{slugify(nome)[:200]}-{n}"
        codice_ateco = sezione = ""
        if tipo in (Organizzazione.Tipo.IMPRESA, Organizzazione.Tipo.STARTUP):
            codice_ateco, sezione = rng.choice(ateco_manifattura if rng.random() < 0.5 else ateco_tutti)
        fuori = rng.random() < 0.08
        nuove.append(
            Organizzazione(
                nome=nome,
                slug=slug,
                tipo=tipo,
                codice_fiscale=partita_iva_demo(n),
                codice_ateco=codice_ateco,
                sezione_ateco=sezione,
                comune_id=None if fuori else rng.choice(comuni),
                comune_esterno=rng.choice(FUORI_CITTA) if fuori else "",
                indirizzo=f"Via {rng.choice(COGNOMI)} {rng.randint(1, 200)}",
                sito_web=f"https://{slugify(nome)[:40]}.example.org",
                contatto_nome=f"{rng.choice(NOMI)} {rng.choice(COGNOMI)}",
                contatto_email=f"alternanza@{slugify(nome)[:40]}.example.org",
                profilo=f"{nome}: organizzazione dimostrativa che accoglie studenti in alternanza.",
                pubblica=rng.random() < 0.6,
                demo=True,
            )
        )
        proposta = n - (quante - proposte)
        if proposta >= 0 and scuole_proponenti:
            _come_proposta(nuove[-1], proposta, quante, scuole_proponenti[proposta % len(scuole_proponenti)])
        nuove[-1].nome_normalizzato = normalizza_nome(nuove[-1].nome)  # bulk_create skips save()
        aree_per_slug[nuove[-1].slug] = rng.sample(aree, k=rng.choice([1, 1, 1, 2]))
    Organizzazione.objects.bulk_create(nuove, batch_size=2000, ignore_conflicts=True)
    pk_per_slug = dict(Organizzazione.objects.filter(demo=True).values_list("slug", "pk"))
    Through = Organizzazione.aree_s3.through
    Through.objects.bulk_create(
        [
            Through(organizzazione_id=pk_per_slug[slug], areas3_id=a)
            for slug, ids in aree_per_slug.items()
            if slug in pk_per_slug
            for a in ids
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    return sorted(Organizzazione.objects.filter(demo=True).verificate().values_list("pk", flat=True))


def _come_proposta(org: Organizzazione, i: int, quante: int, scuola: Scuola) -> None:
    """Turn a generated organisation into a host proposed inline by `scuola`, waiting for its office: the
    name as typed, the school's comune, not public (services.proponi_organizzazione sets the same)."""
    nome, tipo = PROPOSTE[i % len(PROPOSTE)]
    org.nome = nome + (f" ({i + 1})" if quante > 200 else "")
    org.slug = f"demo-proposta-{i + 1}"
    org.tipo = tipo
    if tipo != Organizzazione.Tipo.IMPRESA:
        org.codice_ateco = org.sezione_ateco = ""
    org.comune_id, org.comune_esterno = scuola.comune_id, ""
    org.sito_web = org.profilo = ""
    org.contatto_email = f"info@{slugify(nome)[:40]}.example.org"
    org.pubblica = False
    org.da_verificare = True
    org.proposta_da_scuola = scuola


def _scuole() -> list[tuple[int, int]]:
    return list(Scuola.objects.attive().values_list("pk", "comune__distretto_id"))


def _partnership(quante: int, org_ids: list[int], rng: random.Random, oggi: datetime.date) -> None:
    esistenti = Partnership.objects.filter(demo=True).count()
    if esistenti >= quante or not org_ids:
        return
    distretti = list(Distretto.objects.values_list("pk", flat=True))
    ambiti = list(AmbitoTematico.objects.values_list("pk", flat=True))
    scuole = _scuole()
    scuole_per_distretto: dict[int, list[int]] = {}
    for pk, d in scuole:
        scuole_per_distretto.setdefault(d, []).append(pk)
    nuove, legami = [], []
    for n in range(esistenti, quante):
        livello = rng.choices(list(Partnership.Livello), [70, 22, 8])[0]
        coinvolti = {
            Partnership.Livello.DISTRETTUALE: 1,
            Partnership.Livello.INTERDISTRETTUALE: rng.randint(2, 3),
            Partnership.Livello.METROPOLITANO: len(distretti),
        }[livello]
        dd = rng.sample(distretti, k=coinvolti)
        inizio = oggi + datetime.timedelta(days=rng.randint(-700, 200))
        tema = rng.choice(TEMI)
        p = Partnership(
            titolo=f"{tema}: rete scuola-territorio n. {n + 1}",
            slug=f"demo-partnership-{n + 1}",
            descrizione=f"Partnership dimostrativa su {tema.lower()} tra scuole e organizzazioni.",
            livello=livello,
            data_inizio=inizio,
            data_fine=inizio + datetime.timedelta(days=rng.choice([180, 270, 365, 730])),
            stato=rng.choices(list(Partnership.Stato), [15, 60, 25])[0],
            promossa_da=rng.choice(list(Partnership.Promotore)),
            pubblicata=rng.random() < 0.7,
            demo=True,
        )
        candidate = [s for d in dd for s in scuole_per_distretto.get(d, [])]
        legami.append(
            (
                p,
                dd,
                rng.sample(candidate, k=min(len(candidate), rng.randint(1, 4))),
                rng.sample(org_ids, k=min(len(org_ids), rng.randint(1, 5))),
                rng.sample(ambiti, k=rng.randint(1, 3)),
            )
        )
        nuove.append(p)
    Partnership.objects.bulk_create(nuove, batch_size=1000)
    T_d, T_s, T_o, T_a = (
        Partnership.distretti.through,
        Partnership.scuole.through,
        Partnership.organizzazioni.through,
        Partnership.ambiti.through,
    )
    T_d.objects.bulk_create([T_d(partnership_id=p.pk, distretto_id=d) for p, dd, *_ in legami for d in dd])
    T_s.objects.bulk_create([T_s(partnership_id=p.pk, scuola_id=s) for p, _d, ss, *_ in legami for s in ss])
    T_o.objects.bulk_create(
        [T_o(partnership_id=p.pk, organizzazione_id=o) for p, _d, _s, oo, _a in legami for o in oo]
    )
    T_a.objects.bulk_create(
        [T_a(partnership_id=p.pk, ambitotematico_id=a) for p, *_r, aa in legami for a in aa]
    )


def _accordi(quante: int, org_ids: list[int], rng: random.Random, oggi: datetime.date) -> None:
    esistenti = Accordo.objects.filter(demo=True).count()
    if esistenti >= quante or not org_ids:
        return
    distretti = list(Distretto.objects.values_list("pk", "nome"))
    nuovi, legami = [], []
    for n in range(esistenti, quante):
        d_pk, d_nome = rng.choice(distretti)
        firma = oggi - datetime.timedelta(days=rng.randint(0, 1500))
        tipo = rng.choice([Accordo.Tipo.PROTOCOLLO, Accordo.Tipo.ACCORDO_ATTUATIVO, Accordo.Tipo.CONVENZIONE])
        scadenza = firma + datetime.timedelta(days=rng.choice([365, 730, 1095]))
        stato = Accordo.Stato.SCADUTO if scadenza < oggi else Accordo.Stato.FIRMATO
        data_firma: datetime.date | None = firma
        if rng.random() < 0.1:
            stato, data_firma = Accordo.Stato.IN_DEFINIZIONE, None
        a = Accordo(
            titolo=f"{tipo.label} per l'alternanza – distretto {d_nome} n. {n + 1}",
            tipo=tipo,
            stato=stato,
            data_firma=data_firma,
            valido_dal=data_firma,
            valido_al=scadenza if data_firma else None,
            note="Accordo dimostrativo.",
            demo=True,
        )
        nuovi.append(a)
        legami.append((a, d_pk, rng.sample(org_ids, k=min(len(org_ids), rng.randint(1, 3)))))
    Accordo.objects.bulk_create(nuovi)
    T_d, T_o = Accordo.distretti.through, Accordo.organizzazioni.through
    T_d.objects.bulk_create([T_d(accordo_id=a.pk, distretto_id=d) for a, d, _o in legami])
    T_o.objects.bulk_create([T_o(accordo_id=a.pk, organizzazione_id=o) for a, _d, oo in legami for o in oo])


def _convenzioni(quante: int, org_ids: list[int], rng: random.Random, oggi: datetime.date) -> None:
    esistenti = Convenzione.objects.filter(demo=True).count()
    scuole = [pk for pk, _d in _scuole()]
    if esistenti >= quante or not (scuole and org_ids):
        return
    nuove = []
    for n in range(esistenti, quante):
        firma = oggi - datetime.timedelta(days=rng.randint(30, 900))
        nuove.append(
            Convenzione(
                scuola_id=rng.choice(scuole),
                organizzazione_id=rng.choice(org_ids),
                numero=f"DEMO-{n + 1:05d}",
                data_firma=firma,
                # Some expire within 30 days (reminders), some already expired (flagged).
                scadenza=max(firma, oggi + datetime.timedelta(days=rng.randint(-60, 700))),
                sezione_dvr="Rischi specifici: rumore e movimentazione carichi. DPI forniti dall'ospitante; "
                "formazione specifica di 4 ore prima dell'inizio.",
                demo=True,
            )
        )
    Convenzione.objects.bulk_create(nuove, batch_size=1000)


def _offerte(quante: int, org_ids: list[int], rng: random.Random, oggi: datetime.date) -> None:
    esistenti = OffertaOspitalita.objects.filter(demo=True).count()
    if esistenti >= quante or not org_ids:
        return
    aree = list(AreaS3.objects.values_list("pk", flat=True))
    scelte = rng.sample(org_ids, k=min(len(org_ids), quante - esistenti))
    comuni = dict(Organizzazione.objects.filter(pk__in=scelte).values_list("pk", "comune_id"))
    nuove = []
    for n, org in enumerate(scelte, start=esistenti):
        inizio = oggi + datetime.timedelta(days=rng.randint(-30, 240))
        nuove.append(
            OffertaOspitalita(
                organizzazione_id=org,
                titolo=f"Percorso in {rng.choice(TEMI).lower()} n. {n + 1}",
                descrizione="Affiancamento a un tutor aziendale, attività pratiche e restituzione finale.",
                posti=rng.randint(1, 8),
                data_inizio=inizio,
                data_fine=inizio + datetime.timedelta(days=rng.choice([14, 21, 30, 60])),
                area_s3_id=rng.choice(aree),
                comune_id=comuni.get(org),
                requisiti=rng.choice(
                    ["", "Classi terze e quarte.", "Formazione sulla sicurezza (rischio medio)."]
                ),
                demo=True,
            )
        )
    OffertaOspitalita.objects.bulk_create(nuove, batch_size=1000)
    scuole = [pk for pk, _d in _scuole()]
    if scuole:
        interessi = {(o.pk, rng.choice(scuole)) for o in nuove if rng.random() < 0.3}
        InteresseOfferta.objects.bulk_create(
            [InteresseOfferta(offerta_id=o, scuola_id=s, studenti=rng.randint(1, 6)) for o, s in interessi],
            ignore_conflicts=True,
        )
