/* npy.h - NumPy .npy arrays in and out: int16 ('<i2') as it is, float32 ('<f4')
 * scaled and rounded to int16 with saturation, C order, 1 to 4 dimensions (fewer
 * than four are taken as the trailing dimensions of N, C, H, W). */
#ifndef EY_NPY_H
#define EY_NPY_H

#include <stdio.h>

#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ey_npy {
  int shape[4];   /* N, C, H, W */
  uint64_t count; /* values */
  int16_t *data;  /* owned */
} ey_npy;

/* Reads `path`; float32 values are multiplied by `scale` first. Returns EY_OK, or
 * EY_IO / EY_SYNTAX with "FILE: offset K: expected X (got Y)" in err (a bad magic,
 * an unsupported dtype, Fortran order, more than four dimensions, a short file). */
ey_rc ey_npy_read(const char *path, double scale, ey_npy *out, ey_err *err);
/* Writes an int16 array of shape (N, C, H, W) to f (the caller makes the file
 * appear whole, sim/base/outfile.h). */
void ey_npy_write(FILE *f, const int shape[4], const int16_t *data);
void ey_npy_free(ey_npy *a);

#ifdef __cplusplus
}
#endif
#endif /* EY_NPY_H */
