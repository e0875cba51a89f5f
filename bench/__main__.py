"""`./bench/run.sh [--deadlines N] [--only NAME]`: prints each benchmark with its baseline and the ratio.

Each benchmark times the thing under test and a baseline doing the least comparable work in the same process,
the same database and the same minute, so the ratio means something on any machine. Times are medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icr.settings")


def median_seconds(fn: Callable[[], Any], repeat: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def line(name: str, value: float, baseline: float, unit: str = "ms") -> str:
    scale = 1000 if unit == "ms" else 1
    return f"{name:<52} {value * scale:10.2f} {unit}   baseline {baseline * scale:9.2f} {unit}   ratio {value / baseline:6.2f}x"


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--deadlines", type=int, default=1_000_000, help="deadlines generated for the sweep")
    parser.add_argument("--only", choices=["bodies", "pdf", "matrix", "sweep"], action="append")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import get_runner, setup_test_environment  # noqa: F401

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from bench import suites

        wanted = args.only or ["bodies", "pdf", "matrix", "sweep"]
        print(
            f"ICR benchmark suite on {os.cpu_count()} cores, PostgreSQL database {connection.settings_dict['NAME']}"
        )
        for name in wanted:
            for text in suites.SUITES[name](args):
                print(text, flush=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
