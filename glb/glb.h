/* glb.h - the global buffer: one SRAM shared by an ifmap region (one tile, or two
 * when there is room to load the next while the current one is in use, or a ring
 * into which the next tile's first rows come beside the current one), a psum
 * region (the tile of partial sums the passes accumulate into) and a filter staging
 * region (glb.filter_kb, or one filter block: ey_staging_bits). It holds the real
 * data. Addresses count words of data.word_bits, interleaved over glb.banks banks
 * (a wider psum spans several);
 * each bank serves glb.bank_ports accesses a cycle from the array side, and
 * ey_glb_try() arbitrates them (ey_glb_try_bank() on a bank the caller names,
 * glb.bank_map clustered). Transfers to and from DRAM use a port of their own.
 * Every word read or written is counted by bank and data type. */
#ifndef EY_GLB_H
#define EY_GLB_H

#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ey_glb_stats {
  uint64_t reads[EY_NTYPES], writes[EY_NTYPES]; /* accesses by data type: a word, or a psum */
  uint64_t conflicts;                           /* array-side accesses refused for a busy bank */
  uint64_t *bank_reads;  /* [bank * 3 + type], words (a 32-bit psum is two) */
  uint64_t *bank_writes; /* [bank * 3 + type], words */
} ey_glb_stats;

enum { EY_GLB_R_IFMAP0 = 0, EY_GLB_R_IFMAP1, EY_GLB_R_PSUM, EY_GLB_R_FILTER }; /* regions */

typedef struct ey_glb {
  uint64_t avail_bits;   /* read-only: capacity for ifmap and psum tiles */
  uint64_t staging_bits; /* read-only: the filter staging region */
  int double_buffered;   /* read-only: two ifmap tile buffers fit */
  int banks, ports;      /* read-only */
  int psum_words_each;   /* read-only: words one psum occupies */
  uint64_t bank_mask;    /* private: banks - 1 when a power of two, else 0 */
  int16_t *ifm[2];       /* private: ifmap tile buffers */
  uint32_t *psum;        /* private: the psum tile */
  size_t ifm_words, psum_words;
  uint64_t ring;        /* read-only: 0, or the ifmap ring's words (ey_glb_set_ring) */
  uint64_t base[4];     /* private: first word address of each region */
  uint64_t cycle;       /* private: the cycle the port counts belong to */
  uint64_t *port_cycle; /* private: per bank, the cycle of its port count */
  int *port_used;       /* private: per bank, ports used in that cycle; then, per bank,
                           the writes of ey_glb_try_bank */
  ey_glb_stats stats;   /* read-only */
} ey_glb;

/* Sizes the regions for a layer: ifmap tiles of ifm_words (word_bits each), two
 * of them when `double_buffer` (the rule is the mapper's, ey_ifmap_double_buffer),
 * and a psum tile of psum_words (psum_bits each). Returns EY_NOMEM, or EY_MISUSE
 * when the tiles do not fit (the mapper's capacity check failed). */
ey_rc ey_glb_init(ey_glb *g, uint64_t avail_bits, uint64_t staging_bits, size_t ifm_words,
                  int word_bits, size_t psum_words, int psum_bits, int double_buffer, int banks,
                  int ports);
/* The ifmap region as a ring of `ring` words (a multiple of the banks, at least
 * one tile) below the psum tile, when one tile is held but the next may come
 * into the room beside it: two tile buffers, each starting where the one
 * before it ends (ey_glb_set_start), wrapping at `ring`. Returns EY_NOMEM, or
 * EY_MISUSE when the ring and the psum tile do not fit or the ring is not a
 * multiple of the banks. */
ey_rc ey_glb_set_ring(ey_glb *g, uint64_t ring, int word_bits, int psum_bits);
/* Ring mode: ifmap buffer `buf`'s first word is at ring address `start`. */
static inline void ey_glb_set_start(ey_glb *g, int buf, uint64_t start) {
  g->base[buf] = start; /* below the ring */
}
void ey_glb_fini(ey_glb *g);

/* Starts core cycle `now`: every bank's array-side ports are free again. The GLB
 * changes nothing on its own (it has no next event): its accesses come from the
 * array and the DRAM. */
static inline void ey_glb_tick(ey_glb *g, uint64_t now) {
  g->cycle = now + 1;
}
static inline ey_cycle ey_glb_next_event(const ey_glb *g) {
  (void)g;
  return EY_CYCLE_NEVER;
}
static inline const ey_glb_stats *ey_glb_get_stats(const ey_glb *g) {
  return &g->stats;
}

/* The word address of element `index` of `region` (banks interleave by word). */
static inline uint64_t ey_glb_addr(const ey_glb *g, int region, uint64_t index) {
  const uint64_t a =
      g->base[region] + index * (uint64_t)(region == EY_GLB_R_PSUM ? g->psum_words_each : 1);
  /* A ring buffer wraps (a tile's start and index are each below the ring: one
   * subtraction, no division, in the cycle loop); its length is a multiple of
   * the banks, so a word's bank is the same before and after the wrap
   * (ey_glb_try counts by bank). */
  return g->ring && region <= EY_GLB_R_IFMAP1 && a >= g->ring ? a - g->ring : a;
}
/* The data. An ifmap tile buffer's words ([image][channel][row][x] of the tile
 * being held), for the DRAM side to fill and the array side to read. */
static inline int16_t *ey_glb_ifmap_buffer(ey_glb *g, int buf) {
  return g->ifm[buf];
}
static inline uint32_t ey_glb_psum(const ey_glb *g, size_t i) {
  return g->psum[i];
}
static inline void ey_glb_set_psum(ey_glb *g, size_t i, uint32_t v) {
  g->psum[i] = v;
}
/* A new psum tile: every psum 0. */
void ey_glb_clear_psums(ey_glb *g);
/* One array-side access this cycle to element `index` of `region` (an ifmap word
 * or a psum): granted (1, counted) when each bank it touches has a port left,
 * refused (0, counted as a conflict) otherwise. */
int ey_glb_try(ey_glb *g, int region, uint64_t index, int type, int is_write);
/* ey_glb_try() on a bank the caller names (glb.bank_map clustered): an element
 * (a word, or a psum of `span` words, all counted there) of `bank`, whose ports
 * each take `width` reads and `width` writes a cycle (a bank as wide as the router
 * port it serves). Returns 1, or 0 when they are taken this cycle. */
int ey_glb_try_bank(ey_glb *g, int bank, int span, int type, int is_write, int width);
/* A DRAM-side transfer of `elements` consecutive elements from element `index` of
 * `region`: counted by bank and type, no arbitration. */
void ey_glb_bulk(ey_glb *g, int region, uint64_t index, uint64_t elements, int type, int is_write);

#ifdef __cplusplus
}
#endif
#endif /* EY_GLB_H */
