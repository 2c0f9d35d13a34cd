/* report.c - table, JSON and CSV forms of a run's results. The figures are the
 * mapper's analytic ones, and every form says so ("source": "analytic"). */
#include "sim/report.h"

#include <string.h>

#include "sim/config.h"
#include "sim/json.h"

#define SOURCE "analytic" /* where the figures come from */

static const char *objective_name(int o) {
  return o == EY_OBJ_CYCLES ? "cycles" : o == EY_OBJ_EDP ? "edp" : "energy";
}

uint64_t ey_cost_dram_bytes(const ey_cost *c, const ey_arch *a) {
  uint64_t words = 0;
  for (int t = 0; t < EY_NTYPES; t++) words += c->c.dram_reads[t] + c->c.dram_writes[t];
  return words * (uint64_t)a->word_bits / 8u;
}

static uint64_t sum3(const uint64_t *v) { return v[0] + v[1] + v[2]; }

static uint64_t glb_accesses(const ey_counts *c) { return sum3(c->glb_reads) + sum3(c->glb_writes); }
static uint64_t spad_accesses(const ey_counts *c) { return sum3(c->spad_reads) + sum3(c->spad_writes); }
static uint64_t noc_transfers(const ey_counts *c) {
  return c->noc_ifmap + c->noc_filter + c->noc_psum_in + c->noc_psum_local + c->noc_psum_out;
}

static double level_energy(const ey_cost *c, int lv) {
  return c->energy[lv][0] + c->energy[lv][1] + c->energy[lv][2];
}

static double ms_of(uint64_t cycles, const ey_arch *a) {
  return (double)cycles / ((double)a->core_mhz * 1e3);
}

void ey_report_totals(const ey_report *r, ey_totals *t) {
  memset(t, 0, sizeof *t);
  for (int i = 0; i < r->nlayers; i++) {
    const ey_layer_result *x = &r->res[i];
    if (!x->mapped) {
      t->unmapped++;
      continue;
    }
    t->mapped++;
    t->cycles += x->cost.cycles;
    t->macs += x->cost.c.macs;
    t->macs_gated += x->cost.c.macs_gated;
    t->dram_bytes += ey_cost_dram_bytes(&x->cost, r->arch);
    t->glb_accesses += glb_accesses(&x->cost.c);
    t->noc_transfers += noc_transfers(&x->cost.c);
    t->spad_accesses += spad_accesses(&x->cost.c);
    for (int lv = 0; lv < EY_NLEVELS; lv++) t->energy[lv] += level_energy(&x->cost, lv);
    t->energy_total += x->cost.energy_total;
  }
  const ey_arch *a = r->arch;
  t->time_ms = ms_of(t->cycles, a);
  double secs = t->time_ms / 1e3;
  t->fps = secs > 0 ? (double)r->net->batch / secs : 0;
  t->gops = secs > 0 ? 2.0 * (double)t->macs / secs / 1e9 : 0;
  t->utilization = t->cycles ? (double)t->macs / ((double)t->cycles * a->rows * a->cols) : 0;
  t->dram_bytes_per_image = (double)t->dram_bytes / r->net->batch;
}

/* ------------------------------------------------------------------ table */

static const char *energy_unit_label(const ey_arch *a) {
  return a->energy_unit == EY_UNIT_PJ ? "uJ" : "M MAC-eq";
}

