/* main.c - the eyesim command line. It parses options, loads the files, calls the
 * library and chooses the exit status; it is the only place that prints errors.
 *
 * Exit status: 0 success; 1 bad input (a config, network, mapping, trace or
 * output file) or an output that differs from the golden convolution; 2 bad
 * usage; 3 the run completed but some layer could not be mapped (the reports
 * were written, with that layer marked); 128+N a run stopped by signal N (the
 * reports hold the layers done before it stopped). */
#define _DEFAULT_SOURCE /* realpath */
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim/base/outfile.h"
#include "sim/config/config.h"
#include "sim/engine/data.h"
#include "sim/report/run.h"
#include "sim/sweep/sweep.h"
#include "traces/acctrace.h"
#include "traces/npy.h"
#include "traces/rlc.h"
#include "traces/vcd.h"

#ifndef EY_CONFIG_DIR
#define EY_CONFIG_DIR "configs"
#endif

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_NOMAP = 3 };

static const char k_usage[] =
    "usage: eyesim COMMAND [ARGS] [OPTIONS]\n"
    "\n"
    "eyesim simulates Eyeriss-style spatial DNN accelerators: it maps each layer of a\n"
    "network onto a PE array with the row-stationary dataflow and reports cycles,\n"
    "utilization, accesses per memory level and energy.\n"
    "\n"
    "commands:\n"
    "  run ARCH NET     map every layer and report its cost (table on stdout)\n"
    "  map ARCH NET     print the chosen mapping per layer; --out FILE saves it\n"
    "  config ARCH      print the effective architecture, defaults filled in (YAML)\n"
    "  keys             print every configuration key: type, range, default, meaning\n"
    "  sweep SPEC       a design-space sweep into -o DIR, parallel and resumable;\n"
    "                   sweep merge joins shards (eyesim help sweep)\n"
    "  trace ...        activation traces: encode, decode, stats, synth (eyesim help trace)\n"
    "  help [COMMAND]   this text, or a command's options\n"
    "  --version        the version\n"
    "\n"
    "ARCH and NET are YAML files, or names of shipped ones: eyesim run eyeriss_v1 alexnet\n"
    "looks in configs/arch/ and configs/nets/ (or $EYESIM_CONFIGS/arch, /nets).\n"
    "Exit status: 0 ok, 1 bad input file or a --check mismatch, 2 bad usage, 3 some layer\n"
    "could not map, 128+N stopped by signal N. `eyesim help sweep` gives the sweep's.\n";

static const char k_usage_run[] =
    "usage: eyesim run ARCH NET [OPTIONS]\n"
    "       eyesim map ARCH NET [OPTIONS]\n"
    "\n"
    "options (both):\n"
    "  --batch N          images per run (default: the network file's batch)\n"
    "  --layers LIST      layers to run: names and first..last ranges, e.g. conv1..conv5,fc8\n"
    "  --objective OBJ    what the mapper minimizes: energy, cycles or edp\n"
    "                     (default: the architecture's mapper.objective)\n"
    "  --set KEY=VALUE    override one architecture key, e.g. --set pe_array.rows=16;\n"
    "                     repeatable; `eyesim keys` lists the keys\n"
    "options (run):\n"
    "  --check            compare every output with the golden convolution; a mismatch\n"
    "                     fails the run naming the layer, the index, expected and got\n"
    "  --step MODE        fast (default) or exact: exact ticks every PE every cycle; both\n"
    "                     give the same figures, fast in less time\n"
    "  --seed S           seed of the synthetic data (default 1)\n"
    "  --zeros FRACTION   fraction of ifmap values that are zero, 0 to 1 (default 0)\n"
    "  --analytic         skip the cycle-level simulation: the mapper's estimates only\n"
    "  --vcd FILE         write a waveform (VCD, for GTKWave) of PEs, NoC, GLB banks and DRAM\n"
    "  --vcd-window A:B   the run cycles it covers (default 0:10000); layers it may reach\n"
    "                     run with exact stepping\n"
    "  --vcd-signals PATS only the signals matching these globs, e.g. "
    "'top.array.pe_r0_*,top.dram.*'\n"
    "  --trace-dir DIR    write access traces: DIR/LAYER.dram.csv.gz and DIR/LAYER.glb.csv.gz,\n"
    "                     one row per access: cycle,unit,op,space,addr,words\n"
    "  --trace-detail D   basic (DRAM and GLB, the default) or full (spads and NoC too:\n"
    "                     LAYER.spad.csv.gz, LAYER.noc.csv.gz; large)\n"
    "  --activations FILE replay each layer's ifmap from an activation trace (LAYER.ifmap);\n"
    "                     layers the trace lacks run on synthetic activations\n"
    "  --mapping FILE     use the mappings in FILE (from `eyesim map --out`) instead of\n"
    "                     searching; a missing, mismatched or illegal entry is an error\n"
    "  --json FILE        write the full report as JSON (docs/report.md); - is stdout\n"
    "  --csv FILE         write one CSV row per layer; - is stdout\n"
    "  -q, --quiet        no table on stdout\n"
    "  -j, --jobs N       layers simulated at once, on threads (default: the number of\n"
    "                     cores); the reports are the same whatever N. With --vcd, the\n"
    "                     layers that start before the end of the window run one at a\n"
    "                     time, in order\n"
    "options (map):\n"
    "  --out FILE         write the mappings as YAML; - is stdout\n"
    "\n"
    "`run` simulates every layer cycle by cycle, moving real data, and reports the\n"
    "measured figures with the mapper's analytic estimate beside them. A progress bar\n"
    "goes to stderr when it is a terminal. The table's rows appear as the layers are\n"
    "done, in layer order. SIGINT (Ctrl-C) or SIGTERM stops the run: no more layers\n"
    "start, those still running are abandoned, and the table, --json and --csv hold\n"
    "the layers done before the first unfinished one (the JSON says \"complete\":\n"
    "false); the exit status is then 128+N for signal N (130 for Ctrl-C).\n";

typedef struct opts {
  const char *cmd, *arch, *net;
  int batch;          /* 0: the file's */
  const char *layers; /* NULL: all */
  int objective;      /* -1: the arch's */
  const char *sets[64];
  int nsets;
  const char *mapping, *json, *csv, *out;
  int quiet;
  int check, analytic, step;
  uint64_t seed;
  double zeros;
  const char *activations;
  const char *trace_dir;
  int trace_full;
  const char *vcd, *vcd_signals;
  uint64_t vcd_from, vcd_to;
  int jobs; /* layers simulated at once */
} opts;

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "eyesim: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, " (see `eyesim help`)\n");
  va_end(ap);
  return EXIT_USAGE;
}

static int parse_int(const char *s, int lo, int hi, int *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || *end || v < lo || v > hi) return -1;
  *out = (int)v;
  return 0;
}

