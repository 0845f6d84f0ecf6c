# The programme funnel counts each cohort's survey figures in one MHST area: its own, or for
# a cohort organised by LA, the one most of the schools on its roster are in. The cells keep
# that area as they are worked out (with the LA on the pair cells), the rate totals gain it,
# and the paired changes get totals per region, LA and funnel area (``PairAreaTotal``), so
# the funnel over whole regions adds up totals instead of one row per cohort. Writes to the
# places, and a school's move of MHST area, mark the LA-organised cohorts they touch stale.

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

from evaluation.conf import min_cell
from evaluation.suppression import draw_pads

CELLS_0016 = import_module("evaluation.migrations.0016_survey_cell_released")
CELLS_0018 = import_module("evaluation.migrations.0018_rate_totals_kept")

#: cohorts.models.ROSTER_STATUSES when this was written: the places on a cohort's roster.
ROSTER = "'booked', 'attended_day_1', 'completed', 'attended_one_day', 'did_not_attend'"

TOTALS = r"""
-- Add (sign 1) or take away (sign -1) the survey cells of ``ids`` (NULL: all) with an
-- invitation sent to or from the rate totals, and the outcome pair cells of at least
-- ``min_size`` at both time points to or from the funnel's area totals, by the phase, LA,
-- MHST area and funnel area each cell was worked out with (not the cohort's today: taking
-- away follows what was added).
CREATE OR REPLACE FUNCTION evaluation_cells_rate_totals(ids bigint[], min_size int, sign int)
RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
    only_c text := CASE WHEN ids IS NULL THEN '' ELSE ' AND cohort_id = ANY($1)' END;
BEGIN
    EXECUTE '
    INSERT INTO evaluation_ratetotal AS t
        (region, audience, time_point, phase_id, local_authority_id, mhst_area_id,
         funnel_area_id, cells, invited, released, large)
    SELECT region, audience, time_point, phase_id, local_authority_id, mhst_area_id,
           funnel_area_id, $3 * count(*), $3 * sum(invited), $3 * sum(released),
           $3 * count(*) FILTER (WHERE responded >= $2)
    FROM evaluation_surveycell
    WHERE invited > 0' || only_c || '
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (region, audience, time_point, phase_id, local_authority_id, mhst_area_id,
                 funnel_area_id)
    DO UPDATE SET cells = t.cells + EXCLUDED.cells, invited = t.invited + EXCLUDED.invited,
                  released = t.released + EXCLUDED.released, large = t.large + EXCLUDED.large'
    USING ids, min_size, sign;
    DELETE FROM evaluation_ratetotal WHERE cells = 0;
    EXECUTE '
    INSERT INTO evaluation_pairareatotal AS t
        (region, audience, time_a, time_b, outcome, local_authority_id, funnel_area_id,
         pairs, sum_a, sum_b, sum_d, sum_d2)
    SELECT region, audience, time_a, time_b, outcome, local_authority_id, funnel_area_id,
           $3 * sum(pairs), $3 * sum(sum_a), $3 * sum(sum_b), $3 * sum(sum_d),
           $3 * sum(sum_d2)
    FROM evaluation_paircell
    WHERE code = '''' AND size_a >= $2 AND size_b >= $2' || only_c || '
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (region, audience, time_a, time_b, outcome, local_authority_id,
                 funnel_area_id)
    DO UPDATE SET pairs = t.pairs + EXCLUDED.pairs, sum_a = t.sum_a + EXCLUDED.sum_a,
                  sum_b = t.sum_b + EXCLUDED.sum_b, sum_d = t.sum_d + EXCLUDED.sum_d,
                  sum_d2 = t.sum_d2 + EXCLUDED.sum_d2' USING ids, min_size, sign;
    DELETE FROM evaluation_pairareatotal WHERE pairs = 0;
END
$fn$;
"""

#: A cohort's funnel area, in the statement that writes its survey cells (``counted``):
#: its own MHST area, else the one most of its roster is in (lowest id of the most; an
#: area before none), else none.
FUNNEL_AREA = f"""           COALESCE(max(co.mhst_area_id), (
               SELECT e.mhst_area_id
               FROM cohorts_place p
               JOIN schools_establishment e ON e.id = p.establishment_id
               WHERE p.cohort_id = counted.cohort_id AND p.status IN ({ROSTER})
               GROUP BY e.mhst_area_id
               ORDER BY count(DISTINCT p.establishment_id) DESC,
                        e.mhst_area_id IS NULL, e.mhst_area_id
               LIMIT 1))
""".replace("'", "''")

