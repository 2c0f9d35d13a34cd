/* fuzz_rlc.c - the RLC decoder on arbitrary words: the first four bytes are the
 * tensor's length (up to 2^20 values), the rest 64-bit words. What decodes must
 * code and decode back to the same values. */
#include <stdlib.h>
#include <string.h>

#include "traces/rlc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4) return 0;
  uint64_t n = ((uint64_t)data[0] | (uint64_t)data[1] << 8 | (uint64_t)data[2] << 16 |
                (uint64_t)data[3] << 24) &
               ((1u << 20) - 1);
  size_t nw = (size - 4) / 8;
  uint64_t *w = malloc(sizeof *w * (nw ? nw : 1));
  int16_t *v = malloc(sizeof *v * (size_t)(n ? n : 1));
  if (!w || !v) abort();
  for (size_t i = 0; i < nw; i++) {
    uint64_t x = 0;
    for (int b = 7; b >= 0; b--) x = x << 8 | data[4 + i * 8 + (size_t)b];
    w[i] = x;
  }
  ey_err err;
  ey_rc rc = ey_rlc_decode(w, nw, v, n, &err);
  if (ey_rlc_decode(w, nw, NULL, n, &err) != rc) abort(); /* checking alone agrees */
  if (!rc) {
    uint64_t k = ey_rlc_words(v, n);
    uint64_t *w2 = malloc(sizeof *w2 * (size_t)k);
    int16_t *v2 = malloc(sizeof *v2 * (size_t)(n ? n : 1));
    if (!w2 || !v2) abort();
    if (ey_rlc_encode(v, n, w2) != k || k > (nw ? nw : 1)) abort(); /* never longer */
    if (ey_rlc_decode(w2, k, v2, n, &err) || memcmp(v, v2, sizeof *v * (size_t)n)) abort();
    free(w2);
    free(v2);
  }
  free(w);
  free(v);
  return 0;
}
