"""The kernel stays below the domains (issue 13): app/core imports only app.core, and app/web
only the kernel (app.core, app.web, app.extensions, app.settings), never a domain package.

Domains plug into the web kernel from above (the app factory installs the signed-in user,
blueprints add their navigation links); a kernel module importing a domain would tie every
domain to every other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
ALLOWED = {
    "core": ("app.core",),
    "web": ("app.core", "app.web", "app.extensions", "app.settings"),
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module `path` imports (at the top or inside a function), as absolute names."""
    package = ".".join(path.relative_to(APP.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the package
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names = [f"{base}.{alias.name}" for alias in node.names] if base == "app" else [base]
            found += [(node.lineno, name) for name in names]
    return found


def forbidden(layer: str) -> list[str]:
    allowed = ALLOWED[layer]
    return [
        f"{path.relative_to(APP.parent)}:{line}: {name}"
        for path in sorted((APP / layer).rglob("*.py"))
        for line, name in imported_modules(path)
        if (name == "app" or name.startswith("app."))
        and not any(name == ok or name.startswith(f"{ok}.") for ok in allowed)
    ]


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_the_kernel_imports_no_domain(layer):
    assert forbidden(layer) == []


def test_the_check_sees_a_domain_import(tmp_path, monkeypatch):
    """The walk finds top-level, function-level, `from app import x` and relative imports."""
    web = tmp_path / "app" / "web"
    web.mkdir(parents=True)
    (web / "bad.py").write_text(
        "from app.auth.web import current_actor\n"
        "from app import meetings\n"
        "from ..scheduling import services\n"
        "def f():\n    import app.audit.services\n"
        "from app.core import clock\nfrom .nav import nav_link\n"
    )
    monkeypatch.setattr(f"{__name__}.APP", tmp_path / "app")
    assert [entry.split(": ")[1] for entry in forbidden("web")] == [
        "app.auth.web",
        "app.meetings",
        "app.scheduling",
        "app.audit.services",
    ]
