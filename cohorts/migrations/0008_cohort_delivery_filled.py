"""One delivery per existing cohort; its workshop days and professionals (and their
history) move to it. In its own transaction: PostgreSQL alters no table with pending
trigger events, and 0009 here and workshops 0007 alter these tables."""

from django.db import migrations


def deliveries_made(apps, schema_editor):
    Cohort = apps.get_model("cohorts", "Cohort")
    HistoricalCohort = apps.get_model("cohorts", "HistoricalCohort")
    Delivery = apps.get_model("workshops", "Delivery")
    delivery_of = {}
    for cohort in Cohort.objects.filter(delivery__isnull=True).only("pk").order_by("pk"):
        delivery = Delivery.objects.create(kind="cohort")
        Cohort.objects.filter(pk=cohort.pk).update(delivery=delivery)
        delivery_of[cohort.pk] = delivery.pk
    delivery_of.update(Cohort.objects.values_list("pk", "delivery_id"))
    for cohort_id, delivery_id in delivery_of.items():
        HistoricalCohort.objects.filter(id=cohort_id).update(delivery_id=delivery_id)
        for name in ("Workshop", "Professional", "HistoricalWorkshop", "HistoricalProfessional"):
            model = apps.get_model("workshops", name)
            model.objects.filter(cohort_id=cohort_id).update(delivery_id=delivery_id)


def cohorts_restored(apps, schema_editor):
    """Backwards: each workshop day and professional back on its delivery's cohort."""
    Cohort = apps.get_model("cohorts", "Cohort")
    for cohort_id, delivery_id in Cohort.objects.values_list("pk", "delivery_id"):
        for name in ("Workshop", "Professional", "HistoricalWorkshop", "HistoricalProfessional"):
            model = apps.get_model("workshops", name)
            model.objects.filter(delivery_id=delivery_id).update(cohort_id=cohort_id)


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0007_cohort_delivery"),
    ]

    operations = [migrations.RunPython(deliveries_made, cohorts_restored)]
