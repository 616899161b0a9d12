"""Forms of the registry's pages: the survey (one child, four adults), the field check and the exit."""

from .common import add_service_error, parse_id_or_error
from .survey import AdultForm, ChildForm, SurveyForm
from .workflows import ExitForm, FieldCheckForm

__all__ = [
    "AdultForm",
    "ChildForm",
    "ExitForm",
    "FieldCheckForm",
    "SurveyForm",
    "add_service_error",
    "parse_id_or_error",
]
