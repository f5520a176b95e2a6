"""The package's shape: imports go one way, modules and functions stay small, public names documented."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "hutan_geo"

# Lower number = lower layer. A module may import its own layer or lower ones, never a higher one.
LAYERS: dict[str, int] = {
    "errors": 0,
    "_i18n": 0,
    "model": 1,
    "io": 2,
    "geocode": 3,
    "network": 3,
    "analysis": 4,
    "maps": 5,
    "export": 5,
    "demo": 6,
    "pipeline": 7,
    "province": 8,
    "cli": 9,
    "__init__": 10,
    "__main__": 10,
}
# maps re-offers export's writers (maps.export_html, maps.export_png); export never imports maps
ALLOWED = {("maps", "export")}
MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 120


def _modules() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py") if "__pycache__" not in p.parts)


def _part(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0].removesuffix(".py")


def _imports(tree: ast.AST, path: Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                base = path.relative_to(PKG).parent.parts[: len(path.relative_to(PKG).parent.parts) - node.level + 1]
                out.append((node.lineno, ".".join(["hutan_geo", *base, node.module])))
            else:
                out.append((node.lineno, node.module))
                if node.module == "hutan_geo":
                    out += [(node.lineno, f"hutan_geo.{a.name}") for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
    return [(line, mod) for line, mod in out if mod.startswith("hutan_geo.")]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PKG)))
def test_imports_go_one_way(path: Path) -> None:
    part = _part(path)
    if part == "__init__":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = []
    for line, mod in _imports(tree, path):
        target = mod.split(".")[1]
        if target not in LAYERS:
            continue
        if LAYERS[target] > LAYERS[part] and (part, target) not in ALLOWED:
            bad.append(f"line {line}: {mod}")
    assert not bad, f"{path.relative_to(PKG)} ({part}) imports a higher layer: {bad}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PKG)))
def test_modules_and_functions_stay_small(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_MODULE_LINES, f"{path.name} has {text.count(chr(10))} lines"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{path.relative_to(PKG)}: functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_no_private_imports_across_parts() -> None:
    bad = []
    for path in _modules():
        part = _part(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("hutan_geo."):
                target = node.module.split(".")[1]
                if target != part and target not in ("_i18n",):
                    bad += [
                        f"{path.relative_to(PKG)}: {node.module}.{a.name}"
                        for a in node.names
                        if a.name.startswith("_") and not a.name.startswith("__")
                    ]
    assert not bad, f"private names imported from another part: {bad}"
