/* hostops.c - pooling, add, concat and flatten on the host (hostops.h). */
#include "sim/engine/hostops.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t ey_htensor_values(const ey_htensor *t) {
  if (t->N < 1 || t->C < 1 || t->H < 1 || t->W < 1) return UINT64_MAX;
  const uint64_t f[4] = {(uint64_t)t->N, (uint64_t)t->C, (uint64_t)t->H, (uint64_t)t->W};
  return ey_mul_n(f, 4);
}

ey_rc ey_htensor_alloc(ey_htensor *t, int N, int C, int H, int W, ey_err *err) {
  memset(t, 0, sizeof *t);
  if (N < 1 || C < 1 || H < 1 || W < 1)
    return ey_err_set(err, EY_MISUSE,
                      "tensor: expected dimensions of at least 1 (got (%d, %d, %d, %d))", N, C, H,
                      W);
  ey_htensor s = {N, C, H, W, NULL};
  const uint64_t n = ey_htensor_values(&s);
  if (n > EY_TENSOR_MAX_VALUES) {
    char got[32];
    if (n == UINT64_MAX)
      snprintf(got, sizeof got, "more than 2^64");
    else
      snprintf(got, sizeof got, "%llu", (unsigned long long)n);
    return ey_err_set(err, EY_NOMEM,
                      "tensor (%d, %d, %d, %d): expected at most %llu values in a tensor (got %s)",
                      N, C, H, W, (unsigned long long)EY_TENSOR_MAX_VALUES, got);
  }
  const size_t bytes = ey_alloc_size(n, sizeof *t->data);
  s.data = bytes ? calloc((size_t)n, sizeof *t->data) : NULL;
  if (!s.data)
    return ey_err_set(err, EY_NOMEM, "tensor (%d, %d, %d, %d): out of memory", N, C, H, W);
  *t = s;
  return EY_OK;
}

void ey_htensor_free(ey_htensor *t) {
  free(t->data);
  t->data = NULL;
}

ey_pool ey_pool_of_node(const ey_node *n) {
  ey_pool p = {n->l.R, n->l.S, n->l.stride, n->l.pad, n->ceil, n->global, n->l.relu};
  return p;
}

/* The window of p over H x W: height, width, stride, pad. */
static void window(const ey_pool *p, int H, int W, int *R, int *S, int *U, int *P) {
  *R = p->global ? H : p->R;
  *S = p->global ? W : p->S;
  *U = p->global ? 1 : p->stride;
  *P = p->global ? 0 : p->pad;
}

/* 1 when a window k, stride and pad over `in` values has an output size: every
 * window then holds at least one of the values (pad < k; ey_pool_out() drops a
 * last window that would start in the padding). */
static int pool_fits(int in, int k, int stride, int pad) {
  return in >= 1 && k >= 1 && stride >= 1 && pad >= 0 && pad < k &&
         (int64_t)in + 2 * (int64_t)pad <= INT_MAX && k <= in + 2 * pad;
}

ey_rc ey_pool_shape(const ey_pool *p, int H, int W, int *E, int *F, ey_err *err) {
  int R, S, U, P;
  window(p, H, W, &R, &S, &U, &P);
  *E = *F = 0;
  const int rows = pool_fits(H, R, U, P), cols = pool_fits(W, S, U, P);
  if (!rows || !cols)
    return ey_err_set(err, EY_MISUSE,
                      "pool: %s: expected a window of 1 or more, stride 1 or more and pad 0 to "
                      "window-1 that fits the input padded (got input %d, window %d, stride %d, "
                      "pad %d)",
                      !rows ? "rows" : "columns", !rows ? H : W, !rows ? R : S, U, P);
  *E = ey_pool_out(H, R, U, P, p->ceil);
  *F = ey_pool_out(W, S, U, P, p->ceil);
  return EY_OK;
}

/* Floor division of a by b > 0 (Python's //). */
static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

static ey_rc pool(const ey_htensor *in, const ey_pool *p, int avg, ey_htensor *out, ey_err *err) {
  memset(out, 0, sizeof *out);
  if (ey_htensor_values(in) == UINT64_MAX || !in->data)
    return ey_err_set(err, EY_MISUSE, "%s: expected an input tensor (got an empty one)",
                      avg ? "avgpool" : "maxpool");
  int E, F, R, S, U, P;
  ey_rc rc = ey_pool_shape(p, in->H, in->W, &E, &F, err);
  if (rc) return rc;
  rc = ey_htensor_alloc(out, in->N, in->C, E, F, err);
  if (rc) return rc;
  window(p, in->H, in->W, &R, &S, &U, &P);
  const size_t planes = (size_t)in->N * (size_t)in->C;
  for (size_t nc = 0; nc < planes; nc++) {
    const int16_t *src = in->data + nc * (size_t)in->H * (size_t)in->W;
    int16_t *dst = out->data + nc * (size_t)E * (size_t)F;
    for (int e = 0; e < E; e++) {
      /* The window's rows inside the input; ey_pool_out() keeps it nonempty. */
      const int64_t ys = (int64_t)e * U - P, y0 = EY_MAX(ys, 0), y1 = EY_MIN(ys + R, in->H);
      for (int f = 0; f < F; f++) {
        const int64_t xs = (int64_t)f * U - P, x0 = EY_MAX(xs, 0), x1 = EY_MIN(xs + S, in->W);
        int64_t acc = avg ? 0 : INT64_MIN;
        for (int64_t y = y0; y < y1; y++)
          for (int64_t x = x0; x < x1; x++) {
            const int16_t v = src[(size_t)y * (size_t)in->W + (size_t)x];
            if (avg)
              acc += v;
            else if (v > acc)
              acc = v;
          }
        if (avg) acc = floor_div(acc, (y1 - y0) * (x1 - x0));
        if (p->relu && acc < 0) acc = 0;
        dst[(size_t)e * (size_t)F + (size_t)f] = (int16_t)acc;
      }
    }
  }
  return EY_OK;
}

