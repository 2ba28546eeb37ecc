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
    and its errors, built in Python: the same HTML but crispy's blank lines (tests/review/
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
    required = field.field.required
    label = ""
    if field.label:
        label = format_html(
            '<label{} class="form-label{}">{}{}</label>',
            format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
            " requiredField" if required else "",
            field.label,
            _ASTERISK if required else "",
        )
    inline_errors = bool(helper is not None and helper.error_text_inline)
    inline_help = bool(helper is not None and helper.help_text_inline)
    help_html = ""
    if field.help_text:
        help_text = mark_safe(field.help_text)  # noqa: S308 - crispy writes it |safe: the form's own text
        if inline_help:
            help_html = format_html('<span id="{}_helptext" class="form-text">{}</span>', field.auto_id, help_text)
        else:
            help_id = format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else ""
            help_html = format_html('<div {}class="form-text">{}</div>', help_id, help_text)
    error_html = ""
    if errors:
        tag = "span" if inline_errors else "p"
        error_html = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            errors.field_id,
            format_html_join(
                "",
                "<" + tag + ' id="error_{}_{}"><strong>{}</strong></' + tag + ">",
                ((n, field.auto_id, e) for n, e in enumerate(errors, 1)),
            ),
        )
    # bootstrap5/layout/help_text_and_errors.html's order (both parts are built safe above).
    if inline_help and inline_errors:
        after = error_html
    elif inline_help:
        after = mark_safe(help_html + error_html)  # noqa: S308
    else:
        after = mark_safe(error_html + help_html)  # noqa: S308
    css = f" {field.css_classes()}" if field.css_classes() else ""
    return format_html('<div id="div_{}" class="mb-3{}">{}{}{}</div>', field.auto_id, css, label, str(field), after)
