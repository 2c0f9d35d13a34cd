/* accdir.c - per-layer access-trace files: opened by the layer's thread at its
 * first access, closed when it ends, kept in layer order, removed otherwise. */
#include "traces/accdir.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/base/ey_filestem.h"
#include "sim/base/outfile.h"
#include "traces/acctrace.h"

enum { MAX_UNITS = 4 };
enum { SLOT_NONE = 0, SLOT_OPEN, SLOT_CLOSED, SLOT_KEPT, SLOT_GONE };
enum { MINE_NEW = 0, MINE_WRITING, MINE_NOTHING };

typedef struct slot {
  char name[EY_NAME_MAX]; /* the layer's, set when its files open */
  ey_outfile f[MAX_UNITS];
  ey_acc_writer *w[MAX_UNITS];
  int mine;    /* the layer's thread only: MINE_* */
  int state;   /* SLOT_*, under mu */
  int dropped; /* under mu: never to be kept */
  int failed;  /* under mu: a write failed; `err` says how */
  ey_err err;
} slot;

struct ey_acctrace {
  pthread_mutex_t mu; /* a layer's opening, closing, keeping and dropping */
  char dir[512];
  int units; /* 2, or 4 in full detail */
  int cols;  /* to name a spad row's PE */
  int nlayers;
  slot *slot;
  int failed; /* a kept layer's trace failed: `err`; no more are kept */
  ey_err err;
};

static const char *const k_units[MAX_UNITS] = {"dram", "glb", "spad", "noc"};
static const char *const k_ops[4] = {"read", "write", "multicast", "unicast"};
static const char *const k_spaces[EY_NTYPES] = {"ifmap", "filter", "psum"};

ey_rc ey_acctrace_open(const char *dir, int full, int cols, int nlayers, ey_acctrace **out,
                       ey_err *err) {
  *out = NULL;
  if (mkdir(dir, 0777) && errno != EEXIST)
    return ey_err_set(err, EY_IO, "%s: cannot create the directory (%s)", dir, strerror(errno));
  ey_acctrace *t = calloc(1, sizeof *t);
  if (t) t->slot = calloc((size_t)(nlayers > 0 ? nlayers : 1), sizeof *t->slot);
  if (!t || !t->slot || pthread_mutex_init(&t->mu, NULL)) {
    if (t) free(t->slot);
    free(t);
    return ey_err_set(err, EY_NOMEM, "out of memory");
  }
  snprintf(t->dir, sizeof t->dir, "%s", dir);
  t->units = full ? 4 : 2;
  t->cols = cols;
  t->nlayers = nlayers;
  *out = t;
  return EY_OK;
}

/* Closes the writers and removes the files of s; the caller holds t->mu. */
static void abort_files(ey_acctrace *t, slot *s) {
  for (int u = 0; u < t->units; u++) {
    if (s->w[u]) ey_acc_close(s->w[u]);
    s->w[u] = NULL;
    ey_outfile_abort(&s->f[u]);
  }
  s->state = SLOT_GONE;
}

/* Opens one unit's file of layer `name`; returns 0, or -1 with s->err set. */
static int open_unit(ey_acctrace *t, slot *s, const char *name, int u) {
  char path[1200], stem[EY_FILE_STEM_MAX]; /* '%' as %25, '/' as %2F (ey_filestem.h) */
  ey_file_stem(name, stem, sizeof stem);
  snprintf(path, sizeof path, "%s/%s.%s.csv.gz", t->dir, stem, k_units[u]);
  if (ey_outfile_open(&s->f[u], path, &s->err)) return -1;
  char about[160];
  snprintf(about, sizeof about, "layer %s, unit %s, cycles of the core clock, addresses in words",
           name, k_units[u]);
  s->w[u] = ey_acc_open(dup(fileno(s->f[u].f)), about);
  if (!s->w[u]) {
    ey_err_set(&s->err, EY_IO, "%s: cannot start the gzip stream", path);
    return -1;
  }
  return 0;
}

/* Opens layer `name`'s files, on its thread, at its first access. */
static void open_layer(ey_acctrace *t, slot *s, const char *name) {
  pthread_mutex_lock(&t->mu);
  s->mine = MINE_NOTHING;
  if (s->dropped) {
    pthread_mutex_unlock(&t->mu);
    return;
  }
  s->state = SLOT_OPEN;
  snprintf(s->name, sizeof s->name, "%s", name);
  for (int u = 0; u < t->units && !s->failed; u++)
    if (open_unit(t, s, name, u)) s->failed = 1;
  if (s->failed)
    abort_files(t, s);
  else
    s->mine = MINE_WRITING;
  pthread_mutex_unlock(&t->mu);
}

