"""Revoked tokens in the database: add ``"ninja_aio.contrib.revocation"`` to
INSTALLED_APPS, migrate, and use ``DatabaseRevocationStore``; purge expired entries
with ``manage.py purge_revoked_tokens``."""
