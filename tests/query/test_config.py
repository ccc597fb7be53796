"""Options that would let clients probe what the API hides are refused at class creation."""

import itertools
from typing import Annotated

import pytest
from ninja import FilterLookup, FilterSchema, Schema
from ninja.errors import ConfigError

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet
from tests.testapp.models import Doc
from tests.testapp.models_query import Post

_names = itertools.count()


def register(model=Post, **options):
    class Configured(APIViewSet):
        pass

    Configured.model = model
    Configured.api = NinjaAIO(urls_namespace=f"query-config-{next(_names)}")
    for key, value in options.items():
        setattr(Configured, key, value)
    return Configured().add_views_to_route()


def lookup_filter(q):
    return type(
        "LookupFilter",
        (FilterSchema,),
        {"__annotations__": {"value": Annotated[str | None, FilterLookup(q)]}, "value": None},
    )


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"ordering_fields": ["secret"]}, "not in the read schema"),
        ({"ordering_fields": ["writer__email"]}, "not in the read schema"),
        ({"ordering_fields": ["topics__name"]}, "forward relations"),
        ({"ordering_fields": ["writer"]}, "forward relations"),
        ({"ordering_fields": ["nope"]}, "no field 'nope'"),
        ({"ordering_fields": "title"}, "list"),
        ({"search_fields": ["secret"]}, "not in the read schema"),
        ({"search_fields": ["^writer__email"]}, "not in the read schema"),
        ({"search_fields": ["views"]}, "not text"),
        ({"search_fields": ["title__icontains"]}, "must end on a column"),
        ({"filter_schema": lookup_filter("secret")}, "not in the read schema"),
        ({"filter_schema": lookup_filter("writer__email__icontains")}, "not in the read schema"),
        ({"filter_schema": lookup_filter(["title", "secret__iexact"])}, "not in the read schema"),
        ({"filter_schema": Schema}, "FilterSchema"),
        ({"filter_fields": {"secret": "exact"}}, "not in the read schema"),
        ({"filter_fields": ["owner__username"]}, "not in the read schema"),
        ({"filter_fields": {"views": "icontains"}}, "not text"),
        ({"filter_fields": {"title": "startswith"}}, "not one of"),
        ({"filter_fields": {"title__in": "exact"}}, "not a lookup"),
        (
            {"filter_fields": ["title"], "filter_schema": lookup_filter("title")},
            "not both",
        ),
        ({"search_fields": ["title"], "query_params": {"search": (str, None)}}, "twice"),
        ({"field_selection": True, "filter_fields": ["page"]}, "no field"),
        ({"query_params": {"secret": (str, None)}}, "not in the read schema"),
        ({"query_params": {"writer__email__icontains": (str, None)}}, "not in the read schema"),
        (
            {"filter_fields": {"views": "range"}, "query_params": {"views__gte": (int, None)}},
            "twice",
        ),
    ],
)
def test_refused(options, match):
    with pytest.raises(ConfigError, match=match):
        register(**options)


@pytest.mark.parametrize(
    "options",
    [
        {"search_fields": ["folder__name"]},
        {"ordering_fields": ["folder__name"]},
        {"search_fields": ["labels__name"]},
        {"filter_fields": {"labels": "in"}},
        {"filter_schema": lookup_filter("folder__name__icontains")},
    ],
)
def test_paths_into_a_scoped_model_are_refused(options):
    """``Folder`` / ``Label`` rows are scoped by ``queryset_request``: their values are
    another tenant's data, whatever the ``Doc`` row that points at them."""
    with pytest.raises(ConfigError, match="queryset_request scopes"):
        register(Doc, **options)


def test_the_key_of_a_scoped_relation_can_be_filtered():
    register(Doc, filter_fields={"folder": "exact"}, ordering_fields=["title"])


def test_filter_schema_code_is_trusted_with_its_own_names():
    """``filter_<name>`` methods and ``custom_expression`` build their own conditions:
    their field names need not be model fields (the code is the viewset author's)."""

    class Custom(FilterSchema):
        q: str | None = None

        def custom_expression(self):
            from django.db.models import Q

            return Q(title__icontains=self.q) if self.q else Q()

    register(filter_schema=Custom)
    with pytest.raises(ConfigError, match="no field 'q'"):
        register(
            filter_schema=type(
                "Plain", (FilterSchema,), {"__annotations__": {"q": str | None}, "q": None}
            )
        )
