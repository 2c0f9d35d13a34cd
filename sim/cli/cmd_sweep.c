/* cmd_sweep.c - `eyesim sweep` (run a design-space sweep, list its points, or
 * write a Slurm job array) and `eyesim sweep merge` (join the shards). The
 * sweep itself is sim/sweep. */
#define _DEFAULT_SOURCE /* realpath */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/cli/cli.h"
#include "sim/report/report.h"
#include "sim/sweep/sweep.h"

enum { CMD_SWEEP = 1, CMD_MERGE = 2 };

typedef struct sweep_cli {
  const char *out;
  int jobs, shard, nshards, array;
  int force, list, quiet, slurm;
  ey_opt_list sbatch; /* #SBATCH options, after --slurm */
} sweep_cli;

static int parse_shard(void *opts, const char *val) {
  sweep_cli *o = opts;
  char *mid, *end = NULL;
  long s = strtol(val, &mid, 10), n = *mid == '/' ? strtol(mid + 1, &end, 10) : 0;
  if (mid == val || *mid != '/' || *end || n < 1 || n > 100000 || s < 1 || s > n) return -1;
  o->shard = (int)s;
  o->nshards = (int)n;
  return 0;
}

/* After --slurm, the options eyesim does not take become #SBATCH lines. */
static int sbatch_option(void *opts, const char *arg, char *msg, size_t cap) {
  sweep_cli *o = opts;
  if (!o->slurm) return 0;
  if (strncmp(arg, "--", 2) || !arg[2]) {
    snprintf(msg, cap, "%s: unknown option for `eyesim sweep` (sbatch options go as --name=value)",
             arg);
    return -1;
  }
  if (o->sbatch.n == 64) {
    snprintf(msg, cap, "%s: too many sbatch options (at most 64)", arg);
    return -1;
  }
  if (ey_opt_list_add(&o->sbatch, arg)) {
    snprintf(msg, cap, "%s: out of memory for the sbatch options", arg);
    return -1;
  }
  return 1;
}

#define F(field) offsetof(sweep_cli, field)
static const ey_opt k_sweep_opts[] = {
    {.name = "--out",
     .short_name = 'o',
     .kind = EY_OPT_STR,
     .value = "DIR",
     .cmds = CMD_SWEEP | CMD_MERGE,
     .offset = F(out),
     .listed = CMD_SWEEP,
     .help = "the output folder (created; must be new, empty or this sweep's)"},
    {.name = "--jobs",
     .short_name = 'j',
     .kind = EY_OPT_INT,
     .value = "N",
     .cmds = CMD_SWEEP,
     .offset = F(jobs),
     .lo = 1,
     .hi = 1024,
     .help = "worker processes (default: the number of cores)"},
    {.name = "--shard",
     .kind = EY_OPT_CALL,
     .value = "I/N",
     .cmds = CMD_SWEEP,
     .parse = parse_shard,
     .expect = "expected I/N with 1 <= I <= N",
     .help = "run only shard I of N (points i with i mod N = I-1)"},
    {.name = "--force",
     .kind = EY_OPT_FLAG,
     .cmds = CMD_SWEEP,
     .offset = F(force),
     .help = "take over DIR from another sweep: points with unchanged\n"
             "inputs keep their results, the other results are removed"},
    {.name = "--list",
     .kind = EY_OPT_FLAG,
     .cmds = CMD_SWEEP,
     .offset = F(list),
     .help = "print the points (CSV: point, the swept keys, net, batch,\n"
             "valid, reason) and run nothing"},
    {.name = "--slurm",
     .kind = EY_OPT_FLAG,
     .cmds = CMD_SWEEP,
     .offset = F(slurm),
     .help = "write DIR/sweep.sbatch, a job array with one shard per task\n"
             "(into DIR/shard-I), instead of running; options after it that\n"
             "eyesim does not take, given as --name=value or --flag, become\n"
             "#SBATCH lines (e.g. --partition=debug --time=1:00:00)"},
    {.name = "--array-size",
     .kind = EY_OPT_INT,
     .value = "N",
     .cmds = CMD_SWEEP,
     .offset = F(array),
     .lo = 1,
     .hi = 100000,
     .help = "tasks of the job array (default: the points, at most 100)"},
    /* merge takes -q too, and prints its one line regardless */
    {.name = "--quiet",
     .short_name = 'q',
     .kind = EY_OPT_FLAG,
     .cmds = CMD_SWEEP | CMD_MERGE,
     .offset = F(quiet),
     .listed = CMD_SWEEP,
     .help = "no progress line and no summary"},
};
#undef F

static const ey_opt_section k_sweep_sections[] = {{"options:", CMD_SWEEP}};

