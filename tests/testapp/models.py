"""Models used by the test suite."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from ninja.errors import HttpError

from ninja_aio.models import ModelSerializer, current_request


class Tenant(models.Model):
    """A plain model (no serializer): relations to it render its primary key."""

    name = models.CharField(max_length=50)


class Account(models.Model):
    """A plain model with a secret column, standing in for ``auth.User`` as a relation target.

    (Unmigrated test apps cannot point at migrated ones such as ``auth`` on PostgreSQL.)
    """

    username = models.CharField(max_length=50)
    password = models.CharField(max_length=128, default="pbkdf2_sha256$secret-hash")


class Author(ModelSerializer):
    name = models.CharField(max_length=100, unique=True)
    email = models.EmailField(blank=True)

    class ReadSerializer:
        fields = ["id", "name", "email"]

    class CreateSerializer:
        fields = ["name", "email"]

    class UpdateSerializer:
        fields = ["name", "email"]


class Tag(ModelSerializer):
    name = models.CharField(max_length=30, unique=True)

    class ReadSerializer:
        fields = ["id", "name"]

    class CreateSerializer:
        fields = ["name"]

    class UpdateSerializer:
        fields = ["name"]


class Article(ModelSerializer):
    class Status(models.TextChoices):
        DRAFT = "draft"
        REVIEW = "review"
        DONE = "done"

    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    subtitle = models.CharField(max_length=100, null=True, blank=True)
    is_published = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="articles")
    owner = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL)
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    views = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class ReadSerializer:
        fields = [
            "id",
            "title",
            "body",
            "subtitle",
            "is_published",
            "status",
            "views",
            "author",
            "owner",
            "tags",
            "comments",
            "created_at",
            "updated_at",
        ]

    class DetailSerializer:
        fields = ["id", "title", "body", "author", "owner", "tags", "comments"]
        relations = {"owner": ["id", "username"]}
        customs = [("word_count", int, 0)]

    class CreateSerializer:
        fields = ["title", "body", "subtitle", "status", "author", "tags", "owner"]
        optionals = [("is_published", bool)]
        customs = [("notify", bool, False)]

    class UpdateSerializer:
        fields = ["title", "body", "subtitle", "status", "is_published", "author", "tags", "views"]
        customs = [("touch_note", str, "")]

    def word_count(self) -> int:
        return len(self.body.split())

    def custom_actions(self, payload: dict) -> None:
        if payload.get("notify"):
            Comment.objects.create(article=self, text="notified")
        if payload.get("touch_note"):
            Comment.objects.create(article=self, text=payload["touch_note"])


class Comment(ModelSerializer):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    text = models.CharField(max_length=200)

    class ReadSerializer:
        fields = ["id", "text", "article"]

    class CreateSerializer:
        fields = ["article", "text"]


#: Every editable column of ``AllTypes`` but the file (a write schema names its fields).
ALLTYPES_WRITABLE = [
    *("uid", "char", "text", "integer", "big", "flag", "price", "ratio", "day", "moment"),
    *("clock", "span", "data", "blob", "color", "email", "site", "slug", "ip"),
]


class AllTypes(ModelSerializer):
    """One field of each type the serializer must render."""

    class Color(models.TextChoices):
        RED = "red"
        BLUE = "blue"

    uid = models.UUIDField(default=uuid.uuid4)
    char = models.CharField(max_length=20)
    text = models.TextField(blank=True)
    integer = models.IntegerField(default=0)
    big = models.BigIntegerField(default=0)
    flag = models.BooleanField(default=False)
    price = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    ratio = models.FloatField(default=0)
    day = models.DateField(null=True, blank=True)
    moment = models.DateTimeField(null=True, blank=True)
    clock = models.TimeField(null=True, blank=True)
    span = models.DurationField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    blob = models.BinaryField(null=True, blank=True, editable=True)
    attachment = models.FileField(upload_to="files/", blank=True)
    color = models.CharField(max_length=5, choices=Color.choices, default=Color.RED)
    email = models.EmailField(blank=True)
    site = models.URLField(blank=True)
    slug = models.SlugField(blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class ReadSerializer:
        excludes = []

    class CreateSerializer:
        fields = ALLTYPES_WRITABLE

    class UpdateSerializer:
        fields = ALLTYPES_WRITABLE


class Memo(ModelSerializer):
    """The guide's tenant example: every read and write is scoped to the caller's tenant."""

    title = models.CharField(max_length=200)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)

    class ReadSerializer:
        fields = ["id", "title", "tenant"]

    class CreateSerializer:
        fields = ["title", "tenant"]

    class UpdateSerializer:
        optionals = [("title", str)]  # only the title: never the tenant

    @classmethod
    async def queryset_request(cls, request):
        qs = cls.objects.all()
        if hasattr(request, "tenant_id"):
            qs = qs.filter(tenant_id=request.tenant_id)
        return qs


class TenantScoped:
    """``queryset_request`` of the tenant examples: the caller's tenant's rows only."""

    @classmethod
    async def queryset_request(cls, request):
        return cls.objects.filter(tenant_id=getattr(request, "tenant_id", None))


class Folder(TenantScoped, ModelSerializer):
    """A tenant's parent rows (FK target of ``Doc``)."""

    name = models.CharField(max_length=50)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)

    class ReadSerializer:
        fields = ["id", "name"]


