// CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, not reflected, no final XOR.
// Check value: crc16_ccitt_false("123456789", 9) == 0x29B1. Same as devices/crc.py.
#pragma once
#include <stddef.h>
#include <stdint.h>

static inline uint16_t crc16_ccitt_false(const char *data, size_t len, uint16_t crc = 0xFFFF) {
  for (size_t i = 0; i < len; i++) {
    crc ^= (uint16_t)((uint8_t)data[i]) << 8;
    for (uint8_t bit = 0; bit < 8; bit++) {
      crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    }
  }
  return crc;
}
