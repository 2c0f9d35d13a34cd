/* data.c - synthetic tensors, golden convolution, requantization. */
#include "sim/engine/data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/base/ey_checked.h"

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

/* The largest magnitude of a synthetic value: half the word's bits each for an
 * activation and a weight, so that their product fits a word (127 for 16-bit
 * words); at least 1, so that words of 2 and 3 bits hold the values -1, 0, 1. */
static int magnitude(int word_bits) {
  int mag = word_bits >= 4 ? (1 << (word_bits / 2 - 1)) - 1 : 1;
  return mag > 0 ? mag : 1;
}

uint64_t ey_tensor_values(const ey_layer *l, int which) {
  uint64_t f[4];
  if (which == EY_FILTER) {
    f[0] = (uint64_t)l->M;
    f[1] = l->groups > 0 ? (uint64_t)(l->C / l->groups) : 0;
    f[2] = (uint64_t)l->R;
    f[3] = (uint64_t)l->S;
  } else {
    f[0] = (uint64_t)l->N;
    f[1] = which == EY_IFMAP ? (uint64_t)l->C : (uint64_t)l->M;
    f[2] = which == EY_IFMAP ? (uint64_t)l->H : (uint64_t)l->E;
    f[3] = which == EY_IFMAP ? (uint64_t)l->W : (uint64_t)l->F;
  }
  for (int k = 0; k < 4; k++)
    if ((int64_t)f[k] < 1) return UINT64_MAX;
  return ey_mul_n(f, 4);
}

ey_rc ey_tensors_check(const ey_layer *l, ey_err *err) {
  for (int ty = 0; ty < EY_NTYPES; ty++) {
    uint64_t n = ey_tensor_values(l, ty);
    if (n <= EY_TENSOR_MAX_VALUES) continue;
    char got[32];
    if (n == UINT64_MAX)
      snprintf(got, sizeof got, "more than 2^64");
    else
      snprintf(got, sizeof got, "%llu", (unsigned long long)n);
    static const char *const what[EY_NTYPES] = {"ifmap N*C*H*W", "weights M*(C/groups)*R*S",
                                                "ofmap N*M*E*F"};
    return ey_err_set(err, EY_NOMEM, "%s: %s: expected at most %llu values in a tensor (got %s)",
                      l->name, what[ty], (unsigned long long)EY_TENSOR_MAX_VALUES, got);
  }
  return EY_OK;
}

ey_rc ey_tensors_make(ey_tensors *t, const ey_layer *l, int word_bits, uint64_t seed,
                      double zeros) {
  memset(t, 0, sizeof *t);
  /* Sizes are checked before anything is allocated (a product of the documented
   * ranges can pass 2^64). */
  if (ey_tensors_check(l, NULL)) return EY_NOMEM;
  size_t ni = (size_t)ey_tensor_values(l, EY_IFMAP), nw = (size_t)ey_tensor_values(l, EY_FILTER);
  t->ifmap = malloc(ey_alloc_size(ni, sizeof *t->ifmap));
  t->weights = malloc(ey_alloc_size(nw, sizeof *t->weights));
  if (!t->ifmap || !t->weights) {
    ey_tensors_free(t);
    return EY_NOMEM;
  }
  const int mag = magnitude(word_bits);
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
  t->psum_bits = 32;
  return EY_OK;
}

void ey_tensors_free(ey_tensors *t) {
  free(t->ifmap);
  free(t->weights);
  free(t->bias);
  t->ifmap = t->weights = NULL;
  t->bias = NULL;
}

int ey_requant_shift(const ey_layer *l, int word_bits) {
  return ey_requant_shift_arith(l, word_bits, 32, 0);
}

int ey_requant_shift_arith(const ey_layer *l, int word_bits, int psum_bits, int product_shift) {
  const uint64_t mag = (uint64_t)magnitude(word_bits);
  /* A negative product shifted toward minus infinity gains at most 1. */
  const uint64_t term = ((mag * mag) >> product_shift) + (product_shift > 0);
  uint64_t max = term * (uint64_t)(l->C / l->groups) * (uint64_t)l->R * (uint64_t)l->S;
  int bits = 0;
  while ((max >> bits) > 0) bits++;
  if (bits > psum_bits - 1) bits = psum_bits - 1;
  int shift = bits - (word_bits - 1);
  return shift > 0 ? shift : 0;
}

void ey_tensors_arith(ey_tensors *t, const ey_layer *l, int word_bits, int psum_bits,
                      int product_shift) {
  t->psum_bits = psum_bits;
  t->product_shift = product_shift;
  t->shift = ey_requant_shift_arith(l, word_bits, psum_bits, product_shift);
}

/* v >> shift toward minus infinity, written so that it is defined in C for a
 * negative v too. */
static int32_t asr(int32_t v, int shift) {
  return v >= 0 ? (v >> shift) : -(int32_t)((-(int64_t)v - 1) >> shift) - 1;
}

int16_t ey_requant(uint32_t psum, int shift, int word_bits, int relu) {
  int32_t q = asr((int32_t)psum, shift);
  const int32_t hi = (1 << (word_bits - 1)) - 1, lo = -hi - 1;
  if (q > hi) q = hi;
  if (q < lo) q = lo;
  if (relu && q < 0) q = 0;
  return (int16_t)q;
}

int16_t ey_requant_bias(uint32_t psum, int32_t bias, int shift, int word_bits, int relu) {
  return ey_requant(psum + (uint32_t)bias, shift, word_bits, relu);
}

int ey_requant_fit_shift(const ey_layer *l, const uint32_t *raw, const int32_t *bias,
                         int word_bits) {
  const int32_t hi = (1 << (word_bits - 1)) - 1, lo = -hi - 1;
  const size_t plane = (size_t)l->E * (size_t)l->F;
  int shift = 0;
  for (size_t n = 0; n < (size_t)l->N; n++)
    for (size_t m = 0; m < (size_t)l->M; m++) {
      const uint32_t b = bias ? (uint32_t)bias[m] : 0;
      const uint32_t *p = raw + (n * (size_t)l->M + m) * plane;
      for (size_t i = 0; i < plane; i++) {
        const int32_t v = (int32_t)(p[i] + b);
        while (shift < 31 && (asr(v, shift) > hi || asr(v, shift) < lo)) shift++;
      }
    }
  return shift;
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
                acc += (uint32_t)asr(a * w, t->product_shift);
              }
            }
          size_t o = (((size_t)n * l->M + m) * l->E + e) * l->F + f;
          acc = ey_psum_wrap(acc, t->psum_bits ? t->psum_bits : 32);
          raw[o] = acc;
          if (out)
            out[o] = ey_requant_bias(acc, t->bias ? t->bias[m] : 0, t->shift, word_bits, l->relu);
        }
    }
}
