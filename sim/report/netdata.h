/* netdata.h - the data of a run on real weights (docs/graphs.md, "Whole-network
 * runs on real data"): each layer's weights, bias and requantization shift from a
 * weights folder, and, for a whole-network run, each layer's ifmap made of what
 * its producers computed.
 *
 * Two modes:
 *   chained   (--weights without --activations) the network runs end to end from
 *             its input (--input, or seeded synthetic activations): every node's
 *             output is kept, the layers the run simulates take their outputs
 *             from the engine, and every other node (host nodes, layers left out
 *             by --layers) is computed by the reference code. The layers must be
 *             simulated one at a time, in order (ey_netdata_chained()).
 *   per layer (--weights with --activations) each layer's ifmap is the trace's
 *             (or seeded), its weights the folder's; layers may run at once.
 *
 * ey_netdata_begin() and ey_netdata_end() bracket each simulated layer; they may
 * be called from several threads at once for different layers in the per-layer
 * mode. */
#ifndef EY_NETDATA_H
#define EY_NETDATA_H

#include <stdio.h>

#include "sim/engine/engine.h"
#include "traces/actrace.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ey_netdata ey_netdata;

typedef struct ey_netdata_opts {
  const char *weights_dir; /* the weights folder (required) */
  const char *input;       /* the network's input, a .npy (NULL: seeded) */
  int chained;             /* 1: a whole-network run (above) */
  int keep_all;            /* chained: keep every node's output to the end (what
                              ey_netdata_write_activations() needs); 0: free each
                              one once its last consumer is computed */
  uint64_t seed;           /* of the synthetic input or ifmaps */
  double zeros;            /* their zero fraction; < 0: ey_layer_zeros() */
} ey_netdata_opts;

/* Loads the folder's quant.yaml and, when chained, the input, and checks them
 * against the network (the weights are read layer by layer, as they run).
 * Returns EY_OK; EY_USAGE for a chained run of a network of independent layers;
 * EY_IO, EY_SYNTAX, EY_CONFIG or EY_MISMATCH naming the file for a bad folder or
 * input; EY_NOMEM. The caller frees with ey_netdata_free() whatever the result. */
ey_rc ey_netdata_open(ey_netdata **out, const ey_arch *a, const ey_net *net,
                      const ey_netdata_opts *o, ey_err *err);
int ey_netdata_chained(const ey_netdata *d);
const char *ey_netdata_weights(const ey_netdata *d); /* the weights folder */
const char *ey_netdata_input(const ey_netdata *d);   /* --input, or NULL: seeded */

/* Before layer i (of net->layers) is simulated: sets lo->weights, lo->bias,
 * lo->shift_given, lo->shift and (chained) lo->outputs, and *ifmap to the ifmap
 * the layer runs on: the producers' outputs (chained), else `trace_ifmap` (may be
 * NULL: then seeded, as without weights). Chained, it first computes every node
 * before the layer's that is not yet computed. */
ey_rc ey_netdata_begin(ey_netdata *d, int i, const int16_t *trace_ifmap, ey_engine_opts *lo,
                       const int16_t **ifmap, ey_err *err);
/* After it: rc is the engine's; EY_OK keeps the layer's outputs (chained). */
void ey_netdata_end(ey_netdata *d, int i, ey_rc rc);
/* Chained: computes every node not yet computed (those after the last simulated
 * layer, or all of them when no layer was). A no-op otherwise. */
ey_rc ey_netdata_finish(ey_netdata *d, ey_err *err);

/* Chained and finished: writes the last node's output as an int16 .npy of shape
 * (N, C, H, W) to f. */
ey_rc ey_netdata_write_output(const ey_netdata *d, FILE *f, ey_err *err);
/* Chained and finished: writes every conv and fc layer's ifmap, as LAYER.ifmap,
 * as an activation trace to f; *s (may be NULL) says what it wrote. */
ey_rc ey_netdata_write_activations(const ey_netdata *d, FILE *f, ey_act_stats *s, ey_err *err);
/* The shift layer i ran with (valid once it began), for the report. */
int ey_netdata_shift(const ey_netdata *d, int i);

void ey_netdata_free(ey_netdata *d); /* NULL is a no-op */

#ifdef __cplusplus
}
#endif
#endif /* EY_NETDATA_H */
