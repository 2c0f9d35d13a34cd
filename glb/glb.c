/* glb.c - the global buffer's regions, storage, banks and port arbitration. */
#include "glb/glb.h"

#include <stdlib.h>
#include <string.h>

ey_rc ey_glb_init(ey_glb *g, uint64_t avail_bits, uint64_t staging_bits, size_t ifm_words,
                  int word_bits, size_t psum_words, int psum_bits, int double_buffer, int banks,
                  int ports) {
  memset(g, 0, sizeof *g);
  g->avail_bits = avail_bits;
  g->staging_bits = staging_bits;
  g->banks = banks;
  g->ports = ports;
  g->psum_words_each = (psum_bits + word_bits - 1) / word_bits;
  g->bank_mask = banks > 0 && (banks & (banks - 1)) == 0 ? (uint64_t)banks - 1 : 0;
  uint64_t one = (uint64_t)ifm_words * (uint64_t)word_bits,
           ps = (uint64_t)psum_words * (uint64_t)psum_bits;
  if (one + ps > avail_bits) return EY_MISUSE;
  if (double_buffer && 2 * one + ps > avail_bits) return EY_MISUSE;
  g->double_buffered = double_buffer;
  g->ifm_words = ifm_words;
  g->psum_words = psum_words;
  /* Regions one after another: ifmap buffers, psum tile, then filter staging. */
  g->base[EY_GLB_R_IFMAP0] = 0;
  g->base[EY_GLB_R_IFMAP1] = ifm_words;
  g->base[EY_GLB_R_PSUM] = (uint64_t)ifm_words * (1 + (uint64_t)g->double_buffered);
  g->base[EY_GLB_R_FILTER] = avail_bits / (uint64_t)word_bits;
  for (int b = 0; b < 1 + g->double_buffered; b++) {
    g->ifm[b] = calloc(ifm_words ? ifm_words : 1, sizeof(int16_t));
    if (!g->ifm[b]) return EY_NOMEM;
  }
  g->psum = calloc(psum_words ? psum_words : 1, sizeof(uint32_t));
  g->port_cycle = calloc((size_t)banks, sizeof *g->port_cycle);
  g->port_used = calloc((size_t)banks * 2, sizeof *g->port_used);
  g->stats.bank_reads = calloc((size_t)banks * 3, sizeof *g->stats.bank_reads);
  g->stats.bank_writes = calloc((size_t)banks * 3, sizeof *g->stats.bank_writes);
  if (!g->psum || !g->port_cycle || !g->port_used || !g->stats.bank_reads || !g->stats.bank_writes)
    return EY_NOMEM;
  return EY_OK;
}

ey_rc ey_glb_set_ring(ey_glb *g, uint64_t ring, int word_bits, int psum_bits) {
  if (g->double_buffered || ring < g->ifm_words || ring % (uint64_t)g->banks ||
      ring * (uint64_t)word_bits + (uint64_t)g->psum_words * (uint64_t)psum_bits > g->avail_bits)
    return EY_MISUSE;
  g->ifm[1] = calloc(g->ifm_words ? g->ifm_words : 1, sizeof(int16_t));
  if (!g->ifm[1]) return EY_NOMEM;
  g->ring = ring;
  g->base[EY_GLB_R_PSUM] = ring;
  return EY_OK;
}

void ey_glb_fini(ey_glb *g) {
  free(g->ifm[0]);
  free(g->ifm[1]);
  free(g->psum);
  free(g->port_cycle);
  free(g->port_used);
  free(g->stats.bank_reads);
  free(g->stats.bank_writes);
  memset(g, 0, sizeof *g);
}

static void count_bank(ey_glb *g, int bank, int type, int is_write, uint64_t words) {
  (is_write ? g->stats.bank_writes : g->stats.bank_reads)[bank * 3 + type] += words;
}

static void count_type(ey_glb *g, int type, int is_write, uint64_t elements) {
  (is_write ? g->stats.writes : g->stats.reads)[type] += elements;
}

static int span_of(const ey_glb *g, int region) {
  return region == EY_GLB_R_PSUM ? g->psum_words_each : 1;
}

void ey_glb_clear_psums(ey_glb *g) {
  memset(g->psum, 0, sizeof *g->psum * g->psum_words);
}

static inline int bank_of(const ey_glb *g, uint64_t addr) {
  return (int)(g->bank_mask || g->banks == 1 ? addr & g->bank_mask : addr % (uint64_t)g->banks);
}

/* Ports in use on bank b this cycle. */
static inline int *ports_of(ey_glb *g, int b) {
  if (g->port_cycle[b] != g->cycle) {
    g->port_cycle[b] = g->cycle;
    g->port_used[b] = 0;
    g->port_used[g->banks + b] = 0;
  }
  return &g->port_used[b];
}

int ey_glb_try(ey_glb *g, int region, uint64_t index, int type, int is_write) {
  const int span = span_of(g, region);
  const uint64_t addr = g->base[region] + index * (uint64_t)span;
  if (span == 1) { /* the common case: one word, one bank */
    const int b = bank_of(g, addr);
    int *used = ports_of(g, b);
    if (*used + 1 > g->ports) {
      g->stats.conflicts++;
      return 0;
    }
    (*used)++;
    count_bank(g, b, type, is_write, 1);
    count_type(g, type, is_write, 1);
    return 1;
  }
  for (int k = 0; k < span; k++) {
    const int b = bank_of(g, addr + (uint64_t)k);
    int *used = ports_of(g, b);
    /* A bank a wide access touches twice needs a port each time. */
    int need = 0;
    for (int j = 0; j < span; j++) need += bank_of(g, addr + (uint64_t)j) == b;
    if (*used + need > g->ports) {
      g->stats.conflicts++;
      return 0;
    }
  }
  for (int k = 0; k < span; k++) {
    const int b = bank_of(g, addr + (uint64_t)k);
    g->port_used[b]++;
    count_bank(g, b, type, is_write, 1);
  }
  count_type(g, type, is_write, 1);
  return 1;
}

int ey_glb_try_bank(ey_glb *g, int bank, int span, int type, int is_write, int width) {
  int *used = ports_of(g, bank) + (is_write ? g->banks : 0);
  if (*used + 1 > g->ports * width) {
    g->stats.conflicts++;
    return 0;
  }
  (*used)++;
  count_bank(g, bank, type, is_write, (uint64_t)span);
  count_type(g, type, is_write, 1);
  return 1;
}

void ey_glb_bulk(ey_glb *g, int region, uint64_t index, uint64_t elements, int type, int is_write) {
  const int span = span_of(g, region);
  const uint64_t a0 = g->base[region] + index * (uint64_t)span, words = elements * (uint64_t)span;
  const uint64_t nb = (uint64_t)g->banks;
  count_type(g, type, is_write, elements);
  if (!words) return;
  /* Consecutive addresses: every bank gets words / banks, and the banks from
   * a0's onward one more each for the remainder. */
  for (uint64_t b = 0; b < nb; b++) {
    uint64_t off = (b + nb - a0 % nb) % nb; /* bank b's position after a0's */
    uint64_t n = words / nb + (off < words % nb ? 1 : 0);
    if (n) count_bank(g, (int)b, type, is_write, n);
  }
}
