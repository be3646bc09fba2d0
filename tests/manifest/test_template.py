from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from duvoform.manifest.template import TemplateRenderer, is_templated


def render(
    data: Any, variables: dict[str, Any], env: str | None = None, envs: tuple[str, ...] = ()
):
    renderer = TemplateRenderer(variables, env, envs)
    faults = renderer.render_in_place(data)
    return data, [(f.path, f.reason) for f in faults]


def test_strings_are_rendered_in_place_keys_and_other_values_are_not() -> None:
    data = {
        "name": "Triage ({{ vars.region | upper }})",
        "{{ key }}": 1,
        "n": 5,
        "list": [
            "{{ vars.region }}",
            {"deep": "{% if environment == 'prod' %}P{% else %}S{% endif %}"},
        ],
        "plain": "no braces { here }",
    }
    out, faults = render(data, {"region": "eu"}, env="prod")
    assert faults == []
    assert out == {
        "name": "Triage (EU)",
        "{{ key }}": 1,
        "n": 5,
        "list": ["eu", {"deep": "P"}],
        "plain": "no braces { here }",
    }


def test_undefined_variables_are_errors_with_suggestions() -> None:
    _, faults = render({"a": ["x", "{{ vars.regin }}"]}, {"region": "eu"})
    assert faults == [(("a", 1), 'template: undefined variable vars.regin; did you mean "region"?')]
    _, faults = render({"a": "{{ vars.other }}"}, {"region": "eu"}, envs=("prod", "staging"))
    assert faults == [
        (
            ("a",),
            "template: undefined variable vars.other "
            "(no --env was given; environments: prod, staging)",
        )
    ]
    _, faults = render({"a": "{{ region }}"}, {})
    assert faults == [
        (("a",), 'template: "region" is undefined; templates can use vars.NAME and environment')
    ]


def test_environment_is_undefined_without_env() -> None:
    _, faults = render({"a": "{{ environment }}"}, {}, envs=("staging",))
    assert faults == [
        (("a",), "template: environment is not set (pass --env NAME; environments: staging)")
    ]


def test_the_sandbox_refuses_unsafe_access_and_huge_values() -> None:
    _, faults = render(
        {
            "a": "{{ ''.__class__ }}",
            "b": "{{ 'x' * 100000000 }}",
            "c": "{{ 10 ** 100000 }}",
            "d": "{{ 1 / 0 }}",
        },
        {},
    )
    assert faults == [
        (
            ("a",),
            "template not allowed: access to attribute '__class__' of 'str' object is unsafe.",
        ),
        (("b",), "template not allowed: a value would exceed 1,000,000 characters"),
        (("c",), "template not allowed: a number would exceed 4,300 digits"),
        (("d",), "template error: division by zero"),
    ]


def test_syntax_errors_name_the_template_line() -> None:
    _, faults = render({"sop": "one\n{% if x %}\nthree\n"}, {})
    ((path, reason),) = faults
    assert path == ("sop",)
    assert reason.startswith("template syntax error: Unexpected end of template.")
    assert reason.endswith("(template line 2)")


def test_each_distinct_template_renders_once() -> None:
    renderer = TemplateRenderer({"r": "1"})
    calls = 0
    original = renderer._render

    def counting(source: str) -> Any:
        nonlocal calls
        calls += 1
        return original(source)

    renderer._render = counting  # type: ignore[method-assign]
    data = [{"x": "v{{ vars.r }}"} for _ in range(50)]
    assert renderer.render_in_place(data) == []
    assert calls == 1
    assert all(item == {"x": "v1"} for item in data)


def test_the_manifest_set_has_one_cpu_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    from duvoform.manifest import template_limits

    monkeypatch.setattr(template_limits, "SET_SECONDS", 0.2)
    busy = "{% for i in range(100000) %}{% set _ = ('a' * 99999).replace('a', 'b') %}{% endfor %}"
    _, faults = render({"a": busy, "b": busy + "{{ 1 }}"}, {})
    assert faults == [
        (
            (key,),
            "template not allowed: the templates of this manifest set took more than 0.2 s of CPU",
        )
        for key in ("a", "b")
    ]


def test_ordinary_templates_stay_within_the_limits() -> None:
    source = (
        "{% macro row(n) %}{{ '%-10s|%5d' % ('r', n) }}{{ '{:>8}'.format(n) }}{% endmacro %}"
        "{% for i in range(200) %}{{ row(i) }}{{ 'x'.center(20) ~ ('ab' * 10) }}{% endfor %}"
        "{{ vars.names | join(', ') }}"
    )
    out, faults = render({"a": source}, {"names": ["a", "b"]})
    assert faults == []
    assert out["a"].endswith("a, b")
    assert len(out["a"]) > 10_000


_PIECES = (
    "Acme ",
    "{",
    "}",
    "{{ vars.a }}",
    "{{vars.b}}",
    "{{\n vars.a\t}}",
    "{{ vars.missing }}",
    "{{ vars.n }}",
    "{{ vars.big }}",
    "{{ vars.a | upper }}",
    "{{- vars.a }}",
    "{{ vars.a -}}",
    "\r\n",
    "\n",
    "{%",
    "{#",
    " %}",
    "}}",
)
_VARS: dict[str, Any] = {"a": "x{{ y }}", "b": "", "n": 7, "big": "z" * 600_000}


@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6))
@settings(max_examples=300, deadline=None)
def test_variable_only_templates_render_as_jinja2_does(parts: list[str]) -> None:
    # The substitution fast path must agree with jinja2 itself: same text, or an error.
    source = "".join(parts)
    assume(is_templated(source))  # other strings are left as they are
    jinja = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True)
    try:
        expected: str | None = jinja.from_string(source).render(vars=_VARS)
    except Exception:
        expected = None
    data = [source]
    renderer = TemplateRenderer(_VARS)
    faults = renderer.render_in_place(data)
    if expected is None:
        assert faults
    else:
        assert faults == []
        assert data == [expected]


def test_a_variable_named_like_a_dict_method_renders_as_jinja2_does() -> None:
    out, faults = render(["{{ vars.items }}"], {"items": "mine"})
    assert faults == []
    assert out[0].startswith("<built-in method items of")


def test_variable_only_templates_note_the_variables_they_read() -> None:
    renderer = TemplateRenderer({"a": "1", "b": "2", "c": "3"})
    assert renderer.render_in_place(["{{ vars.a }}-{{vars.b}}", "plain {{ c }}"]) != []
    assert renderer.variables_read == {"a", "b"}
