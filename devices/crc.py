"""CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, not reflected, no final XOR) for wire frames."""

from __future__ import annotations

POLY = 0x1021
INIT = 0xFFFF


def _table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ POLY) if crc & 0x8000 else (crc << 1)
        table.append(crc & 0xFFFF)
    return tuple(table)


_TABLE = _table()


def crc16_ccitt_false(data: bytes, crc: int = INIT) -> int:
    """CRC of `data`; pass a previous result as `crc` to continue over several chunks.

    Check value (the catalogue's "123456789") is 0x29B1.
    """
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _TABLE[((crc >> 8) ^ byte) & 0xFF]
    return crc
