"""No full ID number or mobile number in the application logs (issue 8.3), through the logging
configuration the application really runs with."""

import logging
import subprocess
import sys
from datetime import date

from qidong_care.core.logging import MaskPersonalDataFilter, mask_text
from tests.core.test_security_headers import ROOT, production_environment
from tests.factories import make_id

CHILD_ID = make_id(date(2015, 4, 2), seq=123)
ADULT_ID_X = make_id(date(1961, 3, 20), male=False, seq=7)[:17] + "X"
MOBILE = "13912345678"


def test_mask_text_keeps_six_and_four_digits():
    assert (
        mask_text(f"身份证 {CHILD_ID}，电话 {MOBILE}")
        == f"身份证 {CHILD_ID[:6]}********{CHILD_ID[-4:]}，电话 139****5678"
    )
    assert mask_text(f"id={ADULT_ID_X}x") == f"id={ADULT_ID_X[:6]}********{ADULT_ID_X[-4:]}x"
    assert mask_text("订单 12345678901234567890") == "订单 12345678901234567890"  # 20 digits: not an ID


def test_the_filter_masks_arguments_and_tracebacks():
    try:
        raise ValueError(f"duplicate {CHILD_ID}")
    except ValueError:
        record = logging.LogRecord("registry", logging.ERROR, __file__, 1, "row %s: %s", (4, MOBILE), sys.exc_info())
    MaskPersonalDataFilter().filter(record)
    output = logging.Formatter().format(record)
    assert CHILD_ID not in output and MOBILE not in output
    assert "row 4: 139****5678" in output and f"duplicate {CHILD_ID[:6]}********" in output


SCRIPT = f"""
import logging, django
django.setup()
log = logging.getLogger("registry.importer")
log.warning("row %s: ID %s phone %s", 7, "{CHILD_ID}", "{MOBILE}")
logging.getLogger("django.request").error("bad request for {ADULT_ID_X}")
try:
    raise KeyError("{CHILD_ID}")
except KeyError:
    log.exception("import failed")
print("done")
"""


def test_the_configured_logs_hold_no_full_number(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    logged = result.stderr
    assert "row 7: ID 320681********" in logged and "phone 139****5678" in logged and "KeyError" in logged
    assert f"bad request for {ADULT_ID_X[:6]}********" in logged
    for secret in (CHILD_ID, ADULT_ID_X, MOBILE):
        assert secret not in logged
