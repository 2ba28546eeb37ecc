"""The Content-Security-Policy: sent on every page, no inline script or style allowed, and
no template or static file that needs one. (The browser tests watch every page they load
for violations: tests/browser/conftest.py.)"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from ..factories import ClaimFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
OUR_JS = Path(settings.BASE_DIR) / "static" / "js"


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def test_policy_on_public_and_signed_in_pages(client, login, editor):
    for response in (client.get(reverse("login")), client.get(reverse("publishing:list"))):
        policy = directives(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    dashboard = login(editor).get(reverse("review:dashboard"))
    assert dashboard.status_code == 200 and directives(dashboard)["script-src"] == ["'self'"]


def template_files():
    return sorted(TEMPLATES.rglob("*.html"))


def test_no_inline_script_in_any_template():
    """A <script> must load a file (src=) or be a data block (JSON-LD, json_script)."""
    offenders = []
    for path in template_files():
        for tag in re.findall(r"<script\b[^>]*>", path.read_text(), flags=re.IGNORECASE):
            if "src=" in tag or re.search(r'type="application/(ld\+)?json"', tag):
                continue
            offenders.append(f"{path.relative_to(TEMPLATES)}: {tag}")
    assert offenders == []
    assert any("application/ld+json" in p.read_text() for p in template_files())  # the scan sees the JSON-LD


def test_no_event_handler_or_style_attribute_in_templates_or_scripts():
    handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
    style_attr = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
    offenders = []
    for path in [*template_files(), *OUR_JS.rglob("*.js")]:
        text = path.read_text()
        for pattern, what in ((handler, "on*= handler"), (style_attr, "style attribute")):
            offenders += [f"{path.name}: {what}: {m.group(0)[:80]}" for m in pattern.finditer(text)]
        if path.suffix == ".js":
            # innerHTML with handlers or style attributes would bring them back at run time.
            offenders += [
                f"{path.name}: {m}" for m in re.findall(r"(?:setAttribute\(\s*['\"]on\w+|\.on\w+\s*=\s*['\"])", text)
            ]
    assert offenders == []


def test_the_detector_sees_what_it_looks_for(tmp_path):
    """The scans above, on a template that breaks every rule, find every breach."""
    bad = '<script>alert(1)</script><a onclick="x()" style="color: red">'
    assert re.search(r"<[^>]*\son[a-z]+\s*=", bad) and re.search(r"<[^>]*\sstyle\s*=", bad)
    tag = re.findall(r"<script\b[^>]*>", bad)[0]
    assert "src=" not in tag and not re.search(r'type="application/(ld\+)?json"', tag)


def test_ratings_stylesheet_gives_every_rating_its_colours(client, db):
    from factcheck.claims.models import Rating

    response = client.get(reverse("publishing:ratings_css"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
    css = response.content.decode()
    ratings = list(Rating.objects.all())
    assert ratings, "the default rating scale is loaded by its migration"
    for rating in ratings:
        assert f".rating-{rating.pk} {{ background-color: {rating.colour}; color: {rating.text_colour}; }}" in css
    again = client.get(reverse("publishing:ratings_css"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    changed = ratings[0]
    changed.colour = "#123456"
    changed.save(update_fields=["colour"])
    fresh = client.get(reverse("publishing:ratings_css"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert fresh.status_code == 200 and "#123456" in fresh.content.decode()


def test_verdict_badges_use_the_rating_class_not_a_style(client, login, editor, checker):
    claim = ClaimFactory(labelled=True, verdict_by=checker)
    page = login(editor).get(claim.get_absolute_url()).content.decode()
    assert f'class="badge fs-6 rating-{claim.verdict.pk}"' in page
    assert "style=" not in page
