/* weights.h - the weights folder of a whole-network run (docs/graphs.md, "The
 * weights folder"): per conv or fc layer DIR/LAYER.npy (its weights) and
 * optionally DIR/LAYER.bias.npy (its bias), and optionally DIR/quant.yaml (the
 * input's scale, and per layer a weight scale and a requantization shift).
 *
 * LAYER in a file name is the layer's name with '%' written %25 and '/' written
 * %2F, as in the access traces (sim/base/ey_filestem.h): layer "block1/conv" has
 * DIR/block1%2Fconv.npy. Two layers L and L.bias would both name L.bias.npy;
 * ey_quant_load() refuses such a network.
 *
 * quant.yaml (every key optional, any other key an error):
 *
 *   input_scale: 32.0                      # a float32 input is multiplied by it
 *   layers:
 *     conv1: {weight_scale: 256.0, shift: 9}
 *     conv2: {weight_scale: 512.0}         # shift: auto
 *
 * input_scale and weight_scale are numbers from 1e-9 to 1e9 (default 1); shift is
 * `auto` (the default) or an integer from 0 to 31. Every name under `layers` must
 * be a conv or fc layer of the network, each once. */
#ifndef EY_WEIGHTS_H
#define EY_WEIGHTS_H

#include "sim/base/ey_arch.h"
#include "sim/base/ey_nameset.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EY_SHIFT_AUTO (-1) /* shift: auto, the smallest shift for which every psum fits */

/* What quant.yaml says about one layer. */
typedef struct ey_quant_layer {
  char name[EY_NAME_MAX];
  double weight_scale; /* float32 weights are multiplied by it, then rounded */
  int shift;           /* 0 to 31, or EY_SHIFT_AUTO */
  int line;            /* its line in quant.yaml; 0 when the file does not name it */
} ey_quant_layer;

typedef struct ey_quant {
  char path[1024];        /* DIR/quant.yaml, for messages */
  int given;              /* 1: the folder has a quant.yaml */
  double input_scale;     /* 1 when not given */
  int n;                  /* layers quant.yaml names */
  ey_quant_layer *layers; /* owned: those layers, in file order */
  ey_nameset index;       /* private: the layers by name */
} ey_quant;

/* Reads DIR/quant.yaml when the folder has one (without one, every setting is
 * its default) and checks it against `net`: each layer it names must be a conv
 * or fc node of the network (ey_net.nodes, or ey_net.layers for a network
 * without nodes). Also refuses a network with layers L and L.bias (see above).
 * Returns EY_OK; EY_IO when DIR is not a readable folder or quant.yaml cannot be
 * read; EY_SYNTAX for malformed YAML; EY_CONFIG with "DIR/quant.yaml:LINE: KEY:
 * ..." for a bad or unknown key, a value out of range, or a layer the network
 * lacks; EY_NOMEM. The caller calls ey_quant_free() in every case. */
ey_rc ey_quant_load(const char *dir, const ey_net *net, ey_quant *q, ey_err *err);
/* The settings of layer `name`: quant.yaml's, or the defaults (weight_scale 1,
 * shift auto, line 0) when it does not name the layer. */
ey_quant_layer ey_quant_get(const ey_quant *q, const char *name);
void ey_quant_free(ey_quant *q); /* safe on a zeroed or failed one */

/* One layer's data from the folder. */
typedef struct ey_layer_weights {
  int16_t *weights; /* [M][C/groups][R][S] words, owned */
  int32_t *bias;    /* [M], owned; NULL when the folder has no LAYER.bias.npy */
} ey_layer_weights;

/* Reads layer l's weights from DIR/LAYER.npy and its bias from DIR/LAYER.bias.npy
 * when that file exists.
 *
 * Weights: shape (M, C/groups, R, S), or for an fc layer also (M, C/groups*R*S);
 * int16 values are taken as they are and must be words of word_bits (2 to 16);
 * float32 values are multiplied by weight_scale, rounded to the nearest integer
 * (ties to even) and saturated to a word. Bias: shape (M,); int32 values are taken
 * as they are; float32 values are multiplied by bias_scale (the layer input's scale
 * times weight_scale, docs/graphs.md) and rounded (ties to even), saturated to
 * int32; a bias_scale of NaN (the input's scale is not known) refuses a float32
 * bias with EY_USAGE.
 *
 * Returns EY_OK with *out filled; EY_IO when LAYER.npy is missing or a file
 * cannot be read ("FILE: cannot open (REASON)"); EY_SYNTAX for a malformed .npy
 * (traces/npy.h), a shape that is not the layer's ("FILE: shape: expected (4, 3,
 * 3, 3) (got (4, 3, 3))"), or an int16 weight outside the word ("FILE: index 17:
 * expected a weight from -128 to 127, a word of 8 bits (got 200)"); EY_NOMEM.
 * *out holds nothing to free after a failure. */
ey_rc ey_weights_load(const char *dir, const ey_layer *l, int word_bits, double weight_scale,
                      double bias_scale, ey_layer_weights *out, ey_err *err);
void ey_layer_weights_free(ey_layer_weights *w); /* safe on a zeroed one */

/* DIR/LAYER followed by `suffix` (".npy", ".bias.npy") into out. Returns 0, or -1
 * when it does not fit in cap bytes. */
int ey_weights_path(const char *dir, const char *layer, const char *suffix, char *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* EY_WEIGHTS_H */