# 0018's functions, with each survey cell's funnel area, the pair cells given their
# cohort's LA and funnel area from the survey cells just written (the cell at ``time_a``),
# and the new totals emptied and analysed at a rebuild.
REFRESH = CELLS_0016._replaced(
    CELLS_0018.REFRESH,
    [
        (
            "         phase_id, local_authority_id, mhst_area_id)",
            "         phase_id, local_authority_id, mhst_area_id, funnel_area_id)",
        ),
        (
            "           max(co.local_authority_id), max(co.mhst_area_id)\n",
            "           max(co.local_authority_id), max(co.mhst_area_id),\n" + FUNNEL_AREA,
        ),
        (
            "         sum_d2, size_a, size_b)\n"
            "    SELECT cohort_id, region, audience, time_a, time_b, code, '''', count(*),",
            "         sum_d2, size_a, size_b, local_authority_id, funnel_area_id)\n"
            "    SELECT u.*, s.local_authority_id, s.funnel_area_id FROM (\n"
            "    SELECT cohort_id, region, audience, time_a, time_b, code, '''', count(*),",
        ),
        (
            "    GROUP BY 1, 2, 3, 4, 5, 7' USING ids;",
            "    GROUP BY 1, 2, 3, 4, 5, 7\n"
            "    ) AS u\n"
            "    JOIN evaluation_surveycell s\n"
            "      ON s.cohort_id = u.cohort_id AND s.audience = u.audience\n"
            "     AND s.time_point = u.time_a' USING ids;",
        ),
        (
            "        DELETE FROM evaluation_ratetotal;\n",
            "        DELETE FROM evaluation_ratetotal;\n"
            "        DELETE FROM evaluation_pairareatotal;\n",
        ),
        (
            "            evaluation_answertotal, evaluation_pairtotal;",
            "            evaluation_answertotal, evaluation_pairtotal, evaluation_ratetotal,\n"
            "            evaluation_pairareatotal;",
        ),
    ],
)

