"""``manage.py purge_revoked_tokens``: delete records whose tokens have expired."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from ninja_aio.contrib.revocation.models import TokenRecord


class Command(BaseCommand):
    help = "Delete revocation records of tokens that have expired."

    def handle(self, *args, **options) -> None:
        deleted, _ = TokenRecord.objects.filter(expires_at__lte=timezone.now()).delete()
        self.stdout.write(f"Deleted {deleted} expired token record(s).")
