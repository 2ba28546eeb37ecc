from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class LinkingConfig(AppConfig):
    name = "factcheck.linking"
    verbose_name = "Cross-linking"

    def ready(self) -> None:
        # Embeddings are optional by setting, never by accident: with LINK_EMBEDDINGS on, a
        # missing encoder package stops every process at start (web, worker, commands),
        # instead of each search quietly falling back to lexical matching.
        from factcheck.linking.engine import embed

        if settings.LINK_EMBEDDINGS:
            try:
                embed.require()
            except embed.EncoderUnavailable as exc:
                raise ImproperlyConfigured(f"LINK_EMBEDDINGS is on, but {exc}") from exc
