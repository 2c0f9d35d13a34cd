/* data.h - the values a run moves: seeded synthetic tensors, the golden reference
 * convolution, and requantization. Activations and weights are signed words of
 * data.word_bits; psums are 32-bit and wrap. An output of filter m is
 *
 *   q = saturate((psum + bias[m]) >> shift), then max(q, 0) when the layer has ReLU,
 *
 * where psum + bias[m] is added in 32 bits and wraps as the psum does (both taken as
 * two's-complement int32: the sum is (uint32_t)psum + (uint32_t)bias[m], then read
 * as an int32), >> is an arithmetic shift (toward minus infinity) by 0 to 31, and
 * saturate clamps to the word range -2^(word_bits-1) .. 2^(word_bits-1)-1. With no
 * bias, bias[m] is 0. */
#ifndef EY_DATA_H
#define EY_DATA_H

#include "sim/base/ey_arch.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ey_tensors {
  int16_t *ifmap;   /* [N][C][H][W] */
  int16_t *weights; /* [M][C/groups][R][S] */
  int32_t *bias;    /* [M]: added to every psum of filter m before the shift; NULL: none */
  int shift;        /* requantization shift of this layer, 0 to 31 */
} ey_tensors;

/* Fills ifmap and weights from `seed` and the layer's name (so every layer gets
 * its own data): ifmap values are 0 with probability `zeros`, otherwise in
 * 1 .. mag, the way post-ReLU activations are non-negative; weights are in
 * -mag .. +mag, where mag = 2^(word_bits/2-1)-1, or 1 for words of 2 and 3 bits.
 * The shift is ey_requant_shift()'s and there is no bias (NULL). Returns
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

/* The shift that maps the largest possible psum of the layer's synthetic data
 * (ey_tensors_make) into a word. */
int ey_requant_shift(const ey_layer *l, int word_bits);
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

/* The golden reference: plain loops. raw: [N][M][E][F] 32-bit psums, without the
 * bias; out (may be NULL): the outputs, with t->bias and t->shift. */
void ey_golden_conv(const ey_layer *l, const ey_tensors *t, int word_bits, uint32_t *raw,
                    int16_t *out);

#ifdef __cplusplus
}
#endif
#endif /* EY_DATA_H */
