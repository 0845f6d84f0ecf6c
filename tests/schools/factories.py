import factory

from schools.models import Establishment, LocalAuthority, MHSTArea, Region, Status, TypeGroup


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ("code",)

    # Never a real (numeric) DfE code, and never "T..": tests name their own LAs T01, T02...,
    # and a sequence that reached one of those would hand back that test's LA.
    code = factory.Sequence(lambda n: f"{'UVWXYZ'[n // 100 % 6]}{n % 100:02d}")
    gss_code = factory.Sequence(lambda n: f"E06{n:06d}")
    name = factory.Sequence(lambda n: f"Test Borough {n}")
    region = Region.LONDON


class MHSTAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MHSTArea

    name = factory.Sequence(lambda n: f"Test MHST area {n}")
    nhs_region = "London"
    wave = "2019/20"


class EstablishmentFactory(factory.django.DjangoModelFactory):
    """An eligible community primary school unless told otherwise."""

    class Meta:
        model = Establishment

    urn = factory.Sequence(lambda n: 900000 + n)
    name = factory.Sequence(lambda n: f"Test Primary School {n}")
    type_code = 1
    type_name = "Community school"
    type_group = TypeGroup.LA_MAINTAINED
    phase = "Primary"
    status = Status.OPEN
    la = factory.SubFactory(LocalAuthorityFactory)
    gias_la_code = factory.SelfAttribute("la.code")
    postcode = "NW1 1AA"
    town = "London"
