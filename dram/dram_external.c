/* dram_external.c - a memory outside eyesim (a SystemC/TLM target, or a test):
 * requests wait in the front end's list until the outside takes them with
 * ey_dram_next_request(), and each completes when the outside calls
 * ey_dram_complete(). The engine stops stepping while it waits for one. */
#include "dram/dram.h"

static ey_cycle external_submit(ey_dram *d, const ey_dram_req *r) {
  (void)d;
  (void)r;
  return EY_CYCLE_NEVER;
}

static int external_busy(const ey_dram *d, ey_cycle now) {
  (void)d;
  (void)now;
  return 0; /* the link is the outside's: unknown here */
}

const ey_dram_ops ey_dram_external_ops = {"external", external_submit, external_busy};
