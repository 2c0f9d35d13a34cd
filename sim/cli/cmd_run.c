/* cmd_run.c - `eyesim run` and `eyesim map`: load the architecture, the network
 * and the optional mapping file and activation trace, run the report (sim/report)
 * with the progress line, the table printed as layers are done, the access
 * traces and the waveform wired to the engine's callbacks, then write the
 * outputs and choose the exit status. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim/cli/cli.h"
#include "sim/config/config.h"
#include "sim/report/run.h"
#include "traces/accdir.h"
#include "traces/vcdfile.h"

/* The engine's access units and operations are the trace writer's. */
_Static_assert((int)EY_ACC_DRAM == (int)EY_ACCTRACE_DRAM &&
                   (int)EY_ACC_GLB == (int)EY_ACCTRACE_GLB &&
                   (int)EY_ACC_SPAD == (int)EY_ACCTRACE_SPAD &&
                   (int)EY_ACC_NOC == (int)EY_ACCTRACE_NOC,
               "access units");
_Static_assert((int)EY_OP_READ == (int)EY_ACCTRACE_READ &&
                   (int)EY_OP_WRITE == (int)EY_ACCTRACE_WRITE &&
                   (int)EY_OP_MULTICAST == (int)EY_ACCTRACE_MULTICAST &&
                   (int)EY_OP_UNICAST == (int)EY_ACCTRACE_UNICAST,
               "access operations");

/* ------------------------------------------------------------------ options */

enum { CMD_RUN = 1, CMD_MAP = 2, CMD_BOTH = CMD_RUN | CMD_MAP };

typedef struct run_opts {
  int batch;          /* 0: the file's */
  const char *layers; /* NULL: all */
  int objective;      /* -1: the arch's */
  ey_opt_list sets;
  const char *mapping, *json, *csv, *out;
  int quiet, check, analytic, step, eyexam;
  int replay; /* REPLAY_* */
  uint64_t seed;
  double zeros;
  const char *activations, *trace_dir;
  const char *weights, *input, *output, *record; /* real data (docs/graphs.md) */
  int trace_full;
  const char *vcd, *vcd_signals;
  uint64_t vcd_from, vcd_to;
  int jobs; /* layers simulated at once */
} run_opts;

static int parse_window(void *opts, const char *val) {
  run_opts *o = opts;
  char *mid, *end = NULL;
  unsigned long long lo = strtoull(val, &mid, 10),
                     hi = *mid == ':' ? strtoull(mid + 1, &end, 10) : 0;
  if (*val == '-' || mid == val || *mid != ':' || !end || end == mid + 1 || *end || hi <= lo)
    return -1;
  o->vcd_from = lo;
  o->vcd_to = hi;
  return 0;
}

static const ey_opt_choice k_objectives[] = {
    {"energy", EY_OBJ_ENERGY}, {"cycles", EY_OBJ_CYCLES}, {"edp", EY_OBJ_EDP}, {NULL, 0}};
static const ey_opt_choice k_steps[] = {
    {"fast", EY_STEP_FAST}, {"exact", EY_STEP_EXACT}, {NULL, 0}};
static const ey_opt_choice k_details[] = {{"basic", 0}, {"full", 1}, {NULL, 0}};
enum { REPLAY_ON = 0, REPLAY_OFF, REPLAY_CHECK };
static const ey_opt_choice k_replays[] = {
    {"on", REPLAY_ON}, {"off", REPLAY_OFF}, {"check", REPLAY_CHECK}, {NULL, 0}};

