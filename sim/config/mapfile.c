/* mapfile.c - mapping files: `eyesim map --out` writes them and `eyesim run
 * --mapping` reads them back, so a user can pin a mapping by hand. Each entry
 * records the shape it was made for, so a file made for another network or batch
 * is refused instead of being applied to the wrong layer. */
#include "sim/config/mapfile.h"

#include <stdlib.h>
#include <string.h>

#include "sim/config/schema.h"
#include "sim/config/yamldoc.h"

#define E_(field) offsetof(ey_mapfile_entry, field)
#define F_(field) offsetof(ey_mapfile, field)

/* clang-format off */
static const ey_param k_file_params[] = {
  { "eyesim_mapping", EY_P_INT, 1, 1,     NULL, F_(version), NULL, "Format version; 1." },
  { "arch",           EY_P_STR, 0, 0,     NULL, F_(arch),  NULL, "Architecture the mapping was made for." },
  { "net",            EY_P_STR, 0, 0,     NULL, F_(net),   NULL, "Network the mapping was made for." },
  { "batch",          EY_P_INT, 1, 65536, NULL, F_(batch), NULL, "Batch the mapping was made for." },
};

static const ey_param k_entry_params[] = {
  { "layer",        EY_P_STR, 0, 0,       NULL, E_(layer),        NULL, "Layer name." },
  { "shape.N",      EY_P_INT, 1, 65536,   NULL, E_(shape.N),      NULL, "Batch." },
  { "shape.C",      EY_P_INT, 1, 1048576, NULL, E_(shape.C),      NULL, "Input channels." },
  { "shape.M",      EY_P_INT, 1, 1048576, NULL, E_(shape.M),      NULL, "Filters." },
  { "shape.H",      EY_P_INT, 1, 65535,   NULL, E_(shape.H),      NULL, "Input height." },
  { "shape.W",      EY_P_INT, 1, 65535,   NULL, E_(shape.W),      NULL, "Input width." },
  { "shape.R",      EY_P_INT, 1, 1024,    NULL, E_(shape.R),      NULL, "Filter height." },
  { "shape.S",      EY_P_INT, 1, 1024,    NULL, E_(shape.S),      NULL, "Filter width." },
  { "shape.stride", EY_P_INT, 1, 64,      NULL, E_(shape.stride), NULL, "Stride." },
  { "shape.pad",    EY_P_INT, 0, 64,      NULL, E_(shape.pad),    NULL, "Padding." },
  { "shape.groups", EY_P_INT, 1, 1048576, NULL, E_(shape.groups), NULL, "Groups." },
  { "n",            EY_P_INT, 1, 65536,   NULL, E_(map.n),        NULL, "Images per pass." },
  { "p",            EY_P_INT, 1, 65536,   NULL, E_(map.p),        NULL, "Filters per PE." },
  { "q",            EY_P_INT, 1, 65536,   NULL, E_(map.q),        NULL, "Channels per PE." },
  { "r",            EY_P_INT, 1, 65536,   NULL, E_(map.r),        NULL, "PE sets per group (channels)." },
  { "t",            EY_P_INT, 1, 65536,   NULL, E_(map.t),        NULL, "PE groups (filters)." },
  { "e",            EY_P_INT, 1, 65536,   NULL, E_(map.e),        NULL, "Output rows per set." },
  { "eg",           EY_P_INT, 1, 65536,   NULL, E_(map.eg),       NULL, "Output rows per GLB tile." },
  { "m",            EY_P_INT, 1, 1048576, NULL, E_(map.m),        NULL, "Filters held in the GLB." },
  { "g",            EY_P_INT, 1, 1048576, "1",  E_(map.g),        NULL, "Channel groups side by side (hierarchical-mesh only)." },
};
/* clang-format on */

static const ey_schema k_file = {"mapping file", k_file_params,
                                 (int)(sizeof k_file_params / sizeof k_file_params[0])};
static const ey_schema k_entry = {"mapping", k_entry_params,
                                  (int)(sizeof k_entry_params / sizeof k_entry_params[0])};

void ey_mapfile_write(FILE *f, const ey_arch *a, const ey_net *net, const ey_mapping *maps) {
  fputs(
      "# eyesim mapping, one row-stationary mapping per layer (docs/mapping.md).\n"
      "# `eyesim run ARCH NET --mapping FILE` reads it back; edit it to pin a mapping.\n"
      "eyesim_mapping: 1\narch: ",
      f);
  ey_schema_put_quoted(f, a->name);
  fputs("\nnet: ", f);
  ey_schema_put_quoted(f, net->name);
  fprintf(f, "\nbatch: %d\nlayers:\n", net->batch);
  for (int i = 0; i < net->nlayers; i++) {
    const ey_layer *l = &net->layers[i];
    const ey_mapping *m = &maps[i];
    fputs("  - layer: ", f);
    ey_schema_put_quoted(f, l->name);
    fprintf(f,
            "\n    shape: {N: %d, C: %d, M: %d, H: %d, W: %d, R: %d, S: %d, stride: %d, pad: %d, "
            "groups: %d}\n",
            l->N, l->C, l->M, l->H, l->W, l->R, l->S, l->stride, l->pad, l->groups);
    fprintf(
        f,
        "    n: %d\n    p: %d\n    q: %d\n    r: %d\n    t: %d\n    e: %d\n    eg: %d\n    m: %d\n"
        "    g: %d\n",
        m->n, m->p, m->q, m->r, m->t, m->e, m->eg, m->m, m->g);
  }
}

