/* glb.c - the global buffer's regions and storage. */
#include "glb/glb.h"

#include <stdlib.h>
#include <string.h>

ey_rc ey_glb_init(ey_glb *g, uint64_t avail_bits, uint64_t staging_bits, size_t ifm_words,
                  int word_bits, size_t psum_words, int psum_bits) {
  memset(g, 0, sizeof *g);
  g->avail_bits = avail_bits;
  g->staging_bits = staging_bits;
  uint64_t one = (uint64_t)ifm_words * (uint64_t)word_bits, ps = (uint64_t)psum_words * (uint64_t)psum_bits;
  if (one + ps > avail_bits) return EY_MISUSE;
  g->double_buffered = 2 * one + ps <= avail_bits;
  g->ifm_words = ifm_words;
  g->psum_words = psum_words;
  for (int b = 0; b < 1 + g->double_buffered; b++) {
    g->ifm[b] = calloc(ifm_words ? ifm_words : 1, sizeof(int16_t));
    if (!g->ifm[b]) return EY_NOMEM;
  }
  g->psum = calloc(psum_words ? psum_words : 1, sizeof(uint32_t));
  return g->psum ? EY_OK : EY_NOMEM;
}

void ey_glb_fini(ey_glb *g) {
  free(g->ifm[0]);
  free(g->ifm[1]);
  free(g->psum);
  memset(g, 0, sizeof *g);
}
