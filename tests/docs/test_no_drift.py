"""The docs cannot drift: every complete Python example is a file the suite runs.

A Python block on a page is either an include of a file (``--8<-- "path"``) or a
fragment. A fragment that imports something looks like a complete example: it must be
a file under docs/examples/ instead, included by the page and imported by a test under
tests/docs/. The README's Python blocks are tested files too, copied verbatim.
"""

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
TESTS = Path(__file__).resolve().parent
FENCE = re.compile(
    r"^(?P<indent> *)```(?P<lang>\w*)[^\n]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
)
INCLUDE = re.compile(r'^\s*--8<-- "(?P<path>[^":]+)(?::[\w-]+)?"\s*$')
IMPORT = re.compile(r"^\s*(from\s+\S+\s+)?import\s", re.M)
PAGES = sorted(DOCS.rglob("*.md"))


def python_blocks(text: str) -> list[tuple[int, str]]:
    """(line number, body) of each ```python block."""
    return [
        (text.count("\n", 0, m.start()) + 1, m.group("body"))
        for m in FENCE.finditer(text)
        if m.group("lang") in ("python", "py")
    ]


def includes(body: str) -> list[str]:
    return [m.group("path") for line in body.splitlines() if (m := INCLUDE.match(line))]


def names(path: str) -> set[str]:
    """How code names an example: its dotted module (or a package holding it, below
    docs.examples), or its path as ``"docs" / "examples" / ...`` parts."""
    parts = Path(path).with_suffix("").parts
    dotted = {".".join(parts[:n]) for n in range(3, len(parts) + 1)}
    return dotted | {'"' + '" / "'.join(parts[:n]) + '"' for n in range(3, len(parts) + 1)}


def expand_imports(text: str) -> str:
    """``from a.b import c, d`` also names ``a.b.c`` and ``a.b.d``."""
    found = re.findall(r"^\s*from\s+([\w.]+)\s+import\s+(?:\(([\w\s,]+)\)|([\w ,]+))", text, re.M)
    dotted = [
        f"{module}.{name.strip()}"
        for module, grouped, plain in found
        for name in (grouped or plain).split(",")
    ]
    return text + "\n" + "\n".join(dotted)


def executed_text() -> str:
    """The text of tests/docs/, plus that of every example they import, transitively."""
    text = expand_imports("\n".join(p.read_text() for p in TESTS.glob("*.py")))
    pending = {str(p.relative_to(ROOT)) for p in (DOCS / "examples").rglob("*.py")}
    found = True
    while found:
        found = {path for path in pending if is_tested(path, text)}
        pending -= found
        text += expand_imports("\n".join((ROOT / path).read_text() for path in sorted(found)))
    return text


def is_tested(path: str, tests_text: str) -> bool:
    """A file under tests/ runs with the suite; one under docs/examples/ must be named by
    a test under tests/docs/ (or by an example such a test imports)."""
    return path.startswith("tests/") or any(name in tests_text for name in names(path))


def test_the_rule_sees_complete_examples():
    page = (
        "# t\n\n```python\nfrom x import y\n\nprint(y)\n```\n\n"
        '```python\n--8<-- "docs/examples/a.py"\n```\n'
    )
    blocks = python_blocks(page)
    assert [(n, bool(IMPORT.search(b)), includes(b)) for n, b in blocks] == [
        (3, True, []),
        (9, False, ["docs/examples/a.py"]),
    ]
    assert not is_tested("docs/examples/nowhere.py", "docs.examples.other")
    importer = "from docs.examples.tutorial.blog import api"
    assert is_tested("docs/examples/tutorial/blog/api.py", importer)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_complete_examples_are_included_tested_files(page):
    tests_text = executed_text()
    problems = []
    for line, body in python_blocks(page.read_text()):
        paths = includes(body)
        if not paths and IMPORT.search(body):
            problems.append(f"line {line}: a complete-looking example that no test runs")
        for path in paths:
            if not (ROOT / path).is_file():
                problems.append(f"line {line}: {path} does not exist")
            elif path.endswith(".py") and not is_tested(path, tests_text):
                problems.append(f"line {line}: {path} is not imported by tests/docs/")
    assert not problems, "\n".join(problems)


def test_every_example_file_is_on_a_page():
    text = "\n".join(p.read_text() for p in PAGES)
    shown = set(re.findall(r'--8<-- "([^":]+)', text))
    examples = {
        str(p.relative_to(ROOT))
        for p in (DOCS / "examples").rglob("*.py")
        # manage.py is startproject's, unchanged; migrations are makemigrations' output
        if p.name not in ("__init__.py", "manage.py")
        and "migrations" not in p.parts
        and "__pycache__" not in p.parts
    }
    assert sorted(examples - shown) == []


def test_the_readme_examples_are_tested_files():
    readme = (ROOT / "README.md").read_text()
    examples = {p: p.read_text() for p in (DOCS / "examples").rglob("*.py")}
    for line, body in python_blocks(readme):
        matches = [p for p, text in examples.items() if text == body]
        assert matches, f"README.md line {line}: not the text of a file under docs/examples/"
        assert is_tested(str(matches[0].relative_to(ROOT)), executed_text())


def test_getting_started_shows_the_readme_commands():
    readme = (ROOT / "README.md").read_text()
    page = (DOCS / "getting-started.md").read_text()
    commands = re.findall(r"^```bash\n(.*?)^```", readme, re.M | re.S)[:2]
    assert len(commands) == 2
    for command in commands:
        assert f"```bash\n{command}```" in page


@pytest.mark.parametrize(
    "module",
    [
        "ninja_aio",
        "ninja_aio.auth",
        "ninja_aio.views",
        "ninja_aio.models",
        "ninja_aio.query",
        "ninja_aio.testing",
    ],
)
def test_each_public_module_has_a_reference_page_listing_its_names(module):
    page = DOCS / "reference" / (module.replace(".", "-") + ".md")
    text = page.read_text()
    exported = importlib.import_module(module).__all__
    # ninja_aio and ninja_aio.testing export lazily (PEP 562): the page names each object
    # where it is defined; the others are rendered whole, through their __all__.
    listed = set(re.findall(r"^::: ([\w.]+)$", text, re.M))
    if listed == {module}:
        return
    missing = [
        name
        for name in exported
        if name != "__version__" and not any(entry.endswith(f".{name}") for entry in listed)
    ]
    assert not missing, f"{page.name} does not show {missing}"
