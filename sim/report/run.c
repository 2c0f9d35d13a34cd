/* run.c - map and cost every layer of a network, then simulate the layers, one
 * at a time or several at once, each on a thread of its own. */
#include "sim/report/run.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Maps and costs one layer; returns EY_OK with x->mapped = 0 when it cannot map. */
static ey_rc map_layer(ey_layer_result *x, const ey_arch *a, int objective, const ey_mapfile *mf,
                       ey_err *err) {
  if (mf) {
    ey_rc rc = ey_mapfile_lookup(mf, x->layer, a, &x->map, err);
    if (rc) return rc;
    ey_mapping_cost(x->layer, a, &x->map, &x->cost);
    x->mapped = 1;
    return EY_OK;
  }
  ey_err why;
  ey_rc rc = ey_map_layer(x->layer, a, objective, &x->map, &x->cost, NULL, &why);
  if (rc == EY_NOMAP) {
    snprintf(x->why, sizeof x->why, "%s", why.msg);
    return EY_OK;
  }
  if (rc) return ey_err_set(err, rc, "%s", why.msg);
  x->mapped = 1;
  return EY_OK;
}

static ey_rc report_init(ey_report *r, const ey_arch *a, const ey_net *net, int objective,
                         const ey_mapfile *mf, const ey_engine_opts *engine,
                         const ey_act_trace *act, ey_err *err) {
  memset(r, 0, sizeof *r);
  r->arch = a;
  r->net = net;
  r->objective = objective;
  r->mapping_from = mf ? "file" : "search";
  r->engine = engine;
  r->activations = act ? act->path : NULL;
  r->res = calloc((size_t)(net->nlayers ? net->nlayers : 1), sizeof *r->res);
  if (!r->res) return ey_err_set(err, EY_NOMEM, "out of memory");
  r->nlayers = net->nlayers;
  for (int i = 0; i < net->nlayers; i++) {
    r->res[i].layer = &net->layers[i];
    char name[EY_ACT_NAME_MAX];
    snprintf(name, sizeof name, "%s.ifmap", net->layers[i].name);
    if (act && ey_act_find(act, name)) r->activation_layers++;
  }
  return EY_OK;
}

/* Simulates the mapped layer x with the options `lo` (the caller's, with this
 * layer's cycle_base and stepping), on its ifmap from `act` when the trace holds
 * it. Touches x and nothing else that is shared. */
static ey_rc simulate_layer(ey_layer_result *x, int i, const ey_arch *a, ey_engine_opts *lo,
                            const ey_act_trace *act, ey_netdata *nd, ey_err *err) {
  int16_t *ifmap = NULL;
  const ey_layer *l = x->layer;
  char name[EY_ACT_NAME_MAX];
  snprintf(name, sizeof name, "%s.ifmap", l->name);
  const ey_act_tensor *t = act ? ey_act_find(act, name) : NULL;
  if (t) {
    const int want[4] = {l->N, l->C, l->H, l->W};
    if (memcmp(t->shape, want, sizeof want))
      return ey_err_set(
          err, EY_MISMATCH,
          "%s: tensor %s: shape (%d, %d, %d, %d) does not match layer %s (%d, %d, %d, %d)",
          act->path, name, t->shape[0], t->shape[1], t->shape[2], t->shape[3], l->name, l->N, l->C,
          l->H, l->W);
    ifmap = malloc(sizeof *ifmap * (size_t)l->N * (size_t)l->C * (size_t)l->H * (size_t)l->W);
    if (!ifmap) return ey_err_set(err, EY_NOMEM, "out of memory");
    ey_rc drc = ey_act_decode(act, t, ifmap, err);
    if (drc) {
      free(ifmap);
      return drc;
    }
    x->replayed = 1;
  }
  const int16_t *in = ifmap;
  ey_rc rc = nd ? ey_netdata_begin(nd, i, ifmap, lo, &in, err) : EY_OK;
  if (!rc) rc = ey_engine_run_layer(a, l, &x->map, lo, in, &x->meas, err);
  if (nd) ey_netdata_end(nd, i, rc);
  free(ifmap);
  if (rc) return rc;
  x->simulated = 1;
  /* DRAM energy follows the bits that crossed the bus (fewer when coded). */
  x->meas_energy_total = ey_energy_of(&x->meas.c, a, x->meas.dram_bits, x->meas_energy);
  return EY_OK;
}

