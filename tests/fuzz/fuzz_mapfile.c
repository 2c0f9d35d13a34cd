/* fuzz_mapfile.c - the mapping-file loader, then each entry looked up for the
 * layer it was made for on Eyeriss v1: the mapping check and its cost. */
#include <stdlib.h>

#include "sim/config/config.h"
#include "sim/config/mapfile.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static ey_arch arch;
  static int have_arch;
  ey_err err;
  if (!have_arch) {
    if (ey_arch_load(EY_SRC_DIR "/configs/arch/eyeriss_v1.yaml", &arch, &err)) abort();
    have_arch = 1;
  }
  ey_mapfile mf;
  if (!ey_mapfile_load(ey_fuzz_file(data, size, ".yaml"), &mf, &err)) {
    for (int i = 0; i < mf.n && i < 64; i++) {
      ey_layer l = mf.entries[i].shape;
      snprintf(l.name, sizeof l.name, "%s", mf.entries[i].layer);
      l.type = EY_LAYER_CONV;
      l.relu = 1;
      if (ey_layer_finish(&l, "fuzz", &err)) continue;
      ey_mapping m;
      if (!ey_mapfile_lookup(&mf, &l, &arch, &m, &err)) {
        ey_cost c;
        ey_mapping_cost(&l, &arch, &m, &c);
      }
    }
  }
  ey_mapfile_free(&mf);
  return 0;
}
