/* outfile.h - output files that appear whole or not at all: the text is written
 * to a temporary file beside the target and renamed over it on success, so a
 * failed or interrupted run never leaves a half-written report. "-" is stdout;
 * a path that names a device or a pipe (/dev/null, a FIFO) is written in place.
 * The temporary name is TARGET.tmpPID.XXXXXX; opening TARGET removes those left by
 * processes that were killed outright (their PID no longer runs). */
#ifndef EY_OUTFILE_H
#define EY_OUTFILE_H

#include <stdio.h>

#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ey_outfile {
  FILE *f;        /* public: write here */
  char path[512]; /* private: the target */
  char tmp[544];  /* private: the temporary name; "" for stdout or direct */
  int direct;     /* private: a device or pipe, written in place */
} ey_outfile;

/* Opens a temporary file beside `path`. Returns EY_OK or EY_IO with a message. */
ey_rc ey_outfile_open(ey_outfile *o, const char *path, ey_err *err);
/* Flushes and closes the file, leaving it under its temporary name: a later
 * commit renames it into place, an abort removes it. Returns EY_OK or EY_IO (the
 * temporary file is removed on failure). */
ey_rc ey_outfile_close(ey_outfile *o, ey_err *err);
/* Flushes, closes (unless ey_outfile_close did) and renames into place. Returns
 * EY_OK or EY_IO (the temporary file is removed on failure). */
ey_rc ey_outfile_commit(ey_outfile *o, ey_err *err);
/* Closes and removes the temporary file; safe after commit and on a zeroed one. */
void ey_outfile_abort(ey_outfile *o);
/* Removes every temporary file in `dir` left by a process that no longer runs
 * (for folders of many outputs, such as --trace-dir). */
void ey_outfile_clean_dir(const char *dir);

#ifdef __cplusplus
}
#endif
#endif /* EY_OUTFILE_H */
