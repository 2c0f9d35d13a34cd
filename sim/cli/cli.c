/* cli.c - the helpers the commands share: errors on stderr, parsing with the
 * help on --help, configs by short name, outputs written whole. */
#include "sim/cli/cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/config/config.h"

int ey_cli_usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "eyesim: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, " (see `eyesim help`)\n");
  va_end(ap);
  return EXIT_USAGE;
}

int ey_cli_fail(const ey_err *err, ey_rc rc) {
  fprintf(stderr, "eyesim: %s\n", err->msg);
  return rc == EY_USAGE ? EXIT_USAGE : EXIT_INPUT;
}

int ey_cli_parse(const ey_opt_cmd *c, int argc, char **argv, int from, void *opts,
                 ey_opt_list *args) {
  char msg[EY_ERR_MAX];
  int r = ey_opts_parse(c, argc - from, argv + from, opts, args, msg, sizeof msg);
  if (r == EY_OPTS_HELP) {
    ey_opts_help(c, stdout);
    return EXIT_OK;
  }
  if (r == EY_OPTS_BAD) return ey_cli_usage_error("%s", msg);
  return -1;
}

const char *ey_cli_config_dir(void) {
  const char *dir = getenv("EYESIM_CONFIGS");
  return dir && *dir ? dir : EY_CONFIG_DIR;
}

/* Edit distance of a and b (each at most EY_NAME_MAX - 1 characters long). */
static int distance(const char *a, const char *b) {
  int prev[EY_NAME_MAX], cur[EY_NAME_MAX];
  const int na = (int)strlen(a), nb = (int)strlen(b);
  if (na >= EY_NAME_MAX || nb >= EY_NAME_MAX) return 1 << 20;
  for (int j = 0; j <= nb; j++) prev[j] = j;
  for (int i = 1; i <= na; i++) {
    cur[0] = i;
    for (int j = 1; j <= nb; j++) {
      int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
      cur[j] = EY_MIN(sub, EY_MIN(prev[j], cur[j - 1]) + 1);
    }
    memcpy(prev, cur, sizeof cur[0] * (size_t)(nb + 1));
  }
  return prev[nb];
}

static int cmp_names(const void *x, const void *y) {
  return strcmp(*(char *const *)x, *(char *const *)y);
}

ey_rc ey_cli_locate(const char *arg, const char *sub, char *buf, size_t cap, ey_err *err) {
  if (ey_config_path(arg, sub, ey_cli_config_dir(), NULL, buf, cap)) return EY_OK;
  const size_t n = strlen(arg);
  snprintf(buf, cap, "%s", arg);
  if (ey_config_is_path(arg)) return EY_OK; /* a path: the loader says what is wrong with it */
  /* A short name that is not shipped: list the shipped ones, nearest first. */
  const char *what = !strcmp(sub, "arch") ? "architecture" : "network";
  char dir[600];
  snprintf(dir, sizeof dir, "%s/%s", ey_cli_config_dir(), sub);
  char *names[256];
  int count = 0;
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) && count < 256) {
      size_t k = strlen(e->d_name);
      if (k <= 5 || k - 5 >= EY_NAME_MAX || strcmp(e->d_name + k - 5, ".yaml")) continue;
      names[count] = strndup(e->d_name, k - 5);
      if (names[count]) count++;
    }
    closedir(d);
  }
  qsort(names, (size_t)count, sizeof names[0], cmp_names);
  /* The start of a name first; else the nearest, when near enough to be a
   * slip: an edit for every three letters, two at least. */
  const char *best = NULL;
  int near = 0;
  for (int i = 0; i < count && !near; i++)
    if (!strncmp(names[i], arg, n)) near = 1, best = names[i];
  int bestd = 1 << 20;
  for (int i = 0; i < count && !near; i++) {
    int dd = distance(arg, names[i]);
    if (dd < bestd) bestd = dd, best = names[i];
  }
  if (!near) near = best && bestd <= EY_MAX(2, (int)strlen(best) / 3);
  char list[1024] = "";
  size_t used = 0;
  for (int i = 0; i < count && used + 1 < sizeof list; i++)
    used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
  ey_rc rc;
  if (!count)
    rc = ey_err_set(err, EY_IO, "%s: no such file, and no shipped %s in %s", arg, what, dir);
  else
    rc = ey_err_set(err, EY_IO,
                    "%s: no such file, and no shipped %s of that name%s%s%s (shipped: %s)", arg,
                    what, near ? "; did you mean " : "", near ? best : "", near ? "?" : "", list);
  for (int i = 0; i < count; i++) free(names[i]);
  return rc;
}

int ey_cli_open_out(ey_outfile *o, const char *path) {
  ey_err err;
  if (ey_outfile_open(o, path, &err)) return ey_cli_fail(&err, EY_IO);
  return EXIT_OK;
}

int ey_cli_stdout_status(int status) {
  /* A full disk or a closed pipe shows only at the flush, or as the stream's
   * error flag from an earlier write. */
  int bad = fflush(stdout) != 0;
  int e = errno;
  bad |= ferror(stdout) != 0;
  fflush(stderr);
  if (!bad) return status;
  fprintf(stderr, "eyesim: stdout: write failed (%s)\n", strerror(bad && e ? e : EIO));
  return status ? status : EXIT_INPUT;
}

int ey_cli_default_jobs(void) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return cores > 0 ? (int)EY_MIN(cores, 1024) : 1;
}
