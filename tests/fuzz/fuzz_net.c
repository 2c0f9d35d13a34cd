/* fuzz_net.c - the network loader, the size checks of every layer it gives, and
 * the graph's invariants: every input of a node is above it (or the network's
 * input), and every shape it inferred is positive and within the stated bounds. */
#include <stdlib.h>

#include "sim/config/config.h"
#include "sim/engine/data.h"
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_graph(const ey_net *net) {
  for (int i = 0; i < net->nnodes; i++) {
    const ey_node *x = &net->nodes[i];
    if (x->ninputs < 1 || x->ninputs > EY_NODE_INPUTS_MAX) abort();
    for (int k = 0; k < x->ninputs; k++)
      if (x->inputs[k] != EY_NET_INPUT && (x->inputs[k] < 0 || x->inputs[k] >= i)) abort();
    if (x->outC < 1 || x->outC > 1048576 || x->outH < 1 || x->outW < 1) abort();
    if (x->l.C < 1 || x->l.C > 1048576 || x->l.H < 1 || x->l.H > 65535 || x->l.W < 1 ||
        x->l.W > 65535)
      abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ey_net net;
  ey_err err;
  if (!ey_net_load(ey_fuzz_file(data, size, ".yaml"), &net, &err)) {
    check_graph(&net);
    for (int i = 0; i < net.nlayers; i++) {
      (void)ey_tensors_check(&net.layers[i], &err);
      (void)ey_layer_macs(&net.layers[i]);
    }
    if (net.nlayers > 1) (void)ey_net_select(&net, net.layers[net.nlayers - 1].name, &err);
  }
  ey_net_free(&net);
  return 0;
}
