/* vcdfile.c - the waveform of a run: scopes and signals from the architecture,
 * then the values that change, frame by frame. */
#include "traces/vcdfile.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/base/outfile.h"
#include "traces/vcd.h"

enum { PE_SIGNALS = 4, BANK_SIGNALS = 2, CHIP_SIGNALS = 9 };

struct ey_vcd_file {
  ey_outfile f;
  ey_vcd *v;        /* NULL while the signals are only counted, or with a sink */
  ey_vcd_sink sink; /* ey_vcd_begin_sink(): where the signals go instead (else zero) */
  int live;         /* ... 1 once its signals are being declared */
  char **pat;       /* the globs, NULL-ended; NULL: every signal */
  int npat;         /* globs */
  uint64_t *hit;    /* per glob: signals it matched */
  uint32_t core_mhz;
  int npe, banks, mac_state;
  int pe_width[PE_SIGNALS], bank_width, chip_width[CHIP_SIGNALS];
  int *pe;             /* per PE: state, mac, ifmap_words, psum_words */
  int *bank;           /* per bank: reads, writes */
  int h[CHIP_SIGNALS]; /* ifmap valid/ready/cast, filter busy, psum gin/local/gon,
                          dram busy/in flight */
  /* hierarchical-mesh: routers per network (0 ifmap, 1 weight), per cluster,
   * clusters across, their signals' handles and widths */
  int nrt[2], planes[2], ncx, rt_width[2];
  int *rt[2];
};

/* Bits that hold every value from 0 to max. */
static int bits_for(uint64_t max) {
  int b = 1;
  while (b < 64 && max >> b) b++;
  return b;
}

/* The width of every signal, from the largest value the architecture lets it
 * take (docs/traces.md): a count of PEs needs as many bits as the array has PEs. */
static void widths(ey_vcd_file *w, const ey_arch *a) {
  const uint64_t npe = (uint64_t)a->rows * (uint64_t)a->cols;
  w->pe_width[0] = 3; /* the seven PE-cycle classes */
  w->pe_width[1] = 1;
  /* the ifmap spad and FIFO are one ring; the psum spad holds the running
   * column's accumulators and the finished psums */
  w->pe_width[2] = bits_for((uint64_t)a->ifmap_spad_words + (uint64_t)a->ifmap_fifo_words);
  w->pe_width[3] = bits_for((uint64_t)a->psum_spad_words);
  /* each access takes a port; a clustered bank is as wide as its router's port,
   * and a psum counts its words there */
  {
    const uint64_t span = (uint64_t)EY_CEIL_DIV(a->psum_bits, a->word_bits);
    const uint64_t wide = EY_MAX((uint64_t)a->noc_ifmap_wpc,
                                 span * (uint64_t)EY_MAX(a->noc_psum_wpc, a->noc_gon_wpc));
    w->bank_width = bits_for((uint64_t)a->glb_bank_ports * (a->glb_clustered ? wide : 1));
  }
  const int chip[CHIP_SIGNALS] = {
      1,                                    /* ifmap valid */
      bits_for((uint64_t)a->noc_ifmap_wpc), /* ifmap ready: packets this cycle */
      bits_for(npe),                        /* ifmap cast: PEs a packet reached */
      1,                                    /* filter busy */
      bits_for((uint64_t)a->noc_psum_wpc),  /* psum gin_words */
      bits_for(npe),                        /* psum local_words: one a PE at most */
      bits_for((uint64_t)a->noc_gon_wpc),   /* psum gon_words */
      1,                                    /* dram busy */
      64 /* dram bytes_in_flight: requests of a run have no bound the arch sets */};
  memcpy(w->chip_width, chip, sizeof chip);
  w->rt_width[0] = bits_for((uint64_t)a->noc_ifmap_wpc); /* words a router sent */
  w->rt_width[1] = 1;                                    /* a weight router loading */
}

/* Reads the comma-separated globs of `patterns` into w->pat (empty items are
 * left out). Returns EY_OK, EY_NOMEM, or EY_USAGE when there is none. */
