"""Forms of the cohorts pages. They check input; the services enforce the programme's rules."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, Min, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.roles import users_with_role
from cohorts import conf
from cohorts.forms_venues import DirectoryVenuesMixin
from cohorts.models import MAX_COHORT_CAPACITY, Cohort
from cohorts.services.phone import REASON_MAX_LENGTH
from cohorts.services.places import Attendee
from core.dates import day
from core.validators import validate_one_line
from workshops.models import Professional


class AttendeeForm(forms.Form):
    """Who attends both workshop days for the school."""

    name = forms.CharField(label=_("Full name"), max_length=150, validators=[validate_one_line])
    role = forms.CharField(
        label=_("Role"),
        max_length=150,
        validators=[validate_one_line],
        help_text=_("For example senior mental health lead, SENCo or deputy head."),
    )
    email = forms.EmailField(
        label=_("Email address"), help_text=_("We send the joining details here.")
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=30,
        required=False,
        validators=[validate_one_line],
    )
    access_needs = forms.CharField(
        label=_("Access needs (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    access_needs_consent = forms.BooleanField(
        label=_("The attendee agrees that we keep their access needs for this purpose"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["role"].widget.attrs["autocomplete"] = "organization-title"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", type="tel")
        # Why and for how long, with the period in force (cohorts.retention).
        self.fields["access_needs"].help_text = _(
            "Anything that would help the attendee take part, such as step-free access or a "
            "dietary need. We ask only to arrange the workshop days: only the programme team "
            "and facilitators see it, and it is deleted %(days)s days after the cohort's last "
            "workshop. We keep it only if the attendee agrees (tick the box below)."
        ) % {"days": conf.retain_access_needs_days()}

    def clean(self):
        data = super().clean()
        if data.get("access_needs", "").strip() and not data.get("access_needs_consent"):
            self.add_error(
                "access_needs_consent",
                _(
                    "Tick this box if the attendee agrees that we keep their access needs, "
                    "or leave access needs empty."
                ),
            )
        return data

    @classmethod
    def initial_from(cls, place) -> dict:
        return {
            "name": place.attendee_name,
            "role": place.attendee_role,
            "email": place.attendee_email,
            "phone": place.attendee_phone,
            "access_needs": place.access_needs,
            "access_needs_consent": bool(place.access_needs),
        }

    def attendee(self) -> Attendee:
        data = self.cleaned_data
        return Attendee(
            name=data["name"].strip(),
            role=data["role"].strip(),
            email=data["email"],
            phone=data["phone"].strip(),
            # Kept only with the attendee's agreement (``clean`` refuses needs without it).
            access_needs=data["access_needs"].strip() if data["access_needs_consent"] else "",
        )


class CohortChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Cohort) -> str:
        dates = " and ".join(day(d) for d in (obj.day_1_date, obj.day_2_date) if d is not None)
        return f"{obj.name}: {dates} ({obj.places_left} places left)"


class MoveForm(forms.Form):
    """Choose another cohort with places left."""

    cohort = CohortChoiceField(
        queryset=Cohort.objects.none(),
        label=_("Move to"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose the cohort to move to.")},
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts


class FacilitatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.get_username()})" if full_name else obj.get_username()


class PhoneReasonField(forms.CharField):
    """Why a coordinator changes a school's place for it: kept in the place's history
    (``cohorts.services.phone``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Reason"))
        kwargs.setdefault("max_length", REASON_MAX_LENGTH)
        kwargs.setdefault(
            "help_text",
            _(
                "Who asked, and how: for example, the deputy head rang on 3 March. Kept in the "
                "place's history with your name; the school's email does not include it."
            ),
        )
        kwargs.setdefault("validators", [validate_one_line])
        kwargs.setdefault(
            "error_messages", {"required": _("Say why you are acting for the school.")}
        )
        super().__init__(**kwargs)


class CoordinatorMoveForm(MoveForm):
    """A coordinator's move: a cohort outside the school's area only once confirmed (the
    service refuses it otherwise, and the page shows why next to this box)."""

    outside_area = forms.BooleanField(
        label=_("The school has agreed to attend a cohort outside its area"),
        required=False,
    )
    reason = PhoneReasonField(error_messages={"required": _("Say why the place moves.")})


class PlaceCancelForm(forms.Form):
    """Why a coordinator cancels a place (or takes a school off the waiting list), and whether
    the school asked (its email then says so)."""

    asked_by_school = forms.TypedChoiceField(
        label=_("Who decided"),
        choices=[
            ("yes", _("The school asked (by phone, email or in person)")),
            ("no", _("The programme team decided")),
        ],
        coerce=lambda value: value == "yes",
        empty_value=False,
        required=False,
        initial="no",
        widget=forms.RadioSelect,
    )

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: the school asked by phone to cancel, or it booked twice. Kept with "
            "the place: shown on the cohort page and in the roster CSV. The school's email "
            "does not include it."
        ),
        error_messages={"required": _("Say why the place is cancelled.")},
    )


