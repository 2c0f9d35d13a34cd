/* report.c - table, JSON and CSV forms of a run's results. A layer's headline
 * figures are the cycle-level engine's when it ran and the mapper's analytic
 * estimate otherwise ("source" says which); the estimate is always given beside.
 * The figures themselves, their names in each form and their formats are the
 * descriptors of stats.c; this file lists which each form gives, in its order,
 * and writes what is not a figure (the run, the layer's shape and mapping). */
#include "sim/report/report.h"

#include <math.h>
#include <string.h>

#include "sim/base/json.h"
#include "sim/config/config.h"
#include "sim/report/netdata.h"
#include "sim/report/stats.h"

/* ------------------------------------------------------------------ what each form gives */

#define ONE(id) \
  { EY_ST_##id, EY_ST_NONE }
#define PAIR(id, with) \
  { EY_ST_##id, EY_ST_##with }
#define COUNT_OF(list) ((int)(sizeof list / sizeof list[0]))

/* The table's columns between the layer and its mapping. */
static const ey_stat_ref k_table[] = {ONE(MACS),
                                      ONE(ACTIVE_PES),
                                      ONE(UTILIZATION),
                                      ONE(CYCLES),
                                      ONE(ANALYTIC_CYCLES),
                                      ONE(TIME_MS),
                                      ONE(DRAM_BYTES_MOVED),
                                      ONE(RLC_RATIO),
                                      ONE(GLB_ACCESSES),
                                      ONE(NOC_TRANSFERS),
                                      ONE(SPAD_ACCESSES),
                                      ONE(ENERGY_TOTAL)};

/* The CSV's columns after the mapping, a layer's and the total's alike. */
static const ey_stat_ref k_csv[] = {ONE(ACTIVE_PES),
                                    ONE(UTILIZATION),
                                    ONE(CYCLES),
                                    ONE(ANALYTIC_CYCLES),
                                    ONE(TIME_MS),
                                    ONE(MACS),
                                    ONE(MACS_GATED),
                                    PAIR(SPAD_READS, SPAD_WRITES),
                                    ONE(NOC_IFMAP),
                                    ONE(NOC_FILTER),
                                    ONE(NOC_PSUM_IN),
                                    ONE(NOC_PSUM_LOCAL),
                                    ONE(NOC_PSUM_OUT),
                                    ONE(NOC_IFMAP_DELIVERED),
                                    ONE(NOC_FILTER_DELIVERED),
                                    ONE(NOC_IFMAP_XBUSES),
                                    ONE(NOC_FILTER_XBUSES),
                                    ONE(NOC_IFMAP_LINKS_X),
                                    ONE(NOC_IFMAP_LINKS_Y),
                                    ONE(NOC_FILTER_LINKS),
                                    ONE(GLB_FILTER_BITS),
                                    PAIR(GLB_READS, GLB_WRITES),
                                    PAIR(DRAM_READS, DRAM_WRITES),
                                    ONE(DRAM_BYTES_RAW),
                                    ONE(DRAM_BYTES_MOVED),
                                    ONE(ENERGY_TOTAL),
                                    ONE(ANALYTIC_ENERGY_TOTAL),
                                    ONE(ENERGY_LEVEL),
                                    ONE(PE_CYCLES),
                                    ONE(IFMAP_BUS_BLOCKED),
                                    ONE(DRAM_WAIT_CYCLES),
                                    ONE(PSUM_WRAPS),
                                    ONE(CHECKED),
                                    ONE(EYEXAM),
                                    ONE(EYEXAM_BW)};

/* A layer's JSON figures: measured (or estimated) and again under "analytic". */
static const ey_stat_ref k_json_figures[] = {ONE(CYCLES),
                                             ONE(TIME_MS),
                                             ONE(MACS),
                                             ONE(MACS_GATED),
                                             ONE(UTILIZATION),
                                             ONE(ACTIVE_UTILIZATION),
                                             ONE(SPAD_READS),
                                             ONE(SPAD_WRITES),
                                             ONE(NOC_IFMAP),
                                             ONE(NOC_IFMAP_DELIVERED),
                                             ONE(NOC_FILTER),
                                             ONE(NOC_FILTER_DELIVERED),
                                             ONE(NOC_PSUM_IN),
                                             ONE(NOC_PSUM_LOCAL),
                                             ONE(NOC_PSUM_OUT),
                                             ONE(NOC_IFMAP_XBUSES),
                                             ONE(NOC_FILTER_XBUSES),
                                             ONE(NOC_IFMAP_LINKS_X),
                                             ONE(NOC_IFMAP_LINKS_Y),
                                             ONE(NOC_FILTER_LINKS),
                                             ONE(GLB_READS),
                                             ONE(GLB_WRITES),
                                             ONE(DRAM_READS),
                                             ONE(DRAM_WRITES),
                                             ONE(DRAM_BYTES_RAW),
                                             ONE(DRAM_BYTES_MOVED),
                                             ONE(RLC_RATIO),
                                             ONE(ENERGY_TOTAL),
                                             ONE(ENERGY_LEVEL_TYPE)};

/* A layer's Eyexam bounds. */
static const ey_stat_ref k_json_eyexam[] = {ONE(EYEXAM), ONE(EYEXAM_BW)};

/* A simulated layer's engine figures, before its per-bank counts. */
static const ey_stat_ref k_json_engine[] = {ONE(PE_CYCLES), ONE(IFMAP_BUS_BLOCKED),
                                            ONE(DRAM_WAIT_CYCLES), ONE(GLB_CONFLICTS),
                                            ONE(PSUM_WRAPS)};
static const ey_stat_ref k_json_active_pes[] = {ONE(ACTIVE_PES)};
static const ey_stat_ref k_json_checked[] = {ONE(CHECKED)};

/* The JSON's "total". */
static const ey_stat_ref k_json_total[] = {ONE(LAYERS_MAPPED),
                                           ONE(LAYERS_UNMAPPED),
                                           ONE(CYCLES),
                                           ONE(ANALYTIC_CYCLES),
                                           ONE(TIME_MS),
                                           ONE(MACS),
                                           ONE(MACS_GATED),
                                           ONE(UTILIZATION),
                                           ONE(FPS),
                                           ONE(GOPS),
                                           ONE(DRAM_BYTES_MOVED),
                                           ONE(DRAM_BYTES_RAW),
                                           ONE(DRAM_BYTES_PER_IMAGE),
                                           ONE(GLB_ACCESSES),
                                           ONE(NOC_TRANSFERS),
                                           ONE(SPAD_ACCESSES),
                                           ONE(ENERGY_TOTAL),
                                           ONE(ENERGY_LEVEL),
                                           ONE(PE_CYCLES),
                                           ONE(IFMAP_BUS_BLOCKED),
                                           ONE(DRAM_WAIT_CYCLES),
                                           ONE(GLB_CONFLICTS),
                                           ONE(PSUM_WRAPS),
                                           ONE(LAYERS_CHECKED)};

/* A layer's shape and mapping: named integers, in JSON and CSV order. */
typedef struct int_field {
  const char *name;
  size_t off;
} int_field;

#define SHAPE(f) \
  { #f, offsetof(ey_layer, f) }
static const int_field k_shape[] = {SHAPE(N),   SHAPE(C),      SHAPE(M), SHAPE(H),
                                    SHAPE(W),   SHAPE(R),      SHAPE(S), SHAPE(stride),
                                    SHAPE(pad), SHAPE(groups), SHAPE(E), SHAPE(F)};
#define MAPPING(f) \
  { #f, offsetof(ey_mapping, f) }
static const int_field k_mapping[] = {MAPPING(n), MAPPING(p),  MAPPING(q), MAPPING(r), MAPPING(t),
                                      MAPPING(e), MAPPING(eg), MAPPING(m), MAPPING(g)};

static int field(const void *obj, const int_field *f) {
  return *(const int *)((const char *)obj + f->off);
}

/* ------------------------------------------------------------------ the figures */

static const char *objective_name(int o) {
  return o == EY_OBJ_CYCLES ? "cycles" : o == EY_OBJ_EDP ? "edp" : "energy";
}

static const char *source_name(const ey_report *r) {
  return r->engine ? "cycle-level" : "analytic";
}

uint64_t ey_cost_dram_bytes(const ey_cost *c, const ey_arch *a) {
  (void)a;
  return (c->dram_bits + 7) / 8;
}

static void sum_levels(ey_stat_src *s) {
  for (int lv = 0; lv < EY_NLEVELS; lv++)
    s->level_energy[lv] = s->energy[lv][0] + s->energy[lv][1] + s->energy[lv][2];
}

/* A layer's analytic estimate. */
static void analytic_src(const ey_layer_result *x, const ey_arch *a, ey_stat_src *s) {
  memset(s, 0, sizeof *s);
  s->arch = a;
  s->c = &x->cost.c;
  s->cycles = x->cost.cycles;
  s->analytic_cycles = x->cost.cycles;
  s->dram_bytes_moved = ey_cost_dram_bytes(&x->cost, a); /* RLC-coded at the expected size */
  s->energy_total = x->cost.energy_total;
  s->analytic_energy_total = x->cost.energy_total;
  memcpy(s->energy, x->cost.energy, sizeof s->energy);
  sum_levels(s);
  s->active_pes = x->cost.active_pes;
  s->glb_filter_bits = x->cost.glb_filter_bits;
}

/* A mapped layer's headline figures: measured when it was simulated. */
static void layer_src(const ey_layer_result *x, const ey_arch *a, ey_stat_src *s) {
  analytic_src(x, a, s);
  if (!x->simulated) return;
  const ey_meas *ms = &x->meas;
  s->engine = 1;
  s->c = &ms->c;
  s->cycles = ms->cycles;
  s->dram_bytes_moved = 0;
  for (int t = 0; t < EY_NTYPES; t++) s->dram_bytes_moved += ms->dram_bits[t] / 8u;
  s->energy_total = x->meas_energy_total;
  memcpy(s->energy, x->meas_energy, sizeof s->energy);
  sum_levels(s);
  memcpy(s->classes, ms->classes, sizeof s->classes);
  s->ifmap_bus_blocked = ms->ifmap_bus_blocked;
  s->dram_wait_cycles = ms->dram_wait_cycles;
  s->glb_conflicts = ms->glb_conflicts;
  s->psum_wraps = ms->psum_wraps;
  s->checked = ms->checked;
}

/* The layer's Eyexam bounds, after layer_src filled s (its cycles are the
 * measured ones when it was simulated, with the bits that crossed the DRAM bus;
 * else the estimate's, with the bits it expects). Returns what ey_eyexam_bounds()
 * does. */
static ey_rc layer_eyexam(const ey_layer_result *x, const ey_arch *a, const ey_stat_src *s,
                          ey_eyexam *ex) {
  uint64_t moved = x->cost.dram_bits;
  if (x->simulated) {
    moved = 0;
    for (int t = 0; t < EY_NTYPES; t++) moved += x->meas.dram_bits[t];
  }
  return ey_eyexam_bounds(x->layer, a, &x->map, &x->cost, s->cycles, moved, ex);
}

/* Fills s's Eyexam figures (left zero when the layer has no legal placement). */
static void eyexam_src(const ey_layer_result *x, const ey_arch *a, ey_stat_src *s) {
  ey_eyexam ex;
  if (layer_eyexam(x, a, s, &ex) == EY_OK) {
    memcpy(s->eyexam, ex.bound, sizeof s->eyexam);
    memcpy(s->eyexam_bw, ex.level_bound, sizeof s->eyexam_bw);
  }
}

/* The totals, as figures. */
static void totals_src(const ey_report *r, const ey_totals *t, ey_stat_src *s) {
  memset(s, 0, sizeof *s);
  s->arch = r->arch;
  s->total = 1;
  s->engine = r->engine != NULL; /* then every mapped layer is simulated */
  s->c = &t->counts;
  s->cycles = t->cycles;
  s->analytic_cycles = t->analytic_cycles;
  s->dram_bytes_moved = t->dram_bytes;
  s->energy_total = t->energy_total;
  s->analytic_energy_total = t->analytic_energy_total;
  memcpy(s->level_energy, t->energy, sizeof s->level_energy);
  memcpy(s->classes, t->classes, sizeof s->classes);
  s->ifmap_bus_blocked = t->ifmap_bus_blocked;
  s->dram_wait_cycles = t->dram_wait_cycles;
  s->glb_conflicts = t->glb_conflicts;
  s->psum_wraps = t->psum_wraps;
  s->checked = t->checked == t->mapped && r->engine && r->engine->check;
  s->layers_checked = t->checked;
  s->layers_mapped = t->mapped;
  s->layers_unmapped = t->unmapped;
  s->fps = t->fps;
  s->gops = t->gops;
  s->dram_bytes_per_image = t->dram_bytes_per_image;
}

static void counts_add(ey_counts *s, const ey_counts *c) {
  s->macs += c->macs;
  s->macs_gated += c->macs_gated;
  for (int t = 0; t < EY_NTYPES; t++) {
    s->spad_reads[t] += c->spad_reads[t];
    s->spad_writes[t] += c->spad_writes[t];
    s->glb_reads[t] += c->glb_reads[t];
    s->glb_writes[t] += c->glb_writes[t];
    s->dram_reads[t] += c->dram_reads[t];
    s->dram_writes[t] += c->dram_writes[t];
  }
  s->noc_ifmap += c->noc_ifmap;
  s->noc_ifmap_delivered += c->noc_ifmap_delivered;
  s->noc_filter += c->noc_filter;
  s->noc_filter_delivered += c->noc_filter_delivered;
  s->noc_psum_in += c->noc_psum_in;
  s->noc_psum_local += c->noc_psum_local;
  s->noc_psum_out += c->noc_psum_out;
  s->noc_ifmap_xbuses += c->noc_ifmap_xbuses;
  s->noc_filter_xbuses += c->noc_filter_xbuses;
  s->noc_ifmap_links_x += c->noc_ifmap_links_x;
  s->noc_ifmap_links_y += c->noc_ifmap_links_y;
  s->noc_filter_links += c->noc_filter_links;
}

void ey_report_totals(const ey_report *r, ey_totals *t) {
  memset(t, 0, sizeof *t);
  const ey_arch *a = r->arch;
  for (int i = 0; i < r->nlayers; i++) {
    const ey_layer_result *x = &r->res[i];
    if (!x->mapped) {
      t->unmapped++;
      continue;
    }
    ey_stat_src f;
    layer_src(x, a, &f);
    t->mapped++;
    t->cycles += f.cycles;
    t->analytic_cycles += x->cost.cycles;
    t->analytic_energy_total += x->cost.energy_total;
    counts_add(&t->counts, f.c);
    t->dram_bytes += f.dram_bytes_moved;
    for (int lv = 0; lv < EY_NLEVELS; lv++) t->energy[lv] += f.level_energy[lv];
    t->energy_total += f.energy_total;
    if (x->simulated) {
      for (int c = 0; c < EY_NCLASSES; c++) t->classes[c] += x->meas.classes[c];
      t->ifmap_bus_blocked += x->meas.ifmap_bus_blocked;
      t->dram_wait_cycles += x->meas.dram_wait_cycles;
      t->glb_conflicts += x->meas.glb_conflicts;
      t->psum_wraps += x->meas.psum_wraps;
      t->checked += x->meas.checked;
    }
  }
  /* What follows from the summed counts. */
  t->macs = t->counts.macs;
  t->macs_gated = t->counts.macs_gated;
  t->dram_bytes_raw = ey_stat_dram_bytes(&t->counts, a);
  t->glb_accesses = ey_stat_glb_accesses(&t->counts);
  t->noc_transfers = ey_stat_noc_transfers(&t->counts);
  t->spad_accesses = ey_stat_spad_accesses(&t->counts);
  t->time_ms = ey_stat_ms(t->cycles, a);
  double secs = t->time_ms / 1e3;
  t->fps = secs > 0 ? (double)r->net->batch / secs : 0;
  t->gops = secs > 0 ? 2.0 * (double)t->macs / secs / 1e9 : 0;
  t->utilization = ey_stat_utilization(t->macs, t->cycles,
                                       (uint64_t)a->rows * (uint64_t)a->cols * (uint64_t)a->simd);
  t->dram_bytes_per_image = (double)t->dram_bytes / r->net->batch;
}

/* ------------------------------------------------------------------ table */

static const char *energy_unit_label(const ey_arch *a) {
  return a->energy_unit == EY_UNIT_PJ ? "uJ" : "M MAC-eq";
}

/* The width of the layer column: every layer of the network, whether or not
 * the report holds it, so that the rows of a table printed as layers finish line
 * up with its header. */
static int name_width(const ey_report *r) {
  int w = 5;
  for (int i = 0; i < r->net->nlayers; i++) w = EY_MAX(w, (int)strlen(r->net->layers[i].name));
  return w;
}

void ey_report_table_head(const ey_report *r, FILE *f) {
  const ey_arch *a = r->arch;
  const ey_net *net = r->net;
  if (r->engine) {
    /* Where the activations come from: the seeded generator's zeros, or the
     * trace, for every layer or some (the others synthetic). */
    char from[EY_ERR_MAX], zeros[64];
    int profile = 0;
    for (int i = 0; i < net->nlayers; i++) profile |= net->layers[i].zeros_given;
    if (r->engine->zeros >= 0 || !profile)
      snprintf(zeros, sizeof zeros, "%.2f zeros",
               ey_layer_zeros(&net->layers[0], r->engine->zeros));
    else
      snprintf(zeros, sizeof zeros, "zeros from the network's profile");
    if (r->data && ey_netdata_chained(r->data))
      snprintf(from, sizeof from, "the whole network on weights from %s, input %s",
               ey_netdata_weights(r->data),
               ey_netdata_input(r->data) ? ey_netdata_input(r->data) : "seeded");
    else if (!r->activations)
      snprintf(from, sizeof from, "%s", zeros);
    else if (r->activation_layers == net->nlayers)
      snprintf(from, sizeof from, "activations from %s", r->activations);
    else
      snprintf(from, sizeof from,
               "activations from %s for %d of %d layers, the others synthetic "
               "with %s",
               r->activations, r->activation_layers, net->nlayers, zeros);
    fprintf(
        f, "eyesim " EY_VERSION_STRING " - cycle-level simulation (%s stepping, seed %llu, %s)%s\n",
        r->engine->step == EY_STEP_EXACT ? "exact" : "fast", (unsigned long long)r->engine->seed,
        from, r->engine->check ? ", outputs checked against the golden convolution" : "");
    if (r->data && !ey_netdata_chained(r->data))
      fprintf(f, "weights from %s\n", ey_netdata_weights(r->data));
  } else
    fprintf(f, "eyesim " EY_VERSION_STRING
               " - analytic estimate from the mapper's cost model (no cycle-level simulation)\n");
  fprintf(f, "arch  %s: %dx%d PEs at %d MHz, GLB %d KiB, DRAM %d b at %d MHz\n", a->name, a->rows,
          a->cols, a->core_mhz, a->glb_kb, a->dram_bus_bits, a->dram_mhz);
  fprintf(f, "net   %s, batch %d, %d layer%s; mappings from %s, objective %s\n\n", net->name,
          net->batch, net->nlayers, net->nlayers == 1 ? "" : "s", r->mapping_from,
          objective_name(r->objective));
  fprintf(f, "%-*s  ", name_width(r), "layer");
  ey_stat_table_head(f, k_table, COUNT_OF(k_table));
  fputs("  mapping", f);
  for (int k = 0; k < COUNT_OF(k_mapping); k++) fprintf(f, " %s", k_mapping[k].name);
  fputc('\n', f);
}

void ey_report_table_row(const ey_report *r, int i, FILE *f) {
  const ey_layer_result *x = &r->res[i];
  fprintf(f, "%-*s  ", name_width(r), x->layer->name);
  if (!x->mapped) {
    fprintf(f, "cannot map: %s\n", x->why);
    return;
  }
  ey_stat_src s;
  layer_src(x, r->arch, &s);
  ey_stat_table_row(f, k_table, COUNT_OF(k_table), &s);
  for (int k = 0; k < COUNT_OF(k_mapping); k++)
    fprintf(f, "%s%d", k ? " " : "  ", field(&x->map, &k_mapping[k]));
  fputc('\n', f);
}

int ey_report_lists_host_nodes(const ey_report *r) {
  const ey_net *net = r->net;
  if (r->stopped || net->independent || r->nlayers != net->nlayers) return 0;
  int layers = 0;
  for (int i = 0; i < net->nnodes; i++) layers += EY_NODE_IS_LAYER(net->nodes[i].l.type);
  return layers == net->nlayers && net->nnodes > layers;
}

static uint64_t shape_values(int n, int c, int h, int w) {
  const uint64_t f[4] = {(uint64_t)n, (uint64_t)c, (uint64_t)h, (uint64_t)w};
  return ey_mul_n(f, 4);
}

uint64_t ey_host_node_dram_bytes(const ey_net *net, const ey_node *x, const ey_arch *a) {
  uint64_t values = shape_values(net->batch, x->outC, x->outH, x->outW);
  for (int k = 0; k < x->ninputs; k++) {
    const int j = x->inputs[k];
    values = ey_sat_add(values, j == EY_NET_INPUT
                                    ? shape_values(net->batch, net->inC, net->inH, net->inW)
                                    : shape_values(net->batch, net->nodes[j].outC,
                                                   net->nodes[j].outH, net->nodes[j].outW));
  }
  uint64_t bits;
  if (values == UINT64_MAX || ey_mul_overflow(values, (uint64_t)a->word_bits, &bits))
    return UINT64_MAX;
  return bits / 8;
}

/* The DRAM bytes of every host node (UINT64_MAX when they do not fit 64 bits),
 * and per_type (may be NULL) their count by type. */
static uint64_t host_dram_total(const ey_report *r, int *per_type) {
  uint64_t bytes = 0;
  for (int i = 0; i < r->net->nnodes; i++) {
    const ey_node *x = &r->net->nodes[i];
    if (EY_NODE_IS_LAYER(x->l.type)) continue;
    if (per_type) per_type[x->l.type]++;
    bytes = ey_sat_add(bytes, ey_host_node_dram_bytes(r->net, x, r->arch));
  }
  return bytes;
}

/* A byte count that may be UINT64_MAX (too many to count): null. */
static void json_bytes(ey_json *j, const char *key, uint64_t b) {
  if (b == UINT64_MAX)
    ey_json_real(j, key, NAN);
  else
    ey_json_uint(j, key, b);
}

/* "host nodes: 3 maxpool, 16 add; no array cycles; 12.345 MB of DRAM traffic". */
static void host_nodes_line(const ey_report *r, FILE *f) {
  if (!ey_report_lists_host_nodes(r)) return;
  int per_type[EY_NODE_TYPES] = {0};
  const uint64_t bytes = host_dram_total(r, per_type);
  fputs("host nodes:", f);
  int any = 0;
  for (int ty = EY_NODE_MAXPOOL; ty < EY_NODE_TYPES; ty++)
    if (per_type[ty]) fprintf(f, "%s %d %s", any++ ? "," : "", per_type[ty], ey_node_type_name(ty));
  if (bytes == UINT64_MAX)
    fputs("; no array cycles; more than 2^64 bytes of DRAM traffic\n", f);
  else
    fprintf(f, "; no array cycles; %.3f MB of DRAM traffic (inputs read, outputs written)\n",
            (double)bytes / 1e6);
}

void ey_report_table_foot(const ey_report *r, FILE *f) {
  const ey_arch *a = r->arch;
  const ey_net *net = r->net;
  ey_totals t;
  ey_report_totals(r, &t);
  ey_stat_src s;
  totals_src(r, &t, &s);
  fprintf(f, "%-*s  ", name_width(r), "total");
  ey_stat_table_row(f, k_table, COUNT_OF(k_table), &s);
  fputs("\n\n", f);
  fprintf(f,
          "per batch of %d: %.3f ms, %.1f frames/s, %.1f GOPS, %.3f MB of DRAM traffic per image\n",
          net->batch, t.time_ms, t.fps, t.gops, t.dram_bytes_per_image / 1e6);
  fprintf(f, "energy %.4g %s:", t.energy_total / 1e6, energy_unit_label(a));
  for (int lv = 0; lv < EY_NLEVELS; lv++)
    fprintf(f, " %s %.1f%%", ey_level_names[lv],
            t.energy_total > 0 ? 100.0 * t.energy[lv] / t.energy_total : 0.0);
  fputc('\n', f);
  host_nodes_line(r, f);
  if (r->engine && t.cycles) {
    uint64_t all = 0;
    for (int c = 0; c < EY_NCLASSES; c++) all += t.classes[c];
    fprintf(f, "PE-cycles:");
    for (int c = 0; c < EY_NCLASSES; c++)
      fprintf(f, " %s %.1f%%", ey_class_names[c],
              all ? 100.0 * (double)t.classes[c] / (double)all : 0.0);
    fprintf(f, "\nstalls: ifmap bus blocked %llu cycles, waiting for DRAM %llu cycles\n",
            (unsigned long long)t.ifmap_bus_blocked, (unsigned long long)t.dram_wait_cycles);
    /* Not cycles: accesses, several of which may wait in one cycle. */
    fprintf(f, "GLB bank conflicts: %llu accesses waited for a bank port\n",
            (unsigned long long)t.glb_conflicts);
    if (t.psum_wraps) /* the arithmetic's, not an error: but say so */
      fprintf(f,
              "psum overflow: %llu outputs' psums passed %d bits and wrapped (data.psum_bits; "
              "docs/engine.md, Arithmetic)\n",
              (unsigned long long)t.psum_wraps, r->arch->psum_bits);
    if (r->engine->check)
      fprintf(f, "check: %d of %d layers equal the golden convolution in every output\n", t.checked,
              t.mapped);
    if (r->activations) {
      fprintf(f, "activations replayed from %s:", r->activations);
      int any = 0;
      for (int i = 0; i < r->nlayers; i++)
        if (r->res[i].replayed) fprintf(f, "%s %s", any++ ? "," : "", r->res[i].layer->name);
      fprintf(f, "%s\n",
              !any             ? " none (no tensor matched a layer)"
              : any < t.mapped ? " (the others synthetic)"
                               : "");
    }
  }
  if (t.unmapped)
    fprintf(f, "%d of %d layers could not map; the totals cover the other %d.\n", t.unmapped,
            r->nlayers, t.mapped);
  if (r->stopped)
    fprintf(f, "stopped after %d of %d layers; the table and the totals cover those.\n", r->nlayers,
            net->nlayers);
}

void ey_report_eyexam_table(const ey_report *r, FILE *f) {
  int w = 5;
  for (int i = 0; i < r->nlayers; i++) w = EY_MAX(w, (int)strlen(r->res[i].layer->name));
  fprintf(f, "\neyexam: MAC/cycle after each step, each bounding the next (docs/eyexam.md)\n");
  fprintf(f, "%-*s %11s %11s %8s %8s %8s %9s %9s  %s\n", w, "layer", "workload", "dataflow", "PEs",
          "array", "storage", "bandwidth", r->engine ? "measured" : "estimate", "bandwidth limit");
  for (int i = 0; i < r->nlayers; i++) {
    const ey_layer_result *x = &r->res[i];
    fprintf(f, "%-*s", w, x->layer->name);
    ey_stat_src s;
    ey_eyexam ex;
    if (!x->mapped) {
      fprintf(f, "  (not mapped)\n");
      continue;
    }
    layer_src(x, r->arch, &s);
    if (layer_eyexam(x, r->arch, &s, &ex) != EY_OK) {
      fprintf(f, "  (no legal placement)\n");
      continue;
    }
    fprintf(f, " %11.4g %11.4g %8.1f %8.1f %8.1f %9.1f %9.1f  %s\n", ex.bound[EY_EX_WORKLOAD],
            ex.bound[EY_EX_DATAFLOW], ex.bound[EY_EX_PES], ex.bound[EY_EX_ARRAY],
            ex.bound[EY_EX_STORAGE], ex.bound[EY_EX_BANDWIDTH], ex.bound[EY_EX_MEASURED],
            ex.level_bound[ex.limit] < EY_MIN(ex.bound[EY_EX_STORAGE], ex.mapping_bound)
                ? ey_eyexam_bw_names[ex.limit]
                : "-");
  }
}

void ey_report_table(const ey_report *r, FILE *f) {
  ey_report_table_head(r, f);
  for (int i = 0; i < r->nlayers; i++) ey_report_table_row(r, i, f);
  ey_report_table_foot(r, f);
}

/* ------------------------------------------------------------------ JSON */

/* The shape, and the zero fraction of the input: --zeros when given, else the
 * network's profile (what synthetic activations have). */
static void json_shape(ey_json *j, const ey_report *r, const ey_layer *l) {
  ey_json_obj_begin(j, "shape");
  ey_json_str(j, "type", ey_node_type_name(l->type));
  for (int k = 0; k < COUNT_OF(k_shape); k++)
    ey_json_int(j, k_shape[k].name, field(l, &k_shape[k]));
  ey_json_bool(j, "relu", l->relu);
  ey_json_real(j, "zeros", ey_layer_zeros(l, r->engine ? r->engine->zeros : -1));
  ey_json_obj_end(j);
}

/* What only the engine measures of a layer. */
static void json_engine(ey_json *j, const ey_report *r, const ey_layer_result *x,
                        const ey_stat_src *s) {
  const ey_meas *ms = &x->meas;
  ey_stat_json(j, k_json_engine, COUNT_OF(k_json_engine), s);
  /* Words per bank as [ifmap, filter, psum] (a 32-bit psum is two words); past
   * EY_MEAS_BANKS banks, per run of banks_per_entry banks. */
  ey_json_obj_begin(j, "glb_banks");
  ey_json_int(j, "banks_per_entry", ms->glb_banks_per_entry);
  for (int rw = 0; rw < 2; rw++) {
    ey_json_arr_begin(j, rw ? "writes" : "reads");
    for (int b = 0; b < ey_meas_bank_entries(ms); b++) {
      const uint64_t *v = rw ? ms->glb_bank_writes[b] : ms->glb_bank_reads[b];
      char buf[96];
      snprintf(buf, sizeof buf, "[%llu, %llu, %llu]", (unsigned long long)v[0],
               (unsigned long long)v[1], (unsigned long long)v[2]);
      ey_json_raw(j, NULL, buf);
    }
    ey_json_arr_end(j);
  }
  ey_json_obj_end(j);
  /* Psum transfers (GIN, local links, GON) are all unicasts: see accesses.noc. */
  ey_json_obj_begin(j, "noc_casts");
  ey_json_uint(j, "ifmap_multicasts", ms->ifmap_multicasts);
  ey_json_uint(j, "ifmap_unicasts", ms->ifmap_unicasts);
  ey_json_uint(j, "filter_multicasts", ms->filter_multicasts);
  ey_json_uint(j, "filter_unicasts", ms->filter_unicasts);
  ey_json_uint(j, "ifmap_bus_blocked_cycles", ms->ifmap_bus_blocked);
  ey_json_obj_end(j);
  if (s->arch->noc_impl == EY_NOC_HMESH) { /* docs/mesh.md */
    ey_json_obj_begin(j, "noc_mesh");
    ey_json_int(j, "ifmap_regions_max", ms->mesh_regions_max);
    ey_json_int(j, "ifmap_routers_sending_max", ms->mesh_ifmap_streams_max);
    static const char *const nets[2] = {"ifmap_routers", "weight_routers"};
    for (int k = 0; k < 2; k++) {
      ey_json_obj_begin(j, nets[k]);
      ey_json_int(j, "used", ms->mesh_routers_used[k]);
      ey_json_uint(j, "words", ms->mesh_router_words[k]);
      ey_json_uint(j, "words_max", ms->mesh_router_words_max[k]);
      ey_json_int(j, "links_used", ms->mesh_links_used[k]);
      ey_json_uint(j, "link_words_max", ms->mesh_link_words_max[k]);
      ey_json_obj_end(j);
    }
    ey_json_obj_end(j);
  }
  ey_stat_json(j, k_json_checked, COUNT_OF(k_json_checked), s);
  ey_json_str(j, "activations",
              x->replayed                              ? "trace"
              : r->data && ey_netdata_chained(r->data) ? "network"
                                                       : "synthetic");
}

static void json_layer(ey_json *j, const ey_report *r, const ey_layer_result *x) {
  ey_json_obj_begin(j, NULL);
  ey_json_str(j, "name", x->layer->name);
  json_shape(j, r, x->layer);
  ey_json_bool(j, "mapped", x->mapped);
  if (!x->mapped) {
    ey_json_str(j, "error", x->why);
    ey_json_obj_end(j);
    return;
  }
  const ey_cost *c = &x->cost;
  ey_json_obj_begin(j, "mapping");
  for (int k = 0; k < COUNT_OF(k_mapping); k++)
    ey_json_int(j, k_mapping[k].name, field(&x->map, &k_mapping[k]));
  ey_json_obj_end(j);
  ey_stat_src s;
  layer_src(x, r->arch, &s);
  ey_stat_json(j, k_json_active_pes, COUNT_OF(k_json_active_pes), &s);
  ey_json_uint(j, "passes", c->passes);
  ey_json_obj_begin(j, "glb_tiles_bits");
  ey_json_uint(j, "ifmap", c->glb_ifmap_bits);
  ey_json_uint(j, "psum", c->glb_psum_bits);
  ey_json_uint(j, "filter", c->glb_filter_bits);
  ey_json_obj_end(j);
  ey_stat_json(j, k_json_figures, COUNT_OF(k_json_figures), &s);
  eyexam_src(x, r->arch, &s);
  ey_stat_json(j, k_json_eyexam, COUNT_OF(k_json_eyexam), &s);
  if (x->simulated) json_engine(j, r, x, &s);
  ey_json_obj_begin(j, "analytic");
  analytic_src(x, r->arch, &s);
  ey_stat_json(j, k_json_figures, COUNT_OF(k_json_figures), &s);
  ey_json_obj_begin(j, "cycle_parts");
  ey_json_uint(j, "pass_cycles", c->pass_cycles);
  ey_json_uint(j, "load_cycles", c->load_cycles);
  ey_json_uint(j, "dram_cycles", c->dram_cycles);
  ey_json_uint(j, "dram_exposed_cycles", c->dram_exposed_cycles);
  ey_json_obj_end(j);
  ey_json_obj_end(j);
  ey_json_obj_end(j);
}

/* "host_nodes": every host node of a whole-network run (docs/graphs.md), with
 * its inputs, output shape and DRAM traffic; no array cycles. */
static void json_host_nodes(ey_json *j, const ey_report *r) {
  const ey_net *net = r->net;
  const int listed = ey_report_lists_host_nodes(r);
  ey_json_arr_begin(j, "host_nodes");
  for (int i = 0; listed && i < net->nnodes; i++) {
    const ey_node *x = &net->nodes[i];
    if (EY_NODE_IS_LAYER(x->l.type)) continue;
    ey_json_obj_begin(j, NULL);
    ey_json_str(j, "name", x->l.name);
    ey_json_str(j, "type", ey_node_type_name(x->l.type));
    ey_json_arr_begin(j, "inputs");
    for (int k = 0; k < x->ninputs; k++)
      ey_json_str(j, NULL,
                  x->inputs[k] == EY_NET_INPUT ? "input" : net->nodes[x->inputs[k]].l.name);
    ey_json_arr_end(j);
    ey_json_obj_begin(j, "output");
    ey_json_int(j, "C", x->outC);
    ey_json_int(j, "H", x->outH);
    ey_json_int(j, "W", x->outW);
    ey_json_obj_end(j);
    ey_json_bool(j, "relu", x->l.relu);
    json_bytes(j, "dram_bytes", ey_host_node_dram_bytes(net, x, r->arch));
    ey_json_obj_end(j);
  }
  ey_json_arr_end(j);
  json_bytes(j, "host_dram_bytes", listed ? host_dram_total(r, NULL) : 0);
}

void ey_report_json(const ey_report *r, FILE *f) {
  ey_json j;
  ey_json_init(&j, f);
  ey_json_obj_begin(&j, NULL);
  ey_report_json_members(r, &j);
  ey_json_obj_end(&j);
  ey_json_finish(&j);
}

void ey_report_json_members(const ey_report *r, ey_json *j) {
  ey_json_obj_begin(j, "eyesim");
  ey_json_str(j, "version", EY_VERSION_STRING);
  ey_json_int(j, "report_schema", EY_REPORT_SCHEMA);
  ey_json_obj_end(j);
  if (r->stopped) { /* a stopped run: the layers done before it stopped */
    ey_json_bool(j, "complete", 0);
    ey_json_int(j, "layers_done", r->nlayers);
    ey_json_int(j, "layers_total", r->net->nlayers);
  }
  ey_json_str(j, "source", source_name(r));
  ey_json_str(j, "objective", objective_name(r->objective));
  if (r->engine) {
    ey_json_obj_begin(j, "simulation");
    ey_json_str(j, "stepping", r->engine->step == EY_STEP_EXACT ? "exact" : "fast");
    ey_json_uint(j, "seed", r->engine->seed);
    ey_json_real(j, "zeros", r->engine->zeros);
    ey_json_bool(j, "check", r->engine->check);
    if (r->activations) ey_json_str(j, "activations", r->activations);
    if (r->data) {
      ey_json_str(j, "weights", ey_netdata_weights(r->data));
      ey_json_bool(j, "whole_network", ey_netdata_chained(r->data));
      if (ey_netdata_input(r->data)) ey_json_str(j, "input", ey_netdata_input(r->data));
    }
    ey_json_obj_end(j);
  }
  ey_json_obj_begin(j, "arch");
  ey_schema_write_json(ey_arch_schema(), r->arch, j);
  ey_json_obj_end(j);
  ey_json_obj_begin(j, "net");
  ey_json_str(j, "name", r->net->name);
  ey_json_int(j, "batch", r->net->batch);
  ey_json_obj_end(j);
  ey_json_arr_begin(j, "layers");
  for (int i = 0; i < r->nlayers; i++) json_layer(j, r, &r->res[i]);
  ey_json_arr_end(j);
  ey_totals t;
  ey_report_totals(r, &t);
  ey_stat_src s;
  totals_src(r, &t, &s);
  ey_json_obj_begin(j, "total");
  ey_stat_json(j, k_json_total, COUNT_OF(k_json_total), &s);
  ey_json_obj_end(j);
  json_host_nodes(j, r);
}

/* ------------------------------------------------------------------ CSV */

void ey_csv_field(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\n")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

/* The columns before the shape, and the last one. */
static const char k_csv_head[] = "arch,net,batch,layer,mapped,source";
enum { CSV_HEAD_COLUMNS = 6 };

void ey_report_csv_header(FILE *f) {
  fputs(k_csv_head, f);
  for (int k = 0; k < COUNT_OF(k_shape); k++) fprintf(f, ",%s", k_shape[k].name);
  for (int k = 0; k < COUNT_OF(k_mapping); k++) fprintf(f, ",%s", k_mapping[k].name);
  ey_stat_csv_header(f, k_csv, COUNT_OF(k_csv));
  fputs(",error\n", f);
}

int ey_report_csv_columns(void) {
  return CSV_HEAD_COLUMNS + COUNT_OF(k_shape) + COUNT_OF(k_mapping) +
         ey_stat_csv_columns(k_csv, COUNT_OF(k_csv)) + 1;
}

/* arch,net,batch, */
static void csv_run(FILE *f, const char *arch, const char *net, int batch) {
  ey_csv_field(f, arch);
  fputc(',', f);
  ey_csv_field(f, net);
  fprintf(f, ",%d,", batch);
}

static void csv_end(FILE *f, const char *error) {
  fputc(',', f);
  ey_csv_field(f, error ? error : "");
  fputc('\n', f);
}

void ey_report_csv_layer(const ey_report *r, int i, FILE *f) {
  const ey_layer_result *x = &r->res[i];
  const ey_layer *l = x->layer;
  csv_run(f, r->arch->name, r->net->name, r->net->batch);
  ey_csv_field(f, l->name);
  fprintf(f, ",%d,%s", x->mapped, source_name(r));
  for (int k = 0; k < COUNT_OF(k_shape); k++) fprintf(f, ",%d", field(l, &k_shape[k]));
  ey_stat_src s;
  if (x->mapped) {
    layer_src(x, r->arch, &s);
    eyexam_src(x, r->arch, &s);
  }
  for (int k = 0; k < COUNT_OF(k_mapping); k++) {
    fputc(',', f);
    if (x->mapped) fprintf(f, "%d", field(&x->map, &k_mapping[k]));
  }
  ey_stat_csv(f, k_csv, COUNT_OF(k_csv), x->mapped ? &s : NULL);
  csv_end(f, x->mapped ? NULL : x->why);
}

void ey_report_csv_total(const ey_report *r, FILE *f, const char *error) {
  ey_totals t;
  ey_report_totals(r, &t);
  ey_stat_src s;
  totals_src(r, &t, &s);
  csv_run(f, r->arch->name, r->net->name, r->net->batch);
  fprintf(f, "total,%d,%s", t.unmapped == 0, source_name(r));
  for (int k = 0; k < COUNT_OF(k_shape) + COUNT_OF(k_mapping); k++) fputc(',', f);
  ey_stat_csv(f, k_csv, COUNT_OF(k_csv), &s);
  csv_end(f, error);
}

void ey_report_csv_blank_total(FILE *f, const char *arch, const char *net, int batch,
                               const char *error) {
  csv_run(f, arch, net, batch);
  fputs("total,0", f); /* then every column empty, up to the error */
  for (int k = 0; k < ey_report_csv_columns() - CSV_HEAD_COLUMNS; k++) fputc(',', f);
  csv_end(f, error);
}

void ey_report_csv(const ey_report *r, FILE *f) {
  ey_report_csv_header(f);
  for (int i = 0; i < r->nlayers; i++) ey_report_csv_layer(r, i, f);
}
