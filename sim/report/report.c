/* report.c - table, JSON and CSV forms of a run's results. A layer's headline
 * figures are the cycle-level engine's when it ran and the mapper's analytic
 * estimate otherwise ("source" says which); the estimate is always given beside. */
#include "sim/report/report.h"

#include <string.h>

#include "sim/base/json.h"
#include "sim/config/config.h"

static const char *objective_name(int o) {
  return o == EY_OBJ_CYCLES ? "cycles" : o == EY_OBJ_EDP ? "edp" : "energy";
}

static const char *source_name(const ey_report *r) {
  return r->engine ? "cycle-level" : "analytic";
}

static uint64_t dram_bytes(const ey_counts *c, const ey_arch *a);

void ey_layer_figures(const ey_layer_result *x, const ey_arch *a, ey_figures *out) {
  if (x->simulated) {
    out->dram_bytes_moved = 0;
    for (int t = 0; t < EY_NTYPES; t++) out->dram_bytes_moved += x->meas.dram_bits[t] / 8u;
    out->cycles = x->meas.cycles;
    out->c = &x->meas.c;
    out->energy = (const double(*)[EY_NTYPES])x->meas_energy;
    out->energy_total = x->meas_energy_total;
  } else {
    out->dram_bytes_moved = dram_bytes(&x->cost.c, a);
    out->cycles = x->cost.cycles;
    out->c = &x->cost.c;
    out->energy = (const double(*)[EY_NTYPES])x->cost.energy;
    out->energy_total = x->cost.energy_total;
  }
}

static uint64_t dram_bytes(const ey_counts *c, const ey_arch *a) {
  uint64_t words = 0;
  for (int t = 0; t < EY_NTYPES; t++) words += c->dram_reads[t] + c->dram_writes[t];
  return words * (uint64_t)a->word_bits / 8u;
}

uint64_t ey_cost_dram_bytes(const ey_cost *c, const ey_arch *a) {
  return dram_bytes(&c->c, a);
}

static uint64_t sum3(const uint64_t *v) {
  return v[0] + v[1] + v[2];
}
static uint64_t glb_accesses(const ey_counts *c) {
  return sum3(c->glb_reads) + sum3(c->glb_writes);
}
static uint64_t spad_accesses(const ey_counts *c) {
  return sum3(c->spad_reads) + sum3(c->spad_writes);
}
static uint64_t noc_transfers(const ey_counts *c) {
  return c->noc_ifmap + c->noc_filter + c->noc_psum_in + c->noc_psum_local + c->noc_psum_out;
}
static double level_energy(const double (*en)[EY_NTYPES], int lv) {
  return en[lv][0] + en[lv][1] + en[lv][2];
}
static double ms_of(uint64_t cycles, const ey_arch *a) {
  return (double)cycles / ((double)a->core_mhz * 1e3);
}
static double util_of(uint64_t macs, uint64_t cycles, uint64_t pes) {
  return cycles && pes ? (double)macs / ((double)cycles * (double)pes) : 0;
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
    ey_figures f;
    ey_layer_figures(x, a, &f);
    t->mapped++;
    t->cycles += f.cycles;
    t->analytic_cycles += x->cost.cycles;
    t->analytic_energy_total += x->cost.energy_total;
    counts_add(&t->counts, f.c);
    t->dram_bytes += f.dram_bytes_moved;
    for (int lv = 0; lv < EY_NLEVELS; lv++) t->energy[lv] += level_energy(f.energy, lv);
    t->energy_total += f.energy_total;
    if (x->simulated) {
      for (int c = 0; c < EY_NCLASSES; c++) t->classes[c] += x->meas.classes[c];
      t->ifmap_bus_blocked += x->meas.ifmap_bus_blocked;
      t->dram_wait_cycles += x->meas.dram_wait_cycles;
      t->glb_conflicts += x->meas.glb_conflicts;
      t->checked += x->meas.checked;
    }
  }
  /* What follows from the summed counts. */
  t->macs = t->counts.macs;
  t->macs_gated = t->counts.macs_gated;
  t->dram_bytes_raw = dram_bytes(&t->counts, a);
  t->glb_accesses = glb_accesses(&t->counts);
  t->noc_transfers = noc_transfers(&t->counts);
  t->spad_accesses = spad_accesses(&t->counts);
  t->time_ms = ms_of(t->cycles, a);
  double secs = t->time_ms / 1e3;
  t->fps = secs > 0 ? (double)r->net->batch / secs : 0;
  t->gops = secs > 0 ? 2.0 * (double)t->macs / secs / 1e9 : 0;
  t->utilization = util_of(t->macs, t->cycles, (uint64_t)a->rows * (uint64_t)a->cols);
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
  const int w = name_width(r);
  if (r->engine)
    fprintf(f,
            "eyesim " EY_VERSION_STRING
            " - cycle-level simulation (%s stepping, seed %llu, %.2f zeros)%s\n",
            r->engine->step == EY_STEP_EXACT ? "exact" : "fast",
            (unsigned long long)r->engine->seed, r->engine->zeros,
            r->engine->check ? ", outputs checked against the golden convolution" : "");
  else
    fprintf(f, "eyesim " EY_VERSION_STRING
               " - analytic estimate from the mapper's cost model (no cycle-level simulation)\n");
  fprintf(f, "arch  %s: %dx%d PEs at %d MHz, GLB %d KiB, DRAM %d b at %d MHz\n", a->name, a->rows,
          a->cols, a->core_mhz, a->glb_kb, a->dram_bus_bits, a->dram_mhz);
  fprintf(f, "net   %s, batch %d, %d layer%s; mappings from %s, objective %s\n\n", net->name,
          net->batch, net->nlayers, net->nlayers == 1 ? "" : "s", r->mapping_from,
          objective_name(r->objective));
  fprintf(f, "%-*s  %9s %5s %6s %11s %11s %9s %9s %5s %10s %10s %10s %11s  %s\n", w, "layer",
          "MACs(M)", "PEs", "util%", "cycles", "est.cycles", "ms", "DRAM KB", "rlc", "GLB Kacc",
          "NoC Kxfer", "spad Macc", "energy(M)", "mapping n p q r t e eg m");
}

