/* engine.c - the cycle-level engine: the loop nest of docs/mapping.md executed with
 * real data through pe/, noc/, glb/ and dram/, one core cycle at a time inside a
 * pass. Timing rules (docs/engine.md):
 *
 *  - Every port is registered: what a component sends in cycle t is seen in t+1.
 *    Each cycle first decides from the state at its start (FIFO fill levels are
 *    snapshotted), then commits deliveries, so the order in which PEs are visited
 *    cannot change a result.
 *  - The ifmap GIN multicasts one word per packet to every PE whose (row, col) IDs
 *    match its tag, only when all of them have room; words go in the order
 *    image, column, channel, row, so that each PE sees its own in the order it
 *    uses them.
 *  - Psums run up a chain of r*R PEs per output row: the first PE of a chain takes
 *    the psum of earlier channel blocks from the GLB on the psum GIN, every PE adds
 *    its own, the last sends the sum to the GLB on the GON.
 *  - DRAM transfers are in order at the link bandwidth; the next ifmap tile is
 *    fetched while the current one is in use when the GLB has room for two, the
 *    next filter block once the current one is in the spads when the staging
 *    region holds one.
 *
 * Fast stepping differs from exact stepping in two ways only, neither visible
 * outside a PE: a PE does a column's MACs when the column starts and then counts
 * its cycles down, and a cycle in which nothing but such countdowns happens is
 * repeated in bulk up to the next column end. */
#include "sim/engine/engine.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dram/dram.h"
#include "glb/glb.h"
#include "noc/noc.h"
#include "pe/pe.h"
#include "sim/engine/data.h"
#include "traces/rlc.h"

const char *const ey_class_names[EY_NCLASSES] = {
    "mac", "wait_ifmap", "wait_filter", "wait_psum", "blocked_out", "load", "idle"};

typedef struct ey_engine eng;

typedef struct tile { /* one ifmap tile: the channels of a block, rows of a GLB tile */
  int g, i0, na, f0, ma, o0, ta, c0, ca;
  int ga;         /* channel groups g..g+ga-1 side by side (mapping g), ca channels and ma
                     filters of each */
  int tc, tm;     /* the tile's channels ga*ca and filters ga*ma: channel c is channel
                     c0 + c % ca of group g + c / ca, filter mf likewise */
  uint64_t req;   /* its DRAM read's id (the last, when split); 0 until submitted */
  uint64_t req_a; /* ring: the read of its first rows_a rows, made while the tile
                     before was in use; 0 if none */
  int rows_a;     /* ... how many rows that read brings (0: none came early) */
  int buf;
  int nrows; /* real ifmap rows it holds (set when submitted) */
} tile;

typedef struct pass { /* the running pass: what pass_cycles() keeps between steps */
  const tile *t;
  int fp, os;                /* its filter block and first output row */
  int ng;                    /* PE groups of one channel group: slot ti is PE group
                                ti % ng of channel group ti / ng */
  int nr;                    /* the strip's padded ifmap rows (E->srows) */
  int s_im, s_xi, s_c, s_yi; /* the ifmap stream's position: image, needed column,
                                channel, row */
  uint64_t sent, stream_len; /* ifmap packets sent, and in all */
  int ndone;                 /* active PEs done with their share */
  ey_cycle start;            /* the cycle it began */
  uint64_t cl[EY_NCLASSES];  /* PE-cycles by class so far */
} pass;

/* Pass replay. Inside a pass, every decision (a column's start, a forward, a
 * grant, a packet, a bank's port) depends on counts and positions, never on a
 * value: zero gating saves energy, not cycles, and RLC coding acts at the DRAM,
 * outside passes. A pass's cycles and counters are therefore a function of its
 * signature: the tile's shape, whether it is the first channel block, the
 * filter block's size, the output rows, the place in the tile buffer (or
 * padding) of each ifmap row the pass uses relative to its first, and where the
 * pass's ifmap words and psums fall among the GLB's banks relative to each other.
 * A pass elsewhere in the layer with the same signature moves the same counts in
 * the same cycles, every address shifted alike: its bank counts are the record's,
 * rotated by the shift of its first psum's bank (not rotated with glb.bank_map
 * clustered, whose banks follow the routers and PEs). Fast stepping simulates
 * the first pass of each signature, records what it moved, and replays later
 * ones: their arithmetic is done by the PEs directly (ey_pe_compute) and their
 * counters are added from the record. */
#define SIG_FIXED 10 /* ints in a signature before its rows */
#define RP_MAX 256   /* records kept per layer */

typedef struct rp_counts { /* what a pass moves besides its arithmetic */
  uint64_t cycles;
  uint64_t cl[EY_NCLASSES];
  ey_noc_stats inoc;
  ey_chain_stats ch;
  uint64_t glb_reads[EY_NTYPES], glb_writes[EY_NTYPES], glb_conflicts;
  ey_pe_stats pe; /* summed over the array; the columns' MAC-side counts left out */
  uint64_t *bank; /* [2][banks * 3]: words read, then written, by bank and type */
} rp_counts;

typedef struct rp_entry {
  int *sig, nsig; /* the signature */
  int shift;      /* the bank of the pass's first psum */
  rp_counts d;
} rp_entry;

struct ey_engine {
  const ey_arch *a;
  const ey_layer *l;
  const ey_mapping *m;
  const ey_engine_opts *o;
  ey_meas ms;                 /* what has been measured so far */
  int rows, cols, npe, batch; /* batch: fast stepping */
  ey_geom g;                  /* the layer, per group */
  int Hp;                     /* padded input height */
  int k, ecol, Hg;            /* placement: segments per set, set width, groups across */
  int *xcol;                  /* needed column index -> padded x */
  ey_pe *pe;
  ey_noc inoc, fnoc; /* the ifmap and filter networks (noc.impl) */
  ey_chains ch;      /* the psum chains: vertical links, psum GIN, GON */
  ey_glb glb;
  ey_dram dram;
  ey_tensors T;
  uint64_t *rlc_at;        /* dram.rlc: where each ifmap row [N][C][H] starts in the coded
                              tensor, in pairs (row r is pairs rlc_at[r] to rlc_at[r + 1]);
                              with dram.rlc_layout row, every row takes whole words */
  const int16_t *ifmap_in; /* replayed activations, or NULL */
  uint32_t *raw;           /* [N][M][E][F] final psums */
  int16_t *out;            /* [N][M][E][F] outputs */
  uint64_t *pout;          /* per psum word of the GLB tile: the DRAM write that takes
                              its output out (0: none), which a pass overwriting it waits for */
  uint64_t last_write;     /* the layer's last ofmap write (0: none yet) */
  int *rowmap[2];          /* per ifmap buffer: padded row -> local row, or -1 */
  ey_cycle now;
  ey_cycle writes_done;
  /* per-pass scratch, per physical PE */
  int *act, nact;
  unsigned char *granted, *cls;
  int *glist, ngl;   /* the tops granted the GON this cycle */
  int ndirty;        /* entries of dirty[] */
  int *room;         /* ifmap slots free, per PE, from the start of the cycle */
  uint64_t *gin_seq; /* psums the psum GIN brought to a chain's first PE */
  uint64_t *gon_seq; /* psums a chain's last PE sent on the GON (a one-PE chain
                        has both) */
  int *chain_pos;
  int *grp, *lcol; /* the PE's group and logical column in this pass */
  int *dirty;      /* PEs with a delivery or FIFO change to commit */
  unsigned char *is_dirty, *is_done;
  /* Fast stepping visits only the PEs that can change. A PE whose next cycles
   * repeat its last one sleeps: it is not visited, and each cycle it sleeps is
   * counted in its class when it wakes. A PE mid-column sleeps until the
   * column's last cycle (a timed wake, on the wheel); a PE that waits for an
   * ifmap word, a psum from below or room above is woken by that event. */
  int *awake, nawake;           /* the active PEs to visit this cycle */
  unsigned char *asleep;        /* per PE: 1 while asleep */
  unsigned char *on_event;      /* ... woken by a delivery, a push or a pop above */
  unsigned char *sleep_cls;     /* ... the class of every cycle it sleeps */
  ey_cycle *sleep_from;         /* ... the first cycle it was not visited */
  ey_cycle *sleep_until;        /* ... its timed wake (a running column), or 0 */
  int *wheel;                   /* timed sleepers by wake cycle mod wheel_size: list heads */
  int *wheel_next, *wheel_prev; /* ... and links, per PE */
  int wheel_size, nsleep;       /* a power of two above the longest column; timed sleepers */
  /* Waveform sampling (exact stepping only). */
  uint64_t *gated_seen; /* per PE: gated MACs already reported (access detail) */
  int sampling;
  int fast_after; /* 1: fast stepping once the window is behind */
  ey_sample smp;
  unsigned char *s_cls, *s_mask; /* per PE: class; busy in a wait or load */
  uint32_t *s_ifw, *s_psw;
  uint8_t *s_br, *s_bw; /* per bank this cycle */
  uint64_t *fl_req;     /* DRAM transfers in flight: request id */
  uint64_t *fl_bytes, fl_n, fl_cap;
  int *targets; /* scratch for ey_noc_match */
  int *cset;    /* per channel of the pass's tile: its channel set (pass_begin) */
  /* hierarchical-mesh (docs/mesh.md): the ifmap streams of the pass, one per
   * ifmap router that sends (band b, router p is stream b * routers + p). */
  int mesh; /* noc.impl is hierarchical-mesh */
  struct mstream {
    int group;     /* its source on the ifmap mesh */
    int off, len;  /* its (channel, row) packets of one column: pl_c/pl_yi[off..] */
    int im, xi, k; /* its position: image, needed column, packet of the column */
    int bank;      /* glb.bank_map clustered: the GLB bank its router reads; else -1 */
    uint64_t sent, total;
  } * st;
  int nst;
  int *pl_c, *pl_yi;         /* the streams' packets of a column, stream after stream */
  int *slot_st;              /* per (channel set, row) slot: its stream */
  int *pset, *prow;          /* per active PE: its channel set and padded ifmap row */
  int *yidx;                 /* per padded row: its index in srows, this pass */
  int *band;                 /* per channel set: its region (ey_mesh_ifmap_regions) */
  int *bfirst, *bidx;        /* per region: its first cluster; slots given so far */
  int *bwork;                /* scratch of ey_mesh_ifmap_regions */
  uint64_t mlinks[3];        /* words x links crossed: ifmap east-west, north-south, filter */
  uint64_t *mrw[2], *mlw[2]; /* words per router and per link (ey_hmesh_add_words) over the
                                layer, of the ifmap [0] and weight [1] meshes */
  int nmr[2];                /* routers of each */
  uint8_t *s_irw, *s_wrb;    /* waveform: per ifmap router words sent this cycle; per weight
                                router loading */
  ey_cycle *wload_end;       /* per weight router: its load's last cycle + 1 */
  int *wsrc;                 /* scratch: weight sources of a PE row */
  int *wsrc_group;           /* ... and each one's router (its source group) */
  /* Words on their way through more than one router: an ifmap word sent in
   * cycle t to a PE `lat` cycles away is put in its FIFO at the end of cycle
   * t + lat - 1 (seen in t + lat), its slot reserved from t on (inflight). */
  int *lat;         /* per active PE: cycles from its source, this pass */
  int *pbank;       /* glb.bank_map clustered: per PE, its column's psum bank (psum_bank);
                       NULL otherwise */
  int *inflight;    /* per PE: words reserved and not yet put */
  struct arrivals { /* per cycle mod lat_size: the words put at its end */
    int *pe, n, cap;
    ey_word *v;
  } * arr;
  int lat_size;     /* a power of two above the longest latency */
  uint64_t npend;   /* words on their way */
  uint64_t *wwords; /* scratch: words per weight source of a PE row */
  int *wlat;        /* scratch: the latency of its farthest PE */
  int *tg, *tg_off; /* ifmap targets per (set, row), packed: each active PE is in one */
  int *tg_xbus;     /* multicast-bus: the X buses a slot's packets enter (0 on the mesh) */
  int *srows;       /* the strip's padded ifmap rows */
  /* The schedule's position (advance()). */
  int state;          /* ST_* */
  tile *tiles;        /* every tile load of the layer, in loop-nest order */
  int ntiles, ti;     /* ... and the current one */
  uint64_t ring_next; /* the GLB ifmap ring: where the next tile's buffer starts */
  struct reqshape {   /* per DRAM request (id - 1): what it moves */
    int ti;           /* its tile */
    int fp, pa;       /* a filter read's or an ofmap write's block (first filter, filters);
                         an ifmap read's first row and rows */
    int os, ea;       /* an ofmap write's first output row and rows */
  } * rq;
  uint64_t nrq, rq_cap;
  int fp, pa, os;         /* the filter block (first filter, filters) and pass */
  int busy;               /* PEs the current block uses, for the wait classes */
  ey_cycle load_end;      /* the filter load's end */
  uint64_t filt_req;      /* the DRAM read of the block's filters */
  ey_cycle filt_submit;   /* ... made in this cycle (glb.filter_path direct) */
  ey_cycle dram_lat_core; /* dram.latency_cycles in core cycles, rounded up */
  int wlat_max;           /* the last filter load's farthest PE, in cycles from its source */
  int filt_prefetched;    /* ... made while the block before ran */
  int filter_prefetch;    /* the staging region holds a block (ey_filter_prefetch) */
  int in_pass;            /* ps holds a pass begun and not finished */
  pass ps;
  int blocked;            /* the last step stopped for a memory completion */
  ey_cycle quiet;         /* no completion not yet given comes before (ey_engine_quiet_until) */
  int replay;             /* pass replay on: fast stepping, no waveform, no access observer */
  rp_entry *rp;           /* the records, by signature */
  int nrp;                /* ... in use */
  rp_counts snap;         /* the counters at the start of the pass being recorded */
  int recording;          /* the pass in flight is being recorded (into rp[nrp]) */
  const rp_entry *rp_hit; /* replay_check: the record the pass must equal */
  int rp_rot;             /* ... with its bank counts rotated by as many banks */
  rp_counts rs;           /* what replayed passes added to the components' counters */
  int *sig;               /* scratch: the signature of the pass being begun */
  int16_t *rrow;          /* scratch: a padded ifmap row */
  uint32_t *racc;         /* scratch: a pass's psums of one output row, [pa][F] */
  uint64_t *rzeros;       /* per PE: zeros in its windows this pass */
  uint64_t psum_wraps;    /* outputs whose psum wrapped at psum_bits */
  uint32_t *use;          /* per padded x: windows that hold it */
  uint64_t use_total;     /* ... summed: window values of an ifmap row */
  uint64_t use_pad;       /* ... over the padding alone */
  ey_rc rc;               /* a failure ends the layer: every later step returns it */
  ey_err err;             /* ... with this message */
  int finished;           /* the layer's results are final (stats collected, checked) */
};

/* The physical PE of group ti, set ri, filter row i, logical column j. */
static int place(const eng *E, int ti, int ri, int i, int j) {
  int v = ti / E->Hg, h = ti % E->Hg, kk = j / E->ecol, jj = j % E->ecol;
  int row = v * (E->k * E->m->r * E->g.R) + kk * (E->m->r * E->g.R) + ri * E->g.R + i;
  return row * E->cols + h * E->ecol + jj;
}

/* glb.bank_map clustered: the bank each GLB cluster gives ifmap router `group`
 * (ey_hmesh_source: cluster * routers + plane), and the psum bank of PE x's column
 * in its cluster. A cluster's banks are its ifmap banks, then its psum banks.
 * Computed once, per stream (mesh_route) and per PE (setup). */
static int ifmap_bank(const eng *E, int group) {
  const ey_arch *a = E->a;
  const int per = a->mesh_ifmap_routers + a->mesh_cluster_cols;
  return group / a->mesh_ifmap_routers * per + group % a->mesh_ifmap_routers;
}
static int psum_bank(const eng *E, int x) {
  const ey_arch *a = E->a;
  const int per = a->mesh_ifmap_routers + a->mesh_cluster_cols,
            ncx = E->cols / a->mesh_cluster_cols;
  const int row = x / E->cols, col = x % E->cols;
  const int cluster = row / a->mesh_cluster_rows * ncx + col / a->mesh_cluster_cols;
  return cluster * per + a->mesh_ifmap_routers + col % a->mesh_cluster_cols;
}

/* Takes a GLB port for element `at` of `region`: on its address's banks, or with
 * glb.bank_map clustered (bank >= 0) on `bank`, a bank `width` elements wide.
 * Returns 1 when granted, 0 when the bank is busy this cycle. */
static int glb_take(eng *E, int bank, int region, size_t at, int type, int is_write, int width) {
  const int span = region == EY_GLB_R_PSUM ? E->glb.psum_words_each : 1;
  return bank >= 0 ? ey_glb_try_bank(&E->glb, bank, span, type, is_write, width)
                   : ey_glb_try(&E->glb, region, at, type, is_write);
}

/* Remembers a DRAM transfer for the bytes-in-flight signal. */
static void in_flight(eng *E, uint64_t req, uint64_t bits) {
  if (!E->sampling) return;
  if (E->fl_n == E->fl_cap) {
    uint64_t cap = E->fl_cap ? 2 * E->fl_cap : 64;
    uint64_t *d = realloc(E->fl_req, sizeof *d * cap);
    uint64_t *b = d ? realloc(E->fl_bytes, sizeof *b * cap) : NULL;
    if (d) E->fl_req = d;
    if (!b) return; /* a waveform detail lost, never a result */
    E->fl_bytes = b;
    E->fl_cap = cap;
  }
  E->fl_req[E->fl_n] = req;
  E->fl_bytes[E->fl_n++] = (bits + 7) / 8;
}

/* Counts an array-side GLB access for the per-bank signals: at its address, or
 * with glb.bank_map clustered on `bank` (>= 0), which takes all its words. */
