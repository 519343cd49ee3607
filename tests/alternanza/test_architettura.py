"""The layers of docs/architecture.md hold: no import cycle between modules of the project."""

import importlib.util
from pathlib import Path

RADICE = Path(__file__).resolve().parents[2]


def _verificatore():
    spec = importlib.util.spec_from_file_location("import_cycles", RADICE / "scripts" / "import_cycles.py")
    modulo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(modulo)
    return modulo


def test_il_verificatore_trova_un_ciclo_e_ignora_i_rami():
    verificatore = _verificatore()
    grafo = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert verificatore.cycles(grafo) == [["a", "b", "c"]]
    assert verificatore.cycles({"a": {"b"}, "b": set()}) == []


def test_un_import_nella_funzione_di_un_task_non_fa_ciclo_altrove_si():
    import ast

    verificatore = _verificatore()
    sorgente = ast.parse("import os\n\ndef f():\n    from x import servizio\n")
    assert "x" not in verificatore._imports(sorgente, "app.tasks", False)
    assert "x" in verificatore._imports(sorgente, "app.services", False)


def test_nessun_ciclo_di_import_tra_i_moduli_del_progetto():
    verificatore = _verificatore()
    assert verificatore.cycles(verificatore.graph()) == []
