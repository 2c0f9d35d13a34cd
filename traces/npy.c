/* npy.c - the .npy format (version 1 to 3 headers): magic "\x93NUMPY", major and
 * minor version, header length (2 bytes in v1, 4 in v2, little endian), then a
 * Python dict literal with 'descr', 'fortran_order' and 'shape', padded so the data
 * starts aligned. */
#include "traces/npy.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/base/ey_checked.h"

/* The value of key `key` in the header dict, or NULL. */
static const char *dict_value(const char *h, const char *key) {
  char pat[32];
  snprintf(pat, sizeof pat, "'%s':", key);
  const char *p = strstr(h, pat);
  if (!p) return NULL;
  p += strlen(pat);
  while (*p == ' ') p++;
  return p;
}

/* Characters of the shape's text to show in a message: up to its ')'. */
static int shape_len(const char *sh) {
  int n = 0;
  while (n < 40 && sh[n] && sh[n] != '\n' && sh[n] != '}') {
    if (sh[n++] == ')') break;
  }
  return n;
}

/* What a header says: the file's dtype, its shape, and where the data starts. */
typedef struct npy_head {
  int dtype;    /* EY_NPY_* */
  int ndim;     /* 1 to 4 */
  int shape[4]; /* the file's dimensions as the trailing ones of four, the rest 1 */
  uint64_t count;
  long data_at; /* offset of the first value */
} npy_head;

/* Reads and checks the header of f (path names it in messages): magic, version,
 * length, 'descr' (int16 and float32 for the int16 reader, int32 and float32
 * for the int32 one), C order, the shape, the value count against
 * EY_TENSOR_MAX_VALUES and against the file's size. */
