"""Hypothesis profiles per run type, and each property test's number of examples under them.

"ci" (the default, loaded by tests/conftest.py) replays the same seeded examples every run, so a
property test cannot pass on one run and fail on the next. "thorough" (`pytest
--hypothesis-profile thorough`) draws ten times as many fresh random examples, to look for new
failures; a failure prints the seed to reproduce it.
"""

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("thorough", max_examples=1000, derandomize=False, database=None,
                          deadline=None, print_blob=True)
_CI_EXAMPLES = 100  # Hypothesis's default max_examples, which "ci" keeps


def examples(ci: int) -> int:
    """The number of examples for a test that draws `ci` under the ci profile."""
    return max(1, ci * settings.default.max_examples // _CI_EXAMPLES)
