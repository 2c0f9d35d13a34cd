/* cmd_trace.c - `eyesim trace encode|decode|stats|synth`: activation traces
 * (traces/actrace.h) from .npy files, back to .npy, their statistics, and the
 * synthetic activations `eyesim run` makes. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/base/ey_nameset.h"
#include "sim/cli/cli.h"
#include "sim/config/config.h"
#include "sim/engine/data.h"
#include "traces/actrace.h"
#include "traces/npy.h"
#include "traces/rlc.h"

enum { CMD_ENCODE = 1, CMD_DECODE = 2, CMD_STATS = 4, CMD_SYNTH = 8 };

typedef struct trace_opts {
  const char *out;
  double scale;               /* encode */
  const char *layer, *tensor; /* decode */
  const char *zeros, *layers; /* synth: the zero profile, the layer selection */
  uint64_t seed;              /* synth */
  int batch;                  /* synth; 0: the file's */
} trace_opts;

/* "0.6" or "0.5,conv1=0,conv2=0.7": the zero fraction of layer `name`; `base`
 * (the network file's, ey_layer_zeros()) where no item names it. */
static int profile_zeros(const char *profile, const char *name, double base, double *out) {
  *out = base;
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

static int parse_profile(void *opts, const char *val) {
  double z;
  if (profile_zeros(val, "", 0, &z)) return -1;
  ((trace_opts *)opts)->zeros = val;
  return 0;
}

#define F(field) offsetof(trace_opts, field)
static const ey_opt k_trace_opts[] = {
    {.short_name = 'o',
     .kind = EY_OPT_STR,
     .value = "FILE",
     .cmds = CMD_ENCODE,
     .offset = F(out),
     .help = "the trace to write"},
    {.name = "--scale",
     .kind = EY_OPT_REAL,
     .value = "S",
     .cmds = CMD_ENCODE,
     .offset = F(scale),
     .lo = 0,
     .lo_open = 1,
     .hi = INFINITY,
     .expect = "must be a positive number",
     .help = "float32 values are multiplied by S, then rounded (default 1)"},
    {.short_name = 'o',
     .kind = EY_OPT_STR,
     .value = "OUT.npy",
     .cmds = CMD_DECODE,
     .offset = F(out),
     .help = "the int16 .npy to write, of shape (N, C, H, W)"},
    {.name = "--layer",
     .kind = EY_OPT_STR,
     .value = "L",
     .cmds = CMD_DECODE,
     .offset = F(layer),
     .help = "the tensor L.ifmap"},
    {.name = "--tensor",
     .kind = EY_OPT_STR,
     .value = "NAME",
     .cmds = CMD_DECODE,
     .offset = F(tensor),
     .help = "the tensor NAME, e.g. conv2.ofmap"},
    {.short_name = 'o',
     .kind = EY_OPT_STR,
     .value = "FILE",
     .cmds = CMD_SYNTH,
     .offset = F(out),
     .help = "the trace to write"},
    {.name = "--zeros",
     .kind = EY_OPT_CALL,
     .value = "PROFILE",
     .cmds = CMD_SYNTH,
     .parse = parse_profile,
     .expect = "expected a fraction from 0 to 1, or NAME=FRACTION items",
     .help = "the fraction of zeros, as `eyesim run --zeros`; NAME=FRACTION\n"
             "items set one layer (default: the network's `zeros`, else 0)"},
    {.name = "--seed",
     .kind = EY_OPT_U64,
     .value = "S",
     .cmds = CMD_SYNTH,
     .offset = F(seed),
     .help = "seed of the synthetic data, as `eyesim run --seed` (default 1)"},
    {.name = "--batch",
     .kind = EY_OPT_INT,
     .value = "N",
     .cmds = CMD_SYNTH,
     .offset = F(batch),
     .lo = 1,
     .hi = 65536,
     .help = "images (default: the network file's batch)"},
    {.name = "--layers",
     .kind = EY_OPT_STR,
     .value = "LIST",
     .cmds = CMD_SYNTH,
     .offset = F(layers),
     .help = "layers: names and first..last ranges, e.g. conv1..conv5,fc8"},
};
#undef F

static const ey_opt_section k_trace_sections[] = {{"options (encode):", CMD_ENCODE},
                                                  {"options (decode):", CMD_DECODE},
                                                  {"options (synth):", CMD_SYNTH}};

static const char k_trace_usage[] =
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
    "           PROFILE is a fraction (0.6) or per-layer ones (0.5,conv1=0,conv2=0.7)\n"
    "encode, decode and synth say what they wrote in one line on stdout (not with\n"
    "-o -, which writes the data itself to stdout).\n"
    "\n";

#define TRACE_CMD(cmd_name, bit, args)                                              \
  {                                                                                 \
    .name = cmd_name, .cmd = bit, .opts = k_trace_opts,                             \
    .nopts = (int)(sizeof k_trace_opts / sizeof k_trace_opts[0]), .max_args = args, \
    .usage = k_trace_usage, .sections = k_trace_sections,                           \
    .nsections = (int)(sizeof k_trace_sections / sizeof k_trace_sections[0])        \
  }

static const ey_opt_cmd k_encode_cmd = TRACE_CMD("trace encode", CMD_ENCODE, EY_OPT_ARGS_ANY);
static const ey_opt_cmd k_decode_cmd = TRACE_CMD("trace decode", CMD_DECODE, 1);
static const ey_opt_cmd k_stats_cmd = TRACE_CMD("trace stats", CMD_STATS, 1);
static const ey_opt_cmd k_synth_cmd = TRACE_CMD("trace synth", CMD_SYNTH, 1);

void ey_cli_trace_help(FILE *f) {
  ey_opts_help(&k_encode_cmd, f);
}

/* Parses `eyesim trace SUB ...` into o and args; -1 to go on, else the status. */
static int parse(const ey_opt_cmd *c, int argc, char **argv, trace_opts *o, ey_opt_list *args) {
  memset(o, 0, sizeof *o);
  o->scale = 1.0;
  o->zeros = ""; /* the network's profile */
  o->seed = 1;
  return ey_cli_parse(c, argc, argv, 3, o, args);
}

/* conv2.npy -> conv2.ifmap; conv2.ofmap.npy -> conv2.ofmap. Returns the length
 * the name has (it is cut to cap - 1 bytes when longer). */
static size_t tensor_name(const char *path, char *name, size_t cap) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t len = strlen(base);
  if (len > 4 && !strcmp(base + len - 4, ".npy")) len -= 4;
  int plain = !memchr(base, '.', len);
  snprintf(name, cap, "%.*s%s", (int)len, base, plain ? ".ifmap" : "");
  return len + (plain ? 6 : 0);
}

