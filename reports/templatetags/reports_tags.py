from django import template
from django.utils.html import format_html

from registry.choices import ExitReason

register = template.Library()


@register.filter
def pct(value) -> str:
    """0.8 → "80.0%"; None → "—" (nobody to cover)."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def exit_reasons(by_reason: dict) -> str:
    """{"moved_away": 1} → "迁出 1"."""
    labels = dict(ExitReason.choices)
    return "，".join(f"{labels.get(code, code)} {n}" for code, n in (by_reason or {}).items() if n)


@register.filter
def get(mapping: dict, key):
    return (mapping or {}).get(key, "")


@register.simple_tag
def linked(value, url: str = "", display=None):
    """The figure as a link to the list behind it; plain text when that list is not available."""
    text = value if display is None else display
    if text is None:
        text = "—"
    return format_html('<a href="{}">{}</a>', url, text) if url else format_html("{}", text)
