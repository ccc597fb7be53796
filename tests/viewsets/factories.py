"""Small async helpers creating rows for the viewset tests."""

import itertools
from typing import Any

from tests.testapp.models import Article, Author, Comment, Tag


async def author(name: str = "Ann", **kw: Any) -> Author:
    return await Author.objects.acreate(name=name, **kw)


_serial = itertools.count()


async def article(title: str = "Hello", *, author_obj: Author | None = None, **kw: Any) -> Article:
    author_obj = author_obj or await Author.objects.acreate(name=f"author {next(_serial)}")
    return await Article.objects.acreate(title=title, author=author_obj, **kw)


async def rich_articles(n: int) -> list[Article]:
    """``n`` articles, each with two tags and two comments (for query counts)."""
    writer = await author("prolific")
    tags = [await Tag.objects.acreate(name=f"t{i}") for i in range(3)]
    result = []
    for i in range(n):
        a = await Article.objects.acreate(title=f"a{i}", author=writer)
        await a.tags.aset(tags[:2])
        await Comment.objects.acreate(article=a, text="c1")
        await Comment.objects.acreate(article=a, text="c2")
        result.append(a)
    return result
