"""A Serializer for a model you cannot change: Django's own Group."""

from django.contrib.auth.models import Group

from ninja_aio import NinjaAIO
from ninja_aio.models import SchemaConfig, Serializer
from ninja_aio.views import APIViewSet


class GroupSerializer(Serializer):
    class Meta:
        model = Group
        read = SchemaConfig(fields=("id", "name"))
        create = {"fields": ["name"]}
        update = {"fields": ["name"]}

    @classmethod
    async def queryset_request(cls, request):
        return Group.objects.exclude(name__startswith="internal-")

    def before_save(self, instance):  # hooks receive the instance
        instance.name = instance.name.strip()


api = NinjaAIO(urls_namespace="docs-serializer")


class GroupViewSet(APIViewSet):
    serializer_class = GroupSerializer
    api = api
    operations = ("list", "create", "retrieve", "update")


GroupViewSet().add_views_to_route()
