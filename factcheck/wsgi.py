import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
application = get_wsgi_application()

# After the app is ready: load the link-search encoder now, in the background, so the
# first search of this process does not wait 15-20 s for it.
from factcheck.linking.embeddings import warm_in_background  # noqa: E402

warm_in_background()
