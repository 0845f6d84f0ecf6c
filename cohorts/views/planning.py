"""The cohort planning helper page: propose cohorts for a phase and an area, let the
coordinator rename them, change their capacity, move schools between them or leave schools
out, then create them all at once (``cohorts.services.planning``).

Everything the coordinator has changed travels in the form, so the page works without
JavaScript: "Update the proposal" shows the schools regrouped, "Create these cohorts" saves.
"""

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views import View

from accounts.mixins import CoordinatorRequiredMixin
from cohorts.forms import PlanAreaForm, PlanEditForm
from cohorts.selectors import local_authorities_in_scope, mhst_areas_in_scope, phases_in_scope
from cohorts.services.planning import (
    ProposedCohort,
    cohort_names,
    cohort_plan_accept,
    cohort_plan_propose,
    districts_in_order,
    group_spread,
    postcode_district,
    venue_suggest,
)
from core.errors import LinkDomainError
from schools.models import Establishment
from workshops.selectors import venues_in_scope

MANAGE = "accounts.manage_cohorts"
#: More cohort slots than this in one submission is not a real plan.
MAX_SLOTS = 200


#: The plan map's palette: cohorts are told apart by colour and by marker shape (for those
#: who do not see the colours), and the table beside the map says the same in words.
MAP_COLOURS = ("#0b5394", "#b45f06", "#38761d", "#990000", "#674ea7", "#0c343d", "#7f6000")
MAP_SHAPES = ("circle", "square", "triangle")
MAP_SIZE = 600