#define F(field) offsetof(run_opts, field)
static const ey_opt k_run_opts[] = {
    {.name = "--batch",
     .kind = EY_OPT_INT,
     .value = "N",
     .cmds = CMD_BOTH,
     .offset = F(batch),
     .lo = 1,
     .hi = 65536,
     .help = "images per run (default: the network file's batch)"},
    {.name = "--layers",
     .kind = EY_OPT_STR,
     .value = "LIST",
     .cmds = CMD_BOTH,
     .offset = F(layers),
     .help = "layers to run: names and first..last ranges, e.g. conv1..conv5,fc8"},
    {.name = "--objective",
     .kind = EY_OPT_CHOICE,
     .value = "OBJ",
     .cmds = CMD_BOTH,
     .offset = F(objective),
     .choices = k_objectives,
     .help = "what the mapper minimizes: energy, cycles or edp\n"
             "(default: the architecture's mapper.objective)"},
    {.name = "--set",
     .kind = EY_OPT_LIST,
     .value = "KEY=VALUE",
     .cmds = CMD_BOTH,
     .offset = F(sets),
     .max = 64,
     .help = "override one architecture key, e.g. --set pe_array.rows=16;\n"
             "repeatable; `eyesim keys` lists the keys"},
    {.name = "--check",
     .kind = EY_OPT_FLAG,
     .cmds = CMD_RUN,
     .offset = F(check),
     .help = "compare every output with the golden convolution; a mismatch\n"
             "fails the run naming the layer, the index, expected and got"},
    {.name = "--step",
     .kind = EY_OPT_CHOICE,
     .value = "MODE",
     .cmds = CMD_RUN,
     .offset = F(step),
     .choices = k_steps,
     .help = "fast (default) or exact: exact ticks every PE every cycle; both\n"
             "give the same figures, fast in less time"},
    {.name = "--replay",
     .kind = EY_OPT_CHOICE,
     .value = "MODE",
     .cmds = CMD_RUN,
     .offset = F(replay),
     .choices = k_replays,
     .help = "fast stepping's pass replay (docs/engine.md): on (default) simulates\n"
             "the first pass of each kind and replays the others; off simulates\n"
             "every pass; check simulates every pass and fails the run when one\n"
             "differs from its kind's record. None changes a figure"},
    {.name = "--seed",
     .kind = EY_OPT_U64,
     .value = "S",
     .cmds = CMD_RUN,
     .offset = F(seed),
     .help = "seed of the synthetic data (default 1)"},
    {.name = "--zeros",
     .kind = EY_OPT_REAL,
     .value = "FRACTION",
     .cmds = CMD_RUN,
     .offset = F(zeros),
     .lo = 0,
     .hi = 1,
     .help = "fraction of ifmap values that are zero, 0 to 1, for every layer\n"
             "(default: each layer's `zeros` in the network file, else 0)"},
    {.name = "--eyexam",
     .kind = EY_OPT_FLAG,
     .cmds = CMD_RUN,
     .offset = F(eyexam),
     .help = "after the table, each layer's Eyexam bounds: MAC/cycle after each\n"
             "step from the workload to the measured (docs/eyexam.md); the JSON\n"
             "and CSV hold them always"},
    {.name = "--analytic",
     .kind = EY_OPT_FLAG,
     .cmds = CMD_RUN,
     .offset = F(analytic),
     .help = "skip the cycle-level simulation: the mapper's estimates only"},
    {.name = "--vcd",
     .kind = EY_OPT_STR,
     .value = "FILE",
     .cmds = CMD_RUN,
     .offset = F(vcd),
     .help = "write a waveform (VCD, for GTKWave) of PEs, NoC, GLB banks and DRAM"},
    {.name = "--vcd-window",
     .kind = EY_OPT_CALL,
     .value = "A:B",
     .cmds = CMD_RUN,
     .parse = parse_window,
     .expect = "expected FROM:TO cycles with FROM < TO",
     .help = "the run cycles it covers (default 0:10000); layers it may reach\n"
             "run with exact stepping"},
    {.name = "--vcd-signals",
     .kind = EY_OPT_STR,
     .value = "PATS",
     .cmds = CMD_RUN,
     .offset = F(vcd_signals),
     .help = "only the signals matching these globs, e.g. 'top.array.pe_r0_*,top.dram.*'"},
    {.name = "--trace-dir",
     .kind = EY_OPT_STR,
     .value = "DIR",
     .cmds = CMD_RUN,
     .offset = F(trace_dir),
     .help = "write access traces: DIR/LAYER.dram.csv.gz and DIR/LAYER.glb.csv.gz,\n"
             "one row per access: cycle,unit,op,space,addr,words"},
    {.name = "--trace-detail",
     .kind = EY_OPT_CHOICE,
     .value = "D",
     .cmds = CMD_RUN,
     .offset = F(trace_full),
     .choices = k_details,
     .help = "basic (DRAM and GLB, the default) or full (spads and NoC too:\n"
             "LAYER.spad.csv.gz, LAYER.noc.csv.gz; large)"},
    {.name = "--activations",
     .kind = EY_OPT_STR,
     .value = "FILE",
     .cmds = CMD_RUN,
     .offset = F(activations),
     .help = "replay each layer's ifmap from an activation trace (LAYER.ifmap);\n"
             "layers the trace lacks run on synthetic activations"},
    {.name = "--weights",
     .kind = EY_OPT_STR,
     .value = "DIR",
     .cmds = CMD_RUN,
     .offset = F(weights),
     .help = "real weights: DIR/LAYER.npy per layer, optional LAYER.bias.npy and\n"
             "quant.yaml (docs/graphs.md). Without --activations the network runs\n"
             "end to end, each layer on what the layers before it computed"},
    {.name = "--input",
     .kind = EY_OPT_STR,
     .value = "FILE",
     .cmds = CMD_RUN,
     .offset = F(input),
     .help = "with --weights: the network's input, an .npy of shape (N, C, H, W)\n"
             "or (C, H, W), int16 or float32 (default: seeded activations)"},
    {.name = "--output",
     .kind = EY_OPT_STR,
     .value = "FILE",
     .cmds = CMD_RUN,
     .offset = F(output),
     .help = "with --weights: write the last node's output as an int16 .npy"},
    {.name = "--record-activations",
     .kind = EY_OPT_STR,
     .value = "FILE",
     .cmds = CMD_RUN,
     .offset = F(record),
     .help = "with --weights: write every layer's ifmap as an activation trace,\n"
             "which --activations replays"},
    {.name = "--mapping",
     .kind = EY_OPT_STR,
     .value = "FILE",
     .cmds = CMD_RUN,
     .offset = F(mapping),
     .help = "use the mappings in FILE (from `eyesim map --out`) instead of\n"
             "searching; a missing, mismatched or illegal entry is an error"},
    {.name = "--json",
     .kind = EY_OPT_STR,
     .value = "FILE",
     .cmds = CMD_RUN,
     .offset = F(json),
     .help = "write the full report as JSON (docs/report.md); - is stdout"},
    {.name = "--csv",
     .kind = EY_OPT_STR,
     .value = "FILE",
     .cmds = CMD_RUN,
     .offset = F(csv),
     .help = "write one CSV row per layer; - is stdout"},
    /* map takes -q too, and has no table to leave out */
    {.name = "--quiet",
     .short_name = 'q',
     .kind = EY_OPT_FLAG,
     .cmds = CMD_BOTH,
     .offset = F(quiet),
     .listed = CMD_RUN,
     .help = "no table on stdout"},
    {.name = "--jobs",
     .short_name = 'j',
     .kind = EY_OPT_INT,
     .value = "N",
     .cmds = CMD_RUN,
     .offset = F(jobs),
     .lo = 1,
     .hi = 1024,
     .help = "layers simulated at once, on threads (default: the number of\n"
             "cores); the reports are the same whatever N. With --vcd, the\n"
             "layers that start before the end of the window run one at a\n"
             "time, in order"},
    {.name = "--out",
     .kind = EY_OPT_STR,
     .value = "FILE",
     .cmds = CMD_MAP,
     .offset = F(out),
     .help = "write the mappings as YAML; - is stdout"},
};
#undef F

