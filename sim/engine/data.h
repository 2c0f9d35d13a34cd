/* data.h - the values a run moves: seeded synthetic tensors, the golden reference
 * convolution, and requantization. Activations and weights are signed words of
 * data.word_bits; psums are 32-bit and wrap; an output is the psum shifted right
 * (arithmetic), saturated to a word, then ReLU'd when the layer says so. */
#ifndef EY_DATA_H
#define EY_DATA_H

#include "sim/base/ey_arch.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ey_tensors {
  int16_t *ifmap;   /* [N][C][H][W] */
  int16_t *weights; /* [M][C/groups][R][S] */
  int shift;        /* requantization shift of this layer */
} ey_tensors;

/* Fills ifmap and weights from `seed` and the layer's name (so every layer gets
 * its own data): ifmap values are 0 with probability `zeros`, otherwise in
 * 1 .. mag, the way post-ReLU activations are non-negative; weights are in
 * -mag .. +mag, where mag = 2^(word_bits/2-1)-1, or 1 for words of 2 and 3 bits.
 * Returns EY_NOMEM when out of memory or when ey_tensors_check() refuses the
 * layer (checked before anything is allocated). */
ey_rc ey_tensors_make(ey_tensors *t, const ey_layer *l, int word_bits, uint64_t seed, double zeros);
/* Values of the layer's ifmap (EY_IFMAP: N*C*H*W), weights (EY_FILTER:
 * M*(C/groups)*R*S) or ofmap (EY_PSUM: N*M*E*F), or UINT64_MAX when the product
 * does not fit 64 bits. */
uint64_t ey_tensor_values(const ey_layer *l, int which);
/* EY_OK when each of the three tensors holds at most EY_TENSOR_MAX_VALUES
 * values, else EY_NOMEM with "LAYER: ifmap N*C*H*W: expected at most LIMIT values
 * in a tensor (got V)" in err (err may be NULL). */
ey_rc ey_tensors_check(const ey_layer *l, ey_err *err);
void ey_tensors_free(ey_tensors *t);

/* The shift that maps the largest possible psum of the layer into a word. */
int ey_requant_shift(const ey_layer *l, int word_bits);
/* A psum made an output word. */
int16_t ey_requant(uint32_t psum, int shift, int word_bits, int relu);

/* The golden reference: plain loops. raw: [N][M][E][F] 32-bit psums; out (may be
 * NULL): the requantized outputs. */
void ey_golden_conv(const ey_layer *l, const ey_tensors *t, int word_bits, uint32_t *raw,
                    int16_t *out);

#ifdef __cplusplus
}
#endif
#endif /* EY_DATA_H */