/* Parses argv[2..]. Returns -1 when fine, else an exit status. */
static int parse_opts(int argc, char **argv, opts *o) {
  const char *pos[2] = {NULL, NULL};
  int npos = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i], *val = NULL;
    char name[32];
    if (a[0] != '-' || !strcmp(a, "-")) {
      if (npos >= 2) return usage_error("unexpected argument %s", a);
      pos[npos++] = a;
      continue;
    }
    if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      o->quiet = 1;
      continue;
    }
    if (!strcmp(o->cmd, "run") && (!strcmp(a, "--check") || !strcmp(a, "--analytic"))) {
      *(a[2] == 'c' ? &o->check : &o->analytic) = 1;
      continue;
    }
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(k_usage_run, stdout);
      return EXIT_OK;
    }
    const char *eq = strchr(a, '=');
    if (!strncmp(a, "-j", 2) && a[2]) { /* -j2, as make takes it */
      snprintf(name, sizeof name, "-j");
      val = a + 2;
    } else if (eq && a[1] == '-') {
      snprintf(name, sizeof name, "%.*s", (int)(eq - a), a);
      val = eq + 1;
    } else {
      snprintf(name, sizeof name, "%s", a);
      if (i + 1 >= argc) return usage_error("%s needs a value", a);
      val = argv[++i];
    }
    if (!strcmp(name, "--batch")) {
      if (parse_int(val, 1, 65536, &o->batch))
        return usage_error("--batch: must be an integer from 1 to 65536 (got %s)", val);
    } else if (!strcmp(name, "--layers")) {
      o->layers = val;
    } else if (!strcmp(name, "--objective")) {
      if (!strcmp(val, "energy"))
        o->objective = EY_OBJ_ENERGY;
      else if (!strcmp(val, "cycles"))
        o->objective = EY_OBJ_CYCLES;
      else if (!strcmp(val, "edp"))
        o->objective = EY_OBJ_EDP;
      else
        return usage_error("--objective: must be one of energy, cycles, edp (got %s)", val);
    } else if (!strcmp(name, "--set")) {
      if (o->nsets >= (int)(sizeof o->sets / sizeof o->sets[0]))
        return usage_error("%s: too many --set options", val);
      o->sets[o->nsets++] = val;
    } else if (!strcmp(name, "--step") && !strcmp(o->cmd, "run")) {
      if (!strcmp(val, "fast"))
        o->step = EY_STEP_FAST;
      else if (!strcmp(val, "exact"))
        o->step = EY_STEP_EXACT;
      else
        return usage_error("--step: must be fast or exact (got %s)", val);
    } else if (!strcmp(name, "--seed") && !strcmp(o->cmd, "run")) {
      char *end;
      unsigned long long v = strtoull(val, &end, 10);
      if (end == val || *end || *val == '-')
        return usage_error("--seed: must be a non-negative integer (got %s)", val);
      o->seed = (uint64_t)v;
    } else if (!strcmp(name, "--zeros") && !strcmp(o->cmd, "run")) {
      char *end;
      double v = strtod(val, &end);
      if (end == val || *end || !(v >= 0 && v <= 1))
        return usage_error("--zeros: must be a number from 0 to 1 (got %s)", val);
      o->zeros = v;
    } else if (!strcmp(name, "--vcd") && !strcmp(o->cmd, "run")) {
      o->vcd = val;
    } else if (!strcmp(name, "--vcd-signals") && !strcmp(o->cmd, "run")) {
      o->vcd_signals = val;
    } else if (!strcmp(name, "--vcd-window") && !strcmp(o->cmd, "run")) {
      char *mid, *end;
      end = NULL;
      unsigned long long lo = strtoull(val, &mid, 10),
                         hi = *mid == ':' ? strtoull(mid + 1, &end, 10) : 0;
      if (*val == '-' || mid == val || *mid != ':' || !end || end == mid + 1 || *end || hi <= lo)
        return usage_error("--vcd-window: expected FROM:TO cycles with FROM < TO (got %s)", val);
      o->vcd_from = lo;
      o->vcd_to = hi;
    } else if (!strcmp(name, "--trace-detail") && !strcmp(o->cmd, "run")) {
      if (strcmp(val, "basic") && strcmp(val, "full"))
        return usage_error("--trace-detail: must be basic or full (got %s)", val);
      o->trace_full = !strcmp(val, "full");
    } else if (!strcmp(name, "--trace-dir") && !strcmp(o->cmd, "run")) {
      o->trace_dir = val;
    } else if (!strcmp(name, "--activations") && !strcmp(o->cmd, "run")) {
      o->activations = val;
    } else if (!strcmp(name, "--mapping") && !strcmp(o->cmd, "run")) {
      o->mapping = val;
    } else if ((!strcmp(name, "-j") || !strcmp(name, "--jobs")) && !strcmp(o->cmd, "run")) {
      if (parse_int(val, 1, 1024, &o->jobs))
        return usage_error("-j: must be an integer from 1 to 1024 (got %s)", val);
    } else if (!strcmp(name, "--json") && !strcmp(o->cmd, "run")) {
      o->json = val;
    } else if (!strcmp(name, "--csv") && !strcmp(o->cmd, "run")) {
      o->csv = val;
    } else if (!strcmp(name, "--out") && !strcmp(o->cmd, "map")) {
      o->out = val;
    } else {
      return usage_error("%s: unknown option for `eyesim %s`", name, o->cmd);
    }
  }
  if (npos < 2) {
    return usage_error("`eyesim %s` needs ARCH and NET", o->cmd);
  }
  o->arch = pos[0];
  o->net = pos[1];
  return -1;
}

static const char *config_dir(void) {
  const char *dir = getenv("EYESIM_CONFIGS");
  return dir && *dir ? dir : EY_CONFIG_DIR;
}

/* A path as given, or a short name found under the configs directory; when
 * neither is a file, the argument itself, so that the error names it. */
static const char *resolve(const char *arg, const char *sub, char *buf, size_t cap) {
  return ey_config_path(arg, sub, config_dir(), NULL, buf, cap) ? buf : arg;
}

static int fail(const ey_err *err, ey_rc rc) {
  fprintf(stderr, "eyesim: %s\n", err->msg);
  return rc == EY_USAGE ? EXIT_USAGE : EXIT_INPUT;
}

/* Writes with `emit` to path through a temporary file. */
static int write_out(const char *path, void (*emit)(const void *, FILE *), const void *arg) {
  ey_outfile o;
  ey_err err;
  if (ey_outfile_open(&o, path, &err)) return fail(&err, EY_IO);
  emit(arg, o.f);
  if (ey_outfile_commit(&o, &err)) return fail(&err, EY_IO);
  return EXIT_OK;
}

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

static int write_mappings(const ey_report *r, const char *path) {
  ey_mapping *maps = malloc(sizeof *maps * (size_t)(r->nlayers ? r->nlayers : 1));
  if (!maps) {
    fprintf(stderr, "eyesim: out of memory\n");
    return EXIT_INPUT;
  }
  for (int i = 0; i < r->nlayers; i++) maps[i] = r->res[i].map;
  mapout mo = {r, maps};
  int status = write_out(path, emit_maps, &mo);
  free(maps);
  return status;
}

static void print_mappings(const ey_report *r, FILE *f) {
  int w = 5;
  for (int i = 0; i < r->nlayers; i++) w = EY_MAX(w, (int)strlen(r->res[i].layer->name));
  fprintf(f, "%-*s  %4s %4s %4s %4s %4s %4s %5s %5s  %6s %5s\n", w, "layer", "n", "p", "q", "r",
          "t", "e", "eg", "m", "PEs", "util%");
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
    fprintf(f, "%-*s  %4d %4d %4d %4d %4d %4d %5d %5d  %6d %5.1f\n", w, x->layer->name, m->n, m->p,
            m->q, m->r, m->t, m->e, m->eg, m->m, c->active_pes, 100 * util);
  }
}

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

