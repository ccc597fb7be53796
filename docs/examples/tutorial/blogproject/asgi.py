"""The ASGI application: `uvicorn blogproject.asgi:application`."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blogproject.settings")

application = get_asgi_application()

if settings.DEBUG:
    # Under uvicorn nothing serves /static/ (runserver does it for you): let Django's
    # staticfiles answer Swagger UI's files while developing. In production, run
    # `manage.py collectstatic` and serve STATIC_ROOT with your web server or WhiteNoise.
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    application = ASGIStaticFilesHandler(application)
