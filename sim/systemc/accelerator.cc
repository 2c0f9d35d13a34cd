// accelerator.cc - eyesim::Accelerator (accelerator.h; registers and descriptors in
// docs/systemc.md).
#include "sim/systemc/accelerator.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

extern "C" {
#include "dram/dram.h"
#include "mapper/mapper.h"
#include "sim/config/config.h"
#include "sim/engine/data.h"
#include "traces/rlc.h"
}

#include "sim/systemc/stream.h"

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
  BurstStream stream;
  std::vector<unsigned char> data;
  const unsigned char *want = nullptr;  // a read: the staged bytes it must find
  sc_time issue;
  ~Burst() {
    p.clear_extension(&stream);
  }
};

// One DRAM request of the engine: its bursts, and the latest of their ends.
struct Accelerator::Request {
  uint64_t id = 0;
  ey_cycle issued = 0;
  sc_time t0, done;
  int pending = 0;
  bool failed = false;  // a burst had an error response or other bytes than staged
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
  if (wave_) {
    ey_err err;
    ey_vcd_end(wave_, 0, &err);
  }
}

void Accelerator::init() {
  if (!opts_.max_burst_bytes)
    throw std::invalid_argument(std::string(name()) + ": max_burst_bytes: expected at least 1");
  period_ = sc_time(1.0 / arch_.core_mhz, sc_core::SC_US);
  regs.register_b_transport(this, &Accelerator::reg_b_transport);
  regs.register_transport_dbg(this, &Accelerator::reg_transport_dbg);
  mem.register_nb_transport_bw(this, &Accelerator::nb_transport_bw);
  mem.register_invalidate_direct_mem_ptr(this, &Accelerator::invalidate_dmi);
  SC_THREAD(run);
  SC_THREAD(at_send);
  SC_THREAD(wave);
  SC_METHOD(drive);
  sensitive << drive_ev_;
  dont_initialize();
  status_sig_.write(status_);
}

void Accelerator::trace(sc_core::sc_trace_file *tf, const char *signals) {
  const std::string n = name();
  if (!wave_ && !(signals && !*signals)) {
    wave_tf_ = tf;
    const ey_vcd_sink sink = {this, &Accelerator::wave_var, &Accelerator::wave_set};
    ey_err err;
    if (ey_vcd_begin_sink(&sink, &arch_, signals, EY_CL_MAC, &wave_, &err) != EY_OK)
      throw std::invalid_argument(n + ": " + err.msg);
  }
  sc_core::sc_trace(tf, status_sig_, n + ".status");
  sc_core::sc_trace(tf, busy_sig_, n + ".busy");
  sc_core::sc_trace(tf, done_sig_, n + ".done");
  sc_core::sc_trace(tf, error_sig_, n + ".error");
  sc_core::sc_trace(tf, irq_sig_, n + ".irq");
  sc_core::sc_trace(tf, layer_sig_, n + ".layer");
}

// ------------------------------------------------------------------ waveform

// A signal of eyesim's waveform: top.X becomes this module's X.
int Accelerator::wave_var(void *ctx, const char *name, int width) {
  auto *a = static_cast<Accelerator *>(ctx);
  std::string n = name;
  if (n == "top.dram.busy") return -1;  // the link is the platform memory's: not known here
  if (n.compare(0, 4, "top.") == 0) n = n.substr(4);
  a->wave_val_.push_back(0);
  a->wave_last_.push_back(0);
  sc_core::sc_trace(a->wave_tf_, a->wave_val_.back(), std::string(a->name()) + "." + n, width);
  return (int)a->wave_val_.size() - 1;
}

// Whether the engine's cycle is in the waveform's window.
bool Accelerator::sampling() const {
  if (!wave_ || !engine_) return false;
  const uint64_t c = cycles_ + ey_engine_now(engine_);
  return c >= opts_.vcd_from && c < opts_.vcd_until;
}

