"""Settings of the demo project: SQLite next to this file, the demo app, the API at /api/."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "demo-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "demo.urls"
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "ninja",  # Swagger UI's files come from the package, not from a CDN
    "demo",
]
STATIC_URL = "/static/"
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        # NINJA_AIO_DEMO_DB: another file (the browser test uses a temporary one).
        "NAME": os.environ.get("NINJA_AIO_DEMO_DB", BASE_DIR / "demo.sqlite3"),
    }
}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
    }
]

JWT_ISSUER = "https://demo.ninja-aio.local"
JWT_AUDIENCE = "blog-api"
