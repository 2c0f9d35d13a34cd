/* pe.c - the PE's scratchpads and MAC sequencer. */
#include "pe/pe.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

ey_rc ey_pe_init(ey_pe *pe, int filt_words, int ifm_words, int fifo_words, int psum_words,
                 int pin_words) {
  memset(pe, 0, sizeof *pe);
  assert(pin_words >= 1 && pin_words <= EY_PE_PIN_MAX);
  pe->pin_depth = pin_words;
  pe->filt_words = filt_words;
  pe->ifm_words = ifm_words;
  pe->fifo_words = fifo_words;
  pe->psum_words = psum_words;
  pe->filt = calloc((size_t)filt_words, sizeof *pe->filt);
  pe->ifm = calloc((size_t)(ifm_words + fifo_words), sizeof *pe->ifm);
  pe->pend = calloc((size_t)psum_words, sizeof *pe->pend);
  pe->pend_at = calloc((size_t)psum_words, sizeof *pe->pend_at);
  pe->acc = calloc((size_t)psum_words, sizeof *pe->acc);
  if (!pe->filt || !pe->ifm || !pe->pend || !pe->pend_at || !pe->acc) {
    ey_pe_fini(pe);
    return EY_NOMEM;
  }
  return EY_OK;
}

void ey_pe_fini(ey_pe *pe) {
  free(pe->filt);
  free(pe->ifm);
  free(pe->pend);
  free(pe->pend_at);
  free(pe->acc);
  pe->filt = pe->ifm = NULL;
  pe->pend = pe->acc = NULL;
  pe->pend_at = NULL;
}

void ey_pe_program(ey_pe *pe, const ey_pe_prog *prog) {
  assert(prog->p * prog->q * prog->S <= pe->filt_words);
  assert(prog->q * prog->S <= pe->ifm_words);
  assert(prog->p <= pe->psum_words);
  pe->prog = *prog;
  pe->cap = prog->q * prog->S + pe->fifo_words;
  pe->arrived = pe->retired = 0;
  pe->im = pe->f = 0;
  pe->run_left = pe->mac_idx = 0;
  pe->pend_head = pe->pend_n = 0;
  pe->cols_done = 0;
  pe->inc = 0;
  pe->pin_head = pe->pin_n = pe->pin_popped = pe->pin_pushed = 0;
}

void ey_pe_load_filter(ey_pe *pe, int i, ey_word v) {
  assert(i >= 0 && i < pe->filt_words);
  pe->filt[i] = v;
  pe->stats.spad_writes[EY_FILTER]++;
}

void ey_pe_put_ifmap(ey_pe *pe, ey_word v) {
  assert(ey_pe_ifmap_room(pe) > 0);
  pe->ifm[ey_pe_ifmap_slot(pe)] = v;
  pe->inc++;
  pe->stats.spad_writes[EY_IFMAP]++;
}

int ey_pe_commit(ey_pe *pe) {
  int r = pe->pin_popped ? EY_PE_POPPED : 0;
  if (pe->inc) {
    pe->arrived += (uint64_t)pe->inc;
    pe->inc = 0;
    r |= 1;
  }
  if (pe->pin_pushed) {
    pe->pin_v[(pe->pin_head + pe->pin_n) % EY_PE_PIN_MAX] = pe->pin_pushv;
    pe->pin_n++;
    pe->pin_pushed = 0;
    r |= 1;
  }
  pe->pin_popped = 0;
  return r;
}

/* Words of image im that come before needed-column index x (all q channels). */
static uint64_t seq(const ey_pe *pe, int im, int x) {
  const ey_pe_prog *g = &pe->prog;
  return ((uint64_t)im * (uint64_t)g->wneed + (uint64_t)x) * (uint64_t)g->q;
}

int ey_pe_window_ready(const ey_pe *pe) {
  int last = pe->f * pe->prog.astep + pe->prog.S; /* one past the window */
  return pe->arrived >= seq(pe, pe->im, last);
}

/* The MACs of cycle k of the running column: channel, weight, filter order, up
 * to simd filters a cycle on the same ifmap value. */
static inline void do_mac(ey_pe *pe, int k) {
  const ey_pe_prog *g = &pe->prog;
  const int groups = (g->p + g->simd - 1) / g->simd;
  const int pg = k % groups, s = (k / groups) % g->S, c = k / (groups * g->S);
  uint64_t at = seq(pe, pe->im, pe->f * g->astep + s) + (uint64_t)c;
  ey_word v = pe->ifm[at % (uint64_t)pe->cap];
  for (int pp = pg * g->simd; pp < g->p && pp < (pg + 1) * g->simd; pp++) {
    pe->stats.macs++;
    pe->stats.spad_reads[EY_IFMAP]++; /* counted per MAC, as the dense PE's */
    if (v == 0 && g->zero_gating) {
      pe->stats.macs_gated++;
      continue;
    }
    ey_word w = pe->filt[(c * g->S + s) * g->p + pp];
    pe->stats.spad_reads[EY_FILTER]++;
    pe->stats.spad_reads[EY_PSUM]++;
    pe->stats.spad_writes[EY_PSUM]++;
    pe->acc[pp] += ey_mac_addend(v, w, g->product_shift);
  }
}

void ey_pe_count_macs(ey_pe *pe, uint64_t columns, uint64_t zeros) {
  const ey_pe_prog *g = &pe->prog;
  const uint64_t macs = columns * (uint64_t)g->q * (uint64_t)g->S * (uint64_t)g->p;
  const uint64_t gated = g->zero_gating ? zeros * (uint64_t)g->p : 0, done = macs - gated;
  pe->stats.macs += macs;
  pe->stats.macs_gated += gated;
  pe->stats.spad_reads[EY_IFMAP] += macs;
  pe->stats.spad_reads[EY_FILTER] += done;
  pe->stats.spad_reads[EY_PSUM] += done;
  pe->stats.spad_writes[EY_PSUM] += done;
}

