/* stats.c - the report's figures, one descriptor each, and the writers that
 * give a list of them as JSON members, CSV cells and table cells. */
#include "sim/report/stats.h"

#include <string.h>

#include "sim/base/json.h"

/* ------------------------------------------------------------------ derived figures */

static uint64_t sum3(const uint64_t *v) {
  return v[0] + v[1] + v[2];
}

uint64_t ey_stat_dram_bytes(const ey_counts *c, const ey_arch *a) {
  uint64_t words = 0;
  for (int t = 0; t < EY_NTYPES; t++) words += c->dram_reads[t] + c->dram_writes[t];
  return words * (uint64_t)a->word_bits / 8u;
}
uint64_t ey_stat_glb_accesses(const ey_counts *c) {
  return sum3(c->glb_reads) + sum3(c->glb_writes);
}
uint64_t ey_stat_noc_transfers(const ey_counts *c) {
  return c->noc_ifmap + c->noc_filter + c->noc_psum_in + c->noc_psum_local + c->noc_psum_out;
}
uint64_t ey_stat_spad_accesses(const ey_counts *c) {
  return sum3(c->spad_reads) + sum3(c->spad_writes);
}
double ey_stat_ms(uint64_t cycles, const ey_arch *a) {
  return (double)cycles / ((double)a->core_mhz * 1e3);
}
double ey_stat_utilization(uint64_t macs, uint64_t cycles, uint64_t pes) {
  return cycles && pes ? (double)macs / ((double)cycles * (double)pes) : 0;
}

static double utilization(const ey_stat_src *s) {
  return ey_stat_utilization(
      s->c->macs, s->cycles,
      (uint64_t)s->arch->rows * (uint64_t)s->arch->cols * (uint64_t)s->arch->simd);
}
static double active_utilization(const ey_stat_src *s) {
  return ey_stat_utilization(s->c->macs, s->cycles,
                             (uint64_t)s->active_pes * (uint64_t)s->arch->simd);
}
static double time_ms(const ey_stat_src *s) {
  return ey_stat_ms(s->cycles, s->arch);
}
static uint64_t dram_bytes_raw(const ey_stat_src *s) {
  return ey_stat_dram_bytes(s->c, s->arch);
}
static double rlc_ratio(const ey_stat_src *s) {
  return s->dram_bytes_moved ? (double)dram_bytes_raw(s) / (double)s->dram_bytes_moved : 1.0;
}
static uint64_t glb_accesses(const ey_stat_src *s) {
  return ey_stat_glb_accesses(s->c);
}
static uint64_t noc_transfers(const ey_stat_src *s) {
  return ey_stat_noc_transfers(s->c);
}
static uint64_t spad_accesses(const ey_stat_src *s) {
  return ey_stat_spad_accesses(s->c);
}

/* ------------------------------------------------------------------ the descriptors */

