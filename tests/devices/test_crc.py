"""CRC-16/CCITT-FALSE against the published check value and the vectors in PROTOCOL.md."""

from __future__ import annotations

import pytest

from devices.crc import crc16_ccitt_false


@pytest.mark.parametrize(
    ("data", "crc"),
    [
        (b"123456789", 0x29B1),  # the CRC catalogue's check value for CRC-16/CCITT-FALSE
        (b"", 0xFFFF),
        (b"A", 0xB915),
        (b"W,SHELF1,2,1234,c,-123456,01", 0x0BAF),
        (b"W,BAG,0,65535,g,1250.5,03", 0x2F3E),
        (b"W,B1,0,7,c,0,08", 0x773F),
        (b"I,SHELF1,1.0.0,4,80", 0xF922),
    ],
)
def test_vectors(data: bytes, crc: int) -> None:
    assert crc16_ccitt_false(data) == crc


def test_continues_over_chunks() -> None:
    data = b"W,SHELF1,2,1234,c,-123456,01"
    assert crc16_ccitt_false(data[10:], crc16_ccitt_false(data[:10])) == crc16_ccitt_false(data)


def test_every_single_bit_flip_changes_the_crc() -> None:
    data = bytearray(b"W,BAG,0,65535,g,1250.5,03")
    good = crc16_ccitt_false(bytes(data))
    for i in range(len(data)):
        for bit in range(8):
            data[i] ^= 1 << bit
            assert crc16_ccitt_false(bytes(data)) != good
            data[i] ^= 1 << bit
