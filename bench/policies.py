"""Benchmark: the CPU that policy checks add to ``validate``, and three CEL runtimes compared.

A team of N assignments (``bench/load.py``'s generator) is validated as ``duvoform validate``
does (``load_manifests`` + ``DesiredState.build``) without policies, then with ``--rules``
manifest rules in ``duvoform.yaml`` (a realistic mix: allow-lists, label checks, size limits,
``has()`` guards, comprehensions). CPU seconds, best of ``--repeat``; the budget is 1 s added
for 50 rules over 10,000 assignments.

``--compare`` also times the same rules over one assignment document with each CEL runtime
that is installed: ``cel-expr-python`` (the C++ implementation; duvoform's), and, when
installed by hand, ``common-expression-language`` (Rust) and ``cel-python`` (``celpy``, pure
Python). It prints microseconds per object for all the rules.

Usage: ``python bench/policies.py [--size 10000] [--rules 50] [--repeat 3] [--compare]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from load import best, generate

from duvoform.engine.graph import DesiredState
from duvoform.manifest import load_manifests

TEMPLATES = [
    "object.spec.build.model in ['claude-sonnet-4-6', 'claude-opus-4-7', 'm{i}']",
    "has(object.metadata.labels.team) && object.metadata.labels.team != 'x{i}'",
    "size(object.spec.build.skills) <= 5 + {i}",
    "object.spec.build.connections.all(c, c != 'Forbidden {i}')",
    "!has(object.spec.build.sop) || size(object.spec.build.sop) < 100000 + {i}",
    "!object.spec.slack_enabled || object.spec.folder != 'Secret {i}'",
    "object.metadata.name.size() <= 80 && !object.metadata.name.contains('TODO{i}')",
    "!has(object.spec.build.revision_name) || object.spec.build.revision_name.startsWith('R')",
    "object.spec.build.sub_agents.size() + object.spec.build.handover_to.size() < 20 + {i}",
    "object.spec.build.browsing.provider in ['anthropic', 'google', 'p{i}']",
]


def rules(count: int) -> list[str]:
    """``count`` distinct rules, every one true for the generated team."""
    return [TEMPLATES[i % len(TEMPLATES)].format(i=i) for i in range(count)]


def project_yaml(count: int) -> str:
    lines = ["vars: {release: '2026.11', domain: mcp.example.com}", "policies:"]
    for i, rule in enumerate(rules(count)):
        lines += [f"  - name: rule-{i:02d}", "    kinds: [Assignment]", f"    rule: {rule!r}"]
    return "\n".join(lines) + "\n"


def validate(root: Path) -> None:
    DesiredState.build(load_manifests([root]))


def measure(size: int, count: int, repeat: int) -> tuple[float, float]:
    """CPU seconds of validate without and with ``count`` policies."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, size)
        plain = best(repeat, lambda: validate(root))
        (root / "duvoform.yaml").write_text(project_yaml(count))
        validate(root)  # fails loudly if a rule is false or broken
        with_rules = best(repeat, lambda: validate(root))
    return plain, with_rules


def sample() -> dict[str, Any]:
    """One generated assignment as a rule sees it."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, 2)
        manifests = load_manifests([root])
        resource = next(r for r in manifests.resources if r.kind == "Assignment")
        return resource.model_dump(mode="json", by_alias=True, exclude_none=True)


def compare(count: int, objects: int = 2000) -> None:
    """Microseconds per object for ``count`` rules in each installed CEL runtime."""
    doc = sample()
    sources = rules(count)
    runs: dict[str, Callable[[], object]] = {}
    from cel_expr_python import cel as cpp
    from cel_expr_python.ext import ext_strings

    env = cpp.NewEnv(variables={"object": cpp.Type.DYN}, extensions=[ext_strings.ExtStrings()])
    single = [env.compile(s) for s in sources]
    joined = env.compile("[" + ", ".join(f"(\n{s}\n)" for s in sources) + "]")
    runs["cel-expr-python, one call per rule"] = lambda: [
        [p.eval(a) for p in single] for a in (env.Activation({"object": doc}),)
    ]
    runs["cel-expr-python, one list per object"] = lambda: joined.eval(
        env.Activation({"object": doc})
    ).plain_value()
    try:
        import cel as rust  # common-expression-language
    except ImportError:
        print("common-expression-language: not installed (pip install common-expression-language)")
    else:
        programs = [rust.compile(s) for s in sources]
        rust_joined = rust.compile("[" + ", ".join(f"(\n{s}\n)" for s in sources) + "]")
        runs["common-expression-language, Context + one call per rule"] = lambda: [
            [p.execute(c) for p in programs] for c in (rust.Context({"object": doc}),)
        ]
        runs["common-expression-language, one list per object"] = lambda: rust_joined.execute(
            {"object": doc}
        )
    try:
        import celpy
    except ImportError:
        print("cel-python: not installed (pip install cel-python)")
    else:
        cenv = celpy.Environment()
        celpy_programs = [cenv.program(cenv.compile(s)) for s in sources]
        runs["cel-python (celpy), one call per rule"] = lambda: [
            p.evaluate({"object": celpy.json_to_cel(doc)}) for p in celpy_programs
        ]
    for name, run in runs.items():
        n = objects if "celpy" not in name else max(1, objects // 50)
        start = time.process_time()
        for _ in range(n):
            run()
        per_object = (time.process_time() - start) / n * 1e6
        print(f"{name:>58}: {per_object:9.1f} us/object ({count} rules)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    plain, with_rules = measure(args.size, args.rules, args.repeat)
    print(
        f"validate, {args.size} assignments: {plain:.3f}s CPU; with {args.rules} rules: "
        f"{with_rules:.3f}s; added: {with_rules - plain:.3f}s (budget 1 s)"
    )
    if args.compare:
        compare(args.rules)


if __name__ == "__main__":
    main()