void ey_report_table_row(const ey_report *r, int i, FILE *f) {
  const ey_arch *a = r->arch;
  const uint64_t pes = (uint64_t)a->rows * (uint64_t)a->cols;
  const int w = name_width(r);
  const ey_layer_result *x = &r->res[i];
  if (!x->mapped) {
    fprintf(f, "%-*s  cannot map: %s\n", w, x->layer->name, x->why);
    return;
  }
  ey_figures g;
  ey_layer_figures(x, a, &g);
  const ey_mapping *m = &x->map;
  fprintf(f,
          "%-*s  %9.2f %5d %6.1f %11llu %11llu %9.3f %9.1f %5.2f %10.1f %10.1f %10.2f %11.2f  %d "
          "%d %d %d %d %d %d %d\n",
          w, x->layer->name, (double)g.c->macs / 1e6, x->cost.active_pes,
          100.0 * util_of(g.c->macs, g.cycles, pes), (unsigned long long)g.cycles,
          (unsigned long long)x->cost.cycles, ms_of(g.cycles, a), (double)g.dram_bytes_moved / 1e3,
          g.dram_bytes_moved ? (double)dram_bytes(g.c, a) / (double)g.dram_bytes_moved : 1.0,
          (double)glb_accesses(g.c) / 1e3, (double)noc_transfers(g.c) / 1e3,
          (double)spad_accesses(g.c) / 1e6, g.energy_total / 1e6, m->n, m->p, m->q, m->r, m->t,
          m->e, m->eg, m->m);
}

