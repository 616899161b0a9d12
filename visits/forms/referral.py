from django import forms
from django.core.exceptions import ValidationError

from ..choices import ReferralStatus
from ..models import Referral
from ..services.referrals import TRANSITIONS
from .widgets import DateTimeInput


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or on the form when no field matches)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ReferralTransitionForm(forms.Form):
    status = forms.ChoiceField(label="改为")
    reported_to = forms.CharField(
        label="报告对象（单位、经办人）",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：汇龙派出所 王警官"}),
    )
    reported_at = forms.DateTimeField(label="报告时间", required=False, widget=DateTimeInput)
    receipt_no = forms.CharField(label="回执或案件编号", max_length=60, required=False)
    progress_note = forms.CharField(label="处置情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label="办结结果", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, ReferralStatus(s).label) for s in TRANSITIONS[referral.status]]
        self.initial.setdefault("version", referral.version)
        self.fields["reported_at"].help_text = "留空即为现在。"


class ParentsNotifiedForm(forms.Form):
    at = forms.DateTimeField(label="通报时间", widget=DateTimeInput)
    note = forms.CharField(
        label="通报的对象和方式",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "如：电话通知父亲石某，约定共同劝学返学"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