/* "eyesim: OUT: write failed (REASON)", for the errno of a failed write. */
static int write_failed(const char *out, int e) {
  fprintf(stderr, "eyesim: %s: write failed (%s)\n", !strcmp(out, "-") ? "stdout" : out,
          strerror(e ? e : EIO));
  return EXIT_INPUT;
}

/* Commits `out`, then checks stdout when it was the output. Returns the status. */
static int commit(ey_outfile *out, const char *path) {
  ey_err err;
  int to_stdout = !strcmp(path, "-");
  if (ey_outfile_commit(out, &err)) return ey_cli_fail(&err, EY_IO);
  if (to_stdout && ferror(stdout)) return write_failed(path, EIO);
  return EXIT_OK;
}

/* "wrote t.rlc: 2 tensors, 905984 raw bytes, 603256 coded (ratio 1.50), 50.0% zeros" on
 * stdout; nothing when the trace itself went to stdout. */
static void say_written(const char *out, const ey_act_stats *s) {
  if (!strcmp(out, "-")) return;
  uint64_t raw = s->values * 2, coded = s->words * 8;
  double ratio = coded ? (double)raw / (double)coded : 0.0,
         zeros = s->values ? 100.0 * (double)s->zeros / (double)s->values : 0.0;
  printf("wrote %s: %d tensor%s, %" PRIu64 " raw bytes, %" PRIu64
         " coded (ratio %.2f), %.1f%% zeros\n",
         out, s->tensors, s->tensors == 1 ? "" : "s", raw, coded, ratio, zeros);
}

/* Ends the trace writer w (may be NULL) and the output it writes into: renamed
 * into place and said when st is still 0, removed otherwise. Returns st, or the
 * status of a write that failed. */
