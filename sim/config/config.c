/* config.c - the tables of every architecture and network key, and the
 * cross-field rules. Facts and open points come from the Eyeriss papers (Chen et
 * al., ISSCC 2016, ISCA 2016, JSSC 2017; "reference" below); an open point is a
 * key with a documented default. */
#include "sim/config/config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/base/ey_nameset.h"

#define A(field) offsetof(ey_arch, field)
#define L(field) offsetof(ey_layer, field)
#define N_(field) offsetof(ey_net, field)
#define NO(field) offsetof(ey_node, field) /* ey_node begins with its ey_layer */

/* clang-format off */
static const ey_param k_arch_params[] = {
  /* key                          type       min  max      default          field */
  { "name",                       EY_P_STR,  0,   0,       NULL,            A(name), NULL,
    "Name of the architecture, echoed in every report." },
  { "clock.core_mhz",             EY_P_INT,  1,   10000,   "200",           A(core_mhz), NULL,
    "Core clock, MHz (reference: Eyeriss v1 runs at 200 MHz)." },
  { "clock.dram_mhz",             EY_P_INT,  1,   10000,   "60",            A(dram_mhz), NULL,
    "DRAM link clock, MHz (reference: 60 MHz, asynchronous to the core)." },
  { "pe_array.rows",              EY_P_INT,  1,   1024,    NULL,            A(rows), NULL,
    "PE rows (reference: 12)." },
  { "pe_array.cols",              EY_P_INT,  1,   1024,    NULL,            A(cols), NULL,
    "PE columns (reference: 14)." },
  { "pe.ifmap_spad_words",        EY_P_INT,  1,   65535,   "12",            A(ifmap_spad_words), NULL,
    "Ifmap scratchpad per PE, words (reference: 12 x 16 b)." },
  { "pe.filter_spad_words",       EY_P_INT,  1,   65535,   "224",           A(filter_spad_words), NULL,
    "Filter scratchpad per PE, words (reference: 224 x 16 b)." },
  { "pe.psum_spad_words",         EY_P_INT,  1,   65535,   "24",            A(psum_spad_words), NULL,
    "Psum scratchpad per PE, words (reference: 24 x 16 b)." },
  { "pe.mul_stages",              EY_P_INT,  1,   16,      "2",             A(mul_stages), NULL,
    "Multiplier pipeline stages; the MAC pipeline is fetch + these + accumulate (reference: 2)." },
  { "pe.macs_per_cycle",          EY_P_INT,  1,   8,       "1",             A(simd), NULL,
    "MACs a PE issues a cycle on dense data: that many of its filters on one ifmap value (reference: v1 1; v2's SIMD 2)." },
  { "pe.zero_gating",             EY_P_BOOL, 0,   1,       "true",          A(zero_gating), NULL,
    "A zero ifmap skips the filter read and the multiply: energy saved, no cycle (reference)." },
  { "pe.ifmap_fifo_words",        EY_P_INT,  1,   64,      "4",             A(ifmap_fifo_words), NULL,
    "Ifmap input FIFO per PE, words, in front of the ifmap spad. Open (reference: a FIFO on each port)." },
  { "pe.psum_fifo_words",         EY_P_INT,  1,   16,      "2",             A(psum_fifo_words), NULL,
    "Psum input FIFO per PE (from the PE below or the GLB), words. Open." },
  { "data.word_bits",             EY_P_INT,  2,   16,      "16",            A(word_bits), NULL,
    "Activation and weight width, bits (reference: 16-bit fixed point)." },
  { "data.psum_bits",             EY_P_INT,  2,   32,      "32",            A(psum_bits), NULL,
    "Partial-sum width, bits: of the accumulator, the psum spad, the psum networks and the GLB. A psum is a two's-complement value of this width and wraps on overflow (docs/engine.md, Arithmetic). Reference: 16 b on Eyeriss v1, 20 b on v2." },
  { "data.product_shift",         EY_P_INT,  0,   31,      "0",             A(product_shift), NULL,
    "Arithmetic right shift of each product before it is accumulated, bits (a fixed-point multiplier keeping its product's upper bits). Open: 0." },
  { "noc.impl",                   EY_P_ENUM, 0,   0,       "multicast-bus", A(noc_impl), "multicast-bus|hierarchical-mesh",
    "On-chip network: multicast-bus is Eyeriss v1 (Y bus + one X bus per row, ID tags); hierarchical-mesh is Eyeriss v2 (clusters of PEs, a mesh of router clusters; docs/mesh.md)." },
  { "noc.ifmap_words_per_cycle",  EY_P_INT,  1,   64,      "1",             A(noc_ifmap_wpc), NULL,
    "Ifmap GIN width, words per core cycle; hierarchical-mesh: of each ifmap router. Open (reference: the v1 ifmap path is 1 word; a v2 router port is 24 b, three 8-bit words)." },
  { "noc.filter_words_per_cycle", EY_P_INT,  1,   64,      "4",             A(noc_filter_wpc), NULL,
    "Filter GIN width, words per core cycle; hierarchical-mesh: of each weight router. Open (reference: commonly 4 words in v1; a v2 port is three 8-bit words)." },
  { "noc.psum_words_per_cycle",   EY_P_INT,  1,   64,      "4",             A(noc_psum_wpc), NULL,
    "Psum GIN width (GLB to array), words per core cycle; hierarchical-mesh: of each psum router. Open (reference: commonly 4 words in v1; a v2 psum port is 40 b, two psums)." },
  { "noc.gon_words_per_cycle",    EY_P_INT,  1,   64,      "4",             A(noc_gon_wpc), NULL,
    "GON width (array to GLB), words per core cycle; hierarchical-mesh: of each psum router. Open; default as the psum GIN." },
  { "noc.mesh.cluster_rows",      EY_P_INT,  1,   1024,    "3",             A(mesh_cluster_rows), NULL,
    "hierarchical-mesh: PE rows per cluster; must divide pe_array.rows (reference: v2's clusters are 3 x 4 PEs)." },
  { "noc.mesh.cluster_cols",      EY_P_INT,  1,   1024,    "4",             A(mesh_cluster_cols), NULL,
    "hierarchical-mesh: PE columns per cluster; must divide pe_array.cols (reference: 4)." },
  { "noc.mesh.ifmap_routers",     EY_P_INT,  1,   16,      "3",             A(mesh_ifmap_routers), NULL,
    "hierarchical-mesh: ifmap routers per cluster, one per GLB ifmap bank (reference: 3)." },
  { "noc.mesh.hop_cycles",        EY_P_INT,  1,   64,      "1",             A(mesh_hop_cycles), NULL,
    "hierarchical-mesh: cycles a word spends in each router on its path; a word reaches a PE this many cycles per router after it left (1: the next cycle in its source's cluster). Open (reference: use 1)." },
  { "glb.size_kb",                EY_P_INT,  1,   1048576, "108",           A(glb_kb), NULL,
    "Global buffer, KiB, shared by ifmaps, psums and filters (reference: 108 KB)." },
  { "glb.filter_kb",              EY_P_INT,  0,   1048576, "8",             A(glb_filter_kb), NULL,
    "Filter staging region of the GLB, KiB (with glb.filter_region block, the most it takes); the rest holds ifmaps and psums; 0 with glb.filter_path direct. Open (reference: MIT's model gives ifmap+psum 100 KB)." },
  { "glb.filter_region",          EY_P_ENUM, 0,   0,       "fixed",         A(glb_filter_block), "fixed|block",
    "How big the filter staging region is, layer by layer: fixed (glb.filter_kb for every layer) or block (one filter block of the layer's mapping, so that the next block can come in while this one is in the spads, and at most glb.filter_kb; a layer whose block is larger takes glb.filter_kb and no prefetch). The ifmap and psum tiles take the rest of the GLB, so with block the mapper chooses the split per layer as it chooses the mapping. Staged filters only. Open (the chip's GLB is one SRAM configured per layer; eyeriss_v1 uses block)." },
  { "glb.filter_path",            EY_P_ENUM, 0,   0,       "staged",        A(filter_direct), "staged|direct",
    "How filters reach the array: staged (DRAM to the GLB's filter region, then the filter network; the next block prefetched once the current one is in the spads) or direct (DRAM straight into the filter network, which loads the spads as the words arrive; no GLB access, no prefetch), as Eyeriss v2's weights bypass its GLB. Open for v1 (reference: staged)." },
  { "glb.ifmap_ring",             EY_P_BOOL, 0,   1,       "true",          A(glb_ifmap_ring), NULL,
    "When the GLB holds one ifmap tile beside the psum tile but not two: true makes the ifmap region a ring, into which the next tile's first rows (as many as fit beside the current tile) are read while the current one is in use, the rest once it is done; false reads the whole next tile then. Open: true." },
  { "glb.ofmap_writes",           EY_P_ENUM, 0,   0,       "tile",          A(ofmap_per_pass), "tile|pass",
    "When finished outputs go from the GLB to DRAM: tile (the whole psum tile's, once its last pass has ended) or pass (each pass's, as the pass that finishes them ends, in the tile of the last input channels). Either way a pass waits before it overwrites psums whose outputs have not yet gone. Open: tile (docs/fidelity.md compares the two on AlexNet)." },
  { "glb.banks",                  EY_P_INT,  1,   65536 /* EY_GLB_MAX_BANKS */, "27",            A(glb_banks), NULL,
    "GLB banks, word-interleaved (glb.bank_map interleaved) or a cluster of them per router cluster (clustered). Open: 27 banks of 4 KiB make the 108 KiB." },
  { "glb.bank_ports",             EY_P_INT,  1,   16,      "1",             A(glb_bank_ports), NULL,
    "Accesses per bank per cycle from the array side (DRAM transfers have a port of their own); with glb.bank_map clustered, reads and writes each have this many, each as wide as the bank's router port." },
  { "glb.bank_map",               EY_P_ENUM, 0,   0,       "interleaved",   A(glb_clustered), "interleaved|clustered",
    "Which bank an array-side access takes: interleaved (by word address, over glb.banks) or clustered (hierarchical-mesh only: a GLB cluster per router cluster, of noc.mesh.ifmap_routers ifmap banks and noc.mesh.cluster_cols psum banks, so glb.banks must be clusters x (ifmap_routers + cluster_cols); each ifmap router reads its own bank, and a PE column's psums go in and out through its cluster's bank for that column, as Eyeriss v2's GLB clusters do). DRAM transfers are counted over the banks by address either way. Open: interleaved (eyeriss_v1_5 and eyeriss_v2 use clustered)." },
  { "dram.impl",                  EY_P_ENUM, 0,   0,       "fixed",         A(dram_impl), "fixed",
    "Off-chip memory model: fixed bandwidth and latency." },
  { "dram.bus_bits",              EY_P_INT,  8,   4096,    "64",            A(dram_bus_bits), NULL,
    "Off-chip bus width, bits per link cycle (reference: 64 b at 60 MHz = 480 MB/s)." },
  { "dram.latency_cycles",        EY_P_INT,  0,   100000,  "6",             A(dram_latency), NULL,
    "DRAM access latency, link cycles, added to each transfer. Open: 6 cycles = 100 ns at 60 MHz." },
  { "dram.demand_first",          EY_P_BOOL, 0,   1,       "true",          A(dram_demand_first), NULL,
    "true: when a tile's ifmap has come in and its first filter block is still to fetch, that read (which the array waits for) goes to DRAM before the next tile's ifmap prefetch; false: the prefetch first. DRAM serves requests in the order they come. Open: true." },
  { "dram.rlc",                   EY_P_BOOL, 0,   1,       "false",         A(dram_rlc), NULL,
    "Activations (ifmaps read, ofmaps written) cross the DRAM bus RLC-coded (dram.rlc_layout says how they lie in DRAM); weights never (reference: the chip does)." },
  { "dram.rlc_layout",            EY_P_ENUM, 0,   0,       "stream",        A(rlc_rows), "stream|row",
    "How coded activations lie in DRAM. stream: a tensor's rows are one stream of (run, level) pairs, three to a 64-bit word across row boundaries; a zero run ends with its row, so each row starts at a pair a row table points to. Each run of rows adjacent in DRAM that a transfer moves costs every word its pairs touch, and a write codes each run from a fresh word. row: each row coded on its own, in whole words. Open: stream (the chip's layout is not published)." },
  { "energy.unit",                EY_P_ENUM, 0,   0,       "normalized",    A(energy_unit), "normalized|pj",
    "Unit of the energy table: normalized (MAC = 1) or pj." },
  { "energy.mac",                 EY_P_REAL, 0,   1e9,     "1",             A(e_mac), NULL,
    "Energy of one MAC, of energy.ref_bits-bit operands when that is set (reference: a 16-bit MAC, 1, normalized)." },
  { "energy.spad",                EY_P_REAL, 0,   1e9,     "1",             A(e_spad), NULL,
    "Energy of one scratchpad (RF) word access (reference: 1)." },
  { "energy.noc",                 EY_P_REAL, 0,   1e9,     "2",             A(e_noc), NULL,
    "Energy of a NoC word per receiver: each PE a multicast reaches, the next PE of a psum link, the GLB for a GON word (reference: inter-PE transfer 2)." },
  { "energy.noc_wire",            EY_P_REAL, 0,   1e9,     "0",             A(e_noc_wire), NULL,
    "Energy of a NoC word per PE pitch of wire it charges (multicast-bus: the whole Y bus, pe_array.rows pitches, and each X bus it enters, pe_array.cols; hierarchical-mesh: each link it crosses between router clusters, noc.mesh.cluster_cols pitches east-west and noc.mesh.cluster_rows north-south; a psum link: 1 pitch). Open: 0; docs/energy.md derives eyeriss_v1's." },
  { "energy.glb",                 EY_P_REAL, 0,   1e9,     "6",             A(e_glb), NULL,
    "Energy of one GLB word access (reference: 6)." },
  { "energy.dram",                EY_P_REAL, 0,   1e9,     "200",           A(e_dram), NULL,
    "Energy of one DRAM word access (reference: 200); with dram.rlc, ifmaps and ofmaps count the coded words that cross the bus." },
  { "energy.ref_bits",            EY_P_INT,  0,   64,      "0",             A(e_ref_bits), NULL,
    "Width in bits the costs above are for (reference: 16, the ISCA 2016 table's). A spad, NoC or GLB access then costs its key x its word's bits / ref_bits (data.word_bits, data.psum_bits for psums), DRAM its bits on the bus / ref_bits, and a MAC energy.mac x (data.word_bits / ref_bits)^2, a multiplier growing as the square of its operands. 0: every access costs its key, whatever its width." },
  { "mapper.objective",           EY_P_ENUM, 0,   0,       "energy",        A(objective), "energy|cycles|edp",
    "What the mapper minimizes: energy, cycles, or their product (edp)." },
  { "mapper.set_width",           EY_P_ENUM, 0,   0,       "search",        A(set_whole), "search|whole",
    "Output rows of a PE set (its width e): search tries every width; whole takes the chip's: all E rows when the set folded into ceil(E/cols) segments fits the rows, else strips as wide as the array; narrower only when no tile fits the GLB (docs/mapping.md). Open for v1 (reference: CONV1-5 use 11 x 14 strips, 5 x 27 folded, 3 x 13 sets)." },
};

