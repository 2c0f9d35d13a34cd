/* run.h - one run of a network on an architecture: each layer mapped (by the
 * search, or from a mapping file) and costed. */
#ifndef EY_RUN_H
#define EY_RUN_H

#include "sim/report.h"
#include "traces/actrace.h"

#ifdef __cplusplus
extern "C" {
#endif

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
 * The caller frees with ey_report_free() whatever the result. */
ey_rc ey_report_build(ey_report *r, const ey_arch *a, const ey_net *net, int objective,
                      const ey_mapfile *mf, const ey_engine_opts *engine, const ey_act_trace *act,
                      ey_err *err);
void ey_report_free(ey_report *r); /* safe on a zeroed ey_report */

#ifdef __cplusplus
}
#endif
#endif /* EY_RUN_H */
