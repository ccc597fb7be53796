"""Models of the write-workflow tests: PUT, bulk routes and change hooks (issue 9)."""

from django.core.exceptions import ValidationError
from django.db import models
from ninja.errors import HttpError

from ninja_aio.models import ModelSerializer, current_request, on_change, on_create, on_delete

#: Change-hook calls of ``Ticket``, in order: ``(name, row pk, *values)``.
CHANGE_CALLS: list = []


# --8<-- [start:ticket]
class Ticket(ModelSerializer):
    class Status(models.TextChoices):
        OPEN = "open"
        DONE = "done"
        LOCKED = "locked"

    title = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    priority = models.IntegerField(default=1)
    note = models.CharField(max_length=100, blank=True)

    class ReadSerializer:
        fields = ["id", "title", "status", "priority", "note"]

    class CreateSerializer:
        fields = ["title", "status", "priority"]

    class UpdateSerializer:
        fields = ["title", "status", "priority", "note"]

    @on_create
    async def announce(self, request):
        CHANGE_CALLS.append(("created", self.pk, self.title))

    @on_change("status")
    def status_changed(self, old, new, request):
        CHANGE_CALLS.append(("status", self.pk, old, new))

    @on_change("priority", "title")
    async def reprioritised(self, old, new, request):
        CHANGE_CALLS.append(("priority/title", self.pk, old, new))

    @on_change("status", in_transaction=True)
    def guard(self, old, new, request):
        if old == self.Status.LOCKED:
            raise HttpError(409, "A locked ticket cannot change its status")
        if new == self.Status.DONE and not self.note:
            raise ValidationError({"note": "A done ticket needs a note"})

    @on_delete
    def gone(self, request):
        CHANGE_CALLS.append(("deleted", self.pk, self.title))

    # --8<-- [end:ticket]

    @on_create(in_transaction=True)
    def create_guard(self, request):
        if self.title == "explode after insert":
            raise ValidationError("Refused after the insert")

    @on_change("note")
    def noted(self, old, new, request):
        if new == "boom":
            raise RuntimeError("an after-commit reaction failed")

    @on_delete(in_transaction=True)
    async def delete_guard(self, request):
        CHANGE_CALLS.append(("deleting", self.pk))
        if self.title == "keep":
            raise HttpError(409, "This ticket is kept")


class Parcel(models.Model):
    """A plain model whose change hooks live on a ``Serializer`` (tests/viewsets/apis_writes)."""

    label = models.CharField(max_length=50)
    state = models.CharField(max_length=20, default="new")


class Entry(ModelSerializer):
    """Tenant-scoped rows whose tenant comes from the caller, never from the payload; they
    may point at ``Memo`` rows (also tenant-scoped) and are bulk-writable."""

    text = models.CharField(max_length=100)
    tenant = models.ForeignKey("testapp.Tenant", on_delete=models.CASCADE)
    memo = models.ForeignKey("testapp.Memo", null=True, blank=True, on_delete=models.SET_NULL)
    memos = models.ManyToManyField("testapp.Memo", blank=True, related_name="entries")

    class ReadSerializer:
        fields = ["id", "text", "tenant", "memo", "memos"]

    class CreateSerializer:
        fields = ["text", "memo", "memos"]

    class UpdateSerializer:
        fields = ["text", "memo", "memos"]

    @classmethod
    async def queryset_request(cls, request):
        return cls.objects.filter(tenant_id=getattr(request, "tenant_id", None))

    def on_create_before_save(self):
        self.tenant_id = current_request().tenant_id
