// accelerator.cc - eyesim::Accelerator (accelerator.h; registers and descriptors in
// docs/systemc.md).
#include "sim/systemc/accelerator.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

extern "C" {
#include "dram/dram.h"
#include "mapper/mapper.h"
#include "sim/config/config.h"
}

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace eyesim {

namespace {

constexpr uint64_t kWordBytes = 2;  // tensors in platform memory: int16_t words

uint16_t Get16(const unsigned char *p) {
  return (uint16_t)(p[0] | p[1] << 8);
}
uint32_t Get32(const unsigned char *p) {
  return (uint32_t)Get16(p) | (uint32_t)Get16(p + 2) << 16;
}
uint64_t Get64(const unsigned char *p) {
  return (uint64_t)Get32(p) | (uint64_t)Get32(p + 4) << 32;
}

ey_arch LoadArch(const std::string &path) {
  ey_arch a;
  ey_err err;
  if (ey_arch_load(path.c_str(), &a, &err) != EY_OK) throw std::runtime_error(err.msg);
  return a;
}

}  // namespace

// One TLM transaction of a request.
struct Accelerator::Burst {
  Request *req = nullptr;
  tlm::tlm_generic_payload p;
  std::vector<unsigned char> data;
  sc_time issue;
};

// One DRAM request of the engine: its bursts, and the latest of their ends.
struct Accelerator::Request {
  uint64_t id = 0;
  ey_cycle issued = 0;
  sc_time t0, done;
  int pending = 0;
  std::vector<std::unique_ptr<Burst>> bursts;
};

Accelerator::Accelerator(sc_core::sc_module_name name, const ey_arch &arch,
                         const AcceleratorOptions &opts)
    : sc_module(name),
      regs("regs"),
      mem("mem"),
      irq("irq"),
      arch_(arch),
      opts_(opts),
      peq_(this, &Accelerator::at_response),
      status_sig_("status"),
      layer_sig_("layer"),
      busy_sig_("busy"),
      done_sig_("done"),
      error_sig_("error"),
      irq_sig_("irq_level") {
  init();
}

Accelerator::Accelerator(sc_core::sc_module_name name, const std::string &arch_path,
                         const AcceleratorOptions &opts)
    : Accelerator(name, LoadArch(arch_path), opts) {}

Accelerator::~Accelerator() {
  ey_engine_destroy(engine_);
}

void Accelerator::init() {
  period_ = sc_time(1.0 / arch_.core_mhz, sc_core::SC_US);
  regs.register_b_transport(this, &Accelerator::reg_b_transport);
  regs.register_transport_dbg(this, &Accelerator::reg_transport_dbg);
  mem.register_nb_transport_bw(this, &Accelerator::nb_transport_bw);
  mem.register_invalidate_direct_mem_ptr(this, &Accelerator::invalidate_dmi);
  SC_THREAD(run);
  SC_THREAD(at_send);
  SC_METHOD(drive);
  sensitive << drive_ev_;
  dont_initialize();
  status_sig_.write(status_);
}

void Accelerator::trace(sc_core::sc_trace_file *tf) const {
  const std::string n = name();
  sc_core::sc_trace(tf, status_sig_, n + ".status");
  sc_core::sc_trace(tf, busy_sig_, n + ".busy");
  sc_core::sc_trace(tf, done_sig_, n + ".done");
  sc_core::sc_trace(tf, error_sig_, n + ".error");
  sc_core::sc_trace(tf, irq_sig_, n + ".irq");
  sc_core::sc_trace(tf, layer_sig_, n + ".layer");
}

// ------------------------------------------------------------------ registers

uint32_t Accelerator::reg_read(uint32_t off) const {
  switch (off) {
    case kControl:
      return 0;
    case kStatus:
      return status_;
    case kIrqEnable:
      return irq_enable_;
    case kIrqStatus:
      return irq_status_;
    case kDescLo:
      return (uint32_t)desc_addr_;
    case kDescHi:
      return (uint32_t)(desc_addr_ >> 32);
    case kLayerCount:
      return layer_count_;
    case kId:
      return kIdValue;
    case kVersion:
      return EYESIM_VERSION_CODE;
    case kCyclesLo:
      return (uint32_t)cycles_;
    case kCyclesHi:
      return (uint32_t)(cycles_ >> 32);
    case kMacsLo:
      return (uint32_t)macs_;
    case kMacsHi:
      return (uint32_t)(macs_ >> 32);
    case kDramBytesLo:
      return (uint32_t)dram_bytes_;
    case kDramBytesHi:
      return (uint32_t)(dram_bytes_ >> 32);
    case kStallLo:
      return (uint32_t)stall_;
    case kStallHi:
      return (uint32_t)(stall_ >> 32);
    default:
      return 0;
  }
}

void Accelerator::reg_write(uint32_t off, uint32_t v) {
  const bool busy = status_ & kStBusy;
  switch (off) {
    case kControl:
      if (v & kCtrlSoftReset) {
        if (busy)
          abort_ = true;  // the list stops after the running layer
        else
          soft_reset();
      } else if ((v & kCtrlStart) && !busy) {
        status_ = kStBusy;
        cycles_ = macs_ = dram_bytes_ = stall_ = 0;
        results_.clear();
        abort_ = false;
        start_ev_.notify(SC_ZERO_TIME);
      }
      break;
    case kIrqEnable:
      irq_enable_ = v & (kIrqDone | kIrqError);
      break;
    case kIrqStatus:
      irq_status_ &= ~v;
      break;
    case kDescLo:
      if (!busy) desc_addr_ = (desc_addr_ & ~0xffffffffull) | v;
      break;
    case kDescHi:
      if (!busy) desc_addr_ = (desc_addr_ & 0xffffffffull) | (uint64_t)v << 32;
      break;
    case kLayerCount:
      if (!busy) layer_count_ = v;
      break;
    default:
      break;  // read-only registers ignore writes
  }
  update_status();
}

void Accelerator::soft_reset() {
  status_ = kStIdle;
  irq_enable_ = irq_status_ = layer_count_ = 0;
  desc_addr_ = 0;
  cycles_ = macs_ = dram_bytes_ = stall_ = 0;
  results_.clear();
  abort_ = false;
}

void Accelerator::update_status() {
  drive_ev_.notify(SC_ZERO_TIME);
}

// The one process that writes the output port and the traced signals.
void Accelerator::drive() {
  status_sig_.write(status_);
  busy_sig_.write(status_ & kStBusy);
  done_sig_.write(status_ & kStDone);
  error_sig_.write(status_ & kStError);
  const bool level = (irq_status_ & irq_enable_) != 0;
  irq_sig_.write(level);
  irq.write(level);
  layer_sig_.write(status_ >> 16);
}

void Accelerator::raise(uint32_t bits) {
  irq_status_ |= bits;
  update_status();
}

void Accelerator::fail(uint32_t cause) {
  status_ = (status_ & 0xffff0000u) | kStIdle | kStError | (cause & 0xff) << 8;
  raise(kIrqError);
}

void Accelerator::reg_b_transport(tlm::tlm_generic_payload &p, sc_time &) {
  const uint64_t a = p.get_address();
  if (p.get_byte_enable_ptr()) {
    p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (p.get_data_length() != 4 || p.get_streaming_width() != 4) {
    p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  if (a >= kRegSpan || a % 4) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  uint32_t v;
  if (p.is_read()) {
    v = reg_read((uint32_t)a);
    std::memcpy(p.get_data_ptr(), &v, 4);
  } else if (p.is_write()) {
    std::memcpy(&v, p.get_data_ptr(), 4);
    reg_write((uint32_t)a, v);
  } else {
    p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

// Debug accesses: whole registers, any number of them; reads have no side effect,
// writes reach the read-write registers only (DESC_*, LAYER_COUNT, IRQ_ENABLE).
unsigned Accelerator::reg_transport_dbg(tlm::tlm_generic_payload &p) {
  const uint64_t a = p.get_address(), n = p.get_data_length();
  if (a % 4 || n % 4 || a >= kRegSpan || n > kRegSpan - a) return 0;
  for (uint64_t i = 0; i < n; i += 4) {
    const uint32_t off = (uint32_t)(a + i);
    uint32_t v;
    if (p.is_read()) {
      v = reg_read(off);
      std::memcpy(p.get_data_ptr() + i, &v, 4);
    } else if (p.is_write()) {
      std::memcpy(&v, p.get_data_ptr() + i, 4);
      if (off == kDescLo || off == kDescHi || off == kLayerCount || off == kIrqEnable)
        reg_write(off, v);
    } else {
      return 0;
    }
  }
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  return (unsigned)n;
}

// ------------------------------------------------------------------ memory

void Accelerator::invalidate_dmi(sc_dt::uint64, sc_dt::uint64) {
  dmi_valid_ = dmi_tried_ = false;
}

bool Accelerator::load(uint64_t addr, void *dst, uint64_t len) {
  if (!len) return true;
  if (!dmi_tried_) {
    tlm::tlm_generic_payload p;
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_address(addr);
    dmi_valid_ = mem->get_direct_mem_ptr(p, dmi_);
    dmi_tried_ = true;
  }
  if (dmi_valid_ && dmi_.is_read_allowed() && addr >= dmi_.get_start_address() &&
      addr + len - 1 <= dmi_.get_end_address()) {
    std::memcpy(dst, dmi_.get_dmi_ptr() + (addr - dmi_.get_start_address()), len);
    return true;
  }
  tlm::tlm_generic_payload p;
  p.set_command(tlm::TLM_READ_COMMAND);
  p.set_address(addr);
  p.set_data_ptr(static_cast<unsigned char *>(dst));
  p.set_data_length((unsigned)len);
  p.set_streaming_width((unsigned)len);
  return mem->transport_dbg(p) == len;
}

void Accelerator::burst_done(Burst &b, const sc_time &at) {
  Request &r = *b.req;
  if (b.p.get_response_status() != tlm::TLM_OK_RESPONSE) mem_error_ = true;
  if (at > r.done) r.done = at;
  if (--r.pending) return;
  // The request completes at the first core clock edge at or after its last burst.
  const sc_time rel = r.done > r.t0 ? r.done - r.t0 : SC_ZERO_TIME;
  ey_cycle c = (ey_cycle)((rel.value() + period_.value() - 1) / period_.value());
  if (c < r.issued) c = r.issued;
  if (ey_dram_complete(ey_engine_dram(engine_), r.id, c) != EY_OK) mem_error_ = true;
}

bool Accelerator::issue_requests(ey_engine *e, const ey_layer &l, const ey_mapping &m,
                                 const uint64_t base[3], sc_time t0) {
  const uint64_t Cg = (uint64_t)(l.C / l.groups), Mg = (uint64_t)(l.M / l.groups);
  const uint64_t N = (uint64_t)l.N, M = (uint64_t)l.M, E = (uint64_t)l.E, F = (uint64_t)l.F;
  const uint64_t words[3] = {N * (uint64_t)l.C * (uint64_t)l.H * (uint64_t)l.W,
                             M * Cg * (uint64_t)l.R * (uint64_t)l.S, N * M * E * F};
  const uint64_t max_words = std::max<uint64_t>(1, opts_.max_burst_bytes / kWordBytes);
  const int16_t *out = ey_engine_outputs(e);
  ey_dram_req r;
  while (ey_dram_next_request(ey_engine_dram(e), &r)) {
    auto rq = std::make_unique<Request>();
    rq->id = r.id;
    rq->issued = r.issued;
    rq->t0 = t0;
    rq->done = SC_ZERO_TIME;
    // The elements the request moves, as runs of consecutive words.
    std::vector<std::pair<uint64_t, uint64_t>> runs;
    if (r.is_write) {
      // An ofmap tile (docs/mapping.md): m.n images x m.m filters x m.eg rows
      // from its first element, clipped at the layer's edges.
      const uint64_t o0 = r.addr / F % E, mg = r.addr / (F * E) % M, i0 = r.addr / (F * E * M);
      const uint64_t f0 = mg % Mg;
      const uint64_t na = std::min<uint64_t>((uint64_t)m.n, N - i0);
      const uint64_t ma = std::min<uint64_t>((uint64_t)m.m, Mg - f0);
      const uint64_t ta = std::min<uint64_t>((uint64_t)m.eg, E - o0);
      if (r.addr % F || na * ma * ta * F != r.words) return false;
      for (uint64_t im = 0; im < na; im++)
        for (uint64_t mf = 0; mf < ma; mf++)
          runs.push_back({(((i0 + im) * M + mg + mf) * E + o0) * F, ta * F});
    } else {
      // Reads: the request's words from its first element on, kept inside the
      // tensor (the engine has the values already: see docs/systemc.md).
      const uint64_t n = std::min(r.words, words[r.type]);
      runs.push_back({std::min(r.addr, words[r.type] - n), n});
    }
    const sc_time at = t0 + period_ * (double)r.issued;
    for (const auto &run : runs)
      for (uint64_t w = 0; w < run.second; w += max_words) {
        const uint64_t nw = std::min(max_words, run.second - w), el = run.first + w;
        auto b = std::make_unique<Burst>();
        b->req = rq.get();
        b->issue = at;
        b->data.resize(nw * kWordBytes);
        if (r.is_write) std::memcpy(b->data.data(), out + el, nw * kWordBytes);
        b->p.set_command(r.is_write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        b->p.set_address(base[r.type] + el * kWordBytes);
        b->p.set_data_ptr(b->data.data());
        b->p.set_data_length((unsigned)b->data.size());
        b->p.set_streaming_width((unsigned)b->data.size());
        b->p.set_byte_enable_ptr(nullptr);
        b->p.set_dmi_allowed(false);
        b->p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        rq->bursts.push_back(std::move(b));
      }
    rq->pending = (int)rq->bursts.size();
    Request *req = rq.get();
    requests_.push_back(std::move(rq));
    if (!req->pending) {  // nothing to move (cannot happen for a real request)
      ey_dram_complete(ey_engine_dram(e), req->id, req->issued);
      continue;
    }
    for (auto &b : req->bursts) {
      if (opts_.approximately_timed) {
        in_flight_[&b->p] = b.get();
        at_outstanding_++;
        at_queue_.push_back(b.get());
        at_queued_.notify(SC_ZERO_TIME);
        continue;
      }
      const sc_time now = sc_core::sc_time_stamp();
      sc_time delay = b->issue > now ? b->issue - now : SC_ZERO_TIME;
      mem->b_transport(b->p, delay);
      burst_done(*b, sc_core::sc_time_stamp() + delay);
    }
  }
  return true;
}

// AT: one BEGIN_REQ at a time (the base protocol's request exclusion), each at
// its request's core cycle or as soon after as the previous one was accepted.
void Accelerator::at_send() {
  for (;;) {
    while (at_queue_.empty()) wait(at_queued_);
    Burst *b = at_queue_.front();
    at_queue_.pop_front();
    const sc_time now = sc_core::sc_time_stamp();
    if (b->issue > now) wait(b->issue - now);
    tlm::tlm_phase ph = tlm::BEGIN_REQ;
    sc_time delay = SC_ZERO_TIME;
    end_req_seen_ = false;
    const tlm::tlm_sync_enum s = mem->nb_transport_fw(b->p, ph, delay);
    if (s == tlm::TLM_COMPLETED) {
      peq_.notify(b->p, tlm::BEGIN_RESP, delay);
    } else if (s == tlm::TLM_UPDATED && ph == tlm::BEGIN_RESP) {
      peq_.notify(b->p, tlm::BEGIN_RESP, delay);
    } else if (s == tlm::TLM_UPDATED && ph == tlm::END_REQ) {
      if (delay != SC_ZERO_TIME) wait(delay);
    } else {
      while (!end_req_seen_) wait(at_end_req_);
    }
  }
}

tlm::tlm_sync_enum Accelerator::nb_transport_bw(tlm::tlm_generic_payload &p, tlm::tlm_phase &ph,
                                                sc_time &delay) {
  if (ph == tlm::END_REQ) {
    end_req_seen_ = true;
    at_end_req_.notify(delay);
    return tlm::TLM_ACCEPTED;
  }
  if (ph == tlm::BEGIN_RESP) {  // implies END_REQ
    end_req_seen_ = true;
    at_end_req_.notify(delay);
    peq_.notify(p, tlm::BEGIN_RESP, delay);
    return tlm::TLM_COMPLETED;
  }
  return tlm::TLM_ACCEPTED;
}

void Accelerator::at_response(tlm::tlm_generic_payload &p, const tlm::tlm_phase &) {
  auto it = in_flight_.find(&p);
  if (it == in_flight_.end()) return;
  Burst *b = it->second;
  in_flight_.erase(it);
  at_outstanding_--;
  burst_done(*b, sc_core::sc_time_stamp());
  at_resp_.notify(SC_ZERO_TIME);
}

// ------------------------------------------------------------------ layers

uint32_t Accelerator::run_layer(uint32_t index) {
  unsigned char d[kDescBytes];
  if (!load(desc_addr_ + (uint64_t)index * kDescBytes, d, sizeof d)) return kCauseMemory;
  if (Get32(d) != kDescMagic) return kCauseBadDescriptor;
  ey_layer l{};
  std::snprintf(l.name, sizeof l.name, "layer%u", (unsigned)index);
  l.type = EY_LAYER_CONV;
  l.N = Get16(d + 0x04);
  l.C = Get16(d + 0x06);
  l.M = Get16(d + 0x08);
  l.H = Get16(d + 0x0A);
  l.W = Get16(d + 0x0C);
  l.R = d[0x0E];
  l.S = d[0x0F];
  l.stride = d[0x10];
  l.pad = d[0x11];
  l.groups = d[0x12];
  const uint8_t flags = d[0x13];
  l.relu = flags & 1;
  const uint64_t base[3] = {Get64(d + 0x18), Get64(d + 0x20), Get64(d + 0x28)};
  ey_err err;
  if (!l.N || !l.C || !l.M || !l.H || !l.W || !l.R || !l.S || !l.stride || !l.groups ||
      ey_layer_finish(&l, "descriptor", &err) != EY_OK)
    return kCauseBadDescriptor;
  ey_mapping m{};
  if (flags & 2) {
    int *f[] = {&m.n, &m.p, &m.q, &m.r, &m.t, &m.e, &m.eg, &m.m};
    for (int i = 0; i < 8; i++) *f[i] = Get16(d + 0x30 + 2 * i);
    if (ey_mapping_check(&l, &arch_, &m, &err) != EY_OK) return kCauseBadMapping;
  } else {
    const int obj = opts_.objective >= 0 ? opts_.objective : arch_.objective;
    if (ey_map_layer(&l, &arch_, obj, &m, nullptr, nullptr, &err) != EY_OK) return kCauseUnmappable;
  }
  // The inputs, staged from platform memory.
  const uint64_t Cg = (uint64_t)(l.C / l.groups);
  std::vector<int16_t> ifmap((size_t)l.N * l.C * l.H * l.W);
  std::vector<int16_t> weights((size_t)((uint64_t)l.M * Cg * l.R * l.S));
  if (!load(base[EY_IFMAP], ifmap.data(), ifmap.size() * kWordBytes) ||
      !load(base[EY_FILTER], weights.data(), weights.size() * kWordBytes))
    return kCauseMemory;

  ey_engine_opts o;
  std::memset(&o, 0, sizeof o);
  o.step = opts_.step;
  o.check = opts_.check;
  o.dram_ops = &ey_dram_external_ops;
  o.weights = weights.data();
  if (ey_engine_create(&arch_, &l, &m, &o, ifmap.data(), &engine_, &err) != EY_OK)
    return kCauseEngine;

  // Core cycle 0 of the layer: the first core clock edge from now on.
  sc_time now = sc_core::sc_time_stamp() + qk_.get_local_time();
  const sc_time t0 = period_ * (double)((now.value() + period_.value() - 1) / period_.value());
  qk_.set(t0 - sc_core::sc_time_stamp());
  sc_time q = tlm::tlm_global_quantum::instance().get();
  const ey_cycle ahead =
      q == SC_ZERO_TIME ? 1000 : std::max<ey_cycle>(1, (ey_cycle)(q.value() / period_.value()));
  mem_error_ = false;
  uint32_t cause = kCauseNone;
  for (;;) {
    const ey_rc rc = ey_engine_step(engine_, ey_engine_now(engine_) + ahead, &err);
    const size_t before = requests_.size();
    if (rc != EY_OK && rc != EY_DONE && rc != EY_WAIT) {
      cause = kCauseEngine;
      break;
    }
    if (!issue_requests(engine_, l, m, base, t0)) {
      cause = kCauseEngine;
      break;
    }
    if (mem_error_) {
      cause = kCauseMemory;
      break;
    }
    if (rc == EY_DONE) break;
    const sc_time engine_time = t0 + period_ * (double)ey_engine_now(engine_);
    if (opts_.approximately_timed) {
      if (rc == EY_WAIT) {
        if (!at_outstanding_) {  // it waits for nothing that is on its way
          cause = kCauseEngine;
          break;
        }
        wait(at_resp_);  // a response; the engine then sees whether it was the one
      } else if (engine_time > sc_core::sc_time_stamp()) {
        wait(engine_time - sc_core::sc_time_stamp());
      }
    } else {
      if (rc == EY_WAIT && requests_.size() == before) {  // LT completions are all known
        cause = kCauseEngine;
        break;
      }
      const sc_time stamp = sc_core::sc_time_stamp();
      qk_.set(engine_time > stamp ? engine_time - stamp : SC_ZERO_TIME);
      if (qk_.need_sync()) qk_.sync();
    }
  }
  if (opts_.approximately_timed)  // every burst answered before its payload goes
    while (at_outstanding_ || !at_queue_.empty()) wait(at_resp_);
  if (!cause) {
    LayerResult res;
    res.layer = l;
    res.mapping = m;
    ey_engine_stats(engine_, &res.meas);
    res.start = t0;
    res.end = t0 + period_ * (double)ey_engine_now(engine_);
    cycles_ += res.meas.cycles;
    macs_ += res.meas.c.macs;
    for (int t = 0; t < EY_NTYPES; t++) dram_bytes_ += (res.meas.dram_bits[t] + 7) / 8;
    stall_ += res.meas.dram_wait_cycles;
    results_.push_back(res);
    if (!opts_.approximately_timed) {
      const sc_time stamp = sc_core::sc_time_stamp();
      qk_.set(res.end > stamp ? res.end - stamp : SC_ZERO_TIME);
      qk_.sync();
    } else if (res.end > sc_core::sc_time_stamp()) {
      wait(res.end - sc_core::sc_time_stamp());
    }
  }
  ey_engine_destroy(engine_);
  engine_ = nullptr;
  requests_.clear();
  return cause;
}

void Accelerator::run() {
  for (;;) {
    wait(start_ev_);
    qk_.reset();
    dmi_tried_ = dmi_valid_ = false;
    if (!layer_count_) {
      fail(kCauseBadDescriptor);
      continue;
    }
    uint32_t cause = kCauseNone, done = 0;
    for (; done < layer_count_ && !abort_; done++) {
      status_ = kStBusy | done << 16;
      update_status();
      if ((cause = run_layer(done))) break;
    }
    status_ = (status_ & ~0xffff0000u) | done << 16;
    if (abort_) {  // a soft reset came while busy
      soft_reset();
      update_status();
    } else if (cause) {
      fail(cause);
    } else {
      status_ = kStIdle | kStDone | done << 16;
      raise(kIrqDone);
    }
  }
}

}  // namespace eyesim
