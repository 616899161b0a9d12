"""The visit form: a routine visit is a few taps (everything defaults to "fine"); what is not fine
takes a note; the 档案变化 section updates the archive in the same save."""

from django import forms
from django.core.exceptions import ValidationError

from qidong_care.accounts.roles import Role
from registry.assessment import today
from registry.choices import AdultRole, ContactFrequency, LivingArrangement, ParentStatus, Relation, Schooling
from registry.models import Child
from registry.rules.idnumber import IdNumberError, age_on, is_valid_phone, normalize_id_number, parse_id_number
from registry.services import AdultInput

from ..choices import (
    ContactMethod,
    Finding,
    Guardianship,
    MentalHealth,
    PhysicalHealth,
    RiskLevel,
    SafetyCheck,
    SchoolingState,
    Service,
    VisitKind,
    VisitMode,
)
from ..models import Visit
from ..photos import MAX_PHOTO_BYTES, MAX_PHOTOS, photos_check
from ..services.visits import ArchiveChange
from .widgets import DateInput, InlineRadios, MultipleFileField

SAFETY = ("safety_home", "safety_fire", "safety_water", "safety_traffic")


class VisitForm(forms.ModelForm):
    findings = forms.MultipleChoiceField(
        label="发现以下情况（保存后自动生成转介）",
        choices=Finding.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photos = MultipleFileField(
        label="照片（可选）",
        required=False,
        help_text=f"JPEG 或 PNG，最多 {MAX_PHOTOS} 张，每张不超过 {MAX_PHOTO_BYTES // (1024 * 1024)} MB。",
    )
    # 档案变化: what changed since the archive was written.
    father_home = forms.BooleanField(label="父亲已返乡，现在在家", required=False)
    mother_home = forms.BooleanField(label="母亲已返乡，现在在家", required=False)
    carer_changed = forms.BooleanField(label="委托照护人已更换", required=False)
    carer_name = forms.CharField(label="新照护人姓名", max_length=50, required=False)
    carer_id_number = forms.CharField(label="新照护人身份证号码", max_length=30, required=False)
    carer_phone = forms.CharField(label="新照护人电话", max_length=30, required=False)
    carer_relation = forms.ChoiceField(label="与儿童关系", choices=[("", "请选择")] + Relation.choices, required=False)
    dropped_out = forms.BooleanField(label="儿童已辍学", required=False)
    living_alone = forms.BooleanField(label="儿童现在独自居住", required=False)
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    child_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Visit
        fields = [
            "date",
            "kind",
            "mode",
            *[name for pair in ((s, f"{s}_note") for s in SAFETY) for name in pair],
            "guardianship",
            "guardianship_note",
            "physical_health",
            "physical_health_note",
            "mental_health",
            "mental_health_note",
            "schooling",
            "schooling_note",
            "contact_methods",
            "contact_frequency",
            "needs",
            "risk_level",
            "services",
            "notes",
        ]
        widgets = {
            "date": DateInput,
            "mode": InlineRadios,
            "safety_home": InlineRadios,
            "safety_fire": InlineRadios,
            "safety_water": InlineRadios,
            "safety_traffic": InlineRadios,
            "risk_level": InlineRadios,
            "guardianship_note": forms.TextInput,
            "physical_health_note": forms.TextInput,
            "mental_health_note": forms.TextInput,
            "needs": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    contact_methods = forms.MultipleChoiceField(
        label="与父母联系方式", choices=ContactMethod.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    services = forms.MultipleChoiceField(
        label="安排的服务", choices=Service.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, child: Child, user, last_visit: Visit | None = None, **kwargs):
        self.child = child
        super().__init__(*args, **kwargs)
        for name in ("kind", "mode", "guardianship", "physical_health", "mental_health", "schooling", "risk_level"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0] != ""]
        for name in SAFETY:
            self.fields[name].choices = SafetyCheck.choices
            self.fields[f"{name}_note"].widget.attrs["placeholder"] = "有隐患时请说明"
        self.fields["contact_frequency"].choices = [("", "未了解")] + ContactFrequency.choices
        self.fields["date"].widget.attrs["max"] = f"{today():%Y-%m-%d}"
        if not self.is_bound:
            self.initial.update(self.defaults(child=child, user=user, last_visit=last_visit))
        self.parents = {
            link.role: link.adult for link in child.links.all() if link.role in (AdultRole.FATHER, AdultRole.MOTHER)
        }

    @staticmethod
    def defaults(*, child: Child, user, last_visit: Visit | None) -> dict:
        """A routine visit: today, the director's monthly home visit, everything fine; contact with the
        parents as found last time (or as the archive says)."""
        under_school_age = age_on(child.birth_date, today()) < 6
        initial = {
            "date": today(),
            "kind": VisitKind.DIRECTOR_MONTHLY if user.role == Role.DIRECTOR else VisitKind.RESIDENT_CADRE,
            "mode": VisitMode.HOME,
            "guardianship": Guardianship.GOOD,
            "physical_health": PhysicalHealth.GOOD,
            "mental_health": MentalHealth.GOOD,
            "schooling": SchoolingState.NOT_APPLICABLE if under_school_age else SchoolingState.NORMAL,
            "risk_level": RiskLevel.LOW,
            "contact_methods": [ContactMethod.PHONE, ContactMethod.VIDEO],
            "contact_frequency": child.contact_frequency,
        }
        initial.update(dict.fromkeys(SAFETY, SafetyCheck.OK))
        if child.schooling == Schooling.DROPPED_OUT:
            initial["schooling"] = SchoolingState.DROPPED_OUT
        if last_visit is not None:
            initial["contact_methods"] = last_visit.contact_methods
            initial["contact_frequency"] = last_visit.contact_frequency or child.contact_frequency
        return initial

    # --- which archive changes make sense for this child ----------------------------------------------

    def parent_away(self, role: str) -> bool:
        adult = self.parents.get(role)
        return adult is not None and adult.status != ParentStatus.HOME

    @property
    def show_father_home(self) -> bool:
        return self.parent_away(AdultRole.FATHER)

    @property
    def show_mother_home(self) -> bool:
        return self.parent_away(AdultRole.MOTHER)

    @property
    def show_dropped_out(self) -> bool:
        return self.child.schooling != Schooling.DROPPED_OUT

    @property
    def show_living_alone(self) -> bool:
        return self.child.living_arrangement != LivingArrangement.ALONE

    # --- validation --------------------------------------------------------------------------------------

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value and value > today():
            raise ValidationError("走访日期不能晚于今天。")
        return value

    def clean_photos(self):
        return photos_check(self.cleaned_data.get("photos") or [])

    def clean_carer_id_number(self):
        raw = self.cleaned_data.get("carer_id_number", "")
        if not raw:
            return ""
        try:
            return parse_id_number(normalize_id_number(raw), today=today()).number
        except IdNumberError as exc:
            raise ValidationError(exc.message)

    def clean(self):
        data = super().clean()
        for name in SAFETY:
            if data.get(name) == SafetyCheck.RISK and not data.get(f"{name}_note", "").strip():
                self.add_error(f"{name}_note", "有隐患时请说明是什么隐患。")
        if data.get("carer_changed"):
            if not data.get("carer_name", "").strip():
                self.add_error("carer_name", "请填写新照护人的姓名。")
            phone = data.get("carer_phone", "").strip()
            if not phone:
                self.add_error("carer_phone", "请填写新照护人的电话。")
            elif not is_valid_phone(phone):
                self.add_error("carer_phone", "电话号码格式不正确（手机11位，或区号加座机号码）。")
            if not data.get("carer_relation"):
                self.add_error("carer_relation", "请选择新照护人与儿童的关系。")
        return data

    def archive_change(self) -> ArchiveChange:
        data = self.cleaned_data
        carer = None
        if data.get("carer_changed"):
            carer = AdultInput(
                name=data["carer_name"].strip(),
                id_number=data.get("carer_id_number", ""),
                phone=data["carer_phone"].strip(),
                relation=data["carer_relation"],
            )
        return ArchiveChange(
            father_home=bool(data.get("father_home")) and self.show_father_home,
            mother_home=bool(data.get("mother_home")) and self.show_mother_home,
            new_carer=carer,
            dropped_out=bool(data.get("dropped_out")),
            living_alone=bool(data.get("living_alone")),
        )

    def visit_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
