"""Project model rules: counts, school year, the Italian search vector kept by the database."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from alternanza.core.anno_scolastico import anno_successivo, valida_anno_scolastico
from alternanza.progetti.models import Progetto
from tests.factories import ScuolaFactory, comune
from tests.progetti.factories import ProgettoFactory

pytestmark = pytest.mark.django_db


def test_il_distretto_del_progetto_viene_dalla_scuola():
    progetto = ProgettoFactory(scuola=ScuolaFactory(comune=comune("Imola")))
    assert progetto.distretto.slug == "imola"


@pytest.mark.parametrize("anno", ["2025/26", "1999/00", "2024/25"])
def test_anno_scolastico_valido(anno):
    valida_anno_scolastico(anno)


@pytest.mark.parametrize("anno", ["2025/27", "2025-26", "25/26", "2025/2026", ""])
def test_anno_scolastico_non_valido(anno):
    with pytest.raises(ValidationError):
        valida_anno_scolastico(anno)


def test_anno_successivo_passa_il_secolo():
    assert anno_successivo("2025/26") == "2026/27"
    assert anno_successivo("2099/00") == "2100/01"


def test_clean_spiega_che_le_parti_non_superano_il_totale():
    progetto = ProgettoFactory.build(scuola=ScuolaFactory(), studenti_totale=10, studenti_ragazze=11)
    with pytest.raises(ValidationError) as exc:
        progetto.full_clean()
    assert "studenti_ragazze" in exc.value.message_dict


@pytest.mark.parametrize(
    "campo",
    [
        "studenti_ragazze",
        "studenti_origine_straniera",
        "studenti_con_sostegno",
        "studenti_con_formazione_sicurezza",
    ],
)
def test_il_database_rifiuta_parti_oltre_il_totale(campo):
    progetto = ProgettoFactory(
        studenti_totale=5,
        studenti_ragazze=0,
        studenti_origine_straniera=0,
        studenti_con_sostegno=0,
        studenti_con_formazione_sicurezza=0,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Progetto.objects.filter(pk=progetto.pk).update(**{campo: 6})


def test_il_database_rifiuta_numeri_negativi():
    progetto = ProgettoFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Progetto.objects.filter(pk=progetto.pk).update(studenti_totale=-1)


def test_il_vettore_di_ricerca_e_aggiornato_anche_con_bulk_create():
    scuola = ScuolaFactory()
    Progetto.objects.bulk_create(
        [
            Progetto(
                scuola=scuola,
                distretto_id=scuola.comune.distretto_id,
                anno_scolastico="2025/26",
                titolo="Laboratorio meccanico",
                descrizione="Officina",
            )
        ]
    )
    progetto = Progetto.objects.get(titolo="Laboratorio meccanico")
    assert progetto.ricerca is not None
    assert Progetto.objects.filter(ricerca=SearchQuery("meccanica", config="italian")).exists()