static void bank_note(eng *E, uint64_t addr, int span, int is_write, int bank) {
  if (!E->sampling) return;
  for (int k = 0; k < span; k++) {
    const uint64_t b = bank >= 0 ? (uint64_t)bank : (addr + (uint64_t)k) % (uint64_t)E->glb.banks;
    uint8_t *c = (is_write ? E->s_bw : E->s_br) + b;
    if (*c < 255) (*c)++;
  }
}

/* Hands the cycle just run to the sampler, then clears the per-cycle counts. */
static void emit_sample(eng *E) {
  ey_cycle c = E->o->cycle_base + E->now;
  if (c >= E->o->sample_from && c < E->o->sample_until) {
    ey_sample *s = &E->smp;
    s->cycle = c;
    s->dram_busy = E->dram.ops->busy(&E->dram, E->now);
    uint64_t bytes = 0, keep = 0;
    for (uint64_t i = 0; i < E->fl_n; i++) /* an external memory's completion may come later */
      if (ey_dram_done_at(&E->dram, E->fl_req[i]) > E->now) {
        bytes += E->fl_bytes[i];
        E->fl_req[keep] = E->fl_req[i];
        E->fl_bytes[keep++] = E->fl_bytes[i];
      }
    E->fl_n = keep;
    s->dram_bytes_in_flight = bytes;
    E->o->sample(E->o->sample_ctx, s);
  }
  memset(E->s_br, 0, (size_t)E->glb.banks);
  memset(E->s_bw, 0, (size_t)E->glb.banks);
  if (E->s_irw) memset(E->s_irw, 0, (size_t)E->nmr[0]);
  E->smp.ifmap_sent = E->smp.ifmap_cast = E->smp.psum_in = E->smp.psum_local = E->smp.psum_out = 0;
}

/* Tells the access observer, if any. */
static void observe(const eng *E, int unit, int op, int type, uint64_t addr, uint64_t words) {
  if (E->o->access) E->o->access(E->o->access_ctx, E->l, E->now, unit, op, type, addr, words, -1);
}

/* The same for spad and NoC accesses, when the observer asked for them. */
static void observe_detail(const eng *E, int unit, int op, int type, uint64_t addr, uint64_t words,
                           int pe) {
  if (E->o->access && E->o->access_detail)
    E->o->access(E->o->access_ctx, E->l, E->now, unit, op, type, addr, words, pe);
}

/* A column ended at PE x this cycle: its MAC-side spad accesses, in one row each. */
/* hierarchical-mesh: the access observer's name for the router a NoC packet to
 * PE `pe` left from, cluster column | cluster row << 10 | router << 20 (engine.h);
 * -1 on the bus. */
static int router_code(const eng *E, const ey_noc *n, int pe) {
  const int s = E->mesh ? ey_hmesh_pe_source(n, pe) : -1;
  if (s < 0) return -1;
  const int planes = n->mesh.planes, cl = s / planes, ncx = E->cols / n->mesh.cluster_cols;
  return cl % ncx | (cl / ncx) << 10 | (s % planes) << 20;
}

static void observe_column(eng *E, int x) {
  if (!E->o->access || !E->o->access_detail) return;
  const ey_pe *pe = &E->pe[x];
  uint64_t macs = (uint64_t)pe->prog.q * (uint64_t)pe->prog.S * (uint64_t)pe->prog.p;
  uint64_t done = macs - (pe->stats.macs_gated - E->gated_seen[x]);
  E->gated_seen[x] = pe->stats.macs_gated;
  uint64_t col = pe->cols_done - 1;
  observe_detail(E, EY_ACC_SPAD, EY_OP_READ, EY_IFMAP, col, macs, x);
  observe_detail(E, EY_ACC_SPAD, EY_OP_READ, EY_FILTER, col, done, x);
  observe_detail(E, EY_ACC_SPAD, EY_OP_READ, EY_PSUM, col, done, x);
  observe_detail(E, EY_ACC_SPAD, EY_OP_WRITE, EY_PSUM, col, done, x);
}

/* Adds `cycles` to the classes: `busy` PEs as `cls`, the rest idle. When a
 * waveform is being sampled, the cycles are walked one by one. */
static void wait_cycles(eng *E, uint64_t cycles, int busy, int cls) {
  if (!cycles) return;
  if (E->sampling) {
    /* The PEs marked in s_mask take the class; the array is otherwise still. */
    for (int x = 0; x < E->npe; x++) {
      E->s_cls[x] = busy && E->s_mask[x] ? (unsigned char)cls : EY_CL_IDLE;
      E->s_ifw[x] = E->s_psw[x] = 0;
    }
    E->smp.ifmap_valid = 0;
    E->smp.filter_busy = cls == EY_CL_LOAD;
    for (uint64_t c = 0; c < cycles; c++) {
      E->ms.classes[cls] += (uint64_t)busy;
      E->ms.classes[EY_CL_IDLE] += (uint64_t)(E->npe - busy);
      if (E->s_wrb) /* each weight router until its own words are in */
        for (int r = 0; r < E->nmr[1]; r++)
          E->s_wrb[r] = cls == EY_CL_LOAD && E->now < E->wload_end[r];
      emit_sample(E);
      E->now++;
    }
    E->smp.filter_busy = 0;
    if (E->s_wrb) memset(E->s_wrb, 0, (size_t)E->nmr[1]);
    return;
  }
  /* Nothing changes in these cycles (the array waits or loads), so both
   * steppings add them at once. */
  E->ms.classes[cls] += cycles * (uint64_t)busy;
  E->ms.classes[EY_CL_IDLE] += cycles * (uint64_t)(E->npe - busy);
  E->now += cycles;
}

/* ------------------------------------------------------------------ tiles */

/* 1 when padded row y is a real (unpadded) ifmap row that tile t needs. */
static int row_used(const eng *E, const tile *t, int y) {
  int used = 0;
  for (int o = t->o0; o < t->o0 + t->ta && !used; o++)
    used = y >= o * E->g.U && y < o * E->g.U + E->g.R;
  return used && y >= E->g.P && y < E->g.P + E->g.H;
}

/* The real ifmap rows that tile t needs, in padded coordinates: map[y] is the
 * row's place in the tile, or -1 (map may be NULL). Returns how many. */
static int tile_rows(const eng *E, const tile *t, int *map) {
  int rows = 0;
  for (int y = 0; y < E->Hp; y++) {
    const int used = row_used(E, t, y);
    if (map) map[y] = used ? rows : -1;
    rows += used;
  }
  return rows;
}

/* Tile t's ifmap row of image im, channel c (of t->tc) and padded row y (a real row), as an
 * index of the layer's [N][C][H] rows; times W, its first element. */
static size_t in_row(const eng *E, const tile *t, int im, int c, int y) {
  return ((size_t)(t->i0 + im) * (size_t)E->l->C + (size_t)(t->g + c / t->ca) * (size_t)E->g.Cg +
          (size_t)(t->c0 + c % t->ca)) *
             (size_t)E->g.H +
         (size_t)(y - E->g.P);
}

/* Tile t's ofmap row of image im, filter mf (of t->tm) and output row ol, as an index of the
 * layer's [N][M][E] rows; times F, its first element. */
static size_t out_row(const eng *E, const tile *t, int im, int mf, int ol) {
  return ((size_t)(t->i0 + im) * (size_t)E->l->M + (size_t)(t->g + mf / t->ma) * (size_t)E->g.Mg +
          (size_t)(t->f0 + mf % t->ma)) *
             (size_t)E->g.E +
         (size_t)(t->o0 + ol);
}

/* Notes what DRAM request `id` (just made, for tile t) moves, for
 * ey_engine_request_runs(). Returns 0, or -1 when out of memory. */
static int note_request(eng *E, uint64_t id, const tile *t, int fp, int pa, int os, int ea) {
  if (!id) return -1;
  if (id > E->rq_cap) {
    uint64_t cap = E->rq_cap ? 2 * E->rq_cap : 64;
    while (cap < id) cap *= 2;
    struct reqshape *r = realloc(E->rq, sizeof *r * cap);
    if (!r) return -1;
    E->rq = r;
    E->rq_cap = cap;
  }
  E->rq[id - 1] = (struct reqshape){(int)(t - E->tiles), fp, pa, os, ea};
  if (id > E->nrq) E->nrq = id;
  return 0;
}

/* Fills buffer `buf` with tile t's ifmap rows ([image][channel][row][x]; the
 * data is used only once the reads that bring it have completed). In the ring
 * (ey_glb_set_ring) the buffer starts where the tile before ended. */
static void tile_fill(eng *E, tile *t, int buf) {
  int *map = E->rowmap[buf];
  const int nrows = tile_rows(E, t, map);
  t->nrows = nrows;
  t->buf = buf;
  int16_t *dst = ey_glb_ifmap_buffer(&E->glb, buf);
  for (int im = 0; im < t->na; im++)
    for (int c = 0; c < t->tc; c++)
      for (int y = 0; y < E->Hp; y++) {
        if (map[y] < 0) continue;
        const int16_t *src = E->T.ifmap + in_row(E, t, im, c, y) * (size_t)E->g.W;
        memcpy(dst + (((size_t)im * t->tc + c) * nrows + map[y]) * E->g.W, src,
               sizeof *src * (size_t)E->g.W);
      }
  if (E->glb.ring) { /* the next starts on the next multiple of the banks (every
                        tile on bank 0: the same bank offsets for pass replay) */
    ey_glb_set_start(&E->glb, buf, E->ring_next);
    E->ring_next =
        (E->ring_next + ey_ring_span(E->a, (uint64_t)t->na * t->tc * nrows * E->g.W)) % E->glb.ring;
  }
}

/* The bits a transfer of the coded pairs [a, b) (a < b) moves: every 64-bit word
 * they touch, three pairs a word. */
static uint64_t rlc_span_bits(uint64_t a, uint64_t b) {
  return 64 * ((b - 1) / 3 - a / 3 + 1);
}

/* Submits the DRAM read of rows [k0, k1) of tile t (filled into its buffer;
 * row k is buffer words k*W on, in [image][channel][row] order) and returns its
 * id, or 0 when out of memory. */
static uint64_t tile_read(eng *E, const tile *t, int k0, int k1) {
  const int *map = E->rowmap[t->buf];
  const uint64_t W = (uint64_t)E->g.W, words = (uint64_t)(k1 - k0) * W;
  const uint64_t first = (uint64_t)k0 * W;
  ey_glb_bulk(&E->glb, t->buf, first, words, EY_IFMAP, 1);
  const uint64_t at = ey_glb_addr(&E->glb, t->buf, first);
  if (E->glb.ring && at + words > E->glb.ring) { /* the write wraps: two spans */
    observe(E, EY_ACC_GLB, 1, EY_IFMAP, at, E->glb.ring - at);
    observe(E, EY_ACC_GLB, 1, EY_IFMAP, 0, at + words - E->glb.ring);
  } else {
    observe(E, EY_ACC_GLB, 1, EY_IFMAP, at, words);
  }
  uint64_t bits = words * (uint64_t)E->a->word_bits, addr = 0;
  int k = 0;
  size_t ra = 0, rb = 0; /* coded: the run of rows adjacent in DRAM being read */
  if (E->rlc_at) bits = 0;
  for (int im = 0; im < t->na; im++)
    for (int c = 0; c < t->tc; c++)
      for (int y = 0; y < E->Hp; y++) {
        if (map[y] < 0) continue;
        const size_t r = in_row(E, t, im, c, y);
        if (k == k0) addr = (uint64_t)r * W;
        if (E->rlc_at && k >= k0 && k < k1) {
          if (rb > ra && r != rb) bits += rlc_span_bits(E->rlc_at[ra], E->rlc_at[rb]);
          if (rb == ra || r != rb) ra = r;
          rb = r + 1;
        }
        k++;
      }
  if (rb > ra) bits += rlc_span_bits(E->rlc_at[ra], E->rlc_at[rb]);
  const uint64_t id = ey_dram_request(&E->dram, E->now, addr, words, bits, EY_IFMAP, 0);
  if (note_request(E, id, t, k0, k1 - k0, 0, 0)) return 0;
  in_flight(E, id, bits);
  observe(E, EY_ACC_DRAM, 0, EY_IFMAP, addr, words);
  return id;
}

/* Rows of tile t: images x channels x real rows. */
static int tile_nrows(const tile *t) {
  return t->na * t->tc * t->nrows;
}

/* Tile t's ifmap into buffer `buf`, all of it read at once. Returns 0, or -1
 * when out of memory. */
static int tile_submit(eng *E, tile *t, int buf) {
  tile_fill(E, t, buf);
  return (t->req = tile_read(E, t, 0, tile_nrows(t))) ? 0 : -1;
}

/* The next tile's prefetch, while tile `cur` is in use: the whole tile when the
 * GLB holds two; in the ring, the rows that fit beside `cur` (the rest once cur
 * is done, in ST_TILE). Returns 0, or -1 when out of memory. */
static int tile_prefetch(eng *E, const tile *cur, tile *t, int buf) {
  if (!E->glb.ring) return tile_submit(E, t, buf);
  const uint64_t used = ey_ring_span(E->a, (uint64_t)tile_nrows(cur) * (uint64_t)E->g.W);
  const int rows = t->na * t->tc * tile_rows(E, t, NULL);
  const int fit = (int)EY_MIN((E->glb.ring - used) / (uint64_t)E->g.W, (uint64_t)rows);
  if (!fit) return 0; /* it all comes once cur is done */
  tile_fill(E, t, buf);
  t->rows_a = fit;
  if (!(t->req_a = tile_read(E, t, 0, fit))) return -1;
  if (fit == tile_nrows(t)) t->req = t->req_a;
  return 0;
}

/* ------------------------------------------------------------------ filters */

/* Marks in s_mask the PEs that pass block (pa filters) of tile t uses, for the
 * waveform during waits and loads; returns how many (the classes' `busy`). */
static int mark_block(eng *E, const tile *t, int pa) {
  const ey_mapping *m = E->m;
  const int ng = EY_CEIL_DIV(pa, m->p) * t->ga, ns = EY_CEIL_DIV(t->ca, m->q),
            cols = EY_MIN(m->e, t->ta);
  if (E->sampling) {
    memset(E->s_mask, 0, (size_t)E->npe);
    for (int ti = 0; ti < ng; ti++)
      for (int ri = 0; ri < ns; ri++)
        for (int i = 0; i < E->g.R; i++)
          for (int j = 0; j < cols; j++) E->s_mask[place(E, ti, ri, i, j)] = 1;
  }
  return ng * ns * E->g.R * cols;
}

/* hierarchical-mesh: routes the weights of pass block pa of tile t and returns
 * the cycles their load takes. A PE row's sets share a weight router where
 * their columns share a cluster (ey_mesh_weight_sources); the router sits in
 * the first cluster of its sets and multicasts along the row, and the routers
 * of all rows load at once, each at noc.filter_words_per_cycle, its last word
 * reaching its farthest PE noc.mesh.hop_cycles per router later. A filter word
 * is read once and handed to every router that needs it in the same cycle. */
static uint64_t mesh_route_weights(eng *E, const tile *t, int pa) {
  const ey_mapping *m = E->m;
  const ey_arch *a = E->a;
  const int ngg = EY_CEIL_DIV(pa, m->p), ng = ngg * t->ga, ns = EY_CEIL_DIV(t->ca, m->q);
  const int cols_used = EY_MIN(m->e, t->ta), cr = a->mesh_cluster_rows;
  uint64_t cycles = 0;
  for (int v = 0; v <= (ng - 1) / E->Hg; v++) {
    const int nh = EY_MIN(E->Hg, ng - v * E->Hg);
    for (int kk = 0; kk * E->ecol < cols_used; kk++) {
      const int w = EY_MIN(E->ecol, cols_used - kk * E->ecol);
      const int nsrc = ey_mesh_weight_sources(a, nh, E->ecol, w, E->wsrc);
      for (int ri = 0; ri < ns; ri++) {
        const int qc = EY_MIN(m->q, t->ca - ri * m->q);
        for (int i = 0; i < E->g.R; i++) {
          const int row = place(E, v * E->Hg, ri, i, kk * E->ecol) / E->cols;
          for (int sidx = 0; sidx < nsrc; sidx++) E->wwords[sidx] = 0, E->wlat[sidx] = 1;
          int h0 = 0, group = 0; /* the running source's first set, and its router */
          for (int h = 0; h < nh; h++) {
            const int ti = v * E->Hg + h, sidx = E->wsrc[h];
            if (h == 0 || E->wsrc[h - 1] != sidx) { /* a new source, in its first set's cluster */
              h0 = h;
              group =
                  ey_hmesh_source(&E->fnoc, h * E->ecol / a->mesh_cluster_cols, row / cr, row % cr);
              E->wsrc_group[sidx] = group;
            }
            E->wwords[sidx] += (uint64_t)EY_MIN(m->p, pa - ti % ngg * m->p) * (uint64_t)qc * E->g.S;
            for (int jj = 0; jj < w; jj++) {
              const int x = place(E, ti, ri, i, kk * E->ecol + jj);
              int ok = ey_noc_assign(&E->fnoc, x, (uint16_t)group, (uint16_t)(h - h0));
              assert(ok == 0); /* sources own disjoint runs of clusters */
              (void)ok;
              E->wlat[sidx] = EY_MAX(E->wlat[sidx], ey_hmesh_latency(&E->fnoc, (uint16_t)group, x));
              E->wlat_max = EY_MAX(E->wlat_max, E->wlat[sidx]);
            }
            if (h + 1 == nh ||
                E->wsrc[h + 1] != sidx) /* its last set: its words crossed its tree */
            {
              E->mlinks[2] += E->wwords[sidx] * (uint64_t)ey_hmesh_add_words(
                                                    &E->fnoc, (uint16_t)group, E->wwords[sidx],
                                                    E->mrw[1], E->mlw[1], NULL);
            }
          }
          for (int sidx = 0; sidx < nsrc; sidx++) {
            /* Its words at its width, the last arriving its farthest PE's latency
             * after it left (one cycle: the bus's registered port). */
            const uint64_t c =
                (E->wwords[sidx] + (uint64_t)a->noc_filter_wpc - 1) / (uint64_t)a->noc_filter_wpc +
                (uint64_t)E->wlat[sidx] - 1;
            if (c > cycles) cycles = c;
            if (E->wload_end) /* the waveform: the source router of run sidx */
              E->wload_end[E->wsrc_group[sidx]] = E->now + c;
          }
        }
      }
    }
  }
  return cycles;
}

