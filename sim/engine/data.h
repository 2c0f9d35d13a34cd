/* data.h - the values a run moves: seeded synthetic tensors, the golden reference
 * convolution, and requantization. Activations and weights are signed words of
 * data.word_bits. A psum is a two's-complement value of data.psum_bits (P, 2 to
 * 32 bits) that wraps on overflow:
 *
 *   psum = wrap_P( sum over c, r, s of (ifmap * weight) >> product_shift ),
 *
 * where each product is exact (it fits 32 bits), >> is an arithmetic shift toward
 * minus infinity, and wrap_P keeps the low P bits and sign-extends them. Because
 * the wrap is modular, the order in which the array adds the terms cannot change a
 * bit. An output of filter m is then
 *
 *   q = saturate((psum + bias[m]) >> shift), then max(q, 0) when the layer has ReLU,
 *
 * where psum + bias[m] is added in 32 bits and wraps (both taken as two's-complement
 * int32: the sum is (uint32_t)psum + (uint32_t)bias[m], then read as an int32), >>
 * is an arithmetic shift by 0 to 31, and saturate clamps to the word range
 * -2^(word_bits-1) .. 2^(word_bits-1)-1. With no bias, bias[m] is 0. */
#ifndef EY_DATA_H
#define EY_DATA_H

#include "sim/base/ey_arch.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ey_tensors {
  int16_t *ifmap;    /* [N][C][H][W] */
  int16_t *weights;  /* [M][C/groups][R][S] */
  int32_t *bias;     /* [M]: added to every psum of filter m before the shift; NULL: none */
  int shift;         /* requantization shift of this layer, 0 to 31 */
  int psum_bits;     /* the psum width P, 2 to 32 (ey_tensors_make: 32) */
  int product_shift; /* each product's shift before it is added (ey_tensors_make: 0) */
} ey_tensors;

/* v's low `bits` bits (2 to 32) sign-extended, as a 32-bit pattern: what a
 * two's-complement register of that width holds after adding the same terms. */
static inline uint32_t ey_psum_wrap(uint32_t v, int bits) {
  if (bits >= 32) return v;
  const uint32_t sign = 1u << (bits - 1), low = (sign << 1) - 1u;
  return ((v & low) ^ sign) - sign;
}

/* Fills ifmap and weights from `seed` and the layer's name (so every layer gets
 * its own data): ifmap values are 0 with probability `zeros`, otherwise in
 * 1 .. mag, the way post-ReLU activations are non-negative; weights are in
 * -mag .. +mag, where mag = 2^(word_bits/2-1)-1, or 1 for words of 2 and 3 bits.
 * Psums are 32 bits, products unshifted (ey_tensors_arith() sets the arch's),
 * the shift is ey_requant_shift()'s and there is no bias (NULL). Returns
 * EY_NOMEM when out of memory or when ey_tensors_check() refuses the layer
 * (checked before anything is allocated). */
ey_rc ey_tensors_make(ey_tensors *t, const ey_layer *l, int word_bits, uint64_t seed, double zeros);
/* Values of the layer's ifmap (EY_IFMAP: N*C*H*W), weights (EY_FILTER:
 * M*(C/groups)*R*S) or ofmap (EY_PSUM: N*M*E*F), or UINT64_MAX when the product
 * does not fit 64 bits. */
uint64_t ey_tensor_values(const ey_layer *l, int which);
/* EY_OK when each of the three tensors holds at most EY_TENSOR_MAX_VALUES
 * values, else EY_NOMEM with "LAYER: ifmap N*C*H*W: expected at most LIMIT values
 * in a tensor (got V)" in err (err may be NULL). */
ey_rc ey_tensors_check(const ey_layer *l, ey_err *err);
/* Frees ifmap, weights and bias (each may be NULL) and sets them NULL. */
void ey_tensors_free(ey_tensors *t);

/* Sets t's psum width and product shift (the arch's data.psum_bits and
 * data.product_shift) and the requantization shift that goes with them,
 * ey_requant_shift_arith(). */
void ey_tensors_arith(ey_tensors *t, const ey_layer *l, int word_bits, int psum_bits,
                      int product_shift);

/* The shift that maps the largest possible psum of the layer's synthetic data
 * (ey_tensors_make) into a word, with 32-bit psums and unshifted products. */
int ey_requant_shift(const ey_layer *l, int word_bits);
/* The same with products shifted by `product_shift` and psums of `psum_bits`
 * (a psum's magnitude is then below 2^(psum_bits-1) whatever the data). */
int ey_requant_shift_arith(const ey_layer *l, int word_bits, int psum_bits, int product_shift);
/* A psum (the bias already added) made an output word: shifted right by `shift`
 * (0 to 31, arithmetic), saturated to a word, ReLU'd when `relu`. */
int16_t ey_requant(uint32_t psum, int shift, int word_bits, int relu);
/* The output word of a psum of a filter with bias `bias` (0 for none), as at the
 * top of this file: ey_requant(psum + (uint32_t)bias, ...), the add wrapping. */
int16_t ey_requant_bias(uint32_t psum, int32_t bias, int shift, int word_bits, int relu);

/* The smallest shift, 0 to 31, for which every psum + bias (as above) of the
 * layer's outputs fits a word before saturating: quant.yaml's `shift: auto`
 * (docs/graphs.md). raw: [N][M][E][F] psums (the golden convolution's); bias: [M],
 * or NULL for none. */
int ey_requant_fit_shift(const ey_layer *l, const uint32_t *raw, const int32_t *bias,
                         int word_bits);

/* The golden reference: plain loops. raw: [N][M][E][F] psums (t->psum_bits wide,
 * sign-extended to 32, t->product_shift applied), without the bias; out (may be
 * NULL): the outputs, with t->bias and t->shift. */
void ey_golden_conv(const ey_layer *l, const ey_tensors *t, int word_bits, uint32_t *raw,
                    int16_t *out);

#ifdef __cplusplus
}
#endif
#endif /* EY_DATA_H */
