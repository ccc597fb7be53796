"""Fuzzing of the restore and hard-delete inputs (the path key, ``?hard=``), through
Django's resolver and sync serving (so async permissions run under ``async_to_sync`` too):
a documented status and the error contract, never a 5xx."""

from collections import Counter
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.testapp.models import Story, Tenant
from tests.viewsets.conftest import make_token
from tests.viewsets.test_fuzz import EDGE_INTS, FUZZ, TEXT, check

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()
ALLOWED = {200, 204, 404, 409, 422}
KEYS = st.one_of(st.integers(min_value=-3, max_value=40), EDGE_INTS, TEXT)
HARD = st.one_of(
    st.none(),
    st.sampled_from(["true", "false", "1", "0", "yes", "off", "TRUE", ""]),
    TEXT,
    st.lists(st.sampled_from(["true", "false"]), min_size=2, max_size=3),
)


def _encoded(text: str) -> str:
    """Percent-encoded, lone surrogates included (they become invalid UTF-8 bytes)."""
    return quote(text, safe="", errors="surrogatepass")


@pytest.fixture(autouse=True)
def _urls(settings):
    settings.ROOT_URLCONF = "tests.viewsets.urls_perm"


@pytest.fixture
def seeded(transactional_db):
    user = User.objects.create_user("fuzzer")
    tenant = Tenant.objects.create(name="A")
    for i in range(6):
        Story.objects.create(title=f"p{i}", slug=f"p{i}", author=user, tenant=tenant)
    token = make_token(user, tenant_id=tenant.pk, roles=["editor"])
    return Client(raise_request_exception=True, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize("base", ["/api/story", "/api/post-async", "/api/post-sync"])
def test_fuzz_restore_and_hard_delete(seeded, base):
    seen: Counter = Counter()
    first = Story.objects.order_by("pk").values_list("pk", flat=True).first()

    @settings(FUZZ, max_examples=60)
    @given(key=KEYS, hard=HARD, restore=st.booleans())
    @example(key=first, hard=None, restore=False)
    @example(key=first, hard=None, restore=True)
    @example(key=first, hard="true", restore=False)
    @example(key="1\x00", hard="true", restore=False)
    @example(key=0, hard="\ud800", restore=False)
    def run(key, hard, restore):
        path = f"{base}/{_encoded(str(key))}/"
        if restore:
            response = seeded.post(f"{path}restore/")
        else:
            values = [] if hard is None else hard if isinstance(hard, list) else [hard]
            query = "&".join(f"hard={_encoded(value)}" for value in values)
            response = seeded.delete(f"{path}?{query}" if query else path)
        assert response.status_code < 500, (key, hard, response.content[:300])
        seen[response.status_code] += 1
        if response.get("Content-Type", "").startswith("application/json"):
            check(response, ALLOWED)

    run()
    assert seen[404] and (seen[200] or seen[204]), seen
