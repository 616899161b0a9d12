"""Forms of the agreement pages. Rules live in the services; a form only reads the input and puts a
service's ValidationError back on its fields (every field stays as typed)."""

from django import forms

from registry.models import Region, RegionLevel

from .selectors import AgreementState
from .services.lifecycle import validity_months
from .services.parties import principal_candidates


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class SignForm(VersionedForm):
    signed_on = forms.DateField(label="签订日期", widget=DateInput)
    valid_from = forms.DateField(label="有效期起", widget=DateInput)
    valid_until = forms.DateField(label="有效期至", widget=DateInput)
    principals = forms.TypedMultipleChoiceField(
        label="委托方（外出务工的父母，或监护人）", coerce=int, widget=forms.CheckboxSelectMultiple
    )
    witness_name = forms.CharField(label="见证方（村、居民委员会）", max_length=100)
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, child, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].widget.attrs["data-validity-months"] = validity_months()
        self.candidates = {link.adult_id: link for link in principal_candidates(child)}
        self.fields["principals"].choices = [
            (adult_id, f"{link.adult.name}（{link.get_role_display()}）") for adult_id, link in self.candidates.items()
        ]

    def principal_adults(self) -> list:
        return [self.candidates[pk].adult for pk in self.cleaned_data["principals"] if pk in self.candidates]


class ScanForm(VersionedForm):
    scan = forms.FileField(
        label="签字盖章后的协议扫描件（PDF、JPEG 或 PNG，不超过 10 MB）",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class ReasonForm(VersionedForm):
    reason = forms.CharField(label="原因", max_length=200)


class ListFilterForm(forms.Form):
    """Filters of the coverage list; regions outside the user's scope are not offered."""

    STATES = [
        ("missing", "未签订或需重签"),
        (AgreementState.UNSIGNED, "未签订"),
        (AgreementState.TO_RESIGN, "需重签"),
        (AgreementState.VALID, "已签订（有效）"),
        ("all", "全部需签订的儿童"),
    ]

    town = forms.ModelChoiceField(label="镇（街道、园区）", queryset=Region.objects.none(), required=False)
    village = forms.ModelChoiceField(label="村（社区）", queryset=Region.objects.none(), required=False)
    status = forms.ChoiceField(label="协议状态", choices=STATES, required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = regions.filter(level=RegionLevel.TOWN).order_by("code")
        villages = regions.filter(level=RegionLevel.VILLAGE).order_by("code")
        town_id = self.data.get("town") if self.is_bound else None
        if town_id and str(town_id).isdigit():
            villages = villages.filter(parent_id=int(town_id))
        self.fields["village"].queryset = villages
        for name in ("town", "village", "status"):
            self.fields[name].widget.attrs.update({"class": "form-select form-select-sm", "data-autosubmit": ""})
        self.fields["town"].empty_label = self.fields["village"].empty_label = "全部"