#define COUNTS(field) .from = EY_SF_COUNTS, .off = offsetof(ey_counts, field)
#define SRC(field) .from = EY_SF_SRC, .off = offsetof(ey_stat_src, field)
#define CELL(w, p) .width = w, .prec = p
#define ACCESSES(level, rw, what)                                                   \
  .json = "accesses." #level "." #rw ".%s", .csv = #level "_%s_" #rw, .unit = what, \
  .kind = EY_SK_UINT, .over = EY_SO_TYPE, COUNTS(level##_##rw)
#define NOC(field, json_name, csv_name, what)                                           \
  .json = "accesses.noc." json_name, .csv = csv_name, .unit = what, .kind = EY_SK_UINT, \
  COUNTS(field)

const ey_stat ey_stats[EY_ST_COUNT] = {
    [EY_ST_ACTIVE_PES] = {.json = "active_pes",
                          .csv = "active_pes",
                          .head = "PEs",
                          .unit = "PEs the mapping uses",
                          .kind = EY_SK_INT,
                          SRC(active_pes),
                          .flags = EY_STAT_LAYER,
                          CELL(5, -1)},
    [EY_ST_UTILIZATION] = {.json = "utilization",
                           .json_total = "utilization",
                           .csv = "utilization",
                           .head = "util%",
                           .unit = "macs / (cycles x all PEs)",
                           .kind = EY_SK_REAL,
                           .from = EY_SF_FN,
                           .real = utilization,
                           CELL(6, 1),
                           .mul = 100},
    [EY_ST_ACTIVE_UTILIZATION] = {.json = "active_pe_utilization",
                                  .unit = "macs / (cycles x active PEs)",
                                  .kind = EY_SK_REAL,
                                  .from = EY_SF_FN,
                                  .real = active_utilization,
                                  .flags = EY_STAT_LAYER},
    [EY_ST_CYCLES] = {.json = "cycles",
                      .json_total = "cycles",
                      .csv = "cycles",
                      .head = "cycles",
                      .unit = "core cycles",
                      .kind = EY_SK_UINT,
                      SRC(cycles),
                      CELL(11, -1)},
    [EY_ST_ANALYTIC_CYCLES] = {.json_total = "analytic_cycles",
                               .csv = "analytic_cycles",
                               .head = "est.cycles",
                               .unit = "core cycles, estimated",
                               .kind = EY_SK_UINT,
                               SRC(analytic_cycles),
                               CELL(11, -1)},
    [EY_ST_TIME_MS] = {.json = "time_ms",
                       .json_total = "time_ms",
                       .csv = "time_ms",
                       .head = "ms",
                       .unit = "ms at clock.core_mhz",
                       .kind = EY_SK_REAL,
                       .from = EY_SF_FN,
                       .real = time_ms,
                       CELL(9, 3)},
    [EY_ST_MACS] = {.json = "macs",
                    .json_total = "macs",
                    .csv = "macs",
                    .head = "MACs(M)",
                    .unit = "MACs",
                    .kind = EY_SK_UINT,
                    COUNTS(macs),
                    CELL(9, 2),
                    .div = 1e6},
    [EY_ST_MACS_GATED] = {.json = "macs_gated",
                          .json_total = "macs_gated",
                          .csv = "macs_gated",
                          .unit = "MACs zero-gated",
                          .kind = EY_SK_UINT,
                          COUNTS(macs_gated)},
    [EY_ST_SPAD_READS] = {ACCESSES(spad, reads, "words")},
    [EY_ST_SPAD_WRITES] = {ACCESSES(spad, writes, "words")},
    [EY_ST_NOC_IFMAP] = {NOC(noc_ifmap, "ifmap_transfers", "noc_ifmap", "transfers")},
    [EY_ST_NOC_IFMAP_DELIVERED] = {NOC(noc_ifmap_delivered, "ifmap_delivered",
                                       "noc_ifmap_delivered", "words received by PEs")},
    [EY_ST_NOC_FILTER] = {NOC(noc_filter, "filter_transfers", "noc_filter", "transfers")},
    [EY_ST_NOC_FILTER_DELIVERED] = {NOC(noc_filter_delivered, "filter_delivered",
                                        "noc_filter_delivered", "words received by PEs")},
    [EY_ST_NOC_PSUM_IN] = {NOC(noc_psum_in, "psum_in_transfers", "noc_psum_in", "transfers")},
    [EY_ST_NOC_PSUM_LOCAL] = {NOC(noc_psum_local, "psum_local_transfers", "noc_psum_local",
                                  "transfers")},
    [EY_ST_NOC_PSUM_OUT] = {NOC(noc_psum_out, "psum_out_transfers", "noc_psum_out", "transfers")},
    [EY_ST_NOC_IFMAP_XBUSES] = {NOC(noc_ifmap_xbuses, "ifmap_xbuses", "noc_ifmap_xbuses",
                                    "X buses entered (multicast-bus)")},
    [EY_ST_NOC_FILTER_XBUSES] = {NOC(noc_filter_xbuses, "filter_xbuses", "noc_filter_xbuses",
                                     "X buses entered (multicast-bus)")},
    [EY_ST_NOC_IFMAP_LINKS_X] = {NOC(noc_ifmap_links_x, "ifmap_links_x", "noc_ifmap_links_x",
                                     "words x east-west links crossed (hierarchical-mesh)")},
    [EY_ST_NOC_IFMAP_LINKS_Y] = {NOC(noc_ifmap_links_y, "ifmap_links_y", "noc_ifmap_links_y",
                                     "words x north-south links crossed (hierarchical-mesh)")},
    [EY_ST_NOC_FILTER_LINKS] = {NOC(noc_filter_links, "filter_links", "noc_filter_links",
                                    "words x links crossed (hierarchical-mesh)")},
    [EY_ST_GLB_FILTER_BITS] = {.csv = "glb_filter_bits",
                               .unit =
                                   "bits of the GLB's filter staging region (glb.filter_region)",
                               .kind = EY_SK_UINT,
                               SRC(glb_filter_bits),
                               .flags = EY_STAT_LAYER},
    [EY_ST_GLB_READS] = {ACCESSES(glb, reads, "words")},
    [EY_ST_GLB_WRITES] = {ACCESSES(glb, writes, "words")},
    [EY_ST_DRAM_READS] = {ACCESSES(dram, reads, "words")},
    [EY_ST_DRAM_WRITES] = {ACCESSES(dram, writes, "words")},
    [EY_ST_DRAM_BYTES_RAW] = {.json = "accesses.dram.bytes",
                              .json_total = "dram_bytes_raw",
                              .csv = "dram_bytes",
                              .unit = "bytes of the DRAM words, uncoded",
                              .kind = EY_SK_UINT,
                              .from = EY_SF_FN,
                              .count = dram_bytes_raw},
    [EY_ST_DRAM_BYTES_MOVED] = {.json = "accesses.dram.bytes_moved",
                                .json_total = "dram_bytes",
                                .csv = "dram_bytes_moved",
                                .head = "DRAM KB",
                                .unit = "bytes that crossed the DRAM bus",
                                .kind = EY_SK_UINT,
                                SRC(dram_bytes_moved),
                                CELL(9, 1),
                                .div = 1e3},
    [EY_ST_RLC_RATIO] = {.json = "accesses.dram.rlc_ratio",
                         .head = "rlc",
                         .unit = "raw / moved DRAM bytes",
                         .kind = EY_SK_REAL,
                         .from = EY_SF_FN,
                         .real = rlc_ratio,
                         CELL(5, 2)},
    [EY_ST_GLB_ACCESSES] = {.json_total = "glb_accesses",
                            .head = "GLB Kacc",
                            .unit = "GLB word accesses",
                            .kind = EY_SK_UINT,
                            .from = EY_SF_FN,
                            .count = glb_accesses,
                            CELL(10, 1),
                            .div = 1e3},
    [EY_ST_NOC_TRANSFERS] = {.json_total = "noc_transfers",
                             .head = "NoC Kxfer",
                             .unit = "NoC transfers",
                             .kind = EY_SK_UINT,
                             .from = EY_SF_FN,
                             .count = noc_transfers,
                             CELL(10, 1),
                             .div = 1e3},
    [EY_ST_SPAD_ACCESSES] = {.json_total = "spad_accesses",
                             .head = "spad Macc",
                             .unit = "spad word accesses",
                             .kind = EY_SK_UINT,
                             .from = EY_SF_FN,
                             .count = spad_accesses,
                             CELL(10, 2),
                             .div = 1e6},
    [EY_ST_ENERGY_TOTAL] = {.json = "energy.total",
                            .json_total = "energy.total",
                            .csv = "energy_total",
                            .head = "energy(M)",
                            .unit = "energy in the arch's energy.unit",
                            .kind = EY_SK_REAL,
                            SRC(energy_total),
                            CELL(11, 2),
                            .div = 1e6},
    [EY_ST_ANALYTIC_ENERGY_TOTAL] = {.csv = "analytic_energy_total",
                                     .unit = "energy, estimated",
                                     .kind = EY_SK_REAL,
                                     SRC(analytic_energy_total)},
    [EY_ST_ENERGY_LEVEL] = {.json_total = "energy.%s",
                            .csv = "energy_%s",
                            .unit = "energy by level",
                            .kind = EY_SK_REAL,
                            .over = EY_SO_LEVEL,
                            SRC(level_energy)},
    [EY_ST_ENERGY_LEVEL_TYPE] = {.json = "energy.%s.%s",
                                 .unit = "energy by level and type",
                                 .kind = EY_SK_REAL,
                                 .over = EY_SO_LEVEL_TYPE,
                                 SRC(energy),
                                 .flags = EY_STAT_LAYER},
    [EY_ST_PE_CYCLES] = {.json = "pe_cycles.%s",
                         .json_total = "pe_cycles.%s",
                         .csv = "pe_%s",
                         .unit = "PE-cycles by class",
                         .kind = EY_SK_UINT,
                         .over = EY_SO_CLASS,
                         SRC(classes),
                         .flags = EY_STAT_ENGINE},
    [EY_ST_IFMAP_BUS_BLOCKED] = {.json = "stalls.ifmap_bus_blocked_cycles",
                                 .json_total = "ifmap_bus_blocked_cycles",
                                 .csv = "ifmap_bus_blocked",
                                 .unit = "cycles",
                                 .kind = EY_SK_UINT,
                                 SRC(ifmap_bus_blocked),
                                 .flags = EY_STAT_ENGINE},
    [EY_ST_DRAM_WAIT_CYCLES] = {.json = "stalls.dram_wait_cycles",
                                .json_total = "dram_wait_cycles",
                                .csv = "dram_wait_cycles",
                                .unit = "cycles",
                                .kind = EY_SK_UINT,
                                SRC(dram_wait_cycles),
                                .flags = EY_STAT_ENGINE},
    [EY_ST_GLB_CONFLICTS] = {.json = "stalls.glb_bank_conflicts",
                             .json_total = "glb_bank_conflicts",
                             .unit = "accesses",
                             .kind = EY_SK_UINT,
                             SRC(glb_conflicts),
                             .flags = EY_STAT_ENGINE},
    [EY_ST_PSUM_WRAPS] = {.json = "psum_wraps",
                          .json_total = "psum_wraps",
                          .csv = "psum_wraps",
                          .unit = "outputs whose psum overflowed data.psum_bits and wrapped",
                          .kind = EY_SK_UINT,
                          SRC(psum_wraps),
                          .flags = EY_STAT_ENGINE},
    [EY_ST_CHECKED] = {.json = "checked",
                       .csv = "checked",
                       .unit = "outputs equal the golden convolution",
                       .kind = EY_SK_BOOL,
                       SRC(checked),
                       .flags = EY_STAT_ENGINE},
    [EY_ST_LAYERS_CHECKED] = {.json_total = "layers_checked",
                              .unit = "layers",
                              .kind = EY_SK_INT,
                              SRC(layers_checked),
                              .flags = EY_STAT_ENGINE},
    [EY_ST_LAYERS_MAPPED] = {.json_total = "layers_mapped",
                             .unit = "layers",
                             .kind = EY_SK_INT,
                             SRC(layers_mapped)},
    [EY_ST_LAYERS_UNMAPPED] = {.json_total = "layers_unmapped",
                               .unit = "layers",
                               .kind = EY_SK_INT,
                               SRC(layers_unmapped)},
    [EY_ST_FPS] = {.json_total = "fps",
                   .unit = "frames/s: batch / time",
                   .kind = EY_SK_REAL,
                   SRC(fps)},
    [EY_ST_GOPS] = {.json_total = "gops",
                    .unit = "10^9 ops/s, 2 a MAC",
                    .kind = EY_SK_REAL,
                    SRC(gops)},
    [EY_ST_DRAM_BYTES_PER_IMAGE] = {.json_total = "dram_bytes_per_image",
                                    .unit = "bytes moved per image",
                                    .kind = EY_SK_REAL,
                                    SRC(dram_bytes_per_image)},
    [EY_ST_EYEXAM] = {.json = "eyexam.%s",
                      .csv = "eyexam_%s",
                      .unit = "MAC/cycle after each Eyexam step (docs/eyexam.md)",
                      .kind = EY_SK_REAL,
                      .over = EY_SO_EYEXAM,
                      SRC(eyexam),
                      .flags = EY_STAT_LAYER},
    [EY_ST_EYEXAM_BW] = {.json = "eyexam.bandwidth_by_level.%s",
                         .csv = "eyexam_bw_%s",
                         .unit = "MAC/cycle: a level's bandwidth x its operational intensity",
                         .kind = EY_SK_REAL,
                         .over = EY_SO_EYEXAM_BW,
                         SRC(eyexam_bw),
                         .flags = EY_STAT_LAYER},
};

/* ------------------------------------------------------------------ members and values */

int ey_stat_members(ey_stat_over over) {
  switch (over) {
    case EY_SO_TYPE:
      return EY_NTYPES;
    case EY_SO_LEVEL:
      return EY_NLEVELS;
    case EY_SO_CLASS:
      return EY_NCLASSES;
    case EY_SO_LEVEL_TYPE:
      return EY_NLEVELS * EY_NTYPES;
    case EY_SO_EYEXAM:
      return EY_EX_STEPS;
    case EY_SO_EYEXAM_BW:
      return EY_EXBW_LEVELS;
    default:
      return 1;
  }
}

/* The name of member k: `pat` with each "%s" replaced, in turn, by the names
 * of k's indices. */
static const char *member_name(const ey_stat *d, const char *pat, int k, char *buf, size_t cap) {
  const char *sub[2] = {NULL, NULL};
  if (d->over == EY_SO_TYPE) sub[0] = ey_type_names[k];
  if (d->over == EY_SO_LEVEL) sub[0] = ey_level_names[k];
  if (d->over == EY_SO_CLASS) sub[0] = ey_class_names[k];
  if (d->over == EY_SO_EYEXAM) sub[0] = ey_eyexam_names[k];
  if (d->over == EY_SO_EYEXAM_BW) sub[0] = ey_eyexam_bw_names[k];
  if (d->over == EY_SO_LEVEL_TYPE) {
    sub[0] = ey_level_names[k / EY_NTYPES];
    sub[1] = ey_type_names[k % EY_NTYPES];
  }
  if (!sub[0]) return pat;
  size_t n = 0;
  int used = 0;
  for (const char *p = pat; *p && n + 1 < cap; p++) {
    if (p[0] == '%' && p[1] == 's' && used < 2 && sub[used]) {
      for (const char *q = sub[used++]; *q && n + 1 < cap; q++) buf[n++] = *q;
      p++;
    } else {
      buf[n++] = *p;
    }
  }
  buf[n] = 0;
  return buf;
}

static uint64_t count_of(const ey_stat *d, const ey_stat_src *s, int k) {
  if (d->from == EY_SF_FN) return d->count(s);
  const char *base = d->from == EY_SF_COUNTS ? (const char *)s->c : (const char *)s;
  return ((const uint64_t *)(base + d->off))[k];
}

static double real_of(const ey_stat *d, const ey_stat_src *s, int k) {
  if (d->from == EY_SF_FN) return d->real(s);
  return ((const double *)((const char *)s + d->off))[k];
}

static int int_of(const ey_stat *d, const ey_stat_src *s, int k) {
  return ((const int *)((const char *)s + d->off))[k];
}

/* The figure is not there for s: a layer's in the totals, an engine's without it. */
static int blank(const ey_stat *d, const ey_stat_src *s) {
  return !s || ((d->flags & EY_STAT_LAYER) && s->total) ||
         ((d->flags & EY_STAT_ENGINE) && !s->engine);
}

/* One member of a list: a figure, or one of a family's. */
typedef struct member {
  const ey_stat *d;
  int k;
} member;

enum { MAX_MEMBERS = 256 };

/* The members of a list in order: a family's in turn, each followed by its
 * partner's. Returns how many (at most MAX_MEMBERS). */
static int members(const ey_stat_ref *list, int n, member *out) {
  int m = 0;
  for (int i = 0; i < n; i++) {
    const ey_stat *d = &ey_stats[list[i].id];
    const ey_stat *with = list[i].with ? &ey_stats[list[i].with] : NULL;
    for (int k = 0; k < ey_stat_members(d->over) && m + 2 <= MAX_MEMBERS; k++) {
      out[m++] = (member){d, k};
      if (with) out[m++] = (member){with, k};
    }
  }
  return m;
}

/* ------------------------------------------------------------------ JSON */

enum { JSON_DEPTH = 6, JSON_KEY = 64 };

/* The objects open in a list's JSON members, outermost first. */
typedef struct json_path {
  ey_json *j;
  int depth;
  char open[JSON_DEPTH][JSON_KEY];
} json_path;

/* Opens and closes objects so that `path`'s parents are open; returns its
 * last component, in leaf. */
static const char *json_enter(json_path *jp, const char *path, char *leaf) {
  char part[JSON_DEPTH + 1][JSON_KEY];
  int n = 0;
  for (const char *p = path; *p && n <= JSON_DEPTH;) {
    const char *dot = strchr(p, '.');
    size_t len = dot ? (size_t)(dot - p) : strlen(p);
    snprintf(part[n++], JSON_KEY, "%.*s", (int)len, p);
    p += len + (dot ? 1 : 0);
  }
  int keep = 0;
  while (keep < jp->depth && keep < n - 1 && !strcmp(jp->open[keep], part[keep])) keep++;
  for (; jp->depth > keep; jp->depth--) ey_json_obj_end(jp->j);
  for (; jp->depth < n - 1; jp->depth++) {
    ey_json_obj_begin(jp->j, part[jp->depth]);
    snprintf(jp->open[jp->depth], JSON_KEY, "%s", part[jp->depth]);
  }
  snprintf(leaf, JSON_KEY, "%s", part[n - 1]);
  return leaf;
}

static void json_value(ey_json *j, const char *key, const ey_stat *d, const ey_stat_src *s, int k) {
  switch (d->kind) {
    case EY_SK_UINT:
      ey_json_uint(j, key, count_of(d, s, k));
      break;
    case EY_SK_REAL:
      ey_json_real(j, key, real_of(d, s, k));
      break;
    case EY_SK_INT:
      ey_json_int(j, key, int_of(d, s, k));
      break;
    case EY_SK_BOOL:
      ey_json_bool(j, key, int_of(d, s, k));
      break;
  }
}

void ey_stat_json(ey_json *j, const ey_stat_ref *list, int n, const ey_stat_src *s) {
  member m[MAX_MEMBERS];
  const int nm = members(list, n, m);
  json_path jp = {j, 0, {{0}}};
  for (int i = 0; i < nm; i++) {
    const ey_stat *d = m[i].d;
    const char *pat = s->total ? d->json_total : d->json;
    if (!pat || blank(d, s)) continue;
    char name[128], leaf[JSON_KEY];
    json_enter(&jp, member_name(d, pat, m[i].k, name, sizeof name), leaf);
    json_value(j, leaf, d, s, m[i].k);
  }
  for (; jp.depth > 0; jp.depth--) ey_json_obj_end(j);
}

/* ------------------------------------------------------------------ CSV */

void ey_stat_csv_header(FILE *f, const ey_stat_ref *list, int n) {
  member m[MAX_MEMBERS];
  const int nm = members(list, n, m);
  for (int i = 0; i < nm; i++) {
    if (!m[i].d->csv) continue;
    char name[128];
    fprintf(f, ",%s", member_name(m[i].d, m[i].d->csv, m[i].k, name, sizeof name));
  }
}

int ey_stat_csv_columns(const ey_stat_ref *list, int n) {
  member m[MAX_MEMBERS];
  const int nm = members(list, n, m);
  int cols = 0;
  for (int i = 0; i < nm; i++) cols += m[i].d->csv != NULL;
  return cols;
}

void ey_stat_csv(FILE *f, const ey_stat_ref *list, int n, const ey_stat_src *s) {
  member m[MAX_MEMBERS];
  const int nm = members(list, n, m);
  for (int i = 0; i < nm; i++) {
    const ey_stat *d = m[i].d;
    if (!d->csv) continue;
    fputc(',', f);
    if (blank(d, s)) continue;
    if (d->kind == EY_SK_UINT)
      fprintf(f, "%llu", (unsigned long long)count_of(d, s, m[i].k));
    else if (d->kind == EY_SK_REAL)
      fprintf(f, "%.6f", real_of(d, s, m[i].k));
    else
      fprintf(f, "%d", int_of(d, s, m[i].k));
  }
}

/* ------------------------------------------------------------------ table */

void ey_stat_table_head(FILE *f, const ey_stat_ref *list, int n) {
  for (int i = 0; i < n; i++) {
    const ey_stat *d = &ey_stats[list[i].id];
    fprintf(f, "%s%*s", i ? " " : "", d->width, d->head);
  }
}

void ey_stat_table_row(FILE *f, const ey_stat_ref *list, int n, const ey_stat_src *s) {
  for (int i = 0; i < n; i++) {
    const ey_stat *d = &ey_stats[list[i].id];
    if (i) fputc(' ', f);
    if (blank(d, s)) {
      fprintf(f, "%*s", d->width, "");
    } else if (d->prec >= 0) {
      double v = d->kind == EY_SK_UINT ? (double)count_of(d, s, 0) : real_of(d, s, 0);
      fprintf(f, "%*.*f", d->width, d->prec, v * (d->mul ? d->mul : 1) / (d->div ? d->div : 1));
    } else if (d->kind == EY_SK_UINT) {
      fprintf(f, "%*llu", d->width, (unsigned long long)count_of(d, s, 0));
    } else {
      fprintf(f, "%*d", d->width, int_of(d, s, 0));
    }
  }
}