static int finish_trace(ey_act_writer *w, ey_outfile *out, const char *path, int st) {
  ey_act_stats stats = {0};
  if (w) ey_act_writer_stats(w, &stats);
  if (w && ey_act_writer_close(w) && !st) st = write_failed(path, errno);
  if (!st) st = commit(out, path);
  if (st)
    ey_outfile_abort(out);
  else
    say_written(path, &stats);
  return st;
}

typedef struct encode_names {
  char (*name)[EY_ACT_NAME_MAX];
} encode_names;

static const char *encode_name_of(const void *ctx, int i) {
  return ((const encode_names *)ctx)->name[i];
}

/* The tensor name of every input, each a name the trace can hold and each
 * once. Returns EXIT_OK with names->name set (the caller frees it), or the
 * status with the error printed. */
static int encode_names_of(const ey_opt_list *in, encode_names *names) {
  names->name = calloc((size_t)in->n, sizeof *names->name);
  if (!names->name) {
    fprintf(stderr, "eyesim: out of memory for %d tensor names\n", in->n);
    return EXIT_INPUT;
  }
  ey_nameset set = {0};
  int st = EXIT_OK;
  for (int k = 0; k < in->n && !st; k++) {
    size_t len = tensor_name(in->v[k], names->name[k], sizeof names->name[k]);
    if (len >= EY_ACT_NAME_MAX) {
      st = ey_cli_usage_error("%s: tensor name: expected at most %d bytes (got %zu: %s...)",
                              in->v[k], EY_ACT_NAME_MAX - 1, len, names->name[k]);
    } else if (strchr(names->name[k], '\n')) {
      st = ey_cli_usage_error("%s: tensor name: expected one line (got a newline in the file name)",
                              in->v[k]);
    } else {
      int first = ey_nameset_add(&set, k, encode_name_of, names);
      if (first == -2) {
        fprintf(stderr, "eyesim: out of memory for %d tensor names\n", in->n);
        st = EXIT_INPUT;
      } else if (first >= 0) {
        st = ey_cli_usage_error(
            "%s: tensor %s: expected each tensor once (got it from %s too; a tensor is named "
            "after its file)",
            in->v[k], names->name[k], in->v[first]);
      }
    }
  }
  ey_nameset_free(&set);
  if (st) {
    free(names->name);
    names->name = NULL;
  }
  return st;
}

static int trace_encode(const trace_opts *o, const ey_opt_list *in) {
  if (!o->out || !in->n)
    return ey_cli_usage_error("%s", "`eyesim trace encode` needs IN.npy... and -o FILE");
  encode_names names;
  int st = encode_names_of(in, &names);
  if (st) return st;
  ey_outfile out;
  if ((st = ey_cli_open_out(&out, o->out))) {
    free(names.name);
    return st;
  }
  ey_act_writer *w = ey_act_writer_open(out.f);
  if (!w) {
    fprintf(stderr, "eyesim: %s: out of memory for the trace writer\n", o->out);
    st = EXIT_INPUT;
  }
  for (int k = 0; w && !st && k < in->n; k++) {
    ey_npy a;
    ey_err err;
    if (ey_npy_read(in->v[k], o->scale, &a, &err)) {
      st = ey_cli_fail(&err, EY_SYNTAX);
      break;
    }
    ey_rc rc = ey_act_writer_add(w, names.name[k], a.shape, a.data);
    int e = errno;
    ey_npy_free(&a);
    if (rc == EY_IO)
      st = write_failed(o->out, e);
    else if (rc) {
      fprintf(stderr, "eyesim: %s: tensor %s: %s\n", in->v[k], names.name[k],
              rc == EY_NOMEM ? "out of memory" : "cannot be coded");
      st = EXIT_INPUT;
    }
  }
  st = finish_trace(w, &out, o->out, st);
  free(names.name);
  return st;
}