static void on_pass(void *ctx, const ey_layer *l, uint64_t passes) {
  progress *p = ctx;
  pthread_mutex_lock(&p->mu);
  const ey_report *r = p->r;
  const int i = (int)(l - r->net->layers);
  if (!p->on || i < 0 || i >= r->net->nlayers) {
    pthread_mutex_unlock(&p->mu);
    return;
  }
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

/* Access traces: per layer a DRAM and a GLB file (and spad and NoC ones with
 * --trace-detail full), each written through a temporary file. The thread that
 * simulates a layer opens its files at its first access, writes them and closes
 * them when the layer ends; they are renamed into place once the layer and every
 * layer before it are done (so a failed or stopped run keeps the traces of the
 * layers its reports hold, as one job would), and removed otherwise. */
enum { ACC_NONE = 0, ACC_OPEN, ACC_CLOSED, ACC_KEPT, ACC_GONE };

typedef struct acc_layer {
  ey_outfile f[4];
  ey_acc_writer *w[4];
  int mine;    /* the layer's thread only: 0 not started, 1 writing, 2 writes nothing */
  int state;   /* ACC_*, under acc_out.mu */
  int dropped; /* under acc_out.mu: never to be kept */
  int failed;  /* under acc_out.mu: a write failed; `err` says how */
  ey_err err;
} acc_layer;

typedef struct acc_out {
  pthread_mutex_t mu; /* a layer's opening, closing, keeping and dropping */
  const char *dir;
  int units;         /* 2, or 4 with full detail */
  int cols;          /* to name a spad row's PE */
  const ey_net *net; /* a layer's slot is its index in net->layers */
  acc_layer *slot;
  int failed; /* a kept layer's trace failed: `err`; no more are kept */
  ey_err err;
} acc_out;

static const char *const k_acc_units[4] = {"dram", "glb", "spad", "noc"};

static void acc_abort_files(acc_out *a, acc_layer *s) {
  for (int u = 0; u < a->units; u++) {
    if (s->w[u]) ey_acc_close(s->w[u]);
    s->w[u] = NULL;
    ey_outfile_abort(&s->f[u]);
  }
  s->state = ACC_GONE;
}

/* Opens layer l's files, on its thread, at its first access. */
static void acc_open(acc_out *a, acc_layer *s, const ey_layer *l) {
  pthread_mutex_lock(&a->mu);
  s->mine = 2;
  if (s->dropped) {
    pthread_mutex_unlock(&a->mu);
    return;
  }
  s->state = ACC_OPEN;
  for (int u = 0; u < a->units && !s->failed; u++) {
    char path[512], name[EY_NAME_MAX];
    snprintf(name, sizeof name, "%s", l->name);
    for (char *c = name; *c; c++)
      if (*c == '/') *c = '_';
    snprintf(path, sizeof path, "%s/%s.%s.csv.gz", a->dir, name, k_acc_units[u]);
    if (ey_outfile_open(&s->f[u], path, &s->err)) {
      s->failed = 1;
      break;
    }
    char about[160];
    snprintf(about, sizeof about, "layer %s, unit %s, cycles of the core clock, addresses in words",
             l->name, k_acc_units[u]);
    s->w[u] = ey_acc_open(dup(fileno(s->f[u].f)), about);
    if (!s->w[u]) {
      s->failed = 1;
      ey_err_set(&s->err, EY_IO, "%s: cannot start the gzip stream", path);
    }
  }
  if (s->failed)
    acc_abort_files(a, s);
  else
    s->mine = 1;
  pthread_mutex_unlock(&a->mu);
}

static void on_access(void *ctx, const ey_layer *l, ey_cycle now, int unit, int op, int type,
                      uint64_t addr, uint64_t words, int pe) {
  acc_out *a = ctx;
  acc_layer *s = &a->slot[l - a->net->layers];
  if (s->mine != 1) {
    if (s->mine == 2) return;
    acc_open(a, s, l);
    if (s->mine != 1) return;
  }
  static const char *const space[3] = {"ifmap", "filter", "psum"};
  static const char *const ops[4] = {"read", "write", "multicast", "unicast"};
  char who[32];
  if (pe >= 0)
    snprintf(who, sizeof who, "pe_r%d_c%d", pe / a->cols, pe % a->cols);
  else
    snprintf(who, sizeof who, "%s", k_acc_units[unit]);
  ey_acc_row(s->w[unit], now, who, ops[op], space[type], addr, words);
}

/* Layer i's simulation ended (on its thread): its files are finished under
 * their temporary names, or removed when it failed or is not to be kept. */
static void acc_ended(acc_out *a, int i, ey_rc rc) {
  acc_layer *s = &a->slot[i];
  pthread_mutex_lock(&a->mu);
  if (s->state == ACC_OPEN) {
    for (int u = 0; u < a->units; u++) {
      if (s->w[u] && ey_acc_close(s->w[u]) && !s->failed) {
        s->failed = 1;
        ey_err_set(&s->err, EY_IO, "%s: write failed", s->f[u].path);
      }
      s->w[u] = NULL;
    }
    for (int u = 0; u < a->units && !s->failed && !s->dropped && !rc; u++)
      if (ey_outfile_close(&s->f[u], &s->err)) s->failed = 1;
    if (s->failed || s->dropped || rc)
      acc_abort_files(a, s);
    else
      s->state = ACC_CLOSED;
  }
  pthread_mutex_unlock(&a->mu);
}

/* Layer i and every layer before it are done: its files are renamed into place. */
static void acc_keep(acc_out *a, int i) {
  acc_layer *s = &a->slot[i];
  pthread_mutex_lock(&a->mu);
  if (s->failed && !a->failed) {
    a->failed = 1;
    a->err = s->err;
  }
  if (s->state == ACC_CLOSED && !a->failed) {
    for (int u = 0; u < a->units; u++) {
      if (!a->failed && ey_outfile_commit(&s->f[u], &a->err))
        a->failed = 1; /* (commit removed that file) */
      else if (a->failed)
        ey_outfile_abort(&s->f[u]);
    }
    s->state = ACC_KEPT;
  }
  if (s->state == ACC_CLOSED) acc_abort_files(a, s);
  pthread_mutex_unlock(&a->mu);
}

/* After the run: the files of the layers not kept are removed, those of layers
 * still being simulated (a stopped run) from the directory at once. */
static void acc_finish(acc_out *a) {
  pthread_mutex_lock(&a->mu);
  for (int i = 0; i < a->net->nlayers; i++) {
    acc_layer *s = &a->slot[i];
    s->dropped = 1;
    if (s->state == ACC_CLOSED) acc_abort_files(a, s);
    if (s->state == ACC_OPEN) /* its thread still writes: it closes them when it ends */
      for (int u = 0; u < a->units; u++)
        if (s->f[u].tmp[0]) unlink(s->f[u].tmp);
  }
  pthread_mutex_unlock(&a->mu);
}

/* The waveform: every signal declared up front from the architecture (those the
 * --vcd-signals globs keep), then the values that change, cycle by cycle. */
typedef struct vcd_out {
  ey_outfile f;
  ey_vcd *v;
  const char *patterns;
  uint32_t core_mhz;
  int npe, banks;
  int *pe;   /* per PE: state, mac, ifmap_words, psum_words */
  int *bank; /* per bank: reads, writes */
  int h[9];  /* ifmap valid/ready/cast, filter busy, psum gin/local/gon, dram busy/in flight */
} vcd_out;

static int vcd_wanted(const vcd_out *o, const char *name) {
  if (!o->patterns) return 1;
  for (const char *p = o->patterns; *p;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    char pat[128];
    snprintf(pat, sizeof pat, "%.*s", (int)len, p);
    if (!fnmatch(pat, name, 0)) return 1;
    p += len + (comma ? 1 : 0);
  }
  return 0;
}

/* Declares the variables of one scope (a prefix and leaf names with widths),
 * leaving out the scope when no variable is wanted. */
static void vcd_scope(vcd_out *o, const char *prefix, const char *scope, int n,
                      const char *const *leaf, const int *width, int *out) {
  char full[160];
  int any = 0;
  for (int k = 0; k < n; k++) {
    snprintf(full, sizeof full, "%s.%s", prefix, leaf[k]);
    out[k] = -1;
    any |= vcd_wanted(o, full);
  }
  if (!any) return;
  ey_vcd_scope(o->v, scope);
  for (int k = 0; k < n; k++) {
    snprintf(full, sizeof full, "%s.%s", prefix, leaf[k]);
    if (vcd_wanted(o, full)) out[k] = ey_vcd_var(o->v, width[k], leaf[k]);
  }
  ey_vcd_upscope(o->v);
}

static ey_rc vcd_begin(vcd_out *o, const ey_arch *a, const char *path, ey_err *err) {
  if (ey_outfile_open(&o->f, path, err)) return EY_IO;
  o->v = ey_vcd_open(o->f.f);
  o->core_mhz = (uint32_t)a->core_mhz;
  o->npe = a->rows * a->cols;
  o->banks = a->glb_banks;
  o->pe = malloc(sizeof *o->pe * 4 * (size_t)o->npe);
  o->bank = malloc(sizeof *o->bank * 2 * (size_t)o->banks);
  if (!o->v || !o->pe || !o->bank) return ey_err_set(err, EY_NOMEM, "%s: out of memory", path);
  static const char *const pe_leaf[] = {"state", "mac", "ifmap_words", "psum_words"};
  static const int pe_w[] = {3, 1, 16, 16};
  ey_vcd_scope(o->v, "top");
  ey_vcd_scope(o->v, "array");
  for (int x = 0; x < o->npe; x++) {
    char prefix[64], scope[40];
    snprintf(scope, sizeof scope, "pe_r%d_c%d", x / a->cols, x % a->cols);
    snprintf(prefix, sizeof prefix, "top.array.%s", scope);
    vcd_scope(o, prefix, scope, 4, pe_leaf, pe_w, o->pe + 4 * x);
  }
  ey_vcd_upscope(o->v);
  ey_vcd_scope(o->v, "noc");
  static const char *const if_leaf[] = {"valid", "ready", "cast"}, *const f_leaf[] = {"busy"},
                           *const ps_leaf[] = {"gin_words", "local_words", "gon_words"};
  static const int if_w[] = {1, 8, 16}, f_w[] = {1}, ps_w[] = {8, 16, 8};
  vcd_scope(o, "top.noc.ifmap", "ifmap", 3, if_leaf, if_w, o->h);
  vcd_scope(o, "top.noc.filter", "filter", 1, f_leaf, f_w, o->h + 3);
  vcd_scope(o, "top.noc.psum", "psum", 3, ps_leaf, ps_w, o->h + 4);
  ey_vcd_upscope(o->v);
  ey_vcd_scope(o->v, "glb");
  static const char *const b_leaf[] = {"reads", "writes"};
  static const int b_w[] = {8, 8};
  for (int b = 0; b < o->banks; b++) {
    char prefix[64], scope[32];
    snprintf(scope, sizeof scope, "bank_%d", b);
    snprintf(prefix, sizeof prefix, "top.glb.%s", scope);
    vcd_scope(o, prefix, scope, 2, b_leaf, b_w, o->bank + 2 * b);
  }
  ey_vcd_upscope(o->v);
  static const char *const d_leaf[] = {"busy", "bytes_in_flight"};
  static const int d_w[] = {1, 32};
  vcd_scope(o, "top.dram", "dram", 2, d_leaf, d_w, o->h + 7);
  ey_vcd_upscope(o->v);
  ey_vcd_enddefs(o->v);
  return EY_OK;
}

static void on_sample(void *ctx, const ey_sample *s) {
  vcd_out *o = ctx;
  uint64_t ps = s->cycle * 1000000u / o->core_mhz;
  for (int x = 0; x < o->npe; x++) {
    const int *h = o->pe + 4 * x;
    ey_vcd_set(o->v, ps, h[0], s->cls[x]);
    ey_vcd_set(o->v, ps, h[1], s->cls[x] == EY_CL_MAC);
    ey_vcd_set(o->v, ps, h[2], s->ifmap_words[x]);
    ey_vcd_set(o->v, ps, h[3], s->psum_words[x]);
  }
  const uint64_t v[9] = {
      (uint64_t)s->ifmap_valid, (uint64_t)s->ifmap_sent, (uint64_t)s->ifmap_cast,
      (uint64_t)s->filter_busy, (uint64_t)s->psum_in,    (uint64_t)s->psum_local,
      (uint64_t)s->psum_out,    (uint64_t)s->dram_busy,  s->dram_bytes_in_flight};
  for (int k = 0; k < 9; k++) ey_vcd_set(o->v, ps, o->h[k], v[k]);
  for (int b = 0; b < o->banks; b++) {
    ey_vcd_set(o->v, ps, o->bank[2 * b], s->bank_reads[b]);
    ey_vcd_set(o->v, ps, o->bank[2 * b + 1], s->bank_writes[b]);
  }
}

/* Closes the waveform: kept when the run succeeded, removed otherwise. Returns
 * EY_OK or EY_IO with the message in err. */
static ey_rc vcd_end(vcd_out *o, int keep, ey_err *err) {
  ey_rc rc = EY_OK;
  if (o->v && ey_vcd_close(o->v)) {
    keep = 0;
    rc = ey_err_set(err, EY_IO, "%s: write failed", o->f.path);
  }
  o->v = NULL;
  if (keep) rc = ey_outfile_commit(&o->f, err);
  if (!keep) ey_outfile_abort(&o->f);
  free(o->pe);
  free(o->bank);
  o->pe = o->bank = NULL;
  return rc;
}

/* What the run tells as each layer is done, in layer order: its traces are kept,
 * and its row of the table printed (the head before the first). */
typedef struct live {
  int table;      /* print the table on stdout as layers are done */
  int head;       /* its head is printed */
  progress *prog; /* its mutex orders the rows and the progress line */
  acc_out *acc;   /* NULL without --trace-dir */
} live;

static void on_layer_done(void *ctx, const ey_report *r, int i) {
  live *lv = ctx;
  if (lv->acc) acc_keep(lv->acc, i);
  if (!lv->table) return;
  pthread_mutex_lock(&lv->prog->mu);
  progress_wipe(lv->prog);
  if (!lv->head) ey_report_table_head(r, stdout);
  lv->head = 1;
  ey_report_table_row(r, i, stdout);
  fflush(stdout);
  pthread_mutex_unlock(&lv->prog->mu);
}

static void on_layer_ended(void *ctx, int i, ey_rc rc) {
  live *lv = ctx;
  if (lv->acc) acc_ended(lv->acc, i, rc);
}

/* SIGINT and SIGTERM during a run: no more layers start (sim/run.h). */
static volatile sig_atomic_t g_run_stop;
static void on_run_signal(int sig) {
  g_run_stop = sig;
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

static int cmd_run_or_map(int argc, char **argv) {
  opts o;
  memset(&o, 0, sizeof o);
  o.cmd = argv[1];
  o.objective = -1;
  o.seed = 1;
  o.vcd_to = 10000;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  o.jobs = cores > 0 ? (int)EY_MIN(cores, 1024) : 1;
  int st = parse_opts(argc, argv, &o);
  if (st >= 0) return st;

  char abuf[512], nbuf[512];
  const char *arch_path = resolve(o.arch, "arch", abuf, sizeof abuf);
  const char *net_path = resolve(o.net, "nets", nbuf, sizeof nbuf);
  ey_arch arch;
  ey_net net;
  ey_mapfile mf;
  ey_report rep;
  ey_act_trace act;
  ey_err err;
  memset(&act, 0, sizeof act);
  memset(&net, 0, sizeof net);
  memset(&mf, 0, sizeof mf);
  memset(&rep, 0, sizeof rep);
  ey_rc rc = ey_arch_load(arch_path, &arch, &err);
  for (int i = 0; !rc && i < o.nsets; i++) rc = ey_arch_set(&arch, o.sets[i], &err);
  if (!rc) rc = ey_net_load(net_path, &net, &err);
  if (!rc && o.batch) ey_net_set_batch(&net, o.batch);
  if (!rc && o.layers) rc = ey_net_select(&net, o.layers, &err);
  if (!rc && o.mapping) rc = ey_mapfile_load(o.mapping, &mf, &err);
  int objective = o.objective >= 0 ? o.objective : arch.objective;
  const int is_run = !strcmp(o.cmd, "run");
  const int simulate = is_run && !o.analytic;
  ey_engine_opts eng;
  memset(&eng, 0, sizeof eng);
  eng.step = o.step;
  eng.seed = o.seed;
  eng.zeros = o.zeros;
  eng.check = o.check;
  progress prog;
  memset(&prog, 0, sizeof prog);
  pthread_mutex_init(&prog.mu, NULL);
  prog.r = &rep;
  if (!rc && simulate && isatty(STDERR_FILENO)) {
    prog.passes = calloc((size_t)(net.nlayers ? net.nlayers : 1), sizeof *prog.passes);
    if (!prog.passes) rc = ey_err_set(&err, EY_NOMEM, "out of memory");
    prog.on = 1;
    clock_gettime(CLOCK_MONOTONIC, &prog.start);
    eng.progress = on_pass;
    eng.progress_ctx = &prog;
  }
  if (!rc && o.activations && !simulate)
    rc = ey_err_set(&err, EY_USAGE,
                    "--activations: replay needs the cycle-level simulation (got --analytic)");
  if (!rc && o.activations) rc = ey_act_load(o.activations, &act, &err);
  acc_out acc;
  memset(&acc, 0, sizeof acc);
  pthread_mutex_init(&acc.mu, NULL);
  vcd_out vcd;
  memset(&vcd, 0, sizeof vcd);
  if (!rc && o.vcd) {
    if (!simulate) {
      rc = ey_err_set(&err, EY_USAGE,
                      "--vcd: waveforms need the cycle-level simulation (got --analytic)");
    } else {
      vcd.patterns = o.vcd_signals;
      rc = vcd_begin(&vcd, &arch, o.vcd, &err);
      if (rc) {
        ey_err ignore;
        vcd_end(&vcd, 0, &ignore);
      }
      eng.sample = on_sample;
      eng.sample_ctx = &vcd;
      eng.sample_from = o.vcd_from;
      eng.sample_until = o.vcd_to;
    }
  }
  if (!rc && o.trace_dir) {
    if (!simulate)
      rc =
          ey_err_set(&err, EY_USAGE,
                     "--trace-dir: access traces need the cycle-level simulation (got --analytic)");
    else if (mkdir(o.trace_dir, 0777) && errno != EEXIST)
      rc = ey_err_set(&err, EY_IO, "%s: cannot create the directory (%s)", o.trace_dir,
                      strerror(errno));
    acc.dir = o.trace_dir;
    acc.units = o.trace_full ? 4 : 2;
    acc.cols = arch.cols;
    acc.net = &net;
    acc.slot = calloc((size_t)(net.nlayers ? net.nlayers : 1), sizeof *acc.slot);
    if (!rc && !acc.slot) rc = ey_err_set(&err, EY_NOMEM, "out of memory");
    eng.access_detail = o.trace_full;
    eng.access = on_access;
    eng.access_ctx = &acc;
  }
  const int to_stdout = (o.json && !strcmp(o.json, "-")) || (o.csv && !strcmp(o.csv, "-"));
  live lv = {is_run && !o.quiet && !to_stdout, 0, &prog, acc.slot ? &acc : NULL};
  ey_run_ctl ctl;
  memset(&ctl, 0, sizeof ctl);
  ctl.jobs = o.jobs;
  ctl.done = on_layer_done;
  ctl.ended = on_layer_ended;
  ctl.ctx = &lv;
  struct sigaction sa, old_int, old_term;
  if (is_run) {
    /* The first SIGINT or SIGTERM stops the run; a second one ends the process. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_run_signal;
    sa.sa_flags = SA_RESTART | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    g_run_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    ctl.stop = &g_run_stop;
  }
  if (!rc)
    rc = ey_report_run(&rep, &arch, &net, objective, o.mapping ? &mf : NULL, simulate ? &eng : NULL,
                       o.activations ? &act : NULL, &ctl, &err);
  pthread_mutex_lock(&prog.mu);
  progress_wipe(&prog);
  prog.on = 0; /* threads still running (a stopped run) draw no more */
  pthread_mutex_unlock(&prog.mu);
  if (acc.slot) {
    acc_finish(&acc);
    if (!rc && acc.failed) rc = ey_err_set(&err, EY_IO, "%s", acc.err.msg);
  }
  int vcd_lost = 0; /* a stopped run did not finish the waveform's window */
  if (vcd.v) {
    uint64_t end = 0; /* run cycle at which the layers reported end */
    for (int i = 0; i < rep.nlayers; i++) end += rep.res[i].simulated ? rep.res[i].meas.cycles : 0;
    vcd_lost = rep.stopped && end < o.vcd_to;
    ey_err verr;
    if (vcd_lost && ctl.abandoned) {
      unlink(vcd.f.tmp); /* a layer still running may write to it: only its name goes */
    } else {
      ey_rc vrc = vcd_end(&vcd, !rc && !vcd_lost, &verr);
      if (!rc && vrc) {
        rc = vrc;
        err = verr;
      }
    }
  }
  int status = EXIT_OK;
  if (rc) {
    status = fail(&err, rc);
    goto done;
  }
  ey_totals t;
  ey_report_totals(&rep, &t);
  if (!is_run) {
    if (t.unmapped) {
      /* A mapping file must cover every layer, so none is written. */
      print_mappings(&rep, stdout);
      fprintf(stderr, "eyesim: %d layer%s could not map; no mapping file written\n", t.unmapped,
              t.unmapped == 1 ? "" : "s");
      status = EXIT_NOMAP;
      goto done;
    }
    /* With --out -, stdout carries the YAML alone so it can be piped. */
    if (!(o.out && !strcmp(o.out, "-"))) print_mappings(&rep, stdout);
    if (o.out) status = write_mappings(&rep, o.out);
    goto done;
  }
  if (lv.table) {
    if (!lv.head) ey_report_table_head(&rep, stdout);
    ey_report_table_foot(&rep, stdout);
  }
  if (o.json) status = write_out(o.json, emit_json, &rep);
  if (!status && o.csv) status = write_out(o.csv, emit_csv, &rep);
  if (!status && t.unmapped) {
    for (int i = 0; i < rep.nlayers; i++)
      if (!rep.res[i].mapped)
        fprintf(stderr, "eyesim: %s: %s: cannot map on %s: %s\n", net.path, rep.res[i].layer->name,
                arch.name, rep.res[i].why);
    status = EXIT_NOMAP;
  }
  if (!status || status == EXIT_NOMAP) {
    if (rep.stopped) {
      say_stopped(&rep, simulate, lv.table || o.json || o.csv);
      if (vcd_lost)
        fprintf(stderr, "eyesim: %s: not written: the run stopped before the end of its window\n",
                o.vcd);
    }
    if (g_run_stop) status = 128 + g_run_stop;
  }
done:
  if (is_run) {
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
  }
  if (ctl.abandoned) {
    /* Layers still being simulated use everything above: end the process
     * without freeing it (their files are already gone from the folders). */
    fflush(stdout);
    fflush(stderr);
    _exit(status);
  }
  free(prog.passes);
  free(acc.slot);
  pthread_mutex_destroy(&prog.mu);
  pthread_mutex_destroy(&acc.mu);
  ey_report_free(&rep);
  ey_act_free(&act);
  ey_mapfile_free(&mf);
  ey_net_free(&net);
  return status;
}

static int cmd_config(int argc, char **argv) {
  const char *arch = NULL;
  const char *sets[64];
  int nsets = 0;
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "--set") && i + 1 < argc && nsets < 64)
      sets[nsets++] = argv[++i];
    else if (!strncmp(argv[i], "--set=", 6) && nsets < 64)
      sets[nsets++] = argv[i] + 6;
    else if (argv[i][0] == '-')
      return usage_error("%s: unknown option for `eyesim config` (it takes --set KEY=VALUE)",
                         argv[i]);
    else if (arch)
      return usage_error("unexpected argument %s", argv[i]);
    else
      arch = argv[i];
  }
  if (!arch) return usage_error("%s", "`eyesim config` needs ARCH");
  char buf[512];
  ey_arch a;
  ey_err err;
  ey_rc rc = ey_arch_load(resolve(arch, "arch", buf, sizeof buf), &a, &err);
  for (int i = 0; !rc && i < nsets; i++) rc = ey_arch_set(&a, sets[i], &err);
  if (rc) return fail(&err, rc);
  printf("# effective architecture: %s, defaults filled in (eyesim " EY_VERSION_STRING ")\n",
         a.path);
  ey_schema_write_yaml(ey_arch_schema(), &a, stdout, 0);
  return EXIT_OK;
}

