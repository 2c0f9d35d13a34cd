/* sweep_run.c - running a sweep: one worker process per point, results kept on
 * disk point by point so that nothing finished is lost, outputs assembled in
 * point order; merging shard folders; writing a Slurm job array.
 *
 * This is the one file of the core that manages processes. Workers are forked
 * (the loaded spec and networks are shared copy-on-write); each writes its
 * point's record whole (temporary file, fsync, rename) and exits. The parent
 * only waits, counts and appends finished records to the outputs in order. On
 * Linux a worker dies with its parent (PR_SET_PDEATHSIG); every process of a
 * sweep holds the folder's lock (flock on the inherited descriptor), so a second
 * sweep cannot start in a folder until the last of them is gone. */
#define _DEFAULT_SOURCE /* flock */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/sweep/sweep.h"
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "sim/base/json.h"
#include "sim/base/outfile.h"
#include "sim/config/config.h"
#include "sim/report/run.h"

#define RECORD_MAGIC "eyesim-point 2"
#define MANIFEST_MAGIC "eyesim-sweep 1"

/* ------------------------------------------------------------ small file helpers */

static ey_rc read_all(const char *path, char **out, size_t *len, ey_err *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return ey_err_set(err, EY_IO, "%s: cannot open (%s)", path, strerror(errno));
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap + 1);
  for (;;) {
    if (!buf) {
      fclose(f);
      return ey_err_set(err, EY_NOMEM, "out of memory");
    }
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    char *grown = realloc(buf, (cap *= 2) + 1);
    if (!grown) free(buf);
    buf = grown;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    return ey_err_set(err, EY_IO, "%s: read failed", path);
  }
  buf[n] = 0;
  *out = buf;
  *len = n;
  return EY_OK;
}

/* Writes `len` bytes to `path` whole: a temporary file, fsync, rename. */
static ey_rc write_whole(const char *path, const char *data, size_t len, ey_err *err) {
  ey_outfile o;
  ey_rc rc = ey_outfile_open(&o, path, err);
  if (rc) return rc;
  if (fwrite(data, 1, len, o.f) != len || fflush(o.f) || fsync(fileno(o.f))) {
    ey_outfile_abort(&o);
    return ey_err_set(err, EY_IO, "%s: write failed (%s)", path, strerror(errno));
  }
  return ey_outfile_commit(&o, err);
}

/* Creates `path` and any missing parents (mkdir -p). */
static ey_rc make_dir(const char *path, ey_err *err) {
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *c = buf + 1; *c; c++) {
    if (*c != '/') continue;
    *c = 0;
    (void)mkdir(buf, 0777); /* a failure shows in the last mkdir */
    *c = '/';
  }
  if (mkdir(path, 0777) && errno != EEXIST)
    return ey_err_set(err, EY_IO, "%s: cannot create the folder (%s)", path, strerror(errno));
  struct stat st;
  if (stat(path, &st) || !S_ISDIR(st.st_mode))
    return ey_err_set(err, EY_IO, "%s: not a folder", path);
  return EY_OK;
}

/* A point's record is named by its key: points with the same inputs share it,
 * whatever their place in this sweep or another. */
static void record_path(const char *out, uint64_t key, char *buf, size_t cap) {
  snprintf(buf, cap, "%s/points/%016llx.rec", out, (unsigned long long)key);
}

/* ------------------------------------------------------------ CSV and JSON of a point */

/* The sweep's CSV header: point, the swept and derived keys, status, then the
 * columns of `eyesim run --csv`. */
static char *csv_header(const ey_sweep *sw) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return NULL;
  fputs("point", f);
  for (int c = 0; c < sw->ncols; c++) {
    fputc(',', f);
    ey_csv_field(f, sw->cols[c]);
  }
  fputs(",status,", f);
  ey_report_csv_header(f);
  fclose(f);
  return text;
}

/* Where a point sits in its sweep: the start of each of its CSV rows
 * ("7,16,16,") and of its JSON line ({"point":7,"axes":{...},). A record holds
 * the rest, which depends on the point's inputs alone. */
typedef struct heads {
  char *csv, *json;
} heads;

static void heads_free(heads *h) {
  free(h->csv);
  free(h->json);
  h->csv = h->json = NULL;
}

static int point_heads(const ey_sweep *sw, const ey_sweep_point *p, heads *h) {
  size_t len = 0;
  h->csv = h->json = NULL;
  FILE *f = open_memstream(&h->csv, &len);
  if (!f) return -1;
  fprintf(f, "%ld,", p->index);
  for (int c = 0; c < sw->ncols; c++) {
    ey_csv_field(f, p->cols[c]);
    fputc(',', f);
  }
  fclose(f);
  f = open_memstream(&h->json, &len);
  if (!f) {
    heads_free(h);
    return -1;
  }
  ey_json j;
  ey_json_init_compact(&j, f);
  ey_json_obj_begin(&j, NULL);
  ey_json_int(&j, "point", p->index);
  ey_json_obj_begin(&j, "axes");
  const ey_schema *s = ey_arch_schema();
  for (int c = 0; c < sw->ncols; c++) {
    const char *v = p->cols[c];
    int i = ey_schema_find(s, sw->cols[c]);
    /* As the spec wrote it: a number only when it is one in JSON's grammar, so
     * that "+12", "0x10", "nan" or "inf" are strings and every line parses. */
    int numeric =
        (s->params[i].type == EY_P_INT || s->params[i].type == EY_P_REAL) && ey_json_is_number(v);
    int boolean = s->params[i].type == EY_P_BOOL && (!strcmp(v, "true") || !strcmp(v, "false"));
    if (numeric || boolean)
      ey_json_raw(&j, sw->cols[c], v);
    else
      ey_json_str(&j, sw->cols[c], v);
  }
  ey_json_obj_end(&j);
  ey_json_obj_end(&j);
  fclose(f);
  h->json[len - 1] = ','; /* the object stays open for the record's members */
  return 0;
}

