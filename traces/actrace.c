/* actrace.c - reading and writing activation traces (zlib). */
#include "traces/actrace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "traces/rlc.h"

/* ---------------------------------------------------------------- writer */

struct ey_act_writer {
  FILE *f;
  z_stream z;
  int failed;
  unsigned char out[1 << 16];
};

static void deflate_some(ey_act_writer *w, const void *p, size_t n, int flush) {
  w->z.next_in = (Bytef *)(uintptr_t)p;
  w->z.avail_in = (uInt)n;
  do {
    w->z.next_out = w->out;
    w->z.avail_out = sizeof w->out;
    if (deflate(&w->z, flush) == Z_STREAM_ERROR) w->failed = 1;
    size_t have = sizeof w->out - w->z.avail_out;
    if (have && fwrite(w->out, 1, have, w->f) != have) w->failed = 1;
  } while (w->z.avail_out == 0);
}

ey_act_writer *ey_act_writer_open(FILE *f) {
  ey_act_writer *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->f = f;
  /* windowBits 15 + 16: a gzip header and trailer, so gzip and zcat read it. */
  if (deflateInit2(&w->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    free(w);
    return NULL;
  }
  deflate_some(w, EY_ACT_MAGIC "\n", strlen(EY_ACT_MAGIC) + 1, Z_NO_FLUSH);
  return w;
}

ey_rc ey_act_writer_add(ey_act_writer *w, const char *name, const int shape[4], const int16_t *v) {
  uint64_t n = (uint64_t)shape[0] * shape[1] * shape[2] * shape[3];
  uint64_t nw = ey_rlc_words(v, n);
  uint64_t *words = malloc(sizeof *words * (size_t)nw);
  unsigned char *le = malloc(8 * (size_t)nw);
  if (!words || !le) {
    free(words);
    free(le);
    return EY_NOMEM;
  }
  ey_rlc_encode(v, n, words);
  for (uint64_t i = 0; i < nw; i++)
    for (int b = 0; b < 8; b++) le[i * 8 + (uint64_t)b] = (unsigned char)(words[i] >> (8 * b));
  char line[EY_ACT_NAME_MAX + 96];
  int len = snprintf(line, sizeof line, "tensor %s %d %d %d %d 16 %" PRIu64 "\n", name, shape[0],
                     shape[1], shape[2], shape[3], nw);
  deflate_some(w, line, (size_t)len, Z_NO_FLUSH);
  deflate_some(w, le, 8 * (size_t)nw, Z_NO_FLUSH);
  free(words);
  free(le);
  return w->failed ? EY_IO : EY_OK;
}

ey_rc ey_act_writer_close(ey_act_writer *w) {
  deflate_some(w, "end\n", 4, Z_FINISH);
  int failed = w->failed;
  deflateEnd(&w->z);
  free(w);
  return failed ? EY_IO : EY_OK;
}

/* ---------------------------------------------------------------- reader */

/* The zlib message for a failed read, or "the file is truncated". */
static const char *gz_why(gzFile g) {
  int code;
  const char *m = gzerror(g, &code);
  return code == Z_OK || code == Z_BUF_ERROR ? "the file is truncated" : m;
}

static ey_rc load(gzFile g, ey_act_trace *tr, ey_err *err) {
  const char *path = tr->path;
  char line[512];
  if (!gzgets(g, line, sizeof line))
    return ey_err_set(err, EY_SYNTAX, "%s: offset 0: expected '" EY_ACT_MAGIC "' (got %s)", path,
                      gz_why(g));
  line[strcspn(line, "\n")] = '\0';
  if (strncmp(line, "eyesim activation trace v", 25))
    return ey_err_set(err, EY_SYNTAX,
                      "%s: offset 0: expected '" EY_ACT_MAGIC "' (got a file of another kind)",
                      path);
  if (strcmp(line, EY_ACT_MAGIC))
    return ey_err_set(err, EY_SYNTAX, "%s: offset 0: expected version 1 (got '%.40s')", path, line);
  int cap = 0;
  for (;;) {
    long off = (long)gztell(g);
    if (!gzgets(g, line, sizeof line) || !strchr(line, '\n'))
      return ey_err_set(err, EY_SYNTAX, "%s: offset %ld: expected 'tensor ...' or 'end' (got %s)",
                        path, off, gz_why(g));
    line[strcspn(line, "\n")] = '\0';
    if (!strcmp(line, "end")) return EY_OK;
    if (tr->n == cap) {
      cap = cap ? 2 * cap : 16;
      ey_act_tensor *nt = realloc(tr->t, sizeof *nt * (size_t)cap);
      if (!nt) return ey_err_set(err, EY_NOMEM, "%s: out of memory", path);
      tr->t = nt;
    }
    ey_act_tensor *t = &tr->t[tr->n];
    memset(t, 0, sizeof *t);
    char name[EY_ACT_NAME_MAX];
    uint64_t nw;
    int bits;
    if (sscanf(line, "tensor %127s %d %d %d %d %d %" SCNu64, name, &t->shape[0], &t->shape[1],
               &t->shape[2], &t->shape[3], &bits, &nw) != 7 ||
        t->shape[0] < 1 || t->shape[1] < 1 || t->shape[2] < 1 || t->shape[3] < 1 || nw < 1 ||
        nw > (1ull << 40))
      return ey_err_set(err, EY_SYNTAX,
                        "%s: offset %ld: expected 'tensor NAME N C H W BITS WORDS' (got '%.60s')",
                        path, off, line);
    if (bits != 16)
      return ey_err_set(err, EY_SYNTAX, "%s: tensor %s: word_bits: expected 16 (got %d)", path,
                        name, bits);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->word_bits = bits;
    t->nwords = nw;
    tr->n++;
    t->words = malloc(sizeof *t->words * (size_t)nw);
    unsigned char *le = malloc(8 * (size_t)nw);
    if (!t->words || !le) {
      free(le);
      return ey_err_set(err, EY_NOMEM, "%s: out of memory", path);
    }
    int got = gzread(g, le, (unsigned)(8 * nw));
    if (got < 0 || (uint64_t)got < 8 * nw) {
      free(le);
      return ey_err_set(err, EY_SYNTAX,
                        "%s: tensor %s: expected %" PRIu64 " words (got %" PRIu64 ": %s)", path,
                        name, nw, got < 0 ? 0 : (uint64_t)got / 8, gz_why(g));
    }
    for (uint64_t i = 0; i < nw; i++) {
      uint64_t v = 0;
      for (int b = 7; b >= 0; b--) v = v << 8 | le[i * 8 + (uint64_t)b];
      t->words[i] = v;
    }
    free(le);
    /* Every tensor must decode to exactly its shape. */
    uint64_t n = (uint64_t)t->shape[0] * t->shape[1] * t->shape[2] * t->shape[3];
    int16_t *tmp = malloc(sizeof *tmp * (size_t)n);
    if (!tmp) return ey_err_set(err, EY_NOMEM, "%s: out of memory", path);
    ey_err why;
    ey_rc rc = ey_rlc_decode(t->words, t->nwords, tmp, n, &why);
    free(tmp);
    if (rc) return ey_err_set(err, rc, "%s: tensor %s: %s", path, name, why.msg);
    for (int k = 0; k < tr->n - 1; k++)
      if (!strcmp(tr->t[k].name, name))
        return ey_err_set(err, EY_SYNTAX, "%s: tensor %s: each tensor once (got it twice)", path,
                          name);
  }
}

ey_rc ey_act_load(const char *path, ey_act_trace *tr, ey_err *err) {
  memset(tr, 0, sizeof *tr);
  snprintf(tr->path, sizeof tr->path, "%s", path);
  gzFile g = gzopen(path, "rb");
  if (!g)
    return ey_err_set(err, EY_IO, "%s: cannot open (%s)", path, strerror(errno ? errno : ENOENT));
  ey_rc rc = load(g, tr, err);
  gzclose(g);
  if (rc) ey_act_free(tr);
  return rc;
}

void ey_act_free(ey_act_trace *tr) {
  for (int k = 0; k < tr->n; k++) free(tr->t[k].words);
  free(tr->t);
  tr->t = NULL;
  tr->n = 0;
}

const ey_act_tensor *ey_act_find(const ey_act_trace *tr, const char *name) {
  for (int k = 0; k < tr->n; k++)
    if (!strcmp(tr->t[k].name, name)) return &tr->t[k];
  return NULL;
}

ey_rc ey_act_decode(const ey_act_trace *tr, const ey_act_tensor *t, int16_t *v, ey_err *err) {
  uint64_t n = (uint64_t)t->shape[0] * t->shape[1] * t->shape[2] * t->shape[3];
  ey_err why;
  if (ey_rlc_decode(t->words, t->nwords, v, n, &why))
    return ey_err_set(err, EY_SYNTAX, "%s: tensor %s: %s", tr->path, t->name, why.msg);
  return EY_OK;
}
