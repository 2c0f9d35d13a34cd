/* vcdfile.c - the waveform of a run: scopes and signals from the architecture,
 * then the values that change, frame by frame. */
#include "traces/vcdfile.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/base/outfile.h"
#include "traces/vcd.h"

enum { PE_SIGNALS = 4, BANK_SIGNALS = 2, CHIP_SIGNALS = 9 };

struct ey_vcd_file {
  ey_outfile f;
  ey_vcd *v;
  const char *patterns; /* NULL: every signal */
  uint32_t core_mhz;
  int npe, banks, mac_state;
  int *pe;             /* per PE: state, mac, ifmap_words, psum_words */
  int *bank;           /* per bank: reads, writes */
  int h[CHIP_SIGNALS]; /* ifmap valid/ready/cast, filter busy, psum gin/local/gon,
                          dram busy/in flight */
};

static int wanted(const ey_vcd_file *w, const char *name) {
  if (!w->patterns) return 1;
  for (const char *p = w->patterns; *p;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    char pat[128];
    snprintf(pat, sizeof pat, "%.*s", (int)len, p);
    if (!fnmatch(pat, name, 0)) return 1;
    p += len + (comma ? 1 : 0);
  }
  return 0;
}

/* Declares the variables of one scope (a prefix and leaf names with widths),
 * leaving out the scope when no variable is wanted; out[k] = -1 for those left
 * out. */
static void scope(ey_vcd_file *w, const char *prefix, const char *name, int n,
                  const char *const *leaf, const int *width, int *out) {
  char full[160];
  int any = 0;
  for (int k = 0; k < n; k++) {
    snprintf(full, sizeof full, "%s.%s", prefix, leaf[k]);
    out[k] = -1;
    any |= wanted(w, full);
  }
  if (!any) return;
  ey_vcd_scope(w->v, name);
  for (int k = 0; k < n; k++) {
    snprintf(full, sizeof full, "%s.%s", prefix, leaf[k]);
    if (wanted(w, full)) out[k] = ey_vcd_var(w->v, width[k], leaf[k]);
  }
  ey_vcd_upscope(w->v);
}

static void declare_array(ey_vcd_file *w, int cols) {
  static const char *const leaf[PE_SIGNALS] = {"state", "mac", "ifmap_words", "psum_words"};
  static const int width[PE_SIGNALS] = {3, 1, 16, 16};
  ey_vcd_scope(w->v, "array");
  for (int x = 0; x < w->npe; x++) {
    char prefix[64], name[40];
    snprintf(name, sizeof name, "pe_r%d_c%d", x / cols, x % cols);
    snprintf(prefix, sizeof prefix, "top.array.%s", name);
    scope(w, prefix, name, PE_SIGNALS, leaf, width, w->pe + PE_SIGNALS * x);
  }
  ey_vcd_upscope(w->v);
}

static void declare_noc(ey_vcd_file *w) {
  static const char *const if_leaf[] = {"valid", "ready", "cast"}, *const f_leaf[] = {"busy"},
                           *const ps_leaf[] = {"gin_words", "local_words", "gon_words"};
  static const int if_w[] = {1, 8, 16}, f_w[] = {1}, ps_w[] = {8, 16, 8};
  ey_vcd_scope(w->v, "noc");
  scope(w, "top.noc.ifmap", "ifmap", 3, if_leaf, if_w, w->h);
  scope(w, "top.noc.filter", "filter", 1, f_leaf, f_w, w->h + 3);
  scope(w, "top.noc.psum", "psum", 3, ps_leaf, ps_w, w->h + 4);
  ey_vcd_upscope(w->v);
}

static void declare_glb(ey_vcd_file *w) {
  static const char *const leaf[BANK_SIGNALS] = {"reads", "writes"};
  static const int width[BANK_SIGNALS] = {8, 8};
  ey_vcd_scope(w->v, "glb");
  for (int b = 0; b < w->banks; b++) {
    char prefix[64], name[32];
    snprintf(name, sizeof name, "bank_%d", b);
    snprintf(prefix, sizeof prefix, "top.glb.%s", name);
    scope(w, prefix, name, BANK_SIGNALS, leaf, width, w->bank + BANK_SIGNALS * b);
  }
  ey_vcd_upscope(w->v);
}

