"""Settings of the benchmark server: the real settings (from the environment bench/run.py sets) with a
URL conf that adds the framework-floor view. No benchmark-only branch lives in production code."""

from alternanza.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