static ey_rc read_head(FILE *f, const char *path, int to_i32, npy_head *h, ey_err *err) {
  memset(h, 0, sizeof *h);
  unsigned char pre[12];
  ey_rc rc = EY_OK;
  char *hdr = NULL;
  size_t n = fread(pre, 1, 10, f);
  if (n < 10 || memcmp(pre, "\x93NUMPY", 6)) {
    rc = ey_err_set(err, EY_SYNTAX, "%s: offset 0: expected the .npy magic \\x93NUMPY (got %s)",
                    path, n < 10 ? "a file too short" : "other bytes");
    goto done;
  }
  uint32_t hlen;
  long off;
  if (pre[6] == 1) {
    hlen = (uint32_t)pre[8] | (uint32_t)pre[9] << 8;
    off = 10;
  } else if (pre[6] == 2 || pre[6] == 3) {
    if (fread(pre + 10, 1, 2, f) != 2) {
      rc = ey_err_set(err, EY_SYNTAX, "%s: offset 10: expected a header length (got end of file)",
                      path);
      goto done;
    }
    hlen = (uint32_t)pre[8] | (uint32_t)pre[9] << 8 | (uint32_t)pre[10] << 16 |
           (uint32_t)pre[11] << 24;
    off = 12;
  } else {
    rc = ey_err_set(err, EY_SYNTAX, "%s: offset 6: expected .npy version 1, 2 or 3 (got %d)", path,
                    pre[6]);
    goto done;
  }
  if (hlen > (1u << 20)) {
    rc = ey_err_set(err, EY_SYNTAX, "%s: offset 8: expected a header under 1 MiB (got %u bytes)",
                    path, hlen);
    goto done;
  }
  hdr = malloc(hlen + 1);
  if (!hdr || fread(hdr, 1, hlen, f) != hlen) {
    rc = ey_err_set(err, EY_SYNTAX, "%s: offset %ld: expected a %u-byte header (got end of file)",
                    path, off, hlen);
    goto done;
  }
  hdr[hlen] = '\0';
  const char *descr = dict_value(hdr, "descr"), *fo = dict_value(hdr, "fortran_order"),
             *sh = dict_value(hdr, "shape");
  if (!descr || !fo || !sh) {
    rc = ey_err_set(
        err, EY_SYNTAX,
        "%s: offset %ld: expected 'descr', 'fortran_order' and 'shape' in the header (got %.60s)",
        path, off, hdr);
    goto done;
  }
  if (!strncmp(descr, "'<f4'", 5))
    h->dtype = EY_NPY_F4;
  else if (!strncmp(descr, to_i32 ? "'<i4'" : "'<i2'", 5))
    h->dtype = to_i32 ? EY_NPY_I4 : EY_NPY_I2;
  else {
    const char *q = descr[0] == '\'' ? strchr(descr + 1, '\'') : NULL;
    int dl = q ? (int)(q - descr) + 1 : 8;
    rc = ey_err_set(err, EY_SYNTAX,
                    "%s: offset %ld: descr: expected %s or '<f4' (float32) (got %.*s)", path, off,
                    to_i32 ? "'<i4' (int32)" : "'<i2' (int16)", dl, descr);
    goto done;
  }
  if (strncmp(fo, "False", 5)) {
    rc = ey_err_set(err, EY_SYNTAX, "%s: offset %ld: fortran_order: expected False (got %.5s)",
                    path, off, fo);
    goto done;
  }
  /* shape: a Python tuple of positive integers, "(2, 3)", "(5,)" */
  long dims[4];
  int nd = 0;
  const char *p = sh;
  int ok = *p == '(';
  if (ok) p++;
  while (ok) {
    while (*p == ' ') p++;
    if (*p == ')') break;
    char *end;
    errno = 0;
    long v = (*p >= '0' && *p <= '9') ? strtol(p, &end, 10) : 0;
    if (!v || errno || v > 65535) {
      ok = 0;
      break;
    }
    if (nd == 4) {
      rc = ey_err_set(err, EY_SYNTAX,
                      "%s: offset %ld: shape: expected 1 to 4 dimensions (got more: %.*s)", path,
                      off, shape_len(sh), sh);
      goto done;
    }
    dims[nd++] = v;
    p = end;
    while (*p == ' ') p++;
    if (*p == ',')
      p++;
    else if (*p != ')')
      ok = 0;
  }
  if (!ok || nd < 1) {
    rc = ey_err_set(err, EY_SYNTAX,
                    "%s: offset %ld: shape: expected 1 to 4 dimensions of 1 to 65535 (got %.*s)",
                    path, off, *sh ? shape_len(sh) : 7, *sh ? sh : "nothing");
    goto done;
  }
  h->ndim = nd;
  for (int k = 0; k < 4; k++) h->shape[k] = 1;
  for (int k = 0; k < nd; k++) h->shape[4 - nd + k] = (int)dims[k];
  const uint64_t dim[4] = {(uint64_t)h->shape[0], (uint64_t)h->shape[1], (uint64_t)h->shape[2],
                           (uint64_t)h->shape[3]};
  h->count = ey_mul_n(dim, 4);
  const size_t w = h->dtype == EY_NPY_I2 ? 2 : 4;
  if (h->count > EY_TENSOR_MAX_VALUES) {
    rc = ey_err_set(err, EY_SYNTAX,
                    "%s: offset %ld: shape: expected at most %llu values (got %llu)", path, off,
                    (unsigned long long)EY_TENSOR_MAX_VALUES, (unsigned long long)h->count);
    goto done;
  }
  /* The data must be there before a buffer is sized by the header. */
  struct stat st;
  h->data_at = off + (long)hlen;
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
      (uint64_t)st.st_size < (uint64_t)h->data_at + h->count * w) {
    uint64_t have = st.st_size > h->data_at ? (uint64_t)(st.st_size - h->data_at) / w : 0;
    rc = ey_err_set(err, EY_SYNTAX,
                    "%s: offset %ld: expected %llu values (got %llu: the file is truncated)", path,
                    h->data_at + (long)(have * w), (unsigned long long)h->count,
                    (unsigned long long)have);
    goto done;
  }
done:
  free(hdr);
  return rc;
}

/* A float32 value times scale, rounded to the nearest integer (ties to even),
 * saturated to lo .. hi; NaN is 0. */
static double scaled(const unsigned char b[4], double scale, double lo, double hi) {
  uint32_t u = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
  float x;
  memcpy(&x, &u, sizeof x);
  double v = nearbyint((double)x * scale);
  if (!(v == v)) v = 0; /* NaN */
  return v > hi ? hi : v < lo ? lo : v;
}

