from django import forms
from django.conf import settings

from ..models import Region, RegionLevel
from .form import NATIONAL_FIELDS
from .models import ColumnMapping
from .selectors import town_ids_of

AUTO, BUILTIN = "", "builtin"


class RunForm(forms.Form):
    file = forms.FileField(label="全国系统导出文件（.xlsx）")
    town = forms.ModelChoiceField(
        label="比对范围", queryset=Region.objects.none(), required=False, empty_label="全市（所有镇、街道、园区）"
    )
    mapping = forms.ChoiceField(label="列对应关系", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        towns = town_ids_of(user)
        queryset = Region.objects.filter(level=RegionLevel.TOWN, active=True).order_by("code")
        if towns is not None:
            queryset = queryset.filter(pk__in=towns)
            self.fields["town"].required = True
            self.fields["town"].empty_label = None
        self.fields["town"].queryset = queryset
        choices = [(AUTO, "自动识别（按表头）"), (BUILTIN, "内置：2016年农村留守儿童基本情况登记表")]
        choices += [(str(m.pk), m.name) for m in ColumnMapping.objects.all()]
        self.fields["mapping"].choices = choices

    def clean_file(self):
        """Refused at once, as the roster import does: not an .xlsx by name, or too large."""
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 文件（在 Excel 中另存为“Excel 工作簿”）。")
        if upload.size > settings.ROSTER_MAX_UPLOAD_BYTES:
            limit = settings.ROSTER_MAX_UPLOAD_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"文件超过 {limit} MB 上限。请按镇拆分后分别比对。")
        return upload

    def chosen_mapping(self) -> ColumnMapping | None | str:
        """AUTO, BUILTIN, or a saved ColumnMapping."""
        value = self.cleaned_data.get("mapping") or AUTO
        if value in (AUTO, BUILTIN):
            return value
        return ColumnMapping.objects.filter(pk=value).first() or AUTO


def column_field(key: str) -> str:
    """The form field of a national field (its key alone would clash: 姓名 is "name")."""
    return f"col_{key}"


class MappingForm(forms.Form):
    """One text box per national field: the header of the file's column that holds it."""

    name = forms.CharField(label="名称", max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in NATIONAL_FIELDS:
            self.fields[column_field(f.key)] = forms.CharField(
                label=f.header,
                required=False,
                max_length=100,
                widget=forms.TextInput(attrs={"list": "national-headers", "autocomplete": "off"}),
            )

    def field_rows(self):
        return [(self[column_field(f.key)], f) for f in NATIONAL_FIELDS]

    def columns(self) -> dict[str, str]:
        return {f.key: self.cleaned_data.get(column_field(f.key), "") for f in NATIONAL_FIELDS}

    @staticmethod
    def initial_for(name: str, columns: dict[str, str]) -> dict[str, str]:
        return {"name": name, **{column_field(key): header for key, header in columns.items()}}

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            field = key if key == "name" else column_field(key)
            self.add_error(field if field in self.fields else None, messages)


class ExportForm(forms.Form):
    town = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reveal = forms.BooleanField(label="导出完整身份证号码和电话（将记入审计日志）", required=False)
