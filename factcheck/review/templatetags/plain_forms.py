"""`plain_widget`: a form field's widget with Bootstrap's classes and its error state, for the
claim page's small forms drawn by a plain template (templates/review/claims/_plain_form.html)
instead of `{% crispy %}`.

Why: the claim page drew four crispy forms on every view (assignment, evidence, comment, send
back), about a third of its server time (crispy renders each field through several nested
templates; docs/benchmarks.md, "Page costs"). The verdict form, with its help texts and layout,
stays with crispy.
"""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def plain_widget(field: forms.BoundField) -> SafeString:
    widget = field.field.widget
    classes = ["form-select" if isinstance(widget, forms.Select) else "form-control"]
    attrs = {}
    if field.errors:
        classes.append("is-invalid")
        attrs["aria-invalid"] = "true"
        described = [f"{field.auto_id}_error"] + ([f"{field.auto_id}_helptext"] if field.help_text else [])
        attrs["aria-describedby"] = " ".join(described)
    attrs["class"] = " ".join([widget.attrs.get("class", ""), *classes]).strip()
    return field.as_widget(attrs=attrs)
