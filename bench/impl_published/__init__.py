"""The benchmark's app on the published ``django-ninja-aio-crud`` 3.0.1 (its own virtualenv)."""