/* Loads the filters of pass block (fp, pa) of tile t into the spads, every word
 * multicast by tag to the columns of its set that compute a row of the tile, and
 * returns the cycles that takes at the filter GIN's width. */
static uint64_t load_filters(eng *E, const tile *t, int fp, int pa) {
  const ey_mapping *m = E->m;
  const int ngg = EY_CEIL_DIV(pa, m->p), ng = ngg * t->ga, ns = EY_CEIL_DIV(t->ca, m->q);
  const int cols_used = EY_MIN(m->e, t->ta);
  ey_noc_clear(&E->fnoc);
  if (E->wload_end) memset(E->wload_end, 0, sizeof *E->wload_end * (size_t)E->nmr[1]);
  const uint64_t mesh_cycles = E->mesh ? mesh_route_weights(E, t, pa) : 0;
  for (int ti = 0; ti < ng && !E->mesh; ti++)
    for (int ri = 0; ri < ns; ri++)
      for (int i = 0; i < E->g.R; i++)
        for (int j = 0; j < cols_used; j++) {
          /* Filter-network assignment: the group names (vertical slot, set, filter
           * row), the same for a whole PE row; the tag the horizontal slot of the
           * group. */
          int ok = ey_noc_assign(&E->fnoc, place(E, ti, ri, i, j),
                                 (uint16_t)((ti / E->Hg) * m->r * E->g.R + ri * E->g.R + i),
                                 (uint16_t)(ti % E->Hg));
          assert(ok == 0);
          (void)ok;
        }
  uint64_t words = 0;
  for (int ti = 0; ti < ng; ti++) {
    const int pf = EY_MIN(m->p, pa - ti % ngg * m->p);
    for (int ri = 0; ri < ns; ri++) {
      const int qc = EY_MIN(m->q, t->ca - ri * m->q);
      for (int i = 0; i < E->g.R; i++) {
        int n = 0, xbus = 0;
        if (E->mesh) /* the PEs of the set's filter row, in PE order */
          for (int j = 0; j < cols_used; j++) E->targets[n++] = place(E, ti, ri, i, j);
        else {
          n = ey_noc_match(&E->fnoc, (uint16_t)((ti / E->Hg) * m->r * E->g.R + ri * E->g.R + i),
                           (uint16_t)(ti % E->Hg), E->targets);
          xbus = ey_noc_rows(&E->fnoc, E->targets, n);
        }
        for (int pp = 0; pp < pf; pp++)
          for (int c = 0; c < qc; c++)
            for (int s = 0; s < E->g.S; s++) {
              int filt = (t->g + ti / ngg) * E->g.Mg + fp + ti % ngg * m->p + pp,
                  ch = t->c0 + ri * m->q + c;
              ey_word w = E->T.weights[(((size_t)filt * E->g.Cg + ch) * E->g.R + i) * E->g.S + s];
              for (int k = 0; k < n; k++) {
                ey_pe_load_filter(&E->pe[E->targets[k]], (c * E->g.S + s) * pf + pp, w);
                observe_detail(E, EY_ACC_SPAD, EY_OP_WRITE, EY_FILTER,
                               (uint64_t)((c * E->g.S + s) * pf + pp), 1, E->targets[k]);
              }
              ey_noc_deliver(&E->fnoc, n);
              E->fnoc.stats.xbuses += (uint64_t)xbus;
              observe_detail(
                  E, EY_ACC_NOC, n > 1 ? EY_OP_MULTICAST : EY_OP_UNICAST, EY_FILTER,
                  (((uint64_t)filt * (uint64_t)E->g.Cg + (uint64_t)ch) * (uint64_t)E->g.R +
                   (uint64_t)i) *
                          (uint64_t)E->g.S +
                      (uint64_t)s,
                  (uint64_t)n, n ? router_code(E, &E->fnoc, E->targets[0]) : -1);
              words++;
            }
      }
    }
  }
  if (!E->a->filter_direct) { /* read out of the staging region */
    ey_glb_bulk(&E->glb, EY_GLB_R_FILTER, 0, words, EY_FILTER, 0);
    observe(E, EY_ACC_GLB, 0, EY_FILTER, ey_glb_addr(&E->glb, EY_GLB_R_FILTER, 0), words);
  }
  if (E->mesh) return mesh_cycles;
  return (words + (uint64_t)E->a->noc_filter_wpc - 1) / (uint64_t)E->a->noc_filter_wpc;
}

/* ------------------------------------------------------------------ a pass */

/* The psum tile's layout, [image][filter][column][output row]: the chains of one
 * group work on neighbouring output rows in the same cycle, so their psums sit in
 * neighbouring words, which interleave over the GLB's banks. */
static size_t psum_index(const eng *E, const tile *t, int im, int mf, int ol, int f) {
  return (((size_t)im * (size_t)t->tm + (size_t)mf) * (size_t)E->g.F + (size_t)f) * (size_t)t->ta +
         (size_t)ol;
}

/* The psum a chain's first PE (GIN) or last PE (GON) of slot ti moves as its
 * k-th: image, column, filter order, as the PEs finish them. */
static size_t chain_psum(const eng *E, const tile *t, int fp, int ti, int pf, int o, uint64_t k) {
  int pp = (int)(k % (uint64_t)pf), f = (int)((k / (uint64_t)pf) % (uint64_t)E->g.F);
  int im = (int)(k / ((uint64_t)pf * (uint64_t)E->g.F));
  const int ng = E->ps.ng;
  return psum_index(E, t, im, ti / ng * t->ma + fp - t->f0 + ti % ng * E->m->p + pp, o - t->o0, f);
}

/* Puts PE x to sleep after its visit in cycle `now`, in class cls, until cycle
 * `at` (its next event: a running column's last cycle, or a psum leaving the MAC
 * pipeline; at >= now + 2) or, with EY_CYCLE_NEVER, until an event; `event` lets
 * a delivery, a push or a pop above (or a GON grant) wake it earlier. */
static void pe_sleep(eng *E, int x, int cls, int event, ey_cycle at) {
  E->asleep[x] = 1;
  E->on_event[x] = (unsigned char)event;
  E->sleep_cls[x] = (unsigned char)cls;
  E->sleep_from[x] = E->now + 1;
  if (at != EY_CYCLE_NEVER) {
    assert(at >= E->now + 2 && at - E->now < (ey_cycle)E->wheel_size);
    E->sleep_until[x] = at;
    int *head = &E->wheel[at & (ey_cycle)(E->wheel_size - 1)];
    E->wheel_prev[x] = -1;
    E->wheel_next[x] = *head;
    if (*head >= 0) E->wheel_prev[*head] = x;
    *head = x;
    E->nsleep++;
  }
}

/* Wakes PE x to be visited in cycle `at`: the cycles it slept are counted in its
 * class, and a running column is counted down by as many. */
static void pe_wake(eng *E, int x, ey_cycle at) {
  const uint64_t slept = at - E->sleep_from[x];
  E->ps.cl[E->sleep_cls[x]] += slept;
  if (E->sleep_until[x]) {
    if (E->pe[x].run_left) ey_pe_skip(&E->pe[x], (int)slept);
    int nx = E->wheel_next[x], pv = E->wheel_prev[x];
    if (pv >= 0)
      E->wheel_next[pv] = nx;
    else
      E->wheel[E->sleep_until[x] & (ey_cycle)(E->wheel_size - 1)] = nx;
    if (nx >= 0) E->wheel_prev[nx] = pv;
    E->sleep_until[x] = 0;
    E->nsleep--;
  }
  E->asleep[x] = 0;
  E->awake[E->nawake++] = x;
}

/* hierarchical-mesh: routes the ifmaps of the pass being begun (its PEs in act,
 * each with its channel set and row in pset/prow, the strip's rows in srows).
 * Each band's slots (channel set, row), in order, go round robin to the ifmap
 * routers of the band's first cluster; a router multicasts each of its slots to
 * the PEs that take it, on a tree inside the band. Fills the targets of every
 * slot (tg, tg_off, in PE order) and the streams. Returns 0, or -1 when the
 * mesh cannot carry the pass (more slots than a router's tags). */
static int mesh_route(eng *E, const tile *t, int ng, int ns, int ea) {
  const ey_arch *a = E->a;
  const int nr = E->ps.nr, nsets = t->ga * ns, nslots = nsets * nr, planes = a->mesh_ifmap_routers;
  for (int yi = 0; yi < nr; yi++) E->yidx[E->srows[yi]] = yi;
  for (int s = 0; s <= nslots; s++) E->tg_off[s] = 0;
  for (int k = 0; k < E->nact; k++) {
    const int x = E->act[k];
    E->tg_off[E->pset[x] * nr + E->yidx[E->prow[x]] + 1]++;
  }
  for (int s = 0; s < nslots; s++) E->tg_off[s + 1] += E->tg_off[s];
  /* The targets in PE order: the active PEs sorted by index. */
  for (int s = 0; s < nslots; s++) E->slot_st[s] = E->tg_off[s]; /* cursors for now */
  memset(E->is_dirty, 0, (size_t)E->npe);
  for (int k = 0; k < E->nact; k++) E->is_dirty[E->act[k]] = 1;
  for (int x = 0; x < E->npe; x++)
    if (E->is_dirty[x]) E->tg[E->slot_st[E->pset[x] * nr + E->yidx[E->prow[x]]]++] = x;
  memset(E->is_dirty, 0, (size_t)E->npe);

  const int nb =
      ey_mesh_ifmap_regions(a, E->m, E->g.R, ng, ns, t->ga, ea, E->band, E->bfirst, E->bwork);
  const int ncx = a->cols / a->mesh_cluster_cols;
  E->nst = nb * planes;
  memset(E->st, 0, sizeof *E->st * (size_t)E->nst);
  ey_noc_clear(&E->inoc);
  for (int b = 0; b < nb; b++) { /* a region's routers are those of its first cluster */
    E->bidx[b] = 0;
    for (int p = 0; p < planes; p++) {
      struct mstream *st = &E->st[b * planes + p];
      st->group = ey_hmesh_source(&E->inoc, E->bfirst[b] % ncx, E->bfirst[b] / ncx, p);
      st->bank = a->glb_clustered ? ifmap_bank(E, st->group) : -1;
    }
  }
  for (int si = 0; si < nsets; si++) {
    const int b = E->band[si];
    for (int yi = 0; yi < nr; yi++) {
      const int idx = E->bidx[b]++, slot = si * nr + yi, sid = b * planes + idx % planes;
      if (idx / planes >= (int)EY_NOC_NO_ID) return -1; /* more slots than tags */
      E->slot_st[slot] = sid;
      for (int q = E->tg_off[slot]; q < E->tg_off[slot + 1]; q++) {
        /* The tag tells a router's slots apart. */
        int ok =
            ey_noc_assign(&E->inoc, E->tg[q], (uint16_t)E->st[sid].group, (uint16_t)(idx / planes));
        if (ok) return -1; /* regions hold disjoint boxes of clusters: a bug */
        E->lat[E->tg[q]] = ey_hmesh_latency(&E->inoc, (uint16_t)E->st[sid].group, E->tg[q]);
      }
    }
  }
  /* Each stream's packets of one column, in the bus's order (channel, row). */
  for (int c = 0; c < t->tc; c++)
    for (int yi = 0; yi < nr; yi++) E->st[E->slot_st[E->cset[c] * nr + yi]].len++;
  int off = 0;
  for (int s = 0; s < E->nst; s++) {
    E->st[s].off = E->st[s].k = off;
    off += E->st[s].len;
    E->st[s].total = (uint64_t)t->na * E->g.wneed * (uint64_t)E->st[s].len;
  }
  for (int c = 0; c < t->tc; c++)
    for (int yi = 0; yi < nr; yi++) {
      struct mstream *st = &E->st[E->slot_st[E->cset[c] * nr + yi]];
      E->pl_c[st->k] = c;
      E->pl_yi[st->k++] = yi;
    }
  /* The pass's words on the mesh's links: fixed by the routing, so replayed
   * passes count them too. */
  int sending = 0;
  for (int s = 0; s < E->nst; s++) {
    E->st[s].k = 0;
    if (!E->st[s].total) continue;
    sending++;
    int vert;
    const int links = ey_hmesh_add_words(&E->inoc, (uint16_t)E->st[s].group, E->st[s].total,
                                         E->mrw[0], E->mlw[0], &vert);
    E->mlinks[0] += E->st[s].total * (uint64_t)(links - vert);
    E->mlinks[1] += E->st[s].total * (uint64_t)vert;
  }
  E->ms.mesh_regions_max = EY_MAX(E->ms.mesh_regions_max, nb);
  E->ms.mesh_ifmap_streams_max = EY_MAX(E->ms.mesh_ifmap_streams_max, sending);
  return 0;
}

/* Starts pass os..os+ea-1 of filter block (fp, pa) of tile t: programs the PEs,
 * wires the chains and loads the ifmap network's IDs. pass_cycles() then runs it.
 * Returns 0, or -1 when the mesh cannot route it (mesh_route). */
static int pass_begin(eng *E, const tile *t, int fp, int pa, int os, int ea) {
  const ey_mapping *m = E->m;
  const ey_arch *a = E->a;
  pass *P = &E->ps;
  memset(P, 0, sizeof *P);
  P->t = t;
  P->fp = fp;
  P->os = os;
  const int ng = EY_CEIL_DIV(pa, m->p), ns = EY_CEIL_DIV(t->ca, m->q), chain = ns * E->g.R;
  const int first_cb = t->c0 == 0;
  P->ng = ng;
  /* The ifmap network's channel set of each of the tile's channels: set ri of
   * channel group gi is set gi * ns + ri (the packets look it up). */
  for (int c = 0; c < t->tc; c++) E->cset[c] = c / t->ca * ns + c % t->ca / m->q;

  ey_noc_clear(&E->inoc);
  ey_chains_clear(&E->ch);
  E->nact = 0;
  /* Slot ti: PE group ti % ng of channel group ti / ng (one slot per PE group
   * when the tile has one channel group). */
  for (int ti = 0; ti < ng * t->ga; ti++)
    for (int ri = 0; ri < ns; ri++)
      for (int i = 0; i < E->g.R; i++)
        for (int j = 0; j < ea; j++) {
          int x = place(E, ti, ri, i, j), pos = ri * E->g.R + i;
          ey_pe_prog pg = {t->na,
                           E->g.F,
                           EY_MIN(m->q, t->ca - ri * m->q),
                           EY_MIN(m->p, pa - ti % ng * m->p),
                           E->g.S,
                           E->g.astep,
                           E->g.wneed,
                           a->zero_gating,
                           ey_mac_latency(a),
                           pos > 0 || !first_cb,
                           a->simd,
                           a->product_shift};
          ey_pe_program(&E->pe[x], &pg);
          E->act[E->nact++] = x;
          E->chain_pos[x] = pos;
          E->grp[x] = ti;
          E->lcol[x] = j;
          ey_chains_add(
              &E->ch, x,
              pos + 1 < chain ? place(E, ti, (pos + 1) / E->g.R, (pos + 1) % E->g.R, j) : -1,
              pos == 0 && !first_cb);
          E->gin_seq[x] = E->gon_seq[x] = 0;
          int y = (os + j) * E->g.U + i;
          const int si = ti / ng * ns + ri; /* its channel set, all groups' */
          if (E->mesh) {                    /* routed once the strip's rows are known */
            E->pset[x] = si;
            E->prow[x] = y;
            continue;
          }
          /* Group: the channel set (an X bus on the bus); tag: the PE's row. */
          int ok = ey_noc_assign(&E->inoc, x, (uint16_t)si, (uint16_t)y);
          assert(ok == 0);
          (void)ok;
        }
  /* The strip's ifmap rows, and who takes each: the IDs decide. Every active PE
   * takes exactly one (set, row), so the lists pack into nact entries. */
  int nr = 0;
  for (int y = os * E->g.U; y < (os + ea - 1) * E->g.U + E->g.R; y++) {
    int used = 0;
    for (int o = os; o < os + ea && !used; o++) used = y >= o * E->g.U && y < o * E->g.U + E->g.R;
    if (used) E->srows[nr++] = y;
  }
  P->nr = nr;
  E->tg_off[0] = 0;
  if (E->mesh) {
    if (mesh_route(E, t, ng, ns, ea)) return -1;
  } else
    for (int si = 0; si < ns * t->ga; si++)
      for (int yi = 0; yi < nr; yi++) {
        int slot = si * nr + yi;
        int n = ey_noc_match(&E->inoc, (uint16_t)si, (uint16_t)E->srows[yi], E->targets);
        memcpy(E->tg + E->tg_off[slot], E->targets, sizeof *E->targets * (size_t)n);
        E->tg_off[slot + 1] = E->tg_off[slot] + n;
        E->tg_xbus[slot] = ey_noc_rows(&E->inoc, E->targets, n);
      }

  ey_chains_seal(&E->ch);
  /* Every chain's first PE fed by the GIN asks for a psum: its FIFO is empty. */
  for (int k = 0; k < E->ch.nbot; k++) ey_chains_gin_request(&E->ch, E->ch.bots[k], 1);
  for (int k = 0; k < E->nact; k++) {
    int x = E->act[k];
    E->is_done[x] = 0;
    E->is_dirty[x] = 0;
    E->sleep_until[x] = 0;
    E->asleep[x] = 0;
    E->awake[k] = x;
    E->granted[x] = 0;
  }
  E->ngl = 0;
  E->nawake = E->nact;
  E->nsleep = 0;
  /* The ifmap stream: image, needed column, channel, row. */
  P->stream_len = (uint64_t)t->na * E->g.wneed * t->tc * (uint64_t)nr;
  P->start = E->now;
  return 0;
}