TRIGGERS = r"""
-- A cohort organised by LA counts its figures in the MHST area most of its roster is in:
-- a place joining or leaving a roster marks its cohort stale.
CREATE OR REPLACE FUNCTION evaluation_cells_stale_places() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO evaluation_stalecohort (cohort_id)
    SELECT DISTINCT c.cohort_id FROM changed c
    JOIN cohorts_cohort co ON co.id = c.cohort_id
    WHERE co.mhst_area_id IS NULL AND c.status IN (ROSTER)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION evaluation_cells_stale_places_updated() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO evaluation_stalecohort (cohort_id)
    SELECT DISTINCT moved.cohort_id FROM (
        SELECT n.cohort_id AS new_cohort, o.cohort_id AS old_cohort
        FROM changed n JOIN was o ON o.id = n.id
        WHERE (n.cohort_id, n.establishment_id, n.status IN (ROSTER))
              IS DISTINCT FROM (o.cohort_id, o.establishment_id, o.status IN (ROSTER))
    ) AS changes
    CROSS JOIN LATERAL (VALUES (changes.new_cohort), (changes.old_cohort)) AS moved (cohort_id)
    JOIN cohorts_cohort co ON co.id = moved.cohort_id
    WHERE co.mhst_area_id IS NULL
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$fn$;

-- A school moved to another MHST area: the LA-organised cohorts whose roster it is on.
CREATE OR REPLACE FUNCTION evaluation_cells_stale_establishment() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO evaluation_stalecohort (cohort_id)
    SELECT DISTINCT p.cohort_id FROM cohorts_place p
    JOIN cohorts_cohort co ON co.id = p.cohort_id
    WHERE p.establishment_id = NEW.id AND p.status IN (ROSTER) AND co.mhst_area_id IS NULL
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER evaluation_cells_places_i AFTER INSERT ON cohorts_place
REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION evaluation_cells_stale_places();
CREATE TRIGGER evaluation_cells_places_u AFTER UPDATE ON cohorts_place
REFERENCING NEW TABLE AS changed OLD TABLE AS was
FOR EACH STATEMENT EXECUTE FUNCTION evaluation_cells_stale_places_updated();
CREATE TRIGGER evaluation_cells_places_d AFTER DELETE ON cohorts_place
REFERENCING OLD TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION evaluation_cells_stale_places();
CREATE TRIGGER evaluation_cells_establishment_u AFTER UPDATE OF mhst_area_id
ON schools_establishment FOR EACH ROW
WHEN (OLD.mhst_area_id IS DISTINCT FROM NEW.mhst_area_id)
EXECUTE FUNCTION evaluation_cells_stale_establishment();
""".replace("(ROSTER)", f"({ROSTER})")

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS evaluation_cells_places_i ON cohorts_place;
DROP TRIGGER IF EXISTS evaluation_cells_places_u ON cohorts_place;
DROP TRIGGER IF EXISTS evaluation_cells_places_d ON cohorts_place;
DROP TRIGGER IF EXISTS evaluation_cells_establishment_u ON schools_establishment;
DROP FUNCTION IF EXISTS evaluation_cells_stale_places();
DROP FUNCTION IF EXISTS evaluation_cells_stale_places_updated();
DROP FUNCTION IF EXISTS evaluation_cells_stale_establishment();
"""


def forwards(apps, schema_editor):
    """The functions and triggers, then every cohort's cells worked out again with the
    threshold the totals were summed with (or today's, before the first rebuild)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(TOTALS + REFRESH + TRIGGERS)
        cursor.execute("SELECT min_size FROM evaluation_cellthreshold LIMIT 1")
        row = cursor.fetchone()
        cursor.execute(
            "SELECT evaluation_cells_refresh(NULL, %s, %s, %s)",
            [row[0] if row else min_cell(), *draw_pads()],
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(DROP_TRIGGERS + CELLS_0018.RATE_TOTALS + CELLS_0018.REFRESH)


class Migration(migrations.Migration):

    dependencies = [
        ('cohorts', '0028_place_roster_schools'),
        ('evaluation', '0019_pair_cell_outcomes_index'),
        ('schools', '0008_establishment_name_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='PairAreaTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region', models.CharField(blank=True, max_length=30)),
                ('audience', models.CharField(max_length=20)),
                ('time_a', models.CharField(max_length=20)),
                ('time_b', models.CharField(max_length=20)),
                ('outcome', models.CharField(max_length=30)),
                ('pairs', models.IntegerField()),
                ('sum_a', models.FloatField()),
                ('sum_b', models.FloatField()),
                ('sum_d', models.FloatField()),
                ('sum_d2', models.FloatField()),
            ],
        ),
        migrations.RemoveConstraint(
            model_name='ratetotal',
            name='rate_total_unique',
        ),
        migrations.AddField(
            model_name='paircell',
            name='funnel_area',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schools.mhstarea'),
        ),
        migrations.AddField(
            model_name='paircell',
            name='local_authority',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schools.localauthority'),
        ),
        migrations.AddField(
            model_name='ratetotal',
            name='funnel_area',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schools.mhstarea'),
        ),
        migrations.AddField(
            model_name='surveycell',
            name='funnel_area',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schools.mhstarea'),
        ),
        migrations.AddConstraint(
            model_name='ratetotal',
            constraint=models.UniqueConstraint(fields=('region', 'audience', 'time_point', 'phase', 'local_authority', 'mhst_area', 'funnel_area'), name='rate_total_unique', nulls_distinct=False),
        ),
        migrations.AddField(
            model_name='pairareatotal',
            name='funnel_area',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schools.mhstarea'),
        ),
        migrations.AddField(
            model_name='pairareatotal',
            name='local_authority',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schools.localauthority'),
        ),
        migrations.AddConstraint(
            model_name='pairareatotal',
            constraint=models.UniqueConstraint(fields=('region', 'audience', 'time_a', 'time_b', 'outcome', 'local_authority', 'funnel_area'), name='pair_area_total_unique', nulls_distinct=False),
        ),
        migrations.RunPython(forwards, backwards),
    ]
