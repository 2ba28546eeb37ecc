"""`compact_field` and `crispy_field`: the markup of crispy's `as_crispy_field` (bootstrap5)
drawn by one Jinja2 template each (templates/jinja2/review/compact_field.html,
crispy_field.html) instead of crispy's nested DTL templates; `compact_input`: a hidden input.

Why: the reader renders an edit and a split form, the search page a dozen filters, and crispy
(`bootstrap5/field.html` and its includes) was more than half of those pages' server time
(docs/benchmarks.md, "Review pages", "Page costs"). The HTML is crispy's minus its blank lines
(tests/review/test_compact_fields.py compares the two); the choice of classes and attributes
stays in Python below; any widget or layout not covered falls back to crispy.
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.template import engines
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _render(name: str, context: dict) -> SafeString:
    """A Jinja2 template of templates/jinja2/ (autoescaped; values written as DTL writes them)."""
    html = engines["jinja2"].env.get_template(name).render(context)
    return mark_safe(html)  # noqa: S308 - autoescaped by Jinja2 (factcheck/core/jinja.py)


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
    return _render(
        "review/compact_field.html",
        {
            "field": field,
            "required": field.field.required,
            "input_type": widget.input_type,
            "attrs": attrs,
            "errors": errors,
        },
    )


# Widgets `crispy_field` leaves to crispy: they have their own layouts in bootstrap5/field.html.
_CRISPY_OWN = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.FileInput, forms.MultiWidget)


def _crispy_classes(widget: forms.Widget, extra: str) -> None:
    """What crispy's `{% crispy_field field 'class' extra %}` does to the widget: its class name
    (textinput, select, ...) then `extra`, written into widget.attrs as crispy writes them."""
    class_name = widget.__class__.__name__.lower()
    css = widget.attrs.get("class", "")
    if css:
        if css.find(class_name) == -1:
            css += f" {class_name}"
    else:
        css = class_name
    for name in extra.split():
        if name not in css.split():
            css += f" {name}"
    widget.attrs["class"] = css


@register.filter
def crispy_field(field: forms.BoundField) -> SafeString:
    """`{{ field|as_crispy_field }}` (bootstrap5) for a field with a label, its widget, its help
    and its errors, drawn by templates/jinja2/review/crispy_field.html: the same HTML but crispy's
    blank lines (tests/review/
    test_compact_fields.py compares the two), about a tenth of the CPU. The search page draws its
    dozen filters with it. Hidden fields, check boxes, radios, files, compound widgets and helpers
    with their own layout go to crispy."""
    widget = field.field.widget
    helper = getattr(field.form, "helper", None)
    if (
        field.is_hidden
        or isinstance(widget, _CRISPY_OWN)
        or hasattr(widget, "widget")
        or field.use_fieldset
        or (
            helper is not None
            and (
                helper.field_template
                or helper.label_class
                or helper.field_class
                or not helper.form_show_labels
                or not helper.form_show_errors
                or "form-horizontal" in helper.form_class.split()
            )
        )
    ):
        return as_crispy_field(field)
    errors = field.errors
    extra = "form-select" if isinstance(widget, forms.Select) else "form-control"
    _crispy_classes(widget, f"{extra} is-invalid" if errors else extra)
    return _render(
        "review/crispy_field.html",
        {
            "field": field,
            "required": field.field.required,
            "widget": str(field),
            "errors": errors,
            # crispy writes the help text |safe: the form's own text, never the user's.
            "help_text": mark_safe(field.help_text) if field.help_text else "",  # noqa: S308
            "inline_errors": bool(helper is not None and helper.error_text_inline),
            "inline_help": bool(helper is not None and helper.help_text_inline),
            "css": field.css_classes(),
        },
    )