/* The one row of a point that has no report (invalid, or its worker failed). */
static void row_without_report(FILE *f, const ey_sweep *sw, const ey_sweep_point *p,
                               const char *status, const char *why) {
  fprintf(f, "%s,", status);
  ey_report_csv_blank_total(f, p->arch.name, sw->nets[p->net].net.name, p->batch, why);
}

/* The members of a point's JSON line after point and axes. */
static void json_point_members(ey_json *j, const ey_sweep *sw, const ey_sweep_point *p,
                               const char *status, const char *why) {
  ey_json_str(j, "net", sw->nets[p->net].net.name);
  ey_json_int(j, "batch", p->batch);
  ey_json_str(j, "status", status);
  if (why) ey_json_str(j, "error", why);
}

static void json_without_report(FILE *f, const ey_sweep *sw, const ey_sweep_point *p,
                                const char *status, const char *why) {
  ey_json j;
  ey_json_init_compact(&j, f);
  ey_json_obj_begin(&j, NULL);
  json_point_members(&j, sw, p, status, why);
  ey_json_obj_end(&j);
  ey_json_finish(&j);
}

/* ------------------------------------------------------------ a worker: one point */

/* The record of a point: a header line, its CSV rows from `status` on, and its
 * JSON line's members after point and axes (the line without its first "{"). */
static char *point_record(const ey_sweep *sw, ey_sweep_point *p, size_t *len) {
  char *rows = NULL, *line = NULL, *rec = NULL;
  size_t rlen = 0, llen = 0;
  FILE *fr = open_memstream(&rows, &rlen), *fl = open_memstream(&line, &llen);
  if (!fr || !fl) {
    if (fr) fclose(fr);
    if (fl) fclose(fl);
    free(rows);
    free(line);
    return NULL;
  }
  const char *status = "ok";
  char why[EY_ERR_MAX] = "";
  int nrows = 0;
  if (!p->valid) {
    status = "invalid";
    row_without_report(fr, sw, p, status, p->why);
    json_without_report(fl, sw, p, status, p->why);
    nrows = 1;
  } else {
    ey_net net = sw->nets[p->net].net; /* this process's copy; only N changes */
    ey_net_set_batch(&net, p->batch);
    if (sw->zeros >= 0) ey_net_set_zeros(&net, sw->zeros);
    ey_engine_opts eng;
    memset(&eng, 0, sizeof eng);
    eng.step = EY_STEP_FAST;
    eng.seed = sw->seed;
    eng.zeros = sw->zeros;
    eng.check = sw->check;
    ey_report rep;
    ey_err err;
    int objective = sw->objective >= 0 ? sw->objective : p->arch.objective;
    ey_rc rc = ey_report_run(&rep, &p->arch, &net, objective, NULL, sw->analytic ? NULL : &eng,
                             NULL, NULL, &err);
    if (rc) {
      status = "error";
      snprintf(why, sizeof why, "%s", err.msg);
      row_without_report(fr, sw, p, status, why);
      json_without_report(fl, sw, p, status, why);
      nrows = 1;
    } else {
      ey_totals t;
      ey_report_totals(&rep, &t);
      if (t.unmapped) {
        status = "nomap";
        for (int i = 0; i < rep.nlayers; i++)
          if (!rep.res[i].mapped) {
            snprintf(why, sizeof why, "%d of %d layers cannot map; %s: %.400s", t.unmapped,
                     rep.nlayers, rep.res[i].layer->name, rep.res[i].why);
            break;
          }
      }
      for (int i = 0; i < rep.nlayers; i++) {
        fputs(rep.res[i].mapped ? "ok," : "nomap,", fr);
        ey_report_csv_layer(&rep, i, fr);
      }
      fprintf(fr, "%s,", status);
      ey_report_csv_total(&rep, fr, why[0] ? why : NULL);
      nrows = rep.nlayers + 1;
      ey_json j;
      ey_json_init_compact(&j, fl);
      ey_json_obj_begin(&j, NULL);
      json_point_members(&j, sw, p, status, why[0] ? why : NULL);
      ey_json_obj_begin(&j, "report");
      ey_report_json_members(&rep, &j);
      ey_json_obj_end(&j);
      ey_json_obj_end(&j);
      ey_json_finish(&j);
    }
    ey_report_free(&rep);
  }
  fclose(fr);
  fclose(fl);
  FILE *f = open_memstream(&rec, len);
  if (f) {
    fprintf(f, RECORD_MAGIC " %016llx %s %d\n%s%s", (unsigned long long)p->key, status, nrows, rows,
            line + (line[0] == '{'));
    fclose(f);
  }
  free(rows);
  free(line);
  return rec;
}

static void worker(const ey_sweep *sw, long index, const char *out, pid_t parent) {
#ifdef __linux__
  prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
  if (getppid() != parent) _exit(3); /* the parent is already gone */
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  ey_sweep_point *p = malloc(sizeof *p);
  if (!p) _exit(2);
  ey_sweep_point_at(sw, index, p);
  size_t len = 0;
  char *rec = point_record(sw, p, &len);
  if (!rec) _exit(2);
  char path[700];
  record_path(out, p->key, path, sizeof path);
  ey_err err;
  int bad = write_whole(path, rec, len, &err) != EY_OK;
  if (bad) fprintf(stderr, "eyesim: %s\n", err.msg);
  free(rec);
  free(p);
  _exit(bad ? 2 : 0);
}

/* ------------------------------------------------------------ records */

typedef struct record {
  unsigned long long key;
  char status[16];
  const char *rows; /* into text */
  size_t rows_len;
  const char *line; /* the JSON members after point and axes, with the newline */
  size_t line_len;
  char *text; /* owned */
} record;

