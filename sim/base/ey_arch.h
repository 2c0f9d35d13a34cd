/* ey_arch.h - what an architecture and a network are, as plain data. sim/config.c
 * fills these structs from YAML; mapper/ reads them and never sees the engine.
 * Units are in every field's comment; defaults and sources are in sim/config.c and
 * docs/config.md. */
#ifndef EY_ARCH_H
#define EY_ARCH_H

#include "sim/base/ey_checked.h"
#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ey_noc_impl { EY_NOC_MULTICAST_BUS = 0, EY_NOC_HMESH } ey_noc_impl;
typedef enum ey_filter_path { EY_FILTER_STAGED = 0, EY_FILTER_DIRECT } ey_filter_path;
typedef enum ey_dram_impl { EY_DRAM_FIXED = 0 } ey_dram_impl;
typedef enum ey_objective { EY_OBJ_ENERGY = 0, EY_OBJ_CYCLES, EY_OBJ_EDP } ey_objective;
typedef enum ey_energy_unit { EY_UNIT_NORMALIZED = 0, EY_UNIT_PJ } ey_energy_unit;

#define EY_ARCH_MAX_KEYS 64 /* rows of the architecture table, with room to grow */

typedef struct ey_arch {
  char name[EY_NAME_MAX];
  int core_mhz;           /* core clock, MHz */
  int dram_mhz;           /* DRAM link clock, MHz */
  int rows, cols;         /* physical PE array */
  int ifmap_spad_words;   /* per PE, words of data.word_bits */
  int filter_spad_words;  /* per PE, words */
  int psum_spad_words;    /* per PE, words */
  int mul_stages;         /* multiplier pipeline depth, cycles */
  int simd;               /* MACs a PE issues a cycle: filters side by side on one ifmap value */
  int zero_gating;        /* 1: a zero ifmap skips the filter read and the multiply */
  int ifmap_fifo_words;   /* ifmap input FIFO per PE, words */
  int psum_fifo_words;    /* psum input FIFO per PE, words */
  int word_bits;          /* activation and weight width, bits */
  int psum_bits;          /* partial-sum width, bits: psums wrap modulo 2^psum_bits */
  int product_shift;      /* arithmetic right shift of each product before accumulation */
  int noc_impl;           /* ey_noc_impl */
  int noc_ifmap_wpc;      /* ifmap GIN, words per core cycle (hierarchical-mesh: per router) */
  int noc_filter_wpc;     /* filter GIN, words per core cycle (... per weight router) */
  int noc_psum_wpc;       /* psum GIN (GLB to array), words per core cycle (... per psum router) */
  int noc_gon_wpc;        /* GON (array to GLB), words per core cycle (... per psum router) */
  int mesh_cluster_rows;  /* hierarchical-mesh: PE rows per cluster */
  int mesh_cluster_cols;  /* ... PE columns per cluster */
  int mesh_ifmap_routers; /* ... ifmap routers (and GLB ifmap banks) per cluster */
  int mesh_hop_cycles;    /* ... cycles a word spends in each router it passes */
  int glb_kb;             /* global buffer, KiB */
  int glb_filter_kb;      /* of which the filter staging region, KiB (glb.filter_region
                             block: at most) */
  int glb_filter_block;   /* glb.filter_region block: the region is one filter block of the
                             layer's mapping (ey_staging_bits) */
  int filter_direct;      /* glb.filter_path direct: filters go from DRAM straight to the
                             array's filter network, no GLB staging (ey_filter_path) */
  int glb_ifmap_ring;     /* 1: one ifmap tile's room is a ring the next one starts to fill */
  int ofmap_per_pass;     /* glb.ofmap_writes pass: each pass's finished outputs go out as it
                             ends; 0 (tile): the whole psum tile's once it is done */
  int glb_banks;          /* banks: word-interleaved, or clustered (glb_clustered) */
  int glb_bank_ports;     /* array-side accesses per bank per cycle */
  int glb_clustered;      /* glb.bank_map clustered: each mesh router owns a bank of its
                             cluster (ey_glb_try_bank) */
  int dram_impl;          /* ey_dram_impl */
  int dram_bus_bits;      /* off-chip bus width, bits per link cycle */
  int dram_latency;       /* link cycles added to each DRAM transfer */
  int dram_rlc;           /* 1: activations cross the DRAM bus RLC-coded */
  int rlc_rows;           /* dram.rlc_layout row: each row coded on its own, in whole words
                             (0: stream, a tensor's rows one pair stream) */
  int dram_demand_first;  /* 1: a tile's first filter read goes before the next tile's prefetch */
  int energy_unit;        /* ey_energy_unit: how to label energies */
  double e_mac;           /* energy of one MAC */
  double e_spad;          /* energy of one scratchpad word access */
  double e_noc;           /* energy of a NoC word per receiver (PE, or GLB for the GON) */
  double e_noc_wire;      /* energy of a NoC word per PE pitch of wire (multicast-bus, links) */
  double e_glb;           /* energy of one GLB word access */
  double e_dram;          /* energy of one DRAM word access */
  int e_ref_bits;         /* width the costs are for; 0: per access whatever the width */
  int objective;          /* ey_objective: what the mapper minimizes */
  int set_whole;          /* mapper.set_width whole: e = E when folded it fits, else min(E, cols) */

  /* Not configuration: where each key came from, for messages. */
  char path[256];                 /* the file, or "" */
  int key_line[EY_ARCH_MAX_KEYS]; /* line that set key i; -line of the file when
                                    defaulted; 0 when set by --set */
  char set_where[256];            /* what set the keys of line 0, for messages
                                     ("sweep.yaml: point 3"); "" means --set */
} ey_arch;