static ey_rc read_patterns(ey_vcd_file *w, const char *patterns, ey_err *err) {
  int n = 1;
  for (const char *p = patterns; *p; p++) n += *p == ',';
  w->pat = calloc((size_t)n + 1, sizeof *w->pat);
  w->hit = calloc((size_t)n, sizeof *w->hit);
  if (!w->pat || !w->hit) return ey_err_set(err, EY_NOMEM, "--vcd-signals: out of memory");
  for (const char *p = patterns; *p;) {
    size_t len = strcspn(p, ",");
    if (len) {
      char *g = malloc(len + 1);
      if (!g) return ey_err_set(err, EY_NOMEM, "--vcd-signals: out of memory");
      memcpy(g, p, len);
      g[len] = '\0';
      w->pat[w->npat++] = g;
    }
    p += len + (p[len] == ',');
  }
  if (!w->npat)
    return ey_err_set(err, EY_USAGE,
                      "--vcd-signals: expected comma-separated globs, e.g. 'top.array.pe_r0_*' "
                      "(got '%s')",
                      patterns);
  return EY_OK;
}

/* Whether signal `name` is kept; counts the globs it matches. */
static int wanted(ey_vcd_file *w, const char *name) {
  if (!w->pat) return 1;
  int any = 0;
  for (int k = 0; k < w->npat; k++)
    if (!fnmatch(w->pat[k], name, 0)) {
      w->hit[k]++;
      any = 1;
    }
  return any;
}

static void open_scope(ey_vcd_file *w, const char *name) {
  if (w->v) ey_vcd_scope(w->v, name);
}

static void close_scope(ey_vcd_file *w) {
  if (w->v) ey_vcd_upscope(w->v);
}

/* A signal's value from cycle `cycle` (at `ps` picoseconds) on; h < 0: left out. */
static void put(ey_vcd_file *w, uint64_t cycle, uint64_t ps, int h, uint64_t value) {
  if (h < 0) return;
  if (w->sink.set)
    w->sink.set(w->sink.ctx, cycle, h, value);
  else
    ey_vcd_set(w->v, ps, h, value);
}

/* Declares the variables of one scope (a prefix and leaf names with widths),
 * leaving out the scope when no variable is wanted; out[k] = -1 for those left
 * out. While w->v is NULL, only counts what the globs match. */
static void scope(ey_vcd_file *w, const char *prefix, const char *name, int n,
                  const char *const *leaf, const int *width, int *out) {
  char full[160];
  int keep[PE_SIGNALS], any = 0; /* a scope has at most a PE's four signals */
  for (int k = 0; k < n; k++) {
    snprintf(full, sizeof full, "%s.%s", prefix, leaf[k]);
    out[k] = -1;
    keep[k] = wanted(w, full);
    any |= keep[k];
  }
  if (!any) return;
  if (w->sink.var && w->live) {
    for (int k = 0; k < n; k++)
      if (keep[k]) {
        snprintf(full, sizeof full, "%s.%s", prefix, leaf[k]);
        out[k] = w->sink.var(w->sink.ctx, full, width[k]);
      }
    return;
  }
  if (!w->v) return;
  ey_vcd_scope(w->v, name);
  for (int k = 0; k < n; k++)
    if (keep[k]) out[k] = ey_vcd_var(w->v, width[k], leaf[k]);
  ey_vcd_upscope(w->v);
}

static void declare_array(ey_vcd_file *w, int cols) {
  static const char *const leaf[PE_SIGNALS] = {"state", "mac", "ifmap_words", "psum_words"};
  open_scope(w, "array");
  for (int x = 0; x < w->npe; x++) {
    char prefix[64], name[40];
    snprintf(name, sizeof name, "pe_r%d_c%d", x / cols, x % cols);
    snprintf(prefix, sizeof prefix, "top.array.%s", name);
    scope(w, prefix, name, PE_SIGNALS, leaf, w->pe_width, w->pe + PE_SIGNALS * x);
  }
  close_scope(w);
}

static void declare_noc(ey_vcd_file *w) {
  static const char *const if_leaf[] = {"valid", "ready", "cast"}, *const f_leaf[] = {"busy"},
                           *const ps_leaf[] = {"gin_words", "local_words", "gon_words"};
  open_scope(w, "noc");
  scope(w, "top.noc.ifmap", "ifmap", 3, if_leaf, w->chip_width, w->h);
  scope(w, "top.noc.filter", "filter", 1, f_leaf, w->chip_width + 3, w->h + 3);
  scope(w, "top.noc.psum", "psum", 3, ps_leaf, w->chip_width + 4, w->h + 4);
  if (w->nrt[0]) { /* the mesh's routers, by cluster column, cluster row and router */
    static const char *const net[2] = {"ifmap", "weight"}, *const leaf[2] = {"words", "busy"};
    open_scope(w, "mesh");
    for (int k = 0; k < 2; k++) {
      open_scope(w, net[k]);
      for (int r = 0; r < w->nrt[k]; r++) {
        const int cl = r / w->planes[k];
        char prefix[96], name[48];
        snprintf(name, sizeof name, "router_x%d_y%d_%d", cl % w->ncx, cl / w->ncx,
                 r % w->planes[k]);
        snprintf(prefix, sizeof prefix, "top.noc.mesh.%s.%s", net[k], name);
        scope(w, prefix, name, 1, leaf + k, w->rt_width + k, w->rt[k] + r);
      }
      close_scope(w);
    }
    close_scope(w);
  }
  close_scope(w);
}