/* Marks PE x as having a delivery or FIFO change to commit at the cycle's end. */
static inline void dirty(eng *E, int x) {
  if (!E->is_dirty[x]) {
    E->is_dirty[x] = 1;
    E->dirty[E->ndirty++] = x;
  }
}

/* The psum GIN's grant to chain bottom x: the next psum of earlier channel
 * blocks, when its GLB bank has a port. x asks only while it has psums to come
 * and room in its FIFO at the start of the cycle. */
static int gin_grant(void *ctx, int x) {
  eng *E = ctx;
  const pass *P = &E->ps;
  size_t at =
      chain_psum(E, P->t, P->fp, E->grp[x], E->pe[x].prog.p, P->os + E->lcol[x], E->gin_seq[x]);
  const int bank = E->pbank ? E->pbank[x] : -1;
  if (!glb_take(E, bank, EY_GLB_R_PSUM, at, EY_PSUM, 0, E->a->noc_psum_wpc))
    return 0; /* bank busy */
  const uint64_t addr = ey_glb_addr(&E->glb, EY_GLB_R_PSUM, at);
  observe(E, EY_ACC_GLB, 0, EY_PSUM, addr, 1);
  bank_note(E, addr, E->glb.psum_words_each, 0, bank);
  E->smp.psum_in++;
  E->gin_seq[x]++;
  ey_pe_psum_push(&E->pe[x], ey_glb_psum(&E->glb, at));
  ey_chains_gin_request(&E->ch, x, 0); /* asks again after its commit */
  dirty(E, x);
  observe_detail(E, EY_ACC_NOC, EY_OP_UNICAST, EY_PSUM, at, 1, -1);
  return 1;
}

/* The GON's grant to chain top x (it asks while it holds a psum): when its psum
 * has left the MAC pipeline, has what it adds, and the write's GLB bank has a
 * port. A granted top forwards this cycle; a sleeping one wakes to do so. Its
 * write is reported here, in the arbiter's order, so that traces do not depend
 * on the order of visits. */
static int gon_grant(void *ctx, int x) {
  eng *E = ctx;
  const pass *P = &E->ps;
  const ey_pe *pe = &E->pe[x];
  if (!ey_pe_pend_ready(pe, E->now) || !ey_pe_psum_in_ready(pe)) return 0;
  size_t at = chain_psum(E, P->t, P->fp, E->grp[x], pe->prog.p, P->os + E->lcol[x], E->gon_seq[x]);
  const int bank = E->pbank ? E->pbank[x] : -1;
  if (!glb_take(E, bank, EY_GLB_R_PSUM, at, EY_PSUM, 1, E->a->noc_gon_wpc))
    return 0; /* the write's port */
  E->granted[x] = 1;
  E->glist[E->ngl++] = x;
  const uint64_t addr = ey_glb_addr(&E->glb, EY_GLB_R_PSUM, at);
  observe(E, EY_ACC_GLB, 1, EY_PSUM, addr, 1);
  bank_note(E, addr, E->glb.psum_words_each, 1, bank);
  E->smp.psum_out++;
  if (E->asleep[x]) pe_wake(E, x, E->now);
  return 1;
}

/* Sends ifmap packet (image im, needed column xi, channel c, strip row yi) of the
 * running pass to the PEs that take it: only when every one has room at the
 * start of the cycle (less the words on their way to it) and, for a real word,
 * its GLB bank a port. Returns 1 when it went, 0 when it waits, -1 when out of
 * memory (the packet went, a word of it is lost: the layer fails). */
static int send_ifmap(eng *E, const tile *t, const int16_t *buf, const int *rowmap, int im, int xi,
                      int c, int yi, int bank) {
  pass *P = &E->ps;
  const int slot = E->cset[c] * P->nr + yi;
  const int *tg = E->tg + E->tg_off[slot];
  const int n = E->tg_off[slot + 1] - E->tg_off[slot];
  for (int q = 0; q < n; q++)
    E->room[tg[q]] = ey_pe_ifmap_room(&E->pe[tg[q]]) - (E->mesh ? E->inflight[tg[q]] : 0);
  if (!ey_noc_can(tg, n, E->room)) return 0;
  const int y = E->srows[yi], x = E->xcol[xi];
  ey_word v = 0;
  if (y >= E->g.P && y < E->g.P + E->g.H && x >= E->g.P && x < E->g.P + E->g.W) {
    size_t at = (((size_t)im * t->tc + c) * t->nrows + rowmap[y]) * E->g.W + (x - E->g.P);
    if (!glb_take(E, bank, t->buf, at, EY_IFMAP, 0, E->a->noc_ifmap_wpc))
      return 0; /* its bank is busy */
    observe(E, EY_ACC_GLB, 0, EY_IFMAP, ey_glb_addr(&E->glb, t->buf, at), 1);
    bank_note(E, ey_glb_addr(&E->glb, t->buf, at), 1, 0, bank);
    v = buf[at];
  } /* else a padding zero, made at the GLB port without an SRAM read */
  ey_noc_try(&E->inoc, tg, n, E->room);
  E->inoc.stats.xbuses += (uint64_t)E->tg_xbus[slot];
  E->smp.ifmap_sent++;
  E->smp.ifmap_cast = n;
  for (int q = 0; q < n; q++) {
    if (E->mesh && E->lat[tg[q]] > 1) { /* on its way through the routers */
      struct arrivals *a =
          &E->arr[(E->now + (ey_cycle)E->lat[tg[q]] - 1) & (ey_cycle)(E->lat_size - 1)];
      if (a->n == a->cap) {
        const int cap = a->cap ? 2 * a->cap : 64;
        int *pe = realloc(a->pe, sizeof *pe * (size_t)cap);
        if (pe) a->pe = pe;
        ey_word *vv = pe ? realloc(a->v, sizeof *vv * (size_t)cap) : NULL;
        if (!vv) return -1;
        a->v = vv;
        a->cap = cap;
      }
      a->pe[a->n] = tg[q];
      a->v[a->n++] = v;
      E->inflight[tg[q]]++;
      E->npend++;
      continue;
    }
    observe_detail(E, EY_ACC_SPAD, EY_OP_WRITE, EY_IFMAP, ey_pe_ifmap_slot(&E->pe[tg[q]]), 1,
                   tg[q]);
    ey_pe_put_ifmap(&E->pe[tg[q]], v);
    dirty(E, tg[q]);
  }
  /* The packet: its tag, (padded row << 16) | padded column, and the PEs reached. */
  observe_detail(E, EY_ACC_NOC, n > 1 ? EY_OP_MULTICAST : EY_OP_UNICAST, EY_IFMAP,
                 (uint64_t)y << 16 | (uint64_t)x, (uint64_t)n,
                 n ? router_code(E, &E->inoc, tg[0]) : -1);
  P->sent++;
  return 1;
}

/* Runs the pass begun by pass_begin() up to core cycle `limit`. Returns 1 when the
 * pass is over, 0 when it reached `limit` first (it resumes where it stopped), or
 * -1 with err set on a deadlock (a bug) or when out of memory. Cycles stepped in any chunks give
 * the same result: a skip cut short by `limit` leaves the state the skipped cycles would have,
 * since each of them repeats the one before. */
static int pass_cycles(eng *E, ey_cycle limit, ey_err *err) {
  pass *P = &E->ps;
  const tile *t = P->t;
  const ey_arch *a = E->a;
  const int fp = P->fp, os = P->os, nr = P->nr;
  const int16_t *buf = ey_glb_ifmap_buffer(&E->glb, t->buf);
  const int *rowmap = E->rowmap[t->buf];
  const uint64_t stream_len = P->stream_len;
  const uint64_t per_chain = (uint64_t)t->na * E->g.F; /* columns; × pf psums */
  uint64_t *cl = P->cl;
  ey_chains *ch = &E->ch;
  E->ndirty = 0;

  while (E->now < limit) {
    int changed = 0, bus_blocked = 0;
    /* Every decision below reads the state at the start of the cycle: ifmap
     * deliveries and psum pushes wait in inc/pushed until the commit, and a
     * FIFO popped this cycle still counts the popped word as occupied. */

    ey_glb_tick(&E->glb, E->now);
    /* 1. Ifmap GIN: up to its width of packets, in order; a packet goes only
     *    when every PE it reaches has room and its GLB bank has a port. */
    if (E->mesh) {
      /* On the mesh, every ifmap router sends its own stream. */
      for (int si = 0; si < E->nst; si++) {
        struct mstream *st = &E->st[si];
        for (int w = 0; w < a->noc_ifmap_wpc && st->sent < st->total; w++) {
          const int c = E->pl_c[st->off + st->k], yi = E->pl_yi[st->off + st->k];
          const int r = send_ifmap(E, t, buf, rowmap, st->im, st->xi, c, yi, st->bank);
          if (r < 0) {
            ey_err_set(err, EY_NOMEM, "out of memory");
            return -1;
          }
          if (!r) {
            bus_blocked = 1;
            break;
          }
          if (E->s_irw) E->s_irw[st->group]++;
          st->sent++;
          changed = 1;
          if (++st->k == st->len) {
            st->k = 0;
            if ((uint64_t)++st->xi == E->g.wneed) {
              st->xi = 0;
              st->im++;
            }
          }
        }
      }
    } else
      for (int w = 0; w < a->noc_ifmap_wpc && P->sent < stream_len; w++) {
        if (!send_ifmap(E, t, buf, rowmap, P->s_im, P->s_xi, P->s_c, P->s_yi, -1)) {
          bus_blocked = 1;
          break;
        }
        changed = 1;
        if (++P->s_yi == nr) {
          P->s_yi = 0;
          if (++P->s_c == t->tc) {
            P->s_c = 0;
            if ((uint64_t)++P->s_xi == E->g.wneed) {
              P->s_xi = 0;
              P->s_im++;
            }
          }
        }
      }
    if (bus_blocked) ey_noc_block(&E->inoc, 1);
    /* 2. Psum GIN: earlier channel blocks' psums to the chains' first PEs,
     *    round robin. */
    if (ey_chains_gin_arbitrate(ch, gin_grant, E)) changed = 1;
    /* 3. GON: grants for the chains' last PEs that can send, round robin. The
     *    last cycle's grants are spent. */
    for (int k = 0; k < E->ngl; k++) E->granted[E->glist[k]] = 0;
    E->ngl = 0;
    ey_chains_gon_arbitrate(ch, gon_grant, E);
    ey_chains_advance(ch, 1);
    /* 4. PEs: forward one finished psum, and run the MAC sequencer. Sleeping
     *    PEs due this cycle wake first; the order of visits cannot matter, since
     *    every decision reads the state at the start of the cycle. */
    int running = E->nsleep > 0;
    if (E->nsleep) { /* awake for their columns' last cycle */
      int *head = &E->wheel[E->now & (ey_cycle)(E->wheel_size - 1)];
      while (*head >= 0) pe_wake(E, *head, E->now);
    }
    for (int k = 0; k < E->nawake; k++) {
      int x = E->awake[k];
      ey_pe *pe = &E->pe[x];
      int up = ch->up[x];
      uint32_t v = 0;
      const int r = ey_pe_tick(pe, E->now, E->batch,
                               up >= 0 ? ey_pe_psum_room(&E->pe[up]) : E->granted[x], &v);
      const int cls = r & EY_PE_CLASS;
      const int did = r & (EY_PE_FWD | EY_PE_STARTED | EY_PE_ENDED); /* more than a countdown */
      if (r & EY_PE_FWD) {
        observe_detail(E, EY_ACC_SPAD, EY_OP_READ, EY_PSUM, (uint64_t)pe->pend_head, 1,
                       x); /* the drain */
        observe_detail(E, EY_ACC_NOC, EY_OP_UNICAST, EY_PSUM, (uint64_t)(up >= 0 ? up : x), 1, -1);
        if (r & EY_PE_POPPED) dirty(E, x);
        if (up >= 0) {
          ey_pe_psum_push(&E->pe[up], v);
          dirty(E, up);
          ey_chains_local(ch);
          E->smp.psum_local++;
        } else {
          ey_glb_set_psum(
              &E->glb,
              chain_psum(E, t, fp, E->grp[x], pe->prog.p, os + E->lcol[x], E->gon_seq[x]++), v);
        }
      }
      if (r & EY_PE_ENDED) observe_column(E, x);
      if (did) changed = 1;
      if (pe->run_left) running = 1;
      if (!E->is_done[x] && pe->cols_done == ey_pe_columns(pe) && !pe->pend_n) {
        E->is_done[x] = 1;
        P->ndone++;
      }
      E->cls[x] = (unsigned char)cls;
      cl[cls]++;
      if (up < 0) ey_chains_gon_request(ch, x, pe->pend_n > 0);
      /* Nothing happened but a countdown, and the PE cannot change on its own
       * before its next event (a column's last cycle, a psum leaving the MAC
       * pipeline): its next cycles repeat this one until an input wakes it (an
       * ifmap word, a psum from below, room above, a GON grant), or that event
       * comes. A PE mid-column with nothing to forward needs no input: only its
       * column's end can change it. */
      const ey_cycle next = ey_pe_next_event(pe, E->now);
      if (E->batch && !did && (next == EY_CYCLE_NEVER || next >= E->now + 2)) {
        pe_sleep(E, x, cls, !pe->run_left || pe->pend_n, next);
        E->awake[k--] = E->awake[--E->nawake];
      }
    }
    cl[EY_CL_IDLE] += (uint64_t)(E->npe - E->nact);
    /* 5. Commit: deliveries become visible next cycle, with the words whose
     *    path through the mesh ends in this cycle. */
    if (E->npend) {
      struct arrivals *ar = &E->arr[E->now & (ey_cycle)(E->lat_size - 1)];
      for (int k = 0; k < ar->n; k++) {
        const int x = ar->pe[k];
        observe_detail(E, EY_ACC_SPAD, EY_OP_WRITE, EY_IFMAP, ey_pe_ifmap_slot(&E->pe[x]), 1, x);
        ey_pe_put_ifmap(&E->pe[x], ar->v[k]);
        E->inflight[x]--;
        dirty(E, x);
      }
      E->npend -= (uint64_t)ar->n;
      if (ar->n) changed = 1;
      ar->n = 0;
      if (E->npend) changed = 1; /* no skip past a word on its way */
    }
    for (int k = 0; k < E->ndirty; k++) {
      int x = E->dirty[k];
      const int r = ey_pe_commit(&E->pe[x]);
      if (r & EY_PE_POPPED) { /* room for the PE below */
        int d = ch->down[x];
        if (d >= 0 && E->asleep[d] && E->on_event[d]) pe_wake(E, d, E->now + 1);
      }
      if (ch->bot_slot[x] >= 0) /* a GIN bottom asks while it has room and psums to come */
        ey_chains_gin_request(
            ch, x,
            E->gin_seq[x] < per_chain * (uint64_t)E->pe[x].prog.p && ey_pe_psum_room(&E->pe[x]));
      if ((r & 1) && E->asleep[x] && E->on_event[x]) pe_wake(E, x, E->now + 1); /* new data */
      E->is_dirty[x] = 0;
    }
    E->ndirty = 0;
    if (E->sampling) {
      for (int x = 0; x < E->npe; x++) {
        E->s_cls[x] = EY_CL_IDLE;
        E->s_ifw[x] = E->s_psw[x] = 0;
      }
      for (int k = 0; k < E->nact; k++) {
        int x = E->act[k];
        const ey_pe *pe = &E->pe[x];
        E->s_cls[x] = E->cls[x];
        E->s_ifw[x] = (uint32_t)(pe->arrived - pe->retired);
        E->s_psw[x] = (uint32_t)(pe->pend_n + (pe->run_left ? pe->prog.p : 0));
      }
      E->smp.ifmap_valid = P->sent < stream_len;
      emit_sample(E);
    }
    E->now++;
    if (P->ndone == E->nact) break;
    /* The next psum to leave a MAC pipeline: an event the skip must not pass. */
    ey_cycle wake = 0;
    if (!changed)
      for (int k = 0; k < E->nact; k++) {
        const ey_pe *pe = &E->pe[E->act[k]];
        if (pe->pend_n && ey_pe_pend_at(pe) >= E->now && (!wake || ey_pe_pend_at(pe) < wake))
          wake = ey_pe_pend_at(pe);
      }
    if (!changed) {
      if (!running && !wake) {
#ifdef EY_DEBUG /* the state of every active PE, to debug the engine */
        for (int k = 0; k < E->nact; k++) {
          int x = E->act[k];
          ey_pe *pe = &E->pe[x];
          fprintf(
              stderr,
              "pe %d pos %d up %d in %d: arrived %llu retired %llu cols %llu/%llu pend %d pin %d\n",
              x, E->chain_pos[x], ch->up[x], pe->prog.has_in, (unsigned long long)pe->arrived,
              (unsigned long long)pe->retired, (unsigned long long)pe->cols_done,
              (unsigned long long)ey_pe_columns(pe), pe->pend_n, pe->pin_n);
        }
#endif
        ey_err_set(err, EY_MISUSE, "%s: engine deadlock at cycle %llu of a pass (a bug in eyesim)",
                   E->l->name, (unsigned long long)(E->now - P->start));
        return -1;
      }
      if (E->batch) {
        /* Nothing but MAC countdowns happened: the same cycle repeats until the
         * first running column is one cycle from its end, or a psum leaves a
         * MAC pipeline. */
        /* A sleeping PE's column still has sleep_until - now + 1 cycles at the
         * start of the next cycle (its stored countdown is stale). */
        uint64_t skip = UINT64_MAX;
        for (int k = 0; k < E->nact; k++) {
          int x = E->act[k];
          uint64_t left =
              E->sleep_until[x] ? E->sleep_until[x] - E->now : (uint64_t)E->pe[x].run_left - 1;
          if ((E->sleep_until[x] || E->pe[x].run_left) && left < skip) skip = left;
        }
        if (wake && wake - E->now < skip) skip = wake - E->now;
        if (limit - E->now < skip) skip = limit - E->now; /* the step's end */
        if (skip) {
          for (int k = 0; k < E->nact; k++) {
            int x = E->act[k];
            if (E->asleep[x]) continue; /* counted when it wakes */
            if (E->pe[x].run_left) ey_pe_skip(&E->pe[x], (int)skip);
            cl[E->cls[x]] += skip;
          }
          cl[EY_CL_IDLE] += skip * (uint64_t)(E->npe - E->nact);
          if (bus_blocked) ey_noc_block(&E->inoc, skip);
          /* The arbiters' round-robin pointers move every cycle, skipped or not. */
          ey_chains_advance(ch, skip);
          E->now += skip;
        }
      }
    }
  }
  if (P->ndone < E->nact) return 0;
  for (int k = 0; k < E->nact; k++) /* done PEs asleep to the end */
    if (E->asleep[E->act[k]]) pe_wake(E, E->act[k], E->now);
  for (int c = 0; c < EY_NCLASSES; c++) E->ms.classes[c] += cl[c];
  memset(cl, 0, sizeof P->cl);
  E->ms.passes++;
  if (E->o->progress) E->o->progress(E->o->progress_ctx, E->l, E->ms.passes);
  return 1;
}

