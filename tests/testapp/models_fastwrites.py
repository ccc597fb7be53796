"""Models of the write-cost tests (issue 11): rows without hooks, rendered from the write."""

from decimal import Decimal

from django.db import models

from ninja_aio.models import ModelSerializer


class Imprint(ModelSerializer):
    name = models.CharField(max_length=50)

    class ReadSerializer:
        fields = ["id", "name"]


class Rack(models.Model):
    """No serializer: a volume renders its shelf as a key, which only the database checks."""

    label = models.CharField(max_length=20)


class Badge(ModelSerializer):
    name = models.CharField(max_length=30)

    class Meta:
        ordering = ["name"]

    class ReadSerializer:
        fields = ["id", "name"]


class Tome(ModelSerializer):
    title = models.CharField(max_length=100)
    press = models.ForeignKey(Imprint, on_delete=models.CASCADE, related_name="volumes")
    shelf = models.ForeignKey(Rack, null=True, blank=True, on_delete=models.SET_NULL)
    labels = models.ManyToManyField(Badge, blank=True, related_name="volumes")
    due = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class ReadSerializer:
        fields = [
            "id",
            "title",
            "press",
            "shelf",
            "labels",
            "pages",
            "due",
            "created_at",
            "updated_at",
        ]

    class CreateSerializer:
        fields = ["title", "press", "shelf", "labels", "due"]

    class UpdateSerializer:
        fields = ["title", "press", "shelf", "labels", "due"]


class Leaf(ModelSerializer):
    volume = models.ForeignKey(Tome, on_delete=models.CASCADE, related_name="pages")
    number = models.IntegerField()

    class ReadSerializer:
        fields = ["id", "number"]


class Bill(ModelSerializer):
    """A decimal column reads back rounded to its places: such a row is read after writing."""

    amount = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("1"))
    press = models.ForeignKey(Imprint, on_delete=models.CASCADE)

    class ReadSerializer:
        fields = ["id", "amount", "press"]

    class CreateSerializer:
        fields = ["amount", "press"]


class Pin(ModelSerializer):
    """Links a tenant's memo without rendering it: the scope is still checked first."""

    note = models.CharField(max_length=50)
    memo = models.ForeignKey("testapp.Memo", on_delete=models.CASCADE)

    class ReadSerializer:
        fields = ["id", "note"]

    class CreateSerializer:
        fields = ["note", "memo"]


#: Keys ``Stamp.delete`` saw: a model's own ``delete()`` must run on a viewset's DELETE.
STAMPS_DELETED: list[int] = []


class Stamp(ModelSerializer):
    """Overrides ``delete()``: such a row is deleted through its instance."""

    name = models.CharField(max_length=30)

    class ReadSerializer:
        fields = ["id", "name"]

    def delete(self, *args, **kwargs):
        STAMPS_DELETED.append(self.pk)
        return super().delete(*args, **kwargs)


class Sleeve(models.Model):
    """Protects its volume: deleting a volume that has one is refused by Django."""

    volume = models.ForeignKey(Tome, on_delete=models.PROTECT)