static const ey_opt_section k_run_sections[] = {
    {"options (both):", CMD_BOTH}, {"options (run):", CMD_RUN}, {"options (map):", CMD_MAP}};

#define RUN_CMD(cmd_name, bit)                                               \
  {                                                                          \
    .name = cmd_name, .cmd = bit, .opts = k_run_opts,                        \
    .nopts = (int)(sizeof k_run_opts / sizeof k_run_opts[0]), .max_args = 2, \
    .usage =                                                                 \
        "usage: eyesim run ARCH NET [OPTIONS]\n"                             \
        "       eyesim map ARCH NET [OPTIONS]\n"                             \
        "\n",                                                                \
    .sections = k_run_sections, .nsections = 3, .more = k_run_more           \
  }

static const char k_run_more[] =
    "\n"
    "`run` simulates every layer cycle by cycle, moving real data, and reports the\n"
    "measured figures with the mapper's analytic estimate beside them. A progress bar\n"
    "goes to stderr when it is a terminal. The table's rows appear as the layers are\n"
    "done, in layer order. SIGINT (Ctrl-C) or SIGTERM stops the run: no more layers\n"
    "start, those still running are abandoned, and the table, --json and --csv hold\n"
    "the layers done before the first unfinished one (the JSON says \"complete\":\n"
    "false); the exit status is then 128+N for signal N (130 for Ctrl-C).\n";

static const ey_opt_cmd k_run_cmd = RUN_CMD("run", CMD_RUN);
static const ey_opt_cmd k_map_cmd = RUN_CMD("map", CMD_MAP);

void ey_cli_run_help(FILE *f) {
  ey_opts_help(&k_run_cmd, f);
}

/* ------------------------------------------------------------------ map output */

static void emit_json(const void *r, FILE *f) {
  ey_report_json((const ey_report *)r, f);
}
static void emit_csv(const void *r, FILE *f) {
  ey_report_csv((const ey_report *)r, f);
}

typedef struct mapout {
  const ey_report *r;
  ey_mapping *maps;
} mapout;

static void emit_maps(const void *p, FILE *f) {
  const mapout *mo = p;
  ey_mapfile_write(f, mo->r->arch, mo->r->net, mo->maps);
}

/* Writes into `o` (opened before the run, so that a folder that does not exist
 * fails before the simulation, not after it) and renames it into place. */
static int emit_out(ey_outfile *o, void (*emit)(const void *, FILE *), const void *arg) {
  ey_err err;
  emit(arg, o->f);
  if (ey_outfile_commit(o, &err)) return ey_cli_fail(&err, EY_IO);
  return EXIT_OK;
}

