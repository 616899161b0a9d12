"""The screening and exit workflows' forms: a field check of a 待核实 child, and leaving the roster."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from ..assessment import today
from ..choices import LEFT_BEHIND_VERDICTS, ExitReason, FieldCheck
from .common import choices_with_empty, require_version


class FieldCheckForm(forms.Form):
    """The outcome of a field check of a 待核实 child: confirmed (with the type) or rejected."""

    outcome = forms.ChoiceField(
        label="核实结论",
        choices=[(FieldCheck.CONFIRMED.value, "确认为留守儿童"), (FieldCheck.REJECTED.value, "不属于留守儿童")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择核实结论。"},
    )
    verdict = forms.ChoiceField(
        label="留守类型",
        choices=choices_with_empty([(v.value, v.label) for v in LEFT_BEHIND_VERDICTS]),
        required=False,
    )
    note = forms.CharField(
        label="核实说明",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写核实说明。"},
        help_text="写明何时、以何种方式核实，以及核实到的父母情况。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        require_version(self)
        if cleaned.get("outcome") == FieldCheck.CONFIRMED and cleaned.get("verdict") not in LEFT_BEHIND_VERDICTS:
            self.add_error("verdict", "确认为留守儿童时，请选择留守类型。")
        if cleaned.get("outcome") == FieldCheck.REJECTED:
            cleaned["verdict"] = ""
        return cleaned


class ExitForm(forms.Form):
    """Leaving the roster (DOMAIN.md): a reason, a date, a note. The archive stays, read-only."""

    reason = forms.ChoiceField(
        label="退出原因",
        choices=choices_with_empty(ExitReason.choices),
        error_messages={"required": "请选择退出原因。"},
    )
    on = forms.DateField(
        label="退出日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写退出日期。", "invalid": "请填写有效的日期。"},
    )
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        require_version(self)
        return cleaned

    def clean_on(self) -> date:
        on = self.cleaned_data["on"]
        if on > today():
            raise ValidationError("退出日期不能晚于今天。")
        return on