class CohortForm(DirectoryVenuesMixin, forms.ModelForm):
    """A cohort's details; saved through cohort_create / cohort_update. ``venues``: the
    directory venues its venue name offers."""

    capacity = forms.IntegerField(
        label=_("Capacity (schools)"),
        min_value=1,
        max_value=MAX_COHORT_CAPACITY,
        initial=MAX_COHORT_CAPACITY,
        error_messages={
            "required": _("Enter how many schools the cohort takes, from 1 to 20."),
            "min_value": _("A cohort takes at least 1 school."),
            "max_value": _("A cohort takes at most %(limit_value)s schools."),
        },
    )
    joining_link = forms.URLField(
        label=_("Joining link (online cohorts)"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    facilitators = FacilitatorChoiceField(
        queryset=get_user_model().objects.none(),
        label=_("Facilitators"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Users with the Facilitator role. An admin gives the role in the Django admin "
            "(Users, then Groups)."
        ),
    )

    class Meta:
        model = Cohort
        fields = (
            "name",
            "phase",
            "local_authority",
            "mhst_area",
            "capacity",
            "format",
            "venue_name",
            "venue_address",
            "joining_link",
            "facilitators",
        )
        widgets = {"venue_address": forms.Textarea(attrs={"rows": 2})}

    def __init__(
        self,
        *args,
        phases,
        local_authorities,
        mhst_areas,
        seats_taken: int = 0,
        venues=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.offer_venues(venues)
        self.fields["phase"].queryset = phases
        self.fields["local_authority"].queryset = local_authorities
        self.fields["mhst_area"].queryset = mhst_areas
        # Facilitators, and whoever already runs this cohort (kept if they lost the role).
        running = Q(pk__in=users_with_role(Role.FACILITATOR).values("pk"))
        if self.instance.pk:
            running |= Q(pk__in=self.instance.facilitators.values("pk"))
        self.fields["facilitators"].queryset = (
            get_user_model().objects.filter(running).order_by("username")
        )
        self.fields["capacity"].help_text = _("From 1 to %(max)s schools.") % {
            "max": MAX_COHORT_CAPACITY
        }
        if seats_taken:
            self.fields["capacity"].help_text = _(
                "From 1 to %(max)s schools, and not below the places taken now (%(taken)s)."
            ) % {"max": MAX_COHORT_CAPACITY, "taken": seats_taken}
        if self.instance.pk:
            # Moving a cohort to another phase would re-plan it; make a new one instead.
            self.fields["phase"].disabled = True
            self.fields["phase"].help_text = _(
                "A cohort stays in its phase: for another phase, plan a new cohort."
            )

    def clean(self):
        data = super().clean()
        if not data.get("local_authority") and not data.get("mhst_area"):
            self.add_error("local_authority", _("Choose a local authority, an MHST area or both."))
        return self.fill_venue_address(data)


class WorkshopForm(DirectoryVenuesMixin, forms.Form):
    """One workshop day. Blank venue and link mean "the cohort's". ``venues``: the directory
    venues its venue name offers."""

    # <input type="date"> takes only ISO dates, whatever the locale's format.
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    venue_name = forms.CharField(
        label=_("Venue, if not the cohort's"), required=False, validators=[validate_one_line]
    )
    venue_address = forms.CharField(
        label=_("Venue address, if not the cohort's"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    joining_link = forms.URLField(
        label=_("Joining link, if not the cohort's"), required=False, assume_scheme="https"
    )

    def __init__(self, *args, venues=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_venues(venues)

    def clean(self):
        data = super().clean()
        if (
            data.get("start_time")
            and data.get("end_time")
            and data["end_time"] <= data["start_time"]
        ):
            self.add_error("end_time", _("A workshop must end after it starts."))
        return self.fill_venue_address(data)


class ProfessionalForm(forms.ModelForm):
    class Meta:
        model = Professional
        fields = ("name", "organisation", "organisation_type", "email")


# --- The cohort planning helper -------------------------------------------------------------


class PlanAreaForm(forms.Form):
    """Step 1 of the planning helper: which phase and area to propose cohorts for."""

    phase = forms.ModelChoiceField(
        queryset=None, label=_("Phase"), error_messages={"required": _("Choose a phase.")}
    )
    area = forms.ChoiceField(
        label=_("Area"),
        help_text=_("A local authority or a Mental Health Support Team area you cover."),
        error_messages={"required": _("Choose an area.")},
    )
    size = forms.IntegerField(
        label=_("Schools per cohort, at most"),
        min_value=1,
        max_value=MAX_COHORT_CAPACITY,
        initial=MAX_COHORT_CAPACITY,
        required=False,
        help_text=_("The helper makes cohorts of even size up to this; at most 20."),
    )

    def __init__(self, *args, phases, local_authorities, mhst_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = phases
        self.local_authorities = {f"la-{la.pk}": la for la in local_authorities}
        # An MHST area that is the whole of one LA (Camden's is Camden) reaches the same
        # schools as that LA: it is offered once, as the LA, not twice under one name.
        self.mhst_areas, same_as = {}, {}
        for area in mhst_areas.annotate(
            la_count=Count("local_authorities"), only_la=Min("local_authorities")
        ):
            one_la = f"la-{area.only_la}" if area.la_count == 1 else None
            if area.covers_whole_las and one_la in self.local_authorities:
                same_as[one_la] = area
            else:
                self.mhst_areas[f"mhst-{area.pk}"] = area
        la_choices = []
        for key, la in self.local_authorities.items():
            label = la.name
            if (area := same_as.get(key)) is not None and area.name == la.name:
                label = _("%(la)s (LA and MHST area)") % {"la": la.name}
            elif area is not None:
                label = _("%(la)s (LA and MHST area %(area)s)") % {"la": la.name, "area": area.name}
            la_choices.append((key, label))
        self.fields["area"].choices = [
            ("", _("Choose an area")),
            (_("Local authorities"), la_choices),
            (_("MHST areas"), [(key, area.name) for key, area in self.mhst_areas.items()]),
        ]

    def clean_size(self):
        return self.cleaned_data.get("size") or MAX_COHORT_CAPACITY

    def area_filter(self) -> dict:
        """``local_authority=`` or ``mhst_area=`` for cohort_plan_propose."""
        key = self.cleaned_data["area"]
        if key in self.local_authorities:
            return {"local_authority": self.local_authorities[key]}
        return {"mhst_area": self.mhst_areas[key]}

    def area_name(self) -> str:
        return str(next(iter(self.area_filter().values())).name)


LEAVE_OUT = "out"


class PlanEditForm(forms.Form):
    """Step 2: the proposal as the coordinator edits it. For each proposed cohort (and one
    spare, to split a group) a name and a capacity; for each school, the cohort it goes in
    or "leave out". The page re-renders with the schools regrouped until it is accepted."""

    def __init__(self, *args, slots, schools, **kwargs):
        """``slots``: (name, capacity) per cohort, in order; ``schools``: the establishments
        the proposal may use, each with ``slot`` (1-based, or None for left out)."""
        super().__init__(*args, **kwargs)
        self.slot_numbers = list(range(1, len(slots) + 1))
        self.schools = schools
        for number, (name, capacity) in zip(self.slot_numbers, slots, strict=True):
            self.fields[f"cohort-{number}-name"] = forms.CharField(
                label=_("Name of cohort %(n)s") % {"n": number},
                max_length=Cohort._meta.get_field("name").max_length,
                required=False,
                validators=[validate_one_line],
                initial=name,
            )
            self.fields[f"cohort-{number}-capacity"] = forms.IntegerField(
                label=_("Capacity of cohort %(n)s (schools)") % {"n": number},
                min_value=1,
                max_value=MAX_COHORT_CAPACITY,
                initial=capacity,
                required=False,  # only a cohort with schools needs one (see clean)
                error_messages={
                    "min_value": _("Cohort %(n)s must take at least 1 school.") % {"n": number},
                    "max_value": _("Cohort %(n)s can take at most %(max)s schools.")
                    % {"n": number, "max": MAX_COHORT_CAPACITY},
                },
            )
        choices = [(str(n), _("Cohort %(n)s") % {"n": n}) for n in self.slot_numbers]
        choices.append((LEAVE_OUT, _("Leave out")))
        for school in schools:
            # Not required: a school that became plannable after the page was shown has no
            # value yet, and stays out of the plan.
            self.fields[f"school-{school.pk}"] = forms.ChoiceField(
                label=_("Cohort for %(school)s") % {"school": school.name},
                choices=choices,
                required=False,
                initial=str(school.slot) if school.slot else LEAVE_OUT,
            )

    def name_field(self, number):
        return self[f"cohort-{number}-name"]

    def capacity_field(self, number):
        return self[f"cohort-{number}-capacity"]

    def school_field(self, school):
        return self[f"school-{school.pk}"]

    def assignment(self) -> dict[int, int | None]:
        """School pk → slot number (None: left out), from the data as submitted (valid or
        not, so the page can regroup what the coordinator chose)."""
        chosen = {}
        for school in self.schools:
            value = str(self[f"school-{school.pk}"].value())
            number = int(value) if value.isdigit() else None
            chosen[school.pk] = number if number in self.slot_numbers else None
        return chosen

    def clean(self):
        data = super().clean()
        members = {n: 0 for n in self.slot_numbers}
        for school in self.schools:
            value = data.get(f"school-{school.pk}")
            if value and value != LEAVE_OUT:
                members[int(value)] += 1
        if not any(members.values()):
            raise forms.ValidationError(_("Put at least one school in a cohort."))
        for number, count in members.items():
            if not count:
                continue
            name = (data.get(f"cohort-{number}-name") or "").strip()
            if not name:
                self.add_error(
                    f"cohort-{number}-name",
                    _("Enter a name for cohort %(n)s, which has schools in it.") % {"n": number},
                )
            capacity = data.get(f"cohort-{number}-capacity")
            if capacity is None and f"cohort-{number}-capacity" not in self.errors:
                self.add_error(
                    f"cohort-{number}-capacity",
                    _("Enter the capacity of cohort %(n)s.") % {"n": number},
                )
            elif capacity and count > capacity:
                self.add_error(
                    f"cohort-{number}-capacity",
                    _(
                        "Cohort %(n)s has %(count)s schools but a capacity of %(capacity)s: "
                        "raise its capacity or move schools out."
                    )
                    % {"n": number, "count": count, "capacity": capacity},
                )
        self.members = members
        return data
