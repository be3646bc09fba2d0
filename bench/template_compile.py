"""Benchmark: what compiling a string of many ``~`` costs, stage by stage.

For each size N, the template is N copies of ``{{ vars.a ~ 'b' }}`` in one string. Prints CPU
seconds (best of ``--repeat``) for jinja2's parse, ``guard_tree`` (which used to walk the whole
tree once per ``~``) and code generation, with the CPU limits lifted; then the whole of
``JinjaTemplates.render`` with the limits in force (compile and rendering share one budget,
so a string too costly to compile is refused within ``STRING_SECONDS``), and its outcome.

Usage: ``python bench/template_compile.py [--sizes 1000 4000] [--repeat 1]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for bench/

from jinja2 import StrictUndefined

from bench.load import best
from duvoform.manifest import template_limits
from duvoform.manifest.template import TemplateFault
from duvoform.manifest.template_jinja import JinjaTemplates
from duvoform.manifest.template_limits import BoundedSandbox, guard_tree


def stages(source: str, repeat: int) -> tuple[float, float, float]:
    """CPU seconds of parse, guard and code generation of ``source``, limits lifted."""
    limits = template_limits.STRING_SECONDS, template_limits.SET_SECONDS
    template_limits.STRING_SECONDS = template_limits.SET_SECONDS = float("inf")
    try:
        env = BoundedSandbox(undefined=StrictUndefined)
        parse = best(repeat, lambda: env.parse(source))
        trees = [env.parse(source) for _ in range(repeat)]
        guard = best(repeat, lambda: guard_tree(trees.pop()))
        guarded = guard_tree(env.parse(source))
        generate = best(repeat, lambda: env.from_string(guarded))
    finally:
        template_limits.STRING_SECONDS, template_limits.SET_SECONDS = limits
    return parse, guard, generate


def limited(source: str, repeat: int) -> tuple[float, str]:
    """CPU seconds of ``JinjaTemplates.render`` with the limits in force, and its outcome."""
    variables = {"a": "x"}
    outcome: list[str | TemplateFault] = []

    def render() -> None:
        outcome.append(JinjaTemplates({"vars": variables}, variables, None, ()).render(source))

    seconds = best(repeat, render)
    result = outcome[-1]
    return seconds, result.reason if isinstance(result, TemplateFault) else f"{len(result):,} chars"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(f"N x {{{{ vars.a ~ 'b' }}}} in one string (CPU seconds, best of {args.repeat})")
    for size in args.sizes:
        source = "{{ vars.a ~ 'b' }}" * size
        parse, guard, generate = stages(source, args.repeat)
        whole, said = limited(source, args.repeat)
        print(
            f"  N={size:<6} parse {parse:6.3f}  guard {guard:7.3f}  generate {generate:6.3f}"
            f"  | render with limits {whole:6.3f} -> {said}"
        )


if __name__ == "__main__":
    main()
