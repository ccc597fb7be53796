"""Settings of the tutorial's blog project."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "change-me"  # read it from the environment in production
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "blogproject.urls"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",  # the users that tokens name
    "django.contrib.contenttypes",  # needed by django.contrib.auth
    "django.contrib.staticfiles",  # serves Swagger UI's files (see asgi.py)
    "ninja",  # ships Swagger UI's JavaScript and CSS
    "blog",
]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,  # Swagger UI's page is a template of the "ninja" app
    }
]
STATIC_URL = "static/"
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"},
}

# Written by `python -m ninja_aio keygen --out keys`: the API verifies tokens with the
# public key; only whoever issues tokens needs the private one.
JWT_PUBLIC_KEY = (BASE_DIR / "keys" / "jwt_public.pem").read_text()
JWT_ISSUER = "https://blog.example.com"
JWT_AUDIENCE = "blog-api"
