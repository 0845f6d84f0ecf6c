# Each survey cell keeps what its responses count for in every response figure
# (``suppression.released_count``), drawn in the database, so that a report sums response
# rates in SQL instead of drawing for every cell of the country in Python.

from importlib import import_module

from django.db import migrations, models

from evaluation.conf import min_cell
from evaluation.suppression import draw_pads

CELLS_0015 = import_module("evaluation.migrations.0015_report_cells")

# The draw of ``suppression._draw``: HMAC-SHA256 (RFC 2104) from the padded keys the caller
# passes (``suppression.draw_pads``), its first 64 bits as a whole number. The database is
# given the padded keys of one derived key for each call, never the secret key, and keeps
# none of them.
RELEASE = r"""
CREATE OR REPLACE FUNCTION evaluation_cell_draw(cell text, inner_key bytea, outer_key bytea)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT CASE WHEN v < 0 THEN v::numeric + 18446744073709551616 ELSE v::numeric END
    FROM (
        SELECT ('x' || encode(substring(
            sha256(outer_key || sha256(inner_key || convert_to(cell, 'UTF8'))) FROM 1 FOR 8
        ), 'hex'))::bit(64)::bigint AS v
    ) AS drawn
$fn$;

-- What each survey cell of ``ids`` (NULL: all) counts for, with the threshold ``least``:
-- its responses from the threshold up; under it, 0 or min(threshold, invited), the larger
-- when the draw times that is under the responses (``suppression.released_count``).
CREATE OR REPLACE FUNCTION evaluation_cells_release(
    ids bigint[], least_size int, inner_key bytea, outer_key bytea
) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE '
    UPDATE evaluation_surveycell s SET released = CASE
        WHEN s.responded >= $2 THEN s.responded
        WHEN least($2, s.invited) < 2 THEN 0
        WHEN evaluation_cell_draw(s.cohort_id::text || '':'' || s.audience || '':''
                                  || s.time_point, $3, $4) * least($2, s.invited)
             < s.responded * 18446744073709551616::numeric THEN least($2, s.invited)
        ELSE 0
    END' || CASE WHEN ids IS NULL THEN '' ELSE ' WHERE s.cohort_id = ANY($1)' END
    USING ids, least_size, inner_key, outer_key;
END
$fn$;
"""


def _replaced(sql: str, changes: list[tuple[str, str]]) -> str:
    for old, new in changes:
        assert sql.count(old) == 1, old
        sql = sql.replace(old, new)
    return sql


# 0015's functions, given the padded keys, with the released counts worked out after the
# invitations are counted, and the key's name kept beside the threshold at a rebuild.
REFRESH = _replaced(
    CELLS_0015.REFRESH,
    [
        (
            "evaluation_cells_refresh(ids bigint[], rebuild_least int)",
            "evaluation_cells_refresh(\n"
            "    ids bigint[], rebuild_least int, inner_key bytea, outer_key bytea\n)",
        ),
        (
            "    -- How many gave each answer",
            "    IF COALESCE(rebuild_least, min_size) IS NOT NULL THEN\n"
            "        PERFORM evaluation_cells_release(\n"
            "            ids, COALESCE(rebuild_least, min_size), inner_key, outer_key);\n"
            "    END IF;\n\n"
            "    -- How many gave each answer",
        ),
        (
            "INSERT INTO evaluation_cellthreshold (min_size) VALUES (rebuild_least);",
            "INSERT INTO evaluation_cellthreshold (min_size, key_id) VALUES (\n"
            "            rebuild_least,\n"
            "            left(encode(sha256('key id:'::bytea || inner_key), 'hex'), 16));",
        ),
        (
            "evaluation_cells_refresh_stale() RETURNS void",
            "evaluation_cells_refresh_stale(inner_key bytea, outer_key bytea)\nRETURNS void",
        ),
        (
            "PERFORM evaluation_cells_refresh(ids, NULL);",
            "PERFORM evaluation_cells_refresh(ids, NULL, inner_key, outer_key);",
        ),
    ],
)

DROP_0015 = """
DROP FUNCTION IF EXISTS evaluation_cells_refresh_stale();
DROP FUNCTION IF EXISTS evaluation_cells_refresh(bigint[], int);
"""

DROP = """
DROP FUNCTION IF EXISTS evaluation_cells_refresh_stale(bytea, bytea);
DROP FUNCTION IF EXISTS evaluation_cells_refresh(bigint[], int, bytea, bytea);
DROP FUNCTION IF EXISTS evaluation_cells_release(bigint[], int, bytea, bytea);
DROP FUNCTION IF EXISTS evaluation_cell_draw(text, bytea, bytea);
"""


def forwards(apps, schema_editor):
    """The new functions, then every cell's released count drawn with the threshold the
    totals were summed with (no rebuild: the other cells do not change)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    inner, outer = draw_pads()
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(DROP_0015 + RELEASE + REFRESH)
        cursor.execute("SELECT min_size FROM evaluation_cellthreshold LIMIT 1")
        row = cursor.fetchone()
        least = row[0] if row else min_cell()
        cursor.execute(
            "SELECT evaluation_cells_release(NULL, %s, %s, %s)", [least, inner, outer]
        )
        cursor.execute(
            "UPDATE evaluation_cellthreshold"
            " SET key_id = left(encode(sha256('key id:'::bytea || %s), 'hex'), 16)",
            [inner],
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(DROP + CELLS_0015.REFRESH)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0015_report_cells"),
    ]

    operations = [
        migrations.AddField(
            model_name="cellthreshold",
            name="key_id",
            field=models.CharField(blank=True, db_default="", max_length=16),
        ),
        migrations.AddField(
            model_name="surveycell",
            name="released",
            field=models.IntegerField(db_default=0),
        ),
        migrations.RunPython(forwards, backwards),
    ]
