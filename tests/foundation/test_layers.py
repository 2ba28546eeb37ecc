"""How the layers load (issue 9): the text engines import without Django, Celery or spaCy
where they do not need them; Django loads the Celery app; the encoder is optional by
setting, never by accident; Quote and Claim share one abstract base."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from factcheck.claims.models import ArticleSpan, Claim, Quote
from factcheck.linking.engine import embed


def test_engines_import_without_django_celery_or_spacy():
    probe = (
        "import sys\n"
        "import factcheck.extraction.engine.quantities, factcheck.extraction.engine.people\n"
        "import factcheck.linking.engine, factcheck.linking.engine.embed, factcheck.linking.claimreview\n"
        "print(sorted(m for m in ('django', 'celery', 'spacy', 'sklearn', 'torch') if m in sys.modules))"
    )
    env = {"PATH": "/usr/bin:/bin"}  # no DJANGO_SETTINGS_MODULE: nothing may need it
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_engine_package_still_exports_its_api_lazily():
    probe = (
        "import sys\n"
        "import factcheck.extraction.engine as engine\n"
        "assert 'spacy' not in sys.modules\n"
        "from factcheck.extraction.engine import EXTRACTOR_VERSION, Extraction, extract\n"
        "assert 'spacy' in sys.modules and callable(extract)\n"
        "assert set(engine.__all__) <= set(dir(engine))\n"
        "print(EXTRACTOR_VERSION)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().startswith("engine-")


def test_django_loads_the_celery_app_and_tasks_bind_to_it():
    from celery import current_app

    from factcheck.celery import app
    from factcheck.extraction.tasks import extract_article
    from factcheck.linking.tasks import suggest_links

    assert apps.is_installed("factcheck.core")
    assert current_app._get_current_object() is app
    assert extract_article.app is app and suggest_links.app is app
    assert app.conf.broker_url == settings.CELERY_BROKER_URL


def test_embeddings_on_without_the_encoder_refuses_to_start(settings, monkeypatch):
    monkeypatch.setattr(embed, "ENCODER_PACKAGES", {**embed.ENCODER_PACKAGES, "no_such_module_x": "no-such-dist"})
    linking = apps.get_app_config("linking")
    settings.LINK_EMBEDDINGS = True
    with pytest.raises(ImproperlyConfigured, match=r"LINK_EMBEDDINGS is on, but .*no-such-dist"):
        linking.ready()
    settings.LINK_EMBEDDINGS = False
    linking.ready()  # switched off: the encoder is not wanted, nothing to check


def test_quote_and_claim_share_the_article_span_base():
    assert ArticleSpan._meta.abstract
    shared = {"start", "end", "text", "status", "origin", "extractor_version", "version", "edited_by"}
    shared |= {"created_at", "updated_at"}
    for model, prefix in ((Quote, "quote"), (Claim, "claim")):
        assert issubclass(model, ArticleSpan)
        assert shared | {"article"} <= {f.name for f in model._meta.fields}
        names = {c.name for c in model._meta.constraints}
        assert {f"{prefix}_span_valid", f"{prefix}_unique_span", f"{prefix}_text_not_empty"} <= names
        assert model._meta.ordering == ["article", "start"]
        assert hasattr(model.objects, "visible_to") and hasattr(model.objects, "live")