/* ------------------------------------------------------------------ the run */

enum { JOB_WAITING = 0, JOB_RUNNING, JOB_DONE, JOB_FAILED };

struct run_state;

typedef struct job {
  struct run_state *s;
  int i;
  int state;  /* JOB_*, under s->mu */
  int joined; /* the caller has joined its thread */
  pthread_t tid;
  ey_engine_opts lo; /* the layer's own copy */
  ey_rc rc;
  ey_err err;
} job;

/* What the caller and the layers' threads share. It is freed by the last of
 * them to leave: a stopped run may return while threads still run. */
typedef struct run_state {
  pthread_mutex_t mu;
  pthread_cond_t cv; /* a layer ended */
  int refs;          /* the caller, and every thread not yet ended */
  int failed;        /* layers that failed */
  ey_report *r;
  const ey_arch *a;
  const ey_act_trace *act;
  ey_netdata *data;
  void (*ended)(void *ctx, int i, ey_rc rc);
  void *ctx;
  job *jobs; /* per layer */
} run_state;

/* Drops one reference, under s->mu (which it releases); frees s after the last. */
static void state_leave(run_state *s) {
  int last = --s->refs == 0;
  pthread_mutex_unlock(&s->mu);
  if (!last) return;
  pthread_mutex_destroy(&s->mu);
  pthread_cond_destroy(&s->cv);
  free(s->jobs);
  free(s);
}

static void *layer_thread(void *arg) {
  job *j = arg;
  run_state *s = j->s;
  ey_rc rc = simulate_layer(&s->r->res[j->i], j->i, s->a, &j->lo, s->act, s->data, &j->err);
  if (s->ended) s->ended(s->ctx, j->i, rc);
  pthread_mutex_lock(&s->mu);
  j->rc = rc;
  j->state = rc ? JOB_FAILED : JOB_DONE;
  if (rc) s->failed++;
  pthread_cond_signal(&s->cv);
  state_leave(s);
  return NULL;
}

/* Starts layer j's thread with SIGINT and SIGTERM blocked, and a stack of at
 * least 8 MiB (a main thread's usual limit). Returns 0 or an errno value. */
static int start_thread(job *j) {
  pthread_attr_t at;
  int e = pthread_attr_init(&at);
  if (e) return e;
  size_t stack = 0;
  if (!pthread_attr_getstacksize(&at, &stack) && stack < ((size_t)8 << 20))
    pthread_attr_setstacksize(&at, (size_t)8 << 20);
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  e = pthread_create(&j->tid, &at, layer_thread, j);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&at);
  return e;
}

static int stopped(const ey_run_ctl *ctl) {
  return ctl->stop && *ctl->stop;
}