/* Parses a record file. Returns EY_OK or EY_SYNTAX naming the file. */
static ey_rc record_load(const char *path, record *r, ey_err *err) {
  size_t len;
  memset(r, 0, sizeof *r);
  ey_rc rc = read_all(path, &r->text, &len, err);
  if (rc) return rc;
  int nrows = 0, used = 0;
  if (sscanf(r->text, RECORD_MAGIC " %llx %15s %d%n", &r->key, r->status, &nrows, &used) != 3 ||
      r->text[used] != '\n' || nrows < 1) {
    free(r->text);
    r->text = NULL;
    return ey_err_set(err, EY_SYNTAX, "%s: not an eyesim point record (bad first line)", path);
  }
  const char *p = r->text + used + 1, *nl = p - 1;
  r->rows = p;
  for (int i = 0; i < nrows && nl; i++) {
    nl = strchr(p, '\n');
    if (nl) p = nl + 1;
  }
  if (nl) {
    r->rows_len = (size_t)(p - r->rows);
    r->line = p;
    nl = strchr(p, '\n');
    if (nl && nl[1] == 0 && nl > p) {
      r->line_len = (size_t)(nl + 1 - p);
      return EY_OK;
    }
  }
  free(r->text);
  r->text = NULL;
  return ey_err_set(err, EY_SYNTAX, "%s: truncated point record (expected rows and a JSON line)",
                    path);
}

static void count_status(ey_sweep_stats *st, const char *status) {
  if (!strcmp(status, "ok"))
    st->ok++;
  else if (!strcmp(status, "nomap"))
    st->nomap++;
  else if (!strcmp(status, "invalid"))
    st->invalid++;
  else
    st->error++;
}

/* Is the record of `key` on disk and whole? Counts its status in st when so. */
static int have_record(const char *out, uint64_t key, ey_sweep_stats *st) {
  char rp[700];
  record_path(out, key, rp, sizeof rp);
  if (access(rp, F_OK)) return 0;
  record r;
  ey_err rerr;
  int ok = record_load(rp, &r, &rerr) == EY_OK && r.key == key; /* r is zeroed when it fails */
  if (ok) count_status(st, r.status);
  free(r.text);
  return ok;
}

/* ------------------------------------------------------------ the manifest */

typedef struct manifest {
  unsigned long long fingerprint;
  long points;
  int shard, nshards;
  char name[64];
  char *header; /* the CSV header line, with its newline; owned */
} manifest;

static ey_rc manifest_load(const char *path, manifest *m, ey_err *err) {
  char *text;
  size_t len;
  memset(m, 0, sizeof *m);
  ey_rc rc = read_all(path, &text, &len, err);
  if (rc) return rc;
  int used = 0;
  const char *h = strstr(text, "\nheader ");
  if (sscanf(text, MANIFEST_MAGIC "\nfingerprint %llx\npoints %ld\nshard %d/%d\nname %63s%n",
             &m->fingerprint, &m->points, &m->shard, &m->nshards, m->name, &used) != 5 ||
      !h) {
    free(text);
    return ey_err_set(err, EY_SYNTAX, "%s: not an eyesim sweep manifest", path);
  }
  h += strlen("\nheader ");
  const char *nl = strchr(h, '\n');
  m->header = nl ? strndup(h, (size_t)(nl + 1 - h)) : NULL;
  free(text);
  if (!m->header) return ey_err_set(err, EY_SYNTAX, "%s: manifest without a CSV header", path);
  return EY_OK;
}

static char *manifest_text(const ey_sweep *sw, uint64_t fp, int shard, int nshards,
                           const char *header) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return NULL;
  char name[64];
  snprintf(name, sizeof name, "%s", sw->name);
  for (char *c = name; *c; c++)
    if (*c == ' ' || *c == '\t' || *c == '\n') *c = '_';
  fprintf(f,
          MANIFEST_MAGIC
          "\nfingerprint %016llx\npoints %ld\nshard %d/%d\nname %s\nspec %s\neyesim %s\nheader %s",
          (unsigned long long)fp, sw->npoints, shard, nshards, name, sw->path, EY_VERSION_STRING,
          header);
  fclose(f);
  return text;
}

/* ------------------------------------------------------------ the index */

/* points.index: for every point of the sweep, in order, a line "KEY CSV-HEAD"
 * and a line with its JSON head, so that `merge` can assemble the outputs from
 * records without the spec. */
#define INDEX_MAGIC "eyesim-index 1"

typedef struct sweep_index {
  long n;
  uint64_t *key;
  char **csv, **json;
} sweep_index;

static void index_free(sweep_index *ix) {
  for (long i = 0; i < ix->n; i++) {
    if (ix->csv) free(ix->csv[i]);
    if (ix->json) free(ix->json[i]);
  }
  free(ix->key);
  free(ix->csv);
  free(ix->json);
  memset(ix, 0, sizeof *ix);
}

static ey_rc index_write(const ey_sweep *sw, const char *out, ey_err *err) {
  char path[700];
  snprintf(path, sizeof path, "%s/points.index", out);
  ey_outfile o;
  ey_rc rc = ey_outfile_open(&o, path, err);
  if (rc) return rc;
  ey_sweep_point *p = malloc(sizeof *p);
  if (!p) {
    ey_outfile_abort(&o);
    return ey_err_set(err, EY_NOMEM, "out of memory");
  }
  fprintf(o.f, INDEX_MAGIC " %ld\n", sw->npoints);
  for (long i = 0; !rc && i < sw->npoints; i++) {
    heads h;
    ey_sweep_point_at(sw, i, p);
    if (point_heads(sw, p, &h)) {
      rc = ey_err_set(err, EY_NOMEM, "out of memory");
      break;
    }
    fprintf(o.f, "%016llx %s\n%s\n", (unsigned long long)p->key, h.csv, h.json);
    heads_free(&h);
  }
  free(p);
  if (!rc && (fflush(o.f) || fsync(fileno(o.f))))
    rc = ey_err_set(err, EY_IO, "%s: write failed", path);
  if (!rc) return ey_outfile_commit(&o, err);
  ey_outfile_abort(&o);
  return rc;
}

