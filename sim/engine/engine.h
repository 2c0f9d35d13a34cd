/* engine.h - the cycle-level engine: it builds the PEs, the multicast buses, the
 * GLB and the DRAM from an architecture, and executes a layer's mapping pass by
 * pass, cycle by cycle, moving real data, so that a wrong schedule is a wrong
 * answer. The schedule is the one of docs/mapping.md; the timing rules are in
 * docs/engine.md. */
#ifndef EY_ENGINE_H
#define EY_ENGINE_H

#include "dram/dram.h"
#include "mapper/mapper.h"
#include "pe/pe.h"
#include "traces/vcdfile.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EY_GLB_MAX_BANKS 65536 /* glb.banks at most (sim/config.c) */
/* Per-bank entries an ey_meas holds: a fixed array, since an ey_meas lives on
 * SystemC threads' small stacks. */
#define EY_MEAS_BANKS 1024

/* The PE-cycle classes (EY_CL_*) are the PE's own: pe/pe.h. */
extern const char *const ey_class_names[EY_NCLASSES];

typedef enum ey_step { EY_STEP_FAST = 0, EY_STEP_EXACT } ey_step;

/* What the array does in one cycle, for waveforms (sim/main.c writes the VCD). */
typedef struct ey_sample {
  const ey_layer *layer;
  ey_cycle cycle; /* of the run: opts.cycle_base + the layer's cycle */
  int rows, cols, banks;
  const unsigned char *cls;                /* per PE, row-major: its EY_CL_* class */
  const uint32_t *ifmap_words;             /* per PE: ifmap spad + FIFO words held */
  const uint32_t *psum_words;              /* per PE: psum spad words in use */
  int ifmap_valid;                         /* a packet waits at the ifmap GIN */
  int ifmap_sent;                          /* packets it delivered this cycle */
  int ifmap_cast;                          /* PEs the last of them reached */
  int filter_busy;                         /* the filter GIN is loading spads */
  int psum_in, psum_local, psum_out;       /* psum words moved on the GIN, the vertical
                                              links and the GON this cycle */
  const uint8_t *bank_reads, *bank_writes; /* array-side accesses per bank */
  int dram_busy;                           /* the link moves data this cycle */
  uint64_t dram_bytes_in_flight;           /* requested and not yet complete */
  const uint8_t *ifmap_router_words;       /* hierarchical-mesh (else NULL), per router:
                                              words it sent this cycle */
  const uint8_t *weight_router_busy;       /* ... per weight router: loading spads */
} ey_sample;

/* The waveform frame (traces/vcdfile.h) of sample s: the same fields, pointing
 * into s. */
ey_vcd_frame ey_sample_frame(const ey_sample *s);

typedef struct ey_engine_opts {
  int step;      /* ey_step: fast (default) or exact; both give the same results */
  uint64_t seed; /* data generator seed */
  double zeros;  /* fraction of ifmap values that are zero; < 0: each layer's
                    profile, ey_layer_zeros() */
  int check;     /* 1: compare every output with the golden convolution */
  /* Called after every pass with the passes done in this layer (may be NULL). */
  void (*progress)(void *ctx, const ey_layer *l, uint64_t passes_done);
  void *progress_ctx;
  /* Called for every DRAM transfer and every GLB access (may be NULL): the cycle,
   * the unit, the operation, the data type, the first word address (a DRAM
   * address is an element index of the layer's tensor), how many consecutive
   * words, and the PE of a spad access (else -1). With access_detail, every spad
   * access (a column's MAC-side accesses in one row, at the cycle it ends) and
   * every NoC packet too; an ifmap or filter packet on the hierarchical mesh
   * gives, instead of a PE, the router it left from: its cluster column |
   * cluster row << 10 | router << 20 (psum packets -1). */
  void (*access)(void *ctx, const ey_layer *l, ey_cycle now, int unit, int op, int type,
                 uint64_t addr, uint64_t words, int pe);
  void *access_ctx;
  int access_detail; /* 1: spad and NoC accesses too (EY_ACC_SPAD, EY_ACC_NOC) */
  /* Called at the end of every cycle from sample_from to sample_until (run
   * cycles; may be NULL). With a sampler the engine steps exactly until the
   * window is behind it, then as `step` says, from the next pass on. */
  void (*sample)(void *ctx, const ey_sample *s);
  void *sample_ctx;
  ey_cycle sample_from, sample_until;
  ey_cycle cycle_base; /* the run cycle at which this layer starts */
  /* The DRAM model; NULL: the arch's dram.impl. &ey_dram_external_ops lets the
   * caller serve the requests (ey_engine_dram()). */
  const ey_dram_ops *dram_ops;
  /* Fast stepping replays a pass whose signature it has simulated (docs/engine.md,
   * "Pass replay"): no_replay simulates every pass; replay_check simulates
   * every pass and fails (EY_MISUSE) when one differs from its signature's
   * record. Neither changes a result. */
  int no_replay, replay_check;
  /* The layer's weights, [M][C/groups][R][S] words (NULL: made from the seed, as
   * the ifmap is when ey_engine_create() gets none). Copied at create. */
  const int16_t *weights;
  /* The layer's bias, M int32 values added to every psum of filter m before
   * requantization (sim/engine/data.h); NULL: none. Copied at create. */
  const int32_t *bias;
  /* shift_given: the requantization shift is `shift` (0 to 31); 0: the shift of
   * the seeded data under the arch's psum arithmetic, ey_requant_shift_arith().
   * --check uses the same shift and bias. */
  int shift_given;
  int shift;
  /* Not NULL: ey_engine_run_layer() copies the layer's outputs, [N][M][E][F]
   * words, here when it ends with EY_OK. */
  int16_t *outputs;
} ey_engine_opts;

