"""The coordinators' outbox pages: scoped by role, filters, preview, retry and cancel."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import Role
from outbox.models import EmailKind, EmailStatus, OutgoingEmail
from tests.accounts.factories import UserFactory, user_with_role
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory

pytestmark = pytest.mark.django_db


def email(school, status=EmailStatus.QUEUED, kind=EmailKind.INVITATION, wave="w1", n=0):
    """An email about ``school``, stamped with its areas as its producer would."""
    return OutgoingEmail.objects.create(
        kind=kind,
        recipient=school.contact_email,
        establishment=school,
        local_authority=school.la,
        mhst_area=school.mhst_area,
        campaign=wave,
        idempotency_key=f"{kind}|{school.pk}|{wave}|{n}",
        subject=f"{school.name}: join",
        body_text=f"Hello {school.name}",
        body_html=f"<p>Hello {school.name}</p>",
        status=status,
    )


@pytest.fixture
def world():
    camden = LocalAuthorityFactory(code="T01", name="Camden")
    leeds = LocalAuthorityFactory(code="T02", name="Leeds")
    inside = EstablishmentFactory(la=camden, contact_email="in@camden.example")
    outside = EstablishmentFactory(la=leeds, contact_email="out@leeds.example")
    return {
        "camden": camden,
        "in": email(inside, status=EmailStatus.FAILED),
        "out": email(outside, status=EmailStatus.FAILED),
    }


def urls(world):
    return {
        "list": ("get", reverse("outbox:email-list")),
        "detail-in": ("get", reverse("outbox:email-detail", args=[world["in"].pk])),
        "detail-out": ("get", reverse("outbox:email-detail", args=[world["out"].pk])),
        "preview-in": ("get", reverse("outbox:email-preview", args=[world["in"].pk])),
        "preview-out": ("get", reverse("outbox:email-preview", args=[world["out"].pk])),
        "retry-out": ("post", reverse("outbox:email-retry", args=[world["out"].pk])),
        "cancel-out": ("post", reverse("outbox:email-cancel", args=[world["out"].pk])),
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.NATIONAL_ADMIN, [200, 200, 200, 200, 200, 302, 302]),
        (Role.REGIONAL_COORDINATOR, [200, 200, 404, 200, 404, 404, 404]),
        (Role.FACILITATOR, [403] * 7),
        (Role.VIEWER, [403] * 7),
        (None, [403] * 7),
    ],
    ids=["national", "regional", "facilitator", "viewer", "no-role"],
)
def test_every_outbox_url_as_each_role(client, world, role, expected):
    if role is None:
        user = UserFactory(username="norole")
    elif role == Role.REGIONAL_COORDINATOR:
        user = user_with_role(role, local_authorities=[world["camden"]])
    else:
        user = user_with_role(role)
    client.force_login(user)

    got = [getattr(client, method)(url).status_code for method, url in urls(world).values()]

    assert got == expected


def test_the_list_filters_by_wave_kind_status_and_recipient(client, world):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    school = EstablishmentFactory(contact_email="nudge@x.example")
    nudge = email(school, kind=EmailKind.NUDGE, wave="w2", status=EmailStatus.SENT)
    url = reverse("outbox:email-list")

    def listed(**params):
        return {e.pk for e in client.get(url, params).context["object_list"]}

    assert listed(campaign="w2") == {nudge.pk}
    assert listed(kind=EmailKind.NUDGE) == {nudge.pk}
    assert listed(status=EmailStatus.FAILED) == {world["in"].pk, world["out"].pk}
    assert listed(recipient="camden") == {world["in"].pk}


def test_a_regional_coordinator_lists_only_their_areas(client, world):
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[world["camden"]])
    )

    response = client.get(reverse("outbox:email-list"))

    assert [e.pk for e in response.context["object_list"]] == [world["in"].pk]


def test_preview_retry_and_cancel_are_recorded_with_who(client, world):
    user = user_with_role(Role.NATIONAL_ADMIN, username="nat")
    client.force_login(user)
    failed = world["in"]

    page = client.get(reverse("outbox:email-detail", args=[failed.pk])).content.decode()
    assert "Hello" in page and "Send again" in page and 'sandbox=""' in page

    client.post(reverse("outbox:email-retry", args=[failed.pk]))
    failed.refresh_from_db()
    assert failed.status == EmailStatus.QUEUED
    assert failed.history.latest().history_user == user

    response = client.post(reverse("outbox:email-cancel", args=[failed.pk]), follow=True)
    failed.refresh_from_db()
    assert failed.status == EmailStatus.CANCELLED
    assert failed.history.latest().history_user == user
    assert "will not be sent" in response.content.decode()

    again = client.post(reverse("outbox:email-cancel", args=[failed.pk]), follow=True)
    assert "cannot be cancelled" in again.content.decode()


def test_the_list_costs_the_same_at_20_and_200_emails(client, world, django_assert_max_num_queries):
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    school = EstablishmentFactory(contact_email="many@x.example")
    for n in range(20):
        email(school, n=n)
    with django_assert_max_num_queries(20) as twenty:
        client.get(reverse("outbox:email-list"))
    for n in range(20, 200):
        email(school, n=n)
    with django_assert_max_num_queries(len(twenty.captured_queries)):
        assert client.get(reverse("outbox:email-list")).status_code == 200


def test_staff_never_see_a_survey_link_they_could_answer_through(client, admin_client, world):
    """Whoever opens a survey link sees that person's unsubmitted answers: the outbox page
    and the admin show the email with the token hidden (booking links stay, as coordinators
    may act for a school)."""
    survey = email(world["in"].establishment, kind=EmailKind.SURVEY_INVITATION, n=1)
    token = "eyJpIjo0Mn0:1vAbcd:SeCrEtSiGnAtUrE"
    survey.body_text = f"Answer here: https://link.example/survey/{token}/\n"
    survey.body_html = f'<p><a href="https://link.example/survey/{token}/">Answer</a></p>'
    survey.save()
    client.force_login(user_with_role(Role.NATIONAL_ADMIN, username="nat"))

    pages = [
        client.get(reverse("outbox:email-detail", args=[survey.pk])).content.decode(),
        admin_client.get(
            reverse("admin:outbox_outgoingemail_change", args=[survey.pk])
        ).content.decode(),
    ]

    for page in pages:
        assert token not in page
        assert "/survey/[redacted]/" in page
        assert "Answer here" in page
    preview = client.get(reverse("outbox:email-preview", args=[survey.pk])).content.decode()
    assert token not in preview
    assert preview == '<p><a href="https://link.example/survey/[redacted]/">Answer</a></p>'


def test_the_html_preview_is_a_sandboxed_page_only_its_email_page_may_frame(client, world):
    """An email's HTML styles itself inline, which Link's policy forbids: it is shown from a
    page of its own whose policy allows inline styles and nothing else, sandboxed."""
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    detail = client.get(reverse("outbox:email-detail", args=[world["in"].pk]))
    preview_url = reverse("outbox:email-preview", args=[world["in"].pk])

    preview = client.get(preview_url)

    assert f'sandbox="" src="{preview_url}"' in detail.content.decode()
    assert "style-src 'self'" in detail["Content-Security-Policy"]
    assert preview["Content-Type"] == "text/html; charset=utf-8"
    assert preview.content.decode() == world["in"].body_html
    policy = sorted(part.strip() for part in preview["Content-Security-Policy"].split(";"))
    assert policy == [
        "base-uri 'none'",
        "default-src 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
        "object-src 'none'",
        "sandbox",
        "style-src 'unsafe-inline'",
    ]
    assert preview["X-Frame-Options"] == "SAMEORIGIN"


def _given(user, *codenames):
    for app_label, codename in (name.split(".") for name in codenames):
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def test_only_those_who_may_act_for_a_school_see_its_booking_link_in_an_email(client, world):
    """A booking link books, moves and cancels the school's place without a login. Someone
    given the outbox (here a viewer, given it on the page and in the admin) but not the right
    to act for schools sees the email with the link's token hidden; a coordinator sees it."""
    invitation = world["in"]
    token = "eyJlIjo0Mn0:1vAbcd:BoOkInGsIgNaTuRe"
    invitation.body_text = f"Book here: https://link.example/cohorts/book/{token}/\n"
    invitation.body_html = f'<p><a href="https://link.example/cohorts/book/{token}/">Book</a></p>'
    invitation.save()
    page_url = reverse("outbox:email-detail", args=[invitation.pk])
    admin_url = reverse("admin:outbox_outgoingemail_change", args=[invitation.pk])
    preview_url = reverse("outbox:email-preview", args=[invitation.pk])
    reader = _given(
        user_with_role(Role.VIEWER, username="reader"),
        "accounts.manage_outbox",
        "outbox.view_outgoingemail",
    )
    reader.is_staff = True
    reader.save()
    client.force_login(reader)

    preview = client.get(preview_url).content.decode()
    assert token not in preview
    assert "/cohorts/book/[redacted]/" in preview
    for url in (page_url, admin_url):
        page = client.get(url).content.decode()
        assert "Book here" in page, url
        assert token not in page, url
        assert "/cohorts/book/[redacted]/" in page, url

    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[world["camden"]])
    )
    assert token in client.get(page_url).content.decode()


