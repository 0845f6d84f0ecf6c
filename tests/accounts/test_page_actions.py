"""What each role is offered: every link and button on every page a role can reach leads to
something that role may do, and a school's booking link (a credential: it books, moves and
cancels the school's place without a login) is shown only to those who may act for a school.

The test walks the site as each role from the home page, following every link and
submitting every form it finds (each POST inside a transaction that is rolled back, so one
submission does not change what the next page shows).
"""

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.urls import reverse

from accounts.models import Role
from accounts.roles import ACT_FOR_SCHOOLS
from cohorts.models import PlaceStatus, Wave
from cohorts.services.places import Attendee, place_book, place_cancel
from outbox.models import EmailKind, OutgoingEmail
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import PhaseFactory, make_open_cohort
from tests.schools.factories import EstablishmentFactory, LocalAuthorityFactory
from tests.workshops.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db

ATTENDEE = Attendee(name="Sam Lead", role="SMHL", email="sam@school.example")
#: A booking link's token (a redacted one reads /cohorts/book/[redacted]/).
BOOKING_TOKEN = re.compile(r"/cohorts/book/(?!\[redacted\])[^/\s\"'<&]+")
#: Where the walk never goes: the Django admin (its own permissions), static files, and
#: signing out (it would end the walk).
NOT_WALKED = ("/admin/", "/static/", reverse("logout"))
MAX_REQUESTS = 400


