"""Filters of the audit log viewer: time range, user, event, object, success, IP address."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone

from .models import AuditEvent


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class IPAddressFilter(django_filters.CharFilter):
    """Only a well-formed address reaches the query (PostgreSQL's inet column refuses anything else)."""

    field_class = forms.GenericIPAddressField


class AuditEventFilter(django_filters.FilterSet):
    # Bounds as timestamps (not `at__date`), so the index on `at` is used.
    start = django_filters.DateFilter(label="开始日期", method="filter_start", widget=forms.DateInput({"type": "date"}))
    end = django_filters.DateFilter(label="结束日期", method="filter_end", widget=forms.DateInput({"type": "date"}))
    username = django_filters.CharFilter(label="用户", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label="事件", choices=AuditEvent.Kind.choices, empty_label="全部事件")
    object_type = django_filters.CharFilter(label="对象类型", help_text="例如 registry.child")
    object_id = django_filters.CharFilter(label="对象编号")
    success = django_filters.BooleanFilter(
        label="结果",
        widget=forms.Select(choices=[("", "全部"), ("true", "成功"), ("false", "失败")]),
    )
    ip_address = IPAddressFilter(label="IP 地址")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"

    def filter_start(self, queryset, name, value: date):
        return queryset.filter(at__gte=local_midnight(value))

    def filter_end(self, queryset, name, value: date):
        return queryset.filter(at__lt=local_midnight(value + timedelta(days=1)))
