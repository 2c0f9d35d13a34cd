/* netdata.c - real weights in, and a network's tensors passed from node to node
 * (netdata.h). */
#include "sim/report/netdata.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine/data.h"
#include "sim/engine/hostops.h"
#include "sim/engine/weights.h"
#include "traces/npy.h"

/* One simulated layer's data while it runs. */
typedef struct layer_slot {
  ey_layer_weights w;
  int16_t *seeded; /* an ifmap made here (auto shift on seeded data), or NULL */
  int shift;
} layer_slot;

struct ey_netdata {
  const ey_arch *a;
  const ey_net *net;
  ey_netdata_opts o;
  ey_quant q;
  layer_slot *slot; /* per layer of net->layers */
  /* Chained only. */
  ey_htensor input; /* the network's input */
  ey_htensor *val;  /* per node: its output once computed (data NULL before) */
  double *scale;    /* per node: the scale of its output (docs/graphs.md) */
  int *done;        /* per node: 1 once computed */
  int *uses;        /* per node: consumers not yet computed */
  int input_uses;   /* the same for the network's input */
  double input_scale;
};

int ey_netdata_chained(const ey_netdata *d) {
  return d->o.chained;
}

const char *ey_netdata_weights(const ey_netdata *d) {
  return d->o.weights_dir;
}

const char *ey_netdata_input(const ey_netdata *d) {
  return d->o.input;
}

int ey_netdata_shift(const ey_netdata *d, int i) {
  return d->slot[i].shift;
}

/* The network's input from --input: shape (N, C, H, W) or (C, H, W) with N = 1,
 * int16 words (checked against the word) or float32 times input_scale. */
static ey_rc load_input(ey_netdata *d, ey_err *err) {
  const ey_net *net = d->net;
  ey_rc rc = ey_htensor_alloc(&d->input, net->batch, net->inC, net->inH, net->inW, err);
  if (rc) {
    ey_err inner = *err;
    return ey_err_set(err, rc, "%s: the network's input: %s", net->path, inner.msg);
  }
  if (!d->o.input) { /* seeded, as a layer's synthetic ifmap is */
    ey_layer l = {.N = net->batch,
                  .C = net->inC,
                  .M = 1,
                  .H = net->inH,
                  .W = net->inW,
                  .R = 1,
                  .S = 1,
                  .stride = 1,
                  .groups = 1};
    snprintf(l.name, sizeof l.name, "input");
    l.E = l.H, l.F = l.W;
    /* Its zeros: the profile of the first layer that reads it, as that layer alone
     * would have them. */
    int found = 0;
    for (int i = 0; i < net->nnodes && !found; i++) {
      const ey_node *x = &net->nodes[i];
      for (int k = 0; k < x->ninputs && !found; k++)
        if (x->inputs[k] == EY_NET_INPUT && EY_NODE_IS_LAYER(x->l.type)) {
          l.zeros = x->l.zeros;
          l.zeros_given = x->l.zeros_given;
          found = 1;
        }
    }
    ey_tensors t;
    rc = ey_tensors_make(&t, &l, d->a->word_bits, d->o.seed, ey_layer_zeros(&l, d->o.zeros));
    if (rc) return ey_err_set(err, rc, "input: out of memory");
    memcpy(d->input.data, t.ifmap, sizeof *t.ifmap * (size_t)ey_htensor_values(&d->input));
    ey_tensors_free(&t);
    return EY_OK;
  }
  ey_npy x;
  rc = ey_npy_read(d->o.input, d->input_scale, &x, err);
  if (rc) return rc;
  const int want[4] = {net->batch, net->inC, net->inH, net->inW};
  if (memcmp(x.shape, want, sizeof want) || x.ndim < 3) {
    char got[96];
    size_t n = (size_t)snprintf(got, sizeof got, "(");
    for (int k = 4 - x.ndim; k < 4 && n < sizeof got; k++)
      n +=
          (size_t)snprintf(got + n, sizeof got - n, "%s%d", k > 4 - x.ndim ? ", " : "", x.shape[k]);
    if (n < sizeof got) snprintf(got + n, sizeof got - n, x.ndim == 1 ? ",)" : ")");
    rc = ey_err_set(err, EY_MISMATCH,
                    "%s: shape: expected the network's input (%d, %d, %d, %d)%s (got %s)",
                    d->o.input, want[0], want[1], want[2], want[3],
                    want[0] == 1 ? " or its (C, H, W)" : "", got);
    ey_npy_free(&x);
    return rc;
  }
  const int hi = (1 << (d->a->word_bits - 1)) - 1, lo = -hi - 1;
  for (uint64_t k = 0; k < x.count; k++)
    if (x.dtype == EY_NPY_F4) { /* scaled and rounded: saturated to the word */
      if (x.data[k] > hi) x.data[k] = (int16_t)hi;
      if (x.data[k] < lo) x.data[k] = (int16_t)lo;
    } else if (x.data[k] > hi || x.data[k] < lo) {
      rc = ey_err_set(err, EY_MISMATCH,
                      "%s: index %llu: expected a word of %d bits, from %d to %d (got %d)",
                      d->o.input, (unsigned long long)k, d->a->word_bits, lo, hi, x.data[k]);
      ey_npy_free(&x);
      return rc;
    }
  memcpy(d->input.data, x.data, sizeof *x.data * (size_t)x.count);
  ey_npy_free(&x);
  return EY_OK;
}

