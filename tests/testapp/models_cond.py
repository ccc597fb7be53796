"""Models of the cursor-pagination and conditional-request tests (issue 8, items 5-6)."""

from django.db import models

from ninja_aio.models import ModelSerializer
from tests.testapp.models import Tenant


class Shelf(models.Model):
    """A plain related model: lists order through it (``shelf__name``)."""

    name = models.CharField(max_length=30)


#: Called by ``Release.before_save`` inside a write's transaction; tests swap it to hold a
#: write open while another one starts (the If-Match concurrency test).
WRITE_GATE = [lambda release: None]


# --8<-- [start:release]
class Release(ModelSerializer):
    title = models.CharField(max_length=50)
    score = models.IntegerField(null=True, blank=True)
    published = models.DateTimeField(null=True, blank=True)
    shelf = models.ForeignKey(Shelf, null=True, blank=True, on_delete=models.SET_NULL)
    tenant = models.ForeignKey(Tenant, null=True, blank=True, on_delete=models.CASCADE)
    updated_at = models.DateTimeField(auto_now=True)

    class ReadSerializer:
        fields = ["id", "title", "score", "published", "shelf", "updated_at"]

    class CreateSerializer:
        fields = ["title", "score", "published", "shelf"]

    class UpdateSerializer:
        fields = ["title", "score", "published", "shelf"]

    @classmethod
    async def queryset_request(cls, request):
        """A request authenticated for a tenant sees that tenant's rows only."""
        tenant_id = getattr(request, "tenant_id", None)
        rows = cls.objects.all()
        return rows if tenant_id is None else rows.filter(tenant_id=tenant_id)

    # --8<-- [end:release]

    def before_save(self):
        WRITE_GATE[0](self)


class DistinctRelease(Release):
    """The same rows through a ``DISTINCT`` scope (which PostgreSQL cannot lock through)."""

    class Meta:
        proxy = True

    @classmethod
    async def queryset_request(cls, request):
        return cls.objects.filter(title__isnull=False).distinct()
