"""`minuscolo_senza_accenti(text)`: lower(unaccent(text)) as one IMMUTABLE function, for expression indexes.

unaccent() is only STABLE (its dictionary could be changed), so PostgreSQL refuses it in an index; the
wrapper names the dictionary with its schema, which makes the result depend on its argument alone (the
usual recipe). alternanza.core.ricerca.MinuscoloSenzaAccenti calls it, and the searched tables index the same
expressions (GIN, full text and trigrams) so that a search reads an index instead of every row.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

CREA = """
CREATE OR REPLACE FUNCTION minuscolo_senza_accenti(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_file_delle_importazioni"),
    ]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunSQL(CREA, reverse_sql="DROP FUNCTION IF EXISTS minuscolo_senza_accenti(text)"),
    ]
