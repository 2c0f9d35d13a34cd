/* rlc.c - the Eyeriss run-length codec. */
#include "traces/rlc.h"

#include <inttypes.h>
#include <string.h>

uint64_t ey_rlc_pack(const int run[3], const int16_t level[3], int term) {
  uint64_t w = 0;
  for (int k = 0; k < 3; k++)
    w |= ((uint64_t)(run[k] & 0x1F) | (uint64_t)(uint16_t)level[k] << 5) << (21 * k);
  return w | (uint64_t)(term != 0) << 63;
}

void ey_rlc_unpack(uint64_t w, int run[3], int16_t level[3], int *term) {
  for (int k = 0; k < 3; k++) {
    uint64_t pair = w >> (21 * k);
    run[k] = (int)(pair & 0x1F);
    level[k] = (int16_t)(uint16_t)(pair >> 5);
  }
  *term = (int)(w >> 63);
}

/* Walks the values as pairs; calls emit(ctx, run, level) for each. Trailing zeros
 * are coded too, as (run, 0) pairs, so a stream always accounts for every value. */
static void pairs(const int16_t *v, uint64_t n, void (*emit)(void *, int, int16_t), void *ctx) {
  uint64_t zeros = 0;
  for (uint64_t i = 0; i < n; i++) {
    if (v[i] == 0) {
      zeros++;
      continue;
    }
    while (zeros > EY_RLC_RUN_MAX) { /* 31 zeros and a zero level: 32 values */
      emit(ctx, EY_RLC_RUN_MAX, 0);
      zeros -= EY_RLC_RUN_MAX + 1;
    }
    emit(ctx, (int)zeros, v[i]);
    zeros = 0;
  }
  while (zeros > 0) { /* (k, 0) is k + 1 zeros */
    uint64_t k = zeros - 1 > EY_RLC_RUN_MAX ? EY_RLC_RUN_MAX : zeros - 1;
    emit(ctx, (int)k, 0);
    zeros -= k + 1;
  }
}

static void count_pair(void *ctx, int run, int16_t level) {
  (void)run;
  (void)level;
  (*(uint64_t *)ctx)++;
}

uint64_t ey_rlc_words_max(uint64_t n) {
  return n ? n / 3 + (n % 3 != 0) : 1;
}

uint64_t ey_rlc_stream_words(const uint64_t *in, uint64_t max) {
  for (uint64_t i = 0; i < max; i++)
    if (in[i] >> 63) return i + 1;
  return 0;
}

uint64_t ey_rlc_pairs(const int16_t *v, uint64_t n) {
  uint64_t np = 0;
  pairs(v, n, count_pair, &np);
  return np;
}

uint64_t ey_rlc_words(const int16_t *v, uint64_t n) {
  const uint64_t np = ey_rlc_pairs(v, n);
  return np ? (np + 2) / 3 : 1;
}

typedef struct packer {
  uint64_t *out, words;
  int run[3], k;
  int16_t level[3];
} packer;

static void put_pair(void *ctx, int run, int16_t level) {
  packer *p = ctx;
  p->run[p->k] = run;
  p->level[p->k] = level;
  if (++p->k == 3) {
    p->out[p->words++] = ey_rlc_pack(p->run, p->level, 0);
    p->k = 0;
  }
}

uint64_t ey_rlc_encode(const int16_t *v, uint64_t n, uint64_t *out) {
  packer p;
  memset(&p, 0, sizeof p);
  p.out = out;
  pairs(v, n, put_pair, &p);
  if (p.k || !p.words) { /* the last, partly filled word: (0, 0) in the rest */
    for (int k = p.k; k < 3; k++) {
      p.run[k] = 0;
      p.level[k] = 0;
    }
    p.out[p.words++] = ey_rlc_pack(p.run, p.level, 0);
  }
  p.out[p.words - 1] |= (uint64_t)1 << 63;
  return p.words;
}

ey_rc ey_rlc_decode(const uint64_t *in, uint64_t words, int16_t *v, uint64_t n, ey_err *err) {
  uint64_t at = 0;
  for (uint64_t w = 0; w < words; w++) {
    int run[3], term;
    int16_t level[3];
    ey_rlc_unpack(in[w], run, level, &term);
    if (term && w + 1 < words)
      return ey_err_set(err, EY_SYNTAX,
                        "word %" PRIu64 ": term bit set before the last word (%" PRIu64 " words)",
                        w, words);
    for (int k = 0; k < 3; k++) {
      if (at == n) { /* past the tensor: only padding, and only in the last word */
        if (run[k] || level[k])
          return ey_err_set(err, EY_SYNTAX,
                            "word %" PRIu64 ": data after the tensor's %" PRIu64 " values", w, n);
        continue;
      }
      if (at + (uint64_t)run[k] + 1 > n)
        return ey_err_set(err, EY_SYNTAX,
                          "word %" PRIu64 ": a run of %d zeros overflows the tensor's %" PRIu64
                          " values",
                          w, run[k], n);
      if (v) {
        for (int z = 0; z < run[k]; z++) v[at + (uint64_t)z] = 0;
        v[at + (uint64_t)run[k]] = level[k];
      }
      at += (uint64_t)run[k] + 1;
    }
    if (at == n && w + 1 < words)
      return ey_err_set(err, EY_SYNTAX,
                        "word %" PRIu64 ": %" PRIu64 " words left after the tensor's %" PRIu64
                        " values",
                        w + 1, words - w - 1, n);
    if (w + 1 == words && !term)
      return ey_err_set(err, EY_SYNTAX, "word %" PRIu64 ": the last word has no term bit", w);
  }
  if (at < n)
    return ey_err_set(err, EY_SYNTAX,
                      "word %" PRIu64 ": the stream ends after %" PRIu64 " of %" PRIu64 " values",
                      words, at, n);
  return EY_OK;
}
