"""The guide's tenant example: ``queryset_request`` scopes every read and write; 404 outside."""

import pytest
from ninja.testing import TestAsyncClient

from tests.testapp.models import Memo, Tenant
from tests.viewsets import apis
from tests.viewsets.conftest import bearer, make_token

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def world(user):
    a = await Tenant.objects.acreate(name="A")
    b = await Tenant.objects.acreate(name="B")
    memo_a = await Memo.objects.acreate(title="a-secret", tenant=a)
    memo_b = await Memo.objects.acreate(title="b-secret", tenant=b)
    headers_a = bearer(make_token(user, tenant_id=a.pk))
    return {"a": a, "b": b, "memo_a": memo_a, "memo_b": memo_b, "headers_a": headers_a}


@pytest.fixture
def client():
    return TestAsyncClient(apis.tenant_api)


async def test_list_shows_only_own_tenant(client, world):
    response = await client.get("/memo/", headers=world["headers_a"])
    assert response.status_code == 200
    assert response.json() == {
        "items": [{"id": world["memo_a"].pk, "title": "a-secret", "tenant": world["a"].pk}],
        "count": 1,
    }


async def test_other_tenant_rows_are_404_for_every_operation(client, world):
    headers, other = world["headers_a"], world["memo_b"].pk
    responses = [
        await client.get(f"/memo/{other}", headers=headers),
        await client.patch(f"/memo/{other}/", json={"title": "stolen"}, headers=headers),
        await client.delete(f"/memo/{other}/", headers=headers),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404]
    nonexistent = await client.get(f"/memo/{other + 100}", headers=headers)
    assert all(r.json() == nonexistent.json() for r in responses)  # no existence leak
    row = await Memo.objects.aget(pk=other)
    assert row.title == "b-secret"


async def test_own_rows_are_writable(client, world):
    headers, own = world["headers_a"], world["memo_a"].pk
    assert (await client.get(f"/memo/{own}", headers=headers)).status_code == 200
    response = await client.patch(f"/memo/{own}/", json={"title": "edited"}, headers=headers)
    assert response.status_code == 200
    assert (await client.delete(f"/memo/{own}/", headers=headers)).status_code == 204
    assert not await Memo.objects.filter(pk=own).aexists()


async def test_token_without_tenant_is_refused(client, world, user):
    response = await client.get("/memo/", headers=bearer(make_token(user)))
    assert response.status_code == 401


async def test_serializer_scope_applies_to_lists_and_writes():
    """``Serializer.queryset_request`` (hidden ISBNs starting with 000) works the same way."""
    from tests.testapp.models import Author, Book

    client = TestAsyncClient(apis.api)
    writer = await Author.objects.acreate(name="Scoped")
    hidden = await Book.objects.acreate(title="hidden", isbn="000123", author=writer)
    shown = await Book.objects.acreate(title="shown", isbn="978123", author=writer)
    listing = (await client.get("/book/")).json()
    assert [b["id"] for b in listing["items"]] == [shown.pk]
    assert (await client.get(f"/book/{hidden.pk}")).status_code == 404
    assert (await client.patch(f"/book/{hidden.pk}/", json={"title": "x"})).status_code == 404
    assert (await client.delete(f"/book/{hidden.pk}/")).status_code == 404
    assert await Book.objects.filter(pk=hidden.pk, title="hidden").aexists()


# -- relations of a global row to tenant-scoped ones ------------------------------------


@pytest.fixture
async def boards(world, user):
    """A global board featuring B's memo, listing both tenants' memos (M2M) and cards."""
    from tests.testapp.models import Board, Card

    a, b = world["a"], world["b"]
    board = await Board.objects.acreate(name="shared", featured=world["memo_b"])
    await board.memos.aset([world["memo_a"], world["memo_b"]])
    cards = {
        "a": [await Card.objects.acreate(board=board, tenant=a, text=f"a{i}") for i in range(2)],
        "b": [await Card.objects.acreate(board=board, tenant=b, text=f"b{i}") for i in range(2)],
    }
    return {
        **world,
        "board": board,
        "cards": cards,
        "headers_b": bearer(make_token(user, tenant_id=b.pk)),
    }


def _memo(memo):
    return {"id": memo.pk, "title": memo.title, "tenant": memo.tenant_id}


