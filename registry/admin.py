import tempfile

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import XLSX
from import_export.forms import ImportForm
from import_export.widgets import ForeignKeyWidget
from simple_history.admin import SimpleHistoryAdmin

from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record
from qidong_care.core.admin_access import CapabilityAdmin

from .models import Region
from .roster.safety import RosterFileRefused, check_file


class RegionResource(resources.ModelResource):
    """Regions by their statistical code; the parent by its code. Rows are added or updated, never
    deleted (retire a region by setting active off)."""

    parent = fields.Field(attribute="parent", column_name="parent", widget=ForeignKeyWidget(Region, field="code"))

    class Meta:
        model = Region
        fields = ("code", "name", "level", "parent", "active")
        export_order = fields
        import_id_fields = ("code",)
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def before_save_instance(self, instance, row, **kwargs):
        instance._change_reason = "管理后台导入区划"


class SafeXLSX(XLSX):
    """The admin's .xlsx import gets the roster import's file safety (zip bombs, DTDs, macros, sheets
    past the row or column limits: refused before openpyxl reads anything)."""

    def create_dataset(self, in_stream):
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            handle.write(in_stream)
            handle.flush()
            check_file(handle.name)
        return super().create_dataset(in_stream)


class SizeLimitedImportForm(ImportForm):
    """An admin import (.xlsx, .csv, .json…) over the roster's upload limit is refused before any of it
    is read: django-import-export would read the whole file into memory first."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.ROSTER_MAX_UPLOAD_BYTES
        if upload.size > limit:
            size, most = upload.size / 1024 / 1024, limit / 1024 / 1024
            raise ValidationError(f"文件大小 {size:.1f} MB，超过 {most:.0f} MB 上限，未读取。请拆分后分批导入。")
        return upload


class ImportExportAccess:
    """django-import-export's buttons follow the same capability as the admin page itself, and every
    export of the list is audited; .xlsx imports are checked like a roster (issue 8 line 5) and no
    import over the upload limit is read."""

    import_form_class = SizeLimitedImportForm

    def get_import_formats(self):
        return [SafeXLSX if file_format is XLSX else file_format for file_format in super().get_import_formats()]

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, RosterFileRefused):
            form.add_error("import_file", e.message)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def has_import_permission(self, request) -> bool:
        return self._allowed(request)

    def has_export_permission(self, request) -> bool:
        return self._allowed(request)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        audit_record(
            kind=AuditEvent.Kind.EXPORT,
            request=request,
            object_type=self.model._meta.label_lower,
            object_label=f"管理后台导出：{self.model._meta.verbose_name}",
            detail={"rows": queryset.count(), "format": file_format.get_title()},
        )
        return data


@admin.register(Region)
class RegionAdmin(ImportExportAccess, ImportExportModelAdmin, CapabilityAdmin, SimpleHistoryAdmin):
    """Add, rename and retire regions (统计用区划代码 can differ from the county's own list).
    Retiring sets `active` off; a region is never deleted, and its history stays."""

    resource_classes = [RegionResource]
    list_display = ("code", "name", "level", "parent", "active")
    list_filter = ("level", "active")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("code",)
