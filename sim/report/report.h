/* report.h - what a run reports, per layer and in total, and its three forms: a
 * table for people (stdout), JSON (one documented schema, docs/report.md, with
 * the effective configuration echoed so a run can be repeated) and CSV (one row
 * per layer, for sweeps). */
#ifndef EY_REPORT_H
#define EY_REPORT_H

#include <stdio.h>

#include "mapper/mapper.h"
#include "sim/engine/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EY_REPORT_SCHEMA 2 /* bumped when a JSON or CSV field changes meaning */

typedef struct ey_layer_result {
  const ey_layer *layer;
  int mapped; /* 0: no legal mapping; `why` says why */
  char why[EY_ERR_MAX];
  ey_mapping map;
  ey_cost cost;  /* the mapper's analytic figures */
  int simulated; /* 1: `meas` holds the cycle-level engine's figures */
  int replayed;  /* 1: the ifmap came from an activation trace */
  ey_meas meas;
  double meas_energy[EY_NLEVELS][EY_NTYPES]; /* energy of the measured accesses */
  double meas_energy_total;
} ey_layer_result;

typedef struct ey_report {
  const ey_arch *arch;
  const ey_net *net;
  int objective;                 /* ey_objective the mappings were chosen for */
  const char *mapping_from;      /* "search" or "file"; shown in the table only */
  const ey_engine_opts *engine;  /* NULL: analytic only */
  const char *activations;       /* the activation trace replayed, or NULL */
  int activation_layers;         /* layers of net whose ifmap the trace holds */
  const struct ey_netdata *data; /* real weights (sim/report/netdata.h), or NULL */
  int nlayers;                   /* the layers reported: every layer of net, or, in a
                                    stopped run, the prefix of them that was done */
  ey_layer_result *res;          /* parallel to net->layers */
  int stopped;                   /* 0, or what stopped the run (sim/run.h): nlayers is
                                    then below net->nlayers; the JSON says so and the
                                    totals cover the layers reported */
} ey_report;

/* Totals over the mapped layers. */
typedef struct ey_totals {
  int mapped, unmapped;
  uint64_t cycles, macs, macs_gated, glb_accesses, noc_transfers, spad_accesses;
  uint64_t dram_bytes;           /* that crossed the bus */
  uint64_t dram_bytes_raw;       /* before RLC coding */
  uint64_t analytic_cycles;      /* the estimate, beside the measurement */
  uint64_t classes[EY_NCLASSES]; /* simulated layers' PE-cycles */
  uint64_t ifmap_bus_blocked, dram_wait_cycles, glb_conflicts;
  uint64_t psum_wraps;          /* outputs whose psum wrapped */
  int checked;                  /* layers whose outputs matched the golden */
  ey_counts counts;             /* every counter, summed (measured where simulated) */
  double analytic_energy_total; /* the estimate, beside the measurement */
  double energy[EY_NLEVELS];
  double energy_total;
  double time_ms, fps, gops, utilization, dram_bytes_per_image;
} ey_totals;

void ey_report_totals(const ey_report *r, ey_totals *t);
/* The host nodes a report lists: every node of the network that is not a layer,
 * when the run covers every layer of the network (none for a run of some layers,
 * or of a network of independent layers). */
int ey_report_lists_host_nodes(const ey_report *r);
/* Bytes a host node moves across DRAM for all N images: each input read once
 * and the output written once, data.word_bits a value, not coded; UINT64_MAX
 * when that does not fit 64 bits (the JSON writes null). */
uint64_t ey_host_node_dram_bytes(const ey_net *net, const ey_node *x, const ey_arch *a);
/* The table: its head (the run, the architecture, the network and the column
 * names), layer i's row, and its foot (the total row and the summary lines);
 * ey_report_table() prints all three. The head and the rows depend only on what
 * is known when the layer is done, so a run can print them as layers finish. */
void ey_report_table(const ey_report *r, FILE *f);
void ey_report_table_head(const ey_report *r, FILE *f);
void ey_report_table_row(const ey_report *r, int i, FILE *f);
void ey_report_table_foot(const ey_report *r, FILE *f);
/* Each layer's Eyexam bounds (mapper/eyexam.h), a line each: `run --eyexam`. */
void ey_report_eyexam_table(const ey_report *r, FILE *f);
void ey_report_json(const ey_report *r, FILE *f);
void ey_report_csv(const ey_report *r, FILE *f); /* the header, then a row per layer */

struct ey_json;
/* The members of the JSON report, written into the open object of `j` (a sweep
 * nests the report of each point in its own line). */
void ey_report_json_members(const ey_report *r, struct ey_json *j);
/* The CSV parts: the header line; layer i's row; and a row named `total` that
 * sums the mapped layers (shape and mapping columns empty, `mapped` 1 when every
 * layer mapped, `error` set to `error` when not NULL). The columns are those of
 * the descriptors in sim/report/stats.h. */
void ey_report_csv_header(FILE *f);
int ey_report_csv_columns(void); /* the header's columns */
/* A CSV field, quoted when it holds a comma, a quote or a newline. */
void ey_csv_field(FILE *f, const char *s);
void ey_report_csv_layer(const ey_report *r, int i, FILE *f);
void ey_report_csv_total(const ey_report *r, FILE *f, const char *error);
/* A `total` row for a run that has no report (`mapped` 0, every figure empty). */
void ey_report_csv_blank_total(FILE *f, const char *arch, const char *net, int batch,
                               const char *error);

/* Bytes the estimate moves to and from DRAM for one layer (RLC-coded rows at their
 * expected size when the arch codes activations; `a` is unused). */
uint64_t ey_cost_dram_bytes(const ey_cost *c, const ey_arch *a);

#ifdef __cplusplus
}
#endif
#endif /* EY_REPORT_H */