static ey_rc index_load(const char *folder, long npoints, sweep_index *ix, ey_err *err) {
  char path[1200], *text;
  size_t len;
  snprintf(path, sizeof path, "%s/points.index", folder);
  memset(ix, 0, sizeof *ix);
  ey_rc rc = read_all(path, &text, &len, err);
  if (rc) return rc;
  long n = -1;
  int used = 0;
  if (sscanf(text, INDEX_MAGIC " %ld%n", &n, &used) != 1 || n != npoints || text[used] != '\n') {
    free(text);
    return ey_err_set(err, EY_SYNTAX, "%s: not the index of a sweep of %ld points", path, npoints);
  }
  ix->key = calloc((size_t)(n ? n : 1), sizeof *ix->key);
  ix->csv = calloc((size_t)(n ? n : 1), sizeof *ix->csv);
  ix->json = calloc((size_t)(n ? n : 1), sizeof *ix->json);
  ix->n = n;
  if (!ix->key || !ix->csv || !ix->json) rc = ey_err_set(err, EY_NOMEM, "out of memory");
  const char *p = text + used + 1;
  for (long i = 0; !rc && i < n; i++) {
    const char *nl1 = strchr(p, '\n'), *nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
    unsigned long long k;
    int kl = 0;
    if (!nl2 || sscanf(p, "%16llx %n", &k, &kl) != 1 || kl != 17) {
      rc = ey_err_set(err, EY_SYNTAX, "%s: truncated at point %ld", path, i);
      break;
    }
    ix->key[i] = k;
    ix->csv[i] = strndup(p + kl, (size_t)(nl1 - p - kl));
    ix->json[i] = strndup(nl1 + 1, (size_t)(nl2 - nl1 - 1));
    if (!ix->csv[i] || !ix->json[i]) rc = ey_err_set(err, EY_NOMEM, "out of memory");
    p = nl2 + 1;
  }
  free(text);
  if (rc) index_free(ix);
  return rc;
}

/* ------------------------------------------------------------ running */

static volatile sig_atomic_t g_stop;
static void on_signal(int sig) {
  g_stop = sig;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The time left: the mean time of a point so far, times the points left, over
 * the workers (an in-flight point counts as left). */
static void draw_progress(const ey_sweep_stats *st, long done, double start, double busy, int jobs,
                          int final) {
  const int width = 30;
  long total = st->points;
  int fill = total ? (int)((double)done * width / (double)total) : width;
  char bar[64];
  for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
  bar[width] = 0;
  long left = total - done;
  double el = now_s() - start;
  double eta = st->computed ? busy / (double)st->computed * (double)left /
                                  (double)(left < jobs ? (left ? left : 1) : jobs)
                            : 0;
  fprintf(stderr, "\r\033[K[%s] %ld/%ld points  %ld invalid  %ld nomap  %ld failed  ", bar, done,
          total, st->invalid, st->nomap, st->failed + st->error);
  if (final)
    fprintf(stderr, "%.1f s\n", el);
  else if (st->computed)
    fprintf(stderr, "ETA %d:%02d", (int)eta / 60, (int)eta % 60);
}

/* The outputs while running: *.part files, appended in point order. */
typedef struct streamer {
  FILE *csv, *jsonl;
  char csv_part[700], jsonl_part[700];
  int failed;
} streamer;

static ey_rc stream_open(streamer *s, const char *out, const char *header, ey_err *err) {
  snprintf(s->csv_part, sizeof s->csv_part, "%s/sweep.csv.part", out);
  snprintf(s->jsonl_part, sizeof s->jsonl_part, "%s/sweep.jsonl.part", out);
  s->csv = fopen(s->csv_part, "w");
  s->jsonl = fopen(s->jsonl_part, "w");
  if (!s->csv || !s->jsonl)
    return ey_err_set(err, EY_IO, "%s: cannot create (%s)", s->csv ? s->jsonl_part : s->csv_part,
                      strerror(errno));
  fputs(header, s->csv);
  return EY_OK;
}

/* Writes a point: each of its rows after its CSV head, its JSON members after
 * its JSON head. Returns 0, or -1 when a write failed. */
static int emit_point(FILE *csv, FILE *jsonl, const heads *h, const char *rows, size_t rlen,
                      const char *tail, size_t tlen) {
  int bad = 0;
  for (const char *p = rows, *end = rows + rlen; p < end;) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl + 1 - p) : (size_t)(end - p);
    bad |= fputs(h->csv, csv) < 0 || fwrite(p, 1, n, csv) != n;
    p += n;
  }
  bad |= fputs(h->json, jsonl) < 0 || fwrite(tail, 1, tlen, jsonl) != tlen;
  return bad ? -1 : 0;
}

static void stream_put(streamer *s, const heads *h, const char *rows, size_t rlen, const char *tail,
                       size_t tlen) {
  if (emit_point(s->csv, s->jsonl, h, rows, rlen, tail, tlen)) s->failed = 1;
  if (fflush(s->csv) || fflush(s->jsonl)) s->failed = 1;
}

/* Closes the *.part files; renames them to the outputs when `finish`. */
static ey_rc stream_close(streamer *s, const char *out, int finish, ey_err *err) {
  int bad = s->failed;
  for (int k = 0; k < 2; k++) {
    FILE **f = k ? &s->jsonl : &s->csv;
    if (!*f) continue;
    if (finish && (fflush(*f) || fsync(fileno(*f)))) bad = 1;
    if (fclose(*f)) bad = 1;
    *f = NULL;
  }
  if (bad)
    return ey_err_set(err, EY_IO, "%s: writing the outputs failed (%s)", out, strerror(errno));
  if (!finish) return EY_OK;
  char csv[700], jsonl[700];
  snprintf(csv, sizeof csv, "%s/sweep.csv", out);
  snprintf(jsonl, sizeof jsonl, "%s/sweep.jsonl", out);
  if (rename(s->csv_part, csv) || rename(s->jsonl_part, jsonl))
    return ey_err_set(err, EY_IO, "%s: cannot rename the outputs into place (%s)", out,
                      strerror(errno));
  return EY_OK;
}

/* Removes temporary files from `out`, and with `all` the outputs too. Records
 * stay: they are named by their inputs, so a new sweep in the folder reuses the
 * ones it shares with the old (see drop_unused). */