static int write_mappings(const ey_report *r, ey_outfile *o) {
  ey_mapping *maps = malloc(sizeof *maps * (size_t)(r->nlayers ? r->nlayers : 1));
  if (!maps) {
    fprintf(stderr, "eyesim: out of memory\n");
    return EXIT_INPUT;
  }
  for (int i = 0; i < r->nlayers; i++) maps[i] = r->res[i].map;
  mapout mo = {r, maps};
  int status = emit_out(o, emit_maps, &mo);
  free(maps);
  return status;
}

static void print_mappings(const ey_report *r, FILE *f) {
  int w = 5;
  for (int i = 0; i < r->nlayers; i++) w = EY_MAX(w, (int)strlen(r->res[i].layer->name));
  fprintf(f, "%-*s  %4s %4s %4s %4s %4s %4s %5s %5s %4s  %6s %5s\n", w, "layer", "n", "p", "q", "r",
          "t", "e", "eg", "m", "g", "PEs", "util%");
  for (int i = 0; i < r->nlayers; i++) {
    const ey_layer_result *x = &r->res[i];
    if (!x->mapped) {
      fprintf(f, "%-*s  cannot map: %s\n", w, x->layer->name, x->why);
      continue;
    }
    const ey_mapping *m = &x->map;
    const ey_cost *c = &x->cost;
    double util =
        c->cycles ? (double)c->c.macs / ((double)c->cycles * r->arch->rows * r->arch->cols) : 0;
    fprintf(f, "%-*s  %4d %4d %4d %4d %4d %4d %5d %5d %4d  %6d %5.1f\n", w, x->layer->name, m->n,
            m->p, m->q, m->r, m->t, m->e, m->eg, m->m, m->g, c->active_pes, 100 * util);
  }
}

/* ------------------------------------------------------------------ progress */

/* A progress line on stderr: the layer that last finished a pass, its pass, the
 * share of the run's estimated cycles done (every layer in flight counted), and
 * the time left at the rate so far. Wall time is read only for it. Layers on
 * several threads report to it at once: `mu` guards it, and the table's rows
 * are printed under it too, once the line is wiped (stdout and stderr are often
 * the same terminal). */
typedef struct progress {
  pthread_mutex_t mu;
  int on; /* 1: draw (a terminal, the run going on) */
  const ey_report *r;
  int totaled;        /* `total` is summed (every layer mapped by then) */
  double total, done; /* estimated cycles: all layers; the passes done */
  uint64_t *passes;   /* per layer: passes done */
  int drawn;          /* a line is on the screen */
  struct timespec start, last;
} progress;

