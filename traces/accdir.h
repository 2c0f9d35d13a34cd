/* accdir.h - the access traces of a run, in a directory: per layer a DRAM and a
 * GLB file (and spad and NoC ones in full detail), DIR/LAYER.UNIT.csv.gz, each
 * an access-trace stream (traces/acctrace.h) written through a temporary file.
 *
 * Layers may be simulated on several threads at once. The thread that simulates
 * a layer opens its files at its first access, writes them and closes them when
 * the layer ends (ey_acctrace_ended); they are renamed into place once the layer
 * and every layer before it are done (ey_acctrace_keep), so that a failed or
 * stopped run keeps the traces of the layers its reports hold, as one thread
 * would; the others are removed (ey_acctrace_finish). */
#ifndef EY_ACCDIR_H
#define EY_ACCDIR_H

#include <stdint.h>

#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Units, operations and data spaces of a row, as numbered by the caller. */
enum { EY_ACCTRACE_DRAM = 0, EY_ACCTRACE_GLB, EY_ACCTRACE_SPAD, EY_ACCTRACE_NOC };
enum { EY_ACCTRACE_READ = 0, EY_ACCTRACE_WRITE, EY_ACCTRACE_MULTICAST, EY_ACCTRACE_UNICAST };

typedef struct ey_acctrace ey_acctrace; /* opaque */

/* Starts the traces of a run of `nlayers` layers in `dir` (created when missing):
 * the DRAM and GLB units, and with `full` the spad and NoC ones too; `cols` names
 * a spad row's PE (pe_rR_cC). Returns EY_OK with *out set, or EY_IO or EY_NOMEM
 * with the message in err. */
ey_rc ey_acctrace_open(const char *dir, int full, int cols, int nlayers, ey_acctrace **out,
                       ey_err *err);
/* One access of layer `layer` (its index; `name` names its files), on the
 * layer's own thread: the cycle, unit, operation, data space (EY_IFMAP...), the
 * first address, the words, and the PE of a spad access (else -1). */
void ey_acctrace_row(ey_acctrace *t, int layer, const char *name, ey_cycle now, int unit, int op,
                     int space, uint64_t addr, uint64_t words, int pe);
/* Layer i's simulation ended with rc (on its thread): its files are finished
 * under their temporary names, or removed when rc is not EY_OK. */
void ey_acctrace_ended(ey_acctrace *t, int i, ey_rc rc);
/* Layer i and every layer before it are done: its files are renamed into place. */
void ey_acctrace_keep(ey_acctrace *t, int i);
/* After the run: the files of the layers not kept are removed, those of layers
 * still being simulated (a stopped run) from the directory at once. Returns EY_OK,
 * or EY_IO with the message in err when a kept layer's trace could not be written
 * (no layer after it is kept then). */
ey_rc ey_acctrace_finish(ey_acctrace *t, ey_err *err);
/* Frees t; not while a layer's thread may still write (see ey_acctrace_finish). */
void ey_acctrace_free(ey_acctrace *t);

#ifdef __cplusplus
}
#endif
#endif /* EY_ACCDIR_H */