ey_rc ey_netdata_open(ey_netdata **out, const ey_arch *a, const ey_net *net,
                      const ey_netdata_opts *o, ey_err *err) {
  *out = NULL;
  if (o->chained && (net->independent || !net->nnodes))
    return ey_err_set(err, EY_USAGE,
                      "--weights: a whole-network run needs a network graph (%s says independent: "
                      "true); replay its layers with --activations instead",
                      net->path);
  ey_netdata *d = calloc(1, sizeof *d);
  if (!d) return ey_err_set(err, EY_NOMEM, "out of memory");
  *out = d;
  d->a = a;
  d->net = net;
  d->o = *o;
  d->slot = calloc((size_t)(net->nlayers ? net->nlayers : 1), sizeof *d->slot);
  if (!d->slot) return ey_err_set(err, EY_NOMEM, "out of memory");
  ey_rc rc = ey_quant_load(o->weights_dir, net, &d->q, err);
  if (rc) return rc;
  d->input_scale = d->q.input_scale;
  if (!o->chained) return EY_OK;
  const size_t n = (size_t)net->nnodes;
  d->val = calloc(n, sizeof *d->val);
  d->scale = calloc(n, sizeof *d->scale);
  d->done = calloc(n, sizeof *d->done);
  d->uses = calloc(n, sizeof *d->uses);
  if (!d->val || !d->scale || !d->done || !d->uses)
    return ey_err_set(err, EY_NOMEM, "out of memory");
  for (int k = 0; k < net->nnodes; k++)
    for (int i = 0; i < net->nodes[k].ninputs; i++) {
      const int j = net->nodes[k].inputs[i];
      if (j == EY_NET_INPUT)
        d->input_uses++;
      else
        d->uses[j]++;
    }
  return load_input(d, err);
}

/* The tensor node input j of node x reads, and its scale. */
static const ey_htensor *input_of(const ey_netdata *d, int j, double *scale) {
  if (j == EY_NET_INPUT) {
    if (scale) *scale = d->input_scale;
    return &d->input;
  }
  if (scale) *scale = d->scale[j];
  return &d->val[j];
}

/* The scale of a layer's output: its input's times its weights', over 2^shift and
 * over 2^data.product_shift (docs/graphs.md). */
static double out_scale(const ey_netdata *d, const ey_layer *l, double in_scale, int shift) {
  return in_scale * ey_quant_get(&d->q, l->name).weight_scale /
         ldexp(1.0, shift + d->a->product_shift);
}

/* Loads layer l's weights (slot), picks its shift, and, with `out`, computes its
 * outputs with the golden convolution on `ifmap` (the reference path). */
static ey_rc layer_data(ey_netdata *d, const ey_layer *l, layer_slot *slot, const int16_t *ifmap,
                        double in_scale, int16_t *out, ey_err *err) {
  const ey_quant_layer ql = ey_quant_get(&d->q, l->name);
  /* The bias is added to psums, whose scale the product shift divides too. */
  ey_rc rc =
      ey_weights_load(d->o.weights_dir, l, d->a->word_bits, ql.weight_scale,
                      in_scale * ql.weight_scale / ldexp(1.0, d->a->product_shift), &slot->w, err);
  if (rc) return rc;
  slot->shift = ql.shift;
  if (slot->shift != EY_SHIFT_AUTO && !out) return EY_OK;
  const uint64_t n = ey_tensor_values(l, EY_PSUM);
  uint32_t *raw = malloc(ey_alloc_size(n, sizeof *raw));
  if (!raw) return ey_err_set(err, EY_NOMEM, "%s: out of memory", l->name);
  ey_tensors t = {.ifmap = (int16_t *)ifmap,
                  .weights = slot->w.weights,
                  .bias = slot->w.bias,
                  .psum_bits = d->a->psum_bits,
                  .product_shift = d->a->product_shift};
  ey_golden_conv(l, &t, d->a->word_bits, raw, NULL);
  if (slot->shift == EY_SHIFT_AUTO)
    slot->shift = ey_requant_fit_shift(l, raw, slot->w.bias, d->a->word_bits);
  if (out) {
    const uint64_t per = (uint64_t)l->E * (uint64_t)l->F;
    for (uint64_t k = 0; k < n; k++) {
      const int m = (int)((k / per) % (uint64_t)l->M);
      out[k] = ey_requant_bias(raw[k], slot->w.bias ? slot->w.bias[m] : 0, slot->shift,
                               d->a->word_bits, l->relu);
    }
  }
  free(raw);
  return EY_OK;
}

