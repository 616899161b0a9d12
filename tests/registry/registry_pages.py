"""Helpers for the registry page tests: survey form data, and reading a rendered form back as a
browser would submit it (so an edit test sends exactly what the page showed, masked values too)."""

import itertools
from datetime import date, timedelta
from html.parser import HTMLParser

from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import Region
from tests.factories import make_id

FATHER_ID = make_id(date(1986, 3, 12), male=True, seq=11)
MOTHER_ID = make_id(date(1988, 7, 30), male=False, seq=12)
GRANDMOTHER_ID = make_id(date(1960, 2, 2), male=False, seq=13)
CHILD_BIRTH = date(2016, 5, 6)


_ids = itertools.count(1)


def next_id(birth: date = date(2015, 4, 2), *, male: bool = True) -> str:
    """A valid ID number never handed out before in this run (tests.factories.make_id repeats
    itself for neighbouring sequence numbers)."""
    n = next(_ids)
    return make_id(birth + timedelta(days=n // 90), male=male, seq=(n % 90) * 10 + 100)


def father(**changes) -> dict:
    return {
        "name": "陆建国",
        "id_number": FATHER_ID,
        "phone": "13912345678",
        "status": "away",
        "work_place": "上海市浦东新区",
        "departed_on": "2024-01-10",
        **changes,
    }


def mother(**changes) -> dict:
    return {
        "name": "沈美华",
        "id_number": MOTHER_ID,
        "phone": "13586834497",
        "status": "away",
        "work_place": "浙江省宁波市鄞州区",
        "departed_on": "2024-02-01",
        **changes,
    }


def grandmother(**changes) -> dict:
    return {
        "name": "顾兰春",
        "id_number": GRANDMOTHER_ID,
        "phone": "13781286570",
        "relation": "maternal_grandmother",
        "health": "healthy",
        **changes,
    }


def survey_data(
    village: Region,
    *,
    id_number: str | None = None,
    adults: dict[str, dict] | None = None,
    **fields,
) -> dict[str, str]:
    """POST data of the survey form for a complete child with both parents away (上海, 浙江), the
    maternal grandmother as guardian and, through "同监护人", as carer."""
    data = {
        "name": "陆小明",
        "id_number": id_number or make_id(CHILD_BIRTH, male=True, seq=21),
        "ethnicity": "汉族",
        "village": str(village.pk),
        "household_type": "rural",
        "household_address": f"江苏省启东市{village.name}3组8号",
        "current_address": f"江苏省启东市{village.name}3组8号",
        "health": "healthy",
        "disability_type": "",
        "disability_level": "",
        "schooling": "primary",
        "school": "启东市汇龙镇小学",
        "grade": "3年级",
        "boarding": "false",
        "living_arrangement": "carer",
        "family_economy": "ordinary",
        "contact_frequency": "weekly",
        "director_name": "王主任",
        "director_phone": "13800001111",
        "national_child_no": "",
        "notes": "",
    }
    data.update({key: str(value) for key, value in fields.items()})
    sections = {"father": father(), "mother": mother(), "guardian": grandmother(), "carer": {"same_as": "guardian"}}
    sections.update(adults or {})
    for role, values in sections.items():
        for key, value in values.items():
            data[f"{role}-{key}"] = "" if value is None else str(value)
    return data


class _FormReader(HTMLParser):
    """Every named field of the first <form method="post"> with the value a browser would send."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._done = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post" and "survey-form" in a.get("class", ""):
            self._in_form = not self._done
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select, self._first_option = name, None
            self.values.setdefault(name, "")
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
                self.values[self._select] = self._first_option
            if "selected" in a:
                self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data.lstrip("\n") if not self.values[self._textarea] else data


def form_values(html: str) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(html)
    return reader.values


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)
