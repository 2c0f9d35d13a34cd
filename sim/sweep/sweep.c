/* sweep.c - sweep specs: loading, checking and expanding them into points. */
#include "sim/sweep/sweep.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/config/config.h"

uint64_t ey_fnv(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

/* ------------------------------------------------------------ formulas */

/* A recursive-descent evaluator:
 *   expr := term (('+' | '-') term)*      term := unary (('*' | '/') unary)*
 *   unary := '-' unary | primary          primary := NUMBER | KEY | FN '(' args ')' | '(' expr ')'
 */
typedef struct evaluator {
  const char *s, *p;
  const ey_arch *a;
  ey_err *err;
  int failed;
} evaluator;

static double ev_fail(evaluator *e, const char *what) {
  if (!e->failed)
    ey_err_set(e->err, EY_CONFIG, "%s at column %d of '%s'", what, (int)(e->p - e->s) + 1, e->s);
  e->failed = 1;
  return 0;
}

static void ev_space(evaluator *e) {
  while (isspace((unsigned char)*e->p)) e->p++;
}

static double ev_expr(evaluator *e);

static double ev_key(evaluator *e, const char *name) {
  const ey_schema *s = ey_arch_schema();
  int i = ey_schema_find(s, name);
  if (i < 0) {
    char msg[160];
    snprintf(msg, sizeof msg, "unknown key or function %s", name);
    return ev_fail(e, msg);
  }
  if (s->params[i].type == EY_P_STR || s->params[i].type == EY_P_ENUM) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s is not a number", name);
    return ev_fail(e, msg);
  }
  char buf[64];
  ey_schema_format(s, i, e->a, buf, sizeof buf);
  if (!strcmp(buf, "true")) return 1;
  if (!strcmp(buf, "false")) return 0;
  return strtod(buf, NULL);
}

static double ev_primary(evaluator *e) {
  ev_space(e);
  if (*e->p == '(') {
    e->p++;
    double v = ev_expr(e);
    ev_space(e);
    if (*e->p != ')') return ev_fail(e, "expected ')'");
    e->p++;
    return v;
  }
  if (isdigit((unsigned char)*e->p) || *e->p == '.') {
    char *end;
    double v = strtod(e->p, &end);
    if (end == e->p) return ev_fail(e, "expected a number");
    e->p = end;
    return v;
  }
  if (isalpha((unsigned char)*e->p) || *e->p == '_') {
    const char *start = e->p;
    char name[EY_SWEEP_KEY_MAX];
    size_t n = 0;
    while ((isalnum((unsigned char)*e->p) || *e->p == '_' || *e->p == '.') && n + 1 < sizeof name)
      name[n++] = *e->p++;
    name[n] = 0;
    ev_space(e);
    if (*e->p != '(') {
      const char *after = e->p;
      e->p = start; /* a message points at the name */
      double v = ev_key(e, name);
      if (!e->failed) e->p = after;
      return v;
    }
    static const char *const fns[] = {"round", "floor", "ceil", "min", "max"};
    int f = -1;
    for (int k = 0; k < 5; k++)
      if (!strcmp(name, fns[k])) f = k;
    if (f < 0) {
      e->p = start;
      char msg[160];
      snprintf(msg, sizeof msg, "unknown function %s (round, floor, ceil, min, max)", name);
      return ev_fail(e, msg);
    }
    e->p++;
    double x = ev_expr(e), y = 0;
    ev_space(e);
    if (f >= 3) {
      if (*e->p != ',') return ev_fail(e, "expected ',' (min and max take two arguments)");
      e->p++;
      y = ev_expr(e);
      ev_space(e);
    }
    if (*e->p != ')') return ev_fail(e, "expected ')'");
    e->p++;
    switch (f) {
      case 0:
        return floor(x + 0.5);
      case 1:
        return floor(x);
      case 2:
        return ceil(x);
      case 3:
        return x < y ? x : y;
      default:
        return x > y ? x : y;
    }
  }
  return ev_fail(e, *e->p ? "unexpected character" : "unexpected end");
}

static double ev_unary(evaluator *e) {
  ev_space(e);
  if (*e->p == '-') {
    e->p++;
    return -ev_unary(e);
  }
  return ev_primary(e);
}

static double ev_term(evaluator *e) {
  double v = ev_unary(e);
  for (;;) {
    ev_space(e);
    char op = *e->p;
    if (op != '*' && op != '/') return v;
    e->p++;
    double w = ev_unary(e);
    if (op == '*') {
      v *= w;
    } else {
      if (w == 0) return ev_fail(e, "division by zero");
      v /= w;
    }
  }
}

static double ev_expr(evaluator *e) {
  double v = ev_term(e);
  for (;;) {
    ev_space(e);
    char op = *e->p;
    if (op != '+' && op != '-') return v;
    e->p++;
    double w = ev_term(e);
    v = op == '+' ? v + w : v - w;
  }
}

