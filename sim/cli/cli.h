/* cli.h - what the files of the eyesim command share: the exit statuses, the
 * commands (one file each), and the few helpers that print errors and find
 * configs. The command line is the only part of eyesim that prints errors.
 *
 * Exit status: 0 success; 1 bad input (a config, network, mapping, trace or
 * output file) or an output that differs from the golden convolution; 2 bad
 * usage; 3 the run completed but some layer could not be mapped (the reports
 * were written, with that layer marked); 128+N a run stopped by signal N (the
 * reports hold the layers done before it stopped). */
#ifndef EY_CLI_H
#define EY_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "sim/base/ey_types.h"
#include "sim/base/outfile.h"
#include "sim/cli/opts.h"

#ifndef EY_CONFIG_DIR
#define EY_CONFIG_DIR "configs"
#endif

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_NOMAP = 3 };

/* The commands: argv[0] is "eyesim", argv[1] the command (and argv[2] the
 * subcommand of trace and sweep). Each returns the exit status; its _help
 * prints its --help. */
int ey_cli_run(int argc, char **argv); /* run and map: cmd_run.c */
void ey_cli_run_help(FILE *f);
int ey_cli_config(int argc, char **argv); /* config and keys: cmd_config.c */
void ey_cli_config_help(FILE *f);
int ey_cli_keys(int argc, char **argv);
void ey_cli_keys_help(FILE *f);
int ey_cli_trace(int argc, char **argv); /* trace encode|decode|stats|synth: cmd_trace.c */
void ey_cli_trace_help(FILE *f);
int ey_cli_sweep(int argc, char **argv); /* sweep and sweep merge: cmd_sweep.c */
void ey_cli_sweep_help(FILE *f);
int ey_cli_import(int argc, char **argv); /* import: cmd_import.c (runs scripts/import) */
void ey_cli_import_help(FILE *f);

/* "eyesim: MESSAGE (see `eyesim help`)" on stderr; returns EXIT_USAGE. */
int ey_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "eyesim: MESSAGE" on stderr; returns EXIT_USAGE for EY_USAGE, else EXIT_INPUT. */
int ey_cli_fail(const ey_err *err, ey_rc rc);
/* Parses argv[from..] against the command's table, printing its help or the
 * usage error. Returns -1 to go on, else the exit status to return. */
int ey_cli_parse(const ey_opt_cmd *c, int argc, char **argv, int from, void *opts,
                 ey_opt_list *args);

/* Where shipped configs are: $EYESIM_CONFIGS, else the build's configs/. */
const char *ey_cli_config_dir(void);
/* A path as given, or a short name found under the configs directory's `sub`,
 * into buf; when `arg` is a bare name (no '/', no .yaml) that is not
 * shipped, EY_IO with "NAME: no such file, and no shipped network of that name;
 * did you mean X? (shipped: ...)" in err. A path is left for the loader to open. */
ey_rc ey_cli_locate(const char *arg, const char *sub, char *buf, size_t cap, ey_err *err);
/* Opens `path` through a temporary file (the caller commits or aborts). Returns
 * EXIT_OK, or EXIT_INPUT with the error printed. */
int ey_cli_open_out(ey_outfile *o, const char *path);
/* The exit status once stdout is flushed: `status`, or when anything written to
 * stdout was lost (a full disk, /dev/full), a message and EXIT_INPUT. */
int ey_cli_stdout_status(int status);
/* Layers or points worked on at once by default: the online cores (1 to 1024). */
int ey_cli_default_jobs(void);

#endif /* EY_CLI_H */
