"""Models of the object-permission and soft-delete tests (issue 9, items 4 and 5)."""

from django.conf import settings
from django.db import models

from ninja_aio.models import ModelSerializer, on_change
from ninja_aio.models import on_delete as reacts_to_delete  # the hook below is on_delete
from tests.testapp.models import Tenant, TenantScoped


# --8<-- [start:post]
class Story(TenantScoped, ModelSerializer):
    """A tenant's post: owned by its ``author``, soft-deleted through ``deleted_at``."""

    title = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A slug is unique among the live posts of a tenant only: a deleted post
            # keeps its slug without blocking a new one (a restore may then be a 409).
            models.UniqueConstraint(
                fields=["tenant", "slug"],
                condition=models.Q(deleted_at__isnull=True),
                name="perm_post_live_slug",
            )
        ]

    class ReadSerializer:
        fields = ["id", "title", "slug", "author", "tenant"]

    class CreateSerializer:
        fields = ["title", "slug", "author", "tenant"]

    class UpdateSerializer:
        fields = ["title", "slug", "author", "tenant"]

    # --8<-- [end:post]

    def on_delete(self):
        DELETE_CALLS.append(self.pk)

    @reacts_to_delete
    def removed(self, request):
        DELETE_CALLS.append(("on_delete reaction", self.pk))

    @on_change("deleted_at")
    async def restored(self, old, new, request):
        DELETE_CALLS.append(("deleted_at", self.pk, old is None, new is None))


#: ``Story.on_delete`` hook calls (primary keys) and change-hook calls (tuples), in order.
DELETE_CALLS: list = []


class Sticker(ModelSerializer):
    """Soft-deleted through a flag (``removed``), no scope."""

    name = models.CharField(max_length=50)
    removed = models.BooleanField(default=False)
    made_at = models.DateTimeField(auto_now_add=True)  # not null: no soft-delete column

    class ReadSerializer:
        fields = ["id", "name"]

    class CreateSerializer:
        fields = ["name"]

    class UpdateSerializer:
        fields = ["name"]