static const char k_sweep_usage[] =
    "usage: eyesim sweep SPEC -o DIR [-j N] [--shard I/N] [--force] [-q]\n"
    "       eyesim sweep SPEC --list\n"
    "       eyesim sweep SPEC -o DIR --slurm [--array-size N] [--SBATCH-OPTION=VALUE]...\n"
    "       eyesim sweep merge DIR -o OUT\n"
    "\n"
    "Runs every point of a sweep spec (a base architecture, networks, batches and axes:\n"
    "docs/sweep.md) and writes DIR/sweep.csv (a row per point and layer, and a `total`\n"
    "row per point) and DIR/sweep.jsonl (a line per point with its full report), in\n"
    "point order. Each finished point is kept on disk: re-running the same command\n"
    "skips the points already done. Invalid points (an architecture that fails its\n"
    "checks) and layers that cannot map are recorded with the reason.\n"
    "\n";

static const char k_sweep_more[] =
    "merge:\n"
    "  reads DIR and its subfolders that hold sweep outputs (the shards), checks that\n"
    "  every point is there once, and writes OUT/sweep.csv and OUT/sweep.jsonl; missing\n"
    "  points are listed (with their shard) and nothing is written.\n"
    "\n"
    "Exit status: 0 every point has a result (invalid and unmapped points included);\n"
    "1 a bad spec or file, a point that failed, or a merge with points missing; 2 bad\n"
    "usage, or DIR holds another sweep (see --force) or is in use; 128+N stopped by\n"
    "signal N (finished points are kept).\n";

#define SWEEP_CMD(cmd_name, bit, hint_text, other_fn)                                           \
  {                                                                                             \
    .name = cmd_name, .cmd = bit, .opts = k_sweep_opts,                                         \
    .nopts = (int)(sizeof k_sweep_opts / sizeof k_sweep_opts[0]), .max_args = 1,                \
    .hint = hint_text, .other = other_fn, .usage = k_sweep_usage, .sections = k_sweep_sections, \
    .nsections = 1, .more = k_sweep_more                                                        \
  }

static const ey_opt_cmd k_sweep_cmd = SWEEP_CMD("sweep", CMD_SWEEP, NULL, sbatch_option);
static const ey_opt_cmd k_merge_cmd =
    SWEEP_CMD("sweep merge", CMD_MERGE, "(it takes -o OUT)", NULL);

void ey_cli_sweep_help(FILE *f) {
  ey_opts_help(&k_sweep_cmd, f);
}

static int sweep_merge(int argc, char **argv) {
  sweep_cli o;
  memset(&o, 0, sizeof o);
  ey_opt_list args = {0};
  int st = ey_cli_parse(&k_merge_cmd, argc, argv, 3, &o, &args);
  const char *dir = args.n ? args.v[0] : NULL;
  ey_opt_list_free(&args);
  if (st >= 0) return st;
  if (!dir || !o.out) return ey_cli_usage_error("%s", "`eyesim sweep merge` needs DIR and -o OUT");
  ey_sweep_merged m;
  ey_err err;
  ey_rc rc = ey_sweep_merge(dir, o.out, &m, &err);
  if (rc) return ey_cli_fail(&err, rc);
  printf("merged %ld points from %d folder%s into %s/sweep.csv and %s/sweep.jsonl", m.points,
         m.shards, m.shards == 1 ? "" : "s", o.out, o.out);
  if (m.duplicates)
    printf(" (%ld duplicate%s kept once)", m.duplicates, m.duplicates == 1 ? "" : "s");
  printf("\n");
  return EXIT_OK;
}

/* --list: a CSV row per point, run nothing. */
static void sweep_list(const ey_sweep *sw) {
  ey_sweep_point *p = malloc(sizeof *p);
  if (!p) return;
  printf("point");
  for (int c = 0; c < sw->ncols; c++) printf(",%s", sw->cols[c]);
  printf(",net,batch,valid,reason\n");
  for (long i = 0; i < sw->npoints; i++) {
    ey_sweep_point_at(sw, i, p);
    printf("%ld", i);
    for (int c = 0; c < sw->ncols; c++) {
      fputc(',', stdout);
      ey_csv_field(stdout, p->cols[c]);
    }
    printf(",%s,%d,%d,", sw->nets[p->net].net.name, p->batch, p->valid);
    ey_csv_field(stdout, p->valid ? "" : p->why);
    fputc('\n', stdout);
  }
  free(p);
}

