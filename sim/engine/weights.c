/* weights.c - the weights folder: quant.yaml and each layer's .npy files
 * (weights.h, docs/graphs.md). */
#include "sim/engine/weights.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/base/ey_filestem.h"
#include "sim/config/schema.h"
#include "sim/config/yamldoc.h"
#include "traces/npy.h"

#define PATH_CAP 4096

#define Q_(field) offsetof(ey_quant, field)
#define L_(field) offsetof(ey_quant_layer, field)

/* clang-format off */
static const ey_param k_quant_params[] = {
  { "input_scale",  EY_P_REAL, 1e-9, 1e9, "1", Q_(input_scale),  NULL,
    "A float32 network input is multiplied by it and rounded to words (ties to even), saturated." },
};
static const ey_param k_layer_params[] = {
  { "weight_scale", EY_P_REAL, 1e-9, 1e9, "1", L_(weight_scale), NULL,
    "Float32 weights are multiplied by it and rounded to words (ties to even), saturated." },
};
/* clang-format on */

static const ey_schema k_quant = {"quantization", k_quant_params,
                                  (int)(sizeof k_quant_params / sizeof k_quant_params[0])};
static const ey_schema k_layer = {"layer quantization", k_layer_params,
                                  (int)(sizeof k_layer_params / sizeof k_layer_params[0])};

int ey_weights_path(const char *dir, const char *layer, const char *suffix, char *out, size_t cap) {
  char stem[EY_FILE_STEM_MAX];
  ey_file_stem(layer, stem, sizeof stem);
  int n = snprintf(out, cap, "%s/%s%s", dir, stem, suffix);
  return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* ------------------------------------------------------------- quant.yaml */

/* The network's layers that have weights: its conv and fc nodes, or, for a
 * network without nodes, its layers. */
typedef struct net_layers {
  const ey_net *net;
  int n;
} net_layers;

static const ey_layer *net_layer(const net_layers *nl, int i) {
  if (nl->net->nnodes > 0) return &nl->net->nodes[i].l;
  return &nl->net->layers[i];
}

static const char *net_layer_name(const void *ctx, int i) {
  return net_layer(ctx, i)->name;
}

static const char *quant_name(const void *ctx, int i) {
  return ((const ey_quant *)ctx)->layers[i].name;
}

typedef struct quant_ctx {
  ey_quant *q;
  net_layers nl;
  ey_nameset *names; /* the network's names (net_layer_name) */
} quant_ctx;

/* One entry of `layers`: key node kn (the layer's name), value node val. */
static ey_rc quant_layer(quant_ctx *c, ey_ydoc *d, yaml_node_t *kn, yaml_node_t *val, ey_err *err) {
  ey_quant *q = c->q;
  const char *name = ey_ynode_scalar(kn);
  if (!name || strlen(name) != kn->data.scalar.length || !*name)
    return ey_err_set(err, EY_CONFIG, "%s:%d: layers: keys must be layer names (got %s)", d->path,
                      ey_ynode_line(kn),
                      name ? "an empty or NUL-holding scalar" : ey_ynode_kind(kn));
  int k = strlen(name) < EY_NAME_MAX ? ey_nameset_find(c->names, name, net_layer_name, &c->nl) : -1;
  if (k < 0)
    return ey_err_set(err, EY_CONFIG,
                      "%s:%d: layers.%.*s: expected a conv or fc layer of network %s (got a name "
                      "the network does not have)",
                      d->path, ey_ynode_line(kn), EY_NAME_MAX, name, c->nl.net->name);
  const ey_layer *l = net_layer(&c->nl, k);
  if (!EY_NODE_IS_LAYER(l->type))
    return ey_err_set(err, EY_CONFIG,
                      "%s:%d: layers.%s: expected a conv or fc layer of network %s (got %s %s "
                      "node, which has no weights)",
                      d->path, ey_ynode_line(kn), name, c->nl.net->name,
                      ey_node_type_article(l->type), ey_node_type_name(l->type));
  if (!val || val->type != YAML_MAPPING_NODE)
    return ey_err_set(err, EY_CONFIG, "%s:%d: layers.%s: must be a mapping of keys (got %s)",
                      d->path, ey_ynode_line(val ? val : kn), name, ey_ynode_kind(val));
  ey_quant_layer *e = &q->layers[q->n];
  memset(e, 0, sizeof *e);
  snprintf(e->name, sizeof e->name, "%s", name);
  e->line = ey_ynode_line(kn);
  int first = ey_nameset_add(&q->index, q->n, quant_name, q);
  if (first == -2) return ey_err_set(err, EY_NOMEM, "%s: out of memory", d->path);
  if (first >= 0)
    return ey_err_set(err, EY_CONFIG,
                      "%s:%d: layers.%s: each layer once (got it again; first on line %d)", d->path,
                      e->line, name, q->layers[first].line);
  q->n++;
  char prefix[EY_NAME_MAX + 16];
  snprintf(prefix, sizeof prefix, "layers.%s.", name);
  static const char *const skip[] = {"shift", NULL};
  ey_rc rc = ey_schema_apply(&k_layer, d, val, prefix, skip, e, NULL, err);
  if (rc) return rc;
  e->shift = EY_SHIFT_AUTO;
  yaml_node_t *sn = ey_ymap_get(d, val, "shift");
  if (sn) {
    const char *t = ey_ynode_scalar(sn);
    char *end = NULL;
    long v = -1;
    /* Digits only: strtol would also take " 3" and "+3". */
    if (t && strlen(t) == sn->data.scalar.length && t[0] >= '0' && t[0] <= '9') {
      errno = 0;
      v = strtol(t, &end, 10);
      if (errno || end == t || *end) v = -1;
    }
    if (t && !strcmp(t, "auto"))
      e->shift = EY_SHIFT_AUTO;
    else if (v >= 0 && v <= 31)
      e->shift = (int)v;
    else
      return ey_err_set(err, EY_CONFIG,
                        "%s:%d: %sshift: must be auto or an integer from 0 to 31 (got %s)", d->path,
                        ey_ynode_line(sn), prefix,
                        !t   ? ey_ynode_kind(sn)
                        : *t ? t
                             : "an empty value");
  }
  return EY_OK;
}

static ey_rc quant_from_doc(ey_ydoc *d, void *obj, ey_err *err) {
  quant_ctx *c = obj;
  ey_quant *q = c->q;
  static const char *const skip[] = {"layers", NULL};
  yaml_node_t *root = ey_ydoc_root(d);
  ey_rc rc = ey_schema_apply(&k_quant, d, root, "", skip, q, NULL, err);
  if (rc) return rc;
  yaml_node_t *map = ey_ymap_get(d, root, "layers");
  if (!map) return EY_OK;
  if (map->type != YAML_MAPPING_NODE)
    return ey_err_set(err, EY_CONFIG,
                      "%s:%d: layers: must be a mapping of layer names to settings (got %s)",
                      d->path, ey_ynode_line(map), ey_ynode_kind(map));
  const size_t n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
  if (!(q->layers = calloc(n ? n : 1, sizeof *q->layers)))
    return ey_err_set(err, EY_NOMEM, "%s: out of memory", d->path);
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    rc = quant_layer(c, d, ey_ydoc_node(d, p->key), ey_ydoc_node(d, p->value), err);
    if (rc) return rc;
  }
  return EY_OK;
}