static int cmd_keys(void) {
  const ey_schema *s[] = {ey_arch_schema(), ey_net_schema(), ey_layer_schema()};
  const char *title[] = {"Architecture file (configs/arch/*.yaml)",
                         "Network file (configs/nets/*.yaml)",
                         "Each entry of a network's `layers:` list"};
  for (int i = 0; i < 3; i++) {
    printf("%s## %s\n\n", i ? "\n" : "", title[i]);
    ey_schema_write_markdown(s[i], stdout);
  }
  return EXIT_OK;
}

static const char k_usage_trace[] =
    "usage: eyesim trace encode IN.npy... -o FILE [--scale S]\n"
    "       eyesim trace decode FILE (--layer L | --tensor NAME) -o OUT.npy\n"
    "       eyesim trace stats FILE\n"
    "       eyesim trace synth NET -o FILE [--zeros PROFILE] [--seed S] [--batch N] [--layers "
    "LIST]\n"
    "\n"
    "An activation trace holds RLC-coded activations (the Eyeriss DRAM code), one\n"
    "tensor per name, e.g. conv2.ifmap; `eyesim run ... --activations FILE` replays it.\n"
    "  encode   one tensor per .npy file (int16, or float32 times --scale, rounded and\n"
    "           saturated), named after the file: conv2.npy is conv2.ifmap,\n"
    "           conv2.ofmap.npy is conv2.ofmap; shapes (N, C, H, W) or fewer dimensions\n"
    "  decode   one tensor back to an int16 .npy\n"
    "  stats    per tensor: shape, zeros, raw and coded bytes, ratio, and the coded size\n"
    "           against the entropy of its runs and levels\n"
    "  synth    the synthetic ifmaps `eyesim run` makes with the same --seed and zeros;\n"
    "           PROFILE is a fraction (0.6) or per-layer ones (0.5,conv1=0,conv2=0.7)\n";

