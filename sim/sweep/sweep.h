/* sweep.h - design-space sweeps: a spec file names a base architecture, the
 * networks and batches, and the axes (architecture keys with lists or ranges of
 * values, zipped groups of keys, keys derived from others by a formula). The spec
 * expands to points; point i is one architecture, one network and one batch.
 *
 * The order of points is fixed by the spec alone: networks outermost, then
 * batches, then the axes in the order written, the last axis varying fastest.
 * A point whose architecture fails validation is still a point: it is marked
 * invalid with the reason, and a sweep records it as such.
 *
 * Running a sweep (sweep_run.c) and the file formats are described in
 * docs/sweep.md. */
#ifndef EY_SWEEP_H
#define EY_SWEEP_H

#include <stdint.h>
#include <stdio.h>

#include "sim/base/ey_arch.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EY_SWEEP_MAX_AXES 16      /* axes, a zipped group counting once */
#define EY_SWEEP_MAX_ZIP 8        /* keys in one zipped group */
#define EY_SWEEP_MAX_COLS 32      /* swept and derived keys together */
#define EY_SWEEP_MAX_VALUES 10000 /* values of one axis */
#define EY_SWEEP_MAX_POINTS 1000000
#define EY_SWEEP_KEY_MAX 64
#define EY_SWEEP_VALUE_MAX 64

typedef struct ey_sweep_axis {
  int line;  /* where the axis is written */
  int nkeys; /* 1, or the keys of a zip */
  char keys[EY_SWEEP_MAX_ZIP][EY_SWEEP_KEY_MAX];
  int nvalues;
  char (*values)[EY_SWEEP_VALUE_MAX]; /* value v of key k: values[v * nkeys + k] */
} ey_sweep_axis;

typedef struct ey_sweep_derived {
  int line;
  char key[EY_SWEEP_KEY_MAX];
  char expr[256];
} ey_sweep_derived;

typedef struct ey_sweep_net {
  char ref[256];    /* as written in the spec */
  char layers[256]; /* the layer selection, "" for all */
  ey_net net;       /* loaded, selection applied */
  uint64_t hash;    /* of the network file's bytes */
} ey_sweep_net;

typedef struct ey_sweep {
  char path[512];     /* the spec file */
  char name[64];      /* `name:`, or the spec file's name without .yaml */
  char arch_ref[256]; /* `arch:` as written */
  ey_arch base;       /* the base architecture with `set:` applied */
  int nnets;
  ey_sweep_net *nets;
  int nbatches; /* 0: each network's own batch */
  int batches[64];
  int analytic; /* 1: the mapper's estimates only */
  int check;    /* compare every output with the golden convolution */
  uint64_t seed;
  double zeros;
  int objective; /* -1: the architecture's mapper.objective */
  int naxes;
  ey_sweep_axis axes[EY_SWEEP_MAX_AXES];
  int nderived;
  ey_sweep_derived derived[EY_SWEEP_MAX_COLS];
  int ncols; /* the swept keys, then the derived ones */
  const char *cols[EY_SWEEP_MAX_COLS];
  long npoints;
} ey_sweep;

typedef struct ey_sweep_point {
  long index;
  int net;   /* index into sw->nets */
  int batch; /* the batch it runs */
  int valid; /* 0: the architecture is invalid; `why` says why */
  char why[EY_ERR_MAX];
  ey_arch arch;                                     /* the point's architecture (when valid) */
  char cols[EY_SWEEP_MAX_COLS][EY_SWEEP_VALUE_MAX]; /* value of each column key */
  uint64_t key; /* hash of every input the point's results depend on */
} ey_sweep_point;

/* Loads and checks a spec. ARCH and NET names are files (relative to the spec's
 * folder unless absolute) when they hold a '/' or end in .yaml, otherwise shipped
 * names under config_dir/arch and config_dir/nets. Returns EY_OK, or EY_IO,
 * EY_SYNTAX or EY_CONFIG with "SPEC:LINE: KEY: expected (got WHAT)" in err. The
 * caller calls ey_sweep_free() whatever the result. */
ey_rc ey_sweep_load(const char *path, const char *config_dir, ey_sweep *sw, ey_err *err);
void ey_sweep_free(ey_sweep *sw); /* safe on a zeroed ey_sweep */

/* Builds point `index` (0 <= index < sw->npoints). */
void ey_sweep_point_at(const ey_sweep *sw, long index, ey_sweep_point *p);

