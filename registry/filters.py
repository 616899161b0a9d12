"""Filters of the child list. Every filter lives in the query string, so a home-page card can link
to a filtered list (`?status=active&missing=1`) and a filtered page can be bookmarked or shared."""

import re

import django_filters
from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import Func, Q, QuerySet, TextField
from django.utils import timezone

from qidong_care.core.crypto import blind_index

from .choices import RosterStatus, Verdict
from .models import Child, Region, RegionLevel
from .rules.idnumber import normalize_id_number
from .scope import sees_whole_county, visible_regions

ID_NUMBER_SHAPE = re.compile(r"\d{17}[\dX]")
YES_NO = (("1", "是"), ("0", "否"))
NO_AGREEMENT = (("1", "未签订或需重签"),)
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


class NameCharacters(Func):
    """string_to_array(name, NULL): the characters of a name, as the GIN index of migration
    registry 0004 has them (PostgreSQL only)."""

    function = "string_to_array"
    template = "%(function)s(%(expressions)s, NULL)"
    output_field = ArrayField(TextField())


def name_search(queryset: QuerySet[Child], text: str) -> QuerySet[Child]:
    """Names containing `text`. Chinese names are two or three characters, too short for trigrams:
    on PostgreSQL the index of each name's characters narrows the rows to those holding all of
    the text's characters, and LIKE then checks they stand together."""
    queryset = queryset.filter(name__contains=text)
    if connection.vendor != "postgresql":
        return queryset
    characters = sorted(set(text))
    return queryset.alias(name_characters=NameCharacters("name")).filter(name_characters__contains=characters)


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
    no_agreement = django_filters.ChoiceFilter(
        label="委托照护协议", choices=NO_AGREEMENT, empty_label="不限", method="without_agreement"
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
        town, village = (str((data or {}).get(key, "")) for key in ("town", "village"))
        if town.isdigit():  # villages of the chosen town only
            villages = villages.filter(parent_id=int(town))
        elif sees_whole_county(user):
            # A county has hundreds of villages: offer those of the chosen village's town (a link from
            # a dashboard), or none until a town is chosen.
            chosen = Region.objects.filter(pk=int(village)).values("parent_id") if village.isdigit() else []
            villages = villages.filter(parent_id__in=chosen)
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
        return name_search(queryset, text) if text else queryset

    def without_agreement(self, queryset: QuerySet[Child], name: str, value: str) -> QuerySet[Child]:
        """Children on the roster without a valid signed agreement today (通知 二.2: 全覆盖): the
        agreements app decides what "valid" means."""
        from agreements.selectors import children_without_valid_agreement

        return children_without_valid_agreement(queryset, on=timezone.localdate()) if value == "1" else queryset

    def order(self, queryset: QuerySet[Child], name: str, value: str) -> QuerySet[Child]:
        return queryset.order_by(*SORTS.get(value, SORTS["village"]))

    def filter_queryset(self, queryset: QuerySet[Child]) -> QuerySet[Child]:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*SORTS["village"])
        return queryset