/* Access units and operations. A spad row names its PE (row-major index); NoC
 * rows are one per packet, `words` counting the PEs it reached. */
enum { EY_ACC_DRAM = 0, EY_ACC_GLB = 1, EY_ACC_SPAD = 2, EY_ACC_NOC = 3 };
enum { EY_OP_READ = 0, EY_OP_WRITE = 1, EY_OP_MULTICAST = 2, EY_OP_UNICAST = 3 };

/* What the engine measured on one layer. */
typedef struct ey_meas {
  ey_counts c;                               /* the same counts as the analytic model */
  uint64_t cycles;                           /* core cycles, first DRAM request to last write */
  uint64_t classes[EY_NCLASSES];             /* PE-cycles by class */
  uint64_t pes;                              /* PEs of the array */
  uint64_t ifmap_bus_blocked;                /* cycles a ready ifmap packet waited for a full PE */
  uint64_t ifmap_multicasts, ifmap_unicasts; /* ifmap GIN packets to >1 and to 1 PE */
  uint64_t filter_multicasts, filter_unicasts; /* filter GIN packets likewise */
  uint64_t dram_wait_cycles;                   /* cycles the array waited for DRAM */
  uint64_t dram_bits[EY_NTYPES];               /* bits that crossed the DRAM bus (RLC-coded when
                                                  dram.rlc), reads and writes, by data type */
  uint64_t passes;
  uint64_t glb_conflicts; /* array-side GLB accesses that waited for a bank */
  uint64_t psum_wraps;    /* outputs whose psum overflowed data.psum_bits and wrapped */
  /* Words by bank and data type. With more than EY_MEAS_BANKS banks, entry i
   * sums banks i * per .. i * per + per - 1, per = glb_banks_per_entry
   * (ey_meas_bank_entries() of them). */
  int glb_banks, glb_banks_per_entry;
  uint64_t glb_bank_reads[EY_MEAS_BANKS][3];
  uint64_t glb_bank_writes[EY_MEAS_BANKS][3];
  /* hierarchical-mesh only (0 on the bus): the most ifmap bands and sending
   * ifmap routers of any pass (docs/mesh.md; the words x links crossed are
   * counts: c.noc_*_links*). */
  int mesh_regions_max, mesh_ifmap_streams_max;
  /* ... and per router network (0 ifmap, 1 weight), from the words every
   * router and link carried over the layer (ey_hmesh_add_words): the routers
   * and links that carried any, the busiest one's words, and the words summed
   * over routers (each packet once per router it passed). */
  int mesh_routers_used[2], mesh_links_used[2];
  uint64_t mesh_router_words_max[2], mesh_link_words_max[2], mesh_router_words[2];
  int checked;       /* 1: every output equals the golden one */
  uint64_t replayed; /* of the passes, those replayed from a record (fast stepping) */
} ey_meas;