void ey_acctrace_row(ey_acctrace *t, int layer, const char *name, ey_cycle now, int unit, int op,
                     int space, uint64_t addr, uint64_t words, int pe) {
  slot *s = &t->slot[layer];
  if (s->mine != MINE_WRITING) {
    if (s->mine == MINE_NOTHING) return;
    open_layer(t, s, name);
    if (s->mine != MINE_WRITING) return;
  }
  char who[40];
  if (pe >= 0 && unit == EY_ACCTRACE_NOC) /* a mesh router: engine.h's code */
    snprintf(who, sizeof who, "router_x%d_y%d_%d", pe & 1023, (pe >> 10) & 1023, pe >> 20);
  else if (pe >= 0)
    snprintf(who, sizeof who, "pe_r%d_c%d", pe / t->cols, pe % t->cols);
  else
    snprintf(who, sizeof who, "%s", k_units[unit]);
  ey_acc_row(s->w[unit], now, who, k_ops[op], k_spaces[space], addr, words);
}

void ey_acctrace_ended(ey_acctrace *t, int i, ey_rc rc) {
  slot *s = &t->slot[i];
  pthread_mutex_lock(&t->mu);
  if (s->state == SLOT_OPEN) {
    for (int u = 0; u < t->units; u++) {
      if (s->w[u] && ey_acc_close(s->w[u]) && !s->failed) {
        s->failed = 1;
        ey_err_set(&s->err, EY_IO, "%s: write failed (%s)", s->f[u].path, strerror(errno));
      }
      s->w[u] = NULL;
    }
    for (int u = 0; u < t->units && !s->failed && !s->dropped && !rc; u++)
      if (ey_outfile_close(&s->f[u], &s->err)) s->failed = 1;
    if (s->failed || s->dropped || rc)
      abort_files(t, s);
    else
      s->state = SLOT_CLOSED;
  }
  pthread_mutex_unlock(&t->mu);
}

/* A kept layer's trace failed: the run's error is `why`, and says that none of
 * the layer's files is kept. */
static void run_failed(ey_acctrace *t, const slot *s, const ey_err *why) {
  t->failed = 1;
  t->err = *why;
  size_t len = strlen(t->err.msg);
  snprintf(t->err.msg + len, sizeof t->err.msg - len, "; no access trace of layer %s is kept",
           s->name);
}

void ey_acctrace_keep(ey_acctrace *t, int i) {
  slot *s = &t->slot[i];
  pthread_mutex_lock(&t->mu);
  if (s->failed && !t->failed) run_failed(t, s, &s->err);
  if (s->state == SLOT_CLOSED && !t->failed) {
    /* The layer's files appear together or not at all: when one cannot be
     * renamed into place (commit removes it), those renamed before it are
     * removed again and those after it are never renamed. */
    int kept = 0;
    ey_err why;
    while (kept < t->units && !ey_outfile_commit(&s->f[kept], &why)) kept++;
    if (kept < t->units) {
      for (int u = 0; u < kept; u++) unlink(s->f[u].path);
      for (int u = kept + 1; u < t->units; u++) ey_outfile_abort(&s->f[u]);
      run_failed(t, s, &why);
      s->state = SLOT_GONE;
    } else {
      s->state = SLOT_KEPT;
    }
  }
  if (s->state == SLOT_CLOSED) abort_files(t, s);
  pthread_mutex_unlock(&t->mu);
}

ey_rc ey_acctrace_finish(ey_acctrace *t, ey_err *err) {
  pthread_mutex_lock(&t->mu);
  for (int i = 0; i < t->nlayers; i++) {
    slot *s = &t->slot[i];
    s->dropped = 1;
    if (s->state == SLOT_CLOSED) abort_files(t, s);
    if (s->state == SLOT_OPEN) /* its thread still writes: it closes them when it ends */
      for (int u = 0; u < t->units; u++)
        if (s->f[u].tmp[0]) unlink(s->f[u].tmp);
  }
  ey_rc rc = t->failed ? ey_err_set(err, EY_IO, "%s", t->err.msg) : EY_OK;
  pthread_mutex_unlock(&t->mu);
  return rc;
}

void ey_acctrace_free(ey_acctrace *t) {
  if (!t) return;
  pthread_mutex_destroy(&t->mu);
  free(t->slot);
  free(t);
}
