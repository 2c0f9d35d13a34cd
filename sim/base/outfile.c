/* outfile.c - write to a temporary name, then rename. */
#include "sim/base/outfile.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporary names are "TARGET.tmpPID.XXXXXX". A process killed outright (SIGKILL,
 * a power cut) cannot remove its own; the next one to write TARGET, or to write
 * into the folder, removes those of processes that no longer exist, so a kill
 * leaves nothing behind for long. Only names of this exact shape (for `base`,
 * or any target when base is NULL) whose PID does not run are removed. */
static int stale_pid(const char *p, long self) {
  long pid = 0;
  int digits = 0;
  while (*p >= '0' && *p <= '9' && digits < 10) pid = pid * 10 + (*p++ - '0'), digits++;
  if (!digits || *p != '.' || strlen(p + 1) != 6 || pid <= 0 || pid == self) return 0;
  return kill((pid_t)pid, 0) != 0 && errno == ESRCH; /* alive, or not ours to judge */
}

static void remove_stale(const char *dir, const char *base) {
  const size_t blen = base ? strlen(base) : 0;
  DIR *d = opendir(dir);
  if (!d) return;
  const long self = (long)getpid();
  struct dirent *e;
  while ((e = readdir(d))) {
    const char *n = e->d_name, *p;
    if (base) {
      if (strncmp(n, base, blen) || strncmp(n + blen, ".tmp", 4)) continue;
      p = n + blen + 4;
    } else {
      /* The last ".tmp" followed by PID.XXXXXX; a target's own name may hold one. */
      const char *t = NULL;
      for (const char *q = strstr(n, ".tmp"); q; q = strstr(q + 1, ".tmp")) t = q;
      if (!t || t == n) continue;
      p = t + 4;
    }
    if (!stale_pid(p, self)) continue;
    char full[1100];
    if (snprintf(full, sizeof full, "%s/%s", dir, n) < (int)sizeof full) unlink(full);
  }
  closedir(d);
}

void ey_outfile_clean_dir(const char *dir) {
  remove_stale(dir, NULL);
}

/* remove_stale() for the folder and name of `path`. */
static void remove_stale_of(const char *path) {
  const char *slash = strrchr(path, '/');
  char dir[512];
  if (!slash) {
    remove_stale(".", path);
    return;
  }
  size_t n = (size_t)(slash - path);
  if (n + 2 > sizeof dir || !slash[1]) return;
  memcpy(dir, path, n);
  dir[n] = '\0';
  if (!n) strcpy(dir, "/");
  remove_stale(dir, slash + 1);
}

ey_rc ey_outfile_open(ey_outfile *o, const char *path, ey_err *err) {
  memset(o, 0, sizeof *o);
  if (!strcmp(path, "-")) {
    o->f = stdout;
    return EY_OK;
  }
  if (!*path) return ey_err_set(err, EY_IO, "output: expected a file name (got an empty one)");
  if (strlen(path) >= sizeof o->path)
    return ey_err_set(err, EY_IO, "%s: output path too long", path);
  snprintf(o->path, sizeof o->path, "%s", path);
  struct stat st;
  /* A folder would fail only at the rename, after all the work: refuse it now. */
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    return ey_err_set(err, EY_IO, "%s: cannot create (Is a directory)", path);
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
    /* A device or a pipe (/dev/null, a FIFO): written in place. Renaming a
     * temporary file over it would replace the device with a plain file. */
    o->f = fopen(path, "w");
    if (!o->f) return ey_err_set(err, EY_IO, "%s: cannot open (%s)", path, strerror(errno));
    o->direct = 1;
    return EY_OK;
  }
  remove_stale_of(path);
  snprintf(o->tmp, sizeof o->tmp, "%s.tmp%ld.XXXXXX", path, (long)getpid());
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