/* Opens `path` through a temporary file; the caller commits or aborts. */
static int open_out(ey_outfile *o, const char *path) {
  ey_err err;
  if (ey_outfile_open(o, path, &err)) return fail(&err, EY_IO);
  return EXIT_OK;
}

static int trace_encode(int argc, char **argv) {
  const char *out = NULL;
  double scale = 1.0;
  int nin = 0;
  const char *in[256];
  for (int i = 3; i < argc; i++) {
    if (!strcmp(argv[i], "-o") && i + 1 < argc) {
      out = argv[++i];
    } else if (!strcmp(argv[i], "--scale") && i + 1 < argc) {
      char *end;
      scale = strtod(argv[++i], &end);
      if (*end || end == argv[i] || !(scale > 0))
        return usage_error("--scale: must be a positive number (got %s)", argv[i]);
    } else if (argv[i][0] == '-') {
      return usage_error("%s: unknown option for `eyesim trace encode`", argv[i]);
    } else if (nin < 256) {
      in[nin++] = argv[i];
    }
  }
  if (!out || !nin) return usage_error("%s", "`eyesim trace encode` needs IN.npy... and -o FILE");
  ey_outfile o;
  int st = open_out(&o, out);
  if (st) return st;
  ey_act_writer *w = ey_act_writer_open(o.f);
  for (int k = 0; w && k < nin; k++) {
    ey_npy a;
    ey_err err;
    if (ey_npy_read(in[k], scale, &a, &err)) {
      ey_act_writer_close(w);
      ey_outfile_abort(&o);
      return fail(&err, EY_SYNTAX);
    }
    /* conv2.npy -> conv2.ifmap; conv2.ofmap.npy -> conv2.ofmap */
    const char *base = strrchr(in[k], '/');
    base = base ? base + 1 : in[k];
    char name[EY_ACT_NAME_MAX];
    snprintf(name, sizeof name, "%.*s",
             (int)(strlen(base) > 4 && !strcmp(base + strlen(base) - 4, ".npy") ? strlen(base) - 4
                                                                                : strlen(base)),
             base);
    if (!strchr(name, '.')) strncat(name, ".ifmap", sizeof name - strlen(name) - 1);
    if (ey_act_writer_add(w, name, a.shape, a.data)) {
      ey_npy_free(&a);
      ey_act_writer_close(w);
      ey_outfile_abort(&o);
      fprintf(stderr, "eyesim: %s: write failed\n", out);
      return EXIT_INPUT;
    }
    ey_npy_free(&a);
  }
  ey_err err;
  if (!w || ey_act_writer_close(w) || ey_outfile_commit(&o, &err)) {
    ey_outfile_abort(&o);
    fprintf(stderr, "eyesim: %s: write failed\n", out);
    return EXIT_INPUT;
  }
  return EXIT_OK;
}