def _board_as(w, tenant):
    """What ``tenant`` must see of the shared board: its own memos and cards only."""
    memo, cards = w[f"memo_{tenant}"], w["cards"][tenant]
    featured = w["board"].featured_id == memo.pk
    return {
        "id": w["board"].pk,
        "name": w["board"].name,
        "featured": _memo(memo) if featured else None,
        "memos": [_memo(memo)],
        "cards": [{"id": c.pk, "text": c.text, "tenant": c.tenant_id} for c in cards],
    }


async def test_list_of_global_rows_shows_only_own_tenant_relations(client, boards):
    for tenant in ("a", "b"):
        response = await client.get("/board/", headers=boards[f"headers_{tenant}"])
        assert response.status_code == 200
        assert response.json() == {"items": [_board_as(boards, tenant)], "count": 1}


async def test_retrieve_and_actions_show_only_own_tenant_relations(client, boards):
    pk = boards["board"].pk
    for tenant in ("a", "b"):
        headers = boards[f"headers_{tenant}"]
        retrieved = await client.get(f"/board/{pk}", headers=headers)
        rendered = await client.get(f"/board/{pk}/rendered/", headers=headers)
        assert retrieved.status_code == rendered.status_code == 200
        assert retrieved.json() == rendered.json() == _board_as(boards, tenant)


async def test_write_responses_show_only_own_tenant_relations(client, boards):
    pk, memo_a = boards["board"].pk, boards["memo_a"].pk
    headers = boards["headers_a"]
    updated = await client.patch(f"/board/{pk}/", json={"name": "renamed"}, headers=headers)
    assert updated.status_code == 200
    assert updated.json() == {**_board_as(boards, "a"), "name": "renamed"}
    created = await client.post(
        "/board/", json={"name": "new", "featured": memo_a, "memos": [memo_a]}, headers=headers
    )
    assert created.status_code == 201
    memo = _memo(boards["memo_a"])
    body = created.json()
    assert body == {"id": body["id"], "name": "new", "featured": memo, "memos": [memo], "cards": []}


async def test_writes_refuse_other_tenant_relations(client, boards):
    from tests.testapp.models import Board

    headers, memo_b = boards["headers_a"], boards["memo_b"].pk
    responses = [
        await client.post("/board/", json={"name": "x", "featured": memo_b}, headers=headers),
        await client.post("/board/", json={"name": "y", "memos": [memo_b]}, headers=headers),
        await client.patch(
            f"/board/{boards['board'].pk}/", json={"memos": [memo_b]}, headers=headers
        ),
    ]
    assert [r.status_code for r in responses] == [422, 422, 422]
    assert [r.json()["detail"][0]["loc"][-1] for r in responses] == ["featured", "memos", "memos"]
    assert await Board.objects.acount() == 1
    assert [m.pk async for m in boards["board"].memos.order_by("pk")] == [
        boards["memo_a"].pk,
        memo_b,
    ]


async def test_scoped_list_query_count_does_not_grow_with_page_size(client, boards, count_queries):
    from tests.testapp.models import Board, Card

    w = boards
    for i in range(49):
        board = await Board.objects.acreate(name=f"b{i}", featured=w[f"memo_{'ab'[i % 2]}"])
        await board.memos.aset([w["memo_a"], w["memo_b"]])
        await Card.objects.acreate(board=board, tenant=w["a"], text="a")
        await Card.objects.acreate(board=board, tenant=w["b"], text="b")

    async def list_queries(size):
        async with count_queries() as queries:
            response = await client.get(f"/board/?page_size={size}", headers=w["headers_a"])
        items = response.json()["items"]
        assert len(items) == size
        assert all(i["memos"] == [_memo(w["memo_a"])] for i in items)
        assert all(
            [c["tenant"] for c in i["cards"]] in ([w["a"].pk], [w["a"].pk] * 2) for i in items
        )
        assert {i["featured"]["id"] if i["featured"] else None for i in items} == {
            w["memo_a"].pk,
            None,
        }
        return queries

    small, large = await list_queries(5), await list_queries(50)
    # user (auth) + count + page + one scoped prefetch each: featured, memos, cards.
    assert len(small) == len(large) == 6, large


async def test_joins_in_the_viewset_queryset_do_not_bypass_the_scope(client, boards):
    """A ``select_related`` of a scoped relation would otherwise render the joined row."""
    headers = boards["headers_a"]
    listing = await client.get("/board-joined/", headers=headers)
    assert listing.status_code == 200
    assert listing.json()["items"] == [_board_as(boards, "a")]
    retrieved = await client.get(f"/board-joined/{boards['board'].pk}", headers=headers)
    assert retrieved.json() == _board_as(boards, "a")
