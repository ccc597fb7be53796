"""docs/viewsets.md's table of the guide's examples says what each route really gets."""

import re
from pathlib import Path

import pytest

from ninja_aio import NinjaAIO
from ninja_aio.auth import AsyncJwtBearer
from ninja_aio.views import APIViewSet
from tests.guide import PUBLIC_KEY
from tests.testapp.models import Article

DOC = Path(__file__).resolve().parents[2] / "docs" / "viewsets.md"


def _auth(name):
    return type(name, (AsyncJwtBearer,), {"jwt_public": PUBLIC_KEY})()


JWT, ADMIN, KEY = _auth("JWTAuth"), _auth("AdminAuth"), _auth("APIKeyAuth")
#: the row's first words -> the example's attributes, as the guide writes them
EXAMPLES = {
    "`auth = [JWTAuth()]`": {"auth": [JWT]},
    "Per-method": {"get_auth": None, "post_auth": [JWT], "patch_auth": [JWT], "delete_auth": [JWT]},
    "Custom views": {"auth": None},
    "Mixed": {"get_auth": None, "post_auth": [JWT], "patch_auth": [JWT], "delete_auth": [ADMIN]},
    "Role-based": {
        "get_auth": None,
        "post_auth": [_auth("EditorAuth")],
        "delete_auth": [_auth("AdminAuth")],
    },
    "Permission-based": {
        "post_auth": [_auth("ArticleCreateAuth")],
        "delete_auth": [_auth("ArticleDeleteAuth")],
    },
    "Tenant": {"auth": [_auth("TenantAuth")]},
    "Scope-based": {
        "get_auth": [_auth("ReadAuth")],
        "post_auth": [_auth("WriteAuth")],
        "patch_auth": [_auth("WriteAuth")],
        "delete_auth": [_auth("WriteAuth")],
    },
    "`auth = [APIKeyAuth()]`": {"auth": [KEY]},
    "`auth = [JWTAuth() \\| APIKeyAuth()]`": {"auth": [JWT | KEY]},
    "The testing example": {
        "get_auth": None,
        "post_auth": [_auth("UserAuth")],
        "delete_auth": [ADMIN],
    },
}


def documented_rows():
    text = DOC.read_text()
    table = text.split("What the guide's examples get", 1)[1].split("\n\n", 2)[1]
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        yield cells[0], cells[1:]


def plain(cell):
    cell = cell.replace("**", "").replace("`", "")
    cell = re.split(r" \(|;", cell)[0].strip()
    return "JWTAuth | APIKeyAuth" if cell == "either" else cell


def test_every_guide_example_is_in_the_table():
    labels = [label for label, _ in documented_rows()]
    assert len(labels) == len(EXAMPLES)
    assert all(any(label.startswith(k) for label in labels) for k in EXAMPLES)


@pytest.mark.parametrize(("label", "cells"), list(documented_rows()))
def test_table_row_matches_the_resolution(label, cells):
    attrs = next(v for k, v in EXAMPLES.items() if label.startswith(k))
    api = NinjaAIO(urls_namespace=f"docs-table-{abs(hash(label))}")
    attrs = {"model": Article, "api": api, **attrs}
    viewset = type("DocArticleViewSet", (APIViewSet,), attrs)()
    viewset.add_views_to_route()
    got = {}
    for (method, _path), resolved in viewset.router.auth_table.items():
        text = resolved.describe(api.auth)
        got.setdefault(method, "public" if text.startswith("public") else text.split(" (")[0])
    assert [got[m] for m in ("GET", "POST", "PATCH", "DELETE")] == [plain(c) for c in cells]