/* ------------------------------------------------------------------ replay */

/* The signature of the pass begun by pass_begin() (srows and nr set) into
 * E->sig, and the bank of its first psum into *shift; returns its length. Every
 * address of a pass is an offset from its first psum's (psum_index is linear in
 * the filter and the output row) or its first ifmap row's (rows of the tile
 * buffer one after another); a bank is an address modulo the banks. */
static int pass_sig(eng *E, const tile *t, int fp, int pa, int os, int ea, int *shift) {
  const uint64_t nb = (uint64_t)E->glb.banks;
  const int *rowmap = E->rowmap[t->buf];
  int r0 = -1;
  for (int yi = 0; yi < E->ps.nr && r0 < 0; yi++) r0 = rowmap[E->srows[yi]];
  if (r0 < 0) r0 = 0; /* padding alone */
  const uint64_t pref =
      ey_glb_addr(&E->glb, EY_GLB_R_PSUM, psum_index(E, t, 0, fp - t->f0, os - t->o0, 0));
  const uint64_t iref = ey_glb_addr(&E->glb, t->buf, (uint64_t)r0 * (uint64_t)E->g.W);
  *shift = (int)(pref % nb);
  const int v[SIG_FIXED] = {
      t->na,      t->ma, t->ta, t->ca, t->nrows,
      t->c0 == 0, pa,    ea,    t->ga, (int)((iref % nb + nb - pref % nb) % nb)};
  memcpy(E->sig, v, sizeof v);
  for (int yi = 0; yi < E->ps.nr; yi++) {
    const int r = rowmap[E->srows[yi]];
    E->sig[SIG_FIXED + yi] = r < 0 ? -1 : r - r0;
  }
  return SIG_FIXED + E->ps.nr;
}

static const rp_entry *rp_find(const eng *E, const int *sig, int n) {
  for (int k = 0; k < E->nrp; k++)
    if (E->rp[k].nsig == n && !memcmp(E->rp[k].sig, sig, sizeof *sig * (size_t)n)) return &E->rp[k];
  return NULL;
}

/* The counters a pass moves, as they stand (bank arrays into out->bank). */
static void rp_take(const eng *E, rp_counts *out) {
  const int nb = E->glb.banks * 3;
  out->cycles = E->now;
  memcpy(out->cl, E->ms.classes, sizeof out->cl);
  out->inoc = E->inoc.stats;
  out->ch = E->ch.stats;
  const ey_glb_stats *gs = ey_glb_get_stats(&E->glb);
  memcpy(out->glb_reads, gs->reads, sizeof out->glb_reads);
  memcpy(out->glb_writes, gs->writes, sizeof out->glb_writes);
  out->glb_conflicts = gs->conflicts;
  memcpy(out->bank, gs->bank_reads, sizeof *out->bank * (size_t)nb);
  memcpy(out->bank + nb, gs->bank_writes, sizeof *out->bank * (size_t)nb);
  memset(&out->pe, 0, sizeof out->pe);
  for (int x = 0; x < E->npe; x++) {
    const ey_pe_stats *st = &E->pe[x].stats;
    out->pe.macs += st->macs;
    out->pe.macs_gated += st->macs_gated;
    for (int ty = 0; ty < EY_NTYPES; ty++) {
      out->pe.spad_reads[ty] += st->spad_reads[ty];
      out->pe.spad_writes[ty] += st->spad_writes[ty];
    }
  }
}

/* d = now - before, with the columns' MAC-side counts (ey_pe_compute's) left
 * out of d->pe: a replay's PEs count those themselves, from its data. */
static void rp_delta(const eng *E, const rp_counts *before, rp_counts *d) {
  uint64_t *bank = d->bank;
  rp_take(E, d);
  const int nb = E->glb.banks * 3;
  d->cycles -= before->cycles;
  for (int c = 0; c < EY_NCLASSES; c++) d->cl[c] -= before->cl[c];
  d->inoc.transfers -= before->inoc.transfers;
  d->inoc.unicasts -= before->inoc.unicasts;
  d->inoc.multicasts -= before->inoc.multicasts;
  d->inoc.delivered -= before->inoc.delivered;
  d->inoc.xbuses -= before->inoc.xbuses;
  d->inoc.blocked_cycles -= before->inoc.blocked_cycles;
  d->ch.gin_words -= before->ch.gin_words;
  d->ch.local_words -= before->ch.local_words;
  d->ch.gon_words -= before->ch.gon_words;
  for (int ty = 0; ty < EY_NTYPES; ty++) {
    d->glb_reads[ty] -= before->glb_reads[ty];
    d->glb_writes[ty] -= before->glb_writes[ty];
  }
  d->glb_conflicts -= before->glb_conflicts;
  for (int k = 0; k < 2 * nb; k++) bank[k] -= before->bank[k];
  ey_pe_stats *p = &d->pe;
  const ey_pe_stats *b = &before->pe;
  p->macs -= b->macs;
  p->macs_gated -= b->macs_gated;
  for (int ty = 0; ty < EY_NTYPES; ty++) {
    p->spad_reads[ty] -= b->spad_reads[ty];
    p->spad_writes[ty] -= b->spad_writes[ty];
  }
  const uint64_t done = p->macs - p->macs_gated;
  p->spad_reads[EY_IFMAP] -= p->macs;
  p->spad_reads[EY_FILTER] -= done;
  p->spad_reads[EY_PSUM] -= done;
  p->spad_writes[EY_PSUM] -= done;
  p->macs = p->macs_gated = 0;
}

/* The bank counts of record d for a pass whose first psum is `rot` banks after
 * the record's: bank b's are the record's bank (b - rot). */
static uint64_t rp_bank(const eng *E, const rp_counts *d, int rot, int is_write, int b, int ty) {
  const int nb = E->glb.banks;
  return d->bank[is_write * nb * 3 + ((b - rot + nb) % nb) * 3 + ty];
}

/* 1 when a pass's counts `a` (its first psum `rot` banks after the record's)
 * equal record b's. */
static int rp_equal(const eng *E, const rp_counts *a, const rp_counts *b, int rot) {
  for (int w = 0; w < 2; w++)
    for (int k = 0; k < E->glb.banks; k++)
      for (int ty = 0; ty < 3; ty++)
        if (rp_bank(E, a, 0, w, k, ty) != rp_bank(E, b, rot, w, k, ty)) return 0;
  return a->cycles == b->cycles && !memcmp(a->cl, b->cl, sizeof a->cl) &&
         !memcmp(&a->inoc, &b->inoc, sizeof a->inoc) && !memcmp(&a->ch, &b->ch, sizeof a->ch) &&
         !memcmp(a->glb_reads, b->glb_reads, sizeof a->glb_reads) &&
         !memcmp(a->glb_writes, b->glb_writes, sizeof a->glb_writes) &&
         a->glb_conflicts == b->glb_conflicts && !memcmp(&a->pe, &b->pe, sizeof a->pe);
}

/* Adds a record to the replayed sums and to the layer's classes and cycles, its
 * bank counts rotated by `rot`. */
static void rp_add(eng *E, const rp_counts *d, int rot) {
  rp_counts *r = &E->rs;
  const int nb = E->glb.banks;
  E->now += d->cycles;
  for (int c = 0; c < EY_NCLASSES; c++) E->ms.classes[c] += d->cl[c];
  r->inoc.transfers += d->inoc.transfers;
  r->inoc.unicasts += d->inoc.unicasts;
  r->inoc.multicasts += d->inoc.multicasts;
  r->inoc.delivered += d->inoc.delivered;
  r->inoc.xbuses += d->inoc.xbuses;
  r->inoc.blocked_cycles += d->inoc.blocked_cycles;
  r->ch.gin_words += d->ch.gin_words;
  r->ch.local_words += d->ch.local_words;
  r->ch.gon_words += d->ch.gon_words;
  for (int ty = 0; ty < EY_NTYPES; ty++) {
    r->glb_reads[ty] += d->glb_reads[ty];
    r->glb_writes[ty] += d->glb_writes[ty];
    r->pe.spad_reads[ty] += d->pe.spad_reads[ty];
    r->pe.spad_writes[ty] += d->pe.spad_writes[ty];
  }
  r->glb_conflicts += d->glb_conflicts;
  for (int w = 0; w < 2; w++)
    for (int k = 0; k < nb; k++)
      for (int ty = 0; ty < 3; ty++)
        r->bank[w * nb * 3 + k * 3 + ty] += rp_bank(E, d, rot, w, k, ty);
}

/* The arithmetic of pass (t, fp, pa, os, ea), begun by pass_begin(), without its
 * cycles: each output row's psums over the tile's channels and the filter rows,
 * from the ifmap rows in the GLB tile buffer (padding zeros made as at the GLB
 * port), added to the earlier channel blocks' psums in the GLB, where the GON
 * would write them. Psums wrap at 32 bits, so the order of the additions is not
 * seen. Each PE then counts its MAC side: its columns, and the zeros in its
 * windows (the padded x of output column f and weight s is f*U + s; use[x]
 * counts how often a window holds x). */
static void pass_data(eng *E, const tile *t, int fp, int pa, int os, int ea) {
  const ey_mapping *m = E->m;
  const int U = E->g.U, S = E->g.S, R = E->g.R, P = E->g.P, H = E->g.H, W = E->g.W, F = E->g.F;
  const int first_cb = t->c0 == 0, Cg = E->g.Cg, ng = EY_CEIL_DIV(pa, m->p);
  const int ps = E->a->product_shift;
  const int16_t *buf = ey_glb_ifmap_buffer(&E->glb, t->buf);
  const int *rowmap = E->rowmap[t->buf];
  const int16_t *wts = E->T.weights;
  int16_t *prow = E->rrow; /* a padded ifmap row; its padding stays 0 */
  uint32_t *acc = E->racc; /* [pa][F] */
  for (int k = 0; k < E->nact; k++) E->rzeros[E->act[k]] = 0;
  for (int j = 0; j < ea; j++) {
    const int o = os + j;
    for (int im = 0; im < t->na; im++)
      for (int gi = 0; gi < t->ga; gi++) {
        memset(acc, 0, sizeof *acc * (size_t)pa * (size_t)F);
        for (int cl = 0; cl < t->ca; cl++) {
          const int ch = gi * t->ca + cl; /* the tile's channel */
          for (int i = 0; i < R; i++) {
            const int y = o * U + i;
            uint64_t zeros = E->use_total; /* a padding row: every window value is 0 */
            if (y >= P && y < P + H) {
              memcpy(prow + P,
                     buf + (((size_t)im * t->tc + (size_t)ch) * t->nrows + (size_t)rowmap[y]) *
                               (size_t)W,
                     sizeof *prow * (size_t)W);
              zeros = E->use_pad;
              for (int x = 0; x < W; x++) zeros += prow[P + x] == 0 ? E->use[P + x] : 0;
              for (int k = 0; k < pa; k++) {
                const int16_t *w = wts + ((((size_t)(t->g + gi) * E->g.Mg + (size_t)(fp + k)) * Cg +
                                           (size_t)(t->c0 + cl)) *
                                              R +
                                          i) *
                                             S;
                uint32_t *a = acc + (size_t)k * F;
                for (int s = 0; s < S; s++) {
                  const int32_t wv = w[s];
                  const int16_t *src = prow + s;
                  if (ps)
                    for (int f = 0; f < F; f++) a[f] += ey_mac_addend(wv, src[f * U], ps);
                  else if (U == 1)
                    for (int f = 0; f < F; f++) a[f] += (uint32_t)(wv * (int32_t)src[f]);
                  else
                    for (int f = 0; f < F; f++) a[f] += (uint32_t)(wv * (int32_t)src[f * U]);
                }
              }
            }
            /* The PEs of every PE group that hold this channel and filter row for o. */
            for (int ti = 0; ti < ng; ti++)
              E->rzeros[place(E, gi * ng + ti, cl / m->q, i, j)] += zeros;
          }
        }
        for (int k = 0; k < pa; k++)
          for (int f = 0; f < F; f++) {
            const size_t at = psum_index(E, t, im, gi * t->ma + fp - t->f0 + k, o - t->o0, f);
            const uint32_t v = acc[(size_t)k * F + f];
            ey_glb_set_psum(&E->glb, at, first_cb ? v : v + ey_glb_psum(&E->glb, at));
          }
      }
  }
  const uint64_t columns = (uint64_t)t->na * (uint64_t)F;
  for (int k = 0; k < E->nact; k++)
    ey_pe_count_macs(&E->pe[E->act[k]], columns, E->rzeros[E->act[k]]);
}

/* ------------------------------------------------------------------ a layer */

/* The layer's schedule as a state machine, so that it can stop at any cycle and
 * resume: each state names what the engine does next. */
enum {
  ST_TILE,       /* begin tile ti: clear its psums, fetch it */
  ST_TILE_WAIT,  /* wait for tile ti's ifmaps */
  ST_BLOCK,      /* begin filter block fp of tile ti: fetch its filters */
  ST_BLOCK_WAIT, /* wait for them */
  ST_LOAD,       /* load them into the spads over the filter GIN */
  ST_PASS,       /* run pass os of the block */
  ST_TILE_END,   /* write a finished ofmap tile back */
  ST_DRAIN,      /* wait for the last writes */
  ST_DONE
};

/* Waits for DRAM up to cycle `to` (> now), as `busy` PEs of class `cls`. */
static void dram_wait_to(eng *E, ey_cycle to, int busy, int cls) {
  E->ms.dram_wait_cycles += to - E->now;
  wait_cycles(E, to - E->now, busy, cls);
}

/* A wait for a completion the memory has not given: it passes the cycles before
 * E->quiet (the memory has said that none of them is one), at most up to `limit`,
 * as `busy` PEs of class `cls`; short of `limit` the step then stops for the
 * completion (E->blocked). */
static void wait_unknown(eng *E, ey_cycle limit, int busy, int cls) {
  if (E->quiet > E->now) dram_wait_to(E, EY_MIN(E->quiet, limit), busy, cls);
  if (E->now < limit) E->blocked = 1;
}

/* Waits, as `busy` PEs of class `cls` and the rest idle, for DRAM request `req`,
 * at most up to core cycle `limit`. Returns 1 once its completion has passed; 0
 * when `limit` came first, or when the memory has not said when it completes
 * (E->blocked is then set). */
static int wait_dram(eng *E, uint64_t req, int busy, int cls, ey_cycle limit) {
  ey_cycle at = ey_dram_done_at(&E->dram, req);
  if (at == EY_CYCLE_NEVER) {
    wait_unknown(E, limit, busy, cls);
    return 0;
  }
  if (at <= E->now) return 1;
  dram_wait_to(E, EY_MIN(at, limit), busy, cls);
  return E->now >= at;
}

/* Submits the DRAM read of filter block (fp, pa) of tile t and returns its id. */
static uint64_t filter_fetch(eng *E, const tile *t, int fp, int pa) {
  const uint64_t words = (uint64_t)t->ga * pa * t->ca * E->g.R * E->g.S;
  const uint64_t faddr = ((uint64_t)(t->g * E->g.Mg + fp) * (uint64_t)E->g.Cg + (uint64_t)t->c0) *
                         (uint64_t)E->g.R * (uint64_t)E->g.S;
  uint64_t bits = words * (uint64_t)E->a->word_bits;
  uint64_t id = ey_dram_request(&E->dram, E->now, faddr, words, bits, EY_FILTER, 0);
  if (note_request(E, id, t, fp, pa, 0, 0)) return 0;
  in_flight(E, id, bits);
  const uint64_t each = words / (uint64_t)t->ga,
                 gstep = (uint64_t)E->g.Mg * E->g.Cg * E->g.R * E->g.S;
  for (int gi = 0; gi < t->ga; gi++) /* one run of filters per channel group */
    observe(E, EY_ACC_DRAM, 0, EY_FILTER, faddr + (uint64_t)gi * gstep, each);
  return id;
}

/* Requantizes the finished psums of tile t's filters [fp, fp + pa) (of each of its
 * groups) and output rows [os, os + ea) to the ofmap and writes them out as one
 * DRAM request: a pass's outputs (glb.ofmap_writes pass) or the whole tile's
 * (tile). Returns 0, or -1 when out of memory. */