class Label(TenantScoped, ModelSerializer):
    """A tenant's tags (M2M target of ``Doc``)."""

    name = models.CharField(max_length=50)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)

    class ReadSerializer:
        fields = ["id", "name"]


class Doc(TenantScoped, ModelSerializer):
    """Tenant rows pointing at tenant-scoped parents and tags; the tenant comes from the token."""

    title = models.CharField(max_length=100)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    folder = models.ForeignKey(Folder, null=True, blank=True, on_delete=models.SET_NULL)
    labels = models.ManyToManyField(Label, blank=True)

    class ReadSerializer:
        fields = ["id", "title", "tenant", "folder", "labels"]

    class CreateSerializer:
        fields = ["title", "folder", "labels"]

    class UpdateSerializer:
        optionals = [("title", str), ("folder", int | None)]

    def on_create_before_save(self):
        self.tenant_id = current_request().tenant_id


class Board(ModelSerializer):
    """Global rows (no scope) whose relations hold tenant-scoped ones: ``Memo``, ``Card``."""

    name = models.CharField(max_length=50)
    featured = models.ForeignKey(
        Memo, null=True, blank=True, on_delete=models.SET_NULL, related_name="featured_on"
    )
    memos = models.ManyToManyField(Memo, blank=True, related_name="boards")

    class ReadSerializer:
        fields = ["id", "name", "featured", "memos", "cards"]

    class CreateSerializer:
        fields = ["name", "featured", "memos"]

    class UpdateSerializer:
        fields = ["name", "memos"]


class Card(ModelSerializer):
    """Tenant-scoped rows on a global ``Board`` (its reverse FK ``cards``)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="cards")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    text = models.CharField(max_length=100)

    class ReadSerializer:
        fields = ["id", "text", "tenant"]

    @classmethod
    async def queryset_request(cls, request):
        qs = cls.objects.all()
        if hasattr(request, "tenant_id"):
            qs = qs.filter(tenant_id=request.tenant_id)
        return qs


class Book(models.Model):
    """A model we "cannot change": served through a ``Serializer``."""

    title = models.CharField(max_length=100)
    isbn = models.CharField(max_length=13, unique=True)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    published = models.DateField(null=True, blank=True)


class Country(models.Model):
    """String primary key: its ``{id}`` routes must not shadow custom routes."""

    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=50)


class Gadget(models.Model):
    """UUID primary key, plain model served without any serializer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=50)


#: Hook calls of ``Note``, in order, for the hook tests.
HOOK_CALLS: list = []


class Note(ModelSerializer):
    """Every lifecycle hook, sync and async, recording its calls."""

    title = models.CharField(max_length=100)
    slug = models.CharField(max_length=100, blank=True)
    counter = models.IntegerField(default=0)

    class ReadSerializer:
        fields = ["id", "title", "slug", "counter"]

    class CreateSerializer:
        fields = ["title"]
        customs = [("labels", list[str], [])]

    class UpdateSerializer:
        fields = ["title", "counter"]
        customs = [("labels", list[str], [])]

    async def on_create_before_save(self):
        HOOK_CALLS.append("on_create_before_save")

    def on_create_after_save(self):
        HOOK_CALLS.append("on_create_after_save")

    async def before_save(self):
        HOOK_CALLS.append("before_save")
        self.slug = self.title.lower().replace(" ", "-")
        if self.title == "refused":
            raise ValidationError({"title": "This title is refused"})

    def after_save(self):
        HOOK_CALLS.append("after_save")
        if self.title == "fails after save":
            raise ValidationError("Refused after the save")

    async def custom_actions(self, payload):
        HOOK_CALLS.append(("custom_actions", payload))
        for label in payload.get("labels", []):
            await NoteLabel.objects.acreate(note=self, label=label)

    async def post_create(self):
        HOOK_CALLS.append("post_create")

    async def on_delete(self):
        HOOK_CALLS.append("on_delete")
        await NoteLabel.objects.filter(note=self).aupdate(label="deleted")
        if self.title == "protected":
            raise HttpError(409, "This note is protected")


class NoteLabel(models.Model):
    note = models.ForeignKey(Note, on_delete=models.SET_NULL, null=True, related_name="labels")
    label = models.CharField(max_length=30)


# -- the auth guide's permission and tenant examples need a user with a role and a tenant --


class Permission(models.Model):
    code = models.CharField(max_length=50, unique=True)


class Role(models.Model):
    name = models.CharField(max_length=50)
    permissions = models.ManyToManyField(Permission, blank=True)


class Member(models.Model):
    """A user model shaped like the guide's: ``role`` and ``tenant_id`` (``auth.User`` has none)."""

    username = models.CharField(max_length=50)
    is_active = models.BooleanField(default=True)
    role = models.ForeignKey(Role, null=True, on_delete=models.SET_NULL)
    tenant = models.ForeignKey(Tenant, null=True, on_delete=models.CASCADE)


from tests.testapp.models_cond import *  # noqa: E402, F403
from tests.testapp.models_fastwrites import *  # noqa: E402, F403
from tests.testapp.models_perm import *  # noqa: E402, F403
from tests.testapp.models_query import *  # noqa: E402, F403
from tests.testapp.models_writes import *  # noqa: E402, F403
