"""docs/cursors-and-etags.md: its example (docs/examples/cursors_etags.py) over HTTP."""

from urllib.parse import parse_qs, urlsplit

import pytest
from ninja.testing import TestAsyncClient

from docs.examples.cursors_etags import api
from tests.testapp.models_cond import Release

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client() -> TestAsyncClient:
    return TestAsyncClient(api)


def _cursor(link: str) -> str:
    return parse_qs(urlsplit(link).query)["cursor"][0]


async def test_cursor_pages_as_the_page_shows(client):
    for title, score in (("b", 3), ("a", 3), ("c", None), ("d", 1)):
        await Release.objects.acreate(title=title, score=score)
    first = (await client.get("/releases/")).json()
    # -score (NULL as the largest value, first when descending), then title
    assert [r["title"] for r in first["results"]] == ["c", "a"]
    await Release.objects.acreate(title="0", score=9)  # before the position: not shown
    second = await client.get("/releases/", query_params={"cursor": _cursor(first["next"])})
    assert [r["title"] for r in second.json()["results"]] == ["b", "d"]
    forged = await client.get("/releases/", query_params={"cursor": "cD1hYmM="})
    assert forged.status_code == 422
    assert forged.json()["detail"][0]["loc"] == ["query", "cursor"]


@pytest.mark.parametrize("base", ["/releases", "/releases-hashed"])
async def test_etags_as_the_page_shows(client, base):
    row = await Release.objects.acreate(title="r", score=1)
    read = await client.get(f"{base}/{row.pk}")
    tag = read.headers["ETag"]
    unchanged = await client.get(f"{base}/{row.pk}", headers={"If-None-Match": tag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    written = await client.patch(f"{base}/{row.pk}/", json={"score": 9}, headers={"If-Match": tag})
    assert written.status_code == 200 and written.headers["ETag"] != tag
    stale = await client.patch(f"{base}/{row.pk}/", json={"score": 4}, headers={"If-Match": tag})
    assert stale.status_code == 412
    assert (await Release.objects.aget(pk=row.pk)).score == 9
    unconditional = await client.delete(f"{base}/{row.pk}/")
    if base == "/releases":  # require_if_match
        assert unconditional.status_code == 428
        new = written.headers["ETag"]
        assert (
            await client.delete(f"{base}/{row.pk}/", headers={"If-Match": new})
        ).status_code == 204
    else:
        assert unconditional.status_code == 204