static int ofmap_write(eng *E, const tile *t, int fp, int pa, int os, int ea) {
  const int m0 = fp - t->f0, o0 = os - t->o0;
  const int coded = E->a->dram_rlc, rows = E->a->rlc_rows;
  uint64_t bits = 0, run = 0; /* coded: the pairs of the run of rows adjacent in DRAM */
  size_t next = 0;            /* ... and the row after it */
  for (int im = 0; im < t->na; im++)
    for (int gi = 0; gi < t->ga; gi++)
      for (int k = 0; k < pa; k++) {
        const int mf = gi * t->ma + m0 + k;
        const int32_t b =
            E->T.bias ? E->T.bias[(size_t)(t->g + gi) * E->g.Mg + (size_t)(fp + k)] : 0;
        for (int ol = o0; ol < o0 + ea; ol++) {
          const size_t o = out_row(E, t, im, mf, ol) * (size_t)E->g.F;
          for (int f = 0; f < E->g.F; f++) {
            const uint32_t sum = ey_glb_psum(&E->glb, psum_index(E, t, im, mf, ol, f)),
                           v = ey_psum_wrap(sum, E->a->psum_bits);
            E->psum_wraps += v != sum; /* the 32-bit sum did not fit psum_bits */
            E->raw[o + (size_t)f] = v;
            E->pout[psum_index(E, t, im, mf, ol, f)] = E->dram.nreq + 1; /* the request below */
            E->out[o + (size_t)f] = ey_requant_bias(v, b, E->T.shift, E->a->word_bits, E->l->relu);
          }
          /* Coded as written: each run of rows adjacent in DRAM from a fresh word;
           * with the row layout every row is a run of its own. */
          const size_t r = o / (size_t)E->g.F;
          if (!coded) {
            bits += (uint64_t)E->g.F * (uint64_t)E->a->word_bits;
            continue;
          }
          if (run && (rows || r != next)) bits += rlc_span_bits(0, run), run = 0;
          run += ey_rlc_pairs(E->out + o, (uint64_t)E->g.F);
          next = r + 1;
        }
      }
  if (run) bits += rlc_span_bits(0, run);
  const uint64_t outs = (uint64_t)t->na * t->ga * pa * ea * E->g.F;
  ey_glb_bulk(&E->glb, EY_GLB_R_PSUM, 0, outs, EY_PSUM, 0);
  if (E->o->access) { /* the GLB words read, as runs of psum_index's [f][ol] order */
    uint64_t at = 0, n = 0;
    for (int im = 0; im < t->na; im++)
      for (int gi = 0; gi < t->ga; gi++)
        for (int k = 0; k < pa; k++)
          for (int f = 0; f < E->g.F; f++) {
            const uint64_t a = ey_glb_addr(&E->glb, EY_GLB_R_PSUM,
                                           psum_index(E, t, im, gi * t->ma + m0 + k, o0, f));
            if (n && a != at + n) observe(E, EY_ACC_GLB, 0, EY_PSUM, at, n), n = 0;
            if (!n) at = a;
            n += (uint64_t)ea;
          }
    observe(E, EY_ACC_GLB, 0, EY_PSUM, at, n);
  }
  const uint64_t addr = (uint64_t)out_row(E, t, 0, m0, o0) * (uint64_t)E->g.F;
  uint64_t id = ey_dram_request(&E->dram, E->now, addr, outs, bits, EY_PSUM, 1);
  if (note_request(E, id, t, fp, pa, os, ea)) return -1;
  E->last_write = id;
  in_flight(E, id, bits);
  observe(E, EY_ACC_DRAM, 1, EY_PSUM, addr, outs);
  return 0;
}

/* The last DRAM write still to complete that takes out an output whose psum word
 * the pass of filters [fp, fp + pa) and rows [os, os + ea) of tile t accumulates
 * into, or 0: the pass may not overwrite it before it has gone. Writes complete
 * in the order they were made, so the last one stands for all. */
static uint64_t pass_waits_for(const eng *E, const tile *t, int fp, int pa, int os, int ea) {
  if (!E->last_write || ey_dram_done_at(&E->dram, E->last_write) <= E->now) return 0;
  uint64_t last = 0;
  for (int im = 0; im < t->na; im++)
    for (int gi = 0; gi < t->ga; gi++)
      for (int k = 0; k < pa; k++)
        for (int f = 0; f < E->g.F; f++) {
          const size_t i = psum_index(E, t, im, gi * t->ma + fp - t->f0 + k, os - t->o0, f);
          for (int ol = 0; ol < ea; ol++)
            if (E->pout[i + (size_t)ol] > last) last = E->pout[i + (size_t)ol];
        }
  return last && ey_dram_done_at(&E->dram, last) > E->now ? last : 0;
}

/* A pass of ea output rows has ended: with glb.ofmap_writes pass, the outputs it
 * finished (in the tile of the last channels) go out now. Returns 0, or -1 when
 * out of memory. */
static int pass_done(eng *E, const tile *t, int ea) {
  if (E->a->ofmap_per_pass && t->c0 + t->ca == E->g.Cg &&
      ofmap_write(E, t, E->fp, E->pa, E->os, ea))
    return -1;
  E->os += E->m->e;
  return 0;
}

/* The filters of the block after (fp of tile ti) come into the staging region
 * while this block's passes run: the block is in the spads, so the region is free
 * when it holds one block. Returns 0, or -1 when out of memory. */
static int filter_prefetch(eng *E) {
  const ey_mapping *m = E->m;
  const tile *t = &E->tiles[E->ti];
  E->filt_prefetched = 0;
  if (!E->filter_prefetch) return 0;
  int nfp = E->fp + m->p * m->t, nti = E->ti;
  if (nfp >= t->f0 + t->ma) nti = E->ti + 1;
  if (nti >= E->ntiles) return 0;
  const tile *nt = &E->tiles[nti];
  int npa = nti == E->ti ? EY_MIN(m->p * m->t, t->f0 + t->ma - nfp) : EY_MIN(m->p * m->t, nt->ma);
  E->filt_req = filter_fetch(E, nt, nti == E->ti ? nfp : nt->f0, npa);
  if (!E->filt_req) return -1;
  E->filt_prefetched = 1;
  return 0;
}

/* The records and buffers of pass replay (docs/engine.md, "Pass replay"). */
static ey_rc replay_setup(eng *E, ey_err *err) {
  const ey_mapping *m = E->m;
  const size_t nb = (size_t)E->glb.banks * 6;
  E->rp = calloc(RP_MAX + 1, sizeof *E->rp);
  E->snap.bank = malloc(sizeof *E->snap.bank * nb);
  E->sig = malloc(sizeof *E->sig * (size_t)(SIG_FIXED + E->Hp));
  /* Padded x of output column f and weight s: f*U + s (the needed columns). */
  const size_t xs = (size_t)(E->g.F - 1) * (size_t)E->g.U + (size_t)E->g.S;
  const size_t wp = EY_MAX(xs, (size_t)E->g.W + 2 * (size_t)E->g.P);
  E->rrow = calloc(wp, sizeof *E->rrow);
  E->use = calloc(wp, sizeof *E->use);
  E->racc = malloc(sizeof *E->racc * (size_t)EY_MIN(m->p * m->t, E->g.Mg) * (size_t)E->g.F);
  E->rzeros = malloc(sizeof *E->rzeros * (size_t)E->npe);
  if (!E->rp || !E->snap.bank || !E->sig || !E->rrow || !E->use || !E->racc || !E->rzeros)
    return ey_err_set(err, EY_NOMEM, "out of memory");
  for (int f = 0; f < E->g.F; f++)
    for (int s2 = 0; s2 < E->g.S; s2++) E->use[f * E->g.U + s2]++;
  for (size_t x = 0; x < wp; x++) {
    E->use_total += E->use[x];
    if ((int)x < E->g.P || (int)x >= E->g.P + E->g.W) E->use_pad += E->use[x];
  }
  return EY_OK;
}

/* At a pass's start: once the waveform's window is behind, fast stepping (and
 * pass replay, when nothing else watches every pass) for the rest of the layer,
 * as the run asked; the figures are the same either way. */
static ey_rc window_passed(eng *E, ey_err *err) {
  if (!E->sampling || E->o->cycle_base + E->now < E->o->sample_until) return EY_OK;
  E->sampling = 0;
  if (!E->fast_after) return EY_OK;
  E->batch = 1;
  if (!E->o->access && !E->o->no_replay && !E->replay) {
    E->replay = 1;
    return replay_setup(E, err);
  }
  return EY_OK;
}

/* 1 when the next tile's ifmap prefetch is due now and goes to DRAM after this
 * tile's first filter read (dram.demand_first, docs/engine.md): made in
 * ST_TILE_WAIT when that read was prefetched, else in the first ST_BLOCK. */
static int prefetch_due(const eng *E, int after_filters) {
  if (!(E->glb.double_buffered || E->glb.ring) || E->ti + 1 >= E->ntiles) return 0;
  const int wait = E->a->dram_demand_first && !E->filt_prefetched;
  return after_filters ? wait && E->fp == E->tiles[E->ti].f0 : !wait;
}