/* Node k is computed: the tensors it read that no other node will read are
 * freed, unless every output is kept or it is the network's output. */
static void node_done(ey_netdata *d, int k) {
  const ey_node *x = &d->net->nodes[k];
  d->done[k] = 1;
  for (int i = 0; i < x->ninputs; i++) {
    const int j = x->inputs[i];
    int *uses = j == EY_NET_INPUT ? &d->input_uses : &d->uses[j];
    if (--*uses > 0 || d->o.keep_all || j == d->net->nnodes - 1) continue;
    ey_htensor_free(j == EY_NET_INPUT ? &d->input : &d->val[j]);
  }
}

/* Computes node k on the host: a host node, or a layer the run does not simulate. */
static ey_rc compute_node(ey_netdata *d, int k, ey_err *err) {
  const ey_net *net = d->net;
  const ey_node *x = &net->nodes[k];
  const ey_htensor *in[EY_NODE_INPUTS_MAX];
  double sc = 1;
  for (int i = 0; i < x->ninputs; i++) in[i] = input_of(d, x->inputs[i], i ? NULL : &sc);
  ey_htensor *o = &d->val[k];
  ey_rc rc;
  switch (x->l.type) {
    case EY_LAYER_CONV:
    case EY_LAYER_FC: {
      rc = ey_htensor_alloc(o, net->batch, x->outC, x->outH, x->outW, err);
      if (rc) break;
      layer_slot s = {0};
      rc = layer_data(d, &x->l, &s, in[0]->data, sc, o->data, err);
      ey_layer_weights_free(&s.w);
      sc = out_scale(d, &x->l, sc, s.shift);
      break;
    }
    case EY_NODE_MAXPOOL:
    case EY_NODE_AVGPOOL: {
      const ey_pool p = ey_pool_of_node(x);
      rc = (x->l.type == EY_NODE_MAXPOOL ? ey_host_maxpool : ey_host_avgpool)(in[0], &p, o, err);
      break;
    }
    case EY_NODE_ADD:
      rc = ey_host_add(in, x->ninputs, d->a->word_bits, x->l.relu, o, err);
      break;
    case EY_NODE_CONCAT:
      rc = ey_host_concat(in, x->ninputs, x->l.relu, o, err);
      break;
    default:
      rc = ey_host_flatten(in[0], x->l.relu, o, err);
      break;
  }
  if (rc) {
    ey_err inner = *err;
    return ey_err_set(err, rc, "%s: %s", x->l.name, inner.msg);
  }
  d->scale[k] = sc;
  node_done(d, k);
  return EY_OK;
}

/* Every node before `end` not computed yet. The run simulates its layers in
 * order, so a layer among them is one it does not simulate (left out by
 * --layers, or unable to map): the reference code computes it. */
static ey_rc compute_upto(ey_netdata *d, int end, ey_err *err) {
  for (int k = 0; k < end; k++) {
    if (d->done[k]) continue;
    ey_rc rc = compute_node(d, k, err);
    if (rc) return rc;
  }
  return EY_OK;
}

