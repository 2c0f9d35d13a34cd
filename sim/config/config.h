/* config.h - loading and checking architecture and network files (libyaml).
 *
 * Every key is one row of a table in config.c; unknown keys, wrong types, values
 * out of range and missing required keys are errors, and cross-field rules run
 * after loading. Every error is one line, "FILE:LINE: KEY: expected (got WHAT)". */
#ifndef EY_CONFIG_H
#define EY_CONFIG_H

#include "sim/base/ey_arch.h"
#include "sim/config/schema.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when `ref` names a file rather than a shipped config: it holds a '/' or ends
 * in .yaml or .yml. */
int ey_config_is_path(const char *ref);
/* Where an architecture or network named by `ref` lives: `ref` itself as a path
 * (taken from `base_dir` when relative and base_dir is not NULL) when that file
 * exists, or ref holds a '/' or ends in .yaml or .yml; otherwise the shipped
 * config_dir/sub/ref.yaml ("eyeriss_v1" -> configs/arch/eyeriss_v1.yaml). Writes
 * the path into buf and returns 1 when a file is there, 0 when not. */
int ey_config_path(const char *ref, const char *sub, const char *config_dir, const char *base_dir,
                   char *buf, size_t cap);

const ey_schema *ey_arch_schema(void);
const ey_schema *ey_net_schema(void);   /* the top level of a network file */
const ey_schema *ey_layer_schema(void); /* one entry of `layers:` */

/* Loads and checks an architecture file. Returns EY_OK, EY_IO, EY_SYNTAX or
 * EY_CONFIG with the message in err. */
ey_rc ey_arch_load(const char *path, ey_arch *a, ey_err *err);
/* The same from YAML text; `name` is used in messages (tests). */
ey_rc ey_arch_load_string(const char *name, const char *text, ey_arch *a, ey_err *err);
/* Applies "KEY=VALUE" (the --set option) and re-checks the cross-field rules. */
ey_rc ey_arch_set(ey_arch *a, const char *assignment, ey_err *err);
/* Applies every "KEY=VALUE" in order, then checks the cross-field rules once, so
 * that keys a rule ties together (pe_array.rows and noc.mesh.cluster_rows) may
 * change together in any order. */
ey_rc ey_arch_set_all(ey_arch *a, const char *const *assignments, int n, ey_err *err);
/* The cross-field rules alone (GLB split fits the GLB, psum width, ...). */
ey_rc ey_arch_check(const ey_arch *a, ey_err *err);

/* Loads and checks a network file; every layer's N is the file's batch. The caller
 * frees with ey_net_free() whatever the result. */
ey_rc ey_net_load(const char *path, ey_net *net, ey_err *err);
ey_rc ey_net_load_string(const char *name, const char *text, ey_net *net, ey_err *err);
void ey_net_free(ey_net *net); /* safe on a zeroed ey_net */
void ey_net_set_batch(ey_net *net, int batch);
/* Every conv and fc layer's input zero fraction (its profile) becomes `zeros`, 0 to
 * 1: what --zeros does, so that the mapper's estimate sees it too. */
void ey_net_set_zeros(ey_net *net, double zeros);
/* Keeps only the layers named in `list`: comma-separated names and ranges
 * "first..last" in file order, e.g. "conv1..conv5,fc8". Returns EY_USAGE naming
 * an unknown layer. */
ey_rc ey_net_select(ey_net *net, const char *list, ey_err *err);
/* Derives E and F and checks one layer's cross-field rules; `where` is
 * "FILE:LINE" for messages. Used by the loader and by tests. */
ey_rc ey_layer_finish(ey_layer *l, const char *where, ey_err *err);

#ifdef __cplusplus
}
#endif
#endif /* EY_CONFIG_H */