ey_rc ey_sweep_eval(const char *expr, const ey_arch *a, double *out, ey_err *err) {
  evaluator e = {expr, expr, a, err, 0};
  double v = ev_expr(&e);
  ev_space(&e);
  if (!e.failed && *e.p) ev_fail(&e, "unexpected text");
  if (e.failed) return EY_CONFIG;
  *out = v;
  return EY_OK;
}

/* ------------------------------------------------------------ loading */

typedef struct loader {
  ey_ydoc *d;
  ey_sweep *sw;
  const char *config_dir;
  ey_err *err;
} loader;

static int line_of(const yaml_node_t *n) {
  return ey_ynode_line(n);
}

/* "SPEC:LINE: KEY: MESSAGE" */
static ey_rc spec_error(loader *L, const yaml_node_t *n, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static ey_rc spec_error(loader *L, const yaml_node_t *n, const char *key, const char *fmt, ...) {
  char msg[EY_ERR_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return ey_err_set(L->err, EY_CONFIG, "%s:%d: %s: %s", L->sw->path, n ? line_of(n) : 1, key, msg);
}

/* A file named in the spec (relative to the spec's folder), or a shipped
 * config by short name; 1 when it exists. */
static int resolve(const loader *L, const char *ref, const char *sub, char *buf, size_t cap) {
  char dir[512] = ".";
  const char *slash = strrchr(L->sw->path, '/');
  if (slash) snprintf(dir, sizeof dir, "%.*s", (int)(slash - L->sw->path), L->sw->path);
  return ey_config_path(ref, sub, L->config_dir, dir, buf, cap);
}

static ey_rc hash_file(const char *path, uint64_t *out, ey_err *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return ey_err_set(err, EY_IO, "%s: cannot open", path);
  uint64_t h = EY_FNV_SEED;
  char buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) h = ey_fnv(h, buf, n);
  int bad = ferror(f);
  fclose(f);
  if (bad) return ey_err_set(err, EY_IO, "%s: read failed", path);
  *out = h;
  return EY_OK;
}

static const char *scalar_or_null(const yaml_node_t *n) {
  return n ? ey_ynode_scalar(n) : NULL;
}

static ey_rc load_nets(loader *L, yaml_node_t *seq) {
  ey_sweep *sw = L->sw;
  if (seq->type != YAML_SEQUENCE_NODE ||
      seq->data.sequence.items.top == seq->data.sequence.items.start)
    return spec_error(L, seq, "nets", "expected a list of networks (got %s)", ey_ynode_kind(seq));
  int n = (int)(seq->data.sequence.items.top - seq->data.sequence.items.start);
  sw->nets = calloc((size_t)n, sizeof *sw->nets);
  if (!sw->nets) return ey_err_set(L->err, EY_NOMEM, "out of memory");
  for (int i = 0; i < n; i++) {
    yaml_node_t *it = ey_ydoc_node(L->d, seq->data.sequence.items.start[i]);
    ey_sweep_net *sn = &sw->nets[i];
    const char *ref = ey_ynode_scalar(it), *layers = NULL;
    char key[32];
    snprintf(key, sizeof key, "nets[%d]", i);
    if (!ref && it->type == YAML_MAPPING_NODE) {
      for (yaml_node_pair_t *pr = it->data.mapping.pairs.start; pr < it->data.mapping.pairs.top;
           pr++) {
        const char *k = ey_ynode_scalar(ey_ydoc_node(L->d, pr->key));
        yaml_node_t *v = ey_ydoc_node(L->d, pr->value);
        if (k && !strcmp(k, "net") && ey_ynode_scalar(v))
          ref = ey_ynode_scalar(v);
        else if (k && !strcmp(k, "layers") && ey_ynode_scalar(v))
          layers = ey_ynode_scalar(v);
        else
          return spec_error(L, v, key, "expected net: NAME and optionally layers: LIST (got %s)",
                            k ? k : "?");
      }
    }
    if (!ref || !*ref)
      return spec_error(L, it, key,
                        "expected a network name or file, or {net: NAME, layers: LIST} (got %s)",
                        ey_ynode_kind(it));
    sw->nnets = i + 1;
    snprintf(sn->ref, sizeof sn->ref, "%s", ref);
    snprintf(sn->layers, sizeof sn->layers, "%s", layers ? layers : "");
    char path[768];
    if (!resolve(L, ref, "nets", path, sizeof path))
      return spec_error(
          L, it, key, "expected a network file or a shipped name (got %s; no file %s)", ref, path);
    ey_rc rc = ey_net_load(path, &sn->net, L->err);
    if (rc) return rc;
    if (layers) {
      ey_err e2;
      if (ey_net_select(&sn->net, layers, &e2)) return spec_error(L, it, key, "%s", e2.msg);
    }
    rc = hash_file(path, &sn->hash, L->err);
    if (rc) return rc;
    for (int j = 0; j < i; j++)
      if (!strcmp(sw->nets[j].ref, sn->ref) && !strcmp(sw->nets[j].layers, sn->layers))
        return spec_error(L, it, key, "expected each network once (got %s twice)", ref);
  }
  return EY_OK;
}

static ey_rc load_batches(loader *L, yaml_node_t *v) {
  ey_sweep *sw = L->sw;
  yaml_node_t *one[1] = {v};
  int n = 1;
  yaml_node_item_t *items = NULL;
  if (v->type == YAML_SEQUENCE_NODE) {
    items = v->data.sequence.items.start;
    n = (int)(v->data.sequence.items.top - items);
    if (n == 0 || n > 64)
      return spec_error(L, v, "batch", "expected 1 to 64 batch sizes (got %d)", n);
  }
  for (int i = 0; i < n; i++) {
    yaml_node_t *it = items ? ey_ydoc_node(L->d, items[i]) : one[0];
    const char *s = ey_ynode_scalar(it);
    char *end = NULL;
    long b = s ? strtol(s, &end, 10) : 0;
    if (!s || end == s || *end || b < 1 || b > 65536)
      return spec_error(L, it, "batch",
                        "expected an integer from 1 to 65536, or a list of them (got %s)",
                        s ? s : ey_ynode_kind(it));
    for (int j = 0; j < i; j++)
      if (sw->batches[j] == b)
        return spec_error(L, it, "batch", "expected each batch once (got %ld twice)", b);
    sw->batches[sw->nbatches++] = (int)b;
  }
  return EY_OK;
}

/* Is `key` already swept, derived or set? Returns what, or NULL. */
static const char *key_used(const ey_sweep *sw, const char *key, const char *const *set_keys,
                            int nset) {
  for (int a = 0; a < sw->naxes; a++)
    for (int k = 0; k < sw->axes[a].nkeys; k++)
      if (!strcmp(sw->axes[a].keys[k], key)) return "swept by another axis";
  for (int i = 0; i < sw->nderived; i++)
    if (!strcmp(sw->derived[i].key, key)) return "derived";
  for (int i = 0; i < nset; i++)
    if (!strcmp(set_keys[i], key)) return "fixed by set:";
  return NULL;
}

/* Checks that `key` is an architecture key (with a suggestion when it is not). */
static ey_rc arch_key(loader *L, yaml_node_t *at, const char *key) {
  if (ey_schema_find(ey_arch_schema(), key) >= 0 && strcmp(key, "name")) return EY_OK;
  if (!strcmp(key, "name"))
    return spec_error(L, at, key, "expected an architecture key other than name");
  ey_arch scratch;
  memset(&scratch, 0, sizeof scratch);
  ey_err e2;
  char where[600];
  snprintf(where, sizeof where, "%s:%d", L->sw->path, line_of(at));
  ey_schema_set(ey_arch_schema(), key, "0", &scratch, where, &e2);
  return ey_err_set(L->err, EY_CONFIG, "%s", e2.msg);
}

static int key_is_int(const char *key) {
  const ey_schema *s = ey_arch_schema();
  int i = ey_schema_find(s, key);
  return i >= 0 && s->params[i].type == EY_P_INT;
}

static void format_number(double v, int integer, char *buf, size_t cap) {
  if (integer)
    snprintf(buf, cap, "%lld", (long long)llround(v));
  else
    snprintf(buf, cap, "%.10g", v);
}

static ey_rc range_number(loader *L, yaml_node_t *map, const char *key, const char *field, int need,
                          double *out, int *given) {
  yaml_node_t *v = ey_ymap_get(L->d, map, field);
  *given = v != NULL;
  if (!v) {
    if (need)
      return spec_error(L, map, key, "expected a range {from, to, factor or step} (no %s)", field);
    return EY_OK;
  }
  const char *s = ey_ynode_scalar(v);
  char *end = NULL;
  double x = s ? strtod(s, &end) : 0;
  if (!s || end == s || *end || !isfinite(x))
    return spec_error(L, v, key, "expected a number for %s (got %s)", field,
                      s ? s : ey_ynode_kind(v));
  *out = x;
  return EY_OK;
}

/* The values of one key: a scalar, a list of scalars, or a range map. Fills
 * `vals` (malloc'd, EY_SWEEP_VALUE_MAX each) and *n. */
static ey_rc axis_values(loader *L, const char *key, yaml_node_t *v,
                         char (**vals)[EY_SWEEP_VALUE_MAX], int *n) {
  *vals = NULL;
  *n = 0;
  if (v->type == YAML_SCALAR_NODE || v->type == YAML_SEQUENCE_NODE) {
    int cnt = 1;
    yaml_node_item_t *items = NULL;
    if (v->type == YAML_SEQUENCE_NODE) {
      items = v->data.sequence.items.start;
      cnt = (int)(v->data.sequence.items.top - items);
      if (cnt == 0) return spec_error(L, v, key, "expected at least one value (got an empty list)");
      if (cnt > EY_SWEEP_MAX_VALUES)
        return spec_error(L, v, key, "expected at most %d values (got %d)", EY_SWEEP_MAX_VALUES,
                          cnt);
    }
    *vals = calloc((size_t)cnt, sizeof **vals);
    if (!*vals) return ey_err_set(L->err, EY_NOMEM, "out of memory");
    for (int i = 0; i < cnt; i++) {
      yaml_node_t *it = items ? ey_ydoc_node(L->d, items[i]) : v;
      const char *s = ey_ynode_scalar(it);
      if (!s || !*s || strlen(s) >= EY_SWEEP_VALUE_MAX || strpbrk(s, "\n\r"))
        return spec_error(L, it, key, "expected a one-line value of at most %d characters (got %s)",
                          EY_SWEEP_VALUE_MAX - 1, s ? s : ey_ynode_kind(it));
      snprintf((*vals)[i], EY_SWEEP_VALUE_MAX, "%s", s);
      for (int j = 0; j < i; j++)
        if (!strcmp((*vals)[j], s))
          return spec_error(L, it, key, "expected each value once (got %s twice)", s);
    }
    *n = cnt;
    return EY_OK;
  }
  /* {from, to, factor} or {from, to, step} */
  for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
    const char *k = ey_ynode_scalar(ey_ydoc_node(L->d, pr->key));
    if (!k || (strcmp(k, "from") && strcmp(k, "to") && strcmp(k, "factor") && strcmp(k, "step")))
      return spec_error(L, ey_ydoc_node(L->d, pr->key), key,
                        "expected a range with from, to and factor or step (got %s)", k ? k : "?");
  }
  double from = 0, to = 0, factor = 0, step = 0;
  int g1, g2, gf, gs;
  ey_rc rc = range_number(L, v, key, "from", 1, &from, &g1);
  if (!rc) rc = range_number(L, v, key, "to", 1, &to, &g2);
  if (!rc) rc = range_number(L, v, key, "factor", 0, &factor, &gf);
  if (!rc) rc = range_number(L, v, key, "step", 0, &step, &gs);
  if (rc) return rc;
  if (gf == gs)
    return spec_error(L, v, key, "expected a range with exactly one of factor and step (got %s)",
                      gf ? "both" : "neither");
  if (to < from) return spec_error(L, v, key, "expected from <= to (got from %g, to %g)", from, to);
  if (gf && !(factor > 1)) return spec_error(L, v, key, "expected factor > 1 (got %g)", factor);
  if (gf && !(from > 0))
    return spec_error(L, v, key, "expected from > 0 with a factor (got %g)", from);
  if (gs && !(step > 0)) return spec_error(L, v, key, "expected step > 0 (got %g)", step);
  int integer = key_is_int(key);
  int cap = 16, cnt = 0;
  *vals = calloc((size_t)cap, sizeof **vals);
  if (!*vals) return ey_err_set(L->err, EY_NOMEM, "out of memory");
  const double slack = 1e-9 * (fabs(to) > 1 ? fabs(to) : 1);
  for (long k = 0;; k++) {
    double x = gf ? from * pow(factor, (double)k) : from + step * (double)k;
    if (x > to + slack) break;
    if (cnt == EY_SWEEP_MAX_VALUES)
      return spec_error(L, v, key, "expected a range of at most %d values (got more)",
                        EY_SWEEP_MAX_VALUES);
    if (integer && fabs(x - (double)llround(x)) > 1e-9)
      return spec_error(L, v, key,
                        "expected whole numbers for an integer key (the range reaches %g)", x);
    if (cnt == cap) {
      void *grown = realloc(*vals, sizeof **vals * (size_t)(cap *= 2));
      if (!grown) return ey_err_set(L->err, EY_NOMEM, "out of memory");
      *vals = grown;
    }
    format_number(x, integer, (*vals)[cnt++], EY_SWEEP_VALUE_MAX);
  }
  *n = cnt;
  return EY_OK;
}

