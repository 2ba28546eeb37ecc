"""Django's form renderer with the widgets every page draws written in Python.

Django draws each widget through its templates (`django/forms/widgets/input.html`, which
includes `attrs.html`; a select includes `select_option.html` once per option): the claim page
spent a fifth of its CPU there (its verdict and assignee selects), the search page as much in
its filter form (docs/benchmarks.md, "Page costs"). `FastRenderer` writes the same HTML for
the plain inputs (text, number, date, email, URL, password, hidden, checkbox), `<select>` and
`<textarea>`, character for character (tests/foundation/test_form_renderer.py compares the
two over every widget of the desk's forms), and hands every other template to Django's.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
INPUTS = {
    f"{WIDGETS}{name}.html"
    for name in ("input", "text", "number", "date", "datetime", "time", "email", "url", "password", "hidden", "search")
}
INPUTS |= {f"{WIDGETS}tel.html", f"{WIDGETS}color.html", f"{WIDGETS}checkbox.html"}
SELECT = f"{WIDGETS}select.html"
OPTION = f"{WIDGETS}select_option.html"
TEXTAREA = f"{WIDGETS}textarea.html"


def _show(value) -> str:
    """`{{ value }}`: localized, as text, escaped unless marked safe."""
    return conditional_escape(str(localize(value)))


def _format(value) -> str:
    """`{{ value|stringformat:'s' }}` (stringformat keeps a safe value safe)."""
    text = str(value)  # what "%s" % value gives (stringformat wraps a tuple first: str() of it)
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """`attrs.html`: ` name="value"`, a bare ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_show(name)}" if value is True else f' {_show(name)}="{_format(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_format(widget["value"])}"'
    return f'<input type="{_show(widget["type"])}" name="{_show(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_show(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_show(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION:
                return None  # a widget with its own option template: Django draws it
            attrs = _attrs(option["attrs"])
            parts.append(f'\n  <option value="{_format(option["value"])}"{attrs}>{_show(option["label"])}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = _show(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_show(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


class FastRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: Django's DjangoTemplates renderer, but for the widgets above."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        html = None
        if isinstance(widget, dict) and "attrs" in widget:
            if template_name in INPUTS:
                html = _input(widget)
            elif template_name == SELECT:
                html = _select(widget)
            elif template_name == TEXTAREA:
                html = _textarea(widget)
        if html is None:
            return super().render(template_name, context, request=request)
        return mark_safe(html.strip())  # noqa: S308 - every value above is escaped