/* Advances the layer's schedule up to core cycle `limit`; see ey_engine_step(). */
static ey_rc advance(eng *E, ey_cycle limit, ey_err *err) {
  const ey_mapping *m = E->m;
  while (E->state != ST_DONE && !E->blocked && E->now < limit) {
    tile *t = E->ti < E->ntiles ? &E->tiles[E->ti] : NULL;
    switch (E->state) {
      case ST_TILE:
        if (!t) {
          E->state = ST_DRAIN;
          break;
        }
        if (t->c0 == 0) /* a new psum tile */
          ey_glb_clear_psums(&E->glb);
        if (!t->req) {
          const int buf = E->glb.double_buffered || E->glb.ring ? E->ti % 2 : 0;
          if (!t->rows_a) { /* not prefetched */
            if (tile_submit(E, t, buf)) return ey_err_set(err, EY_NOMEM, "out of memory");
          } else if (!(t->req = tile_read(E, t, t->rows_a, tile_nrows(t)))) {
            /* the ring: the rows that came in beside the tile before have
             * theirs; the rest now that it is done */
            return ey_err_set(err, EY_NOMEM, "out of memory");
          }
        }
        E->busy = mark_block(E, t, EY_MIN(m->p * m->t, t->ma));
        E->state = ST_TILE_WAIT;
        break;
      case ST_TILE_WAIT:
        if (t->req_a && !wait_dram(E, t->req_a, E->busy, EY_CL_WAIT_IFMAP, limit)) break;
        if (!wait_dram(E, t->req, E->busy, EY_CL_WAIT_IFMAP, limit)) break;
        /* Double buffering or the ring: fetch the next tile (or, in the ring,
         * the rows of it that fit) while this one is in use; with
         * dram.demand_first, after this tile's first filter read when that is still
         * to make (ST_BLOCK, in this same cycle), since the array waits for it. */
        if (prefetch_due(E, 0) && tile_prefetch(E, t, &E->tiles[E->ti + 1], (E->ti + 1) % 2))
          return ey_err_set(err, EY_NOMEM, "out of memory");
        E->fp = t->f0;
        E->state = ST_BLOCK;
        break;
      case ST_BLOCK: {
        if (E->fp >= t->f0 + t->ma) {
          E->state = ST_TILE_END;
          break;
        }
        E->pa = EY_MIN(m->p * m->t, t->f0 + t->ma - E->fp);
        const uint64_t words = (uint64_t)t->ga * E->pa * t->ca * E->g.R * E->g.S;
        E->busy = mark_block(E, t, E->pa);
        if (!E->filt_prefetched && !(E->filt_req = filter_fetch(E, t, E->fp, E->pa)))
          return ey_err_set(err, EY_NOMEM, "out of memory");
        if (prefetch_due(E, 1) && tile_prefetch(E, t, &E->tiles[E->ti + 1], (E->ti + 1) % 2))
          return ey_err_set(err, EY_NOMEM, "out of memory");
        E->filt_submit = E->now;
        if (!E->a->filter_direct) { /* into the staging region */
          ey_glb_bulk(&E->glb, EY_GLB_R_FILTER, 0, words, EY_FILTER, 1);
          observe(E, EY_ACC_GLB, 1, EY_FILTER, ey_glb_addr(&E->glb, EY_GLB_R_FILTER, 0), words);
        }
        E->state = ST_BLOCK_WAIT;
        break;
      }
      case ST_BLOCK_WAIT: {
        if (!wait_dram(E, E->filt_req, E->busy, EY_CL_WAIT_FILTER, limit)) break;
        E->wlat_max = 1;
        const uint64_t load = load_filters(E, t, E->fp, E->pa);
        E->load_end = E->now + load;
        if (E->a->filter_direct) {
          /* The filter network takes the words as they come. The first comes the
           * later of the DRAM latency after the request and the completion less
           * the request's transfer at the bus's width (it may have queued behind
           * others); the load ends `load` cycles after it, but not before the
           * last word, in at the completion, has reached its farthest PE. */
          const ey_cycle at = ey_dram_done_at(&E->dram, E->filt_req);
          const ey_dram_req *r = &E->dram.req[E->filt_req - 1];
          const ey_cycle link = (r->bits + (uint64_t)E->a->dram_bus_bits - 1) /
                                (uint64_t)E->a->dram_bus_bits,
                         xfer = (link * (ey_cycle)E->a->core_mhz + (ey_cycle)E->a->dram_mhz - 1) /
                                (ey_cycle)E->a->dram_mhz;
          const ey_cycle first =
              EY_MAX(E->filt_submit + E->dram_lat_core, at > xfer ? at - xfer : 0);
          const ey_cycle floor_at = at + (ey_cycle)E->wlat_max;
          E->load_end = EY_MAX(floor_at, first + load);
          if (E->load_end < E->now + 1) E->load_end = E->now + 1;
          if (E->wload_end) /* the waveform: each weight router from the first word */
            for (int k = 0; k < E->nmr[1]; k++)
              if (E->wload_end[k])
                E->wload_end[k] =
                    EY_MIN(E->load_end, EY_MAX(first + (E->wload_end[k] - E->now), at + 1));
        }
        E->state = ST_LOAD;
        break;
      }
      case ST_LOAD:
        if (E->load_end > E->now) {
          wait_cycles(E, EY_MIN(E->load_end, limit) - E->now, E->busy, EY_CL_LOAD);
          if (E->now < E->load_end) break;
        }
        if (filter_prefetch(E)) return ey_err_set(err, EY_NOMEM, "out of memory");
        E->os = t->o0;
        E->in_pass = 0;
        E->state = ST_PASS;
        break;
      case ST_PASS: {
        if (E->os >= t->o0 + t->ta) {
          E->fp += m->p * m->t;
          E->state = ST_BLOCK;
          break;
        }
        if (!E->in_pass) {
          const int ea = EY_MIN(m->e, t->o0 + t->ta - E->os);
          const uint64_t wr = pass_waits_for(E, t, E->fp, E->pa, E->os, ea);
          if (wr && !wait_dram(E, wr, E->busy, EY_CL_BLOCKED_OUT, limit)) break;
          if (window_passed(E, err)) return EY_NOMEM;
          if (pass_begin(E, t, E->fp, E->pa, E->os, ea))
            return ey_err_set(err, EY_NOMAP,
                              "%s: a pass needs more ifmap slots than a mesh router tells apart "
                              "(%d), or the mesh could not route it",
                              E->l->name, (int)EY_NOC_NO_ID);
          E->recording = 0;
          E->rp_hit = NULL;
          if (E->replay) {
            int shift;
            const int nsig = pass_sig(E, t, E->fp, E->pa, E->os, ea, &shift);
            const rp_entry *hit = rp_find(E, E->sig, nsig);
            /* Clustered banks follow the routers and PEs, not the addresses. */
            const int rot = hit && !E->a->glb_clustered
                                ? (shift - hit->shift + E->glb.banks) % E->glb.banks
                                : 0;
            if (hit && !E->o->replay_check && E->now + hit->d.cycles <= limit) {
              pass_data(E, t, E->fp, E->pa, E->os, ea);
              rp_add(E, &hit->d, rot);
              E->ms.passes++;
              E->ms.replayed++;
              if (E->o->progress) E->o->progress(E->o->progress_ctx, E->l, E->ms.passes);
              if (pass_done(E, t, ea)) return ey_err_set(err, EY_NOMEM, "out of memory");
              break;
            }
            if (hit ? E->o->replay_check : E->nrp < RP_MAX) { /* record it */
              rp_entry *r = &E->rp[E->nrp]; /* rp[RP_MAX] is the check's scratch */
              if (!r->d.bank && !(r->d.bank = malloc(sizeof *r->d.bank * 6 * (size_t)E->glb.banks)))
                return ey_err_set(err, EY_NOMEM, "out of memory");
              free(r->sig);
              if (!(r->sig = malloc(sizeof *r->sig * (size_t)nsig)))
                return ey_err_set(err, EY_NOMEM, "out of memory");
              memcpy(r->sig, E->sig, sizeof *r->sig * (size_t)nsig);
              r->nsig = nsig;
              r->shift = shift;
              rp_take(E, &E->snap);
              E->recording = 1;
              E->rp_hit = hit;
              E->rp_rot = rot;
            }
          }
          E->in_pass = 1;
        }
        int r = pass_cycles(E, limit, err);
        if (r < 0) return EY_MISUSE;
        if (r) {
          E->in_pass = 0;
          if (E->recording) {
            rp_counts *d = &E->rp[E->nrp].d;
            rp_delta(E, &E->snap, d);
            if (!E->rp_hit)
              E->nrp++;
            else if (!rp_equal(E, d, &E->rp_hit->d, E->rp_rot))
              return ey_err_set(err, EY_MISUSE,
                                "%s: a pass at cycle %llu differs from the record of its "
                                "signature (a bug in eyesim's pass replay)",
                                E->l->name, (unsigned long long)(E->now - d->cycles));
            E->recording = 0;
          }
          /* after the record: a pass's outputs are not part of it */
          if (pass_done(E, t, EY_MIN(m->e, t->o0 + t->ta - E->os)))
            return ey_err_set(err, EY_NOMEM, "out of memory");
        }
        break;
      }
      case ST_TILE_END:
        if (t->c0 + t->ca == E->g.Cg && !E->a->ofmap_per_pass &&
            ofmap_write(E, t, t->f0, t->ma, t->o0, t->ta))
          return ey_err_set(err, EY_NOMEM, "out of memory");
        E->ti++;
        E->state = ST_TILE;
        break;
      case ST_DRAIN: {
        /* The layer ends when its last write is done; every read was waited for. */
        const ey_cycle end = ey_dram_drained_at(&E->dram);
        if (end == EY_CYCLE_NEVER) {
          wait_unknown(E, limit, 0, EY_CL_IDLE);
          break;
        }
        if (end > E->now) {
          dram_wait_to(E, EY_MIN(end, limit), 0, EY_CL_IDLE);
          if (E->now < end) break;
        }
        E->state = ST_DONE;
        break;
      }
    }
  }
  return EY_OK;
}
static ey_rc setup(eng *E, ey_err *err) {
  const ey_arch *a = E->a;
  const ey_layer *l = E->l;
  const ey_mapping *m = E->m;
  E->rows = a->rows;
  E->cols = a->cols;
  E->npe = a->rows * a->cols;
  ey_geom_init(&E->g, l);
  E->Hp = l->H + 2 * l->pad;
  E->k = EY_CEIL_DIV(m->e, a->cols);
  E->ecol = EY_MIN(m->e, a->cols);
  E->Hg = a->cols / E->ecol;
  E->xcol = malloc(sizeof *E->xcol * (size_t)E->g.wneed);
  const int wneed = (int)E->g.wneed;
  if (!E->xcol) return ey_err_set(err, EY_NOMEM, "out of memory");
  for (int xi = 0; xi < wneed; xi++)
    E->xcol[xi] = E->g.U <= E->g.S ? xi : (xi / E->g.S) * E->g.U + xi % E->g.S;

  E->pe = calloc((size_t)E->npe, sizeof *E->pe);
  E->act = calloc((size_t)E->npe, sizeof *E->act);
  E->granted = calloc((size_t)E->npe, 1);
  E->cls = calloc((size_t)E->npe, 1);
  E->room = calloc((size_t)E->npe, sizeof *E->room);
  E->gin_seq = calloc((size_t)E->npe, sizeof *E->gin_seq);
  E->gon_seq = calloc((size_t)E->npe, sizeof *E->gon_seq);
  E->chain_pos = calloc((size_t)E->npe, sizeof *E->chain_pos);
  E->targets = calloc((size_t)E->npe, sizeof *E->targets);
  E->rowmap[0] = calloc((size_t)E->Hp, sizeof(int));
  E->rowmap[1] = calloc((size_t)E->Hp, sizeof(int));
  E->tg = calloc((size_t)E->npe, sizeof *E->tg);
  /* Channel sets of a pass: r per channel group, g channel groups. */
  const size_t nsets = (size_t)m->r * (size_t)EY_MIN(m->g, E->g.G);
  E->tg_off = calloc(nsets * (size_t)E->Hp + 1, sizeof *E->tg_off);
  E->tg_xbus = calloc(nsets * (size_t)E->Hp + 1, sizeof *E->tg_xbus);
  E->cset = calloc(nsets * (size_t)m->q, sizeof *E->cset); /* a tile's channels, at most */
  E->srows = calloc((size_t)E->Hp, sizeof *E->srows);
  E->grp = calloc((size_t)E->npe, sizeof *E->grp);
  E->lcol = calloc((size_t)E->npe, sizeof *E->lcol);
  E->glist = calloc((size_t)E->npe, sizeof *E->glist);
  E->dirty = calloc((size_t)E->npe, sizeof *E->dirty);
  E->is_dirty = calloc((size_t)E->npe, 1);
  E->is_done = calloc((size_t)E->npe, 1);
  E->sleep_until = calloc((size_t)E->npe, sizeof *E->sleep_until);
  E->sleep_from = calloc((size_t)E->npe, sizeof *E->sleep_from);
  E->asleep = calloc((size_t)E->npe, 1);
  E->on_event = calloc((size_t)E->npe, 1);
  E->sleep_cls = calloc((size_t)E->npe, 1);
  E->wheel_prev = calloc((size_t)E->npe, sizeof *E->wheel_prev);
  E->gated_seen = calloc((size_t)E->npe, sizeof *E->gated_seen);
  E->awake = calloc((size_t)E->npe, sizeof *E->awake);
  E->wheel_next = calloc((size_t)E->npe, sizeof *E->wheel_next);
  /* A timed wake is at most a column ahead (p*q*S <= pe.filter_spad_words MAC
   * cycles) or a MAC pipeline's depth. */
  const int ahead = EY_MAX(a->filter_spad_words, ey_mac_latency(a)) + 1;
  for (E->wheel_size = 2; E->wheel_size <= ahead; E->wheel_size *= 2) {
  }
  /* Waveforms need every cycle: exact stepping while the window is ahead
   * (window_passed() goes back to fast stepping after it). */
  E->sampling = E->o->sample != NULL;
  E->fast_after = E->sampling && E->batch;
  if (E->sampling) E->batch = 0;
  if (E->sampling) {
    E->s_cls = calloc((size_t)E->npe, 1);
    E->s_mask = calloc((size_t)E->npe, 1);
    E->s_ifw = calloc((size_t)E->npe, sizeof *E->s_ifw);
    E->s_psw = calloc((size_t)E->npe, sizeof *E->s_psw);
    E->s_br = calloc((size_t)a->glb_banks, 1);
    E->s_bw = calloc((size_t)a->glb_banks, 1);
    if (!E->s_cls || !E->s_mask || !E->s_ifw || !E->s_psw || !E->s_br || !E->s_bw)
      return ey_err_set(err, EY_NOMEM, "out of memory");
    E->smp.layer = l;
    E->smp.rows = a->rows;
    E->smp.cols = a->cols;
    E->smp.banks = a->glb_banks;
    E->smp.cls = E->s_cls;
    E->smp.ifmap_words = E->s_ifw;
    E->smp.psum_words = E->s_psw;
    E->smp.bank_reads = E->s_br;
    E->smp.bank_writes = E->s_bw;
  }
  E->wheel = malloc(sizeof *E->wheel * (size_t)E->wheel_size);
  if (E->wheel)
    for (int b = 0; b < E->wheel_size; b++) E->wheel[b] = -1;
  if (!E->pe || !E->act || !E->granted || !E->cls || !E->room || !E->gin_seq || !E->gon_seq ||
      !E->chain_pos || !E->targets || !E->cset || !E->rowmap[0] || !E->rowmap[1] || !E->tg ||
      !E->tg_off || !E->tg_xbus || !E->srows || !E->grp || !E->lcol || !E->glist || !E->dirty ||
      !E->is_dirty || !E->is_done || !E->sleep_until || !E->gated_seen || !E->awake ||
      !E->wheel_next || !E->wheel || !E->sleep_from || !E->asleep || !E->on_event ||
      !E->sleep_cls || !E->wheel_prev)
    return ey_err_set(err, EY_NOMEM, "out of memory");
  for (int x = 0; x < E->npe; x++)
    if (ey_pe_init(&E->pe[x], a->filter_spad_words, a->ifmap_spad_words, a->ifmap_fifo_words,
                   a->psum_spad_words, a->psum_fifo_words))
      return ey_err_set(err, EY_NOMEM, "out of memory");
  /* The networks of the arch's noc.impl (the schema admits only those eyesim has). */
  const int psr = ey_psum_routers(a);
  if (a->noc_impl == EY_NOC_HMESH) {
    E->mesh = 1;
    const ey_noc_mesh gi = {EY_MESH_IFMAP, a->mesh_cluster_rows, a->mesh_cluster_cols,
                            a->mesh_ifmap_routers, a->mesh_hop_cycles};
    const ey_noc_mesh gw = {EY_MESH_WEIGHT, a->mesh_cluster_rows, a->mesh_cluster_cols,
                            a->mesh_cluster_rows, a->mesh_hop_cycles};
    const size_t ncl =
        (size_t)(a->rows / a->mesh_cluster_rows) * (size_t)(a->cols / a->mesh_cluster_cols);
    const size_t nst = ncl * (size_t)a->mesh_ifmap_routers; /* a region per cluster at most */
    const size_t slots = nsets * (size_t)E->Hp, pk = (size_t)m->q * slots;
    E->st = calloc(nst, sizeof *E->st);
    E->pl_c = calloc(pk, sizeof *E->pl_c);
    E->pl_yi = calloc(pk, sizeof *E->pl_yi);
    E->slot_st = calloc(slots, sizeof *E->slot_st);
    E->pset = calloc((size_t)E->npe, sizeof *E->pset);
    E->prow = calloc((size_t)E->npe, sizeof *E->prow);
    E->yidx = calloc((size_t)E->Hp, sizeof *E->yidx);
    E->band = calloc(nsets, sizeof *E->band);
    E->bfirst = calloc(ncl, sizeof *E->bfirst);
    E->bidx = calloc(ncl, sizeof *E->bidx);
    E->bwork = calloc(5 * nsets + ncl, sizeof *E->bwork);
    E->wsrc = calloc((size_t)a->cols, sizeof *E->wsrc);
    E->wsrc_group = calloc((size_t)a->cols, sizeof *E->wsrc_group);
    E->wwords = calloc((size_t)a->cols, sizeof *E->wwords);
    E->wlat = calloc((size_t)a->cols, sizeof *E->wlat);
    /* The longest path: the source's router and a link per cluster crossed. */
    const int maxlat =
        a->mesh_hop_cycles * (a->rows / a->mesh_cluster_rows + a->cols / a->mesh_cluster_cols - 1);
    for (E->lat_size = 2; E->lat_size <= maxlat; E->lat_size *= 2) {
    }
    if (a->glb_clustered) {
      if (!(E->pbank = malloc(sizeof *E->pbank * (size_t)E->npe)))
        return ey_err_set(err, EY_NOMEM, "out of memory");
      for (int x = 0; x < E->npe; x++) E->pbank[x] = psum_bank(E, x);
    }
    E->nmr[0] = (int)ncl * a->mesh_ifmap_routers;
    E->nmr[1] = (int)ncl * a->mesh_cluster_rows;
    for (int k = 0; k < 2; k++) {
      E->mrw[k] = calloc((size_t)E->nmr[k], sizeof *E->mrw[k]);
      E->mlw[k] = calloc((size_t)E->nmr[k] * 4, sizeof *E->mlw[k]);
      if (!E->mrw[k] || !E->mlw[k]) return ey_err_set(err, EY_NOMEM, "out of memory");
    }
    if (E->sampling) { /* the routers' signals */
      E->s_irw = calloc((size_t)E->nmr[0], 1);
      E->s_wrb = calloc((size_t)E->nmr[1], 1);
      E->wload_end = calloc((size_t)E->nmr[1], sizeof *E->wload_end);
      if (!E->s_irw || !E->s_wrb || !E->wload_end)
        return ey_err_set(err, EY_NOMEM, "out of memory");
      E->smp.ifmap_router_words = E->s_irw;
      E->smp.weight_router_busy = E->s_wrb;
    }
    E->lat = calloc((size_t)E->npe, sizeof *E->lat);
    E->inflight = calloc((size_t)E->npe, sizeof *E->inflight);
    E->arr = calloc((size_t)E->lat_size, sizeof *E->arr);
    if (!E->st || !E->pl_c || !E->pl_yi || !E->slot_st || !E->pset || !E->prow || !E->yidx ||
        !E->band || !E->bfirst || !E->bidx || !E->bwork || !E->wsrc || !E->wsrc_group ||
        !E->wwords || !E->wlat || !E->lat || !E->inflight || !E->arr)
      return ey_err_set(err, EY_NOMEM, "out of memory");
    ey_rc rc = ey_noc_init_mesh(&E->inoc, a->rows, a->cols, a->noc_ifmap_wpc, &gi);
    if (!rc) rc = ey_noc_init_mesh(&E->fnoc, a->rows, a->cols, a->noc_filter_wpc, &gw);
    if (rc == EY_MISUSE) /* ey_arch_check() refuses such an arch */
      return ey_err_set(err, rc, "noc.mesh: the clusters do not tile the %dx%d array", a->rows,
                        a->cols);
    if (rc) return ey_err_set(err, rc, "out of memory");
  } else if (a->noc_impl == EY_NOC_MULTICAST_BUS) {
    if (ey_noc_init(&E->inoc, &ey_noc_multicast_bus_ops, a->rows, a->cols, a->noc_ifmap_wpc) ||
        ey_noc_init(&E->fnoc, &ey_noc_multicast_bus_ops, a->rows, a->cols, a->noc_filter_wpc))
      return ey_err_set(err, EY_NOMEM, "out of memory");
  } else
    return ey_err_set(err, EY_MISUSE, "noc.impl %d: no such network implementation", a->noc_impl);
  if (ey_chains_init(&E->ch, E->npe, a->noc_psum_wpc * psr, a->noc_gon_wpc * psr))
    return ey_err_set(err, EY_NOMEM, "out of memory");
  ey_dram_cfg dc = {(uint32_t)a->core_mhz, (uint32_t)a->dram_mhz, (uint32_t)a->dram_bus_bits,
                    (uint32_t)a->word_bits, (uint32_t)a->dram_latency};
  /* The memory model: the caller's, or the arch's dram.impl (only `fixed` today). */
  ey_dram_init(&E->dram, &dc, E->o->dram_ops ? E->o->dram_ops : &ey_dram_fixed_ops);

  /* The largest tiles of the mapping size the GLB regions. */
  size_t max_ifm = 0;
  const int ga = EY_MIN(m->g, E->g.G);
  for (int o0 = 0; o0 < E->g.E; o0 += m->eg) {
    tile t = {.na = EY_MIN(m->n, E->g.N), .o0 = o0, .ta = EY_MIN(m->eg, E->g.E - o0)};
    size_t w = (size_t)t.na * (size_t)ga * (size_t)EY_MIN(m->q * m->r, E->g.Cg) *
               (size_t)tile_rows(E, &t, NULL) * (size_t)E->g.W;
    if (w > max_ifm) max_ifm = w;
  }
  size_t psum_words = (size_t)EY_MIN(m->n, E->g.N) * (size_t)ga * EY_MIN(m->m, E->g.Mg) *
                      EY_MIN(m->eg, E->g.E) * E->g.F;
  /* The staging region: glb.filter_kb, or one filter block (glb.filter_region). */
  const uint64_t staging = ey_staging_bits(a, ey_filter_block_bits(a, &E->g, m));
  const uint64_t cap = ey_glb_tile_bits(a, staging);
  const int dbuf = ey_ifmap_double_buffer(cap, (uint64_t)max_ifm * (uint64_t)a->word_bits,
                                          (uint64_t)psum_words * (uint64_t)a->psum_bits);
  ey_rc rc = ey_glb_init(&E->glb, cap, staging, max_ifm, a->word_bits, psum_words, a->psum_bits,
                         dbuf, a->glb_banks, a->glb_bank_ports);
  if (rc) return ey_err_set(err, rc, "%s: the mapping's tiles do not fit the GLB", l->name);
  /* Pass replay: fast stepping with nothing that watches a pass cycle by cycle. */
  E->replay = E->batch && !E->sampling && !E->o->access && !E->o->no_replay;
  const size_t nb = (size_t)E->glb.banks * 6;
  if (!(E->rs.bank = calloc(nb, sizeof *E->rs.bank)))
    return ey_err_set(err, EY_NOMEM, "out of memory");
  if (E->replay && replay_setup(E, err)) return EY_NOMEM;
  size_t nout = (size_t)E->g.N * l->M * E->g.E * E->g.F;
  E->raw = malloc(sizeof *E->raw * nout);
  E->out = malloc(sizeof *E->out * nout);
  E->pout = calloc(psum_words, sizeof *E->pout);
  if (!E->raw || !E->out || !E->pout) return ey_err_set(err, EY_NOMEM, "out of memory");
  if (ey_tensors_make(&E->T, l, a->word_bits, E->o->seed, ey_layer_zeros(l, E->o->zeros)))
    return ey_err_set(err, EY_NOMEM, "out of memory");
  ey_tensors_arith(&E->T, l, a->word_bits, a->psum_bits, a->product_shift);
  if (E->ifmap_in)
    memcpy(E->T.ifmap, E->ifmap_in,
           sizeof *E->T.ifmap * (size_t)E->g.N * (size_t)l->C * (size_t)E->g.H * (size_t)E->g.W);
  if (E->o->weights) /* caller-supplied weights replace the seeded ones */
    memcpy(E->T.weights, E->o->weights,
           sizeof *E->T.weights * (size_t)l->M * (size_t)E->g.Cg * (size_t)E->g.R * (size_t)E->g.S);
  if (E->o->bias) { /* requantization: the caller's bias and shift (data.h) */
    if (!(E->T.bias = malloc(sizeof *E->T.bias * (size_t)l->M)))
      return ey_err_set(err, EY_NOMEM, "out of memory");
    memcpy(E->T.bias, E->o->bias, sizeof *E->T.bias * (size_t)l->M);
  }
  if (E->o->shift_given) E->T.shift = E->o->shift;
  if (a->dram_rlc) { /* where each coded ifmap row starts (dram.rlc_layout) */
    size_t rows = (size_t)E->g.N * l->C * E->g.H;
    E->rlc_at = malloc(sizeof *E->rlc_at * (rows + 1));
    if (!E->rlc_at) return ey_err_set(err, EY_NOMEM, "out of memory");
    E->rlc_at[0] = 0;
    for (size_t r = 0; r < rows; r++) {
      const int16_t *v = E->T.ifmap + r * (size_t)E->g.W;
      E->rlc_at[r + 1] = E->rlc_at[r] + (a->rlc_rows ? 3 * ey_rlc_words(v, (uint64_t)E->g.W)
                                                     : ey_rlc_pairs(v, (uint64_t)E->g.W));
    }
  }
  return EY_OK;
}

