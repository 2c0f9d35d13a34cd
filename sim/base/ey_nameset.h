/* ey_nameset.h - a hash index of names (layers, tensors, mapping entries) so that
 * "each name once" and "the entry for NAME" cost O(1) a name, not a scan of all
 * the names before it (a network of 200 000 layers loads in linear time).
 *
 * The set holds indices only; the caller keeps the names (in an array that may
 * move when it grows) and passes `name_of` to read name i. Header-only. */
#ifndef EY_NAMESET_H
#define EY_NAMESET_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef const char *(*ey_name_of_fn)(const void *ctx, int i);

typedef struct ey_nameset {
  int *slot;  /* private: index + 1, or 0 for an empty slot */
  size_t cap; /* private: a power of two, or 0 */
  size_t n;   /* names held */
} ey_nameset;

static inline uint64_t ey__name_hash(const char *s) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

/* The index of `name` in the set, or -1. */
static inline int ey_nameset_find(const ey_nameset *s, const char *name, ey_name_of_fn name_of,
                                  const void *ctx) {
  if (!s->cap) return -1;
  for (size_t k = (size_t)ey__name_hash(name) & (s->cap - 1);; k = (k + 1) & (s->cap - 1)) {
    if (!s->slot[k]) return -1;
    if (!strcmp(name_of(ctx, s->slot[k] - 1), name)) return s->slot[k] - 1;
  }
}

/* Adds index i, whose name is name_of(ctx, i). Returns -1 when added, the index
 * of the name already in the set when there is one (i is then not added), or -2
 * when out of memory. */
static inline int ey_nameset_add(ey_nameset *s, int i, ey_name_of_fn name_of, const void *ctx) {
  const char *name = name_of(ctx, i);
  int have = ey_nameset_find(s, name, name_of, ctx);
  if (have >= 0) return have;
  if (2 * (s->n + 1) > s->cap) { /* keep it at most half full */
    size_t cap = s->cap ? 2 * s->cap : 64;
    int *slot = (int *)calloc(cap, sizeof *slot);
    if (!slot) return -2;
    for (size_t k = 0; k < s->cap; k++)
      if (s->slot[k]) {
        size_t j = (size_t)ey__name_hash(name_of(ctx, s->slot[k] - 1)) & (cap - 1);
        while (slot[j]) j = (j + 1) & (cap - 1);
        slot[j] = s->slot[k];
      }
    free(s->slot);
    s->slot = slot;
    s->cap = cap;
  }
  size_t k = (size_t)ey__name_hash(name) & (s->cap - 1);
  while (s->slot[k]) k = (k + 1) & (s->cap - 1);
  s->slot[k] = i + 1;
  s->n++;
  return -1;
}

static inline void ey_nameset_free(ey_nameset *s) {
  free(s->slot);
  s->slot = NULL;
  s->cap = s->n = 0;
}

#ifdef __cplusplus
}
#endif
#endif /* EY_NAMESET_H */
