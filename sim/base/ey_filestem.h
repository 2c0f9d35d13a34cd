/* ey_filestem.h - a name (a layer's, a network's) as the start of a file name,
 * one to one: '%' is written %25 and '/' %2F, every other byte as it is (a/b is
 * a%2Fb, a_b stays a_b, a%2Fb is a%252Fb). The access traces (DIR/LAYER.UNIT.csv.gz,
 * docs/traces.md) and the weights folder (DIR/LAYER.npy, docs/graphs.md) name
 * their files so. Header-only. */
#ifndef EY_FILESTEM_H
#define EY_FILESTEM_H

#include <stddef.h>
#include <stdio.h>

#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes a stem of a name of at most EY_NAME_MAX - 1 bytes needs, with its NUL. */
#define EY_FILE_STEM_MAX (3 * EY_NAME_MAX + 1)

/* Writes the stem of `name` into out (cap bytes, at least 1), stopping at the
 * last whole character that fits. */
static inline void ey_file_stem(const char *name, char *out, size_t cap) {
  size_t n = 0;
  for (const char *c = name; *c && n + 4 <= cap; c++) {
    if (*c == '%' || *c == '/')
      n += (size_t)snprintf(out + n, cap - n, "%%%02X", (unsigned char)*c);
    else
      out[n++] = *c;
  }
  out[n] = '\0';
}

#ifdef __cplusplus
}
#endif
#endif /* EY_FILESTEM_H */
