/* acctrace.h - access traces: one CSV row per access, `cycle,unit,op,space,addr,words`,
 * streamed through a buffered gzip writer so memory stays flat however long the run.
 * The stream opens with a self-describing comment line (`# eyesim access trace v1 ...`)
 * and the column names. A row may stand for several consecutive words (a DRAM
 * transfer, a GLB tile fill): `words` says how many. */
#ifndef EY_ACCTRACE_H
#define EY_ACCTRACE_H

#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ey_acc_writer ey_acc_writer; /* opaque */

/* Starts a trace on file descriptor `fd` (the writer closes it), after the comment
 * `about`. Returns NULL when zlib cannot start. */
ey_acc_writer *ey_acc_open(int fd, const char *about);
void ey_acc_row(ey_acc_writer *w, ey_cycle cycle, const char *unit, const char *op,
                const char *space, uint64_t addr, uint64_t words);
/* Flushes and closes; frees w. Returns EY_OK or EY_IO, with errno set to the cause
 * of the first failed write (the rows written so far are lost: the caller removes
 * the file). After a failed write no more rows are written. */
ey_rc ey_acc_close(ey_acc_writer *w);

#ifdef __cplusplus
}
#endif
#endif /* EY_ACCTRACE_H */