void ey_report_table(const ey_report *r, FILE *f) {
  const ey_arch *a = r->arch;
  const ey_net *net = r->net;
  int w = 5;
  for (int i = 0; i < r->nlayers; i++) w = EY_MAX(w, (int)strlen(r->res[i].layer->name));
  fprintf(f, "eyesim " EY_VERSION_STRING " - analytic estimate from the mapper's cost model "
             "(no cycle-level simulation yet)\n");
  fprintf(f, "arch  %s: %dx%d PEs at %d MHz, GLB %d KiB, DRAM %d b at %d MHz\n", a->name, a->rows,
          a->cols, a->core_mhz, a->glb_kb, a->dram_bus_bits, a->dram_mhz);
  fprintf(f, "net   %s, batch %d, %d layer%s; mappings from %s, objective %s\n\n", net->name,
          net->batch, r->nlayers, r->nlayers == 1 ? "" : "s", r->mapping_from,
          objective_name(r->objective));
  fprintf(f, "%-*s  %9s %5s %6s %11s %9s %9s %10s %10s %10s %11s  %s\n", w, "layer", "MACs(M)",
          "PEs", "util%", "cycles", "ms", "DRAM KB", "GLB Kacc", "NoC Kxfer", "spad Macc",
          "energy(M)", "mapping n p q r t e eg m");
  for (int i = 0; i < r->nlayers; i++) {
    const ey_layer_result *x = &r->res[i];
    if (!x->mapped) {
      fprintf(f, "%-*s  cannot map: %s\n", w, x->layer->name, x->why);
      continue;
    }
    const ey_cost *c = &x->cost;
    double util = c->cycles ? (double)c->c.macs / ((double)c->cycles * a->rows * a->cols) : 0;
    const ey_mapping *m = &x->map;
    fprintf(f, "%-*s  %9.2f %5d %6.1f %11llu %9.3f %9.1f %10.1f %10.1f %10.2f %11.2f  %d %d %d %d %d %d %d %d\n",
            w, x->layer->name, (double)c->c.macs / 1e6, c->active_pes, 100.0 * util,
            (unsigned long long)c->cycles, ms_of(c->cycles, a),
            (double)ey_cost_dram_bytes(c, a) / 1e3, (double)glb_accesses(&c->c) / 1e3,
            (double)noc_transfers(&c->c) / 1e3, (double)spad_accesses(&c->c) / 1e6,
            c->energy_total / 1e6, m->n, m->p, m->q, m->r, m->t, m->e, m->eg, m->m);
  }
  ey_totals t;
  ey_report_totals(r, &t);
  fprintf(f, "%-*s  %9.2f %5s %6.1f %11llu %9.3f %9.1f %10.1f %10.1f %10.2f %11.2f\n\n", w, "total",
          (double)t.macs / 1e6, "", 100.0 * t.utilization, (unsigned long long)t.cycles, t.time_ms,
          (double)t.dram_bytes / 1e3, (double)t.glb_accesses / 1e3,
          (double)t.noc_transfers / 1e3, (double)t.spad_accesses / 1e6, t.energy_total / 1e6);
  fprintf(f, "per batch of %d: %.3f ms, %.1f frames/s, %.1f GOPS, %.3f MB of DRAM traffic per image\n",
          net->batch, t.time_ms, t.fps, t.gops, t.dram_bytes_per_image / 1e6);
  fprintf(f, "energy %.4g %s:", t.energy_total / 1e6, energy_unit_label(a));
  for (int lv = 0; lv < EY_NLEVELS; lv++)
    fprintf(f, " %s %.1f%%", ey_level_names[lv],
            t.energy_total > 0 ? 100.0 * t.energy[lv] / t.energy_total : 0.0);
  fputc('\n', f);
  if (t.unmapped)
    fprintf(f, "%d of %d layers could not map; the totals cover the other %d.\n", t.unmapped,
            r->nlayers, t.mapped);
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
  } f[] = {{"N", l->N}, {"C", l->C}, {"M", l->M}, {"H", l->H}, {"W", l->W}, {"R", l->R},
           {"S", l->S}, {"stride", l->stride}, {"pad", l->pad}, {"groups", l->groups},
           {"E", l->E}, {"F", l->F}};
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) ey_json_int(j, f[i].k, f[i].v);
  ey_json_bool(j, "relu", l->relu);
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
  ey_json_uint(j, "cycles", c->cycles);
  ey_json_real(j, "time_ms", ms_of(c->cycles, a));
  ey_json_uint(j, "macs", c->c.macs);
  ey_json_uint(j, "macs_gated", c->c.macs_gated);
  ey_json_int(j, "active_pes", c->active_pes);
  ey_json_real(j, "utilization",
               c->cycles ? (double)c->c.macs / ((double)c->cycles * a->rows * a->cols) : 0);
  ey_json_real(j, "active_pe_utilization",
               c->cycles && c->active_pes ? (double)c->c.macs / ((double)c->cycles * c->active_pes) : 0);
  ey_json_uint(j, "passes", c->passes);
  ey_json_obj_begin(j, "cycle_parts");
  ey_json_uint(j, "pass_cycles", c->pass_cycles);
  ey_json_uint(j, "load_cycles", c->load_cycles);
  ey_json_uint(j, "dram_cycles", c->dram_cycles);
  ey_json_obj_end(j);
  ey_json_obj_begin(j, "glb_tiles_bits");
  ey_json_uint(j, "ifmap", c->glb_ifmap_bits);
  ey_json_uint(j, "psum", c->glb_psum_bits);
  ey_json_obj_end(j);
  ey_json_obj_begin(j, "accesses");
  ey_json_obj_begin(j, "spad");
  json_types(j, "reads", c->c.spad_reads);
  json_types(j, "writes", c->c.spad_writes);
  ey_json_obj_end(j);
  ey_json_obj_begin(j, "noc");
  ey_json_uint(j, "ifmap_transfers", c->c.noc_ifmap);
  ey_json_uint(j, "ifmap_delivered", c->c.noc_ifmap_delivered);
  ey_json_uint(j, "filter_transfers", c->c.noc_filter);
  ey_json_uint(j, "filter_delivered", c->c.noc_filter_delivered);
  ey_json_uint(j, "psum_in_transfers", c->c.noc_psum_in);
  ey_json_uint(j, "psum_local_transfers", c->c.noc_psum_local);
  ey_json_uint(j, "psum_out_transfers", c->c.noc_psum_out);
  ey_json_obj_end(j);
  ey_json_obj_begin(j, "glb");
  json_types(j, "reads", c->c.glb_reads);
  json_types(j, "writes", c->c.glb_writes);
  ey_json_obj_end(j);
  ey_json_obj_begin(j, "dram");
  json_types(j, "reads", c->c.dram_reads);
  json_types(j, "writes", c->c.dram_writes);
  ey_json_uint(j, "bytes", ey_cost_dram_bytes(c, a));
  ey_json_obj_end(j);
  ey_json_obj_end(j);
  ey_json_obj_begin(j, "energy");
  ey_json_real(j, "total", c->energy_total);
  for (int lv = 0; lv < EY_NLEVELS; lv++) {
    ey_json_obj_begin(j, ey_level_names[lv]);
    for (int t = 0; t < EY_NTYPES; t++) ey_json_real(j, ey_type_names[t], c->energy[lv][t]);
    ey_json_obj_end(j);
  }
  ey_json_obj_end(j);
  ey_json_obj_end(j);
}