static int trace_decode(int argc, char **argv) {
  const char *file = NULL, *out = NULL, *layer = NULL, *tensor = NULL;
  for (int i = 3; i < argc; i++) {
    if (!strcmp(argv[i], "-o") && i + 1 < argc)
      out = argv[++i];
    else if (!strcmp(argv[i], "--layer") && i + 1 < argc)
      layer = argv[++i];
    else if (!strcmp(argv[i], "--tensor") && i + 1 < argc)
      tensor = argv[++i];
    else if (argv[i][0] == '-')
      return usage_error("%s: unknown option for `eyesim trace decode`", argv[i]);
    else
      file = argv[i];
  }
  if (!file || !out || (!layer == !tensor))
    return usage_error(
        "%s", "`eyesim trace decode` needs FILE, --layer L or --tensor NAME, and -o OUT.npy");
  char name[EY_ACT_NAME_MAX];
  snprintf(name, sizeof name, layer ? "%s.ifmap" : "%s", layer ? layer : tensor);
  ey_act_trace tr;
  ey_err err;
  if (ey_act_load(file, &tr, &err)) return fail(&err, EY_SYNTAX);
  const ey_act_tensor *t = ey_act_find(&tr, name);
  if (!t) {
    fprintf(stderr, "eyesim: %s: %s: no such tensor in the trace\n", file, name);
    ey_act_free(&tr);
    return EXIT_INPUT;
  }
  uint64_t n = (uint64_t)t->shape[0] * t->shape[1] * t->shape[2] * t->shape[3];
  int16_t *v = malloc(sizeof *v * (size_t)n);
  int st = v ? EXIT_OK : EXIT_INPUT;
  ey_outfile o;
  if (!st && ey_act_decode(&tr, t, v, &err)) st = fail(&err, EY_SYNTAX);
  if (!st) st = open_out(&o, out);
  if (!st) {
    ey_npy_write(o.f, t->shape, v);
    if (ey_outfile_commit(&o, &err)) st = fail(&err, EY_IO);
  }
  free(v);
  ey_act_free(&tr);
  return st;
}

/* Entropy, in bits per symbol, of a histogram of `total` symbols. */
static double entropy(const uint64_t *h, size_t n, uint64_t total) {
  double e = 0;
  for (size_t i = 0; i < n; i++)
    if (h[i]) {
      double p = (double)h[i] / (double)total;
      e -= p * log2(p);
    }
  return e;
}

