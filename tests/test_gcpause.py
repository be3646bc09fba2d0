from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from duvoform.gcpause import paused_gc


@pytest.fixture(autouse=True)
def _restore_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_off_inside_and_back_on_after() -> None:
    gc.enable()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_back_on_after_an_error() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), paused_gc():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    with paused_gc():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_objects_made_meanwhile_are_not_left_for_the_youngest_generation() -> None:
    gc.enable()
    gc.collect()
    with paused_gc():
        made = [[n] for n in range(5_000)]
    oldest = {id(item) for item in gc.get_objects(generation=2)}
    assert id(made[0]) in oldest
    assert gc.get_freeze_count() == 0


def test_objects_the_program_froze_stay_frozen() -> None:
    gc.enable()
    gc.freeze()
    try:
        with paused_gc():
            _ = [[n] for n in range(100)]
        # The count itself may fall meanwhile (a frozen object freed by reference counting);
        # what must not happen is the program's own freeze being undone.
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
