/* fuzz_net.c - the network loader, and the size checks of every layer it gives. */
#include "sim/config/config.h"
#include "sim/engine/data.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ey_net net;
  ey_err err;
  if (!ey_net_load(ey_fuzz_file(data, size, ".yaml"), &net, &err)) {
    for (int i = 0; i < net.nlayers; i++) {
      (void)ey_tensors_check(&net.layers[i], &err);
      (void)ey_layer_macs(&net.layers[i]);
    }
    if (net.nlayers > 1) (void)ey_net_select(&net, net.layers[net.nlayers - 1].name, &err);
  }
  ey_net_free(&net);
  return 0;
}
