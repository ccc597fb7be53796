"""``DatabaseRevocationStore``: revocations in a table, through Django's async ORM."""

from __future__ import annotations

import datetime

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from ninja_aio.auth.revocation import StoreUnavailable
from ninja_aio.contrib.revocation.models import TokenRecord

__all__ = ["DatabaseRevocationStore"]


def _when(expires_at: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(expires_at, tz=datetime.UTC)


class DatabaseRevocationStore:
    """Revoked tokens and used refresh tokens as ``TokenRecord`` rows.

    ``consume`` relies on the unique ``key``: of two concurrent inserts one fails, so
    exactly one refresh of a token succeeds. Expired rows are ignored, and deleted by
    ``manage.py purge_revoked_tokens``.
    """

    async def revoke(self, key: str, expires_at: float) -> None:
        try:
            await TokenRecord.objects.aupdate_or_create(
                key=f"r:{key}", defaults={"expires_at": _when(expires_at)}
            )
        except DatabaseError as exc:
            raise StoreUnavailable(type(exc).__name__) from exc

    async def is_revoked(self, *keys: str) -> bool:
        try:
            return await TokenRecord.objects.filter(
                key__in=[f"r:{key}" for key in keys], expires_at__gt=timezone.now()
            ).aexists()
        except DatabaseError as exc:
            raise StoreUnavailable(type(exc).__name__) from exc

    async def consume(self, jti: str, expires_at: float) -> bool:
        try:
            await _insert(f"u:{jti}", _when(expires_at))
        except IntegrityError:
            return False
        except DatabaseError as exc:
            raise StoreUnavailable(type(exc).__name__) from exc
        return True


async def _insert(key: str, expires_at: datetime.datetime) -> None:
    from asgiref.sync import sync_to_async

    def insert() -> None:
        # Its own savepoint: a refused insert must not break a surrounding transaction.
        with transaction.atomic(using=TokenRecord.objects.db):
            TokenRecord.objects.create(key=key, expires_at=expires_at)

    await sync_to_async(insert)()
