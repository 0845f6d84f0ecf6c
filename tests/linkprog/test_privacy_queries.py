"""The privacy pages cost the same at 20 rows and at 2,000 (issue 16)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from linkprog.privacy import retention_run
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from tests.accounts.factories import user_with_role

pytestmark = pytest.mark.django_db


def _emails(n: int, recipient: str = "sam@school.example") -> None:
    sent = timezone.now() - dt.timedelta(days=100)
    OutgoingEmail.objects.bulk_create(
        OutgoingEmail(
            kind=EmailKind.BOOKING_CONFIRMATION,
            recipient=recipient,
            idempotency_key=f"booking_confirmation|{recipient}|-|{i}",
            subject="Booked",
            body_text="Your place https://link.example/cohorts/book/abc:def/",
            status=EmailStatus.SENT,
            sent_at=sent,
        )
        for i in range(n)
    )


@pytest.mark.parametrize("rows", [20, 2000])
def test_pages_cost_a_fixed_number_of_queries(client, django_assert_max_num_queries, rows):
    _emails(rows)
    client.force_login(user_with_role(Role.NATIONAL_ADMIN, "nat"))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("privacy:retention")).status_code == 200
    with django_assert_max_num_queries(20):
        found = client.post(reverse("privacy:subject"), {"email": "SAM@school.example"})
    assert found.context["found"] == rows
    with django_assert_max_num_queries(20):
        export = client.post(reverse("privacy:subject-export"), {"email": "sam@school.example"})
    assert b"cohorts/book/abc" not in export.content  # a booking link is a credential
    assert export.content.count(b"Your place") == rows


@pytest.mark.parametrize("rows", [20, 2000])
def test_the_job_costs_a_few_queries_per_thousand_emails(django_assert_max_num_queries, rows):
    _emails(rows)
    # Each kind of data the registry knows costs its query and a savepoint's two (the
    # schools survey's free text added three); the emails, four more per thousand.
    with django_assert_max_num_queries(30 + 4 * (rows // 1000)):
        run = retention_run()
    assert run.counts["outbox.emails"] == rows
    assert not OutgoingEmail.objects.exclude(recipient="").exists()
    keys = set(OutgoingEmail.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == rows and not any("sam@" in key for key in keys)


def test_the_preview_page_lists_the_last_runs_with_their_counts(client):
    _emails(3)
    retention_run()
    client.force_login(user_with_role(Role.NATIONAL_ADMIN, "nat"))

    page = client.get(reverse("privacy:retention")).content.decode()

    assert "Nightly retention run" in page
    assert "Email bodies and addresses: 3" in page
    assert "sam@school.example" not in page


def test_a_bulk_queue_after_the_address_was_emptied_makes_no_second_email():
    from outbox.services import EmailSpec, emails_enqueue_bulk

    _emails(2)
    retention_run()
    spec = EmailSpec(
        kind=EmailKind.BOOKING_CONFIRMATION,
        recipient="Sam@School.example",
        template="booking_confirmation",
        context={},
        occurrence="1",
    )
    other = EmailSpec(**{**spec.__dict__, "occurrence": "new"})

    made = emails_enqueue_bulk([spec, other])

    assert len(made) == 1 and OutgoingEmail.objects.count() == 3
    assert OutgoingEmail.objects.get(pk=next(iter(made.values()))).idempotency_key.endswith("|new")


def test_the_outbox_pages_say_an_emptied_address_was_removed(client):
    _emails(1)
    retention_run()
    client.force_login(user_with_role(Role.NATIONAL_ADMIN, "nat"))
    email = OutgoingEmail.objects.get()

    listing = client.get(reverse("outbox:email-list")).content.decode()
    detail = client.get(reverse("outbox:email-detail", args=[email.pk])).content.decode()

    assert "Address removed</a>" in listing
    assert "Address removed (personal data retention)" in detail
