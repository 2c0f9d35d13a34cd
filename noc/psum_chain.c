/* psum_chain.c - the psum chains of a pass: the vertical links between PEs, and
 * the request bitmaps of the psum GIN and GON arbiters (noc.h). */
#include <stdlib.h>
#include <string.h>

#include "noc/noc.h"

ey_rc ey_chains_init(ey_chains *c, int npe, int gin_width, int gon_width) {
  memset(c, 0, sizeof *c);
  c->npe = npe;
  c->gin_width = gin_width;
  c->gon_width = gon_width;
  const size_t n = (size_t)npe, words = (n + 63) / 64;
  c->up = malloc(sizeof *c->up * n);
  c->down = malloc(sizeof *c->down * n);
  c->bots = malloc(sizeof *c->bots * n);
  c->tops = malloc(sizeof *c->tops * n);
  c->bot_slot = malloc(sizeof *c->bot_slot * n);
  c->top_slot = malloc(sizeof *c->top_slot * n);
  c->gin_req = calloc(words ? words : 1, sizeof *c->gin_req);
  c->gon_req = calloc(words ? words : 1, sizeof *c->gon_req);
  if (!c->up || !c->down || !c->bots || !c->tops || !c->bot_slot || !c->top_slot || !c->gin_req ||
      !c->gon_req) {
    ey_chains_fini(c);
    return EY_NOMEM;
  }
  ey_chains_clear(c);
  return EY_OK;
}

void ey_chains_fini(ey_chains *c) {
  free(c->up);
  free(c->down);
  free(c->bots);
  free(c->tops);
  free(c->bot_slot);
  free(c->top_slot);
  free(c->gin_req);
  free(c->gon_req);
  memset(c, 0, sizeof *c);
}

void ey_chains_clear(ey_chains *c) {
  for (int x = 0; x < c->npe; x++) c->up[x] = c->down[x] = c->bot_slot[x] = c->top_slot[x] = -1;
  c->nbot = c->ntop = 0;
  const size_t words = ((size_t)c->npe + 63) / 64;
  memset(c->gin_req, 0, sizeof *c->gin_req * words);
  memset(c->gon_req, 0, sizeof *c->gon_req * words);
  c->gin_rr = c->gon_rr = 0;
}

void ey_chains_add(ey_chains *c, int pe, int above, int gin) {
  c->up[pe] = above; /* a one-PE chain is both a bottom and a top */
  if (gin) c->bots[c->nbot++] = pe;
  if (above < 0) c->tops[c->ntop++] = pe;
}

void ey_chains_seal(ey_chains *c) {
  for (int k = 0; k < c->nbot; k++) c->bot_slot[c->bots[k]] = k;
  for (int k = 0; k < c->ntop; k++) c->top_slot[c->tops[k]] = k;
  for (int k = 0; k < c->npe; k++)
    if (c->up[k] >= 0) c->down[c->up[k]] = k;
  c->gin_rr = c->gon_rr = 0;
}
