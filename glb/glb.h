/* glb.h - the global buffer: one SRAM shared by an ifmap region (one tile, or two
 * when there is room to load the next while the current one is in use), a psum
 * region (the tile of partial sums the passes accumulate into) and a filter staging
 * region (glb.filter_kb). It holds the real data; every word read or written is
 * counted by data type. */
#ifndef EY_GLB_H
#define EY_GLB_H

#include "sim/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { EY_GLB_IFMAP = 0, EY_GLB_FILTER = 1, EY_GLB_PSUM = 2 };

typedef struct ey_glb_stats {
  uint64_t reads[3], writes[3]; /* words, by data type */
} ey_glb_stats;

typedef struct ey_glb {
  uint64_t avail_bits;    /* read-only: capacity for ifmap and psum tiles */
  uint64_t staging_bits;  /* read-only: the filter staging region */
  int double_buffered;    /* read-only: two ifmap tile buffers fit */
  int16_t *ifm[2];        /* private: ifmap tile buffers */
  uint32_t *psum;         /* private: the psum tile */
  size_t ifm_words, psum_words;
  ey_glb_stats stats;     /* read-only */
} ey_glb;

/* Sizes the regions for a layer: ifmap tiles of ifm_words (word_bits each) and a
 * psum tile of psum_words (psum_bits each). Returns EY_NOMEM, or EY_MISUSE when
 * one tile of each does not fit (the mapper's capacity check failed). */
ey_rc ey_glb_init(ey_glb *g, uint64_t avail_bits, uint64_t staging_bits, size_t ifm_words,
                  int word_bits, size_t psum_words, int psum_bits);
void ey_glb_fini(ey_glb *g);

static inline void ey_glb_count_read(ey_glb *g, int type, uint64_t words) { g->stats.reads[type] += words; }
static inline void ey_glb_count_write(ey_glb *g, int type, uint64_t words) { g->stats.writes[type] += words; }

#ifdef __cplusplus
}
#endif
#endif /* EY_GLB_H */
