"""Filters of the child list. Every filter lives in the query string, so a home-page card can link
to a filtered list (`?status=active&missing=1`) and a filtered page can be bookmarked or shared."""

import re

import django_filters
from django.db.models import Q, QuerySet

from qidong_care.core.crypto import blind_index

from .choices import RosterStatus, Verdict
from .models import Child, Region, RegionLevel
from .rules.idnumber import normalize_id_number
from .scope import visible_regions

ID_NUMBER_SHAPE = re.compile(r"\d{17}[\dX]")
YES_NO = (("1", "是"), ("0", "否"))
SORTS = {
    "village": ("village__code", "name", "pk"),
    "name": ("name", "pk"),
    "birth": ("birth_date", "pk"),
    "-birth": ("-birth_date", "pk"),
    "updated": ("-updated_at", "-pk"),
}
SORT_CHOICES = (
    ("village", "按村（社区）"),
    ("name", "按姓名"),
    ("birth", "按出生日期（年长在前）"),
    ("-birth", "按出生日期（年幼在前）"),
    ("updated", "最近更新在前"),
)


def _flag(field_name: str):
    def apply(queryset: QuerySet[Child], name: str, value: str) -> QuerySet[Child]:
        return queryset.filter(**{field_name: value == "1"})

    return apply


class ChildFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="姓名或身份证号码", method="search")
    town = django_filters.ModelChoiceFilter(label="镇（街道、园区）", queryset=Region.objects.none())
    village = django_filters.ModelChoiceFilter(label="村（社区）", queryset=Region.objects.none())
    verdict = django_filters.ChoiceFilter(label="留守类型", choices=Verdict.choices, empty_label="全部类型")
    status = django_filters.ChoiceFilter(
        label="在册状态", field_name="roster_status", choices=RosterStatus.choices, empty_label="全部状态"
    )
    missing = django_filters.ChoiceFilter(
        label="信息缺失", choices=YES_NO, empty_label="不限", method=_flag("has_missing")
    )
    errors = django_filters.ChoiceFilter(
        label="信息错误", choices=YES_NO, empty_label="不限", method=_flag("has_errors")
    )
    duplicate = django_filters.ChoiceFilter(
        label="疑似重复", choices=YES_NO, empty_label="不限", method=_flag("likely_duplicate")
    )
    sort = django_filters.ChoiceFilter(label="排序", choices=SORT_CHOICES, empty_label=None, method="order")

    class Meta:
        model = Child
        fields: list[str] = []

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        regions = visible_regions(user).filter(level__in=(RegionLevel.TOWN, RegionLevel.VILLAGE))
        towns = Region.objects.filter(level=RegionLevel.TOWN).filter(
            Q(pk__in=regions.values("parent_id")) | Q(pk__in=regions.values("pk"))
        )
        villages = regions.filter(level=RegionLevel.VILLAGE).order_by("code")
        town = (data or {}).get("town", "")
        if str(town).isdigit():  # villages of the chosen town only
            villages = villages.filter(parent_id=int(town))
        self.filters["town"].queryset = towns.order_by("code")
        self.filters["village"].queryset = villages
        for name in ("town", "village"):
            self.filters[name].extra["empty_label"] = "全部"

    def search(self, queryset: QuerySet[Child], name: str, value: str) -> QuerySet[Child]:
        """A whole ID number finds its child by the keyed hash; anything else searches names."""
        text = value.strip()
        number = normalize_id_number(text)
        if ID_NUMBER_SHAPE.fullmatch(number):
            return queryset.filter(id_number_hash=blind_index(number))
        return queryset.filter(name__contains=text) if text else queryset

    def order(self, queryset: QuerySet[Child], name: str, value: str) -> QuerySet[Child]:
        return queryset.order_by(*SORTS.get(value, SORTS["village"]))

    def filter_queryset(self, queryset: QuerySet[Child]) -> QuerySet[Child]:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*SORTS["village"])
        return queryset
