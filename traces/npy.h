/* npy.h - NumPy .npy arrays in and out, C order, 1 to 4 dimensions (fewer than
 * four are taken as the trailing dimensions of N, C, H, W). Into int16: int16
 * ('<i2') as it is, float32 ('<f4') scaled and rounded to int16 with saturation.
 * Into int32 (biases): int32 ('<i4') as it is, float32 scaled and rounded to
 * int32 with saturation. Rounding is to the nearest integer, ties to even; a NaN
 * is 0. */
#ifndef EY_NPY_H
#define EY_NPY_H

#include <stdio.h>

#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The dtype of a file. */
enum { EY_NPY_I2 = 0, EY_NPY_F4, EY_NPY_I4 };

typedef struct ey_npy {
  int shape[4];   /* N, C, H, W */
  int ndim;       /* dimensions in the file, 1 to 4: shape[4-ndim..3] are its own */
  int dtype;      /* EY_NPY_I2 or EY_NPY_F4: what the file held */
  uint64_t count; /* values */
  int16_t *data;  /* owned */
} ey_npy;

typedef struct ey_npy32 { /* the same, read into int32 */
  int shape[4];
  int ndim;
  int dtype; /* EY_NPY_I4 or EY_NPY_F4 */
  uint64_t count;
  int32_t *data; /* owned */
} ey_npy32;

/* Reads `path`; float32 values are multiplied by `scale` first. Returns EY_OK, or
 * EY_IO / EY_SYNTAX with "FILE: offset K: expected X (got Y)" in err (a bad magic,
 * an unsupported dtype, Fortran order, more than four dimensions, more than
 * EY_TENSOR_MAX_VALUES values, a short file); EY_NOMEM. */
ey_rc ey_npy_read(const char *path, double scale, ey_npy *out, ey_err *err);
/* The same into int32: '<i4' or '<f4' (any other dtype is an EY_SYNTAX error). */
ey_rc ey_npy_read_i32(const char *path, double scale, ey_npy32 *out, ey_err *err);
/* Writes an int16 array of shape (N, C, H, W) to f (the caller makes the file
 * appear whole, sim/base/outfile.h). */
void ey_npy_write(FILE *f, const int shape[4], const int16_t *data);
void ey_npy_free(ey_npy *a);     /* safe on a zeroed or failed one */
void ey_npy32_free(ey_npy32 *a); /* likewise */

#ifdef __cplusplus
}
#endif
#endif /* EY_NPY_H */