ey_rc ey_quant_load(const char *dir, const ey_net *net, ey_quant *q, ey_err *err) {
  memset(q, 0, sizeof *q);
  q->input_scale = 1;
  if (snprintf(q->path, sizeof q->path, "%s/quant.yaml", dir) >= (int)sizeof q->path)
    return ey_err_set(err, EY_IO, "%s: a path too long for a weights folder", dir);
  struct stat st;
  if (stat(dir, &st) != 0)
    return ey_err_set(err, EY_IO, "%s: cannot open the weights folder (%s)", dir, strerror(errno));
  if (!S_ISDIR(st.st_mode))
    return ey_err_set(err, EY_IO, "%s: expected a weights folder (got a file that is not one)",
                      dir);
  quant_ctx c = {q, {net, net->nnodes > 0 ? net->nnodes : net->nlayers}, NULL};
  ey_nameset names = {0};
  c.names = &names;
  ey_rc rc = EY_OK;
  /* The network's names, and no two layers L and L.bias (one file, L.bias.npy). */
  for (int i = 0; i < c.nl.n && !rc; i++)
    if (ey_nameset_add(&names, i, net_layer_name, &c.nl) == -2)
      rc = ey_err_set(err, EY_NOMEM, "%s: out of memory", dir);
  for (int i = 0; i < c.nl.n && !rc; i++) {
    const ey_layer *l = net_layer(&c.nl, i);
    const size_t len = strlen(l->name);
    if (!EY_NODE_IS_LAYER(l->type) || len <= 5 || strcmp(l->name + len - 5, ".bias")) continue;
    char base[EY_NAME_MAX];
    snprintf(base, sizeof base, "%.*s", (int)(len - 5), l->name);
    int k = ey_nameset_find(&names, base, net_layer_name, &c.nl);
    if (k >= 0 && EY_NODE_IS_LAYER(net_layer(&c.nl, k)->type)) {
      char stem[EY_FILE_STEM_MAX];
      ey_file_stem(l->name, stem, sizeof stem);
      rc = ey_err_set(err, EY_CONFIG,
                      "%s: layers %s and %s: expected names whose files differ (got %s.npy, the "
                      "bias of %s and the weights of %s)",
                      dir, base, l->name, stem, base, l->name);
    }
  }
  if (!rc) {
    FILE *f = fopen(q->path, "rb");
    if (f) {
      fclose(f);
      q->given = 1;
      rc = ey_ydoc_with(q->path, NULL, quant_from_doc, &c, err);
    } else if (errno != ENOENT) {
      rc = ey_err_set(err, EY_IO, "%s: cannot open (%s)", q->path, strerror(errno));
    }
  }
  ey_nameset_free(&names);
  return rc;
}