ey_rc ey_report_run(ey_report *r, const ey_arch *a, const ey_net *net, int objective,
                    const ey_mapfile *mf, const ey_engine_opts *engine, const ey_act_trace *act,
                    ey_run_ctl *ctl, ey_err *err) {
  ey_run_ctl one_job;
  if (!ctl) {
    memset(&one_job, 0, sizeof one_job);
    ctl = &one_job;
  }
  ctl->abandoned = 0;
  ey_rc rc = report_init(r, a, net, objective, mf, engine, act, err);
  r->data = ctl->data;
  const int n = net->nlayers;
  for (int i = 0; !rc && i < n; i++) {
    if (stopped(ctl)) {
      r->stopped = *ctl->stop;
      r->nlayers = engine ? 0 : i;
      break;
    }
    rc = map_layer(&r->res[i], a, objective, mf, err);
  }
  if (rc) return rc;
  if (!engine || r->stopped) {
    for (int i = 0; ctl->done && i < r->nlayers; i++) ctl->done(ctl->ctx, r, i);
    return EY_OK;
  }

  run_state *s = calloc(1, sizeof *s);
  job *jobs = calloc((size_t)(n ? n : 1), sizeof *jobs);
  pthread_condattr_t ca;
  int cv_ok = 0, mu_ok = 0;
  if (s && jobs && !pthread_condattr_init(&ca)) {
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    cv_ok = !pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    mu_ok = cv_ok && !pthread_mutex_init(&s->mu, NULL);
  }
  if (!mu_ok) {
    if (cv_ok) pthread_cond_destroy(&s->cv);
    free(jobs);
    free(s);
    return ey_err_set(err, EY_NOMEM, "out of memory");
  }
  s->refs = 1;
  s->r = r;
  s->a = a;
  s->act = act;
  s->data = ctl->data;
  s->ended = ctl->ended;
  s->ctx = ctl->ctx;
  s->jobs = jobs;
  for (int i = 0; i < n; i++) {
    jobs[i].s = s;
    jobs[i].i = i;
    jobs[i].state = r->res[i].mapped ? JOB_WAITING : JOB_DONE;
    jobs[i].joined = 1; /* until it has a thread */
  }

  /* A whole-network run feeds each layer what the layers before it computed. */
  int width = ctl->jobs > 0 && !(ctl->data && ey_netdata_chained(ctl->data)) ? ctl->jobs : 1;
  int next = 0;    /* the next layer to start */
  int told = 0;    /* layers told done, in order */
  int running = 0; /* threads started and not yet joined */
  /* The sampler, if any, sees the layers that start before its window ends, one
   * at a time; once the window is behind the finished layers none samples. */
  int sampling = engine->sample != NULL;
  ey_cycle base = 0; /* run cycle at which layer `told` starts */
  pthread_mutex_lock(&s->mu);
  /* Each pass looks at the jobs, tells, starts and waits under one hold of the
   * lock, so no layer's end goes unseen; telling releases it, and then the pass
   * starts again. The threads not yet joined are all at `told` or after. */
  for (;;) {
    /* Join the threads that ended: a thread marks its job ended, under s->mu, as
     * the last thing it does with what is shared. */
    running = 0;
    for (int i = told; i < next; i++) {
      job *j = &jobs[i];
      if (j->joined) continue;
      if (j->state >= JOB_DONE) {
        pthread_join(j->tid, NULL);
        j->joined = 1;
      } else {
        running++;
      }
    }
    /* Tell the next layer if it is done. */
    if (told < n && jobs[told].state == JOB_DONE) {
      if (r->res[told].simulated) base += r->res[told].meas.cycles;
      if (ctl->done) {
        pthread_mutex_unlock(&s->mu);
        ctl->done(ctl->ctx, r, told);
        pthread_mutex_lock(&s->mu);
      }
      told++;
      continue;
    }
    if (told == n) break;
    if (jobs[told].state == JOB_FAILED) { /* the first failure in layer order */
      *err = jobs[told].err;
      rc = jobs[told].rc;
      break;
    }
    if (stopped(ctl)) {
      r->stopped = *ctl->stop;
      break;
    }
    while (!s->failed && running < width && next < n) {
      if (jobs[next].state == JOB_DONE) { /* not mapped */
        next++;
        continue;
      }
      job *j = &jobs[next];
      j->lo = *engine;
      j->lo.cycle_base = 0;
      if (sampling) {
        if (next != told || running) break; /* its cycle_base is not known yet */
        if (base < engine->sample_until) {
          /* The engine steps exactly while the window is ahead of it. */
          j->lo.cycle_base = base;
        } else {
          sampling = 0;
        }
      }
      if (!sampling) {
        j->lo.sample = NULL;
        j->lo.sample_ctx = NULL;
      }
      int e = start_thread(j);
      if (e) {
        if (running) { /* run with the threads there are */
          width = running;
          break;
        }
        rc = ey_err_set(err, EY_NOMEM, "cannot start a thread (%s)", strerror(e));
        break;
      }
      j->state = JOB_RUNNING;
      j->joined = 0;
      s->refs++;
      running++;
      next++;
    }
    if (rc) break;
    if (ctl->stop) { /* wake now and then to look at the stop flag */
      struct timespec until;
      clock_gettime(CLOCK_MONOTONIC, &until);
      until.tv_nsec += 50 * 1000000L;
      if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
      }
      pthread_cond_timedwait(&s->cv, &s->mu, &until);
    } else {
      pthread_cond_wait(&s->cv, &s->mu);
    }
  }
  /* Threads still running are left to finish on their own. */
  for (int i = 0; i < next; i++) {
    job *j = &jobs[i];
    if (j->joined) continue;
    if (j->state >= JOB_DONE) {
      pthread_join(j->tid, NULL);
    } else {
      pthread_detach(j->tid);
      ctl->abandoned++;
    }
    j->joined = 1;
  }
  if (r->stopped || rc) r->nlayers = told;
  state_leave(s);
  return rc;
}

void ey_report_free(ey_report *r) {
  free(r->res);
  r->res = NULL;
  r->nlayers = 0;
}