static void clean_dir(const char *out, int all) {
  char path[700];
  snprintf(path, sizeof path, "%s/points", out);
  DIR *d = opendir(path);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d))) {
      if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
        continue;
      if (strstr(e->d_name, ".tmp")) {
        char f[1000];
        snprintf(f, sizeof f, "%s/%s", path, e->d_name);
        unlink(f);
      }
    }
    closedir(d);
  }
  d = opendir(out);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)))
      if (strstr(e->d_name, ".tmp")) {
        char f[1000];
        snprintf(f, sizeof f, "%s/%s", out, e->d_name);
        unlink(f);
      }
    closedir(d);
  }
  if (all) {
    static const char *const names[] = {"sweep.csv", "sweep.jsonl", "sweep.csv.part",
                                        "sweep.jsonl.part"};
    for (int i = 0; i < 4; i++) {
      snprintf(path, sizeof path, "%s/%s", out, names[i]);
      unlink(path);
    }
  }
}

static int cmp_key(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Removes the records of `out` that none of the `n` sorted keys names: after
 * --force, what the old sweep computed and the new one does not use. */
static void drop_unused(const char *out, const uint64_t *keys, long n) {
  char path[700];
  snprintf(path, sizeof path, "%s/points", out);
  DIR *d = opendir(path);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    unsigned long long k;
    int used = 0;
    if (sscanf(e->d_name, "%16llx.rec%n", &k, &used) != 1 || used != 20 || e->d_name[used])
      continue;
    uint64_t key = k;
    if (bsearch(&key, keys, (size_t)n, sizeof key, cmp_key)) continue;
    char f[1000];
    snprintf(f, sizeof f, "%s/%s", path, e->d_name);
    unlink(f);
  }
  closedir(d);
}

/* Takes the folder's lock; the descriptor stays open (and is inherited by the
 * workers) for the whole run. */
static ey_rc lock_dir(const char *out, int *fd, ey_err *err) {
  char path[700];
  snprintf(path, sizeof path, "%s/.lock", out);
  *fd = open(path, O_RDWR | O_CREAT, 0666);
  if (*fd < 0) return ey_err_set(err, EY_IO, "%s: cannot create (%s)", path, strerror(errno));
  if (flock(*fd, LOCK_EX | LOCK_NB)) {
    close(*fd);
    *fd = -1;
    return ey_err_set(
        err, EY_USAGE,
        "%s: another eyesim sweep is running in this folder (or its workers are still exiting); "
        "wait for it or choose another -o",
        out);
  }
  return EY_OK;
}

/* Is `out` empty apart from the lock? */
static int dir_empty(const char *out) {
  DIR *d = opendir(out);
  if (!d) return 1;
  struct dirent *e;
  int empty = 1;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, ".lock")) empty = 0;
  closedir(d);
  return empty;
}

