/* yamldoc.h - a YAML file loaded into libyaml's node tree, with line numbers kept
 * for every node so that each configuration error can name FILE:LINE. */
#ifndef EY_YAMLDOC_H
#define EY_YAMLDOC_H

#include <yaml.h>

#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ey_ydoc {
  yaml_document_t doc; /* private; valid when loaded != 0 */
  int loaded;          /* read-only */
  const char *path;    /* read-only; the caller's string, used in messages */
} ey_ydoc;

/* Limits of every YAML file eyesim reads (docs/config.md, "Limits"): its size,
 * and how deep lists and mappings nest (libyaml's time grows with the square of
 * the depth; eyesim's own files nest four levels at most). */
#define EY_YAML_MAX_BYTES (64 << 20) /* 64 MiB */
#define EY_YAML_MAX_DEPTH 64

/* Loads the whole file. Returns EY_OK; EY_IO when it cannot be opened; EY_SYNTAX
 * for malformed YAML, an empty document, a second document, a file over
 * EY_YAML_MAX_BYTES or nesting deeper than EY_YAML_MAX_DEPTH, with
 * "FILE:LINE: syntax: ..." or "FILE:LINE: document: ..." in err. The caller
 * calls ey_ydoc_fini() in every case. */
ey_rc ey_ydoc_load(ey_ydoc *d, const char *path, ey_err *err);
/* The same from a string; `path` is only the name used in messages. */
ey_rc ey_ydoc_load_string(ey_ydoc *d, const char *path, const char *text, ey_err *err);
void ey_ydoc_fini(ey_ydoc *d); /* safe on a zeroed or failed ey_ydoc */

/* Loads `path` (or, when text is not NULL, the string `text` named `path`), calls
 * fn(d, obj, err) on the document and frees it: the one shape of every loader. */
typedef ey_rc (*ey_ydoc_fn)(ey_ydoc *d, void *obj, ey_err *err);
ey_rc ey_ydoc_with(const char *path, const char *text, ey_ydoc_fn fn, void *obj, ey_err *err);

yaml_node_t *ey_ydoc_root(ey_ydoc *d);
yaml_node_t *ey_ydoc_node(ey_ydoc *d, int id);   /* id from a pair or item */
int ey_ynode_line(const yaml_node_t *n);         /* 1-based */
const char *ey_ynode_kind(const yaml_node_t *n); /* "a mapping", "a list", ... */
/* The scalar text of a node, or NULL when the node is not a scalar. */
const char *ey_ynode_scalar(const yaml_node_t *n);
/* The value node of `key` in mapping `map`, or NULL. */
yaml_node_t *ey_ymap_get(ey_ydoc *d, yaml_node_t *map, const char *key);

#ifdef __cplusplus
}
#endif
#endif /* EY_YAMLDOC_H */
