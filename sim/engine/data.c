/* data.c - synthetic tensors, golden convolution, requantization. */
#include "sim/engine/data.h"

#include <stdlib.h>
#include <string.h>

/* splitmix64: a small, well-mixed generator whose stream depends only on its seed. */
static uint64_t next(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static uint64_t hash_name(const char *s) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

ey_rc ey_tensors_make(ey_tensors *t, const ey_layer *l, int word_bits, uint64_t seed,
                      double zeros) {
  memset(t, 0, sizeof *t);
  size_t ni = (size_t)l->N * l->C * l->H * l->W,
         nw = (size_t)l->M * (l->C / l->groups) * l->R * l->S;
  t->ifmap = malloc(sizeof *t->ifmap * ni);
  t->weights = malloc(sizeof *t->weights * nw);
  if (!t->ifmap || !t->weights) {
    ey_tensors_free(t);
    return EY_NOMEM;
  }
  const int mag = (1 << (word_bits / 2 - 1)) - 1; /* 127 for 16-bit words */
  uint64_t s = seed ^ hash_name(l->name);
  /* A zero fraction compared in 2^-53 steps: 0 gives no zeros, 1 all zeros. */
  const uint64_t cut = (uint64_t)(zeros * 9007199254740992.0);
  for (size_t i = 0; i < ni; i++) {
    uint64_t r = next(&s);
    t->ifmap[i] = (r >> 11) < cut ? 0 : (int16_t)(1 + (int)(next(&s) % (uint64_t)mag));
  }
  /* Weights from a stream of their own: they depend on the seed and the layer,
   * not on the activations (so a replayed trace meets the same weights). */
  uint64_t sw = (seed ^ hash_name(l->name)) * 0x9E3779B97F4A7C15ull + 0x5EED;
  for (size_t i = 0; i < nw; i++)
    t->weights[i] = (int16_t)((int)(next(&sw) % (uint64_t)(2 * mag + 1)) - mag);
  t->shift = ey_requant_shift(l, word_bits);
  return EY_OK;
}

void ey_tensors_free(ey_tensors *t) {
  free(t->ifmap);
  free(t->weights);
  t->ifmap = t->weights = NULL;
}

int ey_requant_shift(const ey_layer *l, int word_bits) {
  const uint64_t mag = (1u << (word_bits / 2 - 1)) - 1;
  uint64_t max = mag * mag * (uint64_t)(l->C / l->groups) * (uint64_t)l->R * (uint64_t)l->S;
  int bits = 0;
  while ((max >> bits) > 0) bits++;
  int shift = bits - (word_bits - 1);
  return shift > 0 ? shift : 0;
}

int16_t ey_requant(uint32_t psum, int shift, int word_bits, int relu) {
  int32_t v = (int32_t)psum;
  /* Arithmetic shift of a negative value, written so it is defined in C. */
  int32_t q = v >= 0 ? (v >> shift) : -(int32_t)((-(int64_t)v - 1) >> shift) - 1;
  const int32_t hi = (1 << (word_bits - 1)) - 1, lo = -hi - 1;
  if (q > hi) q = hi;
  if (q < lo) q = lo;
  if (relu && q < 0) q = 0;
  return (int16_t)q;
}

void ey_golden_conv(const ey_layer *l, const ey_tensors *t, int word_bits, uint32_t *raw,
                    int16_t *out) {
  const int Cg = l->C / l->groups, Mg = l->M / l->groups;
  for (int n = 0; n < l->N; n++)
    for (int m = 0; m < l->M; m++) {
      const int g = m / Mg;
      for (int e = 0; e < l->E; e++)
        for (int f = 0; f < l->F; f++) {
          uint32_t acc = 0;
          for (int c = 0; c < Cg; c++)
            for (int r = 0; r < l->R; r++) {
              int y = e * l->stride + r - l->pad;
              if (y < 0 || y >= l->H) continue;
              for (int s = 0; s < l->S; s++) {
                int x = f * l->stride + s - l->pad;
                if (x < 0 || x >= l->W) continue;
                int32_t a =
                    t->ifmap[(((size_t)n * l->C + (size_t)g * Cg + c) * l->H + y) * l->W + x];
                int32_t w = t->weights[(((size_t)m * Cg + c) * l->R + r) * l->S + s];
                acc += (uint32_t)(a * w);
              }
            }
          size_t o = (((size_t)n * l->M + m) * l->E + e) * l->F + f;
          raw[o] = acc;
          if (out) out[o] = ey_requant(acc, t->shift, word_bits, l->relu);
        }
    }
}