ey_rc ey_sweep_run(const ey_sweep *sw, const ey_sweep_opts *o, ey_sweep_stats *st, ey_err *err) {
  memset(st, 0, sizeof *st);
  const int nsh = o->nshards > 0 ? o->nshards : 1, sh = o->nshards > 0 ? o->shard : 1;
  double start = now_s();
  char *header = csv_header(sw);
  if (!header) return ey_err_set(err, EY_NOMEM, "out of memory");
  /* Every point's key, computed once: the fingerprint, what is on disk, and
   * which records a worker left all come from them. */
  uint64_t *all = malloc(sizeof *all * (size_t)sw->npoints);
  if (!all) {
    free(header);
    return ey_err_set(err, EY_NOMEM, "out of memory");
  }
  const uint64_t fp = ey_sweep_keys(sw, all);
  ey_rc rc = make_dir(o->out, err);
  int lockfd = -1;
  if (!rc) rc = lock_dir(o->out, &lockfd, err);
  char path[700];
  snprintf(path, sizeof path, "%s/manifest", o->out);
  if (!rc) {
    struct stat sb;
    if (stat(path, &sb) == 0) {
      manifest m;
      ey_err merr;
      ey_rc mrc = manifest_load(path, &m, &merr);
      int same = !mrc && m.fingerprint == fp && m.points == sw->npoints && m.shard == sh &&
                 m.nshards == nsh && !strcmp(m.header, header);
      if (!same && !o->force)
        rc = ey_err_set(
            err, EY_USAGE,
            "%s: holds the results of another sweep (%s); re-run with --force to take it over (the "
            "points whose inputs did not change are kept), or choose another -o",
            o->out,
            mrc                                 ? "its manifest is unreadable"
            : m.points != sw->npoints           ? "a different number of points"
            : m.shard != sh || m.nshards != nsh ? "another shard"
                                                : "the spec, or a file it names, has changed");
      if (!same && o->force) clean_dir(o->out, 1);
      free(m.header);
    } else if (!dir_empty(o->out)) {
      rc = ey_err_set(
          err, EY_USAGE,
          "%s: exists and is not a sweep folder (no manifest); choose a new or empty folder",
          o->out);
    }
  }
  char pdir[700];
  snprintf(pdir, sizeof pdir, "%s/points", o->out);
  if (!rc) rc = make_dir(pdir, err);
  if (!rc) {
    char *mt = manifest_text(sw, fp, sh, nsh, header);
    rc = mt ? write_whole(path, mt, strlen(mt), err) : ey_err_set(err, EY_NOMEM, "out of memory");
    free(mt);
  }
  if (!rc) {
    char *spec;
    size_t slen;
    char copy[700];
    snprintf(copy, sizeof copy, "%s/spec.yaml", o->out);
    rc = read_all(sw->path, &spec, &slen, err);
    if (!rc) {
      rc = write_whole(copy, spec, slen, err);
      free(spec);
    }
  }
  if (!rc) rc = index_write(sw, o->out, err);
  if (rc) {
    if (lockfd >= 0) close(lockfd);
    free(header);
    free(all);
    return rc;
  }
  clean_dir(o->out, 0); /* temporary files of an interrupted run */

  /* This run's points and what is already on disk. */
  long n = 0;
  for (long i = sh - 1; i < sw->npoints; i += nsh) n++;
  st->points = n;
  long *mine = malloc(sizeof *mine * (size_t)(n ? n : 1));
  signed char *state =
      calloc((size_t)(n ? n : 1), 1); /* 0 to do, 1 running, 2 recorded, 3 failed */
  char **failed_why = calloc((size_t)(n ? n : 1), sizeof *failed_why);
  ey_sweep_point *pt = malloc(sizeof *pt);
  streamer out;
  memset(&out, 0, sizeof out);
  if (!mine || !state || !failed_why || !pt) rc = ey_err_set(err, EY_NOMEM, "out of memory");
  for (long k = 0, i = sh - 1; !rc && k < n; k++, i += nsh) {
    mine[k] = i;
    if (have_record(o->out, all[i], st)) {
      state[k] = 2;
      st->skipped++;
    }
  }
  if (!rc) rc = stream_open(&out, o->out, header, err);

  /* Workers: up to o->jobs at once, one per point. */
  struct sigaction sa, old_int, old_term;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: waitpid returns on a signal */
  sigemptyset(&sa.sa_mask);
  g_stop = 0;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  pid_t *pids = calloc((size_t)(o->jobs > 0 ? o->jobs : 1), sizeof *pids);
  long *slot_of = calloc((size_t)(o->jobs > 0 ? o->jobs : 1), sizeof *slot_of);
  double *began = calloc((size_t)(o->jobs > 0 ? o->jobs : 1), sizeof *began);
  double busy = 0; /* worker seconds of the points finished */
  if (!rc && (!pids || !slot_of || !began)) rc = ey_err_set(err, EY_NOMEM, "out of memory");
  long next = 0, emitted = 0, done = st->skipped;
  int running = 0;
  const pid_t me = getpid();
  if (o->progress && !rc) draw_progress(st, done, start, 0, o->jobs, 0);
  while (!rc) {
    /* Append finished points to the outputs, in order. */
    while (emitted < n && state[emitted] >= 2) {
      heads h;
      ey_sweep_point_at(sw, mine[emitted], pt);
      if (point_heads(sw, pt, &h)) {
        rc = ey_err_set(err, EY_NOMEM, "out of memory");
        break;
      }
      if (state[emitted] == 2) {
        char rp[700];
        record_path(o->out, pt->key, rp, sizeof rp);
        record r;
        rc = record_load(rp, &r, err);
        if (!rc) stream_put(&out, &h, r.rows, r.rows_len, r.line, r.line_len);
        free(r.text);
      } else {
        char *rows = NULL, *line = NULL;
        size_t rl = 0, ll = 0;
        FILE *fr = open_memstream(&rows, &rl), *fl = open_memstream(&line, &ll);
        if (fr) row_without_report(fr, sw, pt, "failed", failed_why[emitted]);
        if (fl) json_without_report(fl, sw, pt, "failed", failed_why[emitted]);
        if (fr) fclose(fr);
        if (fl) fclose(fl);
        if (rows && line) stream_put(&out, &h, rows, rl, line + 1, ll - 1);
        free(rows);
        free(line);
      }
      heads_free(&h);
      if (rc) break;
      emitted++;
    }
    if (rc || g_stop) break;
    while (next < n && state[next]) next++;
    while (running < o->jobs && next < n && !g_stop) {
      int slot = 0;
      while (pids[slot]) slot++;
      fflush(stdout);
      fflush(stderr);
      pid_t pid = fork();
      if (pid < 0) {
        rc = ey_err_set(err, EY_IO, "cannot start a worker (%s)", strerror(errno));
        break;
      }
      if (pid == 0) worker(sw, mine[next], o->out, me);
      pids[slot] = pid;
      slot_of[slot] = next;
      began[slot] = now_s();
      state[next] = 1;
      running++;
      while (next < n && state[next]) next++;
    }
    if (rc || running == 0) break;
    int status;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      rc = ey_err_set(err, EY_IO, "waiting for workers failed (%s)", strerror(errno));
      break;
    }
    int slot = -1;
    for (int s = 0; s < o->jobs; s++)
      if (pids[s] == pid) slot = s;
    if (slot < 0) continue;
    long k = slot_of[slot];
    pids[slot] = 0;
    busy += now_s() - began[slot];
    running--;
    done++;
    /* The record is the truth: a worker killed after its rename has finished. */
    if (have_record(o->out, all[mine[k]], st)) {
      state[k] = 2;
      st->computed++;
    } else {
      char why[128];
      if (WIFSIGNALED(status))
        snprintf(why, sizeof why, "the worker was killed by signal %d", WTERMSIG(status));
      else
        snprintf(why, sizeof why, "the worker exited with status %d",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
      failed_why[k] = strdup(why);
      state[k] = 3;
      st->computed++;
      st->failed++;
    }
    if (o->progress) draw_progress(st, done, start, busy, o->jobs, 0);
  }
  /* Interrupted or failed: stop the workers, and count the points whose records
   * landed before they stopped. */
  for (int s = 0; pids && s < o->jobs; s++)
    if (pids[s]) kill(pids[s], SIGTERM);
  for (int s = 0; pids && s < o->jobs; s++) {
    if (!pids[s]) continue;
    while (waitpid(pids[s], NULL, 0) < 0 && errno == EINTR) {
    }
    if (have_record(o->out, all[mine[slot_of[s]]], st)) st->computed++;
  }
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  st->interrupted = g_stop;
  int finish = !rc && !g_stop && emitted == n;
  if (finish && o->force) { /* this run's keys, sorted, in place of the array (not used again) */
    for (long k = 0; k < n; k++) all[k] = all[mine[k]];
    qsort(all, (size_t)n, sizeof *all, cmp_key);
    drop_unused(o->out, all, n);
  }
  ey_rc src = stream_close(&out, o->out, finish, rc ? NULL : err);
  if (!rc) rc = src;
  if (o->progress && !rc) draw_progress(st, done, start, busy, o->jobs, 1);
  st->seconds = now_s() - start;
  for (long k = 0; failed_why && k < n; k++) free(failed_why[k]);
  free(failed_why);
  free(all);
  free(state);
  free(mine);
  free(pt);
  free(pids);
  free(slot_of);
  free(began);
  free(header);
  close(lockfd);
  return rc;
}

