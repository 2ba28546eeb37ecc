"""The claim page's forms drawn without crispy (templates/review/claims/_plain_form.html): labels,
help, errors and the submit button as crispy drew them."""

from __future__ import annotations

from django.template.loader import render_to_string

from factcheck.review.forms.claims import ClaimLabelForm, CommentForm


def test_plain_form_draws_fields_help_and_submit(db):
    html = render_to_string("review/claims/_plain_form.html", {"form": CommentForm(action="/claims/1/comments/")})
    assert '<form action="/claims/1/comments/" id="comment-form" method="post">' in html
    assert '<label for="id_comment-body" class="form-label requiredField">Comment<span' in html
    assert 'class="form-control" required id="id_comment-body"' in html
    assert 'name="post_comment" value="Post comment" class="btn btn-primary" id="comment-post"' in html


def test_plain_form_marks_errors_and_keeps_the_help(db):
    form = ClaimLabelForm({"version": "1", "verdict": "", "summary": ""}, action="/x/")
    assert not form.is_valid()
    html = render_to_string("review/claims/_plain_form.html", {"form": form})
    assert "Choose a verdict from the rating scale." in html and "Write a short summary of the verdict." in html
    assert 'class="form-control is-invalid"' in html and 'class="form-select is-invalid"' in html
    assert 'aria-invalid="true" aria-describedby="id_summary_error id_summary_helptext"' in html
    assert '<div id="id_summary_helptext" class="form-text">' in html
