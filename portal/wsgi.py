import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_wsgi_application()

# jieba's dictionary takes seconds to load: load it now, when the server starts (runserver, uWSGI,
# gunicorn, whichever imports this module), not in the first reader's search.
from disclosure.items.search import load_dictionary  # noqa: E402

load_dictionary()