static int trace_stats(int argc, char **argv) {
  if (argc != 4) return usage_error("%s", "`eyesim trace stats` needs FILE");
  ey_act_trace tr;
  ey_err err;
  if (ey_act_load(argv[3], &tr, &err)) return fail(&err, EY_SYNTAX);
  printf("%-24s %-22s %7s %12s %12s %6s %14s\n", "tensor", "shape (N,C,H,W)", "zeros%", "raw bytes",
         "coded bytes", "ratio", "vs entropy");
  uint64_t *hl = calloc(65536, sizeof *hl);
  for (int k = 0; hl && k < tr.n; k++) {
    const ey_act_tensor *t = &tr.t[k];
    uint64_t n = (uint64_t)t->shape[0] * t->shape[1] * t->shape[2] * t->shape[3], zeros = 0,
             pairs = 0;
    int16_t *v = malloc(sizeof *v * (size_t)n);
    if (!v || ey_act_decode(&tr, t, v, &err)) {
      free(v);
      continue;
    }
    for (uint64_t i = 0; i < n; i++) zeros += v[i] == 0;
    /* The entropy limit of the code's own symbols: the runs and the levels of
     * its pairs, each coded at its empirical entropy. */
    uint64_t hr[32] = {0};
    memset(hl, 0, 65536 * sizeof *hl);
    for (uint64_t w = 0; w < t->nwords; w++) {
      int run[3], term;
      int16_t level[3];
      ey_rlc_unpack(t->words[w], run, level, &term);
      for (int p = 0; p < 3; p++) {
        if (w + 1 == t->nwords && !run[p] && !level[p]) continue; /* padding */
        hr[run[p]]++;
        hl[(uint16_t)level[p]]++;
        pairs++;
      }
    }
    double limit =
        pairs ? (double)pairs * (entropy(hr, 32, pairs) + entropy(hl, 65536, pairs)) / 8 : 0;
    uint64_t raw = n * 2, coded = t->nwords * 8;
    char shape[48];
    snprintf(shape, sizeof shape, "(%d, %d, %d, %d)", t->shape[0], t->shape[1], t->shape[2],
             t->shape[3]);
    printf("%-24s %-22s %7.1f %12llu %12llu %6.2f %13.1f%%\n", t->name, shape,
           100.0 * (double)zeros / (double)n, (unsigned long long)raw, (unsigned long long)coded,
           (double)raw / (double)coded, limit > 0 ? 100.0 * ((double)coded / limit - 1) : 0.0);
    free(v);
  }
  free(hl);
  ey_act_free(&tr);
  return EXIT_OK;
}

/* "0.6" or "0.5,conv1=0,conv2=0.7": the zero fraction of layer `name`. */
static int profile_zeros(const char *profile, const char *name, double *out) {
  *out = 0;
  for (const char *p = profile; *p;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    char item[128];
    snprintf(item, sizeof item, "%.*s", (int)len, p);
    char *eq = strchr(item, '='), *end;
    double v = strtod(eq ? eq + 1 : item, &end);
    if (*end || end == (eq ? eq + 1 : item) || !(v >= 0 && v <= 1)) return -1;
    if (!eq || (size_t)(eq - item) == strlen(name)) {
      if (!eq || !strncmp(item, name, strlen(name))) *out = v;
    }
    p += len + (comma ? 1 : 0);
  }
  return 0;
}

static int trace_synth(int argc, char **argv) {
  const char *net_arg = NULL, *out = NULL, *profile = "0", *layers = NULL;
  uint64_t seed = 1;
  int batch = 0;
  for (int i = 3; i < argc; i++) {
    if (!strcmp(argv[i], "-o") && i + 1 < argc) {
      out = argv[++i];
    } else if (!strcmp(argv[i], "--zeros") && i + 1 < argc) {
      profile = argv[++i];
    } else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
      seed = strtoull(argv[++i], NULL, 10);
    } else if (!strcmp(argv[i], "--batch") && i + 1 < argc) {
      if (parse_int(argv[++i], 1, 65536, &batch))
        return usage_error("--batch: must be an integer from 1 to 65536 (got %s)", argv[i]);
    } else if (!strcmp(argv[i], "--layers") && i + 1 < argc) {
      layers = argv[++i];
    } else if (argv[i][0] == '-') {
      return usage_error("%s: unknown option for `eyesim trace synth`", argv[i]);
    } else {
      net_arg = argv[i];
    }
  }
  double z;
  if (profile_zeros(profile, "", &z))
    return usage_error("--zeros: expected a fraction from 0 to 1, or NAME=FRACTION items (got %s)",
                       profile);
  if (!net_arg || !out) return usage_error("%s", "`eyesim trace synth` needs NET and -o FILE");
  char nbuf[512];
  ey_net net;
  ey_err err;
  ey_rc rc = ey_net_load(resolve(net_arg, "nets", nbuf, sizeof nbuf), &net, &err);
  if (!rc && batch) ey_net_set_batch(&net, batch);
  if (!rc && layers) rc = ey_net_select(&net, layers, &err);
  if (rc) {
    ey_net_free(&net);
    return fail(&err, rc);
  }
  ey_outfile o;
  int st = open_out(&o, out);
  ey_act_writer *w = st ? NULL : ey_act_writer_open(o.f);
  for (int i = 0; w && !st && i < net.nlayers; i++) {
    const ey_layer *l = &net.layers[i];
    ey_tensors t;
    profile_zeros(profile, l->name, &z);
    /* The same generator, seed and zeros as `eyesim run` (16-bit words). */
    if (ey_tensors_make(&t, l, 16, seed, z)) {
      st = EXIT_INPUT;
      break;
    }
    char name[EY_ACT_NAME_MAX];
    snprintf(name, sizeof name, "%s.ifmap", l->name);
    const int shape[4] = {l->N, l->C, l->H, l->W};
    if (ey_act_writer_add(w, name, shape, t.ifmap)) st = EXIT_INPUT;
    ey_tensors_free(&t);
  }
  if (w && ey_act_writer_close(w)) st = EXIT_INPUT;
  if (!st && ey_outfile_commit(&o, &err)) st = fail(&err, EY_IO);
  if (st) ey_outfile_abort(&o);
  ey_net_free(&net);
  return st;
}

static int cmd_trace(int argc, char **argv) {
  if (argc < 3 || !strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")) {
    fputs(k_usage_trace, argc < 3 ? stderr : stdout);
    return argc < 3 ? EXIT_USAGE : EXIT_OK;
  }
  if (!strcmp(argv[2], "encode")) return trace_encode(argc, argv);
  if (!strcmp(argv[2], "decode")) return trace_decode(argc, argv);
  if (!strcmp(argv[2], "stats")) return trace_stats(argc, argv);
  if (!strcmp(argv[2], "synth")) return trace_synth(argc, argv);
  return usage_error("trace %s: unknown command (encode, decode, stats or synth)", argv[2]);
}

/* ------------------------------------------------------------------ sweep */

static const char k_usage_sweep[] =
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
    "\n"
    "options:\n"
    "  -o, --out DIR      the output folder (created; must be new, empty or this sweep's)\n"
    "  -j, --jobs N       worker processes (default: the number of cores)\n"
    "  --shard I/N        run only shard I of N (points i with i mod N = I-1)\n"
    "  --force            take over DIR from another sweep: points with unchanged\n"
    "                     inputs keep their results, the other results are removed\n"
    "  --list             print the points (CSV: point, the swept keys, net, batch,\n"
    "                     valid, reason) and run nothing\n"
    "  --slurm            write DIR/sweep.sbatch, a job array with one shard per task\n"
    "                     (into DIR/shard-I), instead of running; options after it that\n"
    "                     eyesim does not take, given as --name=value or --flag, become\n"
    "                     #SBATCH lines (e.g. --partition=debug --time=1:00:00)\n"
    "  --array-size N     tasks of the job array (default: the points, at most 100)\n"
    "  -q, --quiet        no progress line and no summary\n"
    "merge:\n"
    "  reads DIR and its subfolders that hold sweep outputs (the shards), checks that\n"
    "  every point is there once, and writes OUT/sweep.csv and OUT/sweep.jsonl; missing\n"
    "  points are listed (with their shard) and nothing is written.\n"
    "\n"
    "Exit status: 0 every point has a result (invalid and unmapped points included);\n"
    "1 a bad spec or file, a point that failed, or a merge with points missing; 2 bad\n"
    "usage, or DIR holds another sweep (see --force) or is in use; 128+N stopped by\n"
    "signal N (finished points are kept).\n";

static int sweep_merge_cmd(int argc, char **argv) {
  const char *dir = NULL, *out = NULL;
  for (int i = 3; i < argc; i++) {
    if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out")) && i + 1 < argc)
      out = argv[++i];
    else if (!strncmp(argv[i], "--out=", 6))
      out = argv[i] + 6;
    else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
      continue;
    else if (argv[i][0] == '-')
      return usage_error("%s: unknown option for `eyesim sweep merge` (it takes -o OUT)", argv[i]);
    else if (dir)
      return usage_error("unexpected argument %s", argv[i]);
    else
      dir = argv[i];
  }
  if (!dir || !out) return usage_error("%s", "`eyesim sweep merge` needs DIR and -o OUT");
  ey_sweep_merged m;
  ey_err err;
  ey_rc rc = ey_sweep_merge(dir, out, &m, &err);
  if (rc) return fail(&err, rc);
  printf("merged %ld points from %d folder%s into %s/sweep.csv and %s/sweep.jsonl", m.points,
         m.shards, m.shards == 1 ? "" : "s", out, out);
  if (m.duplicates)
    printf(" (%ld duplicate%s kept once)", m.duplicates, m.duplicates == 1 ? "" : "s");
  printf("\n");
  return EXIT_OK;
}

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