void ey_report_json(const ey_report *r, FILE *f) {
  ey_json j;
  ey_json_init(&j, f);
  ey_json_obj_begin(&j, NULL);
  ey_json_obj_begin(&j, "eyesim");
  ey_json_str(&j, "version", EY_VERSION_STRING);
  ey_json_int(&j, "report_schema", EY_REPORT_SCHEMA);
  ey_json_obj_end(&j);
  ey_json_str(&j, "source", SOURCE);
  ey_json_str(&j, "objective", objective_name(r->objective));
  ey_json_obj_begin(&j, "arch");
  ey_schema_write_json(ey_arch_schema(), r->arch, &j);
  ey_json_obj_end(&j);
  ey_json_obj_begin(&j, "net");
  ey_json_str(&j, "name", r->net->name);
  ey_json_int(&j, "batch", r->net->batch);
  ey_json_obj_end(&j);
  ey_json_arr_begin(&j, "layers");
  for (int i = 0; i < r->nlayers; i++) json_layer(&j, r, &r->res[i]);
  ey_json_arr_end(&j);
  ey_totals t;
  ey_report_totals(r, &t);
  ey_json_obj_begin(&j, "total");
  ey_json_int(&j, "layers_mapped", t.mapped);
  ey_json_int(&j, "layers_unmapped", t.unmapped);
  ey_json_uint(&j, "cycles", t.cycles);
  ey_json_real(&j, "time_ms", t.time_ms);
  ey_json_uint(&j, "macs", t.macs);
  ey_json_uint(&j, "macs_gated", t.macs_gated);
  ey_json_real(&j, "utilization", t.utilization);
  ey_json_real(&j, "fps", t.fps);
  ey_json_real(&j, "gops", t.gops);
  ey_json_uint(&j, "dram_bytes", t.dram_bytes);
  ey_json_real(&j, "dram_bytes_per_image", t.dram_bytes_per_image);
  ey_json_uint(&j, "glb_accesses", t.glb_accesses);
  ey_json_uint(&j, "noc_transfers", t.noc_transfers);
  ey_json_uint(&j, "spad_accesses", t.spad_accesses);
  ey_json_obj_begin(&j, "energy");
  ey_json_real(&j, "total", t.energy_total);
  for (int lv = 0; lv < EY_NLEVELS; lv++) ey_json_real(&j, ey_level_names[lv], t.energy[lv]);
  ey_json_obj_end(&j);
  ey_json_obj_end(&j);
  ey_json_obj_end(&j);
  ey_json_finish(&j);
}

