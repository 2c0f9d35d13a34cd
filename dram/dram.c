/* dram.c - the memory front end common to every DRAM model: numbering, counting
 * and remembering requests, and the link-clock arithmetic. The timing is the
 * model's (dram_fixed.c, dram_external.c). */
#include "dram/dram.h"

#include <stdlib.h>
#include <string.h>

static const ey_dram_ops *const k_models[] = {&ey_dram_fixed_ops, &ey_dram_external_ops};

const ey_dram_ops *ey_dram_ops_find(const char *name) {
  for (size_t i = 0; i < sizeof k_models / sizeof k_models[0]; i++)
    if (!strcmp(k_models[i]->name, name)) return k_models[i];
  return NULL;
}

void ey_dram_init(ey_dram *d, const ey_dram_cfg *cfg, const ey_dram_ops *ops) {
  memset(d, 0, sizeof *d);
  d->cfg = *cfg;
  d->ops = ops ? ops : &ey_dram_fixed_ops;
}

void ey_dram_fini(ey_dram *d) {
  free(d->req);
  free(d->done);
  d->req = NULL;
  d->done = NULL;
  d->nreq = d->cap = 0;
}

uint64_t ey_dram_request(ey_dram *d, ey_cycle now, uint64_t addr, uint64_t words, uint64_t bits,
                         int type, int is_write) {
  if (d->nreq == d->cap) {
    uint64_t cap = d->cap ? 2 * d->cap : 64;
    ey_dram_req *r = realloc(d->req, sizeof *r * cap);
    if (!r) return 0;
    d->req = r;
    ey_cycle *c = realloc(d->done, sizeof *c * cap);
    if (!c) return 0;
    d->done = c;
    d->cap = cap;
  }
  ey_dram_req *r = &d->req[d->nreq];
  r->id = ++d->nreq;
  r->addr = addr;
  r->words = words;
  r->bits = bits;
  r->type = type;
  r->is_write = is_write;
  r->issued = now;
  d->stats.requests++;
  if (is_write) {
    d->stats.write_words[type] += words;
    d->stats.write_bits[type] += bits;
  } else {
    d->stats.read_words[type] += words;
    d->stats.read_bits[type] += bits;
  }
  d->done[r->id - 1] = d->ops->submit(d, r);
  return r->id;
}

int ey_dram_next_request(ey_dram *d, ey_dram_req *out) {
  if (d->taken == d->nreq) return 0;
  *out = d->req[d->taken++];
  return 1;
}

ey_rc ey_dram_complete(ey_dram *d, uint64_t id, ey_cycle at) {
  if (id == 0 || id > d->nreq || d->done[id - 1] != EY_CYCLE_NEVER || at == EY_CYCLE_NEVER ||
      at < d->req[id - 1].issued)
    return EY_MISUSE;
  d->done[id - 1] = at;
  return EY_OK;
}

uint64_t ey_dram_link_at(const ey_dram *d, ey_cycle t) {
  /* Smallest k with ceil(k * core / link) >= t, i.e. k * core >= (t - 1) * link + 1
   * for t > 0. */
  if (t == 0) return 0;
  uint64_t num = (t - 1) * (uint64_t)d->cfg.link_mhz + 1;
  return (num + d->cfg.core_mhz - 1) / d->cfg.core_mhz;
}

ey_cycle ey_dram_core_at(const ey_dram *d, uint64_t k) {
  return (k * (uint64_t)d->cfg.core_mhz + d->cfg.link_mhz - 1) / d->cfg.link_mhz;
}

ey_cycle ey_dram_drained_at(const ey_dram *d) {
  ey_cycle end = 0;
  for (uint64_t i = 0; i < d->nreq; i++) {
    if (d->done[i] == EY_CYCLE_NEVER) return EY_CYCLE_NEVER;
    if (d->req[i].is_write && d->done[i] > end) end = d->done[i];
  }
  return end;
}