// How far the engine steps: `ahead` cycles, but one at a time in the waveform's
// window, so that each request is served, and each completion known, before the
// engine passes its cycle (the signals of the memory's traffic are then exact).
ey_cycle Accelerator::step_size(ey_cycle ahead) const {
  if (!wave_) return ahead;
  const uint64_t c = cycles_ + ey_engine_now(engine_);
  if (c >= opts_.vcd_until) return ahead;
  if (c >= opts_.vcd_from) return 1;
  return std::min<ey_cycle>(ahead, opts_.vcd_from - c);
}

// A value of a frame: queued when it changes, for wave() to set at its time.
void Accelerator::wave_set(void *ctx, uint64_t cycle, int h, uint64_t value) {
  auto *a = static_cast<Accelerator *>(ctx);
  uint64_t &last = a->wave_last_[(size_t)h];
  if (value == last) return;
  last = value;
  // A cycle's values show from the clock edge that ends it (eyesim's own VCD stamps
  // them at the edge that begins it): SystemC time never waits on the engine.
  const sc_time t = a->wave_t0_ + a->period_ * (double)(cycle - a->wave_base_ + 1);
  a->wave_q_.push_back({t, h, value});
  a->wave_ev_.notify(SC_ZERO_TIME);
}

void Accelerator::wave_sample(void *ctx, const ey_sample *s) {
  const ey_vcd_frame fr = ey_sample_frame(s);
  ey_vcd_sample(static_cast<Accelerator *>(ctx)->wave_, &fr);
}

// The engine runs ahead of SystemC time; its signals change at their cycles'
// times, where the trace file records them.
void Accelerator::wave() {
  for (;;) {
    while (wave_q_.empty()) wait(wave_ev_);
    const sc_time now = sc_core::sc_time_stamp(), t = wave_q_.front().t;
    if (t > now) {
      wait(t - now);
      continue;
    }
    while (!wave_q_.empty() && wave_q_.front().t <= now) {
      wave_val_[(size_t)wave_q_.front().h] = wave_q_.front().v;
      wave_q_.pop_front();
    }
  }
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
      addr <= dmi_.get_end_address() && len - 1 <= dmi_.get_end_address() - addr) {
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
  if (b.p.get_response_status() != tlm::TLM_OK_RESPONSE) {
    mem_error_ = r.failed = true;
  } else if (b.want && std::memcmp(b.data.data(), b.want, b.data.size())) {
    inputs_changed_ = r.failed = true;
  }
  if (at > r.done) r.done = at;
  if (--r.pending || r.failed) return;  // a failed request never completes: the layer ends
  // The request completes at the first core clock edge at or after its last burst.
  const sc_time rel = r.done > r.t0 ? r.done - r.t0 : SC_ZERO_TIME;
  ey_cycle c = (ey_cycle)((rel.value() + period_.value() - 1) / period_.value());
  if (c < r.issued) c = r.issued;
  if (ey_dram_complete(ey_engine_dram(engine_), r.id, c) != EY_OK) mem_error_ = true;
}