class _Links(HTMLParser):
    """The links (a href) and forms (method, action, fields, named submit buttons) of a page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") is not None:
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": {},
                "submits": [],
            }
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "button"):
            kind = attrs.get("type") or ("submit" if tag == "button" else "text")
            name = attrs.get("name")
            if kind == "submit":
                self._form["submits"].append((name, attrs.get("value") or ""))
            elif name and (kind not in ("checkbox", "radio") or "checked" in attrs):
                self._form["fields"][name] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


@dataclass
class Walk:
    pages: dict[str, str] = field(default_factory=dict)  # url: body of every text response
    problems: list[str] = field(default_factory=list)
    submitted: list[str] = field(default_factory=list)  # "POST url [button]"


def _internal(base: str, href: str) -> str | None:
    """The site path (with query) an href leads to, or None for mail, fragments and other
    sites."""
    url = urlsplit(urljoin(base, href))
    if url.scheme not in ("http", "") or url.netloc not in ("testserver", ""):
        return None
    if url.path.startswith(NOT_WALKED):
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def walk(client, user) -> Walk:
    """Every page ``user`` reaches from the home page, and every form on them submitted."""
    client.force_login(user)
    result = Walk()
    todo = deque([("/", "start")])
    seen = {"/"}
    posted = set()
    requests = 0

    def follow(url: str, origin: str) -> None:
        if url not in seen:
            seen.add(url)
            todo.append((url, origin))

    while todo:
        url, origin = todo.popleft()
        requests += 1
        assert requests < MAX_REQUESTS, "the walk does not end"
        response = client.get(url)
        if response.status_code == 302:
            target = _internal(url, response.url)
            if target and not target.startswith(reverse("login")):
                follow(target, url)
            else:
                result.problems.append(f"GET {url} (from {origin}) sends to sign in")
            continue
        if response.status_code != 200:
            result.problems.append(f"GET {url} (from {origin}): {response.status_code}")
            continue
        if response.get("Content-Type", "").split(";")[0] not in ("text/html", "text/csv"):
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        result.pages[url] = body.decode()
        if not response["Content-Type"].startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(result.pages[url])
        for href in parser.links:
            if target := _internal(url, href):
                follow(target, url)
        for form in parser.forms:
            target = _internal(url, form["action"])
            if target is None:
                continue
            if form["method"] == "get":
                follow(target.split("?")[0], url)
                continue
            for name, value in form["submits"] or [(None, "")]:
                key = (target, name, value)
                if key in posted:
                    continue
                posted.add(key)
                requests += 1
                data = {**form["fields"], **({name: value} if name else {})}
                with transaction.atomic():
                    response = client.post(target, data)
                    transaction.set_rollback(True)
                button = f" [{name}={value}]" if name else ""
                result.submitted.append(f"POST {target}{button}")
                if response.status_code in (403, 404, 405) or response.status_code >= 500:
                    result.problems.append(
                        f"POST {target}{button} (a form on {url}): {response.status_code}"
                    )
    return result


@pytest.fixture
def world(clock, django_capture_on_commit_callbacks, stub_outbox_broker):
    """An open cohort in Camden run by the facilitator: a booked school, an offered one, one
    waiting, a planned one and a professional, with their emails in the outbox; workshop 1
    has happened (so attendance can be marked); a draft invitation wave."""
    camden = LocalAuthorityFactory(name="Camden")
    phase = PhaseFactory(name="Year 1, spring")
    phase.local_authorities.add(camden)
    with django_capture_on_commit_callbacks(execute=True):
        cohort = make_open_cohort(local_authority=camden, phase=phase, name="Camden spring")
        cohort.capacity = 2
        cohort.save()
        schools = [
            EstablishmentFactory(la=camden, name=name, contact_email=f"{n}@school.example")
            for n, name in enumerate(["Hill Primary", "Gone School", "Offered Academy", "Vale"])
        ]
        places = [place_book(establishment=s, cohort=cohort, attendee=ATTENDEE) for s in schools]
        place_cancel(place=places[1])  # its seat is offered to the first waiting
    places[2].refresh_from_db()
    assert places[2].status == PlaceStatus.OFFERED
    cohort.planned_establishments.add(EstablishmentFactory(la=camden, name="Planned School"))
    ProfessionalFactory(cohort=cohort, name="Dr Rao")
    Wave.objects.create(name="Camden spring wave", phase=phase)
    assert OutgoingEmail.objects.filter(kind=EmailKind.BOOKING_CONFIRMATION).exists()
    clock.move_to(cohort.workshops.get(day=1).date.isoformat() + "T18:00:00+00:00")

    facilitator = user_with_role(Role.FACILITATOR)
    cohort.facilitators.add(facilitator)
    outbox_reader = user_with_role(Role.VIEWER, username="outbox-reader")
    # Someone given the outbox in the admin who may not act for schools.
    outbox_reader.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="manage_outbox")
    )
    return {
        "cohort": cohort,
        "users": {
            "national": user_with_role(Role.NATIONAL_ADMIN),
            "regional": user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[camden]),
            "facilitator": facilitator,
            "viewer": user_with_role(Role.VIEWER),
            "outbox_reader": outbox_reader,
        },
    }


#: Pages each role must reach on the walk, so the walk cannot pass by seeing nothing.
MUST_REACH = {
    "national": ["cohorts:detail", "cohorts:wave-detail", "outbox:email-detail"],
    "regional": ["cohorts:detail", "cohorts:wave-detail", "outbox:email-detail"],
    "facilitator": ["cohorts:detail"],
    "viewer": ["evaluation:report"],
    "outbox_reader": ["outbox:email-detail"],
}


def _reached(result: Walk, name: str) -> list[str]:
    from django.urls import resolve

    return [
        url
        for url in result.pages
        if (match := resolve(urlsplit(url).path)) and match.view_name == name
    ]


@pytest.mark.parametrize("role", list(MUST_REACH))
def test_every_link_and_button_a_role_is_shown_leads_somewhere_it_may_go(client, world, role):
    user = world["users"][role]

    result = walk(client, user)

    assert result.problems == []
    for name in MUST_REACH[role]:
        assert _reached(result, name), f"{role} never reached {name}"
    leaking = sorted(url for url, body in result.pages.items() if BOOKING_TOKEN.search(body))
    if user.has_perm(ACT_FOR_SCHOOLS):
        assert _reached(result, "cohorts:detail")[0] in leaking
    else:
        assert leaking == [], f"{role} is shown schools' booking links"


def test_a_coordinator_is_offered_every_action_on_the_cohort_page(client, world):
    cohort = world["cohort"]
    client.force_login(world["users"]["regional"])

    page = client.get(reverse("cohorts:detail", args=[cohort.pk])).content.decode()

    booked, offered, waiting = (
        cohort.places.get(status=status)
        for status in (PlaceStatus.BOOKED, PlaceStatus.OFFERED, PlaceStatus.WAITING)
    )
    assert page.count("Copy booking link") == 4  # booked, offered, waiting and planned
    assert len(BOOKING_TOKEN.findall(page)) == 4
    assert reverse("cohorts:place-move", args=[booked.pk]) in page
    assert reverse("cohorts:place-cancel", args=[booked.pk]) in page
    assert reverse("cohorts:place-cancel", args=[waiting.pk]) in page
    for name in ("edit", "workshops", "professional-add", "roster-csv", "cancel", "start"):
        assert reverse(f"cohorts:{name}", args=[cohort.pk]) in page
    assert reverse("cohorts:attendance", args=[cohort.pk, 1]) in page
    assert offered.pk


def test_a_facilitator_sees_the_roster_and_marks_attendance_but_holds_no_booking_link(
    client, world
):
    cohort = world["cohort"]
    client.force_login(world["users"]["facilitator"])

    page = client.get(reverse("cohorts:detail", args=[cohort.pk])).content.decode()

    assert "Hill Primary" in page and "Offered Academy" in page and "Vale" in page
    assert "Copy booking link" not in page
    assert not BOOKING_TOKEN.search(page)
    assert "/places/" not in page  # no Move, Cancel or Remove of a place
    assert "/professionals/" not in page
    assert reverse("cohorts:attendance", args=[cohort.pk, 1]) in page
