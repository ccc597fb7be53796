"""What a write costs (docs/viewsets.md): a model without hooks, answered from the write.

``Tome`` nests its ``press`` and its ``labels`` in responses and renders its ``shelf`` as
a key; it declares no hook, so a create or update is answered from what the write holds.
"""

from ninja_aio import NinjaAIO
from ninja_aio.views import APIViewSet
from tests.testapp.models_fastwrites import Tome

api = NinjaAIO(urls_namespace="docs-write-cost")


@api.viewset(Tome)
class TomeViewSet(APIViewSet):
    """POST /tome/ {"title", "press", "shelf", "labels"}:
    SELECT the press, SELECT the labels (checks whose rows the answer nests),
    BEGIN, INSERT the tome, INSERT its links, COMMIT; the shelf is left to its foreign key.
    Without labels: SELECT the press, INSERT (no transaction for a single statement).
    """