static const ey_param k_net_params[] = {
  { "name",        EY_P_STR,  0, 0,     NULL,    N_(name),        NULL, "Name of the network, echoed in every report." },
  { "batch",       EY_P_INT,  1, 65536, "1",     N_(batch),       NULL, "Images per run (every layer's N); --batch overrides it." },
  { "independent", EY_P_BOOL, 0, 1,     "false", N_(independent), NULL, "true: the layers do not form a graph; each reads an input of its own stated size (docs/graphs.md)." },
};

/* Every node key; which node types take which is k_node_keys below. "" as the
 * default: optional, taken from the node's input when omitted. */
static const ey_param k_layer_params[] = {
  { "name",   EY_P_STR,  0, 0,       NULL,   L(name),   NULL, "Node name, unique in the network." },
  { "type",   EY_P_ENUM, 0, 0,       "conv", L(type),   "conv|fc|maxpool|avgpool|add|concat|flatten",
    "conv and fc run on the array (fc: a convolution with H = R, W = S, no padding); the others on the host (docs/graphs.md)." },
  { "C",      EY_P_INT,  1, 1048576, "",     L(C),      NULL, "Input channels (all groups); omitted: from the input." },
  { "M",      EY_P_INT,  1, 1048576, "",     L(M),      NULL, "conv, fc: filters = output channels (all groups); required." },
  { "H",      EY_P_INT,  1, 65535,   "",     L(H),      NULL, "Input height before padding; omitted: from the input." },
  { "W",      EY_P_INT,  1, 65535,   "",     L(W),      NULL, "Input width before padding; omitted: from the input." },
  { "R",      EY_P_INT,  1, 1024,    "",     L(R),      NULL, "Filter or pooling window height (required but for fc, which takes H, and a global pool)." },
  { "S",      EY_P_INT,  1, 1024,    "",     L(S),      NULL, "Filter or pooling window width (required but for fc, which takes W, and a global pool)." },
  { "stride", EY_P_INT,  1, 64,      "1",    L(stride), NULL, "conv, pooling: stride, both directions." },
  { "pad",    EY_P_INT,  0, 64,      "0",    L(pad),    NULL, "conv, pooling: zero padding on each side." },
  { "groups", EY_P_INT,  1, 1048576, "1",    L(groups), NULL, "conv: groups; groups = C = M is depthwise." },
  { "relu",   EY_P_BOOL, 0, 1,       "true", L(relu),   NULL, "ReLU on the output (after requantization for conv and fc)." },
  { "zeros",  EY_P_REAL, 0, 1,       "",     L(zeros),  NULL, "conv, fc: fraction of the layer's input values that are zero (its sparsity profile); synthetic activations use it unless --zeros is given. Omitted: 0." },
  { "ceil",   EY_P_BOOL, 0, 1,       "false", NO(ceil), NULL, "pooling: output size rounded up (Caffe, ONNX ceil_mode)." },
  { "global", EY_P_BOOL, 0, 1,       "false", NO(global), NULL, "pooling: the window is the whole input." },
};
/* clang-format on */

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
_Static_assert(COUNT(k_arch_params) <= EY_ARCH_MAX_KEYS, "grow EY_ARCH_MAX_KEYS");
static const ey_schema k_arch = {"architecture", k_arch_params, COUNT(k_arch_params)};
static const ey_schema k_net = {"network", k_net_params, COUNT(k_net_params)};
static const ey_schema k_layer = {"layer", k_layer_params, COUNT(k_layer_params)};