static void declare_glb(ey_vcd_file *w) {
  static const char *const leaf[BANK_SIGNALS] = {"reads", "writes"};
  const int width[BANK_SIGNALS] = {w->bank_width, w->bank_width};
  open_scope(w, "glb");
  for (int b = 0; b < w->banks; b++) {
    char prefix[64], name[32];
    snprintf(name, sizeof name, "bank_%d", b);
    snprintf(prefix, sizeof prefix, "top.glb.%s", name);
    scope(w, prefix, name, BANK_SIGNALS, leaf, width, w->bank + BANK_SIGNALS * b);
  }
  close_scope(w);
}

static void declare_dram(ey_vcd_file *w) {
  static const char *const leaf[] = {"busy", "bytes_in_flight"};
  scope(w, "top.dram", "dram", 2, leaf, w->chip_width + 7, w->h + 7);
}

static void declare(ey_vcd_file *w, int cols) {
  open_scope(w, "top");
  declare_array(w, cols);
  declare_noc(w);
  declare_glb(w);
  declare_dram(w);
  close_scope(w);
}

static void discard(ey_vcd_file *w) {
  if (w->v) ey_vcd_close(w->v);
  ey_outfile_abort(&w->f);
  for (int k = 0; k < w->npat; k++) free(w->pat[k]);
  free(w->pat);
  free(w->hit);
  free(w->pe);
  free(w->bank);
  free(w->rt[0]);
  free(w->rt[1]);
  free(w);
}

/* EY_USAGE naming the globs that match no signal, with examples of the names
 * there are; EY_OK when each matches one at least. */
static ey_rc check_patterns(const ey_vcd_file *w, const ey_arch *a, ey_err *err) {
  char bad[EY_ERR_MAX / 2];
  size_t len = 0;
  int nbad = 0;
  for (int k = 0; k < w->npat; k++)
    if (!w->hit[k] && len + 4 < sizeof bad) {
      int n = snprintf(bad + len, sizeof bad - len, "%s'%s'", nbad ? ", " : "", w->pat[k]);
      len = n < 0 ? len : EY_MIN(len + (size_t)n, sizeof bad - 1);
      nbad++;
    }
  if (!nbad) return EY_OK;
  return ey_err_set(err, EY_USAGE,
                    "--vcd-signals: %s %s no signal of %s (signals are named like "
                    "top.array.pe_r0_c0.state, top.array.pe_r%d_c%d.psum_words, "
                    "top.noc.ifmap.valid, top.noc.psum.gon_words, top.glb.bank_0.reads, "
                    "top.dram.busy; docs/traces.md lists them)",
                    bad, nbad == 1 ? "matches" : "match", a->name, a->rows - 1, a->cols - 1);
}