/* Fills keys[i] with point i's key (keys may be NULL) and returns the sweep's
 * fingerprint, a hash of every key in order: two sweeps with the same
 * fingerprint compute the same results. */
uint64_t ey_sweep_keys(const ey_sweep *sw, uint64_t *keys);

/* 64-bit FNV-1a, continued from h (start with EY_FNV_SEED). */
#define EY_FNV_SEED 0xcbf29ce484222325ull
uint64_t ey_fnv(uint64_t h, const void *data, size_t n);

/* Evaluates a derived-key formula on an architecture: numbers, numeric keys,
 * + - * / ( ) and round floor ceil min max. Returns EY_OK, or EY_CONFIG with
 * what went wrong (no location) in err. */
ey_rc ey_sweep_eval(const char *expr, const ey_arch *a, double *out, ey_err *err);

/* ------------------------------------------------------------ running (sweep_run.c)
 *
 * A sweep writes into one folder (docs/sweep.md):
 *   manifest         what sweep this is: fingerprint, points, shard, CSV header
 *   spec.yaml        a copy of the spec
 *   points/KEY.rec   one file per finished point, written whole (temporary
 *                    file, fsync, rename) and named by the point's key: its
 *                    CSV rows from `status` on, its JSON members after `axes`
 *   points.index     per point: its key and the heads of its rows and line
 *   sweep.csv        one row per (point, layer) and a `total` row per point,
 *   sweep.jsonl      one line per point with its full report; both in point
 *                    order, streamed to *.part while the sweep runs and renamed
 *                    when every point is done
 * Re-running the same sweep into the same folder skips the points on disk. */

typedef struct ey_sweep_opts {
  const char *out;    /* the output folder */
  int jobs;           /* worker processes, >= 1 */
  int shard, nshards; /* run shard `shard` (1-based) of `nshards`; 0, 0: every point */
  int force;          /* take `out` over from another sweep (records whose key
                         is still used are kept; the rest go when done) */
  int progress;       /* draw a progress line on stderr */
} ey_sweep_opts;

typedef struct ey_sweep_stats {
  long points;                            /* this run's points (its shard's) */
  long computed, skipped;                 /* simulated now; found finished on disk */
  long ok, nomap, invalid, error, failed; /* by status; failed ones are retried by a re-run */
  int interrupted;                        /* the signal that stopped the run, or 0 */
  double seconds;
} ey_sweep_stats;

/* Runs the sweep (or one shard of it). Returns EY_OK when every point has a
 * result (some may be invalid or unmapped: see st); EY_USAGE when `out` holds
 * another sweep and force is off, or is in use; EY_IO on a file error. Points
 * whose worker failed are counted in st->failed with EY_OK returned. */
ey_rc ey_sweep_run(const ey_sweep *sw, const ey_sweep_opts *o, ey_sweep_stats *st, ey_err *err);

typedef struct ey_sweep_merged {
  int shards;      /* output folders found */
  long points;     /* in the sweep */
  long duplicates; /* points found in more than one folder (identical) */
} ey_sweep_merged;

/* Merges the sweep folders in `dir` (dir itself and its subfolders holding a
 * manifest) into out/sweep.csv and out/sweep.jsonl. Returns EY_OK; EY_MISMATCH
 * naming missing points (and the shards that owe them), differing duplicates or
 * folders of different sweeps, writing nothing; EY_IO. */
ey_rc ey_sweep_merge(const char *dir, const char *out, ey_sweep_merged *m, ey_err *err);

/* EY_OK, or EY_USAGE naming the first of the paths and options that holds a
 * control character (a newline would start a command in the job script). */
ey_rc ey_sweep_slurm_check(const char *exe, const char *spec, const char *out,
                           const char *const *sbatch, ey_err *err);
/* Writes out/sweep.sbatch: a Slurm job array of `array` tasks, task I running
 * shard I of `array` into out/shard-I, with each of `sbatch` (NULL-terminated
 * "--name=value" options) as an #SBATCH line. `exe` and `spec` are absolute. */
ey_rc ey_sweep_slurm(const ey_sweep *sw, const char *exe, const char *spec, const char *out,
                     int array, const char *const *sbatch, ey_err *err);

#ifdef __cplusplus
}
#endif
#endif /* EY_SWEEP_H */