/* ------------------------------------------------------------------ CSV */

/* A CSV field: quoted when it holds a comma, a quote or a newline. */
static void csv_field(FILE *f, const char *s) {
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

void ey_report_csv(const ey_report *r, FILE *f) {
  const ey_arch *a = r->arch;
  fputs("arch,net,batch,layer,mapped,source,N,C,M,H,W,R,S,stride,pad,groups,E,F,"
        "n,p,q,r,t,e,eg,m,active_pes,utilization,cycles,time_ms,macs,macs_gated,",
        f);
  for (int t = 0; t < EY_NTYPES; t++) fprintf(f, "spad_%s_reads,spad_%s_writes,", ey_type_names[t], ey_type_names[t]);
  fputs("noc_ifmap,noc_filter,noc_psum_in,noc_psum_local,noc_psum_out,", f);
  for (int t = 0; t < EY_NTYPES; t++) fprintf(f, "glb_%s_reads,glb_%s_writes,", ey_type_names[t], ey_type_names[t]);
  for (int t = 0; t < EY_NTYPES; t++) fprintf(f, "dram_%s_reads,dram_%s_writes,", ey_type_names[t], ey_type_names[t]);
  fputs("dram_bytes,energy_total", f);
  for (int lv = 0; lv < EY_NLEVELS; lv++) fprintf(f, ",energy_%s", ey_level_names[lv]);
  fputs(",error\n", f);
  for (int i = 0; i < r->nlayers; i++) {
    const ey_layer_result *x = &r->res[i];
    const ey_layer *l = x->layer;
    csv_field(f, a->name);
    fputc(',', f);
    csv_field(f, r->net->name);
    fprintf(f, ",%d,", r->net->batch);
    csv_field(f, l->name);
    fprintf(f, ",%d," SOURCE ",%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d", x->mapped, l->N, l->C, l->M,
            l->H, l->W, l->R, l->S, l->stride, l->pad, l->groups, l->E, l->F);
    if (!x->mapped) {
      /* Every measurement column empty, then the reason. */
      int empty = 8 + 4 + 2 + 6 + 5 + 6 + 6 + 2 + EY_NLEVELS;
      for (int k = 0; k < empty; k++) fputc(',', f);
      fputc(',', f);
      csv_field(f, x->why);
      fputc('\n', f);
      continue;
    }
    const ey_mapping *m = &x->map;
    const ey_cost *c = &x->cost;
    fprintf(f, ",%d,%d,%d,%d,%d,%d,%d,%d,%d,%.6f,%llu,%.6f,%llu,%llu", m->n, m->p, m->q, m->r, m->t,
            m->e, m->eg, m->m, c->active_pes,
            c->cycles ? (double)c->c.macs / ((double)c->cycles * a->rows * a->cols) : 0,
            (unsigned long long)c->cycles, ms_of(c->cycles, a), (unsigned long long)c->c.macs,
            (unsigned long long)c->c.macs_gated);
    for (int t = 0; t < EY_NTYPES; t++)
      fprintf(f, ",%llu,%llu", (unsigned long long)c->c.spad_reads[t], (unsigned long long)c->c.spad_writes[t]);
    fprintf(f, ",%llu,%llu,%llu,%llu,%llu", (unsigned long long)c->c.noc_ifmap,
            (unsigned long long)c->c.noc_filter, (unsigned long long)c->c.noc_psum_in,
            (unsigned long long)c->c.noc_psum_local, (unsigned long long)c->c.noc_psum_out);
    for (int t = 0; t < EY_NTYPES; t++)
      fprintf(f, ",%llu,%llu", (unsigned long long)c->c.glb_reads[t], (unsigned long long)c->c.glb_writes[t]);
    for (int t = 0; t < EY_NTYPES; t++)
      fprintf(f, ",%llu,%llu", (unsigned long long)c->c.dram_reads[t], (unsigned long long)c->c.dram_writes[t]);
    fprintf(f, ",%llu,%.6f", (unsigned long long)ey_cost_dram_bytes(c, a), c->energy_total);
    for (int lv = 0; lv < EY_NLEVELS; lv++) fprintf(f, ",%.6f", level_energy(c, lv));
    fputs(",\n", f);
  }
}