/* One axis from `nk` KEY: VALUES pairs: one pair, or the pairs of a zip. */
static ey_rc add_axis(loader *L, yaml_node_t *at, const yaml_node_pair_t *pairs, int nk,
                      const char *const *set_keys, int nset) {
  ey_sweep *sw = L->sw;
  if (sw->naxes == EY_SWEEP_MAX_AXES)
    return spec_error(L, at, "axes", "expected at most %d axes (got more)", EY_SWEEP_MAX_AXES);
  ey_sweep_axis *ax = &sw->axes[sw->naxes];
  ax->line = line_of(at);
  char(*kv[EY_SWEEP_MAX_ZIP])[EY_SWEEP_VALUE_MAX] = {0};
  ey_rc rc = EY_OK;
  for (int k = 0; k < nk && !rc; k++) {
    yaml_node_t *kn = ey_ydoc_node(L->d, pairs[k].key), *vn = ey_ydoc_node(L->d, pairs[k].value);
    const char *key = ey_ynode_scalar(kn);
    if (!key) {
      rc = spec_error(L, kn, "axes", "expected an architecture key (got %s)", ey_ynode_kind(kn));
      break;
    }
    rc = arch_key(L, kn, key);
    if (rc) break;
    const char *used = key_used(sw, key, set_keys, nset);
    for (int j = 0; j < k && !used; j++)
      if (!strcmp(ax->keys[j], key)) used = "zipped twice";
    if (used) {
      rc = spec_error(L, kn, key, "expected a key swept once (it is also %s)", used);
      break;
    }
    if (sw->ncols == EY_SWEEP_MAX_COLS) {
      rc = spec_error(L, kn, key, "expected at most %d swept and derived keys", EY_SWEEP_MAX_COLS);
      break;
    }
    snprintf(ax->keys[k], EY_SWEEP_KEY_MAX, "%s", key);
    int n;
    rc = axis_values(L, key, vn, &kv[k], &n);
    if (rc) break;
    if (k == 0) {
      ax->nvalues = n;
    } else if (n != ax->nvalues) {
      rc = spec_error(L, vn, key, "expected %d values, as %s has in this zip (got %d)", ax->nvalues,
                      ax->keys[0], n);
      break;
    }
  }
  if (!rc) {
    ax->nkeys = nk;
    ax->values = calloc((size_t)ax->nvalues * (size_t)nk, sizeof *ax->values);
    if (!ax->values) rc = ey_err_set(L->err, EY_NOMEM, "out of memory");
    for (int v = 0; !rc && v < ax->nvalues; v++)
      for (int k = 0; k < nk; k++) memcpy(ax->values[v * nk + k], kv[k][v], EY_SWEEP_VALUE_MAX);
    if (!rc) {
      for (int k = 0; k < nk; k++) sw->cols[sw->ncols++] = ax->keys[k];
      sw->naxes++;
    }
  }
  for (int k = 0; k < EY_SWEEP_MAX_ZIP; k++) free(kv[k]);
  return rc;
}

