/* ey_checked.h - arithmetic that says when a result does not fit, and the size
 * limits that every reader of tensors shares (docs/traces.md, "Limits").
 *
 * A size computed from input (a header's shape, a layer's dimensions) is a
 * product of numbers a file chose: it is multiplied with these, never with `*`,
 * so that a product too large for 64 bits is an error instead of a small number
 * that a buffer is then sized by. */
#ifndef EY_CHECKED_H
#define EY_CHECKED_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The most values one tensor may hold: an activation-trace tensor, a .npy array,
 * a layer's ifmap or weights (2^32 values, 8 GiB as 16-bit words). */
#define EY_TENSOR_MAX_VALUES ((uint64_t)1 << 32)

/* *out = a * b; returns 1 when the product does not fit 64 bits (*out is then
 * UINT64_MAX), else 0. */
static inline int ey_mul_overflow(uint64_t a, uint64_t b, uint64_t *out) {
#if defined(__GNUC__) /* one instruction; the division below costs tens of cycles */
  if (__builtin_mul_overflow(a, b, out)) {
#else
  if (b && a > UINT64_MAX / b) {
#endif
    *out = UINT64_MAX;
    return 1;
  }
  *out = a * b;
  return 0;
}

/* The product of n factors, or UINT64_MAX when it does not fit 64 bits (callers
 * bound sizes far below UINT64_MAX, so the two cases read alike to them). */
static inline uint64_t ey_mul_n(const uint64_t *f, int n) {
  uint64_t p = 1;
  for (int i = 0; i < n; i++)
    if (ey_mul_overflow(p, f[i], &p)) return UINT64_MAX;
  return p;
}

/* Saturating arithmetic: UINT64_MAX stands for "too large to count" and stays
 * so through every later operation. */
static inline uint64_t ey_sat_mul(uint64_t a, uint64_t b) {
  uint64_t p;
  ey_mul_overflow(a, b, &p);
  return p;
}
static inline uint64_t ey_sat_add(uint64_t a, uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Bytes of `count` elements of `size` bytes, or 0 when that does not fit size_t
 * (count is at least 1 wherever this is used). */
static inline size_t ey_alloc_size(uint64_t count, size_t size) {
  uint64_t b;
  if (ey_mul_overflow(count, (uint64_t)size, &b) || b > (uint64_t)SIZE_MAX) return 0;
  return (size_t)b;
}

#ifdef __cplusplus
}
#endif
#endif /* EY_CHECKED_H */