static void teardown(eng *E) {
  if (E->rp)
    for (int k = 0; k <= RP_MAX; k++) {
      free(E->rp[k].d.bank);
      free(E->rp[k].sig);
    }
  free(E->rp);
  free(E->snap.bank);
  free(E->rs.bank);
  free(E->rrow);
  free(E->racc);
  free(E->rzeros);
  free(E->use);
  free(E->sig);
  if (E->pe)
    for (int x = 0; x < E->npe; x++) ey_pe_fini(&E->pe[x]);
  free(E->pe);
  free(E->act);
  free(E->granted);
  free(E->cls);
  free(E->room);
  free(E->gin_seq);
  free(E->gon_seq);
  free(E->chain_pos);
  free(E->targets);
  free(E->rowmap[0]);
  free(E->rowmap[1]);
  free(E->tg);
  free(E->cset);
  free(E->tg_off);
  free(E->tg_xbus);
  free(E->srows);
  free(E->grp);
  free(E->lcol);
  free(E->glist);
  free(E->dirty);
  free(E->is_dirty);
  free(E->is_done);
  free(E->sleep_until);
  free(E->sleep_from);
  free(E->asleep);
  free(E->on_event);
  free(E->sleep_cls);
  free(E->wheel_prev);
  free(E->gated_seen);
  free(E->awake);
  free(E->wheel);
  free(E->wheel_next);
  free(E->s_cls);
  free(E->s_mask);
  free(E->s_ifw);
  free(E->s_psw);
  free(E->s_br);
  free(E->s_bw);
  free(E->fl_req);
  free(E->fl_bytes);
  free(E->xcol);
  free(E->raw);
  free(E->out);
  ey_noc_fini(&E->inoc);
  ey_noc_fini(&E->fnoc);
  free(E->st);
  free(E->pl_c);
  free(E->pl_yi);
  free(E->slot_st);
  free(E->pset);
  free(E->prow);
  free(E->yidx);
  free(E->band);
  free(E->bfirst);
  free(E->bidx);
  free(E->bwork);
  for (int k = 0; k < 2; k++) {
    free(E->mrw[k]);
    free(E->mlw[k]);
  }
  free(E->s_irw);
  free(E->s_wrb);
  free(E->wload_end);
  free(E->wsrc_group);
  free(E->wsrc);
  free(E->wwords);
  free(E->wlat);
  free(E->lat);
  free(E->pbank);
  free(E->inflight);
  if (E->arr)
    for (int k = 0; k < E->lat_size; k++) {
      free(E->arr[k].pe);
      free(E->arr[k].v);
    }
  free(E->arr);
  ey_chains_fini(&E->ch);
  ey_glb_fini(&E->glb);
  ey_dram_fini(&E->dram);
  free(E->tiles);
  free(E->rq);
  ey_tensors_free(&E->T);
  free(E->rlc_at);
  free(E->pout);
}

/* Every tile load of the layer, in loop-nest order. */
static tile *make_tiles(const eng *E, int *count) {
  const ey_mapping *m = E->m;
  int n = 0, cap = 64;
  tile *v = malloc(sizeof *v * (size_t)cap);
  for (int g = 0; v && g < E->g.G; g += m->g)
    for (int i0 = 0; i0 < E->g.N; i0 += m->n)
      for (int f0 = 0; f0 < E->g.Mg; f0 += m->m)
        for (int o0 = 0; o0 < E->g.E; o0 += m->eg)
          for (int c0 = 0; c0 < E->g.Cg; c0 += m->q * m->r) {
            if (n == cap) {
              tile *nv = realloc(v, sizeof *v * (size_t)(cap *= 2));
              if (!nv) {
                free(v);
                return NULL;
              }
              v = nv;
            }
            tile t = {.g = g,
                      .i0 = i0,
                      .na = EY_MIN(m->n, E->g.N - i0),
                      .f0 = f0,
                      .ma = EY_MIN(m->m, E->g.Mg - f0),
                      .o0 = o0,
                      .ta = EY_MIN(m->eg, E->g.E - o0),
                      .c0 = c0,
                      .ca = EY_MIN(m->q * m->r, E->g.Cg - c0),
                      .ga = EY_MIN(m->g, E->g.G - g)};
            t.tc = t.ga * t.ca;
            t.tm = t.ga * t.ma;
            v[n++] = t;
          }
  *count = n;
  return v;
}

static ey_rc check_outputs(eng *E, ey_err *err) {
  const ey_layer *l = E->l;
  size_t nout = (size_t)E->g.N * l->M * E->g.E * E->g.F;
  uint32_t *raw = malloc(sizeof *raw * nout);
  int16_t *out = malloc(sizeof *out * nout);
  if (!raw || !out) {
    free(raw);
    free(out);
    return ey_err_set(err, EY_NOMEM, "out of memory");
  }
  ey_golden_conv(l, &E->T, E->a->word_bits, raw, out);
  ey_rc rc = EY_OK;
  for (size_t i = 0; i < nout && !rc; i++)
    if (raw[i] != E->raw[i] || out[i] != E->out[i]) {
      size_t f = i % (size_t)E->g.F, e = i / (size_t)E->g.F % (size_t)E->g.E;
      size_t mm = i / ((size_t)E->g.F * E->g.E) % (size_t)l->M,
             n = i / ((size_t)E->g.F * E->g.E * l->M);
      rc =
          ey_err_set(err, EY_MISMATCH,
                     "%s: output [n=%zu][m=%zu][e=%zu][f=%zu] differs from the golden convolution: "
                     "expected psum %d (output %d), got psum %d (output %d)",
                     l->name, n, mm, e, f, (int32_t)raw[i], out[i], (int32_t)E->raw[i], E->out[i]);
    }
  free(raw);
  free(out);
  if (!rc) E->ms.checked = 1;
  return rc;
}

/* Sums the components' counters into E->ms (the classes of a pass in flight
 * included), for a layer done or part way. */
static void collect(const eng *E, ey_meas *out) {
  *out = E->ms;
  if (E->in_pass)
    for (int c = 0; c < EY_NCLASSES; c++) out->classes[c] += E->ps.cl[c];
  ey_counts *c = &out->c;
  memset(c, 0, sizeof *c);
  const rp_counts *rs = &E->rs; /* what replayed passes moved */
  c->macs = rs->pe.macs;
  c->macs_gated = rs->pe.macs_gated;
  for (int ty = 0; ty < 3; ty++) {
    c->spad_reads[ty] = rs->pe.spad_reads[ty];
    c->spad_writes[ty] = rs->pe.spad_writes[ty];
  }
  for (int x = 0; x < E->npe; x++) {
    const ey_pe_stats *s = &E->pe[x].stats;
    c->macs += s->macs;
    c->macs_gated += s->macs_gated;
    for (int ty = 0; ty < 3; ty++) {
      c->spad_reads[ty] += s->spad_reads[ty];
      c->spad_writes[ty] += s->spad_writes[ty];
    }
  }
  c->noc_ifmap = E->inoc.stats.transfers + rs->inoc.transfers;
  c->noc_ifmap_delivered = E->inoc.stats.delivered + rs->inoc.delivered;
  c->noc_filter = E->fnoc.stats.transfers;
  c->noc_filter_delivered = E->fnoc.stats.delivered;
  c->noc_ifmap_xbuses = E->inoc.stats.xbuses + rs->inoc.xbuses;
  c->noc_filter_xbuses = E->fnoc.stats.xbuses;
  c->noc_ifmap_links_x = E->mlinks[0];
  c->noc_ifmap_links_y = E->mlinks[1];
  c->noc_filter_links = E->mlinks[2];
  c->noc_psum_in = E->ch.stats.gin_words + rs->ch.gin_words;
  c->noc_psum_local = E->ch.stats.local_words + rs->ch.local_words;
  c->noc_psum_out = E->ch.stats.gon_words + rs->ch.gon_words;
  for (int ty = 0; ty < 3; ty++) {
    c->glb_reads[ty] = E->glb.stats.reads[ty] + rs->glb_reads[ty];
    c->glb_writes[ty] = E->glb.stats.writes[ty] + rs->glb_writes[ty];
    c->dram_reads[ty] = E->dram.stats.read_words[ty];
    c->dram_writes[ty] = E->dram.stats.write_words[ty];
  }
  out->cycles = E->now;
  out->pes = (uint64_t)E->npe;
  out->ifmap_bus_blocked = E->inoc.stats.blocked_cycles + rs->inoc.blocked_cycles;
  for (int ty = 0; ty < 3; ty++)
    out->dram_bits[ty] = E->dram.stats.read_bits[ty] + E->dram.stats.write_bits[ty];
  out->glb_conflicts = E->glb.stats.conflicts + rs->glb_conflicts;
  out->psum_wraps = E->psum_wraps;
  out->glb_banks = E->glb.banks;
  const int nb = E->glb.banks, per = EY_CEIL_DIV(nb, EY_MEAS_BANKS);
  out->glb_banks_per_entry = per;
  memset(out->glb_bank_reads, 0, sizeof out->glb_bank_reads);
  memset(out->glb_bank_writes, 0, sizeof out->glb_bank_writes);
  for (int b = 0; b < nb; b++)
    for (int ty = 0; ty < 3; ty++) {
      out->glb_bank_reads[b / per][ty] +=
          E->glb.stats.bank_reads[b * 3 + ty] + rs->bank[b * 3 + ty];
      out->glb_bank_writes[b / per][ty] +=
          E->glb.stats.bank_writes[b * 3 + ty] + rs->bank[nb * 3 + b * 3 + ty];
    }
  out->ifmap_multicasts = E->inoc.stats.multicasts + rs->inoc.multicasts;
  out->ifmap_unicasts = E->inoc.stats.unicasts + rs->inoc.unicasts;
  out->filter_multicasts = E->fnoc.stats.multicasts;
  out->filter_unicasts = E->fnoc.stats.unicasts;
  for (int k = 0; k < 2 && E->mesh; k++) {
    for (int r = 0; r < E->nmr[k]; r++) {
      const uint64_t w = E->mrw[k][r];
      out->mesh_routers_used[k] += w > 0;
      out->mesh_router_words[k] += w;
      out->mesh_router_words_max[k] = EY_MAX(out->mesh_router_words_max[k], w);
    }
    for (int l = 0; l < 4 * E->nmr[k]; l++) {
      out->mesh_links_used[k] += E->mlw[k][l] > 0;
      out->mesh_link_words_max[k] = EY_MAX(out->mesh_link_words_max[k], E->mlw[k][l]);
    }
  }
}

ey_rc ey_engine_create(const ey_arch *a, const ey_layer *l, const ey_mapping *m,
                       const ey_engine_opts *o, const int16_t *ifmap, ey_engine **out,
                       ey_err *err) {
  *out = NULL;
  ey_err why;
  if (ey_mapping_check(l, a, m, &why))
    return ey_err_set(err, EY_MISUSE, "%s: illegal mapping: %s", l->name, why.msg);
  if (o->shift_given && (o->shift < 0 || o->shift > 31))
    return ey_err_set(err, EY_MISUSE, "%s: requantization shift: expected 0 to 31 (got %d)",
                      l->name, o->shift);
  /* The layer's tensors are sized before anything is allocated from them. */
  ey_rc trc = ey_tensors_check(l, err);
  if (trc) return trc;
  eng *E = calloc(1, sizeof *E);
  if (!E) return ey_err_set(err, EY_NOMEM, "out of memory");
  E->a = a;
  E->l = l;
  E->m = m;
  E->o = o;
  E->batch = o->step != EY_STEP_EXACT;
  E->ifmap_in = ifmap;
  ey_rc rc = setup(E, err);
  if (!rc && !(E->tiles = make_tiles(E, &E->ntiles)))
    rc = ey_err_set(err, EY_NOMEM, "out of memory");
  if (!rc && E->ntiles > 1) { /* the next tile comes into the room beside this one */
    const uint64_t ring = ey_ifmap_ring_words(
        a, E->glb.avail_bits, (uint64_t)E->glb.ifm_words * (uint64_t)a->word_bits,
        (uint64_t)E->glb.psum_words * (uint64_t)a->psum_bits, (uint64_t)E->g.W);
    if (ring && (rc = ey_glb_set_ring(&E->glb, ring, a->word_bits, a->psum_bits)))
      rc = rc == EY_NOMEM ? ey_err_set(err, rc, "out of memory")
                          : ey_err_set(err, rc, "%s: the ifmap ring does not fit the GLB", l->name);
  }
  if (rc) {
    ey_engine_destroy(E);
    return rc;
  }
  E->filter_prefetch = ey_filter_prefetch(a, ey_filter_block_bits(a, &E->g, m));
  E->dram_lat_core =
      ((ey_cycle)a->dram_latency * (ey_cycle)a->core_mhz + (ey_cycle)a->dram_mhz - 1) /
      (ey_cycle)a->dram_mhz;
  E->state = ST_TILE;
  *out = E;
  return EY_OK;
}

ey_rc ey_engine_step(ey_engine *E, ey_cycle until, ey_err *err) {
  if (E->rc) return ey_err_set(err, E->rc, "%s", E->err.msg);
  if (!E->finished) {
    E->blocked = 0;
    ey_rc rc = advance(E, until, &E->err);
    if (!rc && E->state == ST_DONE) {
      if (E->o->check) rc = check_outputs(E, &E->err);
      E->finished = 1;
    }
    if (rc) {
      E->rc = rc;
      return ey_err_set(err, rc, "%s", E->err.msg);
    }
  }
  if (E->finished) return EY_DONE;
  return E->blocked ? EY_WAIT : EY_OK;
}

void ey_engine_quiet_until(ey_engine *E, ey_cycle c) {
  if (c > E->quiet) E->quiet = c;
}

ey_cycle ey_engine_now(const ey_engine *E) {
  return E->now;
}

int ey_engine_done(const ey_engine *E) {
  return E->finished;
}

void ey_engine_stats(const ey_engine *E, ey_meas *out) {
  collect(E, out);
}

ey_dram *ey_engine_dram(ey_engine *E) {
  return &E->dram;
}

ey_vcd_frame ey_sample_frame(const ey_sample *s) {
  const ey_vcd_frame fr = {
      .cycle = s->cycle,
      .pe_state = s->cls,
      .ifmap_words = s->ifmap_words,
      .psum_words = s->psum_words,
      .ifmap_valid = s->ifmap_valid,
      .ifmap_sent = s->ifmap_sent,
      .ifmap_cast = s->ifmap_cast,
      .filter_busy = s->filter_busy,
      .psum_in = s->psum_in,
      .psum_local = s->psum_local,
      .psum_out = s->psum_out,
      .bank_reads = s->bank_reads,
      .bank_writes = s->bank_writes,
      .dram_busy = s->dram_busy,
      .dram_bytes_in_flight = s->dram_bytes_in_flight,
      .ifmap_router_words = s->ifmap_router_words,
      .weight_router_busy = s->weight_router_busy,
  };
  return fr;
}

const int16_t *ey_engine_outputs(const ey_engine *E) {
  return E->out;
}

uint64_t ey_engine_request_runs(const ey_engine *E, uint64_t id, ey_dram_run *runs, uint64_t max) {
  if (!id || id > E->nrq || id > E->dram.nreq) return 0;
  const ey_dram_req *r = &E->dram.req[id - 1];
  const struct reqshape *q = &E->rq[id - 1];
  const tile *t = &E->tiles[q->ti];
  const ey_geom *g = &E->g;
  uint64_t n = 0;
#define EY_RUN(a, w)                                \
  do {                                              \
    if (n < max) runs[n] = (ey_dram_run){(a), (w)}; \
    n++;                                            \
  } while (0)
  if (r->type == EY_FILTER) {
    for (int gi = 0; gi < t->ga; gi++)
      for (int f = 0; f < q->pa; f++)
        EY_RUN((((uint64_t)(t->g + gi) * g->Mg + (uint64_t)(q->fp + f)) * g->Cg + (uint64_t)t->c0) *
                   g->R * g->S,
               (uint64_t)t->ca * g->R * g->S);
  } else if (r->is_write) { /* filters fp .. fp + pa - 1 of each group, rows os .. */
    for (int im = 0; im < t->na; im++)
      for (int gi = 0; gi < t->ga; gi++)
        for (int k = 0; k < q->pa; k++)
          for (int ol = q->os - t->o0; ol < q->os - t->o0 + q->ea; ol++)
            EY_RUN((uint64_t)out_row(E, t, im, gi * t->ma + q->fp - t->f0 + k, ol) * g->F,
                   (uint64_t)g->F);
  } else { /* rows fp .. fp + pa - 1 of the tile */
    int k = 0;
    for (int im = 0; im < t->na; im++)
      for (int c = 0; c < t->tc; c++)
        for (int y = 0; y < E->Hp; y++)
          if (row_used(E, t, y) && k++ >= q->fp && k <= q->fp + q->pa)
            EY_RUN((uint64_t)in_row(E, t, im, c, y) * g->W, (uint64_t)g->W);
  }
#undef EY_RUN
  return n;
}

void ey_engine_destroy(ey_engine *E) {
  if (!E) return;
  teardown(E);
  free(E);
}

ey_rc ey_engine_run_layer(const ey_arch *a, const ey_layer *l, const ey_mapping *m,
                          const ey_engine_opts *o, const int16_t *ifmap, ey_meas *out,
                          ey_err *err) {
  memset(out, 0, sizeof *out);
  ey_engine *E;
  ey_rc rc = ey_engine_create(a, l, m, o, ifmap, &E, err);
  if (rc) return rc;
  do rc = ey_engine_step(E, EY_CYCLE_NEVER, err);
  while (rc == EY_OK);
  if (rc == EY_WAIT) /* only a memory served from outside leaves a completion unsaid */
    rc = ey_err_set(err, EY_MISUSE,
                    "%s: the layer waits for a memory completion that nothing delivers", l->name);
  if (rc == EY_DONE) {
    rc = EY_OK;
    collect(E, out);
    if (o->outputs)
      memcpy(o->outputs, ey_engine_outputs(E),
             sizeof *o->outputs * (size_t)ey_tensor_values(l, EY_PSUM));
  }
  ey_engine_destroy(E);
  return rc;
}
