// Load-cell board: up to 4 HX711 ADCs (one per plate), speaking the framed protocol of
// devices/PROTOCOL.md over USB serial. Arduino (AVR, SAMD, RP2040 or ESP32) with the
// Arduino core only; no libraries. Not built in CI: keep it in step with PROTOCOL.md and
// devices/weighing/frames.py by hand (the frame layout, the flag bits, the CRC).
//
// Wiring per plate: HX711 DOUT -> DOUT_PINS[i], PD_SCK -> SCK_PINS[i], VCC 3.3-5 V, GND.
// The HX711's RATE pin sets 10 sps (low, most modules) or 80 sps (high); say which in SPS.
//
// Frames (one line each, ASCII, CRC over the text between '$' and '*'):
//   $W,<board>,<channel>,<seq>,c,<counts>,<flags>*<CRC>\r\n   a sample, raw counts
//   $I,<board>,<firmware>,<channels>,<sps>*<CRC>\r\n           board info, at start and every 5 s

#include "crc16.h"

// ---- per-board settings ------------------------------------------------------------------
static const char BOARD_ID[] = "SHELF1";  // 1-8 of A-Z a-z 0-9 _ -; unique per kiosk
static const char FIRMWARE[] = "1.0.0";
static const uint8_t CHANNELS = 4;
static const uint8_t DOUT_PINS[CHANNELS] = {2, 4, 6, 8};
static const uint8_t SCK_PINS[CHANNELS] = {3, 5, 7, 9};
static const uint8_t SPS = 80;               // 10 or 80: must match the RATE pin
static const long BAUD = 230400;             // 4 plates x 80 sps needs > 115200
static const long OVERLOAD_COUNTS = 8000000;  // near the 24-bit limit: the cell is saturated
static const long UNDERLOAD_COUNTS = -8000000;
static const uint16_t FAULT_MS = 500;        // DOUT stuck high this long: the ADC is gone

// ---- flags (PROTOCOL.md "Flags") ---------------------------------------------------------
static const uint8_t FLAG_STABLE = 0x01;
static const uint8_t FLAG_OVERLOAD = 0x02;
static const uint8_t FLAG_UNDERLOAD = 0x04;
static const uint8_t FLAG_FAULT = 0x08;

// Board-side stability hint: the last 8 samples within STABLE_COUNTS (advisory; the host
// decides stability itself).
static const uint8_t STABLE_WINDOW = 8;
static const long STABLE_COUNTS = 1200;  // about 3 g on a typical 5 kg cell

static uint16_t seq = 0;
static long recent[CHANNELS][STABLE_WINDOW];
static uint8_t filled[CHANNELS];
static uint8_t next_slot[CHANNELS];
static unsigned long last_ready_ms[CHANNELS];
static unsigned long last_info_ms = 0;

static bool hx711_ready(uint8_t ch) { return digitalRead(DOUT_PINS[ch]) == LOW; }

// 24 clock pulses read the value, a 25th selects channel A, gain 128 for the next one.
static long hx711_read(uint8_t ch) {
  unsigned long value = 0;
  noInterrupts();
  for (uint8_t i = 0; i < 24; i++) {
    digitalWrite(SCK_PINS[ch], HIGH);
    delayMicroseconds(1);
    value = (value << 1) | (digitalRead(DOUT_PINS[ch]) == HIGH ? 1 : 0);
    digitalWrite(SCK_PINS[ch], LOW);
    delayMicroseconds(1);
  }
  digitalWrite(SCK_PINS[ch], HIGH);
  delayMicroseconds(1);
  digitalWrite(SCK_PINS[ch], LOW);
  interrupts();
  if (value & 0x800000UL) value |= 0xFF000000UL;  // sign-extend the 24-bit two's complement
  return (long)value;
}

// "$" + body + "*" + 4 upper-case hex digits + "\r\n"
static void send_frame(const char *body) {
  char tail[8];
  snprintf(tail, sizeof(tail), "*%04X\r\n", crc16_ccitt_false(body, strlen(body)));
  Serial.write('$');
  Serial.write(body);
  Serial.write(tail);
}

static void send_info() {
  char body[48];
  snprintf(body, sizeof(body), "I,%s,%s,%u,%u", BOARD_ID, FIRMWARE, CHANNELS, SPS);
  send_frame(body);
}

static bool stable(uint8_t ch, long counts) {
  recent[ch][next_slot[ch]] = counts;
  next_slot[ch] = (next_slot[ch] + 1) % STABLE_WINDOW;
  if (filled[ch] < STABLE_WINDOW) filled[ch]++;
  if (filled[ch] < STABLE_WINDOW) return false;
  long lo = recent[ch][0], hi = recent[ch][0];
  for (uint8_t i = 1; i < STABLE_WINDOW; i++) {
    lo = min(lo, recent[ch][i]);
    hi = max(hi, recent[ch][i]);
  }
  return hi - lo <= STABLE_COUNTS;
}

static void send_sample(uint8_t ch, long counts, uint8_t flags) {
  char body[64];
  seq = (uint16_t)(seq + 1);  // wraps at 65535 -> 0, as the host expects
  snprintf(body, sizeof(body), "W,%s,%u,%u,c,%ld,%02X", BOARD_ID, ch, seq, counts, flags);
  send_frame(body);
}

void setup() {
  Serial.begin(BAUD);
  for (uint8_t ch = 0; ch < CHANNELS; ch++) {
    pinMode(DOUT_PINS[ch], INPUT);
    pinMode(SCK_PINS[ch], OUTPUT);
    digitalWrite(SCK_PINS[ch], LOW);  // SCK high for > 60 us powers the HX711 down
    last_ready_ms[ch] = millis();
  }
  send_info();
  last_info_ms = millis();
}

void loop() {
  unsigned long now = millis();
  for (uint8_t ch = 0; ch < CHANNELS; ch++) {
    if (hx711_ready(ch)) {
      long counts = hx711_read(ch);
      last_ready_ms[ch] = now;
      uint8_t flags = 0;
      if (counts >= OVERLOAD_COUNTS) flags = FLAG_OVERLOAD;
      else if (counts <= UNDERLOAD_COUNTS) flags = FLAG_UNDERLOAD;
      else if (stable(ch, counts)) flags = FLAG_STABLE;
      send_sample(ch, counts, flags);
    } else if (now - last_ready_ms[ch] > FAULT_MS) {
      last_ready_ms[ch] = now;  // report the fault every FAULT_MS while it lasts
      filled[ch] = 0;
      send_sample(ch, 0, FLAG_FAULT);
    }
  }
  if (now - last_info_ms >= 5000) {
    last_info_ms = now;
    send_info();
  }
}
