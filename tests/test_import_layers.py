"""The platform's layers, kept true: arrows only point down.

    top           demo, icr                       may import anything below
    capabilities  bodies, competence, audits, …   kernel, engines, their own modules, and of another
                                                  capability only its public modules (PUBLIC_MODULES)
    engines       documents, reminders, …         kernel and other engines
    kernel        core, accounts, reference,      kernel only
                  bodies.models.tenants, bodies.middleware

Every application module is parsed with `ast` (imports at module level, inside functions and under
TYPE_CHECKING alike); tests, bench and migrations are outside the check. A failure names the file, the line
and the rule it breaks. No database is needed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

KERNEL = "kernel"
ENGINE = "engine"
CAPABILITY = "capability"
TOP = "top"

#: module (or package) prefix → layer; the longest matching prefix wins, so the kernel's half of bodies is
#: the kernel while the rest of `bodies` is a capability
LAYERS: dict[str, str] = {
    "core": KERNEL,
    "accounts": KERNEL,
    "reference": KERNEL,
    "bodies.models.tenants": KERNEL,
    "bodies.middleware": KERNEL,
    "documents": ENGINE,
    "reminders": ENGINE,
    "webhooks": ENGINE,
    "imports": ENGINE,
    "bodies": CAPABILITY,
    "competence": CAPABILITY,
    "audits": CAPABILITY,
    "impartiality": CAPABILITY,
    "complaints": CAPABILITY,
    "neutrality": CAPABILITY,
    "clients": CAPABILITY,
    "certification": CAPABILITY,
    "demo": TOP,
    "icr": TOP,
}

#: what one capability may import of another: writes, reads and the registry declarations (kind codes and
#: the like). Anything else (models, forms, views, api, tasks, private helpers) is that capability's inside.
PUBLIC_MODULES: tuple[str, ...] = (
    "services",
    "selectors",
    "permissions",
    "error_codes",
    "deadlines",
    "documents",
    "panels",
    "roles",
)

#: directories that hold no application code, or are outside the check
OUTSIDE = {"tests", "bench", "docs", "locale", "scripts", "static", "staticfiles", "templates"}

#: which layers each layer may import
ALLOWED: dict[str, set[str]] = {
    KERNEL: {KERNEL},
    ENGINE: {KERNEL, ENGINE},
    CAPABILITY: {KERNEL, ENGINE, CAPABILITY},
    TOP: {KERNEL, ENGINE, CAPABILITY, TOP},
}


@dataclass(frozen=True)
class Source:
    path: str
    module: str
    text: str


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    importer: str
    target: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} imports {self.target}: {self.rule}"


def layer_of(module: str) -> tuple[str, str] | None:
    """(layer, the app it belongs to) for a first-party module; None for the standard library and packages."""
    parts = module.split(".")
    for length in range(len(parts), 0, -1):
        prefix = ".".join(parts[:length])
        if prefix in LAYERS:
            return LAYERS[prefix], parts[0]
    return None


def application_sources(root: Path = ROOT) -> Iterator[Source]:
    """Every Python module of every application package at the top of the checkout, migrations left out."""
    for package in sorted(p for p in root.iterdir() if (p / "__init__.py").is_file()):
        if package.name in OUTSIDE:
            continue
        for path in sorted(package.rglob("*.py")):
            relative = path.relative_to(root)
            if "migrations" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield Source(path=str(relative), module=".".join(parts), text=path.read_text(encoding="utf-8"))


def _is_module(name: str, root: Path) -> bool:
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imported_modules(source: Source, root: Path = ROOT) -> Iterator[tuple[int, str]]:
    """(line, module) for every import in the file, relative ones resolved; `from a import b` names `a.b`
    when b is itself a module, else `a`."""
    is_package = source.path.endswith("__init__.py")
    package = source.module.split(".") if is_package else source.module.split(".")[:-1]
    for node in ast.walk(ast.parse(source.text, filename=source.path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                yield node.lineno, candidate if _is_module(candidate, root) else module


def check(sources: Iterable[Source], root: Path = ROOT) -> list[Violation]:
    violations: list[Violation] = []
    for source in sources:
        importer = layer_of(source.module)
        if importer is None:
            violations.append(
                Violation(
                    source.path, 1, source.module, "-", "the module belongs to no layer (add it to LAYERS)"
                )
            )
            continue
        from_layer, from_app = importer
        for line, target in dict.fromkeys(imported_modules(source, root)):
            classified = layer_of(target)
            if classified is None:
                continue
            to_layer, to_app = classified
            rule = _broken_rule(from_layer, from_app, to_layer, to_app, target)
            if rule:
                violations.append(Violation(source.path, line, source.module, target, rule))
    return violations


def _broken_rule(from_layer: str, from_app: str, to_layer: str, to_app: str, target: str) -> str | None:
    if to_layer not in ALLOWED[from_layer]:
        return f"the {from_layer} may not import the {to_layer} layer (arrows only point down)"
    if from_layer == CAPABILITY and to_layer == CAPABILITY and from_app != to_app:
        public = {f"{to_app}.{name}" for name in PUBLIC_MODULES}
        if target not in public:
            return (
                f"a capability imports another capability's internals; only {to_app}'s "
                f"{', '.join(PUBLIC_MODULES)} modules are public"
            )
    return None


# --------------------------------------------------------------------------------------------------- tests


def test_the_application_keeps_its_layers() -> None:
    # given every application module in the checkout
    sources = list(application_sources())
    assert len(sources) > 100

    # when their imports are classified
    violations = check(sources)

    # then no arrow points up or into another capability's internals
    assert violations == [], "\n" + "\n".join(str(v) for v in violations)


def test_every_application_package_has_a_layer() -> None:
    # given the application packages (a directory with apps.py)
    packages = sorted(p.parent.name for p in ROOT.glob("*/apps.py"))

    # then each of them is declared in LAYERS
    assert [name for name in packages if layer_of(name) is None] == []


def test_the_kernel_half_of_bodies_is_the_kernel_and_the_rest_a_capability() -> None:
    assert layer_of("bodies.models.tenants") == (KERNEL, "bodies")
    assert layer_of("bodies.middleware") == (KERNEL, "bodies")
    assert layer_of("bodies.models") == (CAPABILITY, "bodies")
    assert layer_of("bodies.models.approval") == (CAPABILITY, "bodies")
    assert layer_of("bodies.services") == (CAPABILITY, "bodies")
    assert layer_of("django.db.models") is None


def _fake(module: str, text: str) -> Source:
    return Source(path=module.replace(".", "/") + ".py", module=module, text=text)


def test_a_kernel_module_importing_a_capability_is_reported_with_file_line_and_rule() -> None:
    # given a fake kernel module that imports a capability's model
    fake = _fake("core.fake", "import os\n\nfrom competence.models import CompetenceRecord\n")

    # when it is checked
    violations = check([fake])

    # then the import is reported with where it is and which rule it breaks
    assert [str(v) for v in violations] == [
        "core/fake.py:3: core.fake imports competence.models: "
        "the kernel may not import the capability layer (arrows only point down)"
    ]


def test_imports_inside_functions_and_under_type_checking_are_checked() -> None:
    # given a fake engine module hiding upward imports in a function and under TYPE_CHECKING
    fake = _fake(
        "reminders.fake",
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from bodies.models import Accreditation\n"
        "def later():\n"
        "    from icr import celery\n",
    )

    # when it is checked
    violations = check([fake])

    # then both are reported
    assert [(v.line, v.target, v.rule) for v in violations] == [
        (3, "bodies.models", "the engine may not import the capability layer (arrows only point down)"),
        (5, "icr.celery", "the engine may not import the top layer (arrows only point down)"),
    ]


def test_the_kernel_half_of_bodies_may_not_import_the_capability_half() -> None:
    # given the kernel's tenant models importing the approval records by a relative import
    fake = _fake("bodies.models.tenants", "from .approval import Accreditation\n")

    # when it is checked
    violations = check([fake])

    # then it is reported: same app, but an arrow pointing up
    assert [(v.target, v.rule) for v in violations] == [
        (
            "bodies.models.approval",
            "the kernel may not import the capability layer (arrows only point down)",
        )
    ]


def test_a_capability_may_use_another_capabilitys_services_but_not_its_internals() -> None:
    # given a fake capability module importing bodies' services, its selectors, and its models and views
    fake = _fake(
        "competence.fake",
        "from bodies.services import membership_add\n"
        "from bodies import selectors\n"
        "from bodies.models import Accreditation\n"
        "import bodies.views\n"
        "from bodies.models.tenants import Body\n"
        "from reminders.services import deadline_upsert\n",
    )

    # when it is checked
    violations = check([fake])

    # then only the internals are reported
    assert [(v.line, v.target) for v in violations] == [(3, "bodies.models"), (4, "bodies.views")]
    assert violations[0].rule.startswith("a capability imports another capability's internals")


def test_the_top_may_import_every_layer() -> None:
    fake = _fake(
        "demo.fake", "from competence.models import CompetenceRecord\nfrom core.audit import audit_record\n"
    )

    assert check([fake]) == []


def test_a_module_outside_every_layer_is_reported() -> None:
    fake = _fake("newapp.models", "from core.tenancy import TenantQuerySet\n")

    assert [v.rule for v in check([fake])] == ["the module belongs to no layer (add it to LAYERS)"]