static ey_rc load_axes(loader *L, yaml_node_t *v, const char *const *set_keys, int nset) {
  if (v->type == YAML_MAPPING_NODE) { /* axes: {KEY: VALUES, ...}, no zip */
    for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
      yaml_node_t *kn = ey_ydoc_node(L->d, pr->key);
      const char *k = ey_ynode_scalar(kn);
      if (k && !strcmp(k, "zip"))
        return spec_error(L, kn, "axes",
                          "expected zip inside a list of axes (write axes: [{zip: {...}}, ...])");
      ey_rc rc = add_axis(L, kn, pr, 1, set_keys, nset);
      if (rc) return rc;
    }
    return EY_OK;
  }
  if (v->type != YAML_SEQUENCE_NODE)
    return spec_error(L, v, "axes",
                      "expected a list of axes, or a mapping of keys to values (got %s)",
                      ey_ynode_kind(v));
  for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
    yaml_node_t *ax = ey_ydoc_node(L->d, *it);
    if (ax->type != YAML_MAPPING_NODE ||
        ax->data.mapping.pairs.top - ax->data.mapping.pairs.start != 1)
      return spec_error(L, ax, "axes",
                        "expected each axis as KEY: VALUES or zip: {KEY: LIST, ...} (got %s)",
                        ey_ynode_kind(ax));
    yaml_node_t *kn = ey_ydoc_node(L->d, ax->data.mapping.pairs.start->key);
    yaml_node_t *vn = ey_ydoc_node(L->d, ax->data.mapping.pairs.start->value);
    const char *k = ey_ynode_scalar(kn);
    ey_rc rc;
    if (!k || strcmp(k, "zip")) {
      rc = add_axis(L, kn, ax->data.mapping.pairs.start, 1, set_keys, nset);
    } else if (vn->type != YAML_MAPPING_NODE) {
      rc = spec_error(L, vn, "zip", "expected a mapping (got %s)", ey_ynode_kind(vn));
    } else {
      int nk = (int)(vn->data.mapping.pairs.top - vn->data.mapping.pairs.start);
      rc = nk >= 1 && nk <= EY_SWEEP_MAX_ZIP
               ? add_axis(L, kn, vn->data.mapping.pairs.start, nk, set_keys, nset)
               : spec_error(L, vn, "zip",
                            "expected a mapping of 1 to %d keys to lists of equal length",
                            EY_SWEEP_MAX_ZIP);
    }
    if (rc) return rc;
  }
  return EY_OK;
}