/* What a node of a network does. The array runs conv and fc (the layers); the
 * others run on the host between layers (docs/graphs.md). */
typedef enum ey_layer_type {
  EY_LAYER_CONV = 0,
  EY_LAYER_FC,
  EY_NODE_MAXPOOL,
  EY_NODE_AVGPOOL,
  EY_NODE_ADD,
  EY_NODE_CONCAT,
  EY_NODE_FLATTEN
} ey_layer_type;
#define EY_NODE_IS_LAYER(type) ((type) <= EY_LAYER_FC)
#define EY_NODE_TYPES (EY_NODE_FLATTEN + 1)

/* "conv", "fc", "maxpool", ...: the name a network file gives a node type
 * (its `type:` key); "?" for a number that is none. */
static inline const char *ey_node_type_name(int type) {
  static const char *const names[EY_NODE_TYPES] = {"conv", "fc",     "maxpool", "avgpool",
                                                   "add",  "concat", "flatten"};
  return type >= 0 && type < EY_NODE_TYPES ? names[type] : "?";
}
/* "a" or "an" before that name in a message. */
static inline const char *ey_node_type_article(int type) {
  const char c = ey_node_type_name(type)[0];
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' ? "an" : "a";
}

/* One convolution (FC is a convolution with H = R, W = S). C and M count all
 * groups; each group convolves C/groups channels into M/groups filters. */
typedef struct ey_layer {
  char name[EY_NAME_MAX];
  int type;   /* ey_layer_type */
  int N;      /* images (the batch) */
  int C, M;   /* input channels, filters (output channels) */
  int H, W;   /* input height and width, before padding */
  int R, S;   /* filter height and width */
  int stride; /* vertical and horizontal stride */
  int pad;    /* zero padding on each side */
  int groups; /* grouped convolution; groups = C = M is depthwise */
  int relu;   /* 1: ReLU after requantization */
  int E, F;   /* output height and width (derived) */
  int line;   /* line of the layer in its file */
  int node;   /* its node in ey_net.nodes */
  /* The network file's zero fraction of the layer's input (its sparsity
   * profile), used for synthetic activations; zeros_given 0: none stated. */
  double zeros;
  int zeros_given;
} ey_layer;

/* The zero fraction of layer l's synthetic ifmap: `option` (--zeros) when it is
 * 0 to 1, else the network's profile for the layer, else 0. */
static inline double ey_layer_zeros(const ey_layer *l, double option) {
  return option >= 0 ? option : l->zeros_given ? l->zeros : 0.0;
}

#define EY_NODE_INPUTS_MAX 16 /* inputs of one node (a concat's branches) */
#define EY_NET_INPUT (-1)     /* an input that is the network's own input */

/* One node of a network graph, in file order: every input comes before it. For
 * conv and fc, `l` is the layer (as in ey_net.layers); for pooling, l.C, l.H and
 * l.W are its input, l.R, l.S, l.stride and l.pad its window, l.E and l.F its
 * output; for the other types l.C, l.H, l.W are the first input's shape. */
typedef struct ey_node {
  ey_layer l;  /* name, type, relu, line and the geometry */
  int layer;   /* its index in ey_net.layers; -1 for a host node or an unselected layer */
  int ninputs; /* 1 .. EY_NODE_INPUTS_MAX */
  int inputs[EY_NODE_INPUTS_MAX]; /* node indices, each below this one's, or EY_NET_INPUT */
  int ceil;                       /* pooling: output size rounded up */
  int global;                     /* pooling: the window is the whole input */
  int outC, outH, outW;           /* the output, per image */
} ey_node;

typedef struct ey_net {
  char name[EY_NAME_MAX];
  int batch; /* images; every layer's N */
  int nlayers;
  ey_layer *layers; /* owned: the conv and fc nodes (those --layers keeps), in file order */
  int nnodes;
  ey_node *nodes;    /* owned: every node, in file order */
  int independent;   /* 1: every layer reads an input of its own (no graph) */
  int inC, inH, inW; /* the network's input, per image (0 when independent) */
  char path[256];
} ey_net;

/* Output size of a pooling window k with stride and pad over `in` values:
 * floor((in + 2 pad - k) / stride) + 1, or with `ceil` rounded up, less one when
 * the last window would start in the right padding (Caffe and ONNX). The caller
 * checks k <= in + 2 pad. */
static inline int ey_pool_out(int in, int k, int stride, int pad, int ceil) {
  const int span = in + 2 * pad - k;
  int out = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
  if (ceil && (out - 1) * stride >= in + pad) out--;
  return out;
}

/* MACs of a layer for all N images: N·M·(C/groups)·E·F·R·S, or UINT64_MAX when
 * that does not fit 64 bits. */
static inline uint64_t ey_layer_macs(const ey_layer *l) {
  const uint64_t f[7] = {(uint64_t)l->N, (uint64_t)l->M, (uint64_t)(l->C / l->groups),
                         (uint64_t)l->E, (uint64_t)l->F, (uint64_t)l->R,
                         (uint64_t)l->S};
  return ey_mul_n(f, 7);
}

#ifdef __cplusplus
}
#endif
#endif /* EY_ARCH_H */