/* ------------------------------------------------------------ merging shards */

typedef struct found {
  uint64_t key;
  char *path;
} found;

static int cmp_found(const void *a, const void *b) {
  const found *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return strcmp(x->path, y->path); /* a deterministic order among duplicates */
}

/* The folders under dir (dir itself included) that hold a manifest, sorted. */
static int sweep_folders(const char *dir, char ***out) {
  DIR *d = opendir(dir);
  int nf = 0;
  *out = NULL;
  if (!d) return -1;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, "..")) continue;
    char mp[1200];
    snprintf(mp, sizeof mp, "%s/%s/manifest", dir, e->d_name);
    if (access(mp, F_OK)) continue;
    char **g = realloc(*out, sizeof **out * (size_t)(nf + 1));
    if (!g) break;
    *out = g;
    size_t len = strlen(dir) + strlen(e->d_name) + 2;
    (*out)[nf] = malloc(len);
    if (!(*out)[nf]) break;
    snprintf((*out)[nf++], len, "%s/%s", dir, e->d_name);
  }
  closedir(d);
  for (int i = 1; i < nf; i++) /* readdir's order is the file system's */
    for (int j = i; j > 0 && strcmp((*out)[j - 1], (*out)[j]) > 0; j--) {
      char *t = (*out)[j];
      (*out)[j] = (*out)[j - 1];
      (*out)[j - 1] = t;
    }
  return nf;
}

ey_rc ey_sweep_merge(const char *dir, const char *outdir, ey_sweep_merged *mg, ey_err *err) {
  memset(mg, 0, sizeof *mg);
  char **folders;
  int nf = sweep_folders(dir, &folders);
  if (nf < 0)
    return ey_err_set(err, EY_IO, "%s: cannot open the folder (%s)", dir, strerror(errno));
  if (nf == 0) {
    free(folders);
    return ey_err_set(err, EY_USAGE,
                      "%s: no sweep output here (no manifest in it or its subfolders)", dir);
  }
  manifest first;
  memset(&first, 0, sizeof first);
  sweep_index ix;
  memset(&ix, 0, sizeof ix);
  found *recs = NULL;
  long nrecs = 0;
  uint64_t *sorted = NULL;
  ey_rc rc = EY_OK;
  for (int i = 0; !rc && i < nf; i++) {
    char mp[1200];
    snprintf(mp, sizeof mp, "%s/manifest", folders[i]);
    manifest m;
    rc = manifest_load(mp, &m, err);
    if (rc) break;
    if (i == 0) {
      first = m;
      rc = index_load(folders[0], m.points, &ix, err);
      continue;
    }
    if (m.fingerprint != first.fingerprint || m.points != first.points ||
        strcmp(m.header, first.header))
      rc = ey_err_set(err, EY_MISMATCH,
                      "%s: a different sweep from %s (fingerprint %016llx, not %016llx)",
                      folders[i], folders[0], m.fingerprint, first.fingerprint);
    free(m.header);
  }
  mg->shards = nf;
  mg->points = first.points;
  if (!rc) {
    sorted = malloc(sizeof *sorted * (size_t)(first.points ? first.points : 1));
    if (!sorted) rc = ey_err_set(err, EY_NOMEM, "out of memory");
    for (long p = 0; !rc && p < first.points; p++) sorted[p] = ix.key[p];
    if (!rc) qsort(sorted, (size_t)first.points, sizeof *sorted, cmp_key);
  }
  /* Every record of every folder that this sweep names. */
  for (int i = 0; !rc && i < nf; i++) {
    char pd[1200];
    snprintf(pd, sizeof pd, "%s/points", folders[i]);
    DIR *pdd = opendir(pd);
    if (!pdd) continue;
    struct dirent *e;
    while (!rc && (e = readdir(pdd))) {
      unsigned long long k;
      int used = 0;
      if (sscanf(e->d_name, "%16llx.rec%n", &k, &used) != 1 || used != 20 || e->d_name[used])
        continue;
      uint64_t key = k;
      if (!bsearch(&key, sorted, (size_t)first.points, sizeof key, cmp_key))
        continue; /* another sweep's */
      found *g = realloc(recs, sizeof *recs * (size_t)(nrecs + 1));
      size_t len = strlen(pd) + strlen(e->d_name) + 2;
      char *path = malloc(len);
      if (!g || !path) {
        if (g) recs = g;
        free(path);
        rc = ey_err_set(err, EY_NOMEM, "out of memory");
        break;
      }
      recs = g;
      snprintf(path, len, "%s/%s", pd, e->d_name);
      recs[nrecs].key = key;
      recs[nrecs++].path = path;
    }
    closedir(pdd);
  }
  /* Duplicates must be identical; one copy is kept. */
  if (!rc) qsort(recs, (size_t)nrecs, sizeof *recs, cmp_found);
  long kept = 0;
  for (long i = 0; i < nrecs; i++) {
    if (!rc && kept && recs[kept - 1].key == recs[i].key) {
      char *a = NULL, *b = NULL;
      size_t la, lb;
      rc = read_all(recs[kept - 1].path, &a, &la, err);
      if (!rc) rc = read_all(recs[i].path, &b, &lb, err);
      long p = 0;
      while (p < first.points && ix.key[p] != recs[i].key) p++;
      if (!rc && (la != lb || memcmp(a, b, la)))
        rc = ey_err_set(err, EY_MISMATCH, "point %ld: %s and %s differ", p, recs[kept - 1].path,
                        recs[i].path);
      if (!rc) {
        mg->duplicates++;
        fprintf(stderr, "eyesim: merge: point %ld is in %s and %s (identical; kept once)\n", p,
                recs[kept - 1].path, recs[i].path);
      }
      free(a);
      free(b);
    }
    if (rc || (kept && recs[kept - 1].key == recs[i].key))
      free(recs[i].path);
    else
      recs[kept++] = recs[i];
  }
  nrecs = kept;
  /* Missing points, with the shard (of the first folder's partition) that owes them. */
  long missing = 0;
  char list[300] = "";
  for (long p = 0; !rc && p < first.points; p++) {
    found want = {ix.key[p], NULL}; /* cmp_key reads the key, the first member */
    if (bsearch(&want, recs, (size_t)nrecs, sizeof *recs, cmp_key)) continue;
    if (missing++ < 12) {
      size_t l = strlen(list);
      snprintf(list + l, sizeof list - l, "%s%ld (shard %ld/%d)", l ? ", " : "", p,
               p % first.nshards + 1, first.nshards);
    }
  }
  if (!rc && missing)
    rc = ey_err_set(err, EY_MISMATCH,
                    "%s: %ld of %ld points missing: %s%s; re-run those shards, then merge again",
                    dir, missing, first.points, list, missing > 12 ? ", ..." : "");
  /* The outputs, whole. */
  if (!rc) rc = make_dir(outdir, err);
  ey_outfile csv, jsonl;
  memset(&csv, 0, sizeof csv);
  memset(&jsonl, 0, sizeof jsonl);
  char cp[700], jp[700];
  snprintf(cp, sizeof cp, "%s/sweep.csv", outdir);
  snprintf(jp, sizeof jp, "%s/sweep.jsonl", outdir);
  if (!rc) rc = ey_outfile_open(&csv, cp, err);
  if (!rc) rc = ey_outfile_open(&jsonl, jp, err);
  if (!rc) fputs(first.header, csv.f);
  for (long p = 0; !rc && p < first.points; p++) {
    found want = {ix.key[p], NULL};
    const found *f = bsearch(&want, recs, (size_t)nrecs, sizeof *recs, cmp_key);
    record r;
    rc = record_load(f->path, &r, err);
    if (rc) break;
    heads h = {ix.csv[p], ix.json[p]};
    if (emit_point(csv.f, jsonl.f, &h, r.rows, r.rows_len, r.line, r.line_len))
      rc = ey_err_set(err, EY_IO, "%s: write failed", outdir);
    free(r.text);
  }
  if (!rc) rc = ey_outfile_commit(&csv, err);
  if (!rc) rc = ey_outfile_commit(&jsonl, err);
  ey_outfile_abort(&csv);
  ey_outfile_abort(&jsonl);
  for (long i = 0; i < nrecs; i++) free(recs[i].path);
  free(recs);
  free(sorted);
  index_free(&ix);
  free(first.header);
  for (int i = 0; i < nf; i++) free(folders[i]);
  free(folders);
  return rc;
}