/* The per-bank entries of m that hold counts. */
static inline int ey_meas_bank_entries(const ey_meas *m) {
  return m->glb_banks_per_entry
             ? (m->glb_banks + m->glb_banks_per_entry - 1) / m->glb_banks_per_entry
             : 0;
}

/* The engine for one layer, steppable: create it, step it to a cycle (as often as
 * needed), read its stats, destroy it. Stepping in chunks of any size gives the
 * same results, counters and outputs as stepping in one call. */
typedef struct ey_engine ey_engine;

/* Builds the PEs, NoCs, GLB and DRAM for layer l, its mapping m and the options o,
 * and the layer's data (`ifmap` as for ey_engine_run_layer()). a, l, m, o and
 * ifmap must outlive the engine (o->weights and o->bias need not). EY_OK with
 * *out set; EY_MISUSE for a mapping that fails ey_mapping_check() or a given
 * shift outside 0 to 31; EY_NOMEM. */
ey_rc ey_engine_create(const ey_arch *a, const ey_layer *l, const ey_mapping *m,
                       const ey_engine_opts *o, const int16_t *ifmap, ey_engine **out, ey_err *err);
/* Simulates core cycles up to `until` (exclusive: ey_engine_now() is then until).
 * Returns EY_OK when it got there; EY_DONE when the layer has ended (its last
 * write done, its outputs checked when o->check; ey_engine_now() is then its
 * cycle count, and later calls return EY_DONE); EY_WAIT when it stopped before
 * `until` because it needs a DRAM completion that the memory has not given (an
 * external memory: serve the requests of ey_engine_dram(), then step again);
 * EY_MISMATCH when --check finds an output that differs from the golden
 * convolution; EY_NOMEM; EY_MISUSE on an engine deadlock (a bug). After a failure
 * every call returns the same rc and message. */
ey_rc ey_engine_step(ey_engine *e, ey_cycle until, ey_err *err);
/* An external memory's word that it will give no completion before core cycle c
 * that it has not given already: a wait for one may then pass the cycles before c
 * (so that a waveform shows them as they pass) before the completion is known.
 * The results are the same. */
void ey_engine_quiet_until(ey_engine *e, ey_cycle c);
ey_cycle ey_engine_now(const ey_engine *e); /* core cycles simulated so far */
int ey_engine_done(const ey_engine *e);     /* 1 once a step returned EY_DONE */
/* What has been measured so far (complete once done). */
void ey_engine_stats(const ey_engine *e, ey_meas *out);
/* The engine's memory front end: with the external model, the caller takes its
 * requests (ey_dram_next_request) and gives their completions (ey_dram_complete). */
ey_dram *ey_engine_dram(ey_engine *e);
/* The layer's outputs, [N][M][E][F] words (requantized, as the golden
 * convolution's `out`). The words a DRAM write request names are final when the
 * request is made; all of them are once the layer is done. */
const int16_t *ey_engine_outputs(const ey_engine *e);
/* One run of consecutive words of a DRAM request, in its tensor's elements. */
typedef struct ey_dram_run {
  uint64_t addr, words;
} ey_dram_run;
/* The runs of words that DRAM request `id` of e moves, in tensor order, as an
 * external memory needs them to gather a tile: an ifmap read is one run per
 * (image, channel, real input row) of its tile, a filter read one per filter
 * (its block's channels), an ofmap write one per (image, filter, output row).
 * Their words sum to the request's `words`; the first run starts at its `addr`.
 * Writes at most `max` runs and returns how many there are (max 0: count them);
 * 0 for an id the engine has not made. */
uint64_t ey_engine_request_runs(const ey_engine *e, uint64_t id, ey_dram_run *runs, uint64_t max);
void ey_engine_destroy(ey_engine *e); /* NULL is a no-op */

/* Runs one layer on `ifmap` ([N][C][H][W], e.g. replayed from an activation
 * trace) or, when it is NULL, on activations made from o->seed and o->zeros; the
 * weights are o->weights or made from the seed. Returns EY_OK; EY_MISMATCH when --check finds an
 * output that differs from the golden convolution (err names the layer, the index, the expected
 * and the got); EY_NOMEM; EY_MISUSE as ey_engine_create(). */
ey_rc ey_engine_run_layer(const ey_arch *a, const ey_layer *l, const ey_mapping *m,
                          const ey_engine_opts *o, const int16_t *ifmap, ey_meas *out, ey_err *err);

#ifdef __cplusplus
}
#endif
#endif /* EY_ENGINE_H */