static int trace_decode(const trace_opts *o, const ey_opt_list *args) {
  if (!args->n || !o->out || (!o->layer == !o->tensor))
    return ey_cli_usage_error(
        "%s", "`eyesim trace decode` needs FILE, --layer L or --tensor NAME, and -o OUT.npy");
  const char *file = args->v[0];
  char name[EY_ACT_NAME_MAX];
  snprintf(name, sizeof name, o->layer ? "%s.ifmap" : "%s", o->layer ? o->layer : o->tensor);
  ey_act_trace tr;
  ey_err err;
  if (ey_act_load(file, &tr, &err)) return ey_cli_fail(&err, EY_SYNTAX);
  const ey_act_tensor *t = ey_act_find(&tr, name);
  if (!t) {
    fprintf(stderr, "eyesim: %s: %s: no such tensor in the trace\n", file, name);
    ey_act_free(&tr);
    return EXIT_INPUT;
  }
  uint64_t n = (uint64_t)t->shape[0] * t->shape[1] * t->shape[2] * t->shape[3];
  int16_t *v = malloc(sizeof *v * (size_t)n);
  int st = EXIT_OK;
  if (!v) {
    fprintf(stderr, "eyesim: %s: tensor %s: out of memory for its %" PRIu64 " values\n", file, name,
            n);
    st = EXIT_INPUT;
  }
  ey_outfile out;
  if (!st && ey_act_decode(&tr, t, v, &err)) st = ey_cli_fail(&err, EY_SYNTAX);
  if (!st) st = ey_cli_open_out(&out, o->out);
  if (!st) {
    ey_npy_write(out.f, t->shape, v);
    st = commit(&out, o->out);
  }
  if (!st && strcmp(o->out, "-")) /* a summary, unless the .npy went to stdout */
    printf("wrote %s: %s (%d, %d, %d, %d)\n", o->out, t->name, t->shape[0], t->shape[1],
           t->shape[2], t->shape[3]);
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

/* The entropy limit of the code's own symbols, in bytes: the runs and the
 * levels of its pairs, each coded at its empirical entropy. `hl` has room for
 * 65536 counts. */
static double entropy_bytes(const ey_act_tensor *t, uint64_t *hl) {
  uint64_t hr[32] = {0}, pairs = 0;
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
  return pairs ? (double)pairs * (entropy(hr, 32, pairs) + entropy(hl, 65536, pairs)) / 8 : 0;
}

/* One tensor's row of `eyesim trace stats`. Returns EXIT_OK, or the status
 * with the error printed. */
static int stats_row(const ey_act_trace *tr, const ey_act_tensor *t, uint64_t *hl) {
  uint64_t n = (uint64_t)t->shape[0] * t->shape[1] * t->shape[2] * t->shape[3], zeros = 0;
  int16_t *v = malloc(sizeof *v * (size_t)n);
  if (!v) {
    fprintf(stderr, "eyesim: %s: tensor %s: out of memory for its %" PRIu64 " values\n", tr->path,
            t->name, n);
    return EXIT_INPUT;
  }
  ey_err err;
  if (ey_act_decode(tr, t, v, &err)) {
    free(v);
    return ey_cli_fail(&err, EY_SYNTAX);
  }
  for (uint64_t i = 0; i < n; i++) zeros += v[i] == 0;
  double limit = entropy_bytes(t, hl);
  uint64_t raw = n * 2, coded = t->nwords * 8;
  char shape[48];
  snprintf(shape, sizeof shape, "(%d, %d, %d, %d)", t->shape[0], t->shape[1], t->shape[2],
           t->shape[3]);
  printf("%-24s %-22s %7.1f %12llu %12llu %6.2f %13.1f%%\n", t->name, shape,
         100.0 * (double)zeros / (double)n, (unsigned long long)raw, (unsigned long long)coded,
         (double)raw / (double)coded, limit > 0 ? 100.0 * ((double)coded / limit - 1) : 0.0);
  free(v);
  return EXIT_OK;
}

static int trace_stats(const trace_opts *o, const ey_opt_list *args) {
  (void)o;
  if (!args->n) return ey_cli_usage_error("%s", "`eyesim trace stats` needs FILE");
  ey_act_trace tr;
  ey_err err;
  if (ey_act_load(args->v[0], &tr, &err)) return ey_cli_fail(&err, EY_SYNTAX);
  printf("%-24s %-22s %7s %12s %12s %6s %14s\n", "tensor", "shape (N,C,H,W)", "zeros%", "raw bytes",
         "coded bytes", "ratio", "vs entropy");
  uint64_t *hl = calloc(65536, sizeof *hl);
  int st = EXIT_OK;
  if (!hl) {
    fprintf(stderr, "eyesim: out of memory\n");
    st = EXIT_INPUT;
  }
  for (int k = 0; !st && k < tr.n; k++) st = stats_row(&tr, &tr.t[k], hl);
  free(hl);
  ey_act_free(&tr);
  if (!st && (fflush(stdout) || ferror(stdout))) st = write_failed("-", errno);
  return st;
}

/* Writes the synthetic ifmap of every layer of net into the trace w. Returns
 * EXIT_OK, or the status with the error printed. */
static int synth_layers(const ey_net *net, const trace_opts *o, ey_act_writer *w) {
  for (int i = 0; i < net->nlayers; i++) {
    const ey_layer *l = &net->layers[i];
    ey_tensors t;
    ey_err err;
    double z;
    profile_zeros(o->zeros, l->name, ey_layer_zeros(l, -1), &z);
    if (ey_tensors_check(l, &err)) return ey_cli_fail(&err, EY_NOMEM);
    /* The same generator, seed and zeros as `eyesim run` (16-bit words). */
    if (ey_tensors_make(&t, l, 16, o->seed, z)) {
      fprintf(stderr, "eyesim: %s: out of memory for its tensors\n", l->name);
      return EXIT_INPUT;
    }
    char name[EY_ACT_NAME_MAX];
    snprintf(name, sizeof name, "%s.ifmap", l->name);
    const int shape[4] = {l->N, l->C, l->H, l->W};
    ey_rc rc = ey_act_writer_add(w, name, shape, t.ifmap);
    int e = errno;
    ey_tensors_free(&t);
    if (rc == EY_IO) return write_failed(o->out, e);
    if (rc) {
      fprintf(stderr, "eyesim: %s: tensor %s: %s\n", o->out, name,
              rc == EY_NOMEM ? "out of memory" : "cannot be coded");
      return EXIT_INPUT;
    }
  }
  return EXIT_OK;
}

static int trace_synth(const trace_opts *o, const ey_opt_list *args) {
  if (!args->n || !o->out)
    return ey_cli_usage_error("%s", "`eyesim trace synth` needs NET and -o FILE");
  char nbuf[512];
  ey_net net;
  ey_err err;
  memset(&net, 0, sizeof net);
  ey_rc rc = ey_cli_locate(args->v[0], "nets", nbuf, sizeof nbuf, &err);
  if (!rc) rc = ey_net_load(nbuf, &net, &err);
  if (!rc && o->batch) ey_net_set_batch(&net, o->batch);
  if (!rc && o->layers) rc = ey_net_select(&net, o->layers, &err);
  if (rc) {
    ey_net_free(&net);
    return ey_cli_fail(&err, rc);
  }
  ey_outfile out;
  int st = ey_cli_open_out(&out, o->out);
  ey_act_writer *w = st ? NULL : ey_act_writer_open(out.f);
  if (!st && !w) {
    fprintf(stderr, "eyesim: %s: out of memory for the trace writer\n", o->out);
    st = EXIT_INPUT;
  }
  if (w) st = synth_layers(&net, o, w);
  st = finish_trace(w, &out, o->out, st);
  ey_net_free(&net);
  return st;
}

typedef struct trace_cmd {
  const char *name;
  const ey_opt_cmd *cmd;
  int (*run)(const trace_opts *o, const ey_opt_list *args);
} trace_cmd;

static const trace_cmd k_trace_cmds[] = {{"encode", &k_encode_cmd, trace_encode},
                                         {"decode", &k_decode_cmd, trace_decode},
                                         {"stats", &k_stats_cmd, trace_stats},
                                         {"synth", &k_synth_cmd, trace_synth}};

int ey_cli_trace(int argc, char **argv) {
  if (argc < 3 || !strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")) {
    ey_cli_trace_help(argc < 3 ? stderr : stdout);
    return argc < 3 ? EXIT_USAGE : EXIT_OK;
  }
  for (size_t k = 0; k < sizeof k_trace_cmds / sizeof k_trace_cmds[0]; k++) {
    const trace_cmd *c = &k_trace_cmds[k];
    if (strcmp(argv[2], c->name)) continue;
    trace_opts o;
    ey_opt_list args = {0};
    int st = parse(c->cmd, argc, argv, &o, &args);
    if (st < 0) st = c->run(&o, &args);
    ey_opt_list_free(&args);
    return st;
  }
  return ey_cli_usage_error("trace %s: unknown command (encode, decode, stats or synth)", argv[2]);
}