def plan_map(groups) -> dict | None:
    """The schools of a proposal as points on a plain SVG (no map tiles: Link works
    offline), scaled to fit, one colour and shape per cohort; None without coordinates."""
    located = [
        (group, school)
        for group in groups
        for school, _field in group["schools"]
        if school.easting and school.northing
    ]
    if not located:
        return None
    xs = [s.easting for _, s in located]
    ys = [s.northing for _, s in located]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1000)
    margin = 20
    scale = (MAP_SIZE - 2 * margin) / span

    def position(easting, northing):
        # North is up: the SVG's y grows downwards.
        return (
            round(margin + (easting - min(xs)) * scale, 1),
            round(MAP_SIZE - margin - (northing - min(ys)) * scale, 1),
        )

    points = []
    for group, school in located:
        x, y = position(school.easting, school.northing)
        index = group["number"] - 1
        points.append(
            {
                "x": x,
                "y": y,
                "colour": MAP_COLOURS[index % len(MAP_COLOURS)],
                "shape": MAP_SHAPES[(index // len(MAP_COLOURS)) % len(MAP_SHAPES)],
                "label": f"{school.name}: cohort {group['number']}",
                "square": (round(x - 5, 1), round(y - 5, 1)),
                "triangle": f"{x},{y - 6} {x - 6},{y + 5} {x + 6},{y + 5}",
            }
        )
    legend = [
        {
            "number": group["number"],
            "colour": MAP_COLOURS[(group["number"] - 1) % len(MAP_COLOURS)],
            "shape": MAP_SHAPES[((group["number"] - 1) // len(MAP_COLOURS)) % len(MAP_SHAPES)],
        }
        for group in groups
        if group["schools"]
    ]
    km = span / 1000
    return {"points": points, "legend": legend, "size": MAP_SIZE, "km": f"{km:.1f}"}


class CohortPlanView(CoordinatorRequiredMixin, View):
    permission_required = MANAGE
    template_name = "cohorts/coordinator/plan.html"

    def area_form(self, data):
        return PlanAreaForm(
            data,
            phases=phases_in_scope(scope=self.scope),
            local_authorities=local_authorities_in_scope(scope=self.scope),
            mhst_areas=mhst_areas_in_scope(scope=self.scope),
        )

    def schools_in_scope(self):
        return self.scope.apply(Establishment.objects.all(), la="la", mhst_area="mhst_area")

    def propose(self, area_form):
        """The proposal as the helper makes it now, and its schools in proposal order, each
        with ``slot`` (its proposed cohort) and ``district``."""
        data = area_form.cleaned_data
        proposal = cohort_plan_propose(
            phase=data["phase"],
            size=data["size"],
            within=self.schools_in_scope(),
            **area_form.area_filter(),
        )
        slot_of = {
            pk: number
            for number, proposed in enumerate(proposal.cohorts, start=1)
            for pk in proposed.establishment_ids
        }
        by_pk = Establishment.objects.select_related("la").in_bulk(list(slot_of))
        schools = []
        for pk, number in slot_of.items():
            school = by_pk[pk]
            school.slot = number
            school.district = postcode_district(school.postcode)
            schools.append(school)
        return proposal, schools

    def venues(self, schools) -> list:
        """The directory venues with a position that the schools' areas have (one query)."""
        la_ids = {s.la_id for s in schools if s.la_id}
        mhst_ids = {s.mhst_area_id for s in schools if s.mhst_area_id}
        return list(
            venues_in_scope(scope=self.scope)
            .select_related(None)
            .filter(easting__isnull=False)
            .filter(Q(local_authority_id__in=la_ids) | Q(mhst_area_id__in=mhst_ids))
        )

    @staticmethod
    def group_area(area: dict, members) -> tuple[int | None, int | None]:
        """A cohort's LA and MHST area: the one chosen, and the other if its schools share it."""
        if "mhst_area" in area:
            las = {s.la_id for s in members}
            return (las.pop() if len(las) == 1 else None), area["mhst_area"].pk
        mhst_areas = {s.mhst_area_id for s in members}
        return area["local_authority"].pk, (mhst_areas.pop() if len(mhst_areas) == 1 else None)

    def suggestion(self, area_form, members, venues):
        located = [(s.pk, s.easting, s.northing) for s in members if s.easting and s.northing]
        la_id, mhst_area_id = self.group_area(area_form.area_filter(), members)
        return venue_suggest(
            spread=group_spread(located),
            venues=venues,
            local_authority_id=la_id,
            mhst_area_id=mhst_area_id,
            schools={s.pk: s for s in members},
        )

    def render_page(self, area_form, edit_form=None, gone=()):
        context = {"area_form": area_form, "form": edit_form, "gone": gone}
        if edit_form is not None:
            assignment = edit_form.assignment() if edit_form.is_bound else None
            venues = self.venues(edit_form.schools)
            groups = []
            for number in edit_form.slot_numbers:
                members = [
                    s
                    for s in edit_form.schools
                    if (assignment[s.pk] if assignment is not None else s.slot) == number
                ]
                located = [(s.pk, s.easting, s.northing) for s in members if s.easting]
                spread = group_spread(located)
                groups.append(
                    {
                        "number": number,
                        "name": edit_form.name_field(number),
                        "capacity": edit_form.capacity_field(number),
                        "schools": [(s, edit_form.school_field(s)) for s in members],
                        "districts": districts_in_order(s.district for s in members),
                        "spread": spread,
                        "venue": self.suggestion(area_form, members, venues) if members else None,
                        "unlocated": [s for s in members if not s.easting],
                    }
                )
            left_out = [
                (s, edit_form.school_field(s))
                for s in edit_form.schools
                if (assignment[s.pk] if assignment is not None else s.slot) is None
            ]
            context.update(
                plan_map=plan_map(groups),
                groups=groups,
                left_out=left_out,
                area_name=area_form.area_name(),
                phase=area_form.cleaned_data["phase"],
                planned_count=len(edit_form.schools) - len(left_out),
            )
        return render(self.request, self.template_name, context)

    def get(self, request):
        area_form = self.area_form(request.GET or None)
        if not area_form.is_bound or not area_form.is_valid():
            return self.render_page(area_form)
        proposal, schools = self.propose(area_form)
        if not schools:
            return self.render_page(area_form)
        size = area_form.cleaned_data["size"]
        slots = [(c.name, c.capacity) for c in proposal.cohorts]
        slots.append((self.spare_name(area_form, proposal, slots), size))
        return self.render_page(area_form, PlanEditForm(slots=slots, schools=schools))

    def post(self, request):
        area_form = self.area_form(request.POST)
        if not area_form.is_valid():
            return self.render_page(area_form)
        size = area_form.cleaned_data["size"]
        proposal, schools = self.propose(area_form)
        try:
            count = min(max(int(request.POST.get("slots", "")), 1), MAX_SLOTS)
        except ValueError:
            count = 1
        posted = PlanEditForm(request.POST, slots=[("", size)] * count, schools=schools)
        candidates = {s.pk for s in schools}
        gone_ids = {
            int(key.removeprefix("school-"))
            for key, value in request.POST.items()
            if key.startswith("school-")
            and key.removeprefix("school-").isdigit()
            and value not in ("", "out")
        } - candidates
        gone = list(
            self.schools_in_scope()
            .filter(pk__in=gone_ids)
            .order_by("name")
            .values_list("name", flat=True)
        )
        if request.POST.get("action") == "accept" and not gone:
            if posted.is_valid():
                plan = self.proposed_cohorts(area_form, posted, schools)
                try:
                    cohorts = cohort_plan_accept(
                        phase=area_form.cleaned_data["phase"], cohorts=plan
                    )
                except LinkDomainError as error:
                    posted.add_error(None, error.message)
                else:
                    planned = sum(len(p.establishment_ids) for p in plan)
                    return self.accepted(area_form, cohorts, planned)
            return self.render_page(area_form, posted, gone)
        regrouped = self.regrouped(area_form, proposal, posted, schools)
        return self.render_page(area_form, regrouped, gone)

    def spare_name(self, area_form, proposal, slots) -> str:
        """The empty cohort's name, after the area, numbered on from the others."""
        taken = proposal.names_taken | {name.strip() for name, _ in slots}
        return cohort_names(area_form.area_name(), 1, taken=taken)[0]

    def regrouped(self, area_form, proposal, posted, schools):
        """An unbound form showing the submitted names, capacities and choices, with one
        empty cohort at the end to split a group into."""
        size = area_form.cleaned_data["size"]
        assignment = posted.assignment()
        slots = [
            (posted.name_field(n).value() or "", posted.capacity_field(n).value() or size)
            for n in posted.slot_numbers
        ]
        last = len(slots)
        if any(slot == last for slot in assignment.values()):
            slots.append((self.spare_name(area_form, proposal, slots), size))
        for school in schools:
            school.slot = assignment[school.pk]
        return PlanEditForm(slots=slots, schools=schools)

    def proposed_cohorts(self, area_form, form, schools) -> list[ProposedCohort]:
        area = area_form.area_filter()
        assignment = form.assignment()
        venues = self.venues(schools)
        proposed = []
        for number in form.slot_numbers:
            members = [s for s in schools if assignment[s.pk] == number]
            if not members:
                continue
            la_id, mhst_area_id = self.group_area(area, members)
            venue = self.suggestion(area_form, members, venues)
            proposed.append(
                ProposedCohort(
                    name=form.cleaned_data[f"cohort-{number}-name"].strip(),
                    local_authority_id=la_id,
                    mhst_area_id=mhst_area_id,
                    establishment_ids=[s.pk for s in members],
                    capacity=form.cleaned_data[f"cohort-{number}-capacity"],
                    venue_name=venue.name if venue else "",
                    venue_address=venue.address if venue else "",
                )
            )
        return proposed

    def accepted(self, area_form, cohorts, planned):
        phase = area_form.cleaned_data["phase"]
        messages.success(
            self.request,
            f"{len(cohorts)} cohort{'s' if len(cohorts) != 1 else ''} planned in "
            f"{area_form.area_name()} for {phase.name}, with {planned} "
            f"school{'s' if planned != 1 else ''}: "
            f"{', '.join(c.name for c in cohorts)}. Next, set their workshop days, venue and "
            "facilitators below, and open them for booking.",
        )
        # On to the set-up table of the same phase and area, to finish them all at once.
        query = urlencode({"phase": phase.pk, "area": area_form.cleaned_data["area"]})
        return HttpResponseRedirect(f"{reverse('cohorts:set-up')}?{query}")
