from django.apps import AppConfig


class RevocationConfig(AppConfig):
    name = "ninja_aio.contrib.revocation"
    label = "ninja_aio_revocation"
    verbose_name = "Revoked tokens"
    default_auto_field = "django.db.models.BigAutoField"
