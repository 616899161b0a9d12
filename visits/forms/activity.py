from django import forms

from registry.models import Child, Region

from ..choices import ActivityTopic
from ..models import Activity
from .widgets import DateInput


class ActivityForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label="宣讲专题（政策宣讲时填写）",
        choices=ActivityTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    children = forms.ModelMultipleChoiceField(
        label="参加的儿童", queryset=Child.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Activity
        fields = [
            "type",
            "title",
            "date",
            "village",
            "place",
            "organiser",
            "audience",
            "topics",
            "adult_count",
            "description",
        ]
        widgets = {"date": DateInput, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, town: Region, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.town = town
        self.fields["village"].queryset = Region.objects.filter(parent=town, active=True).order_by("code")
        self.fields["village"].empty_label = "（镇级活动）"
        self.fields["children"].queryset = (
            Child.objects.visible_to(user).filter(town=town).select_related("village").order_by("name")
        )
        for name in ("type", "audience"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0] != ""]
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            self.initial.setdefault("children", list(self.instance.children.values_list("pk", flat=True)))

    def selected_children(self) -> list[Child]:
        """The children picked (as chips), for redisplay after an error too."""
        if self.is_bound:
            ids = [v for v in self.data.getlist(self.add_prefix("children")) if str(v).isdigit()]
        else:
            ids = self.initial.get("children", [])
        return list(self.fields["children"].queryset.filter(pk__in=ids))
