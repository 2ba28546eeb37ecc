"""`compact_field`: the markup of crispy's `as_crispy_field` for plain text and number inputs,
built in Python instead of through three nested templates.

Why: the reader renders an edit and a split form for every candidate, so a 20-candidate article
rendered about 60 fields through crispy (`bootstrap5/field.html` and Django's widget templates),
which was more than half the page's server time (docs/benchmarks.md, "Review pages"). The HTML
is the same, minus crispy's blank lines (tests/review/test_compact_fields.py compares the two);
any other widget falls back to crispy.
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_ASTERISK = mark_safe('<span class="asteriskField">*</span>')  # noqa: S308 - a constant

# Widgets drawn here; their markup is one <input>. Subclasses with other templates are not.
_INPUTS = {forms.NumberInput: "numberinput", forms.TextInput: "textinput"}


@register.filter
def compact_input(field: forms.BoundField) -> SafeString:
    """`{{ field }}` for a hidden input (the reader's `version` fields): the same <input>
    Django's widget template draws; any other widget is drawn by Django."""
    widget = field.field.widget
    if type(widget) is not forms.HiddenInput:
        return field.as_widget()
    return format_html('<input type="hidden" name="{}"{}>', field.html_name, _flat(_attrs(field)))


def _flat(attrs: dict) -> SafeString:
    """Attributes as Django's attrs.html writes them: in order, True as a bare name, False and
    None left out (django.forms.utils.flatatt sorts them)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(' {}="{}"', k, v) if v is not True else format_html(" {}", k),)
            for k, v in attrs.items()
            if v is not False and v is not None
        ),
    )


def _attrs(field: forms.BoundField, **extra: str) -> dict:
    """The input's attributes in the order Django's widget template writes them: value, the
    widget's own, what the bound field adds (required, aria-*), then id."""
    widget = field.field.widget
    value = widget.format_value(field.value())
    attrs = {} if value is None else {"value": value}
    attrs.update(widget.attrs)
    attrs.update(extra)
    attrs = field.build_widget_attrs(attrs)
    if field.auto_id and "id" not in widget.attrs:
        attrs["id"] = field.auto_id
    return attrs


@register.filter
def compact_field(field: forms.BoundField) -> SafeString:
    widget = field.field.widget
    class_name = _INPUTS.get(type(widget))
    if class_name is None or field.field.show_hidden_initial or field.help_text:
        return as_crispy_field(field)
    classes = [*widget.attrs.get("class", "").split(), class_name, "form-control"]
    errors = field.errors
    if errors:
        classes.append("is-invalid")
    attrs = _attrs(field, **{"class": " ".join(dict.fromkeys(classes))})
    if errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_error"
        attrs["id"] = attrs.pop("id", field.auto_id)  # last, as crispy writes it
    required = field.field.required
    error_html = (
        format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((n, field.auto_id, e) for n, e in enumerate(errors, 1)),
            ),
        )
        if errors
        else ""
    )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label{}">{}{}</label>'
        '<input type="{}" name="{}"{}>{}</div>',
        field.auto_id,
        field.id_for_label,
        " requiredField" if required else "",
        field.label,
        _ASTERISK if required else "",
        widget.input_type,
        field.html_name,
        _flat(attrs),
        error_html,
    )
