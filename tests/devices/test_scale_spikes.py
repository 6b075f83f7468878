"""A lone over- or underloaded sample is an ADC spike, not a lifted or overloaded plate."""

from __future__ import annotations

from devices.weighing.frames import Flags, Sample, Unit
from devices.weighing.scale import ScaleProcessor, ScaleSettings


def sample(seq: int, grams: float, flags: Flags = Flags.NONE) -> Sample:
    return Sample("BAG1", 0, seq, Unit.GRAMS, grams, flags)


def feed_steady(processor: ScaleProcessor, grams: float, start: int, count: int) -> list[object]:
    return [processor.feed(sample(start + i, grams), (start + i) / 80) for i in range(count)]


def test_one_flagged_sample_is_dropped() -> None:
    processor = ScaleProcessor("bag", ScaleSettings(), None)
    readings = feed_steady(processor, 345.0, 0, 80)
    assert any(r is not None and r.stable for r in readings)  # type: ignore[attr-defined]
    assert processor.feed(sample(80, -2900.0, Flags.UNDERLOAD), 1.0) is None
    after = [r for r in feed_steady(processor, 345.0, 81, 40) if r is not None]
    assert all(not r.underload for r in after)  # type: ignore[attr-defined]


def test_flags_that_last_are_reported() -> None:
    processor = ScaleProcessor("bag", ScaleSettings(flagged_samples=3), None)
    feed_steady(processor, 345.0, 0, 80)
    out = [processor.feed(sample(80 + i, 20000.0, Flags.OVERLOAD), 1 + i / 80) for i in range(3)]
    assert out[:2] == [None, None]
    assert out[2] is not None
    assert out[2].overload
    assert not out[2].usable