static void declare_dram(ey_vcd_file *w) {
  static const char *const leaf[] = {"busy", "bytes_in_flight"};
  static const int width[] = {1, 32};
  scope(w, "top.dram", "dram", 2, leaf, width, w->h + 7);
}

static void discard(ey_vcd_file *w) {
  if (w->v) ey_vcd_close(w->v);
  ey_outfile_abort(&w->f);
  free(w->pe);
  free(w->bank);
  free(w);
}

ey_rc ey_vcd_begin(const char *path, const ey_arch *a, const char *patterns, int mac_state,
                   ey_vcd_file **out, ey_err *err) {
  *out = NULL;
  ey_vcd_file *w = calloc(1, sizeof *w);
  if (!w) return ey_err_set(err, EY_NOMEM, "%s: out of memory", path);
  if (ey_outfile_open(&w->f, path, err)) {
    free(w);
    return EY_IO;
  }
  w->v = ey_vcd_open(w->f.f);
  w->patterns = patterns;
  w->core_mhz = (uint32_t)a->core_mhz;
  w->npe = a->rows * a->cols;
  w->banks = a->glb_banks;
  w->mac_state = mac_state;
  w->pe = malloc(sizeof *w->pe * PE_SIGNALS * (size_t)w->npe);
  w->bank = malloc(sizeof *w->bank * BANK_SIGNALS * (size_t)w->banks);
  if (!w->v || !w->pe || !w->bank) {
    discard(w);
    return ey_err_set(err, EY_NOMEM, "%s: out of memory", path);
  }
  ey_vcd_scope(w->v, "top");
  declare_array(w, a->cols);
  declare_noc(w);
  declare_glb(w);
  declare_dram(w);
  ey_vcd_upscope(w->v);
  ey_vcd_enddefs(w->v);
  *out = w;
  return EY_OK;
}

void ey_vcd_sample(ey_vcd_file *w, const ey_vcd_frame *fr) {
  uint64_t ps = fr->cycle * 1000000u / w->core_mhz;
  for (int x = 0; x < w->npe; x++) {
    const int *h = w->pe + PE_SIGNALS * x;
    ey_vcd_set(w->v, ps, h[0], fr->pe_state[x]);
    ey_vcd_set(w->v, ps, h[1], fr->pe_state[x] == w->mac_state);
    ey_vcd_set(w->v, ps, h[2], fr->ifmap_words[x]);
    ey_vcd_set(w->v, ps, h[3], fr->psum_words[x]);
  }
  const uint64_t v[CHIP_SIGNALS] = {
      (uint64_t)fr->ifmap_valid, (uint64_t)fr->ifmap_sent, (uint64_t)fr->ifmap_cast,
      (uint64_t)fr->filter_busy, (uint64_t)fr->psum_in,    (uint64_t)fr->psum_local,
      (uint64_t)fr->psum_out,    (uint64_t)fr->dram_busy,  fr->dram_bytes_in_flight};
  for (int k = 0; k < CHIP_SIGNALS; k++) ey_vcd_set(w->v, ps, w->h[k], v[k]);
  for (int b = 0; b < w->banks; b++) {
    ey_vcd_set(w->v, ps, w->bank[BANK_SIGNALS * b], fr->bank_reads[b]);
    ey_vcd_set(w->v, ps, w->bank[BANK_SIGNALS * b + 1], fr->bank_writes[b]);
  }
}

ey_rc ey_vcd_end(ey_vcd_file *w, int keep, ey_err *err) {
  ey_rc rc = EY_OK;
  if (ey_vcd_close(w->v)) {
    const int e = errno ? errno : EIO;
    keep = 0;
    rc = ey_err_set(err, EY_IO, "%s: write failed (%s)", w->f.path, strerror(e));
  }
  w->v = NULL;
  if (keep) rc = ey_outfile_commit(&w->f, err);
  discard(w);
  return rc;
}

void ey_vcd_unlink(ey_vcd_file *w) {
  if (w->f.tmp[0]) unlink(w->f.tmp);
}