void ey_report_table_foot(const ey_report *r, FILE *f) {
  const ey_arch *a = r->arch;
  const ey_net *net = r->net;
  const int w = name_width(r);
  ey_totals t;
  ey_report_totals(r, &t);
  fprintf(f,
          "%-*s  %9.2f %5s %6.1f %11llu %11llu %9.3f %9.1f %5.2f %10.1f %10.1f %10.2f %11.2f\n\n",
          w, "total", (double)t.macs / 1e6, "", 100.0 * t.utilization, (unsigned long long)t.cycles,
          (unsigned long long)t.analytic_cycles, t.time_ms, (double)t.dram_bytes / 1e3,
          t.dram_bytes ? (double)t.dram_bytes_raw / (double)t.dram_bytes : 1.0,
          (double)t.glb_accesses / 1e3, (double)t.noc_transfers / 1e3,
          (double)t.spad_accesses / 1e6, t.energy_total / 1e6);
  fprintf(f,
          "per batch of %d: %.3f ms, %.1f frames/s, %.1f GOPS, %.3f MB of DRAM traffic per image\n",
          net->batch, t.time_ms, t.fps, t.gops, t.dram_bytes_per_image / 1e6);
  fprintf(f, "energy %.4g %s:", t.energy_total / 1e6, energy_unit_label(a));
  for (int lv = 0; lv < EY_NLEVELS; lv++)
    fprintf(f, " %s %.1f%%", ey_level_names[lv],
            t.energy_total > 0 ? 100.0 * t.energy[lv] / t.energy_total : 0.0);
  fputc('\n', f);
  if (r->engine && t.cycles) {
    uint64_t all = 0;
    for (int c = 0; c < EY_NCLASSES; c++) all += t.classes[c];
    fprintf(f, "PE-cycles:");
    for (int c = 0; c < EY_NCLASSES; c++)
      fprintf(f, " %s %.1f%%", ey_class_names[c],
              all ? 100.0 * (double)t.classes[c] / (double)all : 0.0);
    fprintf(f,
            "\nstalls: ifmap bus blocked %llu cycles, waiting for DRAM %llu cycles, GLB bank "
            "conflicts %llu\n",
            (unsigned long long)t.ifmap_bus_blocked, (unsigned long long)t.dram_wait_cycles,
            (unsigned long long)t.glb_conflicts);
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

void ey_report_table(const ey_report *r, FILE *f) {
  ey_report_table_head(r, f);
  for (int i = 0; i < r->nlayers; i++) ey_report_table_row(r, i, f);
  ey_report_table_foot(r, f);
}

/* ------------------------------------------------------------------ JSON */

static void json_types(ey_json *j, const char *key, const uint64_t *v) {
  ey_json_obj_begin(j, key);
  for (int t = 0; t < EY_NTYPES; t++) ey_json_uint(j, ey_type_names[t], v[t]);
  ey_json_obj_end(j);
}

static void json_shape(ey_json *j, const ey_layer *l) {
  ey_json_obj_begin(j, "shape");
  ey_json_str(j, "type", l->type == EY_LAYER_FC ? "fc" : "conv");
  const struct {
    const char *k;
    int v;
  } f[] = {{"N", l->N},     {"C", l->C},           {"M", l->M}, {"H", l->H},
           {"W", l->W},     {"R", l->R},           {"S", l->S}, {"stride", l->stride},
           {"pad", l->pad}, {"groups", l->groups}, {"E", l->E}, {"F", l->F}};
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) ey_json_int(j, f[i].k, f[i].v);
  ey_json_bool(j, "relu", l->relu);
  ey_json_obj_end(j);
}

/* cycles, time, MACs, utilization, accesses and energy of one set of figures */
static void json_figures(ey_json *j, const ey_arch *a, uint64_t cycles, const ey_counts *c,
                         const double (*en)[EY_NTYPES], double total, int active_pes,
                         uint64_t moved) {
  ey_json_uint(j, "cycles", cycles);
  ey_json_real(j, "time_ms", ms_of(cycles, a));
  ey_json_uint(j, "macs", c->macs);
  ey_json_uint(j, "macs_gated", c->macs_gated);
  ey_json_real(j, "utilization", util_of(c->macs, cycles, (uint64_t)a->rows * (uint64_t)a->cols));
  ey_json_real(j, "active_pe_utilization", util_of(c->macs, cycles, (uint64_t)active_pes));
  ey_json_obj_begin(j, "accesses");
  ey_json_obj_begin(j, "spad");
  json_types(j, "reads", c->spad_reads);
  json_types(j, "writes", c->spad_writes);
  ey_json_obj_end(j);
  ey_json_obj_begin(j, "noc");
  ey_json_uint(j, "ifmap_transfers", c->noc_ifmap);
  ey_json_uint(j, "ifmap_delivered", c->noc_ifmap_delivered);
  ey_json_uint(j, "filter_transfers", c->noc_filter);
  ey_json_uint(j, "filter_delivered", c->noc_filter_delivered);
  ey_json_uint(j, "psum_in_transfers", c->noc_psum_in);
  ey_json_uint(j, "psum_local_transfers", c->noc_psum_local);
  ey_json_uint(j, "psum_out_transfers", c->noc_psum_out);
  ey_json_obj_end(j);
  ey_json_obj_begin(j, "glb");
  json_types(j, "reads", c->glb_reads);
  json_types(j, "writes", c->glb_writes);
  ey_json_obj_end(j);
  ey_json_obj_begin(j, "dram");
  json_types(j, "reads", c->dram_reads);
  json_types(j, "writes", c->dram_writes);
  ey_json_uint(j, "bytes", dram_bytes(c, a));
  ey_json_uint(j, "bytes_moved", moved);
  ey_json_real(j, "rlc_ratio", moved ? (double)dram_bytes(c, a) / (double)moved : 1.0);
  ey_json_obj_end(j);
  ey_json_obj_end(j);
  ey_json_obj_begin(j, "energy");
  ey_json_real(j, "total", total);
  for (int lv = 0; lv < EY_NLEVELS; lv++) {
    ey_json_obj_begin(j, ey_level_names[lv]);
    for (int t = 0; t < EY_NTYPES; t++) ey_json_real(j, ey_type_names[t], en[lv][t]);
    ey_json_obj_end(j);
  }
  ey_json_obj_end(j);
}

static void json_layer(ey_json *j, const ey_report *r, const ey_layer_result *x) {
  const ey_arch *a = r->arch;
  ey_json_obj_begin(j, NULL);
  ey_json_str(j, "name", x->layer->name);
  json_shape(j, x->layer);
  ey_json_bool(j, "mapped", x->mapped);
  if (!x->mapped) {
    ey_json_str(j, "error", x->why);
    ey_json_obj_end(j);
    return;
  }
  const ey_cost *c = &x->cost;
  const ey_mapping *m = &x->map;
  ey_json_obj_begin(j, "mapping");
  const struct {
    const char *k;
    int v;
  } mp[] = {{"n", m->n}, {"p", m->p}, {"q", m->q},   {"r", m->r},
            {"t", m->t}, {"e", m->e}, {"eg", m->eg}, {"m", m->m}};
  for (size_t i = 0; i < sizeof mp / sizeof mp[0]; i++) ey_json_int(j, mp[i].k, mp[i].v);
  ey_json_obj_end(j);
  ey_json_int(j, "active_pes", c->active_pes);
  ey_json_uint(j, "passes", c->passes);
  ey_json_obj_begin(j, "glb_tiles_bits");
  ey_json_uint(j, "ifmap", c->glb_ifmap_bits);
  ey_json_uint(j, "psum", c->glb_psum_bits);
  ey_json_obj_end(j);
  ey_figures g;
  ey_layer_figures(x, a, &g);
  json_figures(j, a, g.cycles, g.c, g.energy, g.energy_total, c->active_pes, g.dram_bytes_moved);
  if (x->simulated) {
    const ey_meas *ms = &x->meas;
    ey_json_obj_begin(j, "pe_cycles");
    for (int k = 0; k < EY_NCLASSES; k++) ey_json_uint(j, ey_class_names[k], ms->classes[k]);
    ey_json_obj_end(j);
    ey_json_obj_begin(j, "stalls");
    ey_json_uint(j, "ifmap_bus_blocked_cycles", ms->ifmap_bus_blocked);
    ey_json_uint(j, "dram_wait_cycles", ms->dram_wait_cycles);
    ey_json_uint(j, "glb_bank_conflicts", ms->glb_conflicts);
    ey_json_obj_end(j);
    /* Words per bank as [ifmap, filter, psum] (a 32-bit psum is two words). */
    ey_json_obj_begin(j, "glb_banks");
    for (int rw = 0; rw < 2; rw++) {
      ey_json_arr_begin(j, rw ? "writes" : "reads");
      for (int b = 0; b < ms->glb_banks; b++) {
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
    ey_json_bool(j, "checked", ms->checked);
    ey_json_str(j, "activations", x->replayed ? "trace" : "synthetic");
  }
  ey_json_obj_begin(j, "analytic");
  json_figures(j, a, c->cycles, &c->c, (const double(*)[EY_NTYPES])c->energy, c->energy_total,
               c->active_pes, dram_bytes(&c->c, a));
  ey_json_obj_begin(j, "cycle_parts");
  ey_json_uint(j, "pass_cycles", c->pass_cycles);
  ey_json_uint(j, "load_cycles", c->load_cycles);
  ey_json_uint(j, "dram_cycles", c->dram_cycles);
  ey_json_uint(j, "dram_exposed_cycles", c->dram_exposed_cycles);
  ey_json_obj_end(j);
  ey_json_obj_end(j);
  ey_json_obj_end(j);
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
  ey_json_obj_begin(j, "total");
  ey_json_int(j, "layers_mapped", t.mapped);
  ey_json_int(j, "layers_unmapped", t.unmapped);
  ey_json_uint(j, "cycles", t.cycles);
  ey_json_uint(j, "analytic_cycles", t.analytic_cycles);
  ey_json_real(j, "time_ms", t.time_ms);
  ey_json_uint(j, "macs", t.macs);
  ey_json_uint(j, "macs_gated", t.macs_gated);
  ey_json_real(j, "utilization", t.utilization);
  ey_json_real(j, "fps", t.fps);
  ey_json_real(j, "gops", t.gops);
  ey_json_uint(j, "dram_bytes", t.dram_bytes);
  ey_json_uint(j, "dram_bytes_raw", t.dram_bytes_raw);
  ey_json_real(j, "dram_bytes_per_image", t.dram_bytes_per_image);
  ey_json_uint(j, "glb_accesses", t.glb_accesses);
  ey_json_uint(j, "noc_transfers", t.noc_transfers);
  ey_json_uint(j, "spad_accesses", t.spad_accesses);
  ey_json_obj_begin(j, "energy");
  ey_json_real(j, "total", t.energy_total);
  for (int lv = 0; lv < EY_NLEVELS; lv++) ey_json_real(j, ey_level_names[lv], t.energy[lv]);
  ey_json_obj_end(j);
  if (r->engine) {
    ey_json_obj_begin(j, "pe_cycles");
    for (int k = 0; k < EY_NCLASSES; k++) ey_json_uint(j, ey_class_names[k], t.classes[k]);
    ey_json_obj_end(j);
    ey_json_uint(j, "ifmap_bus_blocked_cycles", t.ifmap_bus_blocked);
    ey_json_uint(j, "dram_wait_cycles", t.dram_wait_cycles);
    ey_json_uint(j, "glb_bank_conflicts", t.glb_conflicts);
    ey_json_int(j, "layers_checked", t.checked);
  }
  ey_json_obj_end(j);
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

/* Measurement columns after the shape, in order; an unmapped row leaves them all
 * empty. The header and the rows are written from the same list. */
#define EY_CSV_MEASURES 57
#define EY_CSV_SHAPE 12  /* N to F */
#define EY_CSV_MAPPING 9 /* n to m, and active_pes */

void ey_report_csv_header(FILE *f) {
  fputs(
      "arch,net,batch,layer,mapped,source,N,C,M,H,W,R,S,stride,pad,groups,E,F,"
      "n,p,q,r,t,e,eg,m,active_pes,utilization,cycles,analytic_cycles,time_ms,macs,macs_gated,",
      f);
  for (int t = 0; t < EY_NTYPES; t++)
    fprintf(f, "spad_%s_reads,spad_%s_writes,", ey_type_names[t], ey_type_names[t]);
  fputs("noc_ifmap,noc_filter,noc_psum_in,noc_psum_local,noc_psum_out,", f);
  for (int t = 0; t < EY_NTYPES; t++)
    fprintf(f, "glb_%s_reads,glb_%s_writes,", ey_type_names[t], ey_type_names[t]);
  for (int t = 0; t < EY_NTYPES; t++)
    fprintf(f, "dram_%s_reads,dram_%s_writes,", ey_type_names[t], ey_type_names[t]);
  fputs("dram_bytes,dram_bytes_moved,energy_total,analytic_energy_total", f);
  for (int lv = 0; lv < EY_NLEVELS; lv++) fprintf(f, ",energy_%s", ey_level_names[lv]);
  for (int c = 0; c < EY_NCLASSES; c++) fprintf(f, ",pe_%s", ey_class_names[c]);
  fputs(",ifmap_bus_blocked,dram_wait_cycles,checked,error\n", f);
}

/* The measurement columns from `utilization` to `analytic_energy_total` and the
 * energy per level: one layer's or a sum's, written by the same code. */
static void csv_measures(FILE *f, const ey_arch *a, uint64_t cycles, uint64_t analytic_cycles,
                         const ey_counts *c, uint64_t moved, double energy, double analytic_energy,
                         const double *level_en) {
  const uint64_t pes = (uint64_t)a->rows * (uint64_t)a->cols;
  fprintf(f, ",%.6f,%llu,%llu,%.6f,%llu,%llu", util_of(c->macs, cycles, pes),
          (unsigned long long)cycles, (unsigned long long)analytic_cycles, ms_of(cycles, a),
          (unsigned long long)c->macs, (unsigned long long)c->macs_gated);
  for (int t = 0; t < EY_NTYPES; t++)
    fprintf(f, ",%llu,%llu", (unsigned long long)c->spad_reads[t],
            (unsigned long long)c->spad_writes[t]);
  fprintf(f, ",%llu,%llu,%llu,%llu,%llu", (unsigned long long)c->noc_ifmap,
          (unsigned long long)c->noc_filter, (unsigned long long)c->noc_psum_in,
          (unsigned long long)c->noc_psum_local, (unsigned long long)c->noc_psum_out);
  for (int t = 0; t < EY_NTYPES; t++)
    fprintf(f, ",%llu,%llu", (unsigned long long)c->glb_reads[t],
            (unsigned long long)c->glb_writes[t]);
  for (int t = 0; t < EY_NTYPES; t++)
    fprintf(f, ",%llu,%llu", (unsigned long long)c->dram_reads[t],
            (unsigned long long)c->dram_writes[t]);
  fprintf(f, ",%llu,%llu,%.6f,%.6f", (unsigned long long)dram_bytes(c, a),
          (unsigned long long)moved, energy, analytic_energy);
  for (int lv = 0; lv < EY_NLEVELS; lv++) fprintf(f, ",%.6f", level_en[lv]);
}

void ey_report_csv_layer(const ey_report *r, int i, FILE *f) {
  const ey_arch *a = r->arch;
  const ey_layer_result *x = &r->res[i];
  const ey_layer *l = x->layer;
  ey_csv_field(f, a->name);
  fputc(',', f);
  ey_csv_field(f, r->net->name);
  fprintf(f, ",%d,", r->net->batch);
  ey_csv_field(f, l->name);
  fprintf(f, ",%d,%s,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d", x->mapped, source_name(r), l->N, l->C,
          l->M, l->H, l->W, l->R, l->S, l->stride, l->pad, l->groups, l->E, l->F);
  if (!x->mapped) {
    for (int k = 0; k < EY_CSV_MEASURES; k++) fputc(',', f);
    fputc(',', f);
    ey_csv_field(f, x->why);
    fputc('\n', f);
    return;
  }
  const ey_mapping *m = &x->map;
  ey_figures g;
  ey_layer_figures(x, a, &g);
  fprintf(f, ",%d,%d,%d,%d,%d,%d,%d,%d,%d", m->n, m->p, m->q, m->r, m->t, m->e, m->eg, m->m,
          x->cost.active_pes);
  double lv_en[EY_NLEVELS];
  for (int lv = 0; lv < EY_NLEVELS; lv++) lv_en[lv] = level_energy(g.energy, lv);
  csv_measures(f, a, g.cycles, x->cost.cycles, g.c, g.dram_bytes_moved, g.energy_total,
               x->cost.energy_total, lv_en);
  if (x->simulated) {
    for (int k = 0; k < EY_NCLASSES; k++)
      fprintf(f, ",%llu", (unsigned long long)x->meas.classes[k]);
    fprintf(f, ",%llu,%llu,%d,\n", (unsigned long long)x->meas.ifmap_bus_blocked,
            (unsigned long long)x->meas.dram_wait_cycles, x->meas.checked);
  } else {
    for (int k = 0; k < EY_NCLASSES + 3; k++) fputc(',', f);
    fputs(",\n", f);
  }
}

void ey_report_csv_total(const ey_report *r, FILE *f, const char *error) {
  const ey_arch *a = r->arch;
  ey_totals t;
  ey_report_totals(r, &t);
  ey_csv_field(f, a->name);
  fputc(',', f);
  ey_csv_field(f, r->net->name);
  fprintf(f, ",%d,total,%d,%s", r->net->batch, t.unmapped == 0, source_name(r));
  for (int k = 0; k < EY_CSV_SHAPE + EY_CSV_MAPPING; k++) fputc(',', f);
  csv_measures(f, a, t.cycles, t.analytic_cycles, &t.counts, t.dram_bytes, t.energy_total,
               t.analytic_energy_total, t.energy);
  if (r->engine) { /* with an engine every mapped layer is simulated */
    for (int k = 0; k < EY_NCLASSES; k++) fprintf(f, ",%llu", (unsigned long long)t.classes[k]);
    fprintf(f, ",%llu,%llu,%d,", (unsigned long long)t.ifmap_bus_blocked,
            (unsigned long long)t.dram_wait_cycles,
            t.checked == t.mapped && r->engine && r->engine->check);
  } else {
    for (int k = 0; k < EY_NCLASSES + 3; k++) fputc(',', f);
    fputc(',', f);
  }
  ey_csv_field(f, error ? error : "");
  fputc('\n', f);
}

void ey_report_csv(const ey_report *r, FILE *f) {
  ey_report_csv_header(f);
  for (int i = 0; i < r->nlayers; i++) ey_report_csv_layer(r, i, f);
}
