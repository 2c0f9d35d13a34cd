/* vcdfile.h - the waveform of a run: a VCD file (traces/vcd.h) whose signals are
 * declared up front from the architecture (the PEs, the NoC, the GLB banks and
 * DRAM, those the glob patterns keep), then fed one frame a cycle. The file
 * appears whole under its name, or not at all (sim/base/outfile.h).
 *
 * Signal names, widths and meanings are in docs/traces.md. A frame is plain data
 * so that this writer needs nothing of the engine: the caller copies the fields
 * of what its simulator samples. */
#ifndef EY_VCDFILE_H
#define EY_VCDFILE_H

#include <stdint.h>

#include "sim/base/ey_arch.h"
#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the chip does in one cycle. The per-PE arrays are row-major, rows * cols
 * long; the per-bank ones glb_banks long. */
typedef struct ey_vcd_frame {
  uint64_t cycle;                          /* of the run */
  const unsigned char *pe_state;           /* per PE: its class (docs/engine.md) */
  const uint32_t *ifmap_words;             /* per PE: ifmap spad + FIFO words held */
  const uint32_t *psum_words;              /* per PE: psum spad words in use */
  int ifmap_valid;                         /* a packet waits at the ifmap GIN */
  int ifmap_sent;                          /* packets it delivered this cycle */
  int ifmap_cast;                          /* PEs the last of them reached */
  int filter_busy;                         /* the filter GIN is loading spads */
  int psum_in, psum_local, psum_out;       /* psum words on the GIN, links and GON */
  const uint8_t *bank_reads, *bank_writes; /* array-side accesses per bank */
  int dram_busy;                           /* the link moves data this cycle */
  uint64_t dram_bytes_in_flight;           /* requested and not yet complete */
  /* hierarchical-mesh only (else NULL), per router (cluster row * clusters
   * across + cluster column) * routers + router: ifmap words it sent this cycle
   * (as a source), and whether a weight router is loading spads. */
  const uint8_t *ifmap_router_words, *weight_router_busy;
} ey_vcd_frame;

typedef struct ey_vcd_file ey_vcd_file; /* opaque */

/* Opens `path` through a temporary file and declares the signals of the
 * architecture `a` whose full names (top.array.pe_r0_c0.state) match one of the
 * comma-separated globs of `patterns` (NULL: every signal), each as wide as the
 * largest value the architecture lets it take. A PE's `mac` signal is 1 when its
 * state is `mac_state`. Returns EY_OK with *out set, or EY_IO or EY_NOMEM with
 * the message in err (nothing is left behind), or EY_USAGE, before the file is
 * created, when `patterns` holds no glob or a glob that matches no signal (the
 * message names them as the command line's --vcd-signals, with examples of the
 * signals there are). */
ey_rc ey_vcd_begin(const char *path, const ey_arch *a, const char *patterns, int mac_state,
                   ey_vcd_file **out, ey_err *err);
/* Where the signals go when they are not a VCD file of eyesim's own (the SystemC
 * adapter's trace file): var() declares signal `name` (its full name, as
 * top.array.pe_r0_c0.state) `width` bits wide and returns a handle >= 0; set()
 * gives signal h's value from cycle `cycle` of the run on, for every signal in
 * every frame (the sink keeps what changed). */
typedef struct ey_vcd_sink {
  void *ctx;
  int (*var)(void *ctx, const char *name, int width);
  void (*set)(void *ctx, uint64_t cycle, int h, uint64_t value);
} ey_vcd_sink;
/* As ey_vcd_begin(), the same signals declared to `sink` (copied) instead of a
 * file: EY_OK with *out set, EY_NOMEM, EY_USAGE for `patterns`, or EY_MISUSE
 * when a callback is NULL. ey_vcd_end()
 * then only frees w. */
ey_rc ey_vcd_begin_sink(const ey_vcd_sink *sink, const ey_arch *a, const char *patterns,
                        int mac_state, ey_vcd_file **out, ey_err *err);
/* Writes what changed in frame `fr`; frames come in cycle order. */
void ey_vcd_sample(ey_vcd_file *w, const ey_vcd_frame *fr);
/* Closes the file and frees w: renamed into place when `keep`, removed otherwise.
 * Returns EY_OK, or EY_IO with the message in err (the file is then removed). */
ey_rc ey_vcd_end(ey_vcd_file *w, int keep, ey_err *err);
/* Removes the file's temporary name at once, leaving w as it is: for when a
 * thread may still be writing frames to it and the process is about to exit. */
void ey_vcd_unlink(ey_vcd_file *w);

#ifdef __cplusplus
}
#endif
#endif /* EY_VCDFILE_H */
