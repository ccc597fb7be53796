"""The test app's models claim their OpenAPI schema names before the docs' examples
(the tutorial also has an Article, an Author and a Tag)."""

import tests.viewsets.apis  # noqa: F401