ey_rc ey_netdata_begin(ey_netdata *d, int i, const int16_t *trace_ifmap, ey_engine_opts *lo,
                       const int16_t **ifmap, ey_err *err) {
  const ey_layer *l = &d->net->layers[i];
  layer_slot *s = &d->slot[i];
  double sc = 1;
  const int16_t *in = trace_ifmap;
  ey_rc rc;
  if (d->o.chained) {
    const ey_node *x = &d->net->nodes[l->node];
    rc = compute_upto(d, l->node, err);
    if (rc) return rc;
    in = input_of(d, x->inputs[0], &sc)->data;
    rc = ey_htensor_alloc(&d->val[l->node], l->N, x->outC, x->outH, x->outW, err);
    if (rc) {
      ey_err inner = *err;
      return ey_err_set(err, rc, "%s: %s", l->name, inner.msg);
    }
    lo->outputs = d->val[l->node].data;
  } else if (!in && ey_quant_get(&d->q, l->name).shift == EY_SHIFT_AUTO) {
    /* The automatic shift is the psums'; make the seeded ifmap the engine would. */
    ey_tensors t;
    rc = ey_tensors_make(&t, l, d->a->word_bits, lo->seed, ey_layer_zeros(l, lo->zeros));
    if (rc) return ey_err_set(err, rc, "%s: out of memory", l->name);
    s->seeded = t.ifmap;
    t.ifmap = NULL;
    ey_tensors_free(&t);
    in = s->seeded;
  }
  /* Not chained, the layer's input scale is not known: a float32 bias, which
   * needs it, is refused (ey_weights_load). */
  if (!d->o.chained) sc = NAN;
  rc = layer_data(d, l, s, in, sc, NULL, err);
  if (rc) return rc;
  lo->weights = s->w.weights;
  lo->bias = s->w.bias;
  lo->shift_given = 1;
  lo->shift = s->shift;
  *ifmap = in;
  return EY_OK;
}

void ey_netdata_end(ey_netdata *d, int i, ey_rc rc) {
  const ey_layer *l = &d->net->layers[i];
  layer_slot *s = &d->slot[i];
  if (d->o.chained && !rc) {
    const ey_node *x = &d->net->nodes[l->node];
    double sc;
    input_of(d, x->inputs[0], &sc);
    d->scale[l->node] = out_scale(d, l, sc, s->shift);
    node_done(d, l->node);
  }
  ey_layer_weights_free(&s->w);
  free(s->seeded);
  s->seeded = NULL;
}

ey_rc ey_netdata_finish(ey_netdata *d, ey_err *err) {
  return d->o.chained ? compute_upto(d, d->net->nnodes, err) : EY_OK;
}

ey_rc ey_netdata_write_output(const ey_netdata *d, FILE *f, ey_err *err) {
  const int last = d->net->nnodes - 1;
  if (!d->o.chained || last < 0 || !d->done[last])
    return ey_err_set(err, EY_MISUSE, "--output: the network's output was not computed");
  const ey_htensor *t = &d->val[last];
  const int shape[4] = {t->N, t->C, t->H, t->W};
  ey_npy_write(f, shape, t->data);
  return EY_OK;
}

ey_rc ey_netdata_write_activations(const ey_netdata *d, FILE *f, ey_act_stats *st, ey_err *err) {
  if (!d->o.chained)
    return ey_err_set(err, EY_MISUSE, "--record-activations: needs a whole-network run");
  ey_act_writer *w = ey_act_writer_open(f);
  if (!w) return ey_err_set(err, EY_NOMEM, "out of memory");
  ey_rc rc = EY_OK;
  for (int k = 0; k < d->net->nnodes && !rc; k++) {
    const ey_node *x = &d->net->nodes[k];
    if (!EY_NODE_IS_LAYER(x->l.type)) continue;
    const ey_htensor *in = input_of(d, x->inputs[0], NULL);
    char name[EY_ACT_NAME_MAX];
    snprintf(name, sizeof name, "%s.ifmap", x->l.name);
    const int shape[4] = {in->N, in->C, in->H, in->W};
    rc = ey_act_writer_add(w, name, shape, in->data);
    if (rc)
      rc = ey_err_set(err, rc, "%s: %s", name, rc == EY_IO ? strerror(errno) : ey_strerror(rc));
  }
  if (st) ey_act_writer_stats(w, st);
  ey_rc crc = ey_act_writer_close(w);
  if (!rc && crc) rc = ey_err_set(err, crc, "write failed (%s)", strerror(errno));
  return rc;
}

void ey_netdata_free(ey_netdata *d) {
  if (!d) return;
  if (d->slot)
    for (int i = 0; i < d->net->nlayers; i++) {
      ey_layer_weights_free(&d->slot[i].w);
      free(d->slot[i].seeded);
    }
  free(d->slot);
  if (d->val)
    for (int k = 0; k < d->net->nnodes; k++) ey_htensor_free(&d->val[k]);
  free(d->val);
  free(d->scale);
  free(d->done);
  free(d->uses);
  ey_htensor_free(&d->input);
  ey_quant_free(&d->q);
  free(d);
}
