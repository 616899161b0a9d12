"""A realistic archive of N children for the benchmark, bulk-loaded with COPY (PostgreSQL only).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qc_bench .venv/bin/python -m bench.seed 100000

or from Python, after Django is set up: `from bench.seed import seed; seed(children=100_000)`.

What it writes, across the real towns and villages of 启东市 (the Region table, `load_regions`):
families of one to three children sharing their father, mother and a grandparent (guardian and
entrusted carer); the links; a care agreement per child on the roster (mostly signed); one visit a
month for the last 12 months (the current month for about 60 %); referrals for about 3 % of the
children (some open, some overdue); the "+" history rows of children, adults, links and agreements
as an import writes them, a later "~" change for a fifth of the children in the last eight weeks with
its dynamic-update row (动态更新). ID numbers are valid (GB 11643) and unique; ID numbers and phones
are sealed one by one with qidong_care.core.crypto, with their real blind indexes and masks, so
look-ups, reveals and pages behave as in production. Visits' history rows are not written: no page
or job reads them.

Safety: the seeder wipes only what it made. It keeps a marker table (bench_seed); a database that
holds children and no marker is refused. A database seeded already with the same N and seed is
reused as it is.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

from .env import BenchRefused

DEFAULT_SEED = 2026
FAMILIES_PER_BATCH = 8000
SHANGHAI = ZoneInfo("Asia/Shanghai")
MARKER = "bench_seed"

# Tables the seeder fills (and may empty again: only in a database it seeded itself).
SEEDED_TABLES = (
    "registry_child", "registry_historicalchild", "registry_adult", "registry_historicaladult",
    "registry_childadult", "registry_historicalchildadult", "registry_archiveupdate",
    "agreements_agreement", "agreements_historicalagreement", "visits_visit", "visits_referral",
)  # fmt: skip
# Big tables whose secondary indexes are dropped during the load and built once after it.
REINDEXED_TABLES = ("visits_visit", "registry_historicalchild", "registry_historicaladult",
                    "registry_historicalchildadult", "registry_childadult")  # fmt: skip

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁沈姚陆施顾季倪"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华红玉萍建国文辉鑫宇"
    "浩然子涵欣怡梓轩思雨俊佳琪嘉晨曦桐诺梦瑶晓东海燕春梅志"
)
WORK_PLACES = (
    ("上海市浦东新区", "310115"), ("上海市闵行区", "310112"), ("江苏省苏州市昆山市", "320583"),
    ("浙江省宁波市鄞州区", "330212"), ("浙江省杭州市萧山区", "330109"), ("广东省深圳市宝安区", "440306"),
    ("北京市朝阳区", "110105"), ("江苏省南京市江宁区", "320115"), ("江苏省无锡市江阴市", "320281"),
)  # fmt: skip
MOBILE_PREFIXES = ("133", "135", "136", "138", "139", "150", "151", "152", "157", "158", "159", "177", "187", "189")
NO_EXIT = ("", None, "")
ECONOMY = ("ordinary", "ordinary", "ordinary", "low_income", "dibao")
GRADES = {6: "一年级", 7: "二年级", 8: "三年级", 9: "四年级", 10: "五年级", 11: "六年级",
          12: "初一", 13: "初二", 14: "初三", 15: "高一"}  # fmt: skip
FINDING_BODY = {"alone": "police", "guardian_incapable": "police", "guardian_neglect": "police",
                "violence": "police", "injury": "police", "hardship": "assistance",
                "out_of_school": "education"}  # fmt: skip

CHILD_COMMON = (
    "id", "name", "id_number", "id_number_masked", "gender", "birth_date", "ethnicity", "household_type",
    "household_address", "current_address", "health", "disability_type", "disability_level", "schooling", "school",
    "grade", "boarding", "living_arrangement", "family_economy", "contact_frequency", "director_name",
    "director_phone", "notes", "national_child_no", "verdict", "verdict_rule", "verdict_reasons", "verdict_flags",
    "verdict_on", "field_check", "field_check_verdict", "field_check_note", "field_checked_at", "roster_status",
    "exit_reason", "exit_date", "exit_note", "missing_items", "error_items", "has_missing", "has_errors",
    "likely_duplicate", "version", "created_at", "created_by_id", "town_id", "village_id",
)  # fmt: skip
ADULT_COMMON = (
    "id", "name", "id_number", "id_number_masked", "phone", "phone_masked", "health", "status", "work_place",
    "work_place_code", "work_place_resolved", "departed_on", "version", "created_at",
)  # fmt: skip
LINK_COMMON = ("id", "role", "relation", "created_at", "adult_id", "child_id")
AGREEMENT_COMMON = (
    "id", "status", "witness_name", "signed_on", "valid_from", "valid_until", "scan", "scan_content_type",
    "scan_uploaded_at", "resign_reason", "ended_on", "end_reason", "notes", "version", "created_at", "carer_id",
    "child_id", "principal_id", "second_principal_id", "witness_region_id",
)  # fmt: skip
HISTORY_TAIL = ("history_id", "history_date", "history_change_reason", "history_type", "history_user_id")
VISIT_COLUMNS = (
    "id", "month", "date", "kind", "mode", "safety_home", "safety_home_note", "safety_fire", "safety_fire_note",
    "safety_water", "safety_water_note", "safety_traffic", "safety_traffic_note", "guardianship",
    "guardianship_note", "physical_health", "physical_health_note", "mental_health", "mental_health_note",
    "schooling", "schooling_note", "contact_methods", "contact_frequency", "needs", "findings", "risk_level",
    "services", "notes", "archive_changes", "client_token", "created_at", "child_id", "recorded_by_id", "town_id",
    "village_id",
)  # fmt: skip
REFERRAL_COLUMNS = (
    "id", "trigger", "body", "source", "opened_at", "deadline", "status", "reported_at", "reported_to", "receipt_no",
    "progress_note", "outcome", "closed_at", "parents_notified_at", "parents_notified_note", "version", "child_id",
    "closed_by_id", "opened_by_id", "reported_by_id", "town_id", "village_id", "visit_id",
)  # fmt: skip
IMPORT_REASON = "花名册导入"
EDIT_REASON = "档案修改"


@dataclass
class Village:
    id: int
    town_id: int
    name: str
    town_name: str
    director: str
    director_phone: str  # ciphertext


class Sealer:
    """qidong_care.core.crypto's encrypt and blind_index, with the keys looked up once (a million
    children seal millions of values). Same output format; tests/bench checks they agree."""

    def __init__(self) -> None:
        from django.conf import settings

        from qidong_care.core import crypto

        self.key_id, self.aead = crypto.keyring()[0]
        self.associated = self.key_id.encode()
        self.hash_key = crypto._hash_key(settings.FIELD_HASH_KEY)

    def encrypt(self, text: str) -> str:
        nonce = os.urandom(12)
        sealed = self.aead.encrypt(nonce, text.encode(), self.associated)
        return f"{self.key_id}:{base64.b64encode(nonce + sealed).decode()}"

    def blind_index(self, text: str) -> str:
        return hmac.new(self.hash_key, text.encode(), hashlib.sha256).hexdigest()[:40]


@dataclass
class Batch:
    """Rows of one batch of families, per table, ready for COPY."""

    tables: dict[str, list[tuple]] = field(default_factory=dict)

    def add(self, table: str, row: tuple) -> None:
        self.tables.setdefault(table, []).append(row)


def months_back(today: date, count: int) -> list[date]:
    """The first days of the last `count` months, oldest first, the current month last."""
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - count + 1, index + 1)]


def at_local(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, clock(hour), tzinfo=SHANGHAI)


class Generator:
    """Makes the rows: deterministic for a seed, ids allocated from 1 (the tables start empty)."""

    def __init__(self, *, villages: list[Village], today: date, seed: int) -> None:
        from registry.rules.idnumber import check_digit, mask_id_number, mask_phone

        self.crypto = crypto = Sealer()
        self.check_digit = check_digit
        self.mask_id, self.mask_phone = mask_id_number, mask_phone
        self.random = random.Random(seed)
        self.villages = villages
        weights = [self.random.uniform(0.3, 1.7) for _ in villages]  # villages differ in size
        self.village_weights = list(_cumulative(weights))
        self.today = today
        self.now = at_local(today, 9)
        self.months = months_back(today, 12)
        self.serials: dict[date, int] = {}
        self.next_id = dict.fromkeys(("child", "adult", "link", "agreement", "visit", "referral", "history"), 1)
        self.history_ids = dict.fromkeys(("child", "adult", "link", "agreement"), 1)
        self.children = 0
        # Low-cardinality secrets: each value sealed a few dozen times, then picked (real ciphertext).
        self.sealed_pool = {
            value: [crypto.encrypt(value) for _ in range(32)]
            for value in ("healthy", "ill", "健康", "患病", "监护人年迈，需加强指导", "情绪稳定", "偶有感冒")
        }

    # --- small helpers ---------------------------------------------------------------------------

    def take(self, kind: str) -> int:
        value = self.next_id[kind]
        self.next_id[kind] = value + 1
        return value

    def take_history(self, kind: str) -> int:
        value = self.history_ids[kind]
        self.history_ids[kind] = value + 1
        return value

    def sealed(self, value: str) -> str:
        return self.random.choice(self.sealed_pool[value])

    def name(self, surname: str | None = None) -> str:
        given = "".join(self.random.choice(GIVEN) for _ in range(self.random.choice((1, 2, 2, 2))))
        return (surname or self.random.choice(SURNAMES)) + given

    def id_number(self, birth: date, male: bool) -> str:
        """A valid, unique 18-digit ID number of 启东市 (320681) for this birth date and gender."""
        serial = self.serials.get(birth, 0)
        self.serials[birth] = serial + 1
        order = serial * 2 + (1 if male else 0)  # the 17th digit is odd for men
        if order > 999:
            raise ValueError(f"too many people born on {birth} for unique ID numbers")
        first17 = f"320681{birth.year}{birth.month:02d}{birth.day:02d}{order:03d}"
        return first17 + self.check_digit(first17)

    def phone(self) -> str:
        return self.random.choice(MOBILE_PREFIXES) + f"{self.random.randrange(10**8):08d}"

    def birth(self, oldest: int, youngest: int) -> date:
        """A birth date making the person between `youngest` and `oldest` years old today."""
        days = self.random.randrange(youngest * 365, oldest * 365 + 364)
        return self.today - timedelta(days=days)

    def village(self) -> Village:
        point = self.random.random() * self.village_weights[-1]
        low, high = 0, len(self.village_weights) - 1
        while low < high:
            middle = (low + high) // 2
            if self.village_weights[middle] < point:
                low = middle + 1
            else:
                high = middle
        return self.villages[low]

    def created_at(self) -> datetime:
        """Archives were built over the last two years, mostly in the first screening."""
        return self.now - timedelta(days=self.random.randrange(60, 720), minutes=self.random.randrange(600))

    # --- families --------------------------------------------------------------------------------

    def family(self, batch: Batch, size: int) -> None:
        village = self.village()
        draw = self.random.random()
        kind = "both_away" if draw < 0.7 else "one_away" if draw < 0.8 else "present" if draw < 0.95 else "unknown"
        created = self.created_at()
        surname = self.random.choice(SURNAMES)
        father = self.adult(batch, created, self.name(surname), male=True, status="away")
        mother_status = {"both_away": "away", "one_away": "seriously_ill", "present": "home", "unknown": ""}[kind]
        mother = self.adult(batch, created, self.name(), male=False, status=mother_status)
        grand_male = self.random.random() < 0.4
        grandparent = self.adult(batch, created, self.name(surname), male=grand_male, status="", old=True)
        relation = "grandfather" if grand_male else "grandmother"
        for _ in range(size):
            child_id, status = self.child(batch, village, created, surname, kind, father, mother)
            self.link(batch, created, child_id, father[0], "father", "father")
            self.link(batch, created, child_id, mother[0], "mother", "mother")
            if kind == "present":
                self.link(batch, created, child_id, mother[0], "guardian", "mother")
            else:
                self.link(batch, created, child_id, grandparent[0], "guardian", relation)
                self.link(batch, created, child_id, grandparent[0], "carer", relation)
            if status == "active":
                self.agreement(batch, village, created, child_id, father[0], mother[0] if kind == "both_away" else None,
                               grandparent[0])  # fmt: skip
            self.referral_maybe(batch, village, child_id, status)

    def adult(self, batch: Batch, created: datetime, name: str, *, male: bool, status: str, old: bool = False):
        adult_id = self.take("adult")
        birth = self.birth(72, 56) if old else self.birth(48, 24)
        number = self.id_number(birth, male)
        phone = self.phone()
        crypto = self.crypto
        away = status == "away"
        place, code = self.random.choice(WORK_PLACES) if away else ("", "")
        departed = self.today - timedelta(days=self.random.randrange(200, 3000)) if away else None
        health = self.sealed("健康") if self.random.random() < 0.9 else self.sealed("患病")
        common = (adult_id, name, crypto.encrypt(number), self.mask_id(number), crypto.encrypt(phone),
                  self.mask_phone(phone), health, status, place, code, place, departed, 1, created)  # fmt: skip
        batch.add("registry_adult", (*common, crypto.blind_index(number), crypto.blind_index(phone), created))
        batch.add("registry_historicaladult", (*common, self.take_history("adult"), created, IMPORT_REASON, "+", None))
        return adult_id, place

    def link(self, batch: Batch, created: datetime, child_id: int, adult_id: int, role: str, relation: str) -> None:
        common = (self.take("link"), role, relation, created, adult_id, child_id)
        batch.add("registry_childadult", common)
        batch.add("registry_historicalchildadult",
                  (*common, self.take_history("link"), created, IMPORT_REASON, "+", None))  # fmt: skip

    def child(self, batch: Batch, village: Village, created, surname, kind, father, mother) -> tuple[int, str]:
        child_id = self.take("child")
        self.children += 1
        rnd = self.random
        age_out_due = rnd.random() < 0.004  # turned 16 in the last month: the age-out job's work
        birth = self.today - timedelta(days=16 * 365 + rnd.randrange(4, 30)) if age_out_due else self.birth(15, 0)
        male = rnd.random() < 0.52
        number = self.id_number(birth, male)
        verdict, rule, status, reasons = self.verdict(kind, father[1], mother[1])
        exited = status == "active" and rnd.random() < 0.03
        exit_fields = ("parents_returned", created.date() + timedelta(days=30), "父母返乡") if exited else NO_EXIT
        if exited:
            status = "exited"
        age = (self.today - birth).days // 365
        schooling = "none_yet" if age < 3 else "kindergarten" if age < 6 else "primary" if age < 12 else "junior"
        school = f"启东市{village.town_name}{'中心小学' if age < 12 else '初级中学'}" if age >= 6 else ""
        missing = ["委托照护人联系电话"] if rnd.random() < 0.05 else []
        changed = rnd.random() < 0.2  # a later edit in the last eight weeks
        changed_at = self.now - timedelta(days=rnd.randrange(0, 56), minutes=rnd.randrange(600))
        address = f"启东市{village.town_name}{village.name}{rnd.randrange(1, 40)}组{rnd.randrange(1, 60)}号"

        def common(version: int, frequency: str) -> tuple:
            return (
                child_id, self.name(surname), self.crypto.encrypt(number), self.mask_id(number), "M" if male else "F",
                birth, "汉族", "rural", address, address, self.sealed("healthy"), "", "", schooling, school,
                GRADES.get(age, ""), False if age < 12 else rnd.random() < 0.3,
                "carer" if kind != "present" else "guardian", ECONOMY[int(rnd.random() * 5)], frequency,
                village.director, village.director_phone, "", "", verdict, rule,
                json.dumps(reasons, ensure_ascii=False),
                "[]", created.date(), "", "", "", None, status, *exit_fields,
                json.dumps(missing, ensure_ascii=False), "[]", bool(missing), False, False, version, created, None,
                village.town_id, village.id,
            )  # fmt: skip

        final = common(2 if changed else 1, "weekly" if changed else rnd.choice(("weekly", "monthly")))
        hashed = self.crypto.blind_index(number)
        batch.add("registry_child", (*final, hashed, changed_at if changed else created))
        if changed:
            first = common(1, "monthly")
            history_rows = [(*first, self.take_history("child"), created, IMPORT_REASON, "+", None),
                            (*final, self.take_history("child"), changed_at, EDIT_REASON, "~", None)]  # fmt: skip
            batch.add("registry_archiveupdate", (child_id, village.town_id, changed_at.date(), changed_at))
        else:
            history_rows = [(*final, self.take_history("child"), created, IMPORT_REASON, "+", None)]
        for row in history_rows:
            batch.add("registry_historicalchild", row)
        return child_id, status

    def verdict(self, kind: str, father_place: str, mother_place: str) -> tuple[str, str, str, list[str]]:
        away = "父亲外出务工（{}，跨县域），满6个月"
        if kind == "both_away":
            reasons = [away.format(father_place), f"母亲外出务工（{mother_place}，跨县域），满6个月",
                       "父母双方外出务工，认定为留守儿童"]  # fmt: skip
            return "both_away", "both_away", "active", reasons
        if kind == "one_away":
            reasons = [away.format(father_place), "母亲重病（无监护能力）",
                       "父亲外出务工、母亲无监护能力，认定为留守儿童"]  # fmt: skip
            return "one_away_incapable", "one_away_incapable", "active", reasons
        if kind == "present":
            reasons = [away.format(father_place), "母亲在家", "母亲在家履行监护，非留守儿童"]
            return "not_left_behind", "parent_present", "not_left_behind", reasons
        reasons = [away.format(father_place), "母亲状况未填写", "父母情况不足以认定，待实地核实"]
        return "unverified", "unverified", "suspected", reasons

    def agreement(self, batch: Batch, village: Village, created, child_id, principal, second, carer) -> None:
        rnd = self.random
        draw = rnd.random()
        status = "signed" if draw < 0.85 else "to_resign" if draw < 0.9 else "unsigned"
        signed_on = None if status == "unsigned" else (created + timedelta(days=rnd.randrange(1, 40))).date()
        valid_until = signed_on.replace(year=signed_on.year + 3) - timedelta(days=1) if signed_on else None
        if signed_on and signed_on.month == 2 and signed_on.day == 29:
            valid_until = date(signed_on.year + 3, 2, 28)
        common = (
            self.take("agreement"), status, f"{village.name}村民委员会", signed_on, signed_on, valid_until, "", "",
            None, "监护人变更" if status == "to_resign" else "", None, "", "", 1, created, carer, child_id,
            principal if status != "unsigned" else None, second if status != "unsigned" else None, village.id,
        )  # fmt: skip
        batch.add("agreements_agreement", (*common, created))
        batch.add("agreements_historicalagreement",
                  (*common, self.take_history("agreement"), created, IMPORT_REASON, "+", None))  # fmt: skip

    def referral_maybe(self, batch: Batch, village: Village, child_id: int, status: str) -> None:
        if status in ("active", "suspected") and self.random.random() < 0.03:
            self.referral(batch, village, child_id)

    def referral(self, batch: Batch, village: Village, child_id: int) -> None:
        """A referral; its visit (the child's latest before it) is filled in after the visits are in."""
        rnd = self.random
        trigger = rnd.choice(tuple(FINDING_BODY))
        opened = self.now - timedelta(days=rnd.randrange(0, 180), hours=rnd.randrange(24))
        deadline = opened + timedelta(hours=24 if FINDING_BODY[trigger] == "police" else 72)
        status = rnd.choices(("closed", "in_progress", "reported", "pending"), (60, 15, 10, 15))[0]
        if status == "pending" and rnd.random() < 0.6:  # still within the deadline
            opened = self.now - timedelta(hours=rnd.randrange(1, 20))
            deadline = opened + timedelta(hours=24 if FINDING_BODY[trigger] == "police" else 72)
        reported = opened + timedelta(hours=rnd.randrange(1, 20)) if status != "pending" else None
        closed = reported + timedelta(days=rnd.randrange(1, 30)) if status == "closed" else None
        batch.add("visits_referral", (
            self.take("referral"), trigger, FINDING_BODY[trigger], "archive", opened,
            deadline, status, reported, "派出所值班民警" if reported else "", "", "", "已办结" if closed else "",
            closed, None, "", 1, child_id, None, None, None, village.town_id, village.id, None,
        ))  # fmt: skip


def _cumulative(values):
    total = 0.0
    for value in values:
        total += value
        yield total


# --- the database side ---------------------------------------------------------------------------

TABLE_COLUMNS = {
    "registry_child": (*CHILD_COMMON, "id_number_hash", "updated_at"),
    "registry_historicalchild": (*CHILD_COMMON, *HISTORY_TAIL),
    "registry_adult": (*ADULT_COMMON, "id_number_hash", "phone_hash", "updated_at"),
    "registry_historicaladult": (*ADULT_COMMON, *HISTORY_TAIL),
    "registry_childadult": LINK_COMMON,
    "registry_historicalchildadult": (*LINK_COMMON, *HISTORY_TAIL),
    "agreements_agreement": (*AGREEMENT_COMMON, "updated_at"),
    "agreements_historicalagreement": (*AGREEMENT_COMMON, *HISTORY_TAIL),
    "visits_visit": VISIT_COLUMNS,
    "visits_referral": REFERRAL_COLUMNS,
    "registry_archiveupdate": ("child_id", "town_id", "on", "first_at"),
}
ID_COLUMNS = {table: ("history_id" if "historical" in table else "id") for table in TABLE_COLUMNS}


def copy_rows(cursor, table: str, rows: list[tuple]) -> None:
    names = ", ".join(f'"{column}"' for column in TABLE_COLUMNS[table])
    with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def _exists(cursor, sql: str, params=()) -> bool:
    cursor.execute(sql, params)
    return cursor.fetchone()[0]


def read_marker(cursor) -> dict | None:
    if not _exists(cursor, "SELECT to_regclass(%s) IS NOT NULL", [MARKER]):
        return None
    cursor.execute(f"SELECT info FROM {MARKER} ORDER BY id DESC LIMIT 1")
    row = cursor.fetchone()
    if not row:
        return {}
    return json.loads(row[0]) if isinstance(row[0], str) else row[0]  # Django leaves jsonb unparsed


def check_target(cursor) -> dict | None:
    """Refuse a database with children the bench did not make; return the marker (None if unseeded)."""
    marker = read_marker(cursor)
    holds_people = _exists(
        cursor, "SELECT EXISTS (SELECT 1 FROM registry_child) OR EXISTS (SELECT 1 FROM registry_adult)"
    )
    if marker is None and holds_people:
        raise BenchRefused(
            "该数据库已有儿童档案且不是基准测试生成的，拒绝写入 (the database holds children the bench did not "
            "make; use a database of its own, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/qc_bench)."
        )
    return marker


def secondary_indexes(cursor, tables) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes that back no constraint, on `tables`."""
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema()
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
        [list(tables)],
    )
    return cursor.fetchall()


def load_villages(cursor, crypto, rnd: random.Random) -> list[Village]:
    cursor.execute(
        """SELECT v.id, v.parent_id, v.name, t.name FROM registry_region v JOIN registry_region t ON t.id = v.parent_id
           WHERE v.level = 'village' AND v.active ORDER BY v.code"""
    )
    villages = []
    for village_id, town_id, name, town_name in cursor.fetchall():
        phone = rnd.choice(MOBILE_PREFIXES) + f"{rnd.randrange(10**8):08d}"
        director = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN)
        villages.append(Village(village_id, town_id, name, town_name, director, crypto.encrypt(phone)))
    if not villages:
        raise BenchRefused("区划表为空：请先运行 manage.py load_regions")
    return villages


def family_sizes(children: int, rnd: random.Random):
    """Families of 1–3 children (55 / 35 / 10 %) until `children` are made."""
    left = children
    while left > 0:
        size = min(left, rnd.choices((1, 2, 3), (55, 35, 10))[0])
        left -= size
        yield size


def seed(*, children: int, seed: int = DEFAULT_SEED, force: bool = False, log=print) -> dict:
    """Fill the database with `children` children and everything around them; the row counts.

    Reuses a database already seeded with the same figures unless `force`."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from qidong_care.core import crypto

    if connection.vendor != "postgresql":
        raise BenchRefused("the seeder bulk-loads with PostgreSQL's COPY; DATABASE_URL must name a PostgreSQL")
    call_command("migrate", verbosity=0)
    call_command("load_regions", stdout=_Quiet())
    today = timezone.localdate()
    with connection.cursor() as cursor:
        marker = check_target(cursor)
        wanted = {"children": children, "seed": seed, "today": today.isoformat()}
        if marker and not force and {key: marker.get(key) for key in wanted} == wanted and marker.get("complete"):
            log(f"bench seed: reusing the {children:,} children seeded on {marker['seeded_at']}")
            return marker
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} (id serial PRIMARY KEY, info jsonb NOT NULL)")
        cursor.execute(f"INSERT INTO {MARKER} (info) VALUES (%s)", [json.dumps({**wanted, "complete": False})])
        cursor.execute(f"TRUNCATE {', '.join(SEEDED_TABLES)} RESTART IDENTITY CASCADE")
        indexes = secondary_indexes(cursor, REINDEXED_TABLES)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    started = time.perf_counter()
    rnd = random.Random(seed)
    with connection.cursor() as cursor:
        villages = load_villages(cursor, crypto, rnd)
    generator = Generator(villages=villages, today=today, seed=seed)
    counts: dict[str, int] = dict.fromkeys(TABLE_COLUMNS, 0)
    batch, families = Batch(), 0
    for size in family_sizes(children, rnd):
        generator.family(batch, size)
        families += 1
        if families % FAMILIES_PER_BATCH == 0:
            _flush(batch, counts, connection, transaction)
            batch = Batch()
            log(f"bench seed: {generator.children:,} / {children:,} children ({time.perf_counter() - started:.0f} s)")
    _flush(batch, counts, connection, transaction)
    log(f"bench seed: archive loaded in {time.perf_counter() - started:.0f} s; visits month by month")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL session_replication_role = replica")
        counts["visits_visit"] = insert_visits(cursor, generator)
    loaded = time.perf_counter() - started
    log(f"bench seed: rows loaded in {loaded:.0f} s; building indexes and statistics")
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute(LINK_REFERRALS_TO_VISITS)
        for table, column in ID_COLUMNS.items():
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST(1, (SELECT MAX({column}) FROM {table})))",
                [table, column],
            )
    with connection.cursor() as cursor:  # VACUUM cannot run inside a transaction; Django autocommits here
        for table in SEEDED_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
    info = {**wanted, "complete": True, "families": families, "rows": counts,
            "load_seconds": round(loaded), "total_seconds": round(time.perf_counter() - started),
            "seeded_at": timezone.now().isoformat(timespec="seconds")}  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {MARKER} (info) VALUES (%s)", [json.dumps(info)])
    log(f"bench seed: done in {info['total_seconds']} s: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    return info


VISIT_INSERT = """
INSERT INTO visits_visit (month, date, kind, mode, safety_home, safety_home_note, safety_fire, safety_fire_note,
    safety_water, safety_water_note, safety_traffic, safety_traffic_note, guardianship, guardianship_note,
    physical_health, physical_health_note, mental_health, mental_health_note, schooling, schooling_note,
    contact_methods, contact_frequency, needs, findings, risk_level, services, notes, archive_changes, client_token,
    created_at, child_id, recorded_by_id, town_id, village_id)
SELECT %(month)s, x.day, 'director_monthly',
    CASE WHEN x.r1 < 0.8 THEN 'home' WHEN x.r1 < 0.95 THEN 'phone' ELSE 'video' END,
    'ok', '', 'ok', '', CASE WHEN x.worry THEN 'risk' ELSE 'ok' END, CASE WHEN x.worry THEN '注意防溺水' ELSE '' END,
    'ok', '', CASE WHEN x.worry THEN 'weak' ELSE 'good' END,
    CASE WHEN x.worry THEN (%(guardianship)s::text[])[1 + floor(x.r3 * 32)::int] ELSE '' END,
    'good', CASE WHEN x.r4 < 0.05 THEN (%(physical)s::text[])[1 + floor(x.r3 * 32)::int] ELSE '' END,
    CASE WHEN x.worry THEN 'attention' ELSE 'good' END,
    CASE WHEN x.r4 > 0.9 THEN (%(mental)s::text[])[1 + floor(x.r3 * 32)::int] ELSE '' END,
    CASE WHEN x.birth_date > %(month)s::date - 6 * 365 THEN 'not_applicable' ELSE 'normal' END, '',
    '["phone", "video"]'::jsonb, 'weekly', '', '[]'::jsonb, CASE WHEN x.worry THEN 'medium' ELSE 'low' END,
    (CASE WHEN x.worry THEN '["guardianship_guidance"]' ELSE '[]' END)::jsonb, '', '[]'::jsonb, NULL,
    (x.day + time '16:00') AT TIME ZONE 'Asia/Shanghai', x.id, NULL, x.town_id, x.village_id
FROM (SELECT c.id, c.town_id, c.village_id, c.birth_date, random() AS r1, random() < 0.08 AS worry,
             random() AS r3, random() AS r4, %(month)s::date + floor(random() * %(days)s)::int AS day, random() AS r5
      FROM registry_child c WHERE c.birth_date < %(month)s::date + 28) x
WHERE x.r5 < %(share)s
"""
LINK_REFERRALS_TO_VISITS = """
UPDATE visits_referral r SET source = 'visit', visit_id = (
    SELECT v.id FROM visits_visit v
    WHERE v.child_id = r.child_id AND v.date <= (r.opened_at AT TIME ZONE 'Asia/Shanghai')::date
    ORDER BY v.month DESC, v.id DESC LIMIT 1)
"""


def insert_visits(cursor, generator: Generator) -> int:
    """The director's visit of every month of the last twelve (60 % so far this month), one
    INSERT … SELECT per month in PostgreSQL: month by month, as they are recorded. Health and
    guardianship notes are real ciphertext, picked from sealed pools."""
    pools = {
        "guardianship": generator.sealed_pool["监护人年迈，需加强指导"],
        "physical": generator.sealed_pool["偶有感冒"],
        "mental": generator.sealed_pool["情绪稳定"],
    }
    today, total = generator.today, 0
    cursor.execute("SELECT setseed(0.2026)")
    for month in generator.months:
        current = (month.year, month.month) == (today.year, today.month)
        days, share = (today.day, 0.6) if current else (28, 1.0)
        cursor.execute(VISIT_INSERT, {"month": month, "days": days, "share": share, **pools})
        total += cursor.rowcount
    return total


def _flush(batch: Batch, counts: dict[str, int], connection, transaction) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL session_replication_role = replica")  # no FK triggers: the rows are consistent
        for table, rows in batch.tables.items():
            copy_rows(cursor.cursor, table, rows)
            counts[table] += len(rows)


class _Quiet:
    def write(self, *_args, **_kwargs) -> None:
        pass


def main(argv: list[str] | None = None) -> None:
    import argparse
    import os

    parser = argparse.ArgumentParser(description="Seed the benchmark database (PostgreSQL) with N children.")
    parser.add_argument("children", nargs="?", type=int, default=int(os.environ.get("BENCH_CHILDREN", 1_000_000)))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="seed again even if the same data is there")
    args = parser.parse_args(argv)
    from . import env

    env.setup()
    seed(children=args.children, seed=args.seed, force=args.force)


if __name__ == "__main__":
    main(sys.argv[1:])