/* --slurm: DIR/sweep.sbatch, with the absolute paths of eyesim, the spec and DIR. */
static int sweep_slurm(const ey_sweep *sw, const char *spec, sweep_cli *o) {
  char exe[4096], spec_abs[4096], out_abs[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0 || !realpath(spec, spec_abs))
    return ey_cli_usage_error("%s: cannot find the absolute paths of eyesim and the spec", spec);
  exe[n] = 0;
  int array = o->array ? o->array : (int)EY_MIN(sw->npoints, 100);
  const char *sbatch[65];
  for (int i = 0; i < o->sbatch.n; i++) sbatch[i] = o->sbatch.v[i];
  sbatch[o->sbatch.n] = NULL;
  ey_err err;
  /* Before the folder is made. */
  if (ey_sweep_slurm_check(exe, spec_abs, o->out, sbatch, &err)) return ey_cli_fail(&err, EY_USAGE);
  if (mkdir(o->out, 0777) && errno != EEXIST) {
    fprintf(stderr, "eyesim: %s: cannot create the folder (%s)\n", o->out, strerror(errno));
    return EXIT_INPUT;
  }
  if (!realpath(o->out, out_abs))
    return ey_cli_usage_error("%s: cannot find its absolute path", o->out);
  ey_rc rc = ey_sweep_slurm(sw, exe, spec_abs, out_abs, array, sbatch, &err);
  if (rc) return ey_cli_fail(&err, rc);
  if (!o->quiet)
    printf(
        "wrote %s/sweep.sbatch: %ld points in %d array tasks\nsubmit: sbatch %s/sweep.sbatch\n"
        "then:   %s sweep merge %s -o %s/merged\n",
        o->out, sw->npoints, array, o->out, exe, o->out, o->out);
  return EXIT_OK;
}

/* Runs the sweep's points and says how it went. */
static int sweep_points(const ey_sweep *sw, const sweep_cli *o) {
  ey_sweep_opts so;
  memset(&so, 0, sizeof so);
  so.out = o->out;
  so.jobs = o->jobs;
  so.shard = o->shard;
  so.nshards = o->nshards;
  so.force = o->force;
  so.progress = !o->quiet && isatty(STDERR_FILENO);
  ey_sweep_stats st;
  ey_err err;
  ey_rc rc = ey_sweep_run(sw, &so, &st, &err);
  if (rc) return ey_cli_fail(&err, rc);
  if (st.interrupted) {
    fprintf(stderr,
            "eyesim: sweep stopped by signal %d: %ld of %ld points done and kept in %s; run the "
            "same command again to finish\n",
            st.interrupted, st.skipped + st.computed - st.failed, st.points, o->out);
    return 128 + st.interrupted;
  }
  if (!o->quiet)
    printf(
        "sweep %s: %ld points (%ld computed, %ld already done): %ld ok, %ld nomap, %ld "
        "invalid, %ld error, %ld failed; %.1f s\nresults: %s/sweep.csv, %s/sweep.jsonl\n",
        sw->name, st.points, st.computed, st.skipped, st.ok, st.nomap, st.invalid, st.error,
        st.failed, st.seconds, o->out, o->out);
  if (st.failed || st.error) {
    fprintf(stderr, "eyesim: %ld point%s failed (status failed or error in %s/sweep.csv)%s\n",
            st.failed + st.error, st.failed + st.error == 1 ? "" : "s", o->out,
            st.failed ? "; run the same command again to retry the failed ones" : "");
    return EXIT_INPUT;
  }
  return EXIT_OK;
}

/* `eyesim sweep SPEC ...` once its options are read. */
static int sweep(const char *spec, sweep_cli *o) {
  if (!spec) return ey_cli_usage_error("%s", "`eyesim sweep` needs SPEC");
  if (!o->out && !o->list) return ey_cli_usage_error("%s", "`eyesim sweep` needs -o DIR");
  if (o->array && !o->slurm) return ey_cli_usage_error("%s", "--array-size goes with --slurm");
  if (o->slurm && o->nshards)
    return ey_cli_usage_error("%s", "--shard and --slurm: the job array chooses the shards");
  ey_sweep sw;
  ey_err err;
  ey_rc rc = ey_sweep_load(spec, ey_cli_config_dir(), &sw, &err);
  int status = EXIT_OK;
  if (rc)
    status = ey_cli_fail(&err, rc);
  else if (o->list)
    sweep_list(&sw);
  else if (o->slurm)
    status = sweep_slurm(&sw, spec, o);
  else
    status = sweep_points(&sw, o);
  ey_sweep_free(&sw);
  return status;
}

int ey_cli_sweep(int argc, char **argv) {
  if (argc < 3 || !strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")) {
    ey_cli_sweep_help(argc < 3 ? stderr : stdout);
    return argc < 3 ? EXIT_USAGE : EXIT_OK;
  }
  if (!strcmp(argv[2], "merge")) return sweep_merge(argc, argv);
  sweep_cli o;
  memset(&o, 0, sizeof o);
  o.jobs = ey_cli_default_jobs();
  ey_opt_list args = {0};
  int st = ey_cli_parse(&k_sweep_cmd, argc, argv, 2, &o, &args);
  const char *spec = args.n ? args.v[0] : NULL;
  ey_opt_list_free(&args);
  if (st < 0) st = sweep(spec, &o);
  ey_opt_list_free(&o.sbatch);
  return st;
}
