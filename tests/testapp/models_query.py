"""Models of the list-query tests: ordering, search, filters, field selection (issue 8)."""

from django.db import models

from ninja_aio.models import ModelSerializer
from tests.testapp.models import Account, Tenant


class Writer(ModelSerializer):
    name = models.CharField(max_length=100)
    #: Never served: no option may sort, search or filter on it.
    email = models.CharField(max_length=100, blank=True)

    class ReadSerializer:
        fields = ["id", "name"]


class Topic(ModelSerializer):
    name = models.CharField(max_length=50)

    class ReadSerializer:
        fields = ["id", "name"]


# --8<-- [start:post]
class Post(ModelSerializer):
    """Tenant rows: a token's ``tenant_id`` scopes them (no tenant: every row)."""

    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    views = models.IntegerField(default=0)
    is_published = models.BooleanField(default=False)
    published_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    writer = models.ForeignKey(Writer, on_delete=models.CASCADE, related_name="posts")
    owner = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL)
    topics = models.ManyToManyField(Topic, blank=True, related_name="posts")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    #: Never served.
    secret = models.CharField(max_length=50, blank=True)

    class ReadSerializer:
        fields = [
            *("id", "title", "body", "views", "is_published", "published_on", "created_at"),
            *("writer", "owner", "topics", "tenant"),
        ]
        customs = [("word_count", int, 0)]

    def word_count(self) -> int:
        return len(self.body.split())

    @classmethod
    async def queryset_request(cls, request):
        rows = cls.objects.all()
        if hasattr(request, "tenant_id"):
            rows = rows.filter(tenant_id=request.tenant_id)
        return rows


# --8<-- [end:post]