ey_quant_layer ey_quant_get(const ey_quant *q, const char *name) {
  int k = ey_nameset_find(&q->index, name, quant_name, q);
  if (k >= 0) return q->layers[k];
  ey_quant_layer d;
  memset(&d, 0, sizeof d);
  snprintf(d.name, sizeof d.name, "%s", name);
  d.weight_scale = 1;
  d.shift = EY_SHIFT_AUTO;
  return d;
}

void ey_quant_free(ey_quant *q) {
  ey_nameset_free(&q->index);
  free(q->layers);
  q->layers = NULL;
  q->n = 0;
}

/* ------------------------------------------------------------ .npy files */

/* The shape of a file as NumPy writes it: "(4, 3, 3, 3)", "(4,)". */
static void shape_text(const int shape[4], int ndim, char *buf, size_t cap) {
  size_t n = (size_t)snprintf(buf, cap, "(");
  for (int k = 4 - ndim; k < 4 && n < cap; k++)
    n += (size_t)snprintf(buf + n, cap - n, "%s%d", k > 4 - ndim ? ", " : "", shape[k]);
  if (n < cap) snprintf(buf + n, cap - n, ndim == 1 ? ",)" : ")");
}

ey_rc ey_weights_load(const char *dir, const ey_layer *l, int word_bits, double weight_scale,
                      double bias_scale, ey_layer_weights *out, ey_err *err) {
  memset(out, 0, sizeof *out);
  if (word_bits < 2 || word_bits > 16)
    return ey_err_set(err, EY_MISUSE, "%s: word bits: expected 2 to 16 (got %d)", l->name,
                      word_bits);
  char path[PATH_CAP];
  if (ey_weights_path(dir, l->name, ".npy", path, sizeof path))
    return ey_err_set(err, EY_IO, "%s: a path too long for a weights folder", dir);
  const int Cg = l->groups > 0 ? l->C / l->groups : 0;
  ey_npy a;
  ey_rc rc = ey_npy_read(path, weight_scale, &a, err);
  if (rc) return rc;
  const int want[4] = {l->M, Cg, l->R, l->S};
  const int conv_ok = a.ndim == 4 && !memcmp(a.shape, want, sizeof want);
  const int fc_ok = l->type == EY_LAYER_FC && a.ndim == 2 && a.shape[2] == l->M &&
                    (int64_t)a.shape[3] == (int64_t)Cg * l->R * l->S;
  if (!conv_ok && !fc_ok) {
    char w[96], g[96];
    shape_text(want, 4, w, sizeof w);
    shape_text(a.shape, a.ndim, g, sizeof g);
    if (l->type == EY_LAYER_FC)
      rc = ey_err_set(err, EY_SYNTAX, "%s: shape: expected %s or (%d, %lld) (got %s)", path, w,
                      l->M, (long long)Cg * l->R * l->S, g);
    else
      rc = ey_err_set(err, EY_SYNTAX, "%s: shape: expected %s (got %s)", path, w, g);
    ey_npy_free(&a);
    return rc;
  }
  const int hi = (1 << (word_bits - 1)) - 1, lo = -hi - 1;
  for (uint64_t i = 0; i < a.count; i++) {
    if (a.data[i] >= lo && a.data[i] <= hi) continue;
    if (a.dtype == EY_NPY_F4) { /* scaled and rounded: saturated to the word */
      a.data[i] = (int16_t)(a.data[i] > hi ? hi : lo);
      continue;
    }
    rc = ey_err_set(err, EY_SYNTAX,
                    "%s: index %llu: expected a weight from %d to %d, a word of %d bits (got %d)",
                    path, (unsigned long long)i, lo, hi, word_bits, a.data[i]);
    ey_npy_free(&a);
    return rc;
  }
  out->weights = a.data; /* the reader's buffer, taken over */

  if (ey_weights_path(dir, l->name, ".bias.npy", path, sizeof path)) {
    ey_layer_weights_free(out);
    return ey_err_set(err, EY_IO, "%s: a path too long for a weights folder", dir);
  }
  struct stat st;
  if (stat(path, &st) != 0 && errno == ENOENT) return EY_OK; /* no bias */
  ey_npy32 b;
  rc = ey_npy_read_i32(path, bias_scale, &b, err);
  if (!rc && b.dtype == EY_NPY_F4 && isnan(bias_scale)) {
    rc = ey_err_set(err, EY_USAGE,
                    "%s: expected an int32 bias (got float32, which is scaled by its layer's "
                    "input scale, which only a whole-network run knows: --weights without "
                    "--activations)",
                    path);
    ey_npy32_free(&b);
  }
  if (!rc && !(b.ndim == 1 && b.shape[3] == l->M)) {
    char g[96];
    shape_text(b.shape, b.ndim, g, sizeof g);
    rc = ey_err_set(err, EY_SYNTAX, "%s: shape: expected (%d,) (got %s)", path, l->M, g);
    ey_npy32_free(&b);
  }
  if (rc) {
    ey_layer_weights_free(out);
    return rc;
  }
  out->bias = b.data;
  return EY_OK;
}

void ey_layer_weights_free(ey_layer_weights *w) {
  free(w->weights);
  free(w->bias);
  w->weights = NULL;
  w->bias = NULL;
}