/* All MACs of the running column at once (fast stepping): the same operations
 * and counts as q*S*p calls of do_mac(), in a loop the compiler can vectorize. */
static void do_column(ey_pe *pe) {
  const ey_pe_prog *g = &pe->prog;
  const int p = g->p, S = g->S, q = g->q;
  uint32_t *acc = pe->acc;
  const int k = g->product_shift;
  uint64_t zeros = 0;
  for (int c = 0; c < q; c++)
    for (int s = 0; s < S; s++) {
      uint64_t at = seq(pe, pe->im, pe->f * g->astep + s) + (uint64_t)c;
      int32_t v = pe->ifm[at % (uint64_t)pe->cap];
      if (v == 0) {
        zeros++;
        if (g->zero_gating) continue;
      }
      const ey_word *w = pe->filt + (c * S + s) * p;
      if (k == 0)
        for (int pp = 0; pp < p; pp++) acc[pp] += (uint32_t)(v * (int32_t)w[pp]);
      else
        for (int pp = 0; pp < p; pp++) acc[pp] += ey_mac_addend(v, w[pp], k);
    }
  ey_pe_count_macs(pe, 1, zeros);
}

void ey_pe_start_column(ey_pe *pe, int batch) {
  const ey_pe_prog *g = &pe->prog;
  assert(pe->run_left == 0 && ey_pe_window_ready(pe) && ey_pe_spad_room(pe));
  memset(pe->acc, 0, sizeof *pe->acc * (size_t)g->p);
  pe->run_left = ey_pe_column_cycles(g);
  pe->mac_idx = 0;
  if (batch) do_column(pe);
}

int ey_pe_mac(ey_pe *pe, int batch, ey_cycle now) {
  assert(pe->run_left > 0);
  if (!batch) do_mac(pe, pe->mac_idx++);
  if (--pe->run_left) return 0;
  /* The column ends: its psums wait in the spad to be forwarded. */
  const ey_pe_prog *g = &pe->prog;
  for (int pp = 0; pp < g->p; pp++) {
    int at = (pe->pend_head + pe->pend_n) % pe->psum_words;
    pe->pend[at] = pe->acc[pp];
    /* Issued in cycle now, summed `latency` cycles later, forwardable the next. */
    pe->pend_at[at] = now + (ey_cycle)g->latency;
    pe->pend_n++;
  }
  pe->cols_done++;
  if (++pe->f == g->F) {
    pe->f = 0;
    pe->im++;
  }
  /* Values left of the next column's window are no longer needed: their slots
   * take new words from the next cycle on. */
  pe->retired = seq(pe, pe->im, pe->f * g->astep);
  return 1;
}

void ey_pe_pend_pop(ey_pe *pe) {
  assert(pe->pend_n > 0);
  pe->pend_head = (pe->pend_head + 1) % pe->psum_words;
  pe->pend_n--;
  pe->stats.spad_reads[EY_PSUM]++;
}

int ey_pe_tick(ey_pe *pe, ey_cycle now, int batch, int out_ok, uint32_t *out) {
  int r = 0;
  int stuck = 0; /* why the oldest psum could not move: a class */
  if (pe->pend_n && !ey_pe_pend_ready(pe, now)) {
    stuck = EY_CL_WAIT_PSUM; /* still in the MAC pipeline */
  } else if (pe->pend_n) {
    const int in_ok = ey_pe_psum_in_ready(pe);
    if (in_ok && out_ok) {
      uint32_t v = ey_pe_pend_front(pe);
      ey_pe_pend_pop(pe);
      if (pe->prog.has_in) {
        v += pe->pin_v[pe->pin_head];
        pe->pin_head = (pe->pin_head + 1) % EY_PE_PIN_MAX;
        pe->pin_n--;
        pe->pin_popped = 1;
        r |= EY_PE_POPPED;
      }
      *out = v;
      r |= EY_PE_FWD;
    } else {
      stuck = in_ok ? EY_CL_BLOCKED_OUT : EY_CL_WAIT_PSUM;
    }
  }
  int cls;
  if (pe->run_left) {
    if (ey_pe_mac(pe, batch, now)) r |= EY_PE_ENDED;
    cls = EY_CL_MAC;
  } else if (pe->cols_done < ey_pe_columns(pe)) {
    if (!ey_pe_window_ready(pe)) {
      cls = EY_CL_WAIT_IFMAP;
    } else if (!ey_pe_spad_room(pe)) {
      cls = stuck ? stuck : EY_CL_WAIT_PSUM;
    } else {
      ey_pe_start_column(pe, batch);
      r |= EY_PE_STARTED;
      if (ey_pe_mac(pe, batch, now)) r |= EY_PE_ENDED;
      cls = EY_CL_MAC;
    }
  } else if (pe->pend_n) {
    cls = stuck ? stuck : EY_CL_WAIT_PSUM;
  } else {
    cls = EY_CL_IDLE;
  }
  return r | cls;
}

ey_cycle ey_pe_next_event(const ey_pe *pe, ey_cycle now) {
  ey_cycle next = EY_CYCLE_NEVER;
  if (pe->run_left) next = now + (ey_cycle)pe->run_left; /* the column's last cycle */
  if (pe->pend_n && ey_pe_pend_at(pe) > now && ey_pe_pend_at(pe) < next) next = ey_pe_pend_at(pe);
  return next;
}
