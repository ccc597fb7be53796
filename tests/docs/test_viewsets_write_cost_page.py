"""docs/viewsets.md, what a write costs: its example (docs/examples/viewsets_write_cost.py)."""

import re

import pytest
from ninja.testing import TestAsyncClient

from docs.examples.viewsets_write_cost import api
from tests.testapp.models_fastwrites import Badge, Imprint, Rack
from tests.viewsets.conftest import count_queries as count_queries  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _kind(sql: str) -> str:
    """``SELECT``, ``BEGIN``, or ``INSERT "table"`` (SQLite says ``INSERT OR IGNORE``)."""
    into = re.search(r'INTO ("\w+")', sql)
    return f"INSERT {into.group(1)}" if sql.startswith("INSERT") and into else sql.split()[0]


async def test_the_statements_the_page_lists(count_queries):
    client = TestAsyncClient(api)
    press = await Imprint.objects.acreate(name="p")
    shelf = await Rack.objects.acreate(label="s")
    labels = [(await Badge.objects.acreate(name=n)).pk for n in ("a", "b")]
    body = {"title": "t", "press": press.pk, "shelf": shelf.pk, "labels": labels}
    async with count_queries() as queries:
        created = await client.post("/tome/", json=body)
    assert created.status_code == 201
    kinds = [_kind(q) for q in queries if q != "BEGIN"]  # SQLite logs it, PostgreSQL not
    assert kinds == [
        "SELECT",
        "SELECT",
        'INSERT "testapp_tome"',
        'INSERT "testapp_tome_labels"',
    ]
    assert (await client.get(f"/tome/{created.json()['id']}")).json() == created.json()
    async with count_queries() as queries:
        single = await client.post("/tome/", json={"title": "u", "press": press.pk})
    assert single.status_code == 201
    assert [q.split()[0] for q in queries] == ["SELECT", "INSERT"]
    missing = await client.post("/tome/", json={"title": "v", "press": press.pk, "shelf": 99999})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "payload", "shelf"]
