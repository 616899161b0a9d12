"""One agreement at a time: sign, upload its scan, mark it for re-signing, end it; and the daily
lapse job. Every write checks the version the user read (no silent overwrites) and keeps history."""

from collections.abc import Sequence
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from registry.choices import RosterStatus
from registry.models import Adult, Child
from registry.rules.idnumber import add_months

from ..models import Agreement, AgreementStatus
from ..scans import scan_check
from .history import history_bulk_create
from .parties import parties_of, principal_candidates

LAPSED_REASON = "协议有效期已满"


class AgreementConcurrentEditError(ValidationError):
    """Somebody changed the agreement after the user opened the page."""

    def __init__(self):
        super().__init__(
            "保存失败：您打开此页面后，该儿童的委托照护协议已被其他人修改。请刷新页面查看最新内容后再操作。",
            code="concurrent_edit",
        )


def today() -> date:
    return timezone.localdate()


def validity_months() -> int:
    """How long an agreement runs unless the form says otherwise (一年一签 by default)."""
    return int(getattr(settings, "AGREEMENT_VALIDITY_MONTHS", 12))


def default_valid_until(valid_from: date) -> date:
    return add_months(valid_from, validity_months()) - timedelta(days=1)


def _bump_version(agreement: Agreement, expected_version: int | None) -> None:
    expected = agreement.version if expected_version is None else expected_version
    updated = Agreement.objects.filter(pk=agreement.pk, version=expected).update(version=F("version") + 1)
    if not updated:
        raise AgreementConcurrentEditError()
    agreement.version = expected + 1


def _save(agreement: Agreement, *, user, reason: str) -> Agreement:
    agreement._change_reason = reason
    agreement._history_user = user if getattr(user, "is_authenticated", False) else None
    agreement.save()
    return agreement


def agreement_of(child: Child) -> Agreement | None:
    return Agreement.objects.filter(child=child).select_related("principal", "second_principal", "carer").first()


# --- signing -----------------------------------------------------------------------------------------


def check_child_needs_agreement(child: Child) -> None:
    if child.roster_status == RosterStatus.EXITED:
        raise ValidationError("该儿童已退出在册名单，不能签订新的委托照护协议。", code="child_exited")
    if child.roster_status == RosterStatus.NOT_LEFT_BEHIND:
        raise ValidationError(
            "该儿童经排查不属于农村留守儿童（父母未外出务工或在家履行监护），无需签订委托照护协议。",
            code="not_needed",
        )


def check_dates(*, signed_on: date | None, valid_from: date | None, valid_until: date | None) -> None:
    errors: dict[str, str] = {}
    if signed_on is None:
        errors["signed_on"] = "请填写签订日期。"
    elif signed_on > today():
        errors["signed_on"] = "签订日期不能晚于今天。"
    if valid_from is None:
        errors["valid_from"] = "请填写有效期起始日期。"
    elif signed_on is not None and valid_from < signed_on:
        errors["valid_from"] = "协议生效日期不能早于签订日期。"
    if valid_until is None:
        errors["valid_until"] = "请填写有效期截止日期。"
    elif valid_from is not None and valid_until <= valid_from:
        errors["valid_until"] = "有效期截止日期须晚于起始日期。"
    elif valid_until < today():
        errors["valid_until"] = "有效期已过，请按新签订的协议填写有效期。"
    if errors:
        raise ValidationError(errors)


def check_parties(child: Child, principals: Sequence[Adult]) -> Adult:
    """The carer, when the principals are fine; ValidationError otherwise."""
    carer = parties_of(child).carer
    if carer is None:
        raise ValidationError(
            "该儿童档案中没有登记委托照护人（或监护人），请先在儿童档案中补充后再签订协议。", code="no_carer"
        )
    allowed = {link.adult_id for link in principal_candidates(child)}
    if not principals:
        raise ValidationError({"principals": "请选择委托方（外出务工的父母，或监护人）。"})
    if len(principals) > 2:
        raise ValidationError({"principals": "委托方最多两人（父亲和母亲）。"})
    if any(adult.pk == carer.pk for adult in principals):
        raise ValidationError({"principals": "委托方与委托照护人不能是同一人。"})
    if any(adult.pk not in allowed for adult in principals):
        raise ValidationError({"principals": "委托方须是儿童档案中登记的父母或监护人。"})
    return carer


def _new_or_locked(child: Child, expected_version: int | None) -> Agreement:
    agreement = Agreement.objects.filter(child=child).first()
    if agreement is None:
        if expected_version:  # the page showed an agreement that is gone: never happens silently
            raise AgreementConcurrentEditError()
        return Agreement(child=child, witness_region_id=child.village_id)
    if expected_version == 0:  # the page showed none, but somebody signed meanwhile
        raise AgreementConcurrentEditError()
    _bump_version(agreement, expected_version)
    return agreement


def _sign_reason(agreement: Agreement, signed_on: date) -> str:
    if agreement.pk is None or agreement.status == AgreementStatus.UNSIGNED:
        return "签订协议"
    if agreement.status == AgreementStatus.SIGNED and agreement.signed_on == signed_on:
        return "更正协议信息"
    return "重新签订协议"


