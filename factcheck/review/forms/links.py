"""Forms of cross-linking: the search box, a relation button, confirm/dismiss."""

from __future__ import annotations

from django import forms

from factcheck.linking.models import Relation


class LinkSearchForm(forms.Form):
    q = forms.CharField(
        label="Search all claims to link",
        max_length=300,
        error_messages={
            "required": "Type some words of the claim you are looking for.",
            "max_length": "Keep the search under %(limit_value)d characters.",
        },
    )


class LinkCreateForm(forms.Form):
    """One of the relation buttons next to a search result."""

    target = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose what to link to.",
            "invalid": "The item to link to is not valid.",
            "min_value": "The item to link to is not valid.",
        },
    )
    relation = forms.ChoiceField(
        choices=Relation.choices,
        label="Relation",
        error_messages={
            "required": "Choose how the two are related.",
            "invalid_choice": "“%(value)s” is not a link relation.",
        },
    )


class LinkDecisionForm(forms.Form):
    """Confirm (optionally correcting the relation) or dismiss a link."""

    relation = forms.ChoiceField(
        choices=[("", "Keep")] + list(Relation.choices),
        required=False,
        label="Relation",
        error_messages={"invalid_choice": "“%(value)s” is not a link relation."},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, label="Return to")
