/* hostops.h - the nodes of a network graph that run on the host between layers
 * (docs/graphs.md, "Host-side arithmetic"): max and average pooling, residual
 * adds, channel concatenation and flattening, on int16 [N][C][H][W] tensors of
 * words of data.word_bits, each with ReLU after it as a flag.
 *
 *   maxpool   the largest word of the window inside the input (padding ignored)
 *   avgpool   the sum of the window's words inside the input divided by their
 *             count, rounded toward minus infinity (Python's //; padding is not
 *             counted, ONNX count_include_pad = 0)
 *   add       the words added, saturated to the word range
 *   concat    the inputs' channels one after another, in input order
 *   flatten   N x (C*H*W) x 1 x 1, the same words in the same (NCHW) order
 *
 * Every function allocates its output (free it with ey_htensor_free) and checks
 * every size it computes: a product over EY_TENSOR_MAX_VALUES values is refused
 * (EY_NOMEM), as are shapes that do not fit together (EY_MISUSE: the network
 * loader checks them first, so they name a caller's mistake). Messages start with
 * the operation ("add: input 2: ..."); the caller puts the node's name before. */
#ifndef EY_HOSTOPS_H
#define EY_HOSTOPS_H

#include "sim/base/ey_arch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One tensor of the host: N images of C channels of H x W words. */
typedef struct ey_htensor {
  int N, C, H, W;
  int16_t *data; /* [N][C][H][W], owned */
} ey_htensor;

/* Allocates t as N x C x H x W words, all 0. EY_OK; EY_MISUSE when a dimension is
 * below 1; EY_NOMEM when out of memory or over EY_TENSOR_MAX_VALUES values. */
ey_rc ey_htensor_alloc(ey_htensor *t, int N, int C, int H, int W, ey_err *err);
/* N*C*H*W, or UINT64_MAX when a dimension is below 1 or the product does not fit. */
uint64_t ey_htensor_values(const ey_htensor *t);
void ey_htensor_free(ey_htensor *t); /* safe on a zeroed or freed one */

/* A pooling window. With `global` the window is the whole input (R = H, S = W,
 * stride 1, pad 0: one output per channel) and R, S, stride and pad are not
 * read. */
typedef struct ey_pool {
  int R, S;   /* window height and width */
  int stride; /* vertical and horizontal */
  int pad;    /* on each side */
  int ceil;   /* 1: output size rounded up (ey_pool_out) */
  int global; /* 1: the window is the whole input */
  int relu;   /* 1: ReLU after */
} ey_pool;

/* The pooling of node n's fields (l.R, l.S, l.stride, l.pad, l.relu, ceil,
 * global). */
ey_pool ey_pool_of_node(const ey_node *n);
/* The output height and width of pooling p over H x W, by ey_pool_out()
 * (sim/base/ey_arch.h: floor or ceil, less one when the last window would start
 * in the padding), after checking what the network loader checks: a window and
 * a stride of 1 or more, a pad from 0 to the window less 1 (so that every window
 * holds at least one element of the input), a window that fits the padded input.
 * EY_OK; EY_MISUSE with "pool: rows: expected ... (got ...)" otherwise. */
ey_rc ey_pool_shape(const ey_pool *p, int H, int W, int *E, int *F, ey_err *err);

/* out = the max or average pooling of `in` (N x C x E x F). */
ey_rc ey_host_maxpool(const ey_htensor *in, const ey_pool *p, ey_htensor *out, ey_err *err);
ey_rc ey_host_avgpool(const ey_htensor *in, const ey_pool *p, ey_htensor *out, ey_err *err);
/* out = the sum of the n >= 2 tensors in[0..n-1], all of one shape, saturated to
 * words of word_bits (2 to 16), then ReLU'd when relu. */
ey_rc ey_host_add(const ey_htensor *const *in, int n, int word_bits, int relu, ey_htensor *out,
                  ey_err *err);
/* out = the n >= 2 tensors in[0..n-1] (same N, H and W) concatenated on
 * channels, in[0]'s first, then ReLU'd when relu. */
ey_rc ey_host_concat(const ey_htensor *const *in, int n, int relu, ey_htensor *out, ey_err *err);
/* out = in as N x (C*H*W) x 1 x 1, then ReLU'd when relu. */
ey_rc ey_host_flatten(const ey_htensor *in, int relu, ey_htensor *out, ey_err *err);

#ifdef __cplusplus
}
#endif
#endif /* EY_HOSTOPS_H */
