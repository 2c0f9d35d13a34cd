/* actrace.c - reading and writing activation traces (zlib). */
#include "traces/actrace.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sim/base/ey_checked.h"
#include "traces/rlc.h"

/* ---------------------------------------------------------------- writer */

struct ey_act_writer {
  FILE *f;
  z_stream z;
  int failed;
  int errnum; /* errno of the first failure */
  ey_act_stats stats;
  unsigned char out[1 << 16];
};

/* Records the first failure of w and its errno (EIO when there is none). */
static void fail(ey_act_writer *w, int e) {
  if (!w->failed) w->errnum = e ? e : EIO;
  w->failed = 1;
}

static void deflate_some(ey_act_writer *w, const void *p, size_t n, int flush) {
  const unsigned char *in = p;
  if (w->failed) return; /* nothing more is written after a failure */
  /* avail_in is 32 bits: a large tensor goes in in parts */
  do {
    size_t part = n < (1u << 30) ? n : (1u << 30);
    int fl = part == n ? flush : Z_NO_FLUSH;
    w->z.next_in = (Bytef *)(uintptr_t)in;
    w->z.avail_in = (uInt)part;
    do {
      w->z.next_out = w->out;
      w->z.avail_out = sizeof w->out;
      if (deflate(&w->z, fl) == Z_STREAM_ERROR) fail(w, EIO);
      size_t have = sizeof w->out - w->z.avail_out;
      if (have && !w->failed) {
        errno = 0;
        if (fwrite(w->out, 1, have, w->f) != have || ferror(w->f)) fail(w, errno);
      }
    } while (w->z.avail_out == 0);
    in += part;
    n -= part;
  } while (n > 0);
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

/* Values of a tensor of `shape`, or UINT64_MAX when that does not fit 64 bits. */
static uint64_t shape_values(const int shape[4]) {
  for (int k = 0; k < 4; k++)
    if (shape[k] < 1) return UINT64_MAX;
  const uint64_t f[4] = {(uint64_t)shape[0], (uint64_t)shape[1], (uint64_t)shape[2],
                         (uint64_t)shape[3]};
  return ey_mul_n(f, 4);
}

ey_rc ey_act_writer_add(ey_act_writer *w, const char *name, const int shape[4], const int16_t *v) {
  /* Only what the reader takes back: a name of one line, a shape it accepts. */
  size_t nlen = strlen(name);
  if (!nlen || nlen >= EY_ACT_NAME_MAX || strchr(name, '\n')) return EY_MISUSE;
  uint64_t n = shape_values(shape);
  if (n > EY_TENSOR_MAX_VALUES) return EY_MISUSE;
  uint64_t nw = ey_rlc_words(v, n);
  uint64_t *words = malloc(ey_alloc_size(nw, sizeof *words));
  unsigned char *le = malloc(ey_alloc_size(nw, 8));
  if (!words || !le) {
    free(words);
    free(le);
    return EY_NOMEM;
  }
  ey_rlc_encode(v, n, words);
  uint64_t zeros = 0;
  for (uint64_t i = 0; i < n; i++) zeros += v[i] == 0;
  for (uint64_t i = 0; i < nw; i++)
    for (int b = 0; b < 8; b++) le[i * 8 + (uint64_t)b] = (unsigned char)(words[i] >> (8 * b));
  char line[EY_ACT_NAME_MAX + 96];
  int len = snprintf(line, sizeof line, "tensor %s %d %d %d %d 16 %" PRIu64 "\n", name, shape[0],
                     shape[1], shape[2], shape[3], nw);
  deflate_some(w, line, (size_t)len, Z_NO_FLUSH);
  deflate_some(w, le, 8 * (size_t)nw, Z_NO_FLUSH);
  free(words);
  free(le);
  if (w->failed) {
    errno = w->errnum;
    return EY_IO;
  }
  w->stats.tensors++;
  w->stats.values += n;
  w->stats.zeros += zeros;
  w->stats.words += nw;
  return EY_OK;
}

void ey_act_writer_stats(const ey_act_writer *w, ey_act_stats *s) {
  *s = w->stats;
}

ey_rc ey_act_writer_close(ey_act_writer *w) {
  deflate_some(w, "end\n", 4, Z_FINISH);
  int failed = w->failed, e = w->errnum;
  deflateEnd(&w->z);
  free(w);
  if (failed) errno = e;
  return failed ? EY_IO : EY_OK;
}

/* ---------------------------------------------------------------- reader */

/* The zlib message for a failed read, or "the file is truncated". */
static const char *gz_why(gzFile g) {
  int code;
  const char *m = gzerror(g, &code);
  return code == Z_OK || code == Z_BUF_ERROR ? "the file is truncated" : m;
}

/* The decimal number s[0..len), digits only, into *out. Returns 0, or -1. */
static int parse_u64(const char *s, size_t len, uint64_t *out) {
  if (!len || len > 20) return -1;
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    uint64_t d = (uint64_t)(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return -1;
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

/* "tensor NAME N C H W BITS WORDS" into name and num[6]. The numbers are taken
 * from the end, so that a name may hold spaces. Returns 0, or -1. */
static int parse_header(const char *line, char name[EY_ACT_NAME_MAX], uint64_t num[6]) {
  if (strncmp(line, "tensor ", 7)) return -1;
  const char *start = line + 7, *end = line + strlen(line);
  for (int k = 5; k >= 0; k--) {
    const char *sp = end;
    while (sp > start && sp[-1] != ' ') sp--;
    if (sp == start || parse_u64(sp, (size_t)(end - sp), &num[k])) return -1;
    end = sp - 1; /* the space before the number */
  }
  size_t len = (size_t)(end - start);
  if (len < 1 || len >= EY_ACT_NAME_MAX) return -1;
  memcpy(name, start, len);
  name[len] = '\0';
  return 0;
}

static const char *tensor_name(const void *ctx, int i) {
  return ((const ey_act_trace *)ctx)->t[i].name;
}

/* Reads nw little-endian words into t->words, growing the buffer as the data
 * arrives, so that a header cannot make the reader allocate more than the file
 * holds. Returns EY_OK, or an error naming the tensor. */
static ey_rc read_words(gzFile g, const char *path, ey_act_tensor *t, uint64_t nw, ey_err *err) {
  enum { CHUNK = 1 << 16 }; /* words per read */
  unsigned char *le = malloc(8 * (size_t)CHUNK);
  if (!le) return ey_err_set(err, EY_NOMEM, "%s: tensor %s: out of memory", path, t->name);
  uint64_t cap = 0, got = 0;
  ey_rc rc = EY_OK;
  while (got < nw) {
    uint64_t want = nw - got < CHUNK ? nw - got : CHUNK;
    if (got + want > cap) {
      uint64_t ncap = cap ? 2 * cap : CHUNK;
      if (ncap > nw) ncap = nw;
      uint64_t *nwd = realloc(t->words, ey_alloc_size(ncap, sizeof *nwd));
      if (!nwd) {
        rc = ey_err_set(err, EY_NOMEM, "%s: tensor %s: out of memory for %" PRIu64 " words", path,
                        t->name, ncap);
        break;
      }
      t->words = nwd;
      cap = ncap;
    }
    int n = gzread(g, le, (unsigned)(8 * want));
    if (n < 0 || (uint64_t)n < 8 * want) {
      rc = ey_err_set(err, EY_SYNTAX,
                      "%s: tensor %s: expected %" PRIu64 " words (got %" PRIu64 ": %s)", path,
                      t->name, nw, got + (n < 0 ? 0 : (uint64_t)n / 8), gz_why(g));
      break;
    }
    for (uint64_t i = 0; i < want; i++) {
      uint64_t v = 0;
      for (int b = 7; b >= 0; b--) v = v << 8 | le[i * 8 + (uint64_t)b];
      t->words[got + i] = v;
    }
    got += want;
  }
  free(le);
  return rc;
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
      if (cap > INT_MAX / 2)
        return ey_err_set(err, EY_SYNTAX, "%s: offset %ld: expected at most %d tensors", path, off,
                          cap);
      cap = cap ? 2 * cap : 16;
      ey_act_tensor *nt = realloc(tr->t, sizeof *nt * (size_t)cap);
      if (!nt) return ey_err_set(err, EY_NOMEM, "%s: out of memory", path);
      tr->t = nt;
    }
    ey_act_tensor *t = &tr->t[tr->n];
    memset(t, 0, sizeof *t);
    char name[EY_ACT_NAME_MAX];
    uint64_t num[6]; /* N C H W BITS WORDS */
    if (parse_header(line, name, num) || num[0] < 1 || num[1] < 1 || num[2] < 1 || num[3] < 1 ||
        num[0] > INT_MAX || num[1] > INT_MAX || num[2] > INT_MAX || num[3] > INT_MAX || num[5] < 1)
      return ey_err_set(err, EY_SYNTAX,
                        "%s: offset %ld: expected 'tensor NAME N C H W BITS WORDS' (got '%.60s')",
                        path, off, line);
    if (num[4] != 16)
      return ey_err_set(err, EY_SYNTAX, "%s: tensor %s: word_bits: expected 16 (got %" PRIu64 ")",
                        path, name, num[4]);
    for (int k = 0; k < 4; k++) t->shape[k] = (int)num[k];
    /* Every size is checked from the header before anything is allocated: the
     * shape's product, the limit of one tensor, and the words it may take. */
    uint64_t n = shape_values(t->shape), nw = num[5];
    if (n > EY_TENSOR_MAX_VALUES) {
      char values[32];
      if (n == UINT64_MAX)
        snprintf(values, sizeof values, "more than 2^64");
      else
        snprintf(values, sizeof values, "%" PRIu64, n);
      return ey_err_set(err, EY_SYNTAX,
                        "%s: tensor %s: shape (%d, %d, %d, %d): expected at most %" PRIu64
                        " values (got %s)",
                        path, name, t->shape[0], t->shape[1], t->shape[2], t->shape[3],
                        (uint64_t)EY_TENSOR_MAX_VALUES, values);
    }
    uint64_t wmin = (n + EY_RLC_MAX_VALUES_PER_WORD - 1) / EY_RLC_MAX_VALUES_PER_WORD,
             wmax = (n + 2) / 3;
    if (nw < wmin || nw > wmax)
      return ey_err_set(err, EY_SYNTAX,
                        "%s: tensor %s: expected %" PRIu64 " to %" PRIu64
                        " RLC words for its %" PRIu64 " values (got %" PRIu64 ")",
                        path, name, wmin, wmax, n, nw);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->word_bits = (int)num[4];
    t->nwords = nw;
    tr->n++;
    ey_rc rc = read_words(g, path, t, nw, err);
    if (rc) return rc;
    /* Every tensor must decode to exactly its shape. */
    ey_err why;
    rc = ey_rlc_decode(t->words, t->nwords, NULL, n, &why);
    if (rc) return ey_err_set(err, rc, "%s: tensor %s: %s", path, name, why.msg);
    int first = ey_nameset_add(&tr->index, tr->n - 1, tensor_name, tr);
    if (first == -2) return ey_err_set(err, EY_NOMEM, "%s: out of memory", path);
    if (first >= 0)
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
  ey_nameset_free(&tr->index);
  tr->t = NULL;
  tr->n = 0;
}

const ey_act_tensor *ey_act_find(const ey_act_trace *tr, const char *name) {
  int k = ey_nameset_find(&tr->index, name, tensor_name, tr);
  return k >= 0 ? &tr->t[k] : NULL;
}

ey_rc ey_act_decode(const ey_act_trace *tr, const ey_act_tensor *t, int16_t *v, ey_err *err) {
  uint64_t n = shape_values(t->shape);
  if (n > EY_TENSOR_MAX_VALUES)
    return ey_err_set(err, EY_SYNTAX, "%s: tensor %s: expected at most %" PRIu64 " values",
                      tr->path, t->name, (uint64_t)EY_TENSOR_MAX_VALUES);
  ey_err why;
  if (ey_rlc_decode(t->words, t->nwords, v, n, &why))
    return ey_err_set(err, EY_SYNTAX, "%s: tensor %s: %s", tr->path, t->name, why.msg);
  return EY_OK;
}
