/* run.h - one run of a network on an architecture: each layer mapped (by the
 * search, or from a mapping file) and costed, then simulated, several layers at
 * once when asked. */
#ifndef EY_RUN_H
#define EY_RUN_H

#include <signal.h>

#include "sim/config/mapfile.h"
#include "sim/report/netdata.h"
#include "sim/report/report.h"
#include "traces/actrace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How ey_report_run carries a run out. A zeroed one asks for one layer at a
 * time, tells nothing and never stops. */
typedef struct ey_run_ctl {
  int jobs; /* layers simulated at once, each on a thread of its own (below 1: 1) */
  /* Read while the run goes on (may be NULL). Once it is non-zero no more layers
   * start: the run returns EY_OK at once with the finished prefix (below). */
  const volatile sig_atomic_t *stop;
  /* Called on the thread that simulated layer i, as soon as the engine returned
   * rc for it, to close what belongs to the layer alone (may be NULL). Not called
   * for layers that were not simulated. */
  void (*ended)(void *ctx, int i, ey_rc rc);
  /* Called on the calling thread, in layer order, once layer i and every layer
   * before it are done: simulated (or, for an analytic run, mapped), or marked
   * as unmappable. r->res[0..i] may be read there (may be NULL). */
  void (*done)(void *ctx, const ey_report *r, int i);
  void *ctx;
  /* Real weights, and for a whole-network run each layer's ifmap from its
   * producers (sim/report/netdata.h); NULL: seeded weights. A whole-network run
   * simulates one layer at a time, whatever `jobs` says. */
  ey_netdata *data;
  /* Out: layers still being simulated when the run returned (stopped, or failed
   * at an earlier layer). Their threads go on until they end or the process
   * exits, and they use r, a, net, mf, act, engine and its callbacks' contexts:
   * when this is not 0 the caller must free none of them, and should write its
   * outputs and exit. */
  int abandoned;
} ey_run_ctl;

/* Fills r for every layer of net: each layer mapped (by the search, or from the
 * mapping file `mf`, which may be NULL), costed analytically and, when `engine`
 * is not NULL, simulated cycle by cycle. A layer with no legal mapping is marked
 * (mapped = 0, why = the reason) and the others still run: that is EY_OK, and
 * ey_report_totals() counts it. A missing, mismatched or illegal mapping-file
 * entry is EY_MISMATCH naming FILE:LINE and key; an output that differs from the
 * golden convolution under engine->check is EY_MISMATCH naming layer and index.
 * With an activation trace `act` (may be NULL), a layer whose LAYER.ifmap tensor
 * is there is replayed on it; a tensor of another shape is EY_MISMATCH naming
 * both shapes; a layer the trace lacks runs on synthetic activations.
 *
 * `ctl` (NULL: a zeroed one, one layer at a time) says how: up to ctl->jobs
 * layers are simulated at once, each on a POSIX thread of its own (which blocks
 * SIGINT and SIGTERM so that the calling thread receives them); the figures do
 * not depend on it. Every layer is mapped, in order on the calling thread,
 * before any is simulated. A layer's cycle_base (the run cycle at which it
 * starts) is known only once every earlier layer is done, and it matters only to
 * the waveform sampler: with engine->sample set, the layers that start before
 * engine->sample_until run one at a time, in order, with exact stepping, and the
 * layers after them (which sample nothing) run in parallel without the sampler.
 * The callbacks of `engine` may be called from several threads at once, for
 * different layers (from one at a time with one job, but not the caller's).
 *
 * When a layer fails, no more layers start; the error returned is that of the
 * first failing layer in layer order (as with one job), once the layers before
 * it are done. When *ctl->stop becomes non-zero (also while mapping), the run
 * returns EY_OK with r->stopped set to that value and r->nlayers cut to the
 * prefix of layers that are done (0 when the mapping was not finished, for a
 * cycle-level run); layers done after it are left out. The caller frees with
 * ey_report_free() whatever the result. */
ey_rc ey_report_run(ey_report *r, const ey_arch *a, const ey_net *net, int objective,
                    const ey_mapfile *mf, const ey_engine_opts *engine, const ey_act_trace *act,
                    ey_run_ctl *ctl, ey_err *err);
void ey_report_free(ey_report *r); /* safe on a zeroed ey_report */

#ifdef __cplusplus
}
#endif
#endif /* EY_RUN_H */