def test_the_campaign_filter_lists_every_campaign_once_in_order(world):
    from accounts.scoping import NATIONAL, Scope
    from outbox.selectors import campaigns_for

    school = EstablishmentFactory(la=world["camden"], contact_email="c@x.example")
    for n, wave in enumerate(["w3", "a wave", "w3", "", "w2", "w2"]):
        email(school, wave=wave, n=n + 10)

    # National: the index walk on PostgreSQL (SELECT DISTINCT elsewhere), the same answer.
    assert campaigns_for(NATIONAL) == ["a wave", "w1", "w2", "w3"]
    # An area's coordinator: only the campaigns of emails in their areas.
    assert campaigns_for(Scope(la_ids=frozenset({world["camden"].pk}))) == [
        "a wave",
        "w1",
        "w2",
        "w3",
    ]
    leeds_only = Scope(la_ids=frozenset({world["out"].local_authority_id}))
    assert campaigns_for(leeds_only) == ["w1"]


def test_a_coordinators_campaigns_come_from_each_stamp_that_scopes_an_email(world):
    """The campaign filter of an area's coordinator is read one stamp at a time (local
    authority, MHST area, ICB) and joined: a campaign reached through any of them is listed
    once, one reached through none is not."""
    from accounts.scoping import Scope
    from outbox.selectors import campaigns_for
    from schools.models import IntegratedCareBoard
    from tests.schools.factories import MHSTAreaFactory

    area = MHSTAreaFactory()
    icb = IntegratedCareBoard.objects.create(ods_code="QKS", name="NHS Kent ICB")
    medway = LocalAuthorityFactory(code="T03", region="E12000008")
    medway.icbs.add(icb)
    elsewhere = LocalAuthorityFactory(code="T04", region="E12000001")
    in_area = EstablishmentFactory(la=elsewhere, mhst_area=area, contact_email="a@x.example")
    email(in_area, wave="area wave", n=30)
    email(in_area, wave="", n=31)  # no campaign: never listed
    engagement = email(in_area, wave="icb engagement", n=32)
    OutgoingEmail.objects.filter(pk=engagement.pk).update(
        local_authority=None, mhst_area=None, icb=icb
    )
    email(EstablishmentFactory(la=medway, contact_email="m@x.example"), wave="area wave", n=33)

    assert campaigns_for(Scope(mhst_area_ids=frozenset({area.pk}))) == ["area wave"]
    # The South East's coordinator: Medway's own email, and the ICB's through Medway.
    assert campaigns_for(Scope(regions=frozenset({"E12000008"}))) == [
        "area wave",
        "icb engagement",
    ]
    both = Scope(la_ids=frozenset({world["camden"].pk}), mhst_area_ids=frozenset({area.pk}))
    assert campaigns_for(both) == ["area wave", "w1"]
    assert campaigns_for(Scope(facilitator_id=1)) == []


def test_a_list_past_the_cap_says_so_and_counts_no_further(client, world, monkeypatch):
    from core.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    school = EstablishmentFactory(contact_email="many@x.example")
    for n in range(4):
        email(school, n=n + 20)
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))

    page = client.get(reverse("outbox:email-list"))
    assert page.context["paginator"].count == 3 and page.context["paginator"].capped
    assert "More than <strong>3</strong> emails found" in page.content.decode()

    narrowed = client.get(reverse("outbox:email-list"), {"recipient": "camden"})
    assert not narrowed.context["paginator"].capped
    assert "<strong>1</strong> email found" in narrowed.content.decode()


@pytest.mark.postgres  # PostgreSQL's storage parameters; SQLite has no vacuum settings
def test_the_outbox_table_is_vacuumed_after_two_percent_of_it_changes():
    """The list's index-only reads (its capped count, a coordinator's campaigns) skip the
    table only where the visibility map is current, and the newest emails are read first."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = %s", [OutgoingEmail._meta.db_table]
        )
        [options] = cursor.fetchone()
    assert {
        "autovacuum_vacuum_scale_factor=0.02",
        "autovacuum_vacuum_insert_scale_factor=0.02",
    } <= set(options or ())
