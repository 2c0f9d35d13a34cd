/* run.c - map and cost every layer of a network. */
#include "sim/run.h"

#include <stdlib.h>
#include <string.h>

ey_rc ey_report_build(ey_report *r, const ey_arch *a, const ey_net *net, int objective,
                      const ey_mapfile *mf, ey_err *err) {
  memset(r, 0, sizeof *r);
  r->arch = a;
  r->net = net;
  r->objective = objective;
  r->mapping_from = mf ? "file" : "search";
  r->res = calloc((size_t)(net->nlayers ? net->nlayers : 1), sizeof *r->res);
  if (!r->res) return ey_err_set(err, EY_NOMEM, "out of memory");
  r->nlayers = net->nlayers;
  for (int i = 0; i < net->nlayers; i++) {
    ey_layer_result *x = &r->res[i];
    x->layer = &net->layers[i];
    if (mf) {
      ey_rc rc = ey_mapfile_lookup(mf, x->layer, a, &x->map, err);
      if (rc) return rc;
      ey_mapping_cost(x->layer, a, &x->map, &x->cost);
      x->mapped = 1;
      continue;
    }
    ey_err why;
    ey_rc rc = ey_map_layer(x->layer, a, objective, &x->map, &x->cost, NULL, &why);
    if (rc == EY_NOMAP) {
      snprintf(x->why, sizeof x->why, "%s", why.msg);
      continue;
    }
    if (rc) return ey_err_set(err, rc, "%s", why.msg);
    x->mapped = 1;
  }
  return EY_OK;
}

void ey_report_free(ey_report *r) {
  free(r->res);
  r->res = NULL;
  r->nlayers = 0;
}