static int cmd_sweep(int argc, char **argv) {
  if (argc < 3 || !strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")) {
    fputs(k_usage_sweep, argc < 3 ? stderr : stdout);
    return argc < 3 ? EXIT_USAGE : EXIT_OK;
  }
  if (!strcmp(argv[2], "merge")) return sweep_merge_cmd(argc, argv);
  const char *spec = NULL, *out = NULL;
  const char *sbatch[65];
  int nsbatch = 0, slurm = 0, array = 0, quiet = 0, list = 0;
  ey_sweep_opts so;
  memset(&so, 0, sizeof so);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  so.jobs = cores > 0 ? (int)EY_MIN(cores, 1024) : 1;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    const char *eq = strchr(a, '=');
    char name[32];
    snprintf(name, sizeof name, "%.*s", eq && a[1] == '-' ? (int)(eq - a) : (int)strlen(a), a);
    const char *val = eq && a[1] == '-' ? eq + 1 : NULL;
    if (!strncmp(a, "-j", 2) && a[2]) { /* -j2, as make takes it */
      snprintf(name, sizeof name, "-j");
      val = a + 2;
    }
    int takes = !strcmp(name, "-o") || !strcmp(name, "--out") || !strcmp(name, "-j") ||
                !strcmp(name, "--jobs") || !strcmp(name, "--shard") ||
                !strcmp(name, "--array-size");
    if (takes && !val) {
      if (i + 1 >= argc) return usage_error("%s needs a value", a);
      val = argv[++i];
    }
    if (a[0] != '-') {
      if (spec) return usage_error("unexpected argument %s", a);
      spec = a;
    } else if (!strcmp(name, "-o") || !strcmp(name, "--out")) {
      out = val;
    } else if (!strcmp(name, "-j") || !strcmp(name, "--jobs")) {
      if (parse_int(val, 1, 1024, &so.jobs))
        return usage_error("-j: must be an integer from 1 to 1024 (got %s)", val);
    } else if (!strcmp(name, "--shard")) {
      char *mid, *end;
      long s = strtol(val, &mid, 10), n = *mid == '/' ? strtol(mid + 1, &end, 10) : 0;
      if (mid == val || *mid != '/' || *end || n < 1 || n > 100000 || s < 1 || s > n)
        return usage_error("--shard: expected I/N with 1 <= I <= N (got %s)", val);
      so.shard = (int)s;
      so.nshards = (int)n;
    } else if (!strcmp(name, "--array-size")) {
      if (parse_int(val, 1, 100000, &array))
        return usage_error("--array-size: must be an integer from 1 to 100000 (got %s)", val);
    } else if (!strcmp(a, "--force")) {
      so.force = 1;
    } else if (!strcmp(a, "--list")) {
      list = 1;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      quiet = 1;
    } else if (!strcmp(a, "--slurm")) {
      slurm = 1;
    } else if (slurm && !strncmp(a, "--", 2) && a[2]) {
      if (nsbatch == 64) return usage_error("%s: too many sbatch options", a);
      sbatch[nsbatch++] = a;
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(k_usage_sweep, stdout);
      return EXIT_OK;
    } else {
      return usage_error("%s: unknown option for `eyesim sweep`%s", a,
                         slurm ? " (sbatch options go as --name=value)" : "");
    }
  }
  sbatch[nsbatch] = NULL;
  if (!spec) return usage_error("%s", "`eyesim sweep` needs SPEC");
  if (!out && !list) return usage_error("%s", "`eyesim sweep` needs -o DIR");
  if (array && !slurm) return usage_error("%s", "--array-size goes with --slurm");
  if (slurm && so.nshards)
    return usage_error("%s", "--shard and --slurm: the job array chooses the shards");
  ey_sweep sw;
  ey_err err;
  ey_rc rc = ey_sweep_load(spec, config_dir(), &sw, &err);
  int status = EXIT_OK;
  if (rc) {
    status = fail(&err, rc);
  } else if (list) {
    sweep_list(&sw);
  } else if (slurm) {
    char exe[4096], spec_abs[4096], out_abs[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0 || !realpath(spec, spec_abs)) {
      status = usage_error("%s: cannot find the absolute paths of eyesim and the spec", spec);
    } else {
      exe[n] = 0;
      if (!array) array = (int)EY_MIN(sw.npoints, 100);
      if (mkdir(out, 0777) && errno != EEXIST) {
        fprintf(stderr, "eyesim: %s: cannot create the folder (%s)\n", out, strerror(errno));
        status = EXIT_INPUT;
      } else if (!realpath(out, out_abs)) {
        status = usage_error("%s: cannot find its absolute path", out);
      } else if ((rc = ey_sweep_slurm(&sw, exe, spec_abs, out_abs, array, sbatch, &err))) {
        status = fail(&err, rc);
      } else if (!quiet) {
        printf(
            "wrote %s/sweep.sbatch: %ld points in %d array tasks\nsubmit: sbatch %s/sweep.sbatch\n"
            "then:   %s sweep merge %s -o %s/merged\n",
            out, sw.npoints, array, out, exe, out, out);
      }
    }
  } else {
    so.out = out;
    so.progress = !quiet && isatty(STDERR_FILENO);
    ey_sweep_stats st;
    rc = ey_sweep_run(&sw, &so, &st, &err);
    if (rc) {
      status = fail(&err, rc);
    } else if (st.interrupted) {
      fprintf(
          stderr,
          "eyesim: sweep stopped by signal %d: %ld of %ld points done and kept in %s; run the same "
          "command again to finish\n",
          st.interrupted, st.skipped + st.computed - st.failed, st.points, out);
      status = 128 + st.interrupted;
    } else {
      if (!quiet)
        printf(
            "sweep %s: %ld points (%ld computed, %ld already done): %ld ok, %ld nomap, %ld "
            "invalid, %ld error, "
            "%ld failed; %.1f s\nresults: %s/sweep.csv, %s/sweep.jsonl\n",
            sw.name, st.points, st.computed, st.skipped, st.ok, st.nomap, st.invalid, st.error,
            st.failed, st.seconds, out, out);
      if (st.failed || st.error) {
        fprintf(stderr, "eyesim: %ld point%s failed (status failed or error in %s/sweep.csv)%s\n",
                st.failed + st.error, st.failed + st.error == 1 ? "" : "s", out,
                st.failed ? "; run the same command again to retry the failed ones" : "");
        status = EXIT_INPUT;
      }
    }
  }
  ey_sweep_free(&sw);
  return status;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(k_usage, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
    puts("eyesim " EY_VERSION_STRING);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
    if (argc > 2 && (!strcmp(argv[2], "run") || !strcmp(argv[2], "map")))
      fputs(k_usage_run, stdout);
    else if (argc > 2 && !strcmp(argv[2], "trace"))
      fputs(k_usage_trace, stdout);
    else if (argc > 2 && !strcmp(argv[2], "sweep"))
      fputs(k_usage_sweep, stdout);
    else
      fputs(k_usage, stdout);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "run") || !strcmp(cmd, "map")) return cmd_run_or_map(argc, argv);
  if (!strcmp(cmd, "config")) return cmd_config(argc, argv);
  if (!strcmp(cmd, "keys")) return cmd_keys();
  if (!strcmp(cmd, "trace")) return cmd_trace(argc, argv);
  if (!strcmp(cmd, "sweep")) return cmd_sweep(argc, argv);
  return usage_error("%s: unknown command", cmd);
}
