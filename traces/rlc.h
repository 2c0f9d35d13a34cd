/* rlc.h - the Eyeriss run-length code for activations (Chen et al., "Eyeriss: An
 * Energy-Efficient Reconfigurable Accelerator for Deep Convolutional Neural
 * Networks", ISSCC 2016 and IEEE JSSC 2017; docs/traces.md). A 64-bit word holds
 * three (run, level) pairs and a term bit:
 *
 *   bits  0-4  run0    5-20 level0   21-25 run1   26-41 level1
 *   bits 42-46 run2   47-62 level2   63    term (last word of a tensor)
 *
 * A pair is `run` zeros (0-31) followed by the value `level`. A run of more than 31
 * zeros is written as run 31 with level 0 (32 zeros), and continued. Unused pairs of
 * the last word are (0, 0); the decoder knows the tensor's length and stops there.
 * Example: 0,0,12,0,0,0,0,53,0,0,22 is one word [2|12][4|53][2|22][term]. */
#ifndef EY_RLC_H
#define EY_RLC_H

#include "sim/base/ey_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EY_RLC_RUN_MAX 31             /* 5-bit run */
#define EY_RLC_MAX_VALUES_PER_WORD 96 /* three pairs of 31 zeros and a value */

/* The (run, level) pairs that code n values on their own: a zero run ends with
 * them (trailing zeros are flushed as (k, 0) pairs). 0 when n is 0, else at
 * least 1. Values coded one after another take their pairs' sum, three to a
 * word, whatever their boundaries (dram.rlc_layout stream, docs/traces.md). */
uint64_t ey_rlc_pairs(const int16_t *v, uint64_t n);
/* Words needed to code n values (a pass over the data, no output). */
uint64_t ey_rlc_words(const int16_t *v, uint64_t n);
/* Codes n values into out (room for ey_rlc_words(v, n) words); returns the words
 * written. An empty tensor is one word, (0, 0) pairs with the term bit. */
uint64_t ey_rlc_encode(const int16_t *v, uint64_t n, uint64_t *out);
/* Decodes exactly n values from `words` words into v (room for n values; NULL
 * checks the stream without writing it). Returns EY_OK, or EY_SYNTAX with a
 * message naming the word index: a run that overflows the tensor, a term bit
 * missing from the last word or set before it, words left after the tensor, data
 * in the unused pairs of the last word, or too few words. A word codes 1 to 96
 * values (three pairs of up to 32), so n values take ceil(n/96) to ceil(n/3)
 * words (EY_RLC_MAX_VALUES_PER_WORD). */
ey_rc ey_rlc_decode(const uint64_t *in, uint64_t words, int16_t *v, uint64_t n, ey_err *err);

/* The most words n values can take, ceil(n/3) (at least 1): the room a coded
 * row needs wherever it may be stored. */
uint64_t ey_rlc_words_max(uint64_t n);
/* The words of the coded tensor that starts at `in`, up to the first with the
 * term bit, looking at `max` words at most; 0 when none of them has it. */
uint64_t ey_rlc_stream_words(const uint64_t *in, uint64_t max);

/* One word from three pairs (runs 0-31) and a term bit, and the fields of one. */
uint64_t ey_rlc_pack(const int run[3], const int16_t level[3], int term);
void ey_rlc_unpack(uint64_t w, int run[3], int16_t level[3], int *term);

#ifdef __cplusplus
}
#endif
#endif /* EY_RLC_H */
