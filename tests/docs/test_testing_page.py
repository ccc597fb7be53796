"""docs/testing.md: its example test module runs as part of this suite."""

from docs.examples.testing_test_api import *  # noqa: F403
