"""Frame encoding and strict parsing; a fuzzer over the decoder (random bytes, truncated
frames, bad CRCs, flipped flags): nothing escapes and no weight comes from a bad frame."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.link import Rejected
from devices.weighing.decoders import FramedDecoder, PlainGramsDecoder
from devices.weighing.frames import (
    BoardInfo,
    Flags,
    FrameError,
    Sample,
    Unit,
    encode_info,
    encode_sample,
    parse_frame,
)

GOOD = b"$W,SHELF1,2,1234,c,-123456,01*0BAF\r\n"

samples = st.builds(
    Sample,
    board=st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True),
    channel=st.integers(0, 15),
    seq=st.integers(0, 0xFFFF),
    unit=st.just(Unit.COUNTS),
    value=st.integers(-(2**23), 2**23 - 1).map(float),
    flags=st.sampled_from([Flags(v) for v in range(16)]),
)


def test_documented_frame_parses() -> None:
    assert parse_frame(GOOD.rstrip(b"\r\n")) == Sample(
        "SHELF1", 2, 1234, Unit.COUNTS, -123456.0, Flags.STABLE
    )


def test_grams_and_info_round_trip() -> None:
    grams = Sample("BAG", 0, 65535, Unit.GRAMS, 1250.5, Flags.STABLE | Flags.OVERLOAD)
    info = BoardInfo("SHELF1", "1.0.0", 4, 80)
    assert parse_frame(encode_sample(grams).rstrip()) == grams
    assert parse_frame(encode_info(info).rstrip()) == info


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (b"$W,SHELF1,2,1234,c,-123456,01*0BAE", "CRC mismatch"),
        (b"$W,SHELF1,2,1234,c,-123456,01*0baf", "upper-case"),
        (b"$W,SHELF1,2,1234,c,-123456,01", "no '*'"),
        (b"W,SHELF1,2,1234,c,-123456,01*0BAF", "does not start"),
        (b"$W,SHELF1,2,1234,c,-123456,01*0BAF" + b"0" * 60, "longer than"),
        (b"$W,SHELF1,2,1234,c,-1\xff3456,01*0BAF", "non-ASCII"),
    ],
)
def test_bad_frames_say_what_is_wrong(line: bytes, problem: str) -> None:
    with pytest.raises(FrameError, match=problem):
        parse_frame(line)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("W,B1,16,1,c,5,00", "channel 16"),
        ("W,B1,0,65536,c,5,00", "sequence number"),
        ("W,B1,0,1,c,5.5,00", "whole number"),
        ("W,B1,0,1,c,9999999,00", "24-bit"),
        ("W,B1,0,1,c,5,10", "unknown flag bits"),
        ("W,B1,0,1,x,5,00", "malformed"),
        ("Q,B1", "malformed"),
    ],
)
def test_well_framed_nonsense_is_refused(body: str, problem: str) -> None:
    from devices.weighing.frames import crc_text

    with pytest.raises(FrameError, match=problem):
        parse_frame(f"${body}*{crc_text(body)}".encode())


@given(st.binary(max_size=400))
@settings(max_examples=400, deadline=None)
def test_random_bytes_never_raise_and_never_give_a_weight(data: bytes) -> None:
    out = FramedDecoder().feed(data)
    for item in out:
        if isinstance(item, Sample):
            # The odds of random bytes forming a frame with a valid CRC are tiny; if they do,
            # the frame must literally be in the input.
            assert encode_sample(item).rstrip(b"\r\n") in data


@given(samples, st.data())
@settings(max_examples=300, deadline=None)
def test_any_single_byte_change_is_rejected(sample: Sample, data: st.DataObject) -> None:
    frame = bytearray(encode_sample(sample))
    i = data.draw(st.integers(1, len(frame) - 3), label="position")  # keep "$" and "\r\n"
    new = data.draw(st.integers(0x20, 0x7E).filter(lambda b: b != frame[i]), label="byte")
    frame[i] = new
    out = FramedDecoder().feed(bytes(frame))
    assert not any(isinstance(x, Sample) for x in out), out


@given(samples, st.integers(0, 15))
@settings(max_examples=200, deadline=None)
def test_flipped_flags_are_rejected(sample: Sample, flip: int) -> None:
    frame = encode_sample(sample).decode()
    body, crc = frame[1:].rstrip("\r\n").split("*")
    flags = int(body[-2:], 16) ^ (flip or 1)
    forged = f"${body[:-2]}{flags:02X}*{crc}\r\n".encode()
    assert all(isinstance(x, Rejected) for x in FramedDecoder().feed(forged))


@given(st.lists(samples, min_size=1, max_size=8), st.binary(max_size=30), st.data())
@settings(max_examples=200, deadline=None)
def test_resynchronises_after_garbage_and_cuts(
    frames: list[Sample], junk: bytes, data: st.DataObject
) -> None:
    """Garbage and a truncated frame before each frame: every whole frame still comes out,
    whatever the chunking of the stream."""
    junk = junk.replace(b"$", b"#")
    stream = b""
    for f in frames:
        encoded = encode_sample(f)
        stream += junk + encoded[: len(encoded) // 2] + encoded
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=10), label="cuts"))
    decoder = FramedDecoder()
    got = []
    for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        got += [x for x in decoder.feed(stream[a:b]) if isinstance(x, Sample)]
    assert got == frames


def test_truncated_frame_then_line_end_is_rejected() -> None:
    out = FramedDecoder().feed(GOOD[:20] + b"\r\n" + GOOD)
    assert [type(x) for x in out] == [Rejected, Sample]


def test_over_long_line_is_dropped_without_growing() -> None:
    decoder = FramedDecoder()
    out = decoder.feed(b"$" + b"A" * 500)
    assert [x.reason for x in out if isinstance(x, Rejected)] == ["line too long"]
    assert decoder.feed(GOOD) == [parse_frame(GOOD.rstrip())]


@pytest.mark.parametrize(
    ("line", "grams", "flags"),
    [
        (b"123.4\n", 123.4, Flags.NONE),
        (b"  -5 g\r\n", -5.0, Flags.NONE),
        (b"1.250 kg\n", 1250.0, Flags.NONE),
        (b"ST,GS,+  123.4 g\r\n", 123.4, Flags.STABLE),
        (b"US,GS,+  120.0 g\r\n", 120.0, Flags.NONE),
        (b"OL,GS,+99999.9 g\r\n", 99999.9, Flags.OVERLOAD),
    ],
)
def test_plain_grams_lines(line: bytes, grams: float, flags: Flags) -> None:
    (sample,) = PlainGramsDecoder("IND1").feed(line)
    assert isinstance(sample, Sample)
    assert sample.value == pytest.approx(grams)
    assert (sample.flags, sample.unit, sample.seq, sample.board) == (
        flags,
        Unit.GRAMS,
        None,
        "IND1",
    )


@given(st.binary(max_size=300))
@settings(max_examples=200, deadline=None)
def test_plain_decoder_survives_random_bytes(data: bytes) -> None:
    for item in PlainGramsDecoder("P").feed(data):
        assert isinstance(item, Rejected | Sample)
