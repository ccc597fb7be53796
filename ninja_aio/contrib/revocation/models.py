"""One row per revoked token or family, or per used refresh token."""

from django.db import models


class TokenRecord(models.Model):
    """``key`` is ``r:<jti or fam:id>`` (revoked) or ``u:<jti>`` (refresh token used)."""

    key = models.CharField(max_length=300, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "token record"

    def __str__(self) -> str:
        return self.key