/* ey_vcd_begin() and ey_vcd_begin_sink(): a file at `path`, or `sink`. */
static ey_rc begin(const char *path, const ey_vcd_sink *sink, const ey_arch *a,
                   const char *patterns, int mac_state, ey_vcd_file **out, ey_err *err) {
  *out = NULL;
  ey_vcd_file *w = calloc(1, sizeof *w);
  if (!w) return ey_err_set(err, EY_NOMEM, "%s: out of memory", path);
  if (sink) w->sink = *sink;
  w->core_mhz = (uint32_t)a->core_mhz;
  w->npe = a->rows * a->cols;
  w->banks = a->glb_banks;
  w->mac_state = mac_state;
  widths(w, a);
  w->pe = malloc(sizeof *w->pe * PE_SIGNALS * (size_t)w->npe);
  w->bank = malloc(sizeof *w->bank * BANK_SIGNALS * (size_t)w->banks);
  int rt_ok = 1;
  if (a->noc_impl == EY_NOC_HMESH) {
    const int ncl = (a->rows / a->mesh_cluster_rows) * (a->cols / a->mesh_cluster_cols);
    w->ncx = a->cols / a->mesh_cluster_cols;
    w->planes[0] = a->mesh_ifmap_routers;
    w->planes[1] = a->mesh_cluster_rows; /* a weight router per PE row of a cluster */
    for (int k = 0; k < 2; k++) {
      w->nrt[k] = ncl * w->planes[k];
      w->rt[k] = malloc(sizeof *w->rt[k] * (size_t)w->nrt[k]);
      rt_ok &= w->rt[k] != NULL;
    }
  }
  if (!w->pe || !w->bank || !rt_ok) {
    discard(w);
    return ey_err_set(err, EY_NOMEM, "%s: out of memory", path);
  }
  ey_rc rc = patterns ? read_patterns(w, patterns, err) : EY_OK;
  if (!rc && w->pat) { /* every glob must keep a signal, checked before the file opens */
    declare(w, a->cols);
    rc = check_patterns(w, a, err);
  }
  if (rc) {
    discard(w);
    return rc;
  }
  if (sink) {
    w->live = 1;
    declare(w, a->cols);
    *out = w;
    return EY_OK;
  }
  if (ey_outfile_open(&w->f, path, err)) rc = EY_IO;
  if (!rc && !(w->v = ey_vcd_open(w->f.f)))
    rc = ey_err_set(err, EY_NOMEM, "%s: out of memory", path);
  if (rc) {
    discard(w);
    return rc;
  }
  declare(w, a->cols);
  ey_vcd_enddefs(w->v);
  *out = w;
  return EY_OK;
}

ey_rc ey_vcd_begin(const char *path, const ey_arch *a, const char *patterns, int mac_state,
                   ey_vcd_file **out, ey_err *err) {
  return begin(path, NULL, a, patterns, mac_state, out, err);
}

ey_rc ey_vcd_begin_sink(const ey_vcd_sink *sink, const ey_arch *a, const char *patterns,
                        int mac_state, ey_vcd_file **out, ey_err *err) {
  *out = NULL;
  if (!sink->var || !sink->set)
    return ey_err_set(err, EY_MISUSE, "waveform: a sink needs both callbacks");
  return begin("waveform", sink, a, patterns, mac_state, out, err);
}

void ey_vcd_sample(ey_vcd_file *w, const ey_vcd_frame *fr) {
  uint64_t ps = fr->cycle * 1000000u / w->core_mhz;
  for (int x = 0; x < w->npe; x++) {
    const int *h = w->pe + PE_SIGNALS * x;
    put(w, fr->cycle, ps, h[0], fr->pe_state[x]);
    put(w, fr->cycle, ps, h[1], fr->pe_state[x] == w->mac_state);
    put(w, fr->cycle, ps, h[2], fr->ifmap_words[x]);
    put(w, fr->cycle, ps, h[3], fr->psum_words[x]);
  }
  const uint64_t v[CHIP_SIGNALS] = {
      (uint64_t)fr->ifmap_valid, (uint64_t)fr->ifmap_sent, (uint64_t)fr->ifmap_cast,
      (uint64_t)fr->filter_busy, (uint64_t)fr->psum_in,    (uint64_t)fr->psum_local,
      (uint64_t)fr->psum_out,    (uint64_t)fr->dram_busy,  fr->dram_bytes_in_flight};
  for (int k = 0; k < CHIP_SIGNALS; k++) put(w, fr->cycle, ps, w->h[k], v[k]);
  for (int b = 0; b < w->banks; b++) {
    put(w, fr->cycle, ps, w->bank[BANK_SIGNALS * b], fr->bank_reads[b]);
    put(w, fr->cycle, ps, w->bank[BANK_SIGNALS * b + 1], fr->bank_writes[b]);
  }
  const uint8_t *rv[2] = {fr->ifmap_router_words, fr->weight_router_busy};
  for (int k = 0; k < 2; k++)
    for (int r = 0; rv[k] && r < w->nrt[k]; r++) put(w, fr->cycle, ps, w->rt[k][r], rv[k][r]);
}

ey_rc ey_vcd_end(ey_vcd_file *w, int keep, ey_err *err) {
  ey_rc rc = EY_OK;
  if (w->sink.set) {
    discard(w);
    return rc;
  }
  if (ey_vcd_close(w->v)) {
    const int e = errno ? errno : EIO;
    keep = 0;
    rc = ey_err_set(err, EY_IO, "%s: write failed (%s)", w->f.path, strerror(e));
  }
  w->v = NULL;
  if (keep) rc = ey_outfile_commit(&w->f, err);
  discard(w);
  return rc;
}

void ey_vcd_unlink(ey_vcd_file *w) {
  if (w->f.tmp[0]) unlink(w->f.tmp);
}
