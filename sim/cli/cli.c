/* cli.c - the helpers the commands share: errors on stderr, parsing with the
 * help on --help, configs by short name, outputs written whole. */
#include "sim/cli/cli.h"

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

const char *ey_cli_resolve(const char *arg, const char *sub, char *buf, size_t cap) {
  return ey_config_path(arg, sub, ey_cli_config_dir(), NULL, buf, cap) ? buf : arg;
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
