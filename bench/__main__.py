"""`./bench/run.sh [--deadlines N] [--only NAME]`: prints each benchmark with its baselines and the ratios.

Each benchmark times the thing under test and baselines doing the same work by hand (and the least comparable
work, the floor) in the same process, the same database and the same minute, so the ratio means something on
any machine. Times are medians of interleaved runs: under a load that comes and goes, each sample of the
endpoint has a sample of its baseline taken right beside it.

Everything the benchmarks write goes to a throw-away database and a temporary MEDIA_ROOT outside the checkout,
both removed at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icr.settings")
# the benchmarks send thousands of requests a minute as one user; the throttle still runs, it just never refuses
os.environ.setdefault("API_RATE_USER", "1000000/min")


def median_seconds(fn: Callable[[], Any], repeat: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def samples_interleaved(
    fns: dict[str, Callable[[], Any]], repeat: int, warmup: int = 2
) -> dict[str, list[float]]:
    """Each function's times, the functions taking turns so they share the same moments."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            started = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - started)
    return samples


def medians_interleaved(fns: dict[str, Callable[[], Any]], repeat: int, warmup: int = 2) -> dict[str, float]:
    """The median of each function's time, the functions taking turns."""
    return {
        name: statistics.median(values) for name, values in samples_interleaved(fns, repeat, warmup).items()
    }


def compare(name: str, endpoint: float, hand: float, bare: float) -> str:
    """One endpoint against the same work by hand (the goal: ratio <= 2.0) and the floor."""
    return (
        f"{name:<58} {endpoint * 1000:8.2f} ms   hand-built {hand * 1000:7.2f} ms (ratio {endpoint / hand:5.2f}x)"
        f"   bare {bare * 1000:6.2f} ms ({endpoint / bare:5.2f}x)"
    )


def line(name: str, value: float, baseline: float, unit: str = "ms") -> str:
    scale = 1000 if unit == "ms" else 1
    return f"{name:<52} {value * scale:10.2f} {unit}   baseline {baseline * scale:9.2f} {unit}   ratio {value / baseline:6.2f}x"


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--deadlines", type=int, default=1_000_000, help="deadlines generated for the sweep")
    parser.add_argument(
        "--only",
        choices=["lists", "growth", "pdf", "matrix", "sweep", "clients", "engagements", "certification"],
        action="append",
    )
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    media_root = tempfile.mkdtemp(prefix="icr-bench-media-")
    os.environ["MEDIA_ROOT"] = media_root
    try:
        return run(args)
    finally:
        shutil.rmtree(media_root, ignore_errors=True)


def run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from bench import suites

        order = list(suites.SUITES)
        wanted = sorted(
            set(args.only or order), key=lambda name: (name in suites.COMMITTING, order.index(name))
        )
        print(
            f"ICR benchmark suite on {os.cpu_count()} cores, PostgreSQL database {connection.settings_dict['NAME']}, "
            f"MEDIA_ROOT {settings.MEDIA_ROOT}"
        )
        for name in wanted:
            if name in suites.COMMITTING:
                for text in suites.SUITES[name](args):
                    print(text, flush=True)
                continue
            # the others start from the migrated database and leave nothing behind for the next one
            with transaction.atomic():
                for text in suites.SUITES[name](args):
                    print(text, flush=True)
                transaction.set_rollback(True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
