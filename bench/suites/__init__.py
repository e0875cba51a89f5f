"""The benchmarks. Each returns printable lines; data is generated inside the throw-away database.

- `lists`: each list endpoint against a hand-built view doing the same work and the bare floor (`bench.urls`);
- `growth`: each list at 10² and 10⁴ rows and at 10k and 200k guardian grants, with the growth ratios and
  PostgreSQL's planning and execution time of the list's query;
- `pdf`: a document rendered through the document service against WeasyPrint laying out the same HTML;
- `matrix`: the competence matrix page against a bare one-query table;
- `sweep`: the reminder sweep over a million deadlines;
- `clients`: the client list (API and portal page) with 10,000 clients over 50 bodies against hand-built views;
- `engagements`: the engagement list (API and portal page) with 100,000 engagements over 50 bodies, filtered to
  one body, against hand-built views;
- `certification`: the public verification endpoint with 10,000 certificates over 50 bodies against a hand-built
  view and the bare floor, and the certificate PDF against WeasyPrint alone and the minimal page.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator

from .certification import bench_certification
from .clients import bench_clients
from .engagements import bench_engagements
from .growth import bench_growth
from .lists import bench_lists
from .pdf import bench_pdf
from .workloads import bench_matrix, bench_sweep

SUITES: dict[str, Callable[[argparse.Namespace], Iterator[str]]] = {
    "lists": bench_lists,
    "pdf": bench_pdf,
    "matrix": bench_matrix,
    "sweep": bench_sweep,
    "growth": bench_growth,
    "clients": bench_clients,
    "engagements": bench_engagements,
    "certification": bench_certification,
}
#: suites that commit what they write: the sweep (its batches commit as in production; it deletes its rows
#: itself) and the growth (VACUUMed, as production's tables are; the throw-away database goes with it). They run
#: after the suites that roll theirs back.
COMMITTING = frozenset({"sweep", "growth"})