static const char *entry_name(const void *mf, int i) {
  return ((const ey_mapfile *)mf)->entries[i].layer;
}

static ey_rc mapfile_from_doc(ey_ydoc *d, void *obj, ey_err *err) {
  ey_mapfile *mf = obj;
  static const char *const skip[] = {"layers", NULL};
  yaml_node_t *root = ey_ydoc_root(d);
  ey_rc rc = ey_schema_apply(&k_file, d, root, "", skip, mf, NULL, err);
  if (rc) return rc;
  yaml_node_t *seq = ey_ymap_get(d, root, "layers");
  if (!seq || seq->type != YAML_SEQUENCE_NODE)
    return ey_err_set(err, EY_CONFIG, "%s:%d: layers: must be a list of layer mappings (got %s)",
                      d->path, ey_ynode_line(seq ? seq : root), ey_ynode_kind(seq));
  int n = (int)(seq->data.sequence.items.top - seq->data.sequence.items.start);
  mf->entries = calloc((size_t)(n ? n : 1), sizeof *mf->entries);
  if (!mf->entries) return ey_err_set(err, EY_NOMEM, "%s: out of memory", d->path);
  for (int i = 0; i < n; i++) {
    yaml_node_t *en = ey_ydoc_node(d, seq->data.sequence.items.start[i]);
    ey_mapfile_entry *e = &mf->entries[i];
    char prefix[EY_NAME_MAX + 24];
    ey_schema_item_prefix(d, en, "layer", "layers", i, prefix, sizeof prefix);
    rc = ey_schema_apply(&k_entry, d, en, prefix, NULL, e, NULL, err);
    if (rc) return rc;
    e->line = ey_ynode_line(en);
    mf->n = i + 1;
    /* One entry a layer: a second one would be ignored without a word. */
    int first = ey_nameset_add(&mf->index, i, entry_name, mf);
    if (first == -2) return ey_err_set(err, EY_NOMEM, "%s: out of memory", d->path);
    if (first >= 0)
      return ey_err_set(err, EY_CONFIG,
                        "%s:%d: %slayer: each layer once (got it again; first on line %d)", d->path,
                        e->line, prefix, mf->entries[first].line);
  }
  return EY_OK;
}

ey_rc ey_mapfile_load(const char *path, ey_mapfile *mf, ey_err *err) {
  memset(mf, 0, sizeof *mf);
  snprintf(mf->path, sizeof mf->path, "%s", path);
  return ey_ydoc_with(path, NULL, mapfile_from_doc, mf, err);
}

void ey_mapfile_free(ey_mapfile *mf) {
  ey_nameset_free(&mf->index);
  free(mf->entries);
  mf->entries = NULL;
  mf->n = 0;
}

ey_rc ey_mapfile_lookup(const ey_mapfile *mf, const ey_layer *l, const ey_arch *a, ey_mapping *out,
                        ey_err *err) {
  int k = ey_nameset_find(&mf->index, l->name, entry_name, mf);
  const ey_mapfile_entry *e = k >= 0 ? &mf->entries[k] : NULL;
  if (!e) {
    char names[200] = "";
    size_t len = 0;
    for (int i = 0; i < mf->n && len + 4 < sizeof names; i++)
      len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "",
                              mf->entries[i].layer);
    return ey_err_set(err, EY_MISMATCH, "%s: %s: no mapping for this layer (the file maps %s)",
                      mf->path, l->name, mf->n ? names : "no layers");
  }
  const struct {
    const char *key;
    int want, got;
  } shape[] = {{"N", l->N, e->shape.N},       {"C", l->C, e->shape.C},
               {"M", l->M, e->shape.M},       {"H", l->H, e->shape.H},
               {"W", l->W, e->shape.W},       {"R", l->R, e->shape.R},
               {"S", l->S, e->shape.S},       {"stride", l->stride, e->shape.stride},
               {"pad", l->pad, e->shape.pad}, {"groups", l->groups, e->shape.groups}};
  for (size_t i = 0; i < sizeof shape / sizeof shape[0]; i++)
    if (shape[i].want != shape[i].got)
      return ey_err_set(err, EY_MISMATCH,
                        "%s:%d: %s.shape.%s: must match the layer being run, %d (got %d)", mf->path,
                        e->line, l->name, shape[i].key, shape[i].want, shape[i].got);
  ey_err why;
  if (ey_mapping_check(l, a, &e->map, &why))
    return ey_err_set(err, EY_MISMATCH, "%s:%d: %s.%s", mf->path, e->line, l->name, why.msg);
  *out = e->map;
  return EY_OK;
}
