"""An import job on a large CSV, in a process of its own (run by bench/lavori.py).

python -m bench.importazione --righe 200000 --errate 20000: writes a Chamber-of-Commerce-like CSV (new
tax codes, one row in ten invalid), runs the job function the worker runs (alternanza.core.importazioni
.esegui) inside a transaction rolled back at the end, and prints one JSON line: rows/s and peak RSS.
With --tipo iscritti_newsletter the CSV is a list of new subscribers' addresses (--errate 0: all valid,
the import writes; any invalid row and the all-or-nothing import writes nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--righe", type=int, default=200_000)
    parser.add_argument("--errate", type=int, default=20_000)
    parser.add_argument("--tipo", default="organizzazioni", choices=["organizzazioni", "iscritti_newsletter"])
    argomenti = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alternanza.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from stdnum import luhn

    from alternanza.core import importazioni
    from alternanza.core.models import Importazione

    ogni = argomenti.righe // argomenti.errate if argomenti.errate else 0  # one invalid row every `ogni`
    with tempfile.NamedTemporaryFile("w+b", suffix=".csv") as sorgente:
        if argomenti.tipo == "iscritti_newsletter":
            sorgente.write(b"email;distretti;pubblici\n")
            for n in range(argomenti.righe):
                email = "non-valida" if ogni and n % ogni == 0 else f"bench{n}@example.org"
                sorgente.write(f"{email};bologna;imprese\n".encode())
        else:
            sorgente.write(b"nome;partita_iva;tipo;codice_ateco;comune;aree_s3;pubblica\n")
        for n in range(argomenti.righe if argomenti.tipo == "organizzazioni" else 0):
            base = f"9{n:06d}037"
            piva = base + luhn.calc_check_digit(base)
            nome = "" if ogni and n % ogni == 0 else f"Impresa bench {n}"
            sorgente.write(f"{nome};{piva};impresa;25.62.00;Bologna;mech;no\n".encode())
        sorgente.flush()
        dimensione = sorgente.tell()
        sorgente.seek(0)
        caricato = SimpleUploadedFile("bench.csv", sorgente.read())
    rss_prima = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with transaction.atomic():
        opzioni = {"nota_consenso": "bench", "ip": None} if argomenti.tipo == "iscritti_newsletter" else {}
        importazione = importazioni.richiedi(argomenti.tipo, caricato, None, opzioni)
        del caricato
        inizio = time.perf_counter()
        importazioni.esegui(importazione.pk)
        secondi = time.perf_counter() - inizio
        importazione = Importazione.objects.get(pk=importazione.pk)
        figure = {
            "righe": importazione.righe,
            "create": importazione.riepilogo.get("create", importazione.riepilogo.get("creati", 0)),
            "errori": importazione.n_errori,
            "stato": importazione.stato,
            "MB file": round(dimensione / 1e6, 1),
            "secondi": round(secondi, 1),
            "righe/s": round(importazione.righe / secondi) if secondi else 0,
            "MB picco processo": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "MB picco prima del lavoro": round(rss_prima / 1024),
        }
        for campo in (importazione.file, importazione.file_errori):
            if campo:
                campo.delete(save=False)
        transaction.set_rollback(True)
    print(json.dumps(figure))


if __name__ == "__main__":
    main()