static const char *const k_spec_keys[] = {"name",      "arch",  "nets", "batch",
                                          "analytic",  "check", "seed", "zeros",
                                          "objective", "set",   "axes", "derived"};

static ey_rc spec_from_doc(ey_ydoc *d, void *obj, ey_err *err) {
  loader *L = obj;
  L->d = d;
  ey_sweep *sw = L->sw;
  yaml_node_t *root = ey_ydoc_root(d);
  if (root->type != YAML_MAPPING_NODE)
    return spec_error(L, root, "sweep", "expected a mapping of arch, nets, axes, ... (got %s)",
                      ey_ynode_kind(root));
  for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
       pr++) {
    yaml_node_t *kn = ey_ydoc_node(d, pr->key);
    const char *k = ey_ynode_scalar(kn);
    int known = 0;
    for (size_t i = 0; k && i < sizeof k_spec_keys / sizeof k_spec_keys[0]; i++)
      known |= !strcmp(k, k_spec_keys[i]);
    if (!known)
      return spec_error(
          L, kn, k ? k : "?",
          "unknown key (expected name, arch, nets, batch, analytic, check, seed, zeros, objective, "
          "set, axes or derived)");
    for (yaml_node_pair_t *q = root->data.mapping.pairs.start; q < pr; q++)
      if (!strcmp(ey_ynode_scalar(ey_ydoc_node(d, q->key)), k))
        return spec_error(L, kn, k, "duplicate key (first at line %d)",
                          line_of(ey_ydoc_node(d, q->key)));
  }
  /* name */
  const char *name = scalar_or_null(ey_ymap_get(d, root, "name"));
  if (name) {
    snprintf(sw->name, sizeof sw->name, "%s", name);
  } else {
    const char *base = strrchr(sw->path, '/');
    base = base ? base + 1 : sw->path;
    size_t n = strcspn(base, ".");
    snprintf(sw->name, sizeof sw->name, "%.*s", (int)n, base);
  }
  /* arch */
  yaml_node_t *an = ey_ymap_get(d, root, "arch");
  const char *aref = scalar_or_null(an);
  if (!an) return spec_error(L, root, "arch", "required but not given");
  if (!aref || !*aref)
    return spec_error(L, an, "arch", "expected an architecture name or file (got %s)",
                      ey_ynode_kind(an));
  snprintf(sw->arch_ref, sizeof sw->arch_ref, "%s", aref);
  char apath[768];
  if (!resolve(L, aref, "arch", apath, sizeof apath))
    return spec_error(L, an, "arch",
                      "expected an architecture file or a shipped name (got %s; no file %s)", aref,
                      apath);
  ey_rc rc = ey_arch_load(apath, &sw->base, err);
  if (rc) return rc;
  /* nets, batch */
  yaml_node_t *nn = ey_ymap_get(d, root, "nets");
  if (!nn) return spec_error(L, root, "nets", "required but not given");
  rc = load_nets(L, nn);
  if (rc) return rc;
  yaml_node_t *bn = ey_ymap_get(d, root, "batch");
  if (bn && (rc = load_batches(L, bn))) return rc;
  /* simulation options */
  const struct {
    const char *k;
    int *flag;
  } flags[] = {{"analytic", &sw->analytic}, {"check", &sw->check}};
  for (int i = 0; i < 2; i++) {
    yaml_node_t *v = ey_ymap_get(d, root, flags[i].k);
    const char *s = scalar_or_null(v);
    if (!v) continue;
    if (s && !strcmp(s, "true"))
      *flags[i].flag = 1;
    else if (s && !strcmp(s, "false"))
      *flags[i].flag = 0;
    else
      return spec_error(L, v, flags[i].k, "expected true or false (got %s)",
                        s ? s : ey_ynode_kind(v));
  }
  sw->seed = 1;
  sw->zeros = -1; /* each layer's from the network */
  yaml_node_t *sn = ey_ymap_get(d, root, "seed");
  if (sn) {
    const char *s = scalar_or_null(sn);
    char *end = NULL;
    unsigned long long x = s ? strtoull(s, &end, 10) : 0;
    if (!s || end == s || *end || *s == '-')
      return spec_error(L, sn, "seed", "expected a non-negative integer (got %s)",
                        s ? s : ey_ynode_kind(sn));
    sw->seed = x;
  }
  yaml_node_t *zn = ey_ymap_get(d, root, "zeros");
  if (zn) {
    const char *s = scalar_or_null(zn);
    char *end = NULL;
    double x = s ? strtod(s, &end) : -1;
    if (!s || end == s || *end || !(x >= 0 && x <= 1))
      return spec_error(L, zn, "zeros", "expected a number from 0 to 1 (got %s)",
                        s ? s : ey_ynode_kind(zn));
    sw->zeros = x;
  }
  sw->objective = -1;
  yaml_node_t *on = ey_ymap_get(d, root, "objective");
  if (on) {
    const char *s = scalar_or_null(on);
    static const char *const objs[] = {"energy", "cycles", "edp"};
    for (int i = 0; s && i < 3; i++)
      if (!strcmp(s, objs[i])) sw->objective = i;
    if (sw->objective < 0)
      return spec_error(L, on, "objective", "expected energy, cycles or edp (got %s)",
                        s ? s : ey_ynode_kind(on));
  }
  if (sw->analytic && sw->check)
    return spec_error(
        L, ey_ymap_get(d, root, "check"), "check",
        "expected false with analytic: true (the check needs the cycle-level simulation)");
  /* set: fixed keys, applied to the base now */
  const char *set_keys[EY_ARCH_MAX_KEYS];
  int nset = 0;
  yaml_node_t *setn = ey_ymap_get(d, root, "set");
  if (setn) {
    if (setn->type != YAML_MAPPING_NODE)
      return spec_error(L, setn, "set",
                        "expected a mapping of architecture keys to values (got %s)",
                        ey_ynode_kind(setn));
    for (yaml_node_pair_t *pr = setn->data.mapping.pairs.start; pr < setn->data.mapping.pairs.top;
         pr++) {
      yaml_node_t *kn = ey_ydoc_node(d, pr->key), *vn = ey_ydoc_node(d, pr->value);
      const char *k = ey_ynode_scalar(kn), *v = ey_ynode_scalar(vn);
      if (!k)
        return spec_error(L, kn, "set", "expected an architecture key (got %s)", ey_ynode_kind(kn));
      if ((rc = arch_key(L, kn, k))) return rc;
      if (!v)
        return spec_error(L, vn, k, "expected a single value (got %s; sweep it under axes)",
                          ey_ynode_kind(vn));
      for (int i = 0; i < nset; i++)
        if (!strcmp(set_keys[i], k)) return spec_error(L, kn, k, "duplicate key in set");
      char where[600];
      snprintf(where, sizeof where, "%s:%d", sw->path, line_of(kn));
      if ((rc = ey_schema_set(ey_arch_schema(), k, v, &sw->base, where, err))) return rc;
      int idx = ey_schema_find(ey_arch_schema(), k);
      sw->base.key_line[idx] = 0;
      set_keys[nset++] = ey_ynode_scalar(kn);
    }
  }
  /* axes, then derived keys */
  yaml_node_t *axn = ey_ymap_get(d, root, "axes");
  if (axn && (rc = load_axes(L, axn, set_keys, nset))) return rc;
  yaml_node_t *dn = ey_ymap_get(d, root, "derived");
  if (dn) {
    if (dn->type != YAML_MAPPING_NODE)
      return spec_error(L, dn, "derived", "expected a mapping of keys to formulas (got %s)",
                        ey_ynode_kind(dn));
    for (yaml_node_pair_t *pr = dn->data.mapping.pairs.start; pr < dn->data.mapping.pairs.top;
         pr++) {
      yaml_node_t *kn = ey_ydoc_node(d, pr->key), *vn = ey_ydoc_node(d, pr->value);
      const char *k = ey_ynode_scalar(kn), *v = ey_ynode_scalar(vn);
      if (!k)
        return spec_error(L, kn, "derived", "expected an architecture key (got %s)",
                          ey_ynode_kind(kn));
      if ((rc = arch_key(L, kn, k))) return rc;
      const ey_param *p = &ey_arch_schema()->params[ey_schema_find(ey_arch_schema(), k)];
      if (p->type != EY_P_INT && p->type != EY_P_REAL)
        return spec_error(L, kn, k, "expected a numeric key to derive (it is a %s)",
                          p->type == EY_P_BOOL ? "boolean" : "name");
      const char *used = key_used(sw, k, set_keys, nset);
      if (used)
        return spec_error(L, kn, k, "expected a key derived once and not swept (it is also %s)",
                          used);
      if (!v || strlen(v) >= sizeof sw->derived[0].expr)
        return spec_error(L, vn, k, "expected a formula of at most %d characters (got %s)",
                          (int)sizeof sw->derived[0].expr - 1,
                          v ? "a longer one" : ey_ynode_kind(vn));
      if (sw->ncols == EY_SWEEP_MAX_COLS)
        return spec_error(L, kn, k, "expected at most %d swept and derived keys",
                          EY_SWEEP_MAX_COLS);
      double x;
      ey_err e2;
      if (ey_sweep_eval(v, &sw->base, &x, &e2)) return spec_error(L, vn, k, "%s", e2.msg);
      ey_sweep_derived *dv = &sw->derived[sw->nderived++];
      dv->line = line_of(kn);
      snprintf(dv->key, sizeof dv->key, "%s", k);
      snprintf(dv->expr, sizeof dv->expr, "%s", v);
      sw->cols[sw->ncols++] = dv->key;
    }
  }
  /* the number of points */
  double np = (double)sw->nnets * (sw->nbatches ? sw->nbatches : 1);
  for (int a = 0; a < sw->naxes; a++) np *= sw->axes[a].nvalues;
  if (np > EY_SWEEP_MAX_POINTS)
    return spec_error(L, root, "axes", "expected at most %d points (got %.0f)", EY_SWEEP_MAX_POINTS,
                      np);
  sw->npoints = (long)np;
  return EY_OK;
}

