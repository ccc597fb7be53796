"""Fixtures of the viewset tests: users, tokens, clients and a query counter."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.db import connection
from ninja.testing import TestAsyncClient

from tests import guide
from tests.viewsets import apis

User = get_user_model()


def make_token(user: Any, key: Any = None, **claims: Any) -> str:
    """A token for ``user`` as the test APIs expect it (signed by ``key``)."""
    return guide.make_token(user.pk, key or guide.PRIVATE_KEY, **claims)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def user(transactional_db: None) -> Any:
    return await sync_to_async(User.objects.create_user)("reader")


@pytest.fixture
async def admin(transactional_db: None) -> Any:
    return await sync_to_async(User.objects.create_user)("boss", is_staff=True)


@pytest.fixture
def good(user: Any) -> dict[str, str]:
    """Headers of a valid token for ``user``."""
    return bearer(make_token(user))


@pytest.fixture
def bad(user: Any) -> dict[str, str]:
    """Headers of a token signed by the wrong key."""
    return bearer(make_token(user, key=apis.OTHER_KEY))


@pytest.fixture
def client() -> TestAsyncClient:
    return TestAsyncClient(apis.api)


@pytest.fixture
def count_queries() -> Callable[[], Any]:
    """``async with count_queries() as queries:`` lists the SQL the async ORM ran.

    The async ORM runs its queries in asgiref's single thread-sensitive thread, which
    has its own connection: the wrapper is installed on that connection, from that thread.
    """

    @asynccontextmanager
    async def counting() -> AsyncIterator[list[str]]:
        queries: list[str] = []

        def wrapper(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        def install() -> None:
            connection.execute_wrappers.append(wrapper)

        def remove() -> None:
            connection.execute_wrappers.remove(wrapper)

        await sync_to_async(install)()
        try:
            yield queries
        finally:
            await sync_to_async(remove)()

    return counting