static double secs_between(const struct timespec *a, const struct timespec *b) {
  return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Wipes the line; the caller holds p->mu. */
static void progress_wipe(progress *p) {
  if (p->drawn) fprintf(stderr, "\r\033[K");
  p->drawn = 0;
}

/* Adds layer i's passes up to `passes`; the caller holds p->mu. */
static void progress_count(progress *p, int i, uint64_t passes) {
  const ey_report *r = p->r;
  if (!p->totaled) {
    for (int k = 0; k < r->net->nlayers; k++)
      if (r->res[k].mapped) p->total += (double)r->res[k].cost.cycles;
    p->totaled = 1;
  }
  const ey_cost *c = &r->res[i].cost;
  if (passes > p->passes[i])
    p->done +=
        (double)c->cycles * (double)(passes - p->passes[i]) / (double)(c->passes ? c->passes : 1);
  p->passes[i] = passes;
}

static void on_pass(void *ctx, const ey_layer *l, uint64_t passes) {
  progress *p = ctx;
  pthread_mutex_lock(&p->mu);
  const ey_report *r = p->r;
  const int i = (int)(l - r->net->layers);
  if (!p->on || i < 0 || i >= r->net->nlayers) {
    pthread_mutex_unlock(&p->mu);
    return;
  }
  progress_count(p, i, passes);
  const ey_cost *c = &r->res[i].cost;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (secs_between(&p->last, &now) >= 0.2 || passes >= c->passes) {
    p->last = now;
    double frac = p->done / (p->total > 0 ? p->total : 1);
    double el = secs_between(&p->start, &now), eta = frac > 0 ? el * (1 - frac) / frac : 0;
    fprintf(stderr, "\r\033[K%s (%d/%d)  pass %llu/%llu  %3.0f%%  ETA %d:%02d", l->name, i + 1,
            r->net->nlayers, (unsigned long long)passes, (unsigned long long)c->passes, 100 * frac,
            (int)eta / 60, (int)eta % 60);
    p->drawn = 1;
  }
  pthread_mutex_unlock(&p->mu);
}

/* ------------------------------------------------------------------ the run */

/* Everything one run or map uses; a stopped run's threads may still use it
 * after the report returns, so it lives until the process exits then. */
typedef struct run_ctx {
  run_opts o;
  const char *arch_arg, *net_arg; /* as given */
  int is_run, simulate;
  ey_arch arch;
  ey_net net;
  ey_mapfile mf;
  ey_act_trace act;
  ey_report rep;
  ey_engine_opts eng;
  progress prog;
  ey_acctrace *acc;                /* NULL without --trace-dir */
  ey_vcd_file *vcd;                /* NULL without --vcd */
  ey_outfile json_f, csv_f, out_f; /* --json, --csv, --out, opened before the run */
  ey_outfile output_f, record_f;   /* --output, --record-activations, likewise */
  ey_netdata *nd;                  /* --weights */
  ey_act_stats rec;                /* what --record-activations wrote */
  int table;                       /* print the table on stdout as layers are done */
  int head;                        /* its head is printed */
  ey_run_ctl ctl;
} run_ctx;

static void on_access(void *ctx, const ey_layer *l, ey_cycle now, int unit, int op, int type,
                      uint64_t addr, uint64_t words, int pe) {
  run_ctx *c = ctx;
  ey_acctrace_row(c->acc, (int)(l - c->net.layers), l->name, now, unit, op, type, addr, words, pe);
}

static void on_sample(void *ctx, const ey_sample *s) {
  const ey_vcd_frame fr = ey_sample_frame(s);
  ey_vcd_sample(((run_ctx *)ctx)->vcd, &fr);
}

/* Layer i and every layer before it are done, in layer order: its traces are
 * kept, and its row of the table printed (the head before the first). */
static void on_layer_done(void *ctx, const ey_report *r, int i) {
  run_ctx *c = ctx;
  if (c->acc) ey_acctrace_keep(c->acc, i);
  if (!c->table) return;
  pthread_mutex_lock(&c->prog.mu);
  progress_wipe(&c->prog);
  if (!c->head) ey_report_table_head(r, stdout);
  c->head = 1;
  ey_report_table_row(r, i, stdout);
  fflush(stdout);
  pthread_mutex_unlock(&c->prog.mu);
}

static void on_layer_ended(void *ctx, int i, ey_rc rc) {
  run_ctx *c = ctx;
  if (c->acc) ey_acctrace_ended(c->acc, i, rc);
}

/* SIGINT and SIGTERM during a run: no more layers start (sim/report/run.h). */
static volatile sig_atomic_t g_run_stop;
static void on_run_signal(int sig) {
  g_run_stop = sig;
}

/* Loads the architecture (with --set), the network (batch and layers chosen),
 * the mapping file and the activation trace. */
static ey_rc load_inputs(run_ctx *c, ey_err *err) {
  const run_opts *o = &c->o;
  char abuf[512], nbuf[512];
  ey_rc rc = ey_cli_locate(c->arch_arg, "arch", abuf, sizeof abuf, err);
  if (!rc) rc = ey_cli_locate(c->net_arg, "nets", nbuf, sizeof nbuf, err);
  if (!rc) rc = ey_arch_load(abuf, &c->arch, err);
  if (!rc) rc = ey_arch_set_all(&c->arch, o->sets.v, o->sets.n, err);
  if (!rc) rc = ey_net_load(nbuf, &c->net, err);
  if (!rc && o->batch) ey_net_set_batch(&c->net, o->batch);
  if (!rc && o->zeros >= 0) ey_net_set_zeros(&c->net, o->zeros);
  if (!rc && o->layers) rc = ey_net_select(&c->net, o->layers, err);
  if (!rc && o->mapping) rc = ey_mapfile_load(o->mapping, &c->mf, err);
  return rc;
}

/* The progress line, when stderr is a terminal. */
static ey_rc start_progress(run_ctx *c, ey_err *err) {
  if (!c->simulate || !isatty(STDERR_FILENO)) return EY_OK;
  progress *p = &c->prog;
  p->passes = calloc((size_t)(c->net.nlayers ? c->net.nlayers : 1), sizeof *p->passes);
  p->on = 1;
  clock_gettime(CLOCK_MONOTONIC, &p->start);
  c->eng.progress = on_pass;
  c->eng.progress_ctx = p;
  return p->passes ? EY_OK : ey_err_set(err, EY_NOMEM, "out of memory");
}

/* --weights, --input, --output and --record-activations (docs/graphs.md). */
static ey_rc start_data(run_ctx *c, ey_err *err) {
  const run_opts *o = &c->o;
  const char *needs = o->input    ? "--input"
                      : o->output ? "--output"
                      : o->record ? "--record-activations"
                                  : NULL;
  if (!o->weights) {
    if (needs)
      return ey_err_set(err, EY_USAGE, "%s: needs --weights DIR, the network's weights (got none)",
                        needs);
    return EY_OK;
  }
  if (!c->simulate)
    return ey_err_set(err, EY_USAGE,
                      "--weights: real data needs the cycle-level simulation (got --analytic)");
  if (o->activations && needs)
    return ey_err_set(err, EY_USAGE,
                      "%s: needs a whole-network run (--weights without --activations; got "
                      "--activations)",
                      needs);
  ey_rc rc = EY_OK;
  if (o->output) rc = ey_outfile_open(&c->output_f, o->output, err);
  if (!rc && o->record) rc = ey_outfile_open(&c->record_f, o->record, err);
  if (rc) return rc;
  const ey_netdata_opts no = {.weights_dir = o->weights,
                              .input = o->input,
                              .chained = !o->activations,
                              .keep_all = o->record != NULL,
                              .seed = o->seed,
                              .zeros = o->zeros};
  rc = ey_netdata_open(&c->nd, &c->arch, &c->net, &no, err);
  c->ctl.data = c->nd;
  return rc;
}

/* After a whole-network run: the nodes after the last simulated layer, then
 * --output and --record-activations. */
static ey_rc finish_data(run_ctx *c, ey_err *err) {
  const run_opts *o = &c->o;
  if (!c->nd || c->rep.stopped) return EY_OK;
  ey_rc rc = ey_netdata_finish(c->nd, err);
  if (!rc && o->output) {
    rc = ey_netdata_write_output(c->nd, c->output_f.f, err);
    if (!rc) rc = ey_outfile_commit(&c->output_f, err);
  }
  if (!rc && o->record) {
    rc = ey_netdata_write_activations(c->nd, c->record_f.f, &c->rec, err);
    if (rc) {
      ey_err inner = *err;
      rc = ey_err_set(err, rc, "%s: %s", o->record, inner.msg);
    }
    if (!rc) rc = ey_outfile_commit(&c->record_f, err);
  }
  return rc;
}

/* --activations, --vcd and --trace-dir: each needs the cycle-level simulation. */
static ey_rc start_outputs(run_ctx *c, ey_err *err) {
  const run_opts *o = &c->o;
  ey_rc rc = EY_OK;
  if (!c->simulate && c->is_run) {
    /* Options that only the simulation reads would be ignored without a word. */
    if (o->check)
      return ey_err_set(err, EY_USAGE,
                        "--check: the golden comparison needs the cycle-level simulation (got "
                        "--analytic)");
    if (o->step || o->replay != REPLAY_ON)
      return ey_err_set(err, EY_USAGE,
                        "%s: stepping needs the cycle-level simulation (got --analytic)",
                        o->step ? "--step" : "--replay");
  }
  /* The report files first: a folder that does not exist, or one that cannot
   * be written, fails now rather than after the whole simulation. */
  if (o->json) rc = ey_outfile_open(&c->json_f, o->json, err);
  if (!rc && o->csv) rc = ey_outfile_open(&c->csv_f, o->csv, err);
  if (!rc && o->out) rc = ey_outfile_open(&c->out_f, o->out, err);
  if (rc) return rc;
  if (o->activations && !c->simulate)
    return ey_err_set(err, EY_USAGE,
                      "--activations: replay needs the cycle-level simulation (got --analytic)");
  rc = start_data(c, err);
  if (!rc && o->activations) rc = ey_act_load(o->activations, &c->act, err);
  if (!rc && o->vcd) {
    if (!c->simulate)
      return ey_err_set(err, EY_USAGE,
                        "--vcd: waveforms need the cycle-level simulation (got --analytic)");
    rc = ey_vcd_begin(o->vcd, &c->arch, o->vcd_signals, EY_CL_MAC, &c->vcd, err);
    c->eng.sample = on_sample;
    c->eng.sample_ctx = c;
    c->eng.sample_from = o->vcd_from;
    c->eng.sample_until = o->vcd_to;
  }
  if (!rc && o->trace_dir) {
    if (!c->simulate)
      return ey_err_set(
          err, EY_USAGE,
          "--trace-dir: access traces need the cycle-level simulation (got --analytic)");
    rc = ey_acctrace_open(o->trace_dir, o->trace_full, c->arch.cols, c->net.nlayers, &c->acc, err);
    if (!rc) ey_outfile_clean_dir(o->trace_dir); /* what a killed run left there */
    c->eng.access_detail = o->trace_full;
    c->eng.access = on_access;
    c->eng.access_ctx = c;
  }
  return rc;
}

/* After the run: the access traces are kept or removed, and the waveform too
 * (it is lost when a stopped run did not finish its window). Returns the first
 * error of them when rc is EY_OK. */
static ey_rc finish_outputs(run_ctx *c, ey_rc rc, int *vcd_lost, ey_err *err) {
  ey_err e;
  if (!rc) rc = finish_data(c, err);
  if (c->acc) {
    ey_rc arc = ey_acctrace_finish(c->acc, &e);
    if (!rc && arc) {
      rc = arc;
      *err = e;
    }
  }
  *vcd_lost = 0;
  if (!c->vcd) return rc;
  uint64_t end = 0; /* run cycle at which the layers reported end */
  for (int i = 0; i < c->rep.nlayers; i++)
    end += c->rep.res[i].simulated ? c->rep.res[i].meas.cycles : 0;
  *vcd_lost = c->rep.stopped && end < c->o.vcd_to;
  if (*vcd_lost && c->ctl.abandoned) {
    ey_vcd_unlink(c->vcd); /* a layer still running may write to it: only its name goes */
    return rc;
  }
  ey_rc vrc = ey_vcd_end(c->vcd, !rc && !*vcd_lost, &e);
  c->vcd = NULL;
  if (!rc && vrc) {
    rc = vrc;
    *err = e;
  }
  return rc;
}

/* "eyesim: stopped: 2 of 5 layers simulated (conv1, conv2); the reports hold those" */
static void say_stopped(const ey_report *r, int simulate, int wrote) {
  fprintf(stderr, "eyesim: stopped: %d of %d layers %s", r->nlayers, r->net->nlayers,
          simulate ? "simulated" : "mapped");
  if (r->nlayers > 0 && r->nlayers <= 6) {
    for (int i = 0; i < r->nlayers; i++)
      fprintf(stderr, "%s%s", i ? ", " : " (", r->res[i].layer->name);
    fputc(')', stderr);
  } else if (r->nlayers > 6) {
    fprintf(stderr, " (%s..%s)", r->res[0].layer->name, r->res[r->nlayers - 1].layer->name);
  }
  if (wrote) fprintf(stderr, "; the reports hold %s", r->nlayers ? "those" : "none");
  fputc('\n', stderr);
}

/* `eyesim map`: the mapping table, and the mapping file with --out. */
static int map_outputs(run_ctx *c, const ey_totals *t) {
  if (t->unmapped) {
    /* A mapping file must cover every layer, so none is written. */
    print_mappings(&c->rep, stdout);
    fprintf(stderr, "eyesim: %d layer%s could not map; no mapping file written\n", t->unmapped,
            t->unmapped == 1 ? "" : "s");
    return EXIT_NOMAP;
  }
  /* With --out -, stdout carries the YAML alone so it can be piped. */
  if (!(c->o.out && !strcmp(c->o.out, "-"))) print_mappings(&c->rep, stdout);
  return c->o.out ? write_mappings(&c->rep, &c->out_f) : EXIT_OK;
}

/* `eyesim run`: the table's foot, --json, --csv, and what stderr says of
 * unmapped layers and a stopped run. */
static int run_outputs(run_ctx *c, const ey_totals *t, int vcd_lost) {
  const run_opts *o = &c->o;
  const ey_report *rep = &c->rep;
  int status = EXIT_OK;
  if (c->table) {
    if (!c->head) ey_report_table_head(rep, stdout);
    ey_report_table_foot(rep, stdout);
  }
  if (o->eyexam && c->table) ey_report_eyexam_table(rep, stdout); /* not into a JSON on stdout */
  if (c->table && !rep->stopped && o->output && strcmp(o->output, "-"))
    printf("wrote %s: the network's output, node %s\n", o->output,
           c->net.nodes[c->net.nnodes - 1].l.name);
  if (c->table && !rep->stopped && o->record && strcmp(o->record, "-"))
    printf("wrote %s: %d layers' ifmaps, %.1f%% zeros\n", o->record, c->rec.tensors,
           c->rec.values ? 100.0 * (double)c->rec.zeros / (double)c->rec.values : 0.0);
  if (o->json) status = emit_out(&c->json_f, emit_json, rep);
  if (!status && o->csv) status = emit_out(&c->csv_f, emit_csv, rep);
  if (!status && t->unmapped) {
    for (int i = 0; i < rep->nlayers; i++)
      if (!rep->res[i].mapped)
        fprintf(stderr, "eyesim: %s: %s: cannot map on %s: %s\n", c->net.path,
                rep->res[i].layer->name, c->arch.name, rep->res[i].why);
    status = EXIT_NOMAP;
  }
  if (status && status != EXIT_NOMAP) return status;
  if (rep->stopped) {
    say_stopped(rep, c->simulate, c->table || o->json || o->csv);
    if (vcd_lost)
      fprintf(stderr, "eyesim: %s: not written: the run stopped before the end of its window\n",
              o->vcd);
  }
  return g_run_stop ? 128 + g_run_stop : status;
}

static void free_ctx(run_ctx *c) {
  ey_outfile_abort(&c->json_f); /* unless committed */
  ey_outfile_abort(&c->csv_f);
  ey_outfile_abort(&c->out_f);
  ey_outfile_abort(&c->output_f);
  ey_outfile_abort(&c->record_f);
  ey_netdata_free(c->nd);
  free(c->prog.passes);
  pthread_mutex_destroy(&c->prog.mu);
  ey_acctrace_free(c->acc);
  ey_report_free(&c->rep);
  ey_act_free(&c->act);
  ey_mapfile_free(&c->mf);
  ey_net_free(&c->net);
  ey_opt_list_free(&c->o.sets);
  free(c);
}

/* Maps (and for run simulates) every layer, with the signals caught during a
 * run, then writes the outputs. Returns the exit status. */
static int run_or_map(run_ctx *c) {
  const run_opts *o = &c->o;
  ey_err err;
  ey_rc rc = load_inputs(c, &err);
  int objective = o->objective >= 0 ? o->objective : c->arch.objective;
  c->eng.step = o->step;
  c->eng.no_replay = o->replay != REPLAY_ON;
  c->eng.replay_check = o->replay == REPLAY_CHECK;
  c->eng.seed = o->seed;
  c->eng.zeros = o->zeros;
  c->eng.check = o->check;
  struct sigaction sa, old_int, old_term;
  if (c->is_run) {
    /* The first SIGINT or SIGTERM stops the run; a second one ends the process.
     * Caught before any output is opened, so that none is left half-made. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_run_signal;
    sa.sa_flags = SA_RESTART | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    g_run_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    c->ctl.stop = &g_run_stop;
  }
  if (!rc) rc = start_progress(c, &err);
  if (!rc) rc = start_outputs(c, &err);
  const int to_stdout = (o->json && !strcmp(o->json, "-")) || (o->csv && !strcmp(o->csv, "-")) ||
                        (o->output && !strcmp(o->output, "-")) ||
                        (o->record && !strcmp(o->record, "-"));
  c->table = c->is_run && !o->quiet && !to_stdout;
  c->ctl.jobs = o->jobs;
  c->ctl.done = on_layer_done;
  c->ctl.ended = on_layer_ended;
  c->ctl.ctx = c;
  if (!rc)
    rc =
        ey_report_run(&c->rep, &c->arch, &c->net, objective, o->mapping ? &c->mf : NULL,
                      c->simulate ? &c->eng : NULL, o->activations ? &c->act : NULL, &c->ctl, &err);
  pthread_mutex_lock(&c->prog.mu);
  progress_wipe(&c->prog);
  c->prog.on = 0; /* threads still running (a stopped run) draw no more */
  pthread_mutex_unlock(&c->prog.mu);
  int vcd_lost;
  rc = finish_outputs(c, rc, &vcd_lost, &err);
  int status;
  if (rc) {
    status = ey_cli_fail(&err, rc);
  } else {
    ey_totals t;
    ey_report_totals(&c->rep, &t);
    status = c->is_run ? run_outputs(c, &t, vcd_lost) : map_outputs(c, &t);
  }
  if (c->is_run) {
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
  }
  return status;
}

int ey_cli_run(int argc, char **argv) {
  run_ctx *c = calloc(1, sizeof *c);
  if (!c) {
    fprintf(stderr, "eyesim: out of memory\n");
    return EXIT_INPUT;
  }
  c->is_run = !strcmp(argv[1], "run");
  c->o.objective = -1;
  c->o.seed = 1;
  c->o.zeros = -1; /* each layer's from the network (ey_layer_zeros) */
  c->o.vcd_to = 10000;
  c->o.jobs = ey_cli_default_jobs();
  ey_opt_list args = {0};
  int st = ey_cli_parse(c->is_run ? &k_run_cmd : &k_map_cmd, argc, argv, 2, &c->o, &args);
  if (st < 0 && args.n < 2) st = ey_cli_usage_error("`eyesim %s` needs ARCH and NET", argv[1]);
  if (st >= 0) {
    ey_opt_list_free(&args);
    ey_opt_list_free(&c->o.sets);
    free(c);
    return st;
  }
  c->arch_arg = args.v[0];
  c->net_arg = args.v[1];
  ey_opt_list_free(&args);
  c->simulate = c->is_run && !c->o.analytic;
  c->prog.r = &c->rep;
  pthread_mutex_init(&c->prog.mu, NULL);
  int status = run_or_map(c);
  if (c->ctl.abandoned) {
    /* Layers still being simulated use everything in c: end the process
     * without freeing it (their files are already gone from the folders). */
    ey_outfile_abort(&c->json_f); /* unless committed */
    ey_outfile_abort(&c->csv_f);
    ey_outfile_abort(&c->output_f);
    ey_outfile_abort(&c->record_f);
    _exit(ey_cli_stdout_status(status));
  }
  free_ctx(c);
  return status;
}
