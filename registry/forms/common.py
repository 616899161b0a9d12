"""What the registry's forms share: masked values on file, ID numbers, phones, choice lists."""

from django import forms
from django.core.exceptions import ValidationError

from ..assessment import today
from ..rules.idnumber import IdNumberError, parse_id_number

MASK = "*"
STALE_PAGE = "页面缺少版本信息，请刷新页面后重新填写。"
PHONE_MESSAGE = "联系电话应为11位手机号码，或带区号的固定电话（如0513-83123456）。"
MASKED_PHONE_MESSAGE = "请填写完整的联系电话（星号显示的是已登记的号码，只能原样保留）。"
MASKED_ID_MESSAGE = "请填写完整的18位身份证号码（星号显示的是已登记的号码，只能原样保留）。"


def choices_with_empty(choices, empty: str = "请选择") -> list[tuple[str, str]]:
    return [("", empty), *choices]


def parse_id_or_error(value: str) -> str:
    """The normalised ID number, or a ValidationError saying which part is wrong (GB 11643)."""
    try:
        return parse_id_number(value, today=today()).number
    except IdNumberError as exc:
        raise ValidationError(exc.message, code=exc.code) from None


def keep_unknown_choice(field: forms.ChoiceField, value: str) -> None:
    """A stored value outside the list (an old import) stays selectable, so an edit never blanks it."""
    if value and value not in {key for key, _label in field.choices}:
        field.choices = [*field.choices, (value, value)]


def kept_or_new(typed: str, masked_on_file: str, on_file: str, message: str) -> str | None:
    """A masked value left as shown keeps the stored one; any other masked text is an error.
    Returns None when `typed` is not masked (the caller checks the new value)."""
    if MASK not in typed:
        return None
    if masked_on_file and typed == masked_on_file:
        return on_file
    raise ValidationError(message, code="masked")


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError on the form field it names (when the form has it), else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for item in errors:
                form.add_error(name if name in form.fields else None, item)
    else:
        form.add_error(None, error)


def require_version(form: forms.Form) -> None:
    """Every write of an existing record carries the version it was read at (no silent overwrites)."""
    if form.cleaned_data.get("version") is None:
        form.add_error(None, STALE_PAGE)
