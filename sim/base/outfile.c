/* outfile.c - write to a temporary name, then rename. */
#include "sim/base/outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

ey_rc ey_outfile_open(ey_outfile *o, const char *path, ey_err *err) {
  memset(o, 0, sizeof *o);
  if (!strcmp(path, "-")) {
    o->f = stdout;
    return EY_OK;
  }
  if (strlen(path) >= sizeof o->path)
    return ey_err_set(err, EY_IO, "%s: output path too long", path);
  snprintf(o->path, sizeof o->path, "%s", path);
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    /* A device or a pipe (/dev/null, a FIFO): written in place. Renaming a
     * temporary file over it would replace the device with a plain file. */
    o->f = fopen(path, "w");
    if (!o->f) return ey_err_set(err, EY_IO, "%s: cannot open (%s)", path, strerror(errno));
    o->direct = 1;
    return EY_OK;
  }
  snprintf(o->tmp, sizeof o->tmp, "%s.tmpXXXXXX", path);
  int fd = mkstemp(o->tmp);
  if (fd < 0) {
    ey_rc rc = ey_err_set(err, EY_IO, "%s: cannot create (%s)", path, strerror(errno));
    o->tmp[0] = '\0';
    return rc;
  }
  /* mkstemp makes the file 0600; a report should get the usual mode. */
  mode_t mask = umask(0);
  umask(mask);
  (void)fchmod(fd, 0666 & ~mask);
  o->f = fdopen(fd, "w");
  if (!o->f) {
    close(fd);
    unlink(o->tmp);
    o->tmp[0] = '\0';
    return ey_err_set(err, EY_IO, "%s: cannot open (%s)", path, strerror(errno));
  }
  return EY_OK;
}

ey_rc ey_outfile_close(ey_outfile *o, ey_err *err) {
  if (!o->f) return EY_OK;
  if (!o->tmp[0] && !o->direct) { /* stdout */
    o->f = NULL;
    return fflush(stdout) ? ey_err_set(err, EY_IO, "stdout: write failed (%s)", strerror(errno))
                          : EY_OK;
  }
  int bad = ferror(o->f) | fflush(o->f);
  bad |= fclose(o->f);
  o->f = NULL;
  o->direct = 0;
  if (bad) {
    int e = errno;
    if (o->tmp[0]) unlink(o->tmp);
    o->tmp[0] = '\0';
    return ey_err_set(err, EY_IO, "%s: write failed (%s)", o->path, strerror(e));
  }
  return EY_OK;
}

ey_rc ey_outfile_commit(ey_outfile *o, ey_err *err) {
  ey_rc rc = ey_outfile_close(o, err);
  if (rc || !o->tmp[0]) return rc;
  if (rename(o->tmp, o->path)) {
    int e = errno;
    unlink(o->tmp);
    o->tmp[0] = '\0';
    return ey_err_set(err, EY_IO, "%s: write failed (%s)", o->path, strerror(e));
  }
  o->tmp[0] = '\0';
  return EY_OK;
}

void ey_outfile_abort(ey_outfile *o) {
  if (o->f && (o->tmp[0] || o->direct)) fclose(o->f);
  o->direct = 0;
  if (o->tmp[0]) unlink(o->tmp);
  o->f = NULL;
  o->tmp[0] = '\0';
}
