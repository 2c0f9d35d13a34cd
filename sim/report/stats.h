/* stats.h - the figures a report gives, described once: for each, its name in
 * the JSON (a layer's member path and the total's), its CSV column, its table
 * heading and cell format, its unit, and where its value comes from. The table,
 * the JSON, the CSV (and so a sweep's columns) are all written from these
 * descriptors, each form listing the figures it gives in its own order.
 *
 * A figure may be a family over the data types, the memory levels, the PE-cycle
 * classes, or the levels and types together: its names then hold "%s" (one per
 * dimension), filled with ey_type_names, ey_level_names, ey_class_names. */
#ifndef EY_STATS_H
#define EY_STATS_H

#include <stdio.h>

#include "mapper/eyexam.h"
#include "mapper/mapper.h"
#include "sim/engine/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ey_json;

/* The figures of one layer (measured or estimated) or of a run's totals, seen
 * alike: what each descriptor reads. */
typedef struct ey_stat_src {
  const ey_arch *arch;
  int total;  /* 1: a run's totals (the figures of one layer are left blank) */
  int engine; /* 1: the cycle-level engine's figures (classes, stalls, checked) are known */
  const ey_counts *c;
  uint64_t cycles, analytic_cycles;
  uint64_t dram_bytes_moved; /* that crossed the DRAM bus */
  double energy_total, analytic_energy_total;
  double energy[EY_NLEVELS][EY_NTYPES]; /* a layer's, by level and type */
  double level_energy[EY_NLEVELS];
  uint64_t classes[EY_NCLASSES]; /* PE-cycles */
  uint64_t ifmap_bus_blocked, dram_wait_cycles, glb_conflicts;
  uint64_t psum_wraps;      /* outputs whose psum overflowed data.psum_bits and wrapped */
  int active_pes;           /* a layer's */
  uint64_t glb_filter_bits; /* a layer's filter staging region (glb.filter_region) */
  int checked; /* a layer: its outputs matched; totals: every layer's did, under --check */
  int layers_checked, layers_mapped, layers_unmapped; /* totals */
  double fps, gops, dram_bytes_per_image;             /* totals */
  double eyexam[EY_EX_STEPS];                         /* a layer's Eyexam bounds, MAC/cycle */
  double eyexam_bw[EY_EXBW_LEVELS];                   /* and step 6's per level */
} ey_stat_src;

typedef enum ey_stat_id {
  EY_ST_NONE, /* no figure */
  EY_ST_ACTIVE_PES,
  EY_ST_UTILIZATION,
  EY_ST_ACTIVE_UTILIZATION,
  EY_ST_CYCLES,
  EY_ST_ANALYTIC_CYCLES,
  EY_ST_TIME_MS,
  EY_ST_MACS,
  EY_ST_MACS_GATED,
  EY_ST_SPAD_READS,
  EY_ST_SPAD_WRITES,
  EY_ST_NOC_IFMAP,
  EY_ST_NOC_IFMAP_DELIVERED,
  EY_ST_NOC_FILTER,
  EY_ST_NOC_FILTER_DELIVERED,
  EY_ST_NOC_PSUM_IN,
  EY_ST_NOC_PSUM_LOCAL,
  EY_ST_NOC_PSUM_OUT,
  EY_ST_NOC_IFMAP_XBUSES,
  EY_ST_NOC_FILTER_XBUSES,
  EY_ST_NOC_IFMAP_LINKS_X,
  EY_ST_NOC_IFMAP_LINKS_Y,
  EY_ST_NOC_FILTER_LINKS,
  EY_ST_GLB_FILTER_BITS,
  EY_ST_GLB_READS,
  EY_ST_GLB_WRITES,
  EY_ST_DRAM_READS,
  EY_ST_DRAM_WRITES,
  EY_ST_DRAM_BYTES_RAW,
  EY_ST_DRAM_BYTES_MOVED,
  EY_ST_RLC_RATIO,
  EY_ST_GLB_ACCESSES,
  EY_ST_NOC_TRANSFERS,
  EY_ST_SPAD_ACCESSES,
  EY_ST_ENERGY_TOTAL,
  EY_ST_ANALYTIC_ENERGY_TOTAL,
  EY_ST_ENERGY_LEVEL,
  EY_ST_ENERGY_LEVEL_TYPE,
  EY_ST_PE_CYCLES,
  EY_ST_IFMAP_BUS_BLOCKED,
  EY_ST_DRAM_WAIT_CYCLES,
  EY_ST_GLB_CONFLICTS,
  EY_ST_PSUM_WRAPS,
  EY_ST_CHECKED,
  EY_ST_LAYERS_CHECKED,
  EY_ST_LAYERS_MAPPED,
  EY_ST_LAYERS_UNMAPPED,
  EY_ST_FPS,
  EY_ST_GOPS,
  EY_ST_DRAM_BYTES_PER_IMAGE,
  EY_ST_EYEXAM,
  EY_ST_EYEXAM_BW,
  EY_ST_COUNT
} ey_stat_id;

