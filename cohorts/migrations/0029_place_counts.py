# Each cohort's places per status, kept by statement-level triggers on the places (see
# ``cohorts.place_counts``): the dashboard's phases add up a row per cohort and status (32,000
# at ten times the programme) instead of every place (216,000). PostgreSQL only.

import django.db.models.deletion
from django.db import migrations, models

COUNTS = r"""
-- Places a statement inserted (+1 each) or deleted (-1 each: the trigger's old rows are
-- named ``changed`` too), added to their cohort's count of their status in key order (two
-- statements over the same cohorts lock rows in one order); a count a delete took to 0 goes.
CREATE OR REPLACE FUNCTION cohorts_place_counts_added() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO cohorts_placecount AS t (cohort_id, status, places)
    SELECT cohort_id, status, CASE WHEN TG_OP = 'DELETE' THEN -count(*) ELSE count(*) END
    FROM changed GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (cohort_id, status) DO UPDATE SET places = t.places + EXCLUDED.places;
    IF TG_OP = 'DELETE' THEN
        DELETE FROM cohorts_placecount t USING changed o
        WHERE t.cohort_id = o.cohort_id AND t.status = o.status AND t.places = 0;
    END IF;
    RETURN NULL;
END
$fn$;

-- Places a statement moved to another status or cohort: +1 as they are, -1 as they were.
CREATE OR REPLACE FUNCTION cohorts_place_counts_updated() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    WITH moved AS (
        SELECT n.cohort_id AS new_cohort, n.status AS new_status,
               o.cohort_id AS old_cohort, o.status AS old_status
        FROM changed n JOIN was o ON o.id = n.id
        WHERE (n.cohort_id, n.status) IS DISTINCT FROM (o.cohort_id, o.status)
    ), counted AS (
        SELECT new_cohort AS cohort_id, new_status AS status, 1 AS n FROM moved
        UNION ALL
        SELECT old_cohort, old_status, -1 FROM moved
    )
    INSERT INTO cohorts_placecount AS t (cohort_id, status, places)
    SELECT cohort_id, status, sum(n) FROM counted
    GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2
    ON CONFLICT (cohort_id, status) DO UPDATE SET places = t.places + EXCLUDED.places;
    DELETE FROM cohorts_placecount t USING was o
    WHERE t.cohort_id = o.cohort_id AND t.status = o.status AND t.places = 0;
    RETURN NULL;
END
$fn$;

CREATE TRIGGER cohorts_place_counts_i AFTER INSERT ON cohorts_place
REFERENCING NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION cohorts_place_counts_added();
CREATE TRIGGER cohorts_place_counts_u AFTER UPDATE ON cohorts_place
REFERENCING NEW TABLE AS changed OLD TABLE AS was
FOR EACH STATEMENT EXECUTE FUNCTION cohorts_place_counts_updated();
CREATE TRIGGER cohorts_place_counts_d AFTER DELETE ON cohorts_place
REFERENCING OLD TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION cohorts_place_counts_added();
"""

DROP = """
DROP TRIGGER IF EXISTS cohorts_place_counts_i ON cohorts_place;
DROP TRIGGER IF EXISTS cohorts_place_counts_u ON cohorts_place;
DROP TRIGGER IF EXISTS cohorts_place_counts_d ON cohorts_place;
DROP FUNCTION IF EXISTS cohorts_place_counts_added();
DROP FUNCTION IF EXISTS cohorts_place_counts_updated();
"""


def forwards(apps, schema_editor):
    """The triggers, then every cohort's places counted (under a lock on the places, so no
    write falls between the count and the first trigger)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("LOCK TABLE cohorts_place IN SHARE MODE")
        cursor.execute(COUNTS)
        cursor.execute(
            "INSERT INTO cohorts_placecount (cohort_id, status, places)"
            " SELECT cohort_id, status, count(*) FROM cohorts_place GROUP BY 1, 2"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('cohorts', '0028_place_roster_schools'),
    ]

    operations = [
        migrations.CreateModel(
            name='PlaceCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('booked', 'Booked'), ('waiting', 'On the waiting list'), ('offered', 'Offered a place'), ('cancelled', 'Cancelled'), ('attended_day_1', 'Attended day 1'), ('completed', 'Completed'), ('attended_one_day', 'Attended one day'), ('did_not_attend', 'Did not attend')], max_length=20)),
                ('places', models.IntegerField()),
                ('cohort', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cohorts.cohort')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('cohort', 'status'), name='place_count_unique')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
