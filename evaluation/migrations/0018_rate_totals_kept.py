# The functions that keep the rate totals (0017): a report over whole regions sums a few
# thousand rows for its response rates, however many cohorts.

from importlib import import_module

from django.db import migrations

CELLS_0016 = import_module("evaluation.migrations.0016_survey_cell_released")

RATE_TOTALS = r"""
-- Add (sign 1) or take away (sign -1) the survey cells of ``ids`` (NULL: all) with an
-- invitation sent to or from the rate totals, by the phase, LA and MHST area each cell
-- was worked out with (not the cohort's today: taking away follows what was added).
CREATE OR REPLACE FUNCTION evaluation_cells_rate_totals(ids bigint[], min_size int, sign int)
RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE '
    INSERT INTO evaluation_ratetotal AS t
        (region, audience, time_point, phase_id, local_authority_id, mhst_area_id,
         cells, invited, released, large)
    SELECT region, audience, time_point, phase_id, local_authority_id, mhst_area_id,
           $3 * count(*), $3 * sum(invited), $3 * sum(released),
           $3 * count(*) FILTER (WHERE responded >= $2)
    FROM evaluation_surveycell
    WHERE invited > 0' || CASE WHEN ids IS NULL THEN '' ELSE ' AND cohort_id = ANY($1)' END || '
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (region, audience, time_point, phase_id, local_authority_id, mhst_area_id)
    DO UPDATE SET cells = t.cells + EXCLUDED.cells, invited = t.invited + EXCLUDED.invited,
                  released = t.released + EXCLUDED.released, large = t.large + EXCLUDED.large'
    USING ids, min_size, sign;
    DELETE FROM evaluation_ratetotal WHERE cells = 0;
END
$fn$;

-- A cohort's cells are counted in its LA's region, and by its phase, LA and MHST area.
CREATE OR REPLACE FUNCTION evaluation_cells_stale_cohorts() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO evaluation_stalecohort (cohort_id)
    SELECT n.id FROM changed n JOIN was o ON o.id = n.id
    WHERE (n.local_authority_id, n.phase_id, n.mhst_area_id)
          IS DISTINCT FROM (o.local_authority_id, o.phase_id, o.mhst_area_id)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$fn$;
"""

# 0016's functions, the survey cells written with their phase, LA and MHST area, and the
# rate totals kept with the others.
REFRESH = CELLS_0016._replaced(
    CELLS_0016.REFRESH,
    [
        (
            "(cohort_id, region, audience, time_point, invited, responded, submitted)",
            "(cohort_id, region, audience, time_point, invited, responded, submitted,\n"
            "         phase_id, local_authority_id, mhst_area_id)",
        ),
        (
            "           sum(invited), sum(responded), sum(submitted)\n",
            "           sum(invited), sum(responded), sum(submitted), max(co.phase_id),\n"
            "           max(co.local_authority_id), max(co.mhst_area_id)\n",
        ),
        (
            "    -- What nobody answered is no row",
            "    PERFORM evaluation_cells_rate_totals(ids, min_size, sign);\n"
            "    -- What nobody answered is no row",
        ),
        (
            "        DELETE FROM evaluation_pairtotal;\n",
            "        DELETE FROM evaluation_pairtotal;\n"
            "        DELETE FROM evaluation_ratetotal;\n",
        ),
    ],
)


def forwards(apps, schema_editor):
    """The functions, then each survey cell's phase, LA and MHST area (its cohort's: cells
    are worked out again when those change) and the rate totals from them."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(RATE_TOTALS + REFRESH)
        cursor.execute(
            "UPDATE evaluation_surveycell s SET phase_id = co.phase_id,"
            " local_authority_id = co.local_authority_id, mhst_area_id = co.mhst_area_id"
            " FROM cohorts_cohort co WHERE co.id = s.cohort_id"
        )
        cursor.execute(
            "SELECT evaluation_cells_rate_totals(NULL, min_size, 1)"
            " FROM evaluation_cellthreshold LIMIT 1"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "DROP FUNCTION IF EXISTS evaluation_cells_rate_totals(bigint[], int, int);"
            + CELLS_0016.REFRESH
        )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0017_rate_totals"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