typedef enum ey_stat_kind { EY_SK_UINT, EY_SK_REAL, EY_SK_INT, EY_SK_BOOL } ey_stat_kind;
/* The dimension of a family: one figure, or one per type, level, class, level
 * and type (index level * EY_NTYPES + type). */
typedef enum ey_stat_over {
  EY_SO_ONE,
  EY_SO_TYPE,
  EY_SO_LEVEL,
  EY_SO_CLASS,
  EY_SO_LEVEL_TYPE,
  EY_SO_EYEXAM,   /* the Eyexam steps (ey_eyexam_names) */
  EY_SO_EYEXAM_BW /* the levels of Eyexam's step 6 (ey_eyexam_bw_names) */
} ey_stat_over;
/* Where a value is: a counter of ey_counts, a field of ey_stat_src (both at
 * `off`, an array for a family), or computed by `count` or `real`. */
typedef enum ey_stat_from { EY_SF_COUNTS, EY_SF_SRC, EY_SF_FN } ey_stat_from;

enum {
  EY_STAT_LAYER = 1,  /* a layer's alone: blank in the totals */
  EY_STAT_ENGINE = 2, /* the cycle-level engine's alone: blank (CSV) or left out (JSON) else */
};

typedef struct ey_stat {
  const char *json;       /* a layer's JSON member, a '.'-separated path; NULL: none */
  const char *json_total; /* the total's JSON member; NULL: none */
  const char *csv;        /* CSV column; NULL: none */
  const char *head;       /* table heading; NULL: none */
  const char *unit;       /* what it counts or measures */
  ey_stat_kind kind;
  ey_stat_over over;
  ey_stat_from from;
  size_t off;
  uint64_t (*count)(const ey_stat_src *s); /* EY_SF_FN, UINT */
  double (*real)(const ey_stat_src *s);    /* EY_SF_FN, REAL */
  int flags;                               /* EY_STAT_* */
  /* The table's cell: `width` wide, `prec` decimals (-1: an integer as it is) of
   * value * mul / div. */
  int width, prec;
  double mul, div;
} ey_stat;

extern const ey_stat ey_stats[EY_ST_COUNT];

/* A figure in a form's list; a family's members come in turn, each followed by
 * the same member of `with` when it is set (spad_ifmap_reads, spad_ifmap_writes,
 * spad_filter_reads, ...). */
typedef struct ey_stat_ref {
  ey_stat_id id;
  ey_stat_id with; /* EY_ST_NONE: none */
} ey_stat_ref;

/* How many members a family has. */
int ey_stat_members(ey_stat_over over);

/* The derived figures, as every form computes them. */
uint64_t ey_stat_dram_bytes(const ey_counts *c, const ey_arch *a); /* raw bytes of the DRAM words */
uint64_t ey_stat_glb_accesses(const ey_counts *c);
uint64_t ey_stat_noc_transfers(const ey_counts *c);
uint64_t ey_stat_spad_accesses(const ey_counts *c);
double ey_stat_ms(uint64_t cycles, const ey_arch *a);
double ey_stat_utilization(uint64_t macs, uint64_t cycles, uint64_t pes); /* 0 when either is 0 */

/* The JSON members of the figures in `list`, under their json (json_total for
 * totals) paths, objects opened and closed as the paths go; a figure with no
 * such name is skipped, and so is an engine figure without the engine. */
void ey_stat_json(struct ey_json *j, const ey_stat_ref *list, int n, const ey_stat_src *s);
/* The CSV header names of `list`, each after a comma. */
void ey_stat_csv_header(FILE *f, const ey_stat_ref *list, int n);
/* Their CSV cells, each after a comma; every cell empty when s is NULL. */
void ey_stat_csv(FILE *f, const ey_stat_ref *list, int n, const ey_stat_src *s);
/* How many CSV columns `list` gives. */
int ey_stat_csv_columns(const ey_stat_ref *list, int n);
/* The table's headings, and a row's cells, separated by single spaces. */
void ey_stat_table_head(FILE *f, const ey_stat_ref *list, int n);
void ey_stat_table_row(FILE *f, const ey_stat_ref *list, int n, const ey_stat_src *s);

#ifdef __cplusplus
}
#endif
#endif /* EY_STATS_H */