const ey_schema *ey_arch_schema(void) {
  return &k_arch;
}
const ey_schema *ey_net_schema(void) {
  return &k_net;
}
const ey_schema *ey_layer_schema(void) {
  return &k_layer;
}

/* ---------------------------------------------------------------- finding files */

static int is_file(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int ey_config_is_path(const char *ref) {
  const size_t n = strlen(ref);
  return strchr(ref, '/') || (n > 5 && !strcmp(ref + n - 5, ".yaml")) ||
         (n > 4 && !strcmp(ref + n - 4, ".yml"));
}

int ey_config_path(const char *ref, const char *sub, const char *config_dir, const char *base_dir,
                   char *buf, size_t cap) {
  if (base_dir && *base_dir && ref[0] != '/')
    snprintf(buf, cap, "%s/%s", base_dir, ref);
  else
    snprintf(buf, cap, "%s", ref);
  if (is_file(buf) || ey_config_is_path(ref)) return is_file(buf);
  snprintf(buf, cap, "%s/%s/%s.yaml", config_dir, sub, ref);
  return is_file(buf);
}

/* ---------------------------------------------------------------- architecture */

/* Where key `key` of `a` was set, for messages: "FILE:LINE" or "--set". A key
 * left at its default names the line of the document it would belong to. */
static void arch_where(const ey_arch *a, const char *key, char *buf, size_t cap) {
  int i = ey_schema_find(&k_arch, key);
  int line = i >= 0 ? a->key_line[i] : 0;
  if (line)
    snprintf(buf, cap, "%s:%d", a->path, line > 0 ? line : -line);
  else
    snprintf(buf, cap, "%s", a->set_where[0] ? a->set_where : "--set");
}

/* Sanity checks: rules that involve more than one key. */
ey_rc ey_arch_check(const ey_arch *a, ey_err *err) {
  char w[300];
  if (a->glb_filter_kb >= a->glb_kb) {
    arch_where(a, "glb.filter_kb", w, sizeof w);
    return ey_err_set(err, EY_CONFIG,
                      "%s: glb.filter_kb: must be less than glb.size_kb (%d) (got %d)", w,
                      a->glb_kb, a->glb_filter_kb);
  }
  if (a->filter_direct ? a->glb_filter_kb != 0 : a->glb_filter_kb < 1) {
    arch_where(a, "glb.filter_kb", w, sizeof w);
    return ey_err_set(err, EY_CONFIG,
                      a->filter_direct
                          ? "%s: glb.filter_kb: must be 0 with glb.filter_path direct (filters "
                            "bypass the GLB) (got %d)"
                          : "%s: glb.filter_kb: must be at least 1 with glb.filter_path staged "
                            "(got %d)",
                      w, a->glb_filter_kb);
  }
  if (a->filter_direct && a->glb_filter_block) {
    arch_where(a, "glb.filter_region", w, sizeof w);
    return ey_err_set(err, EY_CONFIG,
                      "%s: glb.filter_region: must be fixed with glb.filter_path direct (there "
                      "is no staging region) (got block)",
                      w);
  }
  if (a->psum_bits < a->word_bits) {
    arch_where(a, "data.psum_bits", w, sizeof w);
    return ey_err_set(err, EY_CONFIG,
                      "%s: data.psum_bits: must be at least data.word_bits (%d) (got %d)", w,
                      a->word_bits, a->psum_bits);
  }
  if (a->noc_impl == EY_NOC_HMESH && a->rows % a->mesh_cluster_rows) {
    arch_where(a, "noc.mesh.cluster_rows", w, sizeof w);
    return ey_err_set(err, EY_CONFIG,
                      "%s: noc.mesh.cluster_rows: must divide pe_array.rows (%d) (got %d)", w,
                      a->rows, a->mesh_cluster_rows);
  }
  if (a->noc_impl == EY_NOC_HMESH && a->cols % a->mesh_cluster_cols) {
    arch_where(a, "noc.mesh.cluster_cols", w, sizeof w);
    return ey_err_set(err, EY_CONFIG,
                      "%s: noc.mesh.cluster_cols: must divide pe_array.cols (%d) (got %d)", w,
                      a->cols, a->mesh_cluster_cols);
  }
  if (a->noc_impl == EY_NOC_HMESH) {
    /* A router's source ID is 16 bits (noc/noc.h): clusters x routers of one
     * data type must fit. Weight routers are one per PE row of a cluster. */
    const long clusters = (long)(a->rows / a->mesh_cluster_rows) * (a->cols / a->mesh_cluster_cols);
    const long planes = EY_MAX(a->mesh_ifmap_routers, a->mesh_cluster_rows);
    if (clusters * planes > 65535) {
      arch_where(a, "noc.mesh.cluster_rows", w, sizeof w);
      return ey_err_set(err, EY_CONFIG,
                        "%s: noc.mesh.cluster_rows: %ld clusters of %ld routers exceed the mesh's "
                        "65535 sources; make the clusters larger (got %d x %d PEs)",
                        w, clusters, planes, a->mesh_cluster_rows, a->mesh_cluster_cols);
    }
  }
  if (a->glb_clustered) {
    const long clusters = a->noc_impl == EY_NOC_HMESH ? (long)(a->rows / a->mesh_cluster_rows) *
                                                            (a->cols / a->mesh_cluster_cols)
                                                      : 0;
    const long want = clusters * (a->mesh_ifmap_routers + a->mesh_cluster_cols);
    arch_where(a, "glb.bank_map", w, sizeof w);
    if (a->noc_impl != EY_NOC_HMESH)
      return ey_err_set(err, EY_CONFIG,
                        "%s: glb.bank_map: clustered needs noc.impl: hierarchical-mesh (got "
                        "clustered with the multicast bus)",
                        w);
    if (a->glb_banks != want) {
      arch_where(a, "glb.banks", w, sizeof w);
      return ey_err_set(err, EY_CONFIG,
                        "%s: glb.banks: must be %ld with glb.bank_map clustered (%ld clusters x "
                        "(%d ifmap + %d psum banks)) (got %d)",
                        w, want, clusters, a->mesh_ifmap_routers, a->mesh_cluster_cols,
                        a->glb_banks);
    }
  }
  int span = (a->psum_bits + a->word_bits - 1) / a->word_bits; /* words of one psum */
  if (a->glb_bank_ports < EY_CEIL_DIV(span, a->glb_banks)) {
    arch_where(a, "glb.bank_ports", w, sizeof w);
    return ey_err_set(err, EY_CONFIG,
                      "%s: glb.bank_ports: must be at least %d so that one psum of %d words fits "
                      "%d banks (got %d)",
                      w, EY_CEIL_DIV(span, a->glb_banks), span, a->glb_banks, a->glb_bank_ports);
  }
  return EY_OK;
}

static ey_rc arch_from_doc(ey_ydoc *d, void *obj, ey_err *err) {
  ey_arch *a = obj;
  ey_rc rc = ey_schema_apply(&k_arch, d, ey_ydoc_root(d), "", NULL, a, a->key_line, err);
  if (rc) return rc;
  snprintf(a->path, sizeof a->path, "%s", d->path);
  return ey_arch_check(a, err);
}

ey_rc ey_arch_load(const char *path, ey_arch *a, ey_err *err) {
  memset(a, 0, sizeof *a);
  return ey_ydoc_with(path, NULL, arch_from_doc, a, err);
}

ey_rc ey_arch_load_string(const char *name, const char *text, ey_arch *a, ey_err *err) {
  memset(a, 0, sizeof *a);
  return ey_ydoc_with(name, text, arch_from_doc, a, err);
}

/* Applies one "KEY=VALUE" without the cross-field rules. */
static ey_rc arch_assign(ey_arch *a, const char *assignment, ey_err *err) {
  const char *eq = strchr(assignment, '=');
  if (!eq || eq == assignment)
    return ey_err_set(err, EY_USAGE, "--set: expected KEY=VALUE (got %s)", assignment);
  char key[128];
  snprintf(key, sizeof key, "%.*s", (int)(eq - assignment), assignment);
  ey_rc rc = ey_schema_set(&k_arch, key, eq + 1, a, "--set", err);
  if (rc) return rc;
  a->key_line[ey_schema_find(&k_arch, key)] = 0;
  return EY_OK;
}

ey_rc ey_arch_set(ey_arch *a, const char *assignment, ey_err *err) {
  ey_rc rc = arch_assign(a, assignment, err);
  return rc ? rc : ey_arch_check(a, err);
}

ey_rc ey_arch_set_all(ey_arch *a, const char *const *assignments, int n, ey_err *err) {
  for (int i = 0; i < n; i++) {
    ey_rc rc = arch_assign(a, assignments[i], err);
    if (rc) return rc;
  }
  return ey_arch_check(a, err);
}

/* ---------------------------------------------------------------- network */

ey_rc ey_layer_finish(ey_layer *l, const char *where, ey_err *err) {
  if (l->C % l->groups)
    return ey_err_set(err, EY_CONFIG, "%s: %s.groups: must divide C (%d) (got %d)", where, l->name,
                      l->C, l->groups);
  if (l->M % l->groups)
    return ey_err_set(err, EY_CONFIG, "%s: %s.groups: must divide M (%d) (got %d)", where, l->name,
                      l->M, l->groups);
  if (l->pad >= l->R || l->pad >= l->S)
    return ey_err_set(err, EY_CONFIG, "%s: %s.pad: must be less than R (%d) and S (%d) (got %d)",
                      where, l->name, l->R, l->S, l->pad);
  if (l->R > l->H + 2 * l->pad)
    return ey_err_set(err, EY_CONFIG, "%s: %s.R: must be at most H + 2*pad = %d (got %d)", where,
                      l->name, l->H + 2 * l->pad, l->R);
  if (l->S > l->W + 2 * l->pad)
    return ey_err_set(err, EY_CONFIG, "%s: %s.S: must be at most W + 2*pad = %d (got %d)", where,
                      l->name, l->W + 2 * l->pad, l->S);
  if (l->type == EY_LAYER_FC) {
    if (l->H != l->R || l->W != l->S)
      return ey_err_set(err, EY_CONFIG,
                        "%s: %s.type: fc needs H = R and W = S (got H=%d R=%d W=%d S=%d)", where,
                        l->name, l->H, l->R, l->W, l->S);
    if (l->pad || l->stride != 1)
      return ey_err_set(err, EY_CONFIG,
                        "%s: %s.type: fc needs pad 0 and stride 1 (got pad %d, stride %d)", where,
                        l->name, l->pad, l->stride);
  }
  l->E = (l->H + 2 * l->pad - l->R) / l->stride + 1;
  l->F = (l->W + 2 * l->pad - l->S) / l->stride + 1;
  return EY_OK;
}

/* The keys each node type takes, besides name, type, inputs and relu, which all
 * take; C, H and W are the input's shape, which every node may state. */
static const char *const k_node_keys[] = {
    [EY_LAYER_CONV] = " C H W M R S stride pad groups zeros ",
    [EY_LAYER_FC] = " C H W M R S zeros ",
    [EY_NODE_MAXPOOL] = " C H W R S stride pad ceil global ",
    [EY_NODE_AVGPOOL] = " C H W R S stride pad ceil global ",
    [EY_NODE_ADD] = " C H W ",
    [EY_NODE_CONCAT] = " C H W ",
    [EY_NODE_FLATTEN] = " C H W ",
};

static const char *node_name(const void *net, int i) {
  return ((const ey_net *)net)->nodes[i].l.name;
}

/* What the loader knows while it reads one network. */
typedef struct net_load {
  ey_ydoc *d;
  ey_net *net;
  ey_nameset names;
  int in_node; /* the node that first stated the network's input, or -1 */
} net_load;

/* 1 when key `k` (index in k_layer_params) was written in the node's mapping. */
#define GIVEN(lines, k) ((lines)[k] > 0)

static int key_index(const char *key) {
  return ey_schema_find(&k_layer, key);
}

/* Reads `inputs:` into x->inputs (default: the node before, or the input). */
static ey_rc node_inputs(net_load *s, yaml_node_t *ln, ey_node *x, int i, ey_err *err) {
  ey_ydoc *d = s->d;
  yaml_node_t *v = ey_ymap_get(d, ln, "inputs");
  if (!v) {
    x->ninputs = 1;
    x->inputs[0] = i ? i - 1 : EY_NET_INPUT;
    return EY_OK;
  }
  if (s->net->independent)
    return ey_err_set(err, EY_CONFIG,
                      "%s:%d: %s.inputs: not allowed in a network of independent layers (got it)",
                      d->path, ey_ynode_line(v), x->l.name);
  yaml_node_item_t one, *start = &one, *top = &one + 1;
  if (v->type == YAML_SEQUENCE_NODE) {
    start = v->data.sequence.items.start;
    top = v->data.sequence.items.top;
  } else if (v->type == YAML_SCALAR_NODE) {
    one = 0; /* marks the scalar itself: see below */
  } else {
    return ey_err_set(err, EY_CONFIG,
                      "%s:%d: %s.inputs: expected a node name or a list of them (got %s)", d->path,
                      ey_ynode_line(v), x->l.name, ey_ynode_kind(v));
  }
  if (top - start < 1 || top - start > EY_NODE_INPUTS_MAX)
    return ey_err_set(err, EY_CONFIG, "%s:%d: %s.inputs: expected 1 to %d names (got %d)", d->path,
                      ey_ynode_line(v), x->l.name, EY_NODE_INPUTS_MAX, (int)(top - start));
  x->ninputs = 0;
  for (yaml_node_item_t *it = start; it < top; it++) {
    yaml_node_t *in = v->type == YAML_SCALAR_NODE ? v : ey_ydoc_node(d, *it);
    const char *nm = ey_ynode_scalar(in);
    if (!nm || !*nm || strlen(nm) != in->data.scalar.length)
      return ey_err_set(err, EY_CONFIG, "%s:%d: %s.inputs: expected a node name (got %s)", d->path,
                        ey_ynode_line(in), x->l.name,
                        nm ? "an empty or malformed name" : ey_ynode_kind(in));
    int j = EY_NET_INPUT;
    if (strcmp(nm, "input")) {
      j = ey_nameset_find(&s->names, nm, node_name, s->net);
      /* The node's own name is in the set already: reading itself is a cycle. */
      if (j < 0 || j >= i)
        return ey_err_set(
            err, EY_CONFIG,
            "%s:%d: %s.inputs: expected a node above this one or `input` (got %.*s, %s)", d->path,
            ey_ynode_line(in), x->l.name, EY_NAME_MAX, nm,
            j < 0 ? "which names no node before it" : "the node itself");
    }
    for (int k = 0; k < x->ninputs; k++)
      if (x->inputs[k] == j)
        return ey_err_set(err, EY_CONFIG,
                          "%s:%d: %s.inputs: expected each input once (got %.*s twice)", d->path,
                          ey_ynode_line(in), x->l.name, EY_NAME_MAX, nm);
    x->inputs[x->ninputs++] = j;
  }
  return EY_OK;
}

/* The shape node `j` (or the network's input) gives, and what to call it in a
 * message. Returns 0 when the network's input is not known yet. */
static int producer_shape(const net_load *s, int j, int shape[3], char *who, size_t cap) {
  const ey_net *net = s->net;
  if (j == EY_NET_INPUT) {
    if (s->in_node < 0) return 0;
    shape[0] = net->inC, shape[1] = net->inH, shape[2] = net->inW;
    snprintf(who, cap, "the network's input, as %s (line %d) gives it",
             net->nodes[s->in_node].l.name, net->nodes[s->in_node].l.line);
    return 1;
  }
  const ey_node *p = &net->nodes[j];
  shape[0] = p->outC, shape[1] = p->outH, shape[2] = p->outW;
  snprintf(who, cap, "the output of its input %s (line %d)", p->l.name, p->l.line);
  return 1;
}

/* C, H, W of node x: stated, from its first input, or both (then they agree). */
static ey_rc node_in_shape(net_load *s, ey_node *x, const int *lines, const char *where,
                           ey_err *err) {
  static const char *const keys[3] = {"C", "H", "W"};
  int *field[3] = {&x->l.C, &x->l.H, &x->l.W};
  int have[3], given[3];
  char who[EY_NAME_MAX + 80];
  for (int k = 0; k < 3; k++) given[k] = GIVEN(lines, key_index(keys[k]));
  if (s->net->independent) {
    for (int k = 0; k < 3; k++)
      if (!given[k])
        return ey_err_set(
            err, EY_CONFIG,
            "%s: %s.%s: required but not given (independent layers state their inputs)", where,
            x->l.name, keys[k]);
    return EY_OK;
  }
  if (!producer_shape(s, x->inputs[0], have, who, sizeof who)) {
    /* The first node that reads the network's input states its shape. */
    for (int k = 0; k < 3; k++)
      if (!given[k])
        return ey_err_set(
            err, EY_CONFIG,
            "%s: %s.%s: required for the first node that reads the network's input (got nothing)",
            where, x->l.name, keys[k]);
    s->in_node = (int)(x - s->net->nodes);
    s->net->inC = x->l.C, s->net->inH = x->l.H, s->net->inW = x->l.W;
    return EY_OK;
  }
  for (int k = 0; k < 3; k++) {
    if (given[k] && *field[k] != have[k])
      return ey_err_set(err, EY_CONFIG, "%s: %s.%s: must equal %s, %d (got %d)", where, x->l.name,
                        keys[k], who, have[k], *field[k]);
    /* An inferred size obeys the bounds of a stated one (a padded pool or conv
     * can grow H and W past them). */
    const ey_param *kp = &k_layer_params[key_index(keys[k])];
    if (have[k] < kp->min || have[k] > kp->max)
      return ey_err_set(err, EY_CONFIG, "%s: %s.%s: expected %s from %.0f to %.0f (got %s, %d)",
                        where, x->l.name, keys[k], keys[k], kp->min, kp->max, who, have[k]);
    *field[k] = have[k];
  }
  return EY_OK;
}

/* Shape rules of the node types that are not layers; fills the output shape. */
static ey_rc host_node(net_load *s, ey_node *x, const int *lines, const char *where, ey_err *err) {
  ey_layer *l = &x->l;
  const int multi = l->type == EY_NODE_ADD || l->type == EY_NODE_CONCAT;
  if (multi ? x->ninputs < 2 : x->ninputs != 1)
    return ey_err_set(err, EY_CONFIG, "%s: %s.inputs: %s %s node takes %s (got %d)", where, l->name,
                      ey_node_type_article(l->type), ey_node_type_name(l->type),
                      multi ? "2 or more inputs" : "1 input", x->ninputs);
  ey_rc rc = node_in_shape(s, x, lines, where, err);
  if (rc) return rc;
  x->outC = l->C, x->outH = l->H, x->outW = l->W;
  switch (l->type) {
    case EY_NODE_MAXPOOL:
    case EY_NODE_AVGPOOL: {
      const int gr = GIVEN(lines, key_index("R")), gs = GIVEN(lines, key_index("S"));
      if (x->global) {
        if (gr || gs || GIVEN(lines, key_index("stride")) || GIVEN(lines, key_index("pad")))
          return ey_err_set(err, EY_CONFIG,
                            "%s: %s.global: a global pool takes no R, S, stride or pad (got %s)",
                            where, l->name,
                            gr   ? "R"
                            : gs ? "S"
                                 : "stride or pad");
        l->R = l->H, l->S = l->W;
      } else if (!gr || !gs) {
        return ey_err_set(err, EY_CONFIG, "%s: %s.%s: required but not given", where, l->name,
                          gr ? "S" : "R");
      }
      if (l->pad >= l->R || l->pad >= l->S)
        return ey_err_set(err, EY_CONFIG,
                          "%s: %s.pad: must be less than R (%d) and S (%d) (got %d)", where,
                          l->name, l->R, l->S, l->pad);
      if (l->R > l->H + 2 * l->pad || l->S > l->W + 2 * l->pad)
        return ey_err_set(err, EY_CONFIG,
                          "%s: %s.R: the window must fit the padded input %dx%d (got %dx%d)", where,
                          l->name, l->H + 2 * l->pad, l->W + 2 * l->pad, l->R, l->S);
      l->E = ey_pool_out(l->H, l->R, l->stride, l->pad, x->ceil);
      l->F = ey_pool_out(l->W, l->S, l->stride, l->pad, x->ceil);
      x->outH = l->E, x->outW = l->F;
      break;
    }
    case EY_NODE_ADD:
    case EY_NODE_CONCAT: {
      int c = l->C;
      for (int k = 1; k < x->ninputs; k++) {
        int sh[3];
        char who[EY_NAME_MAX + 80];
        if (!producer_shape(s, x->inputs[k], sh, who, sizeof who))
          return ey_err_set(err, EY_CONFIG,
                            "%s: %s.inputs: the network's input is not known yet (state it on the "
                            "node that reads it first)",
                            where, l->name);
        const char *bad = NULL;
        if (l->type == EY_NODE_ADD && sh[0] != l->C) bad = "channels";
        if (sh[1] != l->H || sh[2] != l->W) bad = "height and width";
        if (bad)
          return ey_err_set(err, EY_CONFIG,
                            "%s: %s.inputs: %s of every input must agree: %s is %dx%dx%d, but its "
                            "first input is %dx%dx%d",
                            where, l->name, bad, who, sh[0], sh[1], sh[2], l->C, l->H, l->W);
        c += sh[0]; /* each input at most 1048576: no overflow in 16 of them */
      }
      if (l->type == EY_NODE_CONCAT && c > 1048576)
        return ey_err_set(err, EY_CONFIG,
                          "%s: %s.inputs: expected at most 1048576 channels in all (got %d)", where,
                          l->name, c);
      if (l->type == EY_NODE_CONCAT) x->outC = c;
      break;
    }
    case EY_NODE_FLATTEN: {
      const uint64_t f[3] = {(uint64_t)l->C, (uint64_t)l->H, (uint64_t)l->W};
      uint64_t c = ey_mul_n(f, 3);
      if (c > 1048576)
        return ey_err_set(err, EY_CONFIG,
                          "%s: %s: expected at most 1048576 values to flatten (got %llu)", where,
                          l->name, (unsigned long long)c);
      x->outC = (int)c, x->outH = x->outW = 1;
      break;
    }
  }
  return EY_OK;
}

/* Node i of `layers:`, checked, and its name unique. */
static ey_rc net_node(net_load *s, yaml_node_t *seq, int i, ey_err *err) {
  ey_ydoc *d = s->d;
  ey_net *net = s->net;
  yaml_node_t *ln = ey_ydoc_node(d, seq->data.sequence.items.start[i]);
  ey_node *x = &net->nodes[i];
  ey_layer *l = &x->l;
  char prefix[EY_NAME_MAX + 24];
  ey_schema_item_prefix(d, ln, "name", "layers", i, prefix, sizeof prefix);
  static const char *const skip[] = {"inputs", NULL};
  int lines[COUNT(k_layer_params)];
  ey_rc rc = ey_schema_apply(&k_layer, d, ln, prefix, skip, x, lines, err);
  if (rc) return rc;
  l->N = net->batch;
  l->zeros_given = GIVEN(lines, key_index("zeros"));
  l->line = ey_ynode_line(ln);
  l->node = i;
  x->layer = -1;
  char where[300];
  snprintf(where, sizeof where, "%s:%d", d->path, l->line);
  if (!strcmp(l->name, "input"))
    return ey_err_set(err, EY_CONFIG,
                      "%s: %s.name: `input` names the network's input (got it as a node name)",
                      where, l->name);
  int j = ey_nameset_add(&s->names, i, node_name, net);
  if (j == -2) return ey_err_set(err, EY_NOMEM, "%s: out of memory", d->path);
  if (j >= 0)
    return ey_err_set(err, EY_CONFIG,
                      "%s: %s.name: must be unique (got it again; first on line %d)", where,
                      l->name, net->nodes[j].l.line);
  if (net->independent && !EY_NODE_IS_LAYER(l->type))
    return ey_err_set(
        err, EY_CONFIG,
        "%s: %s.type: expected conv or fc in a network of independent layers (got %s)", where,
        l->name, ey_node_type_name(l->type));
  for (int k = 0; k < k_layer.n; k++) {
    const char *key = k_layer_params[k].key;
    char pat[16];
    snprintf(pat, sizeof pat, " %s ", key);
    if (GIVEN(lines, k) && strcmp(key, "name") && strcmp(key, "type") && strcmp(key, "relu") &&
        !strstr(k_node_keys[l->type], pat))
      return ey_err_set(err, EY_CONFIG, "%s:%d: %s%s: not a key of %s %s node (it takes%.*s)",
                        d->path, lines[k], prefix, key, ey_node_type_article(l->type),
                        ey_node_type_name(l->type), (int)strlen(k_node_keys[l->type]) - 1,
                        k_node_keys[l->type]);
  }
  rc = node_inputs(s, ln, x, i, err);
  if (rc) return rc;
  if (!EY_NODE_IS_LAYER(l->type)) {
    rc = host_node(s, x, lines, where, err);
    if (rc) return rc;
  } else {
    if (x->ninputs != 1)
      return ey_err_set(err, EY_CONFIG, "%s: %s.inputs: a %s layer takes 1 input (got %d)", where,
                        l->name, ey_node_type_name(l->type), x->ninputs);
    rc = node_in_shape(s, x, lines, where, err);
    if (rc) return rc;
    if (!GIVEN(lines, key_index("M")))
      return ey_err_set(err, EY_CONFIG, "%s: %s.M: required but not given", where, l->name);
    if (l->type == EY_LAYER_FC) {
      if (!GIVEN(lines, key_index("R"))) l->R = l->H;
      if (!GIVEN(lines, key_index("S"))) l->S = l->W;
    } else if (!GIVEN(lines, key_index("R")) || !GIVEN(lines, key_index("S"))) {
      return ey_err_set(err, EY_CONFIG, "%s: %s.%s: required but not given", where, l->name,
                        GIVEN(lines, key_index("R")) ? "S" : "R");
    }
    rc = ey_layer_finish(l, where, err);
    if (rc) return rc;
    x->outC = l->M, x->outH = l->E, x->outW = l->F;
    x->layer = net->nlayers;
    net->layers[net->nlayers++] = *l;
  }
  net->nnodes = i + 1;
  return EY_OK;
}

static ey_rc net_from_doc(ey_ydoc *d, void *obj, ey_err *err) {
  ey_net *net = obj;
  static const char *const skip[] = {"layers", NULL};
  yaml_node_t *root = ey_ydoc_root(d);
  ey_rc rc = ey_schema_apply(&k_net, d, root, "", skip, net, NULL, err);
  if (rc) return rc;
  snprintf(net->path, sizeof net->path, "%s", d->path);
  yaml_node_t *seq = ey_ymap_get(d, root, "layers");
  if (!seq)
    return ey_err_set(err, EY_CONFIG, "%s:%d: layers: required but not given", d->path,
                      ey_ynode_line(root));
  if (seq->type != YAML_SEQUENCE_NODE ||
      seq->data.sequence.items.top == seq->data.sequence.items.start)
    return ey_err_set(err, EY_CONFIG, "%s:%d: layers: must be a non-empty list of layers (got %s)",
                      d->path, ey_ynode_line(seq),
                      seq->type == YAML_SEQUENCE_NODE ? "an empty list" : ey_ynode_kind(seq));
  int n = (int)(seq->data.sequence.items.top - seq->data.sequence.items.start);
  net->nodes = calloc((size_t)n, sizeof *net->nodes);
  net->layers = calloc((size_t)n, sizeof *net->layers);
  if (!net->nodes || !net->layers) return ey_err_set(err, EY_NOMEM, "%s: out of memory", d->path);
  net_load s = {.d = d, .net = net, .in_node = -1};
  rc = EY_OK;
  for (int i = 0; i < n && !rc; i++) rc = net_node(&s, seq, i, err);
  ey_nameset_free(&s.names);
  if (!rc && !net->nlayers)
    rc = ey_err_set(err, EY_CONFIG,
                    "%s:%d: layers: expected at least one conv or fc layer (got only host nodes)",
                    d->path, ey_ynode_line(seq));
  return rc;
}

ey_rc ey_net_load(const char *path, ey_net *net, ey_err *err) {
  memset(net, 0, sizeof *net); /* so that ey_net_free() is safe whatever happens */
  return ey_ydoc_with(path, NULL, net_from_doc, net, err);
}

ey_rc ey_net_load_string(const char *name, const char *text, ey_net *net, ey_err *err) {
  memset(net, 0, sizeof *net);
  return ey_ydoc_with(name, text, net_from_doc, net, err);
}

void ey_net_free(ey_net *net) {
  free(net->layers);
  free(net->nodes);
  net->layers = NULL;
  net->nodes = NULL;
  net->nlayers = net->nnodes = 0;
}

void ey_net_set_batch(ey_net *net, int batch) {
  net->batch = batch;
  for (int i = 0; i < net->nlayers; i++) net->layers[i].N = batch;
  for (int i = 0; i < net->nnodes; i++) net->nodes[i].l.N = batch;
}

void ey_net_set_zeros(ey_net *net, double zeros) {
  for (int i = 0; i < net->nlayers; i++) {
    net->layers[i].zeros = zeros;
    net->layers[i].zeros_given = 1;
  }
  for (int i = 0; i < net->nnodes; i++)
    if (EY_NODE_IS_LAYER(net->nodes[i].l.type)) {
      net->nodes[i].l.zeros = zeros;
      net->nodes[i].l.zeros_given = 1;
    }
}

static int layer_index(const ey_net *net, const char *name, size_t len) {
  for (int i = 0; i < net->nlayers; i++)
    if (strlen(net->layers[i].name) == len && !strncmp(net->layers[i].name, name, len)) return i;
  return -1;
}

ey_rc ey_net_select(ey_net *net, const char *list, ey_err *err) {
  int n = net->nlayers;
  unsigned char *keep = calloc((size_t)n + 1, 1);
  if (!keep) return ey_err_set(err, EY_NOMEM, "--layers: out of memory");
  ey_rc rc = EY_OK;
  for (const char *p = list; *p;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    const char *dots = NULL;
    for (size_t k = 0; k + 1 < len; k++)
      if (p[k] == '.' && p[k + 1] == '.') {
        dots = p + k;
        break;
      }
    int a, b;
    if (dots) {
      a = layer_index(net, p, (size_t)(dots - p));
      b = layer_index(net, dots + 2, len - (size_t)(dots - p) - 2);
    } else {
      a = b = layer_index(net, p, len);
    }
    if (a < 0 || b < 0) {
      const char *bad = (a < 0) ? p : dots + 2;
      size_t blen = (a < 0) ? (dots ? (size_t)(dots - p) : len) : len - (size_t)(dots - p) - 2;
      int kind = -1; /* the type of a host node of that name */
      for (int k = 0; k < net->nnodes && kind < 0; k++)
        if (!EY_NODE_IS_LAYER(net->nodes[k].l.type) && strlen(net->nodes[k].l.name) == blen &&
            !strncmp(net->nodes[k].l.name, bad, blen))
          kind = net->nodes[k].l.type;
      if (kind >= 0)
        rc = ey_err_set(err, EY_USAGE,
                        "--layers: %.*s: %s %s node, which runs on the host; expected a conv or "
                        "fc layer (got %.*s)",
                        (int)blen, bad, ey_node_type_article(kind), ey_node_type_name(kind),
                        (int)len, p);
      else
        rc = ey_err_set(err, EY_USAGE, "--layers: %.*s: no such layer in %s (got %.*s)", (int)blen,
                        bad, net->name, (int)len, p);
      goto done;
    }
    if (a > b) {
      rc = ey_err_set(err, EY_USAGE, "--layers: a range must run forward in file order (got %.*s)",
                      (int)len, p);
      goto done;
    }
    for (int i = a; i <= b; i++) keep[i] = 1;
    p += len + (comma ? 1 : 0);
  }
  int out = 0;
  for (int i = 0; i < n; i++) {
    const int node = net->layers[i].node;
    if (node >= 0 && node < net->nnodes) net->nodes[node].layer = keep[i] ? out : -1;
    if (keep[i]) net->layers[out++] = net->layers[i];
  }
  if (!out) rc = ey_err_set(err, EY_USAGE, "--layers: must name at least one layer (got nothing)");
  net->nlayers = out;
done:
  free(keep);
  return rc;
}