/* ------------------------------------------------------------ Slurm */

/* A path in single quotes for sh. */
static void sh_quote(FILE *f, const char *s) {
  fputc('\'', f);
  for (; *s; s++) {
    if (*s == '\'')
      fputs("'\\''", f);
    else
      fputc(*s, f);
  }
  fputc('\'', f);
}

/* The index of the first control character of s (a newline would end an
 * #SBATCH or comment line and start a command of the job script), or -1. */
static int control_at(const char *s) {
  for (int i = 0; s[i]; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return i;
  return -1;
}

ey_rc ey_sweep_slurm_check(const char *exe, const char *spec, const char *out,
                           const char *const *sbatch, ey_err *err) {
  /* Every text that reaches a line of the script as it is. */
  const char *what[3] = {"eyesim's path", "the spec's path", "-o"}, *text3[3] = {exe, spec, out};
  for (int i = 0; i < 3; i++)
    if (control_at(text3[i]) >= 0)
      return ey_err_set(err, EY_USAGE,
                        "%s: expected no control characters in the job script (got 0x%02x at "
                        "character %d)",
                        what[i], (unsigned char)text3[i][control_at(text3[i])],
                        control_at(text3[i]) + 1);
  for (int i = 0; sbatch && sbatch[i]; i++)
    if (control_at(sbatch[i]) >= 0)
      return ey_err_set(err, EY_USAGE,
                        "%.*s: expected an sbatch option without control characters (got 0x%02x "
                        "at character %d)",
                        control_at(sbatch[i]), sbatch[i],
                        (unsigned char)sbatch[i][control_at(sbatch[i])], control_at(sbatch[i]) + 1);
  return EY_OK;
}

ey_rc ey_sweep_slurm(const ey_sweep *sw, const char *exe, const char *spec, const char *out,
                     int array, const char *const *sbatch, ey_err *err) {
  if (ey_sweep_slurm_check(exe, spec, out, sbatch, err)) return EY_USAGE;
  ey_rc rc = make_dir(out, err);
  char logs[700];
  snprintf(logs, sizeof logs, "%s/logs", out);
  if (!rc) rc = make_dir(logs, err);
  if (rc) return rc;
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return ey_err_set(err, EY_NOMEM, "out of memory");
  fprintf(
      f,
      "#!/bin/sh\n# eyesim sweep %s: %ld points in %d shards, one per task of a Slurm job array.\n",
      sw->name, sw->npoints, array);
  fprintf(f, "# Submit: sbatch %s/sweep.sbatch\n# Then:   eyesim sweep merge %s -o %s/merged\n",
          out, out, out);
  fprintf(f,
          "#SBATCH --job-name=eyesim-%s\n#SBATCH --array=1-%d\n#SBATCH --output=%s/%%A_%%a.out\n",
          sw->name, array, logs);
  for (int i = 0; sbatch && sbatch[i]; i++) fprintf(f, "#SBATCH %s\n", sbatch[i]);
  fputs("set -eu\nexec ", f);
  sh_quote(f, exe);
  fputs(" sweep ", f);
  sh_quote(f, spec);
  fputs(" -o ", f);
  sh_quote(f, out);
  fprintf(f,
          "\"/shard-$SLURM_ARRAY_TASK_ID\" --shard \"$SLURM_ARRAY_TASK_ID/%d\" -j "
          "\"${SLURM_CPUS_PER_TASK:-1}\" -q\n",
          array);
  fclose(f);
  char path[700];
  snprintf(path, sizeof path, "%s/sweep.sbatch", out);
  rc = text ? write_whole(path, text, len, err) : ey_err_set(err, EY_NOMEM, "out of memory");
  free(text);
  if (!rc) chmod(path, 0755);
  return rc;
}