ey_rc ey_host_maxpool(const ey_htensor *in, const ey_pool *p, ey_htensor *out, ey_err *err) {
  return pool(in, p, 0, out, err);
}

ey_rc ey_host_avgpool(const ey_htensor *in, const ey_pool *p, ey_htensor *out, ey_err *err) {
  return pool(in, p, 1, out, err);
}

/* Checks in[0..n-1] for an op of 2 or more inputs: each a tensor, and the same
 * N, H and W as in[0], and the same C too when same_c. */
static ey_rc check_inputs(const char *op, const ey_htensor *const *in, int n, int same_c,
                          ey_err *err) {
  if (n < 2 || !in)
    return ey_err_set(err, EY_MISUSE, "%s: expected 2 or more inputs (got %d)", op, in ? n : 0);
  for (int i = 0; i < n; i++) {
    const ey_htensor *t = in[i];
    if (!t || !t->data || ey_htensor_values(t) == UINT64_MAX)
      return ey_err_set(err, EY_MISUSE, "%s: input %d: expected a tensor (got an empty one)", op,
                        i + 1);
    if (t->N != in[0]->N || t->H != in[0]->H || t->W != in[0]->W || (same_c && t->C != in[0]->C))
      return ey_err_set(err, EY_MISUSE,
                        "%s: input %d: expected the shape%s of input 1, (%d, %d, %d, %d) (got (%d, "
                        "%d, %d, %d))",
                        op, i + 1, same_c ? "" : " (but for C)", in[0]->N, in[0]->C, in[0]->H,
                        in[0]->W, t->N, t->C, t->H, t->W);
  }
  return EY_OK;
}

ey_rc ey_host_add(const ey_htensor *const *in, int n, int word_bits, int relu, ey_htensor *out,
                  ey_err *err) {
  memset(out, 0, sizeof *out);
  if (word_bits < 2 || word_bits > 16)
    return ey_err_set(err, EY_MISUSE, "add: word bits: expected 2 to 16 (got %d)", word_bits);
  ey_rc rc = check_inputs("add", in, n, 1, err);
  if (!rc) rc = ey_htensor_alloc(out, in[0]->N, in[0]->C, in[0]->H, in[0]->W, err);
  if (rc) return rc;
  const int64_t hi = ((int64_t)1 << (word_bits - 1)) - 1, lo = -hi - 1;
  const uint64_t count = ey_htensor_values(out);
  for (uint64_t i = 0; i < count; i++) {
    int64_t s = 0; /* n int16 words: no overflow below 2^47 inputs */
    for (int k = 0; k < n; k++) s += in[k]->data[i];
    s = s > hi ? hi : s < lo ? lo : s;
    if (relu && s < 0) s = 0;
    out->data[i] = (int16_t)s;
  }
  return EY_OK;
}

ey_rc ey_host_concat(const ey_htensor *const *in, int n, int relu, ey_htensor *out, ey_err *err) {
  memset(out, 0, sizeof *out);
  ey_rc rc = check_inputs("concat", in, n, 0, err);
  if (rc) return rc;
  int64_t C = 0;
  for (int k = 0; k < n; k++) C += in[k]->C;
  if (C > INT_MAX)
    return ey_err_set(err, EY_NOMEM, "concat: channels: expected at most %d (got %lld)", INT_MAX,
                      (long long)C);
  rc = ey_htensor_alloc(out, in[0]->N, (int)C, in[0]->H, in[0]->W, err);
  if (rc) return rc;
  const size_t plane = (size_t)out->H * (size_t)out->W;
  int16_t *dst = out->data;
  for (int im = 0; im < out->N; im++)
    for (int k = 0; k < n; k++) {
      const size_t block = (size_t)in[k]->C * plane; /* input k's channels of image im */
      memcpy(dst, in[k]->data + (size_t)im * block, sizeof *dst * block);
      dst += block;
    }
  if (relu) {
    const uint64_t count = ey_htensor_values(out);
    for (uint64_t i = 0; i < count; i++)
      if (out->data[i] < 0) out->data[i] = 0;
  }
  return EY_OK;
}

ey_rc ey_host_flatten(const ey_htensor *in, int relu, ey_htensor *out, ey_err *err) {
  memset(out, 0, sizeof *out);
  if (!in->data || ey_htensor_values(in) == UINT64_MAX)
    return ey_err_set(err, EY_MISUSE, "flatten: expected an input tensor (got an empty one)");
  const uint64_t f[3] = {(uint64_t)in->C, (uint64_t)in->H, (uint64_t)in->W};
  const uint64_t chw = ey_mul_n(f, 3);
  if (chw > INT_MAX)
    return ey_err_set(err, EY_NOMEM, "flatten: C*H*W: expected at most %d (got %llu)", INT_MAX,
                      (unsigned long long)chw);
  ey_rc rc = ey_htensor_alloc(out, in->N, (int)chw, 1, 1, err);
  if (rc) return rc;
  const uint64_t count = ey_htensor_values(out);
  if (count > EY_TENSOR_MAX_VALUES) /* not after a good alloc; tells the compiler so */
    return ey_err_set(err, EY_MISUSE, "flatten: %llu values", (unsigned long long)count);
  memcpy(out->data, in->data, sizeof *out->data * (size_t)count);
  if (relu)
    for (uint64_t i = 0; i < count; i++)
      if (out->data[i] < 0) out->data[i] = 0;
  return EY_OK;
}
