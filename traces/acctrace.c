/* acctrace.c - buffered gzip CSV rows. */
#include "traces/acctrace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

struct ey_acc_writer {
  gzFile g;
  int failed;
  int errnum; /* errno of the first failure */
  size_t n;
  char buf[1 << 16]; /* rows are formatted here and handed to zlib in blocks */
};

/* Records the first failure and its cause: errno for a failed write, else EIO. */
static void fail(ey_acc_writer *w, int code) {
  if (!w->failed) w->errnum = code == Z_ERRNO && errno ? errno : EIO;
  w->failed = 1;
}

static void flush_rows(ey_acc_writer *w) {
  if (w->n && !w->failed) {
    errno = 0;
    if (gzwrite(w->g, w->buf, (unsigned)w->n) != (int)w->n) {
      int code;
      gzerror(w->g, &code);
      fail(w, code);
    }
  }
  w->n = 0;
}

ey_acc_writer *ey_acc_open(int fd, const char *about) {
  ey_acc_writer *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->g = gzdopen(fd, "wb6");
  if (!w->g) {
    close(fd);
    free(w);
    return NULL;
  }
  gzbuffer(w->g, 1 << 18);
  w->n = (size_t)snprintf(w->buf, sizeof w->buf,
                          "# eyesim access trace v1: %s\ncycle,unit,op,space,addr,words\n", about);
  if (w->n >= sizeof w->buf) w->n = sizeof w->buf - 1;
  return w;
}

void ey_acc_row(ey_acc_writer *w, ey_cycle cycle, const char *unit, const char *op,
                const char *space, uint64_t addr, uint64_t words) {
  if (w->n + 160 > sizeof w->buf) flush_rows(w);
  int k = snprintf(w->buf + w->n, sizeof w->buf - w->n,
                   "%" PRIu64 ",%s,%s,%s,%" PRIu64 ",%" PRIu64 "\n", cycle, unit, op, space, addr,
                   words);
  if (k > 0) w->n += (size_t)k;
}

ey_rc ey_acc_close(ey_acc_writer *w) {
  flush_rows(w);
  errno = 0;
  int code = gzclose(w->g);
  if (code != Z_OK) fail(w, code);
  int failed = w->failed, e = w->errnum;
  free(w);
  if (failed) errno = e;
  return failed ? EY_IO : EY_OK;
}
