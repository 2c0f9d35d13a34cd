/* run.c - map and cost every layer of a network. */
#include "sim/run.h"

#include <stdlib.h>
#include <string.h>

/* Maps and costs one layer; returns EY_OK with x->mapped = 0 when it cannot map. */
static ey_rc map_layer(ey_layer_result *x, const ey_arch *a, int objective, const ey_mapfile *mf,
                       ey_err *err) {
  if (mf) {
    ey_rc rc = ey_mapfile_lookup(mf, x->layer, a, &x->map, err);
    if (rc) return rc;
    ey_mapping_cost(x->layer, a, &x->map, &x->cost);
    x->mapped = 1;
    return EY_OK;
  }
  ey_err why;
  ey_rc rc = ey_map_layer(x->layer, a, objective, &x->map, &x->cost, NULL, &why);
  if (rc == EY_NOMAP) {
    snprintf(x->why, sizeof x->why, "%s", why.msg);
    return EY_OK;
  }
  if (rc) return ey_err_set(err, rc, "%s", why.msg);
  x->mapped = 1;
  return EY_OK;
}

ey_rc ey_report_build(ey_report *r, const ey_arch *a, const ey_net *net, int objective,
                      const ey_mapfile *mf, const ey_engine_opts *engine, const ey_act_trace *act,
                      ey_err *err) {
  memset(r, 0, sizeof *r);
  r->arch = a;
  r->net = net;
  r->objective = objective;
  r->mapping_from = mf ? "file" : "search";
  r->engine = engine;
  r->activations = act ? act->path : NULL;
  r->res = calloc((size_t)(net->nlayers ? net->nlayers : 1), sizeof *r->res);
  if (!r->res) return ey_err_set(err, EY_NOMEM, "out of memory");
  r->nlayers = net->nlayers;
  for (int i = 0; i < net->nlayers; i++) {
    ey_layer_result *x = &r->res[i];
    x->layer = &net->layers[i];
    ey_rc rc = map_layer(x, a, objective, mf, err);
    if (rc) return rc;
  }
  /* Every layer is mapped before any is simulated: a bad mapping file fails fast. */
  ey_cycle base = 0; /* run cycle at which the next layer starts */
  for (int i = 0; engine && i < net->nlayers; i++) {
    ey_layer_result *x = &r->res[i];
    if (!x->mapped) continue;
    int16_t *ifmap = NULL;
    const ey_layer *l = x->layer;
    char name[EY_ACT_NAME_MAX];
    snprintf(name, sizeof name, "%s.ifmap", l->name);
    const ey_act_tensor *t = act ? ey_act_find(act, name) : NULL;
    if (t) {
      const int want[4] = {l->N, l->C, l->H, l->W};
      if (memcmp(t->shape, want, sizeof want))
        return ey_err_set(err, EY_MISMATCH,
                          "%s: tensor %s: shape (%d, %d, %d, %d) does not match layer %s (%d, %d, %d, %d)",
                          act->path, name, t->shape[0], t->shape[1], t->shape[2], t->shape[3], l->name, l->N,
                          l->C, l->H, l->W);
      ifmap = malloc(sizeof *ifmap * (size_t)l->N * (size_t)l->C * (size_t)l->H * (size_t)l->W);
      if (!ifmap) return ey_err_set(err, EY_NOMEM, "out of memory");
      ey_rc drc = ey_act_decode(act, t, ifmap, err);
      if (drc) {
        free(ifmap);
        return drc;
      }
      x->replayed = 1;
    }
    ey_engine_opts lo = *engine;
    lo.cycle_base = base;
    /* Waveforms need every cycle: a layer the window may reach steps exactly
     * (the two steppings give the same results). */
    if (lo.sample && base < lo.sample_until) lo.step = EY_STEP_EXACT;
    ey_rc rc = ey_engine_run_layer(a, l, &x->map, &lo, ifmap, &x->meas, err);
    free(ifmap);
    base += x->meas.cycles;
    if (rc) return rc;
    x->simulated = 1;
    x->meas_energy_total = ey_energy_of(&x->meas.c, a, x->meas_energy);
    /* DRAM energy follows the words that crossed the bus (fewer when coded). */
    for (int ty = 0; ty < EY_NTYPES; ty++) {
      double moved = (double)x->meas.dram_bits[ty] / a->word_bits * a->e_dram;
      x->meas_energy_total += moved - x->meas_energy[EY_LV_DRAM][ty];
      x->meas_energy[EY_LV_DRAM][ty] = moved;
    }
  }
  return EY_OK;
}

void ey_report_free(ey_report *r) {
  free(r->res);
  r->res = NULL;
  r->nlayers = 0;
}
