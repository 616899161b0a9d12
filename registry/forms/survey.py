"""Forms of the registry's pages: the survey (one child, four adults), the field check and the exit.

The forms only read and check what was typed; `registry.services` writes. ID numbers and phones
already on file are shown masked (320681********0028): a masked value sent back unchanged keeps
the stored number, so an edit never puts a full number on the page.
"""

from dataclasses import replace

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from qidong_care.accounts.roles import Capability

from ..assessment import today
from ..choices import AdultRole, DisabilityLevel, DisabilityType, Health, ParentStatus, Relation
from ..models import Adult, Child, Region, RegionLevel
from ..rules.idnumber import is_valid_phone, mask_phone, normalize_id_number, normalize_phone
from ..scope import visible_regions
from ..selectors import adult_by_id_number
from ..services import AdultInput
from .common import (
    MASK,
    MASKED_ID_MESSAGE,
    MASKED_PHONE_MESSAGE,
    PHONE_MESSAGE,
    add_service_error,
    choices_with_empty,
    keep_unknown_choice,
    kept_or_new,
    parse_id_or_error,
    require_version,
)

# --- the child -------------------------------------------------------------------------------------

RESTRICTED_CHILD_FIELDS = ("health", "disability_type", "disability_level")


class ChildForm(forms.ModelForm):
    """The child's part of the survey. Birth date and gender come from the ID number."""

    id_number = forms.CharField(label="公民身份号码", max_length=30)
    health = forms.ChoiceField(label="健康状况", choices=choices_with_empty(Health.choices), required=False)
    disability_type = forms.ChoiceField(
        label="残疾类别", choices=choices_with_empty(DisabilityType.choices, "无"), required=False
    )
    disability_level = forms.ChoiceField(
        label="残疾等级", choices=choices_with_empty(DisabilityLevel.choices, "无"), required=False
    )
    director_phone = forms.CharField(label="儿童主任联系电话", max_length=30, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Child
        fields = [
            "name",
            "id_number",
            "ethnicity",
            "village",
            "household_type",
            "household_address",
            "current_address",
            "health",
            "disability_type",
            "disability_level",
            "schooling",
            "school",
            "grade",
            "boarding",
            "living_arrangement",
            "family_economy",
            "contact_frequency",
            "director_name",
            "director_phone",
            "national_child_no",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, child: Child | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child
        villages = visible_regions(user).filter(level=RegionLevel.VILLAGE, active=True)
        if child is not None:
            villages = villages | Region.objects.filter(pk=child.village_id)
        self.fields["village"].queryset = villages.order_by("code")
        self.fields["village"].empty_label = "请选择村（社区）"
        if not user.can(Capability.VIEW_RESTRICTED):
            for name in RESTRICTED_CHILD_FIELDS:
                del self.fields[name]
        elif child is not None:
            for name in RESTRICTED_CHILD_FIELDS:
                keep_unknown_choice(self.fields[name], getattr(child, name))
        if child is not None:
            self.fields["id_number"].help_text = "已登记的号码以星号显示；不修改请保持原样。"
        for name in ("household_type", "schooling", "living_arrangement", "family_economy", "contact_frequency"):
            self.fields[name].choices = choices_with_empty(self.fields[name].choices[1:])

    def clean_id_number(self) -> str:
        """ "" means "unchanged": the masked number was sent back as shown."""
        typed = normalize_id_number(self.cleaned_data["id_number"])
        child = self.child
        if child is not None and MASK in typed:
            kept_or_new(typed, child.id_number_masked, child.id_number, MASKED_ID_MESSAGE)
            return ""
        return parse_id_or_error(typed)

    def clean_director_phone(self) -> str:
        typed = self.cleaned_data["director_phone"].strip()
        child = self.child
        if child is not None:
            kept = kept_or_new(typed, mask_phone(child.director_phone), child.director_phone, MASKED_PHONE_MESSAGE)
            if kept is not None:
                return kept
        if typed and not is_valid_phone(typed):
            raise ValidationError(PHONE_MESSAGE)
        return normalize_phone(typed) if typed else ""

    def clean(self):
        cleaned = super().clean()
        if self.child is not None:
            require_version(self)
        return cleaned

    def service_data(self) -> dict:
        """What `child_save` takes: the fields on the form (health only when shown), and the ID
        number only when it was typed anew."""
        data = {name: value for name, value in self.cleaned_data.items() if name not in ("version", "id_number")}
        if self.cleaned_data.get("id_number"):
            data["id_number"] = self.cleaned_data["id_number"]
        return data


def child_initial(child: Child) -> dict:
    initial = {name: getattr(child, name) for name in ChildForm.Meta.fields if name not in ("id_number", "village")}
    initial.update(
        id_number=child.id_number_masked,
        village=child.village_id,
        director_phone=mask_phone(child.director_phone),
        version=child.version,
    )
    return initial


# --- one adult -------------------------------------------------------------------------------------

PARENT_ROLES = (AdultRole.FATHER.value, AdultRole.MOTHER.value)
PARENT_RELATION = {AdultRole.FATHER.value: Relation.FATHER.value, AdultRole.MOTHER.value: Relation.MOTHER.value}
SAME_AS = {
    AdultRole.GUARDIAN.value: (("father", "同父亲"), ("mother", "同母亲")),
    AdultRole.CARER.value: (("guardian", "同监护人"),),
}
ROLE_LABELS = dict(AdultRole.choices)


class AdultForm(forms.Form):
    """One of the four adult sections (father, mother, guardian 监护人, carer 委托照护人)."""

    same_as = forms.ChoiceField(label="与其他栏同一人", required=False)
    name = forms.CharField(label="姓名", max_length=50, required=False)
    id_number = forms.CharField(label="公民身份号码", max_length=30, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    relation = forms.ChoiceField(label="与儿童关系", choices=choices_with_empty(Relation.choices), required=False)
    health = forms.ChoiceField(label="健康状况", choices=choices_with_empty(Health.choices), required=False)
    status = forms.ChoiceField(label="状况", choices=choices_with_empty(ParentStatus.choices), required=False)
    work_place = forms.CharField(
        label="务工地点", max_length=100, required=False, help_text="写明省、市、县，如：上海市浦东新区、浙江省宁波市"
    )
    departed_on = forms.DateField(
        label="外出务工时间", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, role: str, current: Adult | None, restricted: bool, **kwargs):
        super().__init__(*args, prefix=role, **kwargs)
        self.role, self.current = role, current
        self.label = ROLE_LABELS[role]
        self.is_parent = role in PARENT_ROLES
        if self.is_parent:
            for name in ("same_as", "relation", "health"):
                del self.fields[name]
        else:
            for name in ("status", "work_place", "departed_on"):
                del self.fields[name]
            self.fields["same_as"].choices = [("", "单独填写"), *SAME_AS[role]]
            self.fields["same_as"].label = f"{self.label}是"
            if not restricted:
                del self.fields["health"]
            elif current is not None:
                keep_unknown_choice(self.fields["health"], current.health)
        if self.is_parent and current is not None:
            keep_unknown_choice(self.fields["status"], current.status)
        self.fields["id_number"].widget.attrs.update(
            {
                "autocomplete": "off",
                # htmx: an ID number already on file fills this section in (registry:adult_lookup).
                "hx-get": f"{reverse('registry:adult_lookup')}?role={role}",
                "hx-trigger": "change",
                "hx-target": f"#{role}-lookup",
                "hx-sync": "this:replace",
            }
        )
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")
        self.input: AdultInput | None = None

    @property
    def same_as_role(self) -> str:
        return (self.cleaned_data.get("same_as") or "") if hasattr(self, "cleaned_data") else ""

    def _filled(self) -> bool:
        names = ("name", "id_number", "phone", "relation", "health", "status", "work_place", "departed_on")
        return any(self.cleaned_data.get(name) for name in names if name in self.fields)

    def _id_number(self) -> str:
        typed = normalize_id_number(self.cleaned_data.get("id_number", ""))
        current = self.current
        kept = kept_or_new(
            typed,
            current.id_number_masked if current else "",
            current.id_number if current else "",
            MASKED_ID_MESSAGE,
        )
        if kept is not None:
            return kept
        return parse_id_or_error(typed) if typed else ""

    def _reference(self, number: str) -> Adult | None:
        """The adult on file this section speaks of: by ID number, else the one now in the role."""
        current = self.current
        if number and (current is None or current.id_number != number):
            return adult_by_id_number(number)
        return current

    def _phone(self, reference: Adult | None) -> str:
        typed = self.cleaned_data.get("phone", "").strip()
        on_file = reference.phone if reference else ""
        kept = kept_or_new(typed, reference.phone_masked if reference else "", on_file, MASKED_PHONE_MESSAGE)
        if kept is not None:
            return kept
        if typed and not is_valid_phone(typed):
            raise ValidationError(PHONE_MESSAGE, code="phone")
        return normalize_phone(typed) if typed else ""

    def clean(self):
        cleaned = super().clean()
        if self.same_as_role or not self._filled():
            return cleaned
        if not cleaned.get("name", "").strip():
            self.add_error("name", f"请填写{self.label}姓名，或清空本栏。")
        departed = cleaned.get("departed_on")
        if departed is not None and departed > today():
            self.add_error("departed_on", "外出务工时间不能晚于今天。")
        number, phone, reference = "", "", None
        try:
            number = self._id_number()
        except ValidationError as error:
            self.add_error("id_number", error)
        reference = self._reference(number)
        try:
            phone = self._phone(reference)
        except ValidationError as error:
            self.add_error("phone", error)
        if not self.errors:
            self.input = self._build_input(number, phone, reference)
        return cleaned

    def _build_input(self, number: str, phone: str, reference: Adult | None) -> AdultInput:
        cleaned = self.cleaned_data
        health = cleaned.get("health", "") if "health" in self.fields else (reference.health if reference else "")
        return AdultInput(
            name=cleaned["name"].strip(),
            id_number=number,
            phone=phone,
            health=health,
            relation=PARENT_RELATION.get(self.role) or cleaned.get("relation", ""),
            status=cleaned.get("status", "") if self.is_parent else (reference.status if reference else ""),
            work_place=cleaned.get("work_place", "") if self.is_parent else (reference.work_place if reference else ""),
            departed_on=cleaned.get("departed_on")
            if self.is_parent
            else (reference.departed_on if reference else None),
            version=cleaned.get("version") if self.current is not None else None,
        )


def adult_initial(adult: Adult, relation: str) -> dict:
    return {
        "name": adult.name,
        "id_number": adult.id_number_masked,
        "phone": adult.phone_masked,
        "relation": relation,
        "health": adult.health,
        "status": adult.status,
        "work_place": adult.work_place,
        "departed_on": adult.departed_on,
        "version": adult.version,
    }


# --- the survey: the child and four adults -------------------------------------------------------


class SurveyForm:
    """The one survey page (create and edit): the child's form and the four adult sections."""

    def __init__(self, data=None, *, user, child: Child | None = None):
        self.child = child
        restricted = user.can(Capability.VIEW_RESTRICTED)
        links = {link.role: link for link in child.links.select_related("adult")} if child else {}
        initial = child_initial(child) if child else {}
        self.child_form = ChildForm(data, user=user, child=child, initial=initial)
        self.adult_forms: dict[str, AdultForm] = {}
        for role in AdultRole.values:
            link = links.get(role)
            self.adult_forms[role] = AdultForm(
                data,
                role=role,
                current=link.adult if link else None,
                restricted=restricted,
                initial=self._adult_initial(role, link, links),
            )

    @staticmethod
    def _adult_initial(role: str, link, links: dict) -> dict:
        if link is None:
            return {}
        initial = adult_initial(link.adult, link.relation)
        for other, _label in SAME_AS.get(role, ()):
            if other in links and links[other].adult_id == link.adult_id:
                initial["same_as"] = other
                break
        return initial

    @property
    def sections(self) -> list[AdultForm]:
        return list(self.adult_forms.values())

    def is_valid(self) -> bool:
        results = [self.child_form.is_valid()] + [form.is_valid() for form in self.sections]  # all, for messages
        return self._check_same_as() and all(results)

    def _names_someone(self, role: str) -> bool:
        """The section names a person itself, or through "同…" (carer 同监护人, guardian 同父亲)."""
        form = self.adult_forms[role]
        return form.input is not None or bool(form.same_as_role and self._names_someone(form.same_as_role))

    def _check_same_as(self) -> bool:
        ok = True
        for form in self.sections:
            other = form.same_as_role
            if other and not self.adult_forms[other].errors and not self._names_someone(other):
                label = dict(SAME_AS[form.role])[other]
                form.add_error("same_as", f"{ROLE_LABELS[other]}一栏为空，不能选择“{label}”。")
                ok = False
        return ok

    @property
    def expected_version(self) -> int | None:
        return self.child_form.cleaned_data.get("version") if self.child else None

    def adults(self) -> dict[str, AdultInput | None]:
        """What `child_save` takes: one input per role (None removes the role); a section that says
        "同监护人" (or 同父亲/同母亲) names the same person, so one adult is linked twice."""
        result: dict[str, AdultInput | None] = {}
        for role, form in self.adult_forms.items():
            other = form.same_as_role
            if other:
                source = result[other]
                relation = PARENT_RELATION.get(other, source.relation if source else "")
                result[role] = replace(source, relation=relation) if source else None
            else:
                result[role] = form.input
        return result

    def add_service_error(self, error: ValidationError) -> None:
        """A service's ValidationError on the child's field it names, or at the top of the page."""
        add_service_error(self.child_form, error)

    @property
    def has_errors(self) -> bool:
        return bool(self.child_form.errors) or any(form.errors for form in self.sections)
