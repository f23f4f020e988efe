"""The package layout is the architecture: every module imports only from its own package or a lower layer,
there are no import cycles, and every module imports on its own."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "assistant"
# Lowest first. A module may import from a lower layer, or from its own package (the first name after
# "assistant."); never upwards, and never sideways into another package of its layer (ingest ↔ search).
LAYERS = [
    {"models", "errors", "redact", "tuning", "wordlists"},  # plain data, typed errors, tuned numbers, word lists
    {"config"},  # settings (enums of its own choices)
    {"govdocs", "embedding"},  # what a Chinese government document is; the model
    {"stores"},  # the index: base types, local and Milvus stores, their registry
    {"ingest", "search"},  # reading documents into a store; searching it
    {"answering"},  # extractive answers, LLM, verification, reply drafting
    {"pipeline"},  # a question from parse to cited answer
    {"apps"},  # CLI, UI parts, records, auth, web server, LangChain adapter
    {"__main__"},  # python -m assistant
]
LAYER_OF = {name: level for level, names in enumerate(LAYERS) for name in names}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def _imports(name: str, path: Path) -> set[str]:
    """Every assistant module `name` imports, at any depth of the file (imports inside functions count)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("assistant")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target.startswith("assistant"):
                found.add(target)
                found |= {f"{target}.{alias.name}" for alias in node.names}
    modules = _modules()
    return {t for t in found if t in modules and t != name}


def _part(name: str) -> str:
    return name.split(".")[1] if name.count(".") >= 1 else name


def test_every_module_sits_in_a_known_layer():
    unknown = sorted({_part(n) for n in _modules() if n != "assistant"} - set(LAYER_OF))
    assert not unknown, f"put these in LAYERS (and in ARCHITECTURE.md): {unknown}"


def test_no_module_imports_from_a_higher_layer_or_a_sibling_package():
    wrong = []
    for name, path in _modules().items():
        if name == "assistant":
            continue
        mine = _part(name)
        for target in _imports(name, path):
            theirs = _part(target)
            if theirs != mine and LAYER_OF[theirs] >= LAYER_OF[mine]:
                wrong.append(f"{name} → {target}")
    assert not wrong, "imports against the layering:\n" + "\n".join(sorted(wrong))


def test_there_is_no_import_cycle():
    graph = {name: _imports(name, path) for name, path in _modules().items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append(" → ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_stores_import_only_their_base_not_each_other():
    for store in ("assistant.stores.local", "assistant.stores.milvus"):
        others = {t for t in _imports(store, _modules()[store]) if t.startswith("assistant.stores.")}
        assert others <= {"assistant.stores.base", "assistant.stores.facets", "assistant.stores.tokenizer"}, others


def test_every_module_imports_on_its_own():
    """Each module in a fresh set of assistant modules (no hidden dependence on what was imported before)."""
    names = [n for n in _modules() if not n.endswith("__main__")]
    script = (
        "import importlib, sys\n"
        f"names = {names!r}\n"
        "failed = []\n"
        "for name in names:\n"
        "    for loaded in [m for m in sys.modules if m == 'assistant' or m.startswith('assistant.')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        failed.append(f'{name}: {type(exc).__name__}: {exc}')\n"
        "print('\\n'.join(failed))\n"
        "sys.exit(1 if failed else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