// Each request of the engine becomes one burst per run of consecutive bytes it
// moves in platform memory (ey_engine_request_runs), split at max_burst_bytes,
// all of one BurstStream. Raw tensors: runs of words next to each other in memory
// are one run. Coded activations: a row's coded words, from its slot's start.
bool Accelerator::issue_requests(ey_engine *e, const Layout &lay, sc_time t0) {
  const int16_t *out = ey_engine_outputs(e);
  std::vector<ey_dram_run> runs;
  std::vector<uint64_t> code;  // a coded output row
  ey_dram_req r;
  while (ey_dram_next_request(ey_engine_dram(e), &r)) {
    auto rq = std::make_unique<Request>();
    rq->id = r.id;
    rq->issued = r.issued;
    rq->t0 = t0;
    rq->done = SC_ZERO_TIME;
    runs.resize((size_t)ey_engine_request_runs(e, r.id, nullptr, 0));
    if (runs.empty() || ey_engine_request_runs(e, r.id, runs.data(), runs.size()) != runs.size())
      return false;
    static std::atomic<uint64_t> streams{0};  // unique across accelerators sharing a memory
    const uint64_t stream = ++streams;
    const sc_time at = t0 + period_ * (double)r.issued;
    const bool coded = lay.coded && r.type != EY_FILTER;
    const unsigned char *snap = lay.staged[r.type == EY_FILTER ? 1 : 0];
    // One run of bytes: [addr, addr + len) of platform memory; src: a write's data.
    auto add = [&](uint64_t addr, uint64_t len, const unsigned char *src,
                   const unsigned char *want) {
      for (uint64_t o = 0; o < len; o += opts_.max_burst_bytes) {
        const uint64_t n = std::min<uint64_t>(opts_.max_burst_bytes, len - o);
        auto b = std::make_unique<Burst>();
        b->req = rq.get();
        b->issue = at;
        b->data.resize(n);
        if (src) std::memcpy(b->data.data(), src + o, n);
        if (want) b->want = want + o;
        b->stream.id = stream;
        b->p.set_command(r.is_write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        b->p.set_address(addr + o);
        b->p.set_data_ptr(b->data.data());
        b->p.set_data_length((unsigned)n);
        b->p.set_streaming_width((unsigned)n);
        b->p.set_byte_enable_ptr(nullptr);
        b->p.set_dmi_allowed(false);
        b->p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        b->p.set_extension(&b->stream);
        rq->bursts.push_back(std::move(b));
      }
    };
    if (coded) {
      for (const ey_dram_run &run : runs) {
        if (r.is_write) {
          code.resize((size_t)(lay.out_slot / 8));
          const uint64_t row = run.addr / lay.F;
          const uint64_t w = ey_rlc_encode(out + run.addr, run.words, code.data());
          add(lay.base[2] + row * lay.out_slot, 8 * w, (const unsigned char *)code.data(), nullptr);
        } else {
          const uint64_t row = run.addr / lay.W;
          add(lay.base[0] + row * lay.in_slot, 8 * (uint64_t)lay.in_words[row], nullptr,
              snap + row * lay.in_slot);
        }
      }
    } else {
      const uint64_t base = lay.base[r.type == EY_FILTER ? 1 : r.is_write ? 2 : 0];
      for (size_t i = 0; i < runs.size();) {
        uint64_t words = runs[i].words;
        size_t j = i + 1;
        while (j < runs.size() && runs[j].addr == runs[i].addr + words) words += runs[j++].words;
        const uint64_t el = runs[i].addr;
        add(base + el * kWordBytes, words * kWordBytes,
            r.is_write ? (const unsigned char *)(out + el) : nullptr,
            r.is_write ? nullptr : snap + el * kWordBytes);
        i = j;
      }
    }
    rq->pending = (int)rq->bursts.size();
    Request *req = rq.get();
    requests_.push_back(std::move(rq));
    for (auto &b : req->bursts) {
      if (mem_error_ || inputs_changed_) return true;  // the layer ends: nothing more goes out
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
    if (delay == SC_ZERO_TIME)
      at_response(p, ph);  // now: in the delta the memory answers in
    else
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
  l.relu = flags & kFlagRelu;
  Layout lay;
  for (int t = 0; t < 3; t++) lay.base[t] = Get64(d + 0x18 + 8 * t);
  lay.coded = flags & kFlagRlc;
  ey_err err;
  if (!l.N || !l.C || !l.M || !l.H || !l.W || !l.R || !l.S || !l.stride || !l.groups ||
      (flags & ~(kFlagRelu | kFlagMapping | kFlagRlc)) ||
      ey_layer_finish(&l, "descriptor", &err) != EY_OK || ey_tensors_check(&l, &err) != EY_OK)
    return kCauseBadDescriptor;
  // The layer runs on the arch with its activations coded as the descriptor says.
  ey_arch a = arch_;
  a.dram_rlc = lay.coded;
  a.rlc_rows = 1;  // the memory holds each coded row in a slot of its own
  ey_mapping m{};
  if (flags & kFlagMapping) {
    int *f[] = {&m.n, &m.p, &m.q, &m.r, &m.t, &m.e, &m.eg, &m.m};
    for (int i = 0; i < 8; i++) *f[i] = Get16(d + 0x30 + 2 * i);
    m.g = 1;  // groups one after another: the descriptor has no field for g
    if (ey_mapping_check(&l, &a, &m, &err) != EY_OK) return kCauseBadMapping;
  } else {
    const int obj = opts_.objective >= 0 ? opts_.objective : a.objective;
    if (ey_map_layer(&l, &a, obj, &m, nullptr, nullptr, &err) != EY_OK) return kCauseUnmappable;
  }
  std::vector<int16_t> ifmap, weights;
  try {
    if (const uint32_t c = stage_inputs(l, lay, ifmap, weights)) return c;
  } catch (const std::bad_alloc &) {
    return kCauseEngine;
  }

  ey_engine_opts o;
  std::memset(&o, 0, sizeof o);
  o.step = opts_.step;
  o.check = opts_.check;
  o.dram_ops = &ey_dram_external_ops;
  o.weights = weights.data();
  if (wave_) {
    o.sample = &Accelerator::wave_sample;
    o.sample_ctx = this;
    o.sample_from = opts_.vcd_from;
    o.sample_until = opts_.vcd_until;
    o.cycle_base = cycles_;
  }
  if (ey_engine_create(&a, &l, &m, &o, ifmap.data(), &engine_, &err) != EY_OK) return kCauseEngine;

  // Core cycle 0 of the layer: the first core clock edge from now on.
  sc_time now = sc_core::sc_time_stamp() + qk_.get_local_time();
  const sc_time t0 = period_ * (double)((now.value() + period_.value() - 1) / period_.value());
  qk_.set(t0 - sc_core::sc_time_stamp());
  wave_t0_ = t0;
  wave_base_ = cycles_;
  sc_time q = tlm::tlm_global_quantum::instance().get();
  const ey_cycle ahead =
      q == SC_ZERO_TIME ? 1000 : std::max<ey_cycle>(1, (ey_cycle)(q.value() / period_.value()));
  mem_error_ = inputs_changed_ = false;
  uint32_t cause = kCauseNone;
  for (;;) {
    // A failed or changed read ends the layer before the engine moves on.
    if (mem_error_ || inputs_changed_) {
      cause = mem_error_ ? kCauseMemory : kCauseInputsChanged;
      break;
    }
    const ey_rc rc = ey_engine_step(engine_, ey_engine_now(engine_) + step_size(ahead), &err);
    const size_t before = requests_.size();
    if (rc != EY_OK && rc != EY_DONE && rc != EY_WAIT) {
      cause = kCauseEngine;
      break;
    }
    if (!issue_requests(engine_, lay, t0)) {
      cause = kCauseEngine;
      break;
    }
    if (rc == EY_DONE) break;  // (a burst's failure in this step: after the loop)
    const sc_time engine_time = t0 + period_ * (double)ey_engine_now(engine_);
    if (opts_.approximately_timed) {
      if (rc == EY_WAIT) {
        if (!at_outstanding_) {  // it waits for nothing that is on its way
          cause = kCauseEngine;
          break;
        }
        if (!sampling()) {
          wait(at_resp_);  // a response; the engine then sees whether it was the one
        } else {
          // The waveform's cycles pass as SystemC time does: a completion not
          // given by now comes at the core edge now is in, or later.
          wait(period_, at_resp_);
          const sc_time st = sc_core::sc_time_stamp();
          ey_engine_quiet_until(engine_,
                                st > t0 ? (ey_cycle)((st - t0).value() / period_.value()) : 0);
        }
      } else if (engine_time > sc_core::sc_time_stamp()) {
        wait(engine_time - sc_core::sc_time_stamp());
        // In the waveform's window, the responses of this instant come first, so
        // that the signals know of every completion up to it.
        if (sampling()) wait(SC_ZERO_TIME);
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
  if (cause) {  // bursts not yet sent stay unsent
    for (Burst *b : at_queue_) in_flight_.erase(&b->p);
    at_outstanding_ -= at_queue_.size();
    at_queue_.clear();
  }
  if (opts_.approximately_timed)  // every burst answered before its payload goes
    while (at_outstanding_ || !at_queue_.empty()) wait(at_resp_);
  if (!cause && mem_error_) cause = kCauseMemory;
  if (!cause && inputs_changed_) cause = kCauseInputsChanged;
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

uint32_t Accelerator::stage_inputs(const ey_layer &l, Layout &lay, std::vector<int16_t> &ifmap,
                                   std::vector<int16_t> &weights) {
  const uint64_t nin = ey_tensor_values(&l, EY_IFMAP), nw = ey_tensor_values(&l, EY_FILTER);
  const uint64_t nout = ey_tensor_values(&l, EY_PSUM);
  lay.W = (uint64_t)l.W;
  lay.F = (uint64_t)l.F;
  // Coded: each row in a slot of the most words a row can take, its words up to
  // the one with the term bit.
  const uint64_t in_slot_words = ey_rlc_words_max(lay.W), rows = nin / lay.W;
  lay.in_slot = 8 * in_slot_words;
  lay.out_slot = 8 * ey_rlc_words_max(lay.F);
  const uint64_t bytes[3] = {lay.coded ? rows * lay.in_slot : nin * kWordBytes, nw * kWordBytes,
                             lay.coded ? nout / lay.F * lay.out_slot : nout * kWordBytes};
  // Each tensor inside the address space (ey_tensors_check bounds the sizes), and
  // the inputs inside platform memory, before anything is allocated for them.
  unsigned char probe;
  for (int t = 0; t < 3; t++)
    if (bytes[t] > UINT64_MAX - lay.base[t]) return kCauseBadDescriptor;
  for (int t = 0; t < 2; t++)
    if (!load(lay.base[t] + bytes[t] - 1, &probe, 1)) return kCauseMemory;
  // The staged values are what the read bursts must find: raw tensors as the
  // engine's own arrays, coded rows as their slots.
  weights.resize((size_t)nw);
  ifmap.resize((size_t)nin);
  lay.staged[1] = reinterpret_cast<const unsigned char *>(weights.data());
  if (!load(lay.base[1], weights.data(), bytes[1])) return kCauseMemory;
  if (!lay.coded) {
    lay.staged[0] = reinterpret_cast<const unsigned char *>(ifmap.data());
    return load(lay.base[0], ifmap.data(), bytes[0]) ? kCauseNone : kCauseMemory;
  }
  lay.in_code.resize((size_t)(rows * in_slot_words));
  lay.staged[0] = reinterpret_cast<const unsigned char *>(lay.in_code.data());
  lay.in_words.resize((size_t)rows);
  if (!load(lay.base[0], lay.in_code.data(), bytes[0])) return kCauseMemory;
  for (uint64_t row = 0; row < rows; row++) {
    const uint64_t *code = &lay.in_code[(size_t)(row * in_slot_words)];
    const uint64_t n = ey_rlc_stream_words(code, in_slot_words);
    int16_t *v = &ifmap[(size_t)(row * lay.W)];
    ey_err err;
    if (!n || ey_rlc_decode(code, n, v, lay.W, &err) != EY_OK ||
        ey_rlc_words(v, lay.W) != n)  // the engine times the row as eyesim codes it
      return kCauseBadCoding;
    lay.in_words[(size_t)row] = (uint32_t)n;
  }
  return kCauseNone;
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
