"""Column mappings: the built-in one of the 2016 form, and the ones an administrator saves once for
another export layout (which column holds which field), reused by every later upload."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from .form import NATIONAL_FIELDS
from .forms import MappingForm
from .mapping import BUILTIN_NAME, HEADERS_SESSION_KEY, mapping_save, suggest_columns
from .models import ColumnMapping
from .selectors import can_run


def _check(user) -> None:
    if not can_run(user):
        raise PermissionDenied("您的角色不能设置全国系统导出的列对应关系。")


def mapping_list(request):
    _check(request.user)
    context = {"builtin_name": BUILTIN_NAME, "fields": NATIONAL_FIELDS, "mappings": ColumnMapping.objects.all()}
    return render(request, "registry/national/mapping_list.html", context)


def mapping_edit(request, pk: int | None = None):
    """Create (pk None) or change a mapping; the headers of the last file no mapping fitted are offered."""
    _check(request.user)
    mapping = get_object_or_404(ColumnMapping, pk=pk) if pk is not None else None
    headers = request.session.get(HEADERS_SESSION_KEY, [])
    if mapping is not None:
        initial = MappingForm.initial_for(mapping.name, mapping.columns)
        headers = sorted(set(headers) | set(mapping.columns.values()))
    else:
        initial = MappingForm.initial_for("", suggest_columns(headers))
    form = MappingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = mapping_save(
                user=request.user, mapping=mapping, name=form.cleaned_data["name"], columns=form.columns()
            )
        except ValidationError as error:
            form.add_service_errors(error.message_dict)
        else:
            request.session.pop(HEADERS_SESSION_KEY, None)
            messages.success(request, f"已保存列对应关系“{saved.name}”。请重新上传文件，以后同样表头的文件会自动使用。")
            return redirect("registry:reconcile_run")
    context = {"form": form, "mapping": mapping, "headers": headers}
    return render(request, "registry/national/mapping_form.html", context)
