/* actrace.h - activation-trace files: the RLC-coded activations of a network's
 * layers, as the chip stores them in DRAM. The file is a gzip stream (a plain,
 * uncompressed one reads too) of:
 *
 *   eyesim activation trace v1\n
 *   tensor NAME N C H W WORD_BITS WORDS\n   then WORDS 64-bit RLC words, little endian
 *   ...                                      (one block per tensor, e.g. conv2.ifmap)
 *   end\n
 *
 * The RLC word is traces/rlc.h's. The writer streams into a FILE* that the caller
 * makes appear whole; the reader checks every tensor when it loads the file. */
#ifndef EY_ACTRACE_H
#define EY_ACTRACE_H

#include <stdio.h>

#include "sim/base/ey_checked.h"
#include "sim/base/ey_nameset.h"
#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EY_ACT_MAGIC "eyesim activation trace v1"
#define EY_ACT_NAME_MAX 128

typedef struct ey_act_tensor {
  char name[EY_ACT_NAME_MAX]; /* "conv2.ifmap" */
  int shape[4];               /* N, C, H, W */
  int word_bits;              /* 16 */
  uint64_t nwords;
  uint64_t *words; /* owned: the RLC words */
} ey_act_tensor;

typedef struct ey_act_trace {
  char path[256];
  int n;
  ey_act_tensor *t; /* owned */
  ey_nameset index; /* private: the tensors by name */
} ey_act_trace;

/* Loads and checks a trace: magic and version, each tensor's header, its words,
 * and that they decode to exactly its shape. Returns EY_OK, or EY_IO / EY_SYNTAX
 * with "FILE: offset K: expected X (got Y)" or "FILE: tensor NAME: ..." in err.
 * Every size is checked from the header before it is allocated: a tensor holds
 * at most EY_TENSOR_MAX_VALUES values, N·C·H·W / 96 to N·C·H·W / 3 words (what
 * the code can hold), and the words are read as they arrive, so the memory a
 * trace takes is bounded by the data it holds. A NAME may hold spaces, not a
 * newline. */
ey_rc ey_act_load(const char *path, ey_act_trace *tr, ey_err *err);
void ey_act_free(ey_act_trace *tr);
const ey_act_tensor *ey_act_find(const ey_act_trace *tr, const char *name);
/* Decodes a tensor into v (room for N*C*H*W values). */
ey_rc ey_act_decode(const ey_act_trace *tr, const ey_act_tensor *t, int16_t *v, ey_err *err);

typedef struct ey_act_writer ey_act_writer; /* opaque */
/* What a writer has written: tensors, their values and zeros, the RLC words. */
typedef struct ey_act_stats {
  int tensors;
  uint64_t values, zeros, words;
} ey_act_stats;
/* Starts a trace on f (gzip). Returns NULL when out of memory. */
ey_act_writer *ey_act_writer_open(FILE *f);
/* Codes and appends one tensor. Returns EY_OK or EY_NOMEM / EY_IO, or EY_MISUSE
 * for what the reader would refuse: a name empty, of EY_ACT_NAME_MAX bytes or
 * more, or with a newline; a dimension below 1 or more than EY_TENSOR_MAX_VALUES
 * values. After a write error (EY_IO, errno set to its cause, e.g. ENOSPC) the
 * writer writes nothing more. */
ey_rc ey_act_writer_add(ey_act_writer *w, const char *name, const int shape[4], const int16_t *v);
/* The tensors added so far (those that returned EY_OK). */
void ey_act_writer_stats(const ey_act_writer *w, ey_act_stats *s);
/* Ends the trace and flushes the gzip stream into f (the caller still flushes
 * and closes f); frees w. EY_IO, with errno set to its cause, when a write
 * failed. */
ey_rc ey_act_writer_close(ey_act_writer *w);

#ifdef __cplusplus
}
#endif
#endif /* EY_ACTRACE_H */
