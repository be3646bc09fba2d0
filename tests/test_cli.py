from __future__ import annotations

import gc

from click.testing import CliRunner

from duvoform import __version__
from duvoform.cli import cli


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_loading_a_command_leaves_the_garbage_collector_as_it_was() -> None:
    assert gc.isenabled()
    result = CliRunner().invoke(cli, ["graph", "--help"])
    assert result.exit_code == 0
    assert gc.isenabled()
    gc.disable()
    try:
        assert CliRunner().invoke(cli, ["fmt", "--help"]).exit_code == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
