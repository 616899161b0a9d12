"""The printable agreement (A4, Chinese, WeasyPrint with Noto CJK): one child's, or all of a
village's unsigned ones in one PDF for a children's director's visit round.

Identity and phone numbers are printed masked unless the user may reveal them and asked to."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from weasyprint import HTML

from registry.models import Adult, Child, ChildAdult
from registry.rules.idnumber import mask_phone

from .models import Agreement, AgreementStatus
from .services.parties import Parties, parties_of, witness_name_for


@dataclass
class PrintedPerson:
    name: str = ""
    relation: str = ""
    id_number: str = ""
    phone: str = ""
    work_place: str = ""


@dataclass
class AgreementDocument:
    """Everything one printed agreement shows; blanks stay blank for the pen."""

    number: str
    child_name: str
    child_gender: str
    child_birth: date
    child_id_number: str
    child_school: str
    child_address: str
    town_name: str
    village_name: str
    witness_name: str
    principals: list[PrintedPerson] = field(default_factory=list)
    carer: PrintedPerson | None = None
    carer_address: str = ""
    director_name: str = ""
    director_phone: str = ""
    signed_on: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None


def _person(adult: Adult | None, parties: Parties, *, reveal: bool) -> PrintedPerson | None:
    if adult is None:
        return None
    return PrintedPerson(
        name=adult.name,
        relation=parties.relation_of(adult),
        id_number=(adult.id_number if reveal else adult.id_number_masked),
        phone=(adult.phone if reveal else adult.phone_masked),
        work_place=adult.work_place_resolved or adult.work_place,
    )


def agreement_document(child: Child, agreement: Agreement | None, *, reveal: bool) -> AgreementDocument:
    """A signed agreement prints as signed (its parties and dates); otherwise the parties come from
    the archive as it stands and the dates are left for the signing."""
    parties = parties_of(child)
    signed = agreement is not None and agreement.status == AgreementStatus.SIGNED
    principals = agreement.principals if signed else parties.principals
    carer = agreement.carer if signed else parties.carer
    living_with_carer = child.living_arrangement == "carer"
    school = " ".join(part for part in (child.school, child.grade) if part)
    return AgreementDocument(
        number=f"{child.village.code}-{child.pk:06d}",
        child_name=child.name,
        child_gender=child.get_gender_display(),
        child_birth=child.birth_date,
        child_id_number=child.id_number if reveal else child.id_number_masked,
        child_school=school or child.get_schooling_display(),
        child_address=child.current_address or child.household_address,
        town_name=child.town.name,
        village_name=child.village.name,
        witness_name=(agreement.witness_name if signed else "") or witness_name_for(child.village),
        principals=[p for p in (_person(a, parties, reveal=reveal) for a in principals) if p],
        carer=_person(carer, parties, reveal=reveal),
        carer_address=child.current_address if living_with_carer else "",
        director_name=child.director_name,
        director_phone=child.director_phone if reveal else mask_phone(child.director_phone),
        signed_on=agreement.signed_on if signed else None,
        valid_from=agreement.valid_from if signed else None,
        valid_until=agreement.valid_until if signed else None,
    )


def children_for_print(children: QuerySet[Child]) -> QuerySet[Child]:
    """Children with everything the print needs, in a fixed number of queries."""
    return children.select_related(
        "village", "town", "agreement__principal", "agreement__second_principal", "agreement__carer"
    ).prefetch_related(Prefetch("links", queryset=ChildAdult.objects.select_related("adult").order_by("role")))


def agreement_of_loaded(child: Child) -> Agreement | None:
    try:
        return child.agreement
    except Agreement.DoesNotExist:
        return None


def render_agreements_pdf(documents: list[AgreementDocument], *, title: str) -> bytes:
    html = render_to_string("agreements/print/agreement.html", {"documents": documents, "title": title})
    return HTML(string=html).write_pdf()
