/* run.h - one run of a network on an architecture: each layer mapped (by the
 * search, or from a mapping file) and costed. */
#ifndef EY_RUN_H
#define EY_RUN_H

#include "sim/report.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fills r for every layer of net. A layer with no legal mapping is marked
 * (mapped = 0, why = the reason) and the others still run: that is EY_OK, and
 * ey_report_totals() counts it. With a mapping file `mf` (may be NULL), a missing,
 * mismatched or illegal entry is an error: EY_MISMATCH, naming FILE:LINE and key.
 * The caller frees with ey_report_free() whatever the result. */
ey_rc ey_report_build(ey_report *r, const ey_arch *a, const ey_net *net, int objective,
                      const ey_mapfile *mf, ey_err *err);
void ey_report_free(ey_report *r); /* safe on a zeroed ey_report */

#ifdef __cplusplus
}
#endif
#endif /* EY_RUN_H */