ey_rc ey_sweep_load(const char *path, const char *config_dir, ey_sweep *sw, ey_err *err) {
  memset(sw, 0, sizeof *sw);
  snprintf(sw->path, sizeof sw->path, "%s", path);
  loader L = {NULL, sw, config_dir, err};
  return ey_ydoc_with(path, NULL, spec_from_doc, &L, err);
}

void ey_sweep_free(ey_sweep *sw) {
  for (int i = 0; i < sw->nnets; i++) ey_net_free(&sw->nets[i].net);
  free(sw->nets);
  for (int a = 0; a < sw->naxes; a++) free(sw->axes[a].values);
  memset(sw, 0, sizeof *sw);
}

/* ------------------------------------------------------------ points */

/* The key: a hash of everything the point's results depend on - the version,
 * the network file's bytes and the layers kept, the batch, the options and the
 * effective architecture - and of nothing else, so two points (of one sweep or
 * of two) with the same key have the same results. An invalid point's key also
 * holds its values and reason. */
static void point_key(const ey_sweep *sw, ey_sweep_point *p) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) { /* out of memory: a key that matches nothing */
    p->key = 0;
    return;
  }
  const ey_net *net = &sw->nets[p->net].net;
  fprintf(f, "eyesim %s\nnet %s %016llx batch %d layers", EY_VERSION_STRING, net->name,
          (unsigned long long)sw->nets[p->net].hash, p->batch);
  for (int i = 0; i < net->nlayers; i++) fprintf(f, " %s", net->layers[i].name);
  fprintf(f, "\nmode %s seed %llu zeros %.17g check %d objective %d\n",
          sw->analytic ? "analytic" : "cycle", (unsigned long long)sw->seed, sw->zeros, sw->check,
          sw->objective >= 0 ? sw->objective : p->arch.objective);
  if (p->valid) {
    ey_schema_write_yaml(ey_arch_schema(), &p->arch, f, 0);
  } else {
    for (int c = 0; c < sw->ncols; c++) fprintf(f, "%s=%s\n", sw->cols[c], p->cols[c]);
    fprintf(f, "invalid %s\n", p->why);
  }
  fclose(f);
  p->key = ey_fnv(EY_FNV_SEED, text, len);
  free(text);
}