/* Reads h->count values of h's dtype from f (at h->data_at) into d16 or d32. */
static ey_rc read_values(FILE *f, const char *path, const npy_head *h, double scale, int16_t *d16,
                         int32_t *d32, ey_err *err) {
  const size_t w = h->dtype == EY_NPY_I2 ? 2 : 4;
  for (uint64_t i = 0; i < h->count; i++) {
    unsigned char b[4];
    if (fread(b, 1, w, f) != w)
      return ey_err_set(
          err, EY_SYNTAX, "%s: offset %ld: expected %llu values (got %llu: the file is truncated)",
          path, h->data_at + (long)(i * w), (unsigned long long)h->count, (unsigned long long)i);
    if (h->dtype == EY_NPY_I2)
      d16[i] = (int16_t)(uint16_t)(b[0] | b[1] << 8);
    else if (h->dtype == EY_NPY_I4)
      d32[i] = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                         (uint32_t)b[3] << 24);
    else if (d16)
      d16[i] = (int16_t)scaled(b, scale, -32768, 32767);
    else
      d32[i] = (int32_t)scaled(b, scale, -2147483648.0, 2147483647.0);
  }
  return EY_OK;
}

/* Both readers: the header, then `count` values of `size` bytes into *data. */
static ey_rc read_any(const char *path, double scale, int to_i32, npy_head *h, void **data,
                      ey_err *err) {
  *data = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return ey_err_set(err, EY_IO, "%s: cannot open (%s)", path, strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(f);
    return ey_err_set(err, EY_IO, "%s: expected a .npy file (got a folder)", path);
  }
  ey_rc rc = read_head(f, path, to_i32, h, err);
  const size_t size = to_i32 ? sizeof(int32_t) : sizeof(int16_t);
  if (!rc && !(*data = malloc(ey_alloc_size(h->count, size))))
    rc = ey_err_set(err, EY_NOMEM, "%s: out of memory for %llu values", path,
                    (unsigned long long)h->count);
  if (!rc)
    rc = read_values(f, path, h, scale, to_i32 ? NULL : (int16_t *)*data,
                     to_i32 ? (int32_t *)*data : NULL, err);
  fclose(f);
  if (rc) {
    free(*data);
    *data = NULL;
  }
  return rc;
}

/* Both readers fill the same fields; only the type of `data` differs. */
#define NPY_READ(out, to_i32)                                 \
  do {                                                        \
    memset(out, 0, sizeof *out);                              \
    npy_head h;                                               \
    void *data;                                               \
    ey_rc rc = read_any(path, scale, to_i32, &h, &data, err); \
    if (rc) return rc;                                        \
    memcpy(out->shape, h.shape, sizeof out->shape);           \
    out->ndim = h.ndim;                                       \
    out->dtype = h.dtype;                                     \
    out->count = h.count;                                     \
    out->data = data;                                         \
    return EY_OK;                                             \
  } while (0)

ey_rc ey_npy_read(const char *path, double scale, ey_npy *out, ey_err *err) {
  NPY_READ(out, 0);
}

ey_rc ey_npy_read_i32(const char *path, double scale, ey_npy32 *out, ey_err *err) {
  NPY_READ(out, 1);
}

void ey_npy_write(FILE *f, const int shape[4], const int16_t *data) {
  char dict[128];
  int dl = snprintf(dict, sizeof dict,
                    "{'descr': '<i2', 'fortran_order': False, 'shape': (%d, %d, %d, %d), }",
                    shape[0], shape[1], shape[2], shape[3]);
  /* Pad with spaces and a newline so that the data starts at a multiple of 64. */
  int total = 10 + dl + 1;
  int pad = (64 - total % 64) % 64;
  uint16_t hlen = (uint16_t)(dl + pad + 1);
  fwrite("\x93NUMPY\x01\x00", 1, 8, f);
  fputc(hlen & 0xFF, f);
  fputc(hlen >> 8, f);
  fwrite(dict, 1, (size_t)dl, f);
  for (int k = 0; k < pad; k++) fputc(' ', f);
  fputc('\n', f);
  uint64_t count = (uint64_t)shape[0] * shape[1] * shape[2] * shape[3];
  for (uint64_t i = 0; i < count; i++) {
    uint16_t u = (uint16_t)data[i];
    fputc(u & 0xFF, f);
    fputc(u >> 8, f);
  }
}

void ey_npy_free(ey_npy *a) {
  free(a->data);
  a->data = NULL;
}

void ey_npy32_free(ey_npy32 *a) {
  free(a->data);
  a->data = NULL;
}