@transaction.atomic
def agreement_sign(
    *,
    user,
    child: Child,
    signed_on: date | None,
    valid_from: date | None,
    valid_until: date | None,
    principals: Sequence[Adult],
    witness_name: str,
    notes: str = "",
    expected_version: int | None = None,
) -> Agreement:
    """Record a signed agreement (通知 二.2: 逐人签订委托照护协议书). The carer is the one in the
    child's archive, so that a later change of carer is noticed (需重签)."""
    check_child_needs_agreement(child)
    check_dates(signed_on=signed_on, valid_from=valid_from, valid_until=valid_until)
    carer = check_parties(child, principals)
    if not witness_name.strip():
        raise ValidationError({"witness_name": "请填写见证方（村、居民委员会）名称。"})
    agreement = _new_or_locked(child, expected_version)
    reason = _sign_reason(agreement, signed_on)
    if reason == "重新签订协议":
        agreement.scan, agreement.scan_content_type, agreement.scan_uploaded_at = "", "", None
    agreement.status = AgreementStatus.SIGNED
    agreement.principal, agreement.second_principal = principals[0], (principals[1] if len(principals) > 1 else None)
    agreement.carer = carer
    agreement.witness_region_id, agreement.witness_name = child.village_id, witness_name.strip()
    agreement.signed_on, agreement.valid_from, agreement.valid_until = signed_on, valid_from, valid_until
    agreement.resign_reason, agreement.ended_on, agreement.end_reason = "", None, ""
    agreement.notes = notes.strip()
    try:
        with transaction.atomic():
            return _save(agreement, user=user, reason=reason)
    except IntegrityError:  # two people signing the same child's first agreement at once
        raise AgreementConcurrentEditError() from None


# --- the scan --------------------------------------------------------------------------------------


@transaction.atomic
def agreement_upload_scan(
    *, user, agreement: Agreement, upload: UploadedFile, expected_version: int | None = None
) -> Agreement:
    """Keep the scan of the signed paper (PDF, JPEG or PNG, checked by content, at most 10 MB).
    A replaced scan stays on disk and in the history."""
    if agreement.status == AgreementStatus.ENDED:
        raise ValidationError("协议已终止，不能再上传扫描件。", code="ended")
    if agreement.status == AgreementStatus.UNSIGNED or agreement.signed_on is None:
        raise ValidationError("请先登记协议签订信息，再上传签字盖章后的协议扫描件。", code="unsigned")
    kind = scan_check(upload)
    _bump_version(agreement, expected_version)
    agreement.scan.save(f"scan{kind.extension}", upload, save=False)
    agreement.scan_content_type = kind.content_type
    agreement.scan_uploaded_at = timezone.now()
    return _save(agreement, user=user, reason="上传协议扫描件")


# --- re-signing and ending -------------------------------------------------------------------------


@transaction.atomic
def agreement_mark_resign(*, user, agreement: Agreement, reason: str, expected_version: int | None = None) -> Agreement:
    """A signed agreement no longer holds (the family's situation changed): it must be signed again."""
    if agreement.status != AgreementStatus.SIGNED:
        raise ValidationError("只有“已签订”的协议可以标记为需重签。", code="not_signed")
    if not reason.strip():
        raise ValidationError({"reason": "请填写需要重新签订的原因。"})
    _bump_version(agreement, expected_version)
    agreement.status, agreement.resign_reason = AgreementStatus.TO_RESIGN, reason.strip()
    return _save(agreement, user=user, reason=f"标记需重签：{reason.strip()}")


@transaction.atomic
def agreement_end(
    *, user, agreement: Agreement, reason: str, on: date | None = None, expected_version: int | None = None
) -> Agreement:
    """End an agreement (kept, never deleted: DOMAIN.md, data that must never be lost)."""
    if agreement.status == AgreementStatus.ENDED:
        raise ValidationError("该协议已经终止，无需重复操作。", code="ended")
    if not reason.strip():
        raise ValidationError({"reason": "请填写终止原因。"})
    on = on or today()
    if on > today():
        raise ValidationError({"on": "终止日期不能晚于今天。"})
    _bump_version(agreement, expected_version)
    agreement.status, agreement.ended_on, agreement.end_reason = AgreementStatus.ENDED, on, reason.strip()
    return _save(agreement, user=user, reason=f"终止协议：{reason.strip()}")


# --- the daily lapse job ---------------------------------------------------------------------------


def agreements_mark_lapsed(on: date | None = None, *, user=None) -> dict:
    """Signed agreements whose validity ended before `on` become 需重签. Idempotent: a second run,
    or a run at the same time, finds nothing left to change (rows are locked, or skipped if locked)."""
    on = on or today()
    with transaction.atomic():
        lapsed = Agreement.objects.filter(status=AgreementStatus.SIGNED, valid_until__lt=on)
        ids = list(lapsed.select_for_update(skip_locked=True).values_list("pk", flat=True))
        if ids:
            Agreement.objects.filter(pk__in=ids, status=AgreementStatus.SIGNED).update(
                status=AgreementStatus.TO_RESIGN, resign_reason=LAPSED_REASON, version=F("version") + 1
            )
            history_bulk_create(ids, user=user, reason=LAPSED_REASON)
    return {"on": on.isoformat(), "lapsed": len(ids)}
