from __future__ import annotations

from pathlib import Path

import pytest

from duvoform.errors import SecretError
from duvoform.kinds import SecretRef
from duvoform.manifest import resolve_secret

SENTINEL = "s3cr3t-value-never-shown"


def test_env_references_read_the_environment() -> None:
    ref = SecretRef(env="DUVO_TEST_TOKEN")
    assert (
        resolve_secret(ref, source=None, root=Path("."), environ={"DUVO_TEST_TOKEN": SENTINEL})
        == SENTINEL
    )
    with pytest.raises(SecretError, match=r"^environment variable DUVO_TEST_TOKEN is not set"):
        resolve_secret(ref, source=None, root=Path("."), environ={})
    with pytest.raises(SecretError, match="is set but empty"):
        resolve_secret(ref, source=None, root=Path("."), environ={"DUVO_TEST_TOKEN": ""})
    with pytest.raises(SecretError, match="DUVO_TEST_TOKEN is not valid UTF-8"):
        resolve_secret(ref, source=None, root=Path("."), environ={"DUVO_TEST_TOKEN": "a\udcff"})
    with pytest.raises(SecretError, match="DUVO_TEST_TOKEN holds a line break or NUL"):
        resolve_secret(ref, source=None, root=Path("."), environ={"DUVO_TEST_TOKEN": "a\r\nb"})


def test_file_references_are_relative_to_the_manifest_and_stay_in_the_root(tmp_path: Path) -> None:
    (tmp_path / "team/secrets").mkdir(parents=True)
    (tmp_path / "team/secrets/token").write_text(SENTINEL + "\n")
    source = tmp_path / "team/connections.yaml"
    assert resolve_secret(SecretRef(file="secrets/token"), source=source, root=tmp_path) == SENTINEL
    (tmp_path.parent / "outside-token").write_text(SENTINEL)
    for ref, message in [
        (
            SecretRef(file="../../outside-token"),
            'secret file: "../../outside-token" points outside the manifest root',
        ),
        (SecretRef(file="secrets/missing"), 'secret file: file "secrets/missing" does not exist'),
    ]:
        with pytest.raises(SecretError) as exc:
            resolve_secret(ref, source=source, root=tmp_path)
        assert exc.value.render() == message
        assert SENTINEL not in exc.value.render()
    (tmp_path / "team/secrets/empty").write_text("\n")
    with pytest.raises(SecretError, match="is empty"):
        resolve_secret(SecretRef(file="secrets/empty"), source=source, root=tmp_path)