void ey_sweep_point_at(const ey_sweep *sw, long index, ey_sweep_point *p) {
  memset(p, 0, sizeof *p);
  p->index = index;
  long rest = index;
  int pick[EY_SWEEP_MAX_AXES];
  for (int a = sw->naxes - 1; a >= 0; a--) {
    pick[a] = (int)(rest % sw->axes[a].nvalues);
    rest /= sw->axes[a].nvalues;
  }
  int nb = sw->nbatches ? sw->nbatches : 1;
  int b = (int)(rest % nb);
  p->net = (int)(rest / nb);
  p->batch = sw->nbatches ? sw->batches[b] : sw->nets[p->net].net.batch;
  p->arch = sw->base;
  snprintf(p->arch.set_where, sizeof p->arch.set_where, "%.200s: point %ld", sw->path, index);
  p->valid = 1;
  const ey_schema *s = ey_arch_schema();
  int col = 0;
  for (int a = 0; a < sw->naxes; a++) {
    const ey_sweep_axis *ax = &sw->axes[a];
    for (int k = 0; k < ax->nkeys; k++, col++) {
      const char *v = ax->values[pick[a] * ax->nkeys + k];
      snprintf(p->cols[col], EY_SWEEP_VALUE_MAX, "%s", v);
      if (!p->valid) continue;
      ey_err e;
      char where[600];
      snprintf(where, sizeof where, "%s:%d", sw->path, ax->line);
      if (ey_schema_set(s, ax->keys[k], v, &p->arch, where, &e)) {
        p->valid = 0;
        snprintf(p->why, sizeof p->why, "%s", e.msg);
        continue;
      }
      p->arch.key_line[ey_schema_find(s, ax->keys[k])] = 0;
    }
  }
  for (int i = 0; i < sw->nderived; i++, col++) {
    const ey_sweep_derived *dv = &sw->derived[i];
    if (!p->valid) continue;
    double x;
    ey_err e;
    int idx = ey_schema_find(s, dv->key);
    if (ey_sweep_eval(dv->expr, &p->arch, &x, &e)) {
      p->valid = 0;
      snprintf(p->why, sizeof p->why, "%.200s:%d: %s: %.200s", sw->path, dv->line, dv->key, e.msg);
      continue;
    }
    int integer = s->params[idx].type == EY_P_INT;
    if (integer && fabs(x - floor(x + 0.5)) > 1e-9) {
      p->valid = 0;
      snprintf(p->why, sizeof p->why,
               "%.200s:%d: %s: expected a whole number (got %.10g; use round, floor or ceil)",
               sw->path, dv->line, dv->key, x);
      continue;
    }
    char text[EY_SWEEP_VALUE_MAX];
    format_number(x, integer, text, sizeof text);
    snprintf(p->cols[col], EY_SWEEP_VALUE_MAX, "%s", text);
    char where[600];
    snprintf(where, sizeof where, "%s:%d", sw->path, dv->line);
    if (ey_schema_set(s, dv->key, text, &p->arch, where, &e)) {
      p->valid = 0;
      snprintf(p->why, sizeof p->why, "%s", e.msg);
      continue;
    }
    p->arch.key_line[idx] = 0;
  }
  if (p->valid) {
    ey_err e;
    if (ey_arch_check(&p->arch, &e)) {
      p->valid = 0;
      snprintf(p->why, sizeof p->why, "%s", e.msg);
    }
  }
  point_key(sw, p);
}

uint64_t ey_sweep_keys(const ey_sweep *sw, uint64_t *keys) {
  uint64_t h = EY_FNV_SEED;
  ey_sweep_point *p = malloc(sizeof *p);
  if (!p) return 0;
  for (long i = 0; i < sw->npoints; i++) {
    ey_sweep_point_at(sw, i, p);
    if (keys) keys[i] = p->key;
    h = ey_fnv(h, &p->key, sizeof p->key);
  }
  free(p);
  return h;
}
