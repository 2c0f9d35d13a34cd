/* mapfile.h - mapping files: `eyesim map --out` writes them and `eyesim run
 * --mapping` reads them back (YAML), so a user can pin a mapping by hand. The
 * mapper itself knows no YAML: this is the config layer's reader and writer. */
#ifndef EY_MAPFILE_H
#define EY_MAPFILE_H

#include <stdio.h>

#include "mapper/mapper.h"
#include "sim/base/ey_nameset.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ey_mapfile_entry {
  char layer[EY_NAME_MAX];
  ey_layer shape; /* the shape the mapping was made for (N..groups) */
  ey_mapping map;
  int line;
} ey_mapfile_entry;

typedef struct ey_mapfile {
  char path[256];
  int version; /* eyesim_mapping: 1 */
  char arch[EY_NAME_MAX], net[EY_NAME_MAX];
  int batch;
  int n;
  ey_mapfile_entry *entries; /* owned */
  ey_nameset index;          /* private: the entries by layer name */
} ey_mapfile;

/* Writes one mapping per layer. `maps` is parallel to net->layers. */
void ey_mapfile_write(FILE *f, const ey_arch *a, const ey_net *net, const ey_mapping *maps);
/* Reads and checks the syntax of a mapping file: each layer once. */
ey_rc ey_mapfile_load(const char *path, ey_mapfile *mf, ey_err *err);
void ey_mapfile_free(ey_mapfile *mf);
/* Finds the entry for `l`, checks that it was made for the same shape and that it
 * is legal on `a`. Returns EY_OK or EY_MISMATCH naming FILE:LINE and the key. */
ey_rc ey_mapfile_lookup(const ey_mapfile *mf, const ey_layer *l, const ey_arch *a, ey_mapping *out,
                        ey_err *err);

#ifdef __cplusplus
}
#endif
#endif /* EY_MAPFILE_H */
