from django import forms
from django.forms import formset_factory

from .models import DeadlineKind, SpotCheckProblem, SpotCheckResult

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.Form):
    name = forms.CharField(label="活动名称", max_length=100)
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="结束日期", widget=DATE)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "结束日期不能早于开始日期。")
        return data


class DeadlineForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=DeadlineKind.choices)
    name = forms.CharField(label="名称", max_length=100, help_text="如：摸排完成、新增儿童录入完成、全市通报")
    due_on = forms.DateField(label="截止日期", widget=DATE)


DeadlineFormSet = formset_factory(DeadlineForm, extra=2, can_delete=True, min_num=1, validate_min=True)


class SpotCheckMarkForm(forms.Form):
    result = forms.ChoiceField(
        label="抽查结果",
        choices=[(SpotCheckResult.PASSED, "通过"), (SpotCheckResult.PROBLEM, "发现问题")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择抽查结果：通过或发现问题。"},
    )
    problems = forms.MultipleChoiceField(
        label="问题类型", choices=SpotCheckProblem.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SpotCheckResolveForm(forms.Form):
    resolution_note = forms.CharField(
        label="整改说明",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写整改说明。"},
    )
