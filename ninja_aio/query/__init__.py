"""List queries: ordering, search, typed filters and field selection, one module each.

Each piece works on any queryset (a viewset's list, a relation's rows): build it once
with the model and its options, then ``apply(queryset, raw_value)`` per request.
"""

from ninja_aio.query.filtering import FILTER_KINDS, Filtering, make_filter_schema
from ninja_aio.query.listing import ListOptions, ListQuery
from ninja_aio.query.ordering import Ordering, order_queryset
from ninja_aio.query.search import Search
from ninja_aio.query.selection import FieldSelection

__all__ = [
    "FILTER_KINDS",
    "FieldSelection",
    "Filtering",
    "ListOptions",
    "ListQuery",
    "Ordering",
    "Search",
    "make_filter_schema",
    "order_queryset",
]
