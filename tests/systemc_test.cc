// systemc_test.cc - eyesim::Accelerator in a small virtual platform: the register
// map, loosely and approximately timed runs against the C engine (cycles and every
// counter), a slower memory against the cycles it must add, the outputs in
// platform memory against the golden convolution, a descriptor error, a memory
// error, and a list of two layers chained through platform memory.
//
// A SystemC kernel elaborates once per process, so every simulation runs in a
// child process (Simulate) and sends its outcome back through a pipe.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <systemc>
#include <tlm>
#include <vector>

#include "sim/systemc/accelerator.h"
#include "sim/systemc/memory.h"
#include "test_util.h"

extern "C" {
#include "sim/engine/data.h"
#include "traces/rlc.h"
}

using eytest::Layer;
using eytest::TinyArch;
using sc_core::sc_time;

namespace {

using eytest::ExpectSameMeas;

// What a child's simulation reports.
struct Outcome {
  int finished;  // the driver got to its end
  uint32_t status, irq_status;
  int irq_seen;
  uint64_t cycles, macs, dram_bytes, stall;  // the counter registers
  int layers;
  ey_meas meas;  // the first layer's, as the adapter measured it
  ey_mapping mapping;
  uint64_t out_mismatches, outputs;
  uint64_t bytes_written, transfers;
  // The timed accesses against the layer's shape (raw or coded alike): input
  // bytes read that no window covers or covered ones not read, weight bytes never
  // read, output bytes not written exactly once (a coded row: its words, not the
  // rest of its slot), and accesses outside the three tensors.
  uint64_t ifmap_bytes_wrong, weight_bytes_unread, ofmap_bytes_wrong, stray_accesses;
  double end_ns;     // when the interrupt came
  char fails[2048];  // register-map checks that failed, one a line
};

// Runs f in a child process; f fills the outcome (a plain struct), which comes
// back through a pipe.
template <class T>
T SimulateAs(const std::function<void(T &)> &f) {
  T o;
  std::memset(&o, 0, sizeof o);
  int fd[2];
  if (pipe(fd)) {
    ADD_FAILURE() << "pipe";
    return o;
  }
  fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    T c;
    std::memset(&c, 0, sizeof c);
    f(c);
    const char *p = reinterpret_cast<const char *>(&c);
    size_t left = sizeof c;
    while (left) {
      ssize_t n = write(fd[1], p, left);
      if (n <= 0) _exit(2);
      p += n;
      left -= (size_t)n;
    }
    _exit(0);  // no static destructors, no second report of the parent's tests
  }
  close(fd[1]);
  char *p = reinterpret_cast<char *>(&o);
  size_t got = 0;
  while (got < sizeof o) {
    ssize_t n = read(fd[0], p + got, sizeof o - got);
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(fd[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "the simulation's process failed";
  EXPECT_EQ(got, sizeof o);
  return o;
}

Outcome Simulate(const std::function<void(Outcome &)> &f) {
  return SimulateAs<Outcome>(f);
}

constexpr uint64_t kDesc = 0x100, kIfmap = 0x1000;

// A layer's seeded tensors and where they go in platform memory: 16-bit words, or
// with `coded` the ifmap and ofmap as RLC-coded rows in slots of ceil(width / 3)
// 64-bit words (docs/systemc.md).
struct Tensors {
  ey_tensors t{};
  bool coded = false;
  uint64_t nin = 0, nw = 0, nout = 0;
  uint64_t in_slot = 0, out_slot = 0;  // coded: bytes per row
  uint64_t weights = 0, ofmap = 0;     // addresses
  // The seeded data with the arch's psum arithmetic and its requantization shift.
  Tensors(const ey_layer &l, const ey_arch &a, bool rlc = false) : coded(rlc) {
    EXPECT_EQ(ey_tensors_make(&t, &l, a.word_bits, 7, 0.5), EY_OK);
    ey_tensors_arith(&t, &l, a.word_bits, a.psum_bits, a.product_shift);
    nin = (uint64_t)l.N * l.C * l.H * l.W;
    nw = (uint64_t)l.M * (l.C / l.groups) * l.R * l.S;
    nout = (uint64_t)l.N * l.M * l.E * l.F;
    in_slot = 8 * ey_rlc_words_max((uint64_t)l.W);
    out_slot = 8 * ey_rlc_words_max((uint64_t)l.F);
    const uint64_t in_bytes = coded ? nin / (uint64_t)l.W * in_slot : 2 * nin;
    weights = (kIfmap + in_bytes + 255) & ~255ull;
    ofmap = (weights + 2 * nw + 255) & ~255ull;
    out_bytes = coded ? nout / (uint64_t)l.F * out_slot : 2 * nout;
  }
  ~Tensors() {
    ey_tensors_free(&t);
  }
  uint64_t end() const {
    return ofmap + out_bytes;
  }
  // Puts the ifmap and weights into platform memory `m` and fills the ofmap's place.
  void Store(unsigned char *m, const ey_layer &l) const {
    if (coded) {
      std::vector<uint64_t> code((size_t)(in_slot / 8));
      for (uint64_t row = 0; row < nin / (uint64_t)l.W; row++) {
        const uint64_t w = ey_rlc_encode(t.ifmap + row * (uint64_t)l.W, (uint64_t)l.W, code.data());
        std::memset(m + kIfmap + row * in_slot, 0x5A, in_slot);  // the slot's tail is never read
        std::memcpy(m + kIfmap + row * in_slot, code.data(), 8 * w);
      }
    } else {
      std::memcpy(m + kIfmap, t.ifmap, 2 * nin);
    }
    std::memcpy(m + weights, t.weights, 2 * nw);
    std::memset(m + ofmap, 0xA5, out_bytes);
  }
  // The outputs in platform memory `m` (a coded row that does not decode: all 0x7FFF).
  std::vector<int16_t> Outputs(const unsigned char *m, const ey_layer &l) const {
    std::vector<int16_t> got(nout);
    if (!coded) {
      std::memcpy(got.data(), m + ofmap, 2 * nout);
      return got;
    }
    const uint64_t F = (uint64_t)l.F, sw = out_slot / 8;
    std::vector<uint64_t> code((size_t)sw);
    for (uint64_t row = 0; row < nout / F; row++) {
      std::memcpy(code.data(), m + ofmap + row * out_slot, out_slot);
      const uint64_t n = ey_rlc_stream_words(code.data(), sw);
      ey_err err;
      if (!n || ey_rlc_decode(code.data(), n, &got[row * F], F, &err) != EY_OK)
        for (uint64_t f = 0; f < F; f++) got[row * F + f] = 0x7FFF;
    }
    return got;
  }
  uint64_t out_bytes = 0;
};

void Put(unsigned char *d, int bytes, uint64_t v) {
  for (int i = 0; i < bytes; i++) d[i] = (unsigned char)(v >> 8 * i);
}

// The descriptor of docs/systemc.md for layer l with its tensors at tn's addresses.
void WriteDescriptor(unsigned char *d, const ey_layer &l, const Tensors &tn,
                     const ey_mapping *m = nullptr) {
  std::memset(d, 0, eyesim::kDescBytes);
  Put(d, 4, eyesim::kDescMagic);
  Put(d + 0x04, 2, (uint64_t)l.N);
  Put(d + 0x06, 2, (uint64_t)l.C);
  Put(d + 0x08, 2, (uint64_t)l.M);
  Put(d + 0x0A, 2, (uint64_t)l.H);
  Put(d + 0x0C, 2, (uint64_t)l.W);
  d[0x0E] = (unsigned char)l.R;
  d[0x0F] = (unsigned char)l.S;
  d[0x10] = (unsigned char)l.stride;
  d[0x11] = (unsigned char)l.pad;
  d[0x12] = (unsigned char)l.groups;
  d[0x13] = (unsigned char)((l.relu ? eyesim::kFlagRelu : 0) | (m ? eyesim::kFlagMapping : 0) |
                            (tn.coded ? eyesim::kFlagRlc : 0));
  Put(d + 0x18, 8, kIfmap);
  Put(d + 0x20, 8, tn.weights);
  Put(d + 0x28, 8, tn.ofmap);
  if (m) {
    const int f[] = {m->n, m->p, m->q, m->r, m->t, m->e, m->eg, m->m};
    for (int i = 0; i < 8; i++) Put(d + 0x30 + 2 * i, 2, (uint64_t)f[i]);
  }
}

// A CPU that programs the accelerator: registers over `regs`, memory by its host
// pointer (in zero time, so that the layer starts at time 0).
struct Cpu : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Cpu> regs;
  sc_core::sc_in<bool> irq;
  std::function<void(Cpu &)> body;
  SC_HAS_PROCESS(Cpu);
  explicit Cpu(sc_core::sc_module_name n) : sc_module(n), regs("regs"), irq("irq") {
    SC_THREAD(main);
  }
  void main() {
    body(*this);
  }
  tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t a, void *data, unsigned len,
                                  unsigned char *be = nullptr) {
    tlm::tlm_generic_payload p;
    sc_time delay = sc_core::SC_ZERO_TIME;
    p.set_command(cmd);
    p.set_address(a);
    p.set_data_ptr(static_cast<unsigned char *>(data));
    p.set_data_length(len);
    p.set_streaming_width(len);
    if (be) {
      p.set_byte_enable_ptr(be);
      p.set_byte_enable_length(len);
    }
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    regs->b_transport(p, delay);
    return p.get_response_status();
  }
  uint32_t rd(uint32_t off) {
    uint32_t v = 0xdeadbeef;
    EXPECT_EQ(access(tlm::TLM_READ_COMMAND, off, &v, 4), tlm::TLM_OK_RESPONSE);
    return v;
  }
  void wr(uint32_t off, uint32_t v) {
    EXPECT_EQ(access(tlm::TLM_WRITE_COMMAND, off, &v, 4), tlm::TLM_OK_RESPONSE);
  }
  uint64_t rd64(uint32_t off) {
    uint64_t lo = rd(off);
    return lo | (uint64_t)rd(off + 4) << 32;
  }
};

eyesim::MemoryTiming FixedTiming(const ey_arch &a) {
  eyesim::MemoryTiming t;
  t.core_mhz = (uint32_t)a.core_mhz;
  t.link_mhz = (uint32_t)a.dram_mhz;
  t.bus_bits = (uint32_t)a.dram_bus_bits;
  t.latency = (uint32_t)a.dram_latency;
  return t;
}

// Fills o's access checks from the memory's log (Outcome): what the layer must
// read and write is worked out from its shape (eytest::CoveredRows), the stored
// inputs and the golden outputs `want`.
void CheckAccesses(const ey_layer &l, const Tensors &tn, const std::vector<int16_t> &want,
                   const std::vector<eyesim::MemoryAccess> &log, Outcome &o) {
  const uint64_t W = (uint64_t)l.W, F = (uint64_t)l.F, H = (uint64_t)l.H;
  const uint64_t in_bytes = tn.weights - kIfmap, w_bytes = 2 * tn.nw;
  const uint64_t out_bytes = tn.end() - tn.ofmap;
  std::vector<int> rd_in(in_bytes), rd_w(w_bytes), wr_out(out_bytes);
  for (const auto &a : log)
    for (uint64_t b = a.addr; b < a.addr + a.len; b++) {
      if (!a.write && b >= kIfmap && b < kIfmap + in_bytes)
        rd_in[b - kIfmap]++;
      else if (!a.write && b >= tn.weights && b < tn.weights + w_bytes)
        rd_w[b - tn.weights]++;
      else if (a.write && b >= tn.ofmap && b < tn.end())
        wr_out[b - tn.ofmap]++;
      else {
        o.stray_accesses++;
        break;
      }
    }
  const std::vector<int> covered = eytest::CoveredRows(l);
  for (uint64_t b = 0; b < in_bytes; b++) {
    bool need;
    if (tn.coded) {  // a covered row's coded words, from its slot's start
      const uint64_t row = b / tn.in_slot;
      need = row < tn.nin / W && covered[row % H] &&
             b % tn.in_slot < 8 * ey_rlc_words(tn.t.ifmap + row * W, W);
    } else {
      need = b < 2 * tn.nin && covered[b / 2 / W % H];
    }
    o.ifmap_bytes_wrong += (rd_in[b] > 0) != need;
  }
  for (uint64_t b = 0; b < w_bytes; b++) o.weight_bytes_unread += rd_w[b] == 0;
  for (uint64_t b = 0; b < out_bytes; b++) {
    const uint64_t row = tn.coded ? b / tn.out_slot : 0;
    const int times = !tn.coded || b % tn.out_slot < 8 * ey_rlc_words(&want[row * F], F) ? 1 : 0;
    o.ofmap_bytes_wrong += wr_out[b] != times;
  }
}

struct RunSpec {
  ey_arch a;
  ey_layer l;
  bool at = false;
  uint64_t extra_cycles = 0;  // added to every burst, in core cycles
  bool fault_ofmap = false;   // the memory answers accesses to the ofmap with an error
  bool coded = false;         // activations RLC-coded in memory (a.dram_rlc for the engine)
  bool pack = true;           // the memory lets bursts of one request share beats
  double change_ns = 0;       // > 0: the last ifmap word changes in memory at this time
  int bad_code = 0;           // the first coded ifmap row: 1 no term bit, 2 a run past the row,
                              // 3 all-zero pairs, more words than eyesim's coder takes
  uint64_t ifmap_at = 0;      // nonzero: the descriptor's ifmap address instead
  std::string vcd = "";       // a SystemC VCD of the run (without ".vcd"), or none
  const char *vcd_signals = nullptr;
  uint64_t vcd_from = 0, vcd_until = 10000;
};

// Runs layer l through the platform; the outcome has the counters, the first
// layer's measurement and the outputs compared with the golden convolution.
Outcome RunLayer(const RunSpec &s) {
  return Simulate([&](Outcome &o) {
    Tensors tn(s.l, s.a, s.coded);
    eyesim::MemoryTiming mt = FixedTiming(s.a);
    mt.pack = s.pack;
    mt.log = true;
    if (s.change_ns > 0)  // LT: the engine runs at most 2 cycles ahead of SystemC time
      tlm::tlm_global_quantum::instance().set(sc_time(10, sc_core::SC_NS));
    eyesim::AcceleratorOptions ao;
    ao.approximately_timed = s.at;
    ao.vcd_from = s.vcd_from;
    ao.vcd_until = s.vcd_until;
    eyesim::Accelerator acc("acc", s.a, ao);
    sc_core::sc_trace_file *tf = nullptr;
    if (!s.vcd.empty()) {
      tf = sc_core::sc_create_vcd_trace_file(s.vcd.c_str());
      acc.trace(tf, s.vcd_signals);
    }
    mt.extra_per_burst = acc.clock_period() * (double)s.extra_cycles;
    if (s.fault_ofmap) {
      mt.fault_from = tn.ofmap;
      mt.fault_to = tn.end();
    }
    eyesim::Memory mem("mem", (tn.end() + 4095) & ~4095ull, mt);
    Cpu cpu("cpu");
    sc_core::sc_signal<bool> irq("irq");
    acc.mem.bind(mem.socket);
    cpu.regs.bind(acc.regs);
    acc.irq(irq);
    cpu.irq(irq);
    tn.Store(mem.data(), s.l);
    if (s.bad_code) {
      std::vector<uint64_t> w(tn.in_slot / 8, 0);  // mode 1: no word with the term bit
      const int run[3] = {31, 0, 0}, zero[3] = {0, 0, 0};
      const int16_t level[3] = {5, 0, 0}, none[3] = {0, 0, 0};
      if (s.bad_code == 2) w[0] = ey_rlc_pack(run, level, 1);  // 32 values in a row of 10
      if (s.bad_code == 3)  // 10 zeros as ten (0, 0) pairs in 4 words; eyesim codes them in 1
        w.back() = ey_rlc_pack(zero, none, 1);
      std::memcpy(mem.data() + kIfmap, w.data(), tn.in_slot);
    }
    WriteDescriptor(mem.data() + kDesc, s.l, tn);
    if (s.ifmap_at) Put(mem.data() + kDesc + 0x18, 8, s.ifmap_at);
    cpu.body = [&](Cpu &c) {
      c.wr(eyesim::kDescLo, (uint32_t)kDesc);
      c.wr(eyesim::kLayerCount, 1);
      c.wr(eyesim::kIrqEnable, eyesim::kIrqDone | eyesim::kIrqError);
      c.wr(eyesim::kControl, eyesim::kCtrlStart);
      if (s.change_ns > 0) {
        sc_core::wait(sc_time(s.change_ns, sc_core::SC_NS));
        mem.data()[kIfmap + 2 * (tn.nin - 1)] ^= 1;
      }
      while (!c.irq.read()) sc_core::wait(c.irq.posedge_event());
      o.irq_seen = 1;
      o.end_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
      o.status = c.rd(eyesim::kStatus);
      o.irq_status = c.rd(eyesim::kIrqStatus);
      o.cycles = c.rd64(eyesim::kCyclesLo);
      o.macs = c.rd64(eyesim::kMacsLo);
      o.dram_bytes = c.rd64(eyesim::kDramBytesLo);
      o.stall = c.rd64(eyesim::kStallLo);
      o.finished = 1;
    };
    sc_core::sc_start();
    if (tf) sc_core::sc_close_vcd_trace_file(tf);
    o.layers = (int)acc.results().size();
    if (o.layers) {
      o.meas = acc.results()[0].meas;
      o.mapping = acc.results()[0].mapping;
    }
    std::vector<uint32_t> raw(tn.nout);
    std::vector<int16_t> want(tn.nout);
    ey_golden_conv(&s.l, &tn.t, s.a.word_bits, raw.data(), want.data());
    const std::vector<int16_t> got = tn.Outputs(mem.data(), s.l);
    o.outputs = tn.nout;
    for (uint64_t i = 0; i < tn.nout; i++) o.out_mismatches += got[i] != want[i];
    o.bytes_written = mem.bytes_written();
    o.transfers = mem.transfers();
    CheckAccesses(s.l, tn, want, mem.log(), o);
  });
}

// The C engine on the same layer, data and mapping (the fixed DRAM model).
ey_meas Engine(const ey_arch &a, const ey_layer &l, const ey_mapping &m) {
  Tensors tn(l, a);
  ey_engine_opts o = eytest::Opts(EY_STEP_FAST, 7, 0.5, 1);
  o.weights = tn.t.weights;
  ey_meas meas;
  ey_err err;
  EXPECT_EQ(ey_engine_run_layer(&a, &l, &m, &o, tn.t.ifmap, &meas, &err), EY_OK) << err.msg;
  EXPECT_EQ(meas.checked, 1);
  return meas;
}

// Small layers of several kinds, their rows of any number of words: a request's
// runs are then bursts of any length, which eyesim::Memory packs into the fixed
// model's beats (BurstStream), and with stride 2 and 1x1 filters some rows are
// never read.
std::vector<eytest::LayerCase> Cases() {
  return {
      {"stride 1", Layer(1, 3, 4, 10, 10, 3, 3), TinyArch(6, 4)},
      {"padded, two images", Layer(2, 4, 6, 8, 8, 3, 3, 1, 1), TinyArch(6, 4)},
      {"tight GLB, many tiles", Layer(2, 6, 8, 8, 8, 3, 3, 1, 1), TinyArch(6, 4, 2, 1)},
      {"odd widths", Layer(1, 3, 4, 7, 7, 3, 3), TinyArch(6, 4)},
      {"1x1 stride 2: rows skipped", Layer(1, 6, 4, 9, 9, 1, 1, 2), TinyArch(4, 4)},
      {"grouped, strided, padded", Layer(2, 4, 6, 9, 9, 3, 3, 2, 1, 2), TinyArch(6, 4, 2, 1)},
  };
}

// With `coded` the arch codes activations (dram.rlc) and the platform memory holds
// them RLC-coded, as the descriptor says: the bursts then move the coded words.
void ExpectEqualsTheEngine(bool at, bool coded) {
  for (auto k : Cases()) {
    SCOPED_TRACE(k.what);
    k.a.dram_rlc = coded;
    k.a.rlc_rows = 1;  // the memory's layout: a coded row per slot
    RunSpec s{k.a, k.l, at, 0};
    s.coded = coded;
    Outcome o = RunLayer(s);
    ASSERT_TRUE(o.finished);
    ASSERT_EQ(o.layers, 1);
    EXPECT_EQ(o.status, eyesim::kStIdle | eyesim::kStDone | 1u << 16);
    ey_meas want = Engine(k.a, k.l, o.mapping);
    ExpectSameMeas(o.meas, want);
    EXPECT_EQ(o.cycles, want.cycles);
    EXPECT_EQ(o.macs, want.c.macs);
    uint64_t bytes = 0;
    for (int t = 0; t < EY_NTYPES; t++) bytes += (want.dram_bits[t] + 7) / 8;
    EXPECT_EQ(o.dram_bytes, bytes);
    EXPECT_EQ(o.bytes_written, want.dram_bits[EY_PSUM] / 8);  // what crossed, as the engine counts
    EXPECT_EQ(o.stall, want.dram_wait_cycles);
    EXPECT_EQ(o.out_mismatches, 0u);
    EXPECT_EQ(o.ifmap_bytes_wrong, 0u) << "input bytes read iff a window covers them";
    EXPECT_EQ(o.weight_bytes_unread, 0u);
    EXPECT_EQ(o.ofmap_bytes_wrong, 0u) << "output bytes written exactly once";
    EXPECT_EQ(o.stray_accesses, 0u);
  }
}

TEST(SystemC, RegisterMap) {
  Outcome o = Simulate([](Outcome &out) {
    ey_arch a = TinyArch(6, 4);
    eyesim::Accelerator acc("acc", a);
    eyesim::Memory mem("mem", 4096, FixedTiming(a));
    Cpu cpu("cpu");
    sc_core::sc_signal<bool> irq("irq");
    acc.mem.bind(mem.socket);
    cpu.regs.bind(acc.regs);
    acc.irq(irq);
    cpu.irq(irq);
    std::string fails;
    auto check = [&](bool ok, const std::string &what) {
      if (!ok) fails += what + "\n";
    };
    cpu.body = [&](Cpu &c) {
      using namespace eyesim;
      // Reset values.
      const uint32_t reset[][2] = {{kControl, 0},    {kStatus, kStIdle}, {kIrqEnable, 0},
                                   {kIrqStatus, 0},  {kDescLo, 0},       {kDescHi, 0},
                                   {kLayerCount, 0}, {kId, kIdValue},    {kVersion, 0x000100},
                                   {kCyclesLo, 0},   {kCyclesHi, 0},     {kMacsLo, 0},
                                   {kMacsHi, 0},     {kDramBytesLo, 0},  {kDramBytesHi, 0},
                                   {kStallLo, 0},    {kStallHi, 0}};
      for (auto &r : reset) check(c.rd(r[0]) == r[1], "reset value of 0x" + std::to_string(r[0]));
      check(!c.irq.read(), "interrupt low after reset");
      // Read-write registers.
      c.wr(kDescLo, 0x12345678);
      c.wr(kDescHi, 0x9abcdef0);
      c.wr(kLayerCount, 7);
      c.wr(kIrqEnable, 0xffffffff);
      check(c.rd(kDescLo) == 0x12345678 && c.rd(kDescHi) == 0x9abcdef0, "DESC_ADDR read back");
      check(c.rd(kLayerCount) == 7, "LAYER_COUNT read back");
      check(c.rd(kIrqEnable) == (kIrqDone | kIrqError), "IRQ_ENABLE keeps its two bits");
      // Read-only registers ignore writes.
      for (uint32_t r : {kStatus, kId, kVersion, kCyclesLo, kCyclesHi, kMacsLo, kMacsHi,
                         kDramBytesLo, kDramBytesHi, kStallLo, kStallHi}) {
        const uint32_t before = c.rd(r);
        c.wr(r, 0x5a5a5a5a);
        check(c.rd(r) == before, "read-only 0x" + std::to_string(r));
      }
      // An empty list fails at once: error status, cause 1, the error interrupt.
      c.wr(kLayerCount, 0);
      c.wr(kControl, kCtrlStart);
      sc_core::wait(sc_time(1, sc_core::SC_US));
      check(c.rd(kStatus) == (kStIdle | kStError | kCauseBadDescriptor << 8), "empty list status");
      check(c.rd(kIrqStatus) == kIrqError, "error interrupt status");
      check(c.irq.read(), "interrupt line high");
      // Write 1 to clear: 0 and the other bit change nothing; the bit clears it.
      c.wr(kIrqStatus, 0);
      c.wr(kIrqStatus, kIrqDone);
      check(c.rd(kIrqStatus) == kIrqError, "W1C: other bits do not clear");
      c.wr(kIrqStatus, kIrqError);
      check(c.rd(kIrqStatus) == 0, "W1C clears");
      sc_core::wait(sc_time(1, sc_core::SC_NS));
      check(!c.irq.read(), "interrupt line low after clearing");
      // Bad addresses and widths.
      uint32_t v = 0;
      check(c.access(tlm::TLM_READ_COMMAND, kRegSpan, &v, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE,
            "read past the registers");
      check(c.access(tlm::TLM_WRITE_COMMAND, 0x1000, &v, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE,
            "write far out");
      check(c.access(tlm::TLM_READ_COMMAND, 0x02, &v, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE,
            "misaligned");
      check(c.access(tlm::TLM_READ_COMMAND, kStatus, &v, 2) == tlm::TLM_BURST_ERROR_RESPONSE,
            "16-bit access");
      uint64_t w = 0;
      check(c.access(tlm::TLM_READ_COMMAND, kStatus, &w, 8) == tlm::TLM_BURST_ERROR_RESPONSE,
            "64-bit access");
      unsigned char be[4] = {0xff, 0, 0xff, 0};
      check(c.access(tlm::TLM_WRITE_COMMAND, kDescLo, &v, 4, be) ==
                tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE,
            "byte enables");
      // transport_dbg: several registers at once, no side effects.
      uint32_t dump[9] = {};
      tlm::tlm_generic_payload p;
      p.set_command(tlm::TLM_READ_COMMAND);
      p.set_address(0);
      p.set_data_ptr(reinterpret_cast<unsigned char *>(dump));
      p.set_data_length(sizeof dump);
      p.set_streaming_width(sizeof dump);
      check(c.regs->transport_dbg(p) == sizeof dump, "transport_dbg length");
      check(dump[kId / 4] == kIdValue && dump[kDescLo / 4] == 0x12345678, "transport_dbg values");
      p.set_address(kRegSpan);
      p.set_data_length(4);
      p.set_streaming_width(4);
      check(c.regs->transport_dbg(p) == 0, "transport_dbg out of range");
      // Soft reset: every register back to its reset value.
      c.wr(kControl, kCtrlSoftReset);
      for (auto &r : reset)
        check(c.rd(r[0]) == r[1], "after soft reset, 0x" + std::to_string(r[0]));
      out.finished = 1;
    };
    sc_core::sc_start();
    std::snprintf(out.fails, sizeof out.fails, "%s", fails.c_str());
  });
  EXPECT_TRUE(o.finished);
  EXPECT_STREQ(o.fails, "");
}

TEST(SystemC, LooselyTimedRunEqualsTheEngine) {
  ExpectEqualsTheEngine(false, false);
}

TEST(SystemC, ApproximatelyTimedRunEqualsTheEngine) {
  ExpectEqualsTheEngine(true, false);
}

TEST(SystemC, CodedActivationsLooselyTimedEqualTheEngine) {
  ExpectEqualsTheEngine(false, true);
}

TEST(SystemC, CodedActivationsApproximatelyTimedEqualTheEngine) {
  ExpectEqualsTheEngine(true, true);
}

// A memory that ignores BurstStream charges every burst whole beats. On a layer
// that reads every other row of 9 words (18 bytes: 2.25 beats of a 64-bit bus)
// the layer takes longer, and every added cycle is a DRAM wait: the array's work
// is the same.
TEST(SystemC, AMemoryThatDoesNotPackBurstsAddsOnlyDramWaits) {
  const auto k = Cases()[4];
  for (bool at : {false, true}) {
    SCOPED_TRACE(at ? "AT" : "LT");
    RunSpec s{k.a, k.l, at, 0};
    const Outcome base = RunLayer(s);
    s.pack = false;
    const Outcome o = RunLayer(s);
    ASSERT_TRUE(o.finished);
    EXPECT_GT(o.cycles, base.cycles);
    EXPECT_EQ(o.cycles - base.cycles, o.stall - base.stall);
    EXPECT_EQ(o.meas.classes[EY_CL_MAC], base.meas.classes[EY_CL_MAC]);
    EXPECT_EQ(o.dram_bytes, base.dram_bytes);
    EXPECT_EQ(o.out_mismatches, 0u);
  }
}

// The layer computes on its inputs as they were when it started; a read burst
// that finds other bytes (the driver wrote the ifmap under a running layer) ends
// the layer with cause 7 and the error interrupt, not with outputs of mixed data.
TEST(SystemC, InputsChangedUnderARunningLayerEndItWithTheirCause) {
  const auto k = Cases()[2];  // many tiles: the last ifmap row is read late
  for (bool at : {false, true}) {
    SCOPED_TRACE(at ? "AT" : "LT");
    RunSpec s{k.a, k.l, at, 0};
    s.change_ns = 1;
    const Outcome o = RunLayer(s);
    ASSERT_TRUE(o.finished);
    EXPECT_TRUE(o.irq_seen);
    EXPECT_EQ(o.status, eyesim::kStIdle | eyesim::kStError | eyesim::kCauseInputsChanged << 8);
    EXPECT_EQ(o.irq_status, eyesim::kIrqError);
    EXPECT_EQ(o.layers, 0);
  }
}

// A VCD file's signals: each one's full name (its scopes and reference, dotted)
// and its changes (time, value) in the order written; x and z read as 0.
using Waves = std::map<std::string, std::vector<std::pair<uint64_t, uint64_t>>>;
Waves ParseVcd(const std::string &text) {
  std::istringstream in(text);
  std::vector<std::string> scopes;
  std::map<std::string, std::string> id_name;
  Waves w;
  std::string tok;
  uint64_t now = 0;
  auto set = [&](const std::string &id, const std::string &bits) {
    uint64_t v = 0;
    for (char c : bits) v = v << 1 | (c == '1');
    auto it = id_name.find(id);
    if (it != id_name.end()) w[it->second].push_back({now, v});
  };
  while (in >> tok) {
    if (tok == "$scope") {
      std::string kind, name;
      in >> kind >> name >> tok;
      scopes.push_back(name);
    } else if (tok == "$upscope") {
      in >> tok;
      scopes.pop_back();
    } else if (tok == "$var") {
      std::string type, width, id, ref;
      in >> type >> width >> id >> ref;
      while (in >> tok && tok != "$end") {  // a bit range
      }
      std::string full;
      for (const auto &sc : scopes) full += sc + ".";
      id_name[id] = full + ref;
      w[full + ref];
    } else if (tok == "$timescale" || tok == "$date" || tok == "$version" || tok == "$comment") {
      while (in >> tok && tok != "$end") {
      }
    } else if (tok[0] == '#') {
      now = std::stoull(tok.substr(1));
    } else if (tok[0] == 'b' || tok[0] == 'B') {
      std::string id;
      in >> id;
      set(id, tok.substr(1));
    } else if (tok[0] == '0' || tok[0] == '1' || tok[0] == 'x' || tok[0] == 'z') {
      set(tok.substr(1), tok.substr(0, 1));
    }
  }
  return w;
}

// A signal's changes as a step function from 0: repeated values dropped.
std::vector<std::pair<uint64_t, uint64_t>> Steps(
    const std::vector<std::pair<uint64_t, uint64_t>> &v) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  uint64_t last = 0;
  for (const auto &c : v) {
    if (!out.empty() && out.back().first == c.first) {  // the last value at a time holds
      out.back().second = c.second;
      continue;
    }
    out.push_back(c);
  }
  std::vector<std::pair<uint64_t, uint64_t>> steps;
  for (const auto &c : out)
    if (c.second != last) {
      steps.push_back(c);
      last = c.second;
    }
  return steps;
}

// The engine's signals in the module's VCD are those of `eyesim run --vcd` (the
// C engine with traces/vcdfile.c on the same layer, data, mapping and window),
// change for change at the same picoseconds, named from the module; LT and AT, on
// a one-tile and a many-tile layer, and with --vcd-signals' globs.
void ExpectTheVcdOfTheEngine(const eytest::LayerCase &k, bool at, const char *globs, uint64_t from,
                             uint64_t until) {
  const std::string sc_path = "systemc_vcd_test";
  RunSpec s{k.a, k.l, at, 0};
  s.vcd = sc_path;
  s.vcd_signals = globs;
  s.vcd_from = from;
  s.vcd_until = until;
  const Outcome o = RunLayer(s);
  ASSERT_TRUE(o.finished);
  ASSERT_EQ(o.layers, 1);
  // The same layer through eyesim's own writer.
  const std::string own = "systemc_vcd_test_own.vcd";
  ey_vcd_file *w = nullptr;
  ey_err err;
  ASSERT_EQ(ey_vcd_begin(own.c_str(), &k.a, globs, EY_CL_MAC, &w, &err), EY_OK) << err.msg;
  Tensors tn(k.l, k.a);
  ey_engine_opts eo = eytest::Opts(EY_STEP_FAST, 7, 0.5, 0);
  eo.weights = tn.t.weights;
  eo.sample = [](void *ctx, const ey_sample *smp) {
    const ey_vcd_frame fr = ey_sample_frame(smp);
    ey_vcd_sample(static_cast<ey_vcd_file *>(ctx), &fr);
  };
  eo.sample_ctx = w;
  eo.sample_from = from;
  eo.sample_until = until;
  ey_meas meas;
  ASSERT_EQ(ey_engine_run_layer(&k.a, &k.l, &o.mapping, &eo, tn.t.ifmap, &meas, &err), EY_OK)
      << err.msg;
  ASSERT_EQ(ey_vcd_end(w, 1, &err), EY_OK) << err.msg;
  EXPECT_EQ(meas.cycles, o.cycles);
  Waves want = ParseVcd(eytest::ReadFile(own));
  const Waves got = ParseVcd(eytest::ReadFile(sc_path + ".vcd"));
  std::remove(own.c_str());
  std::remove((sc_path + ".vcd").c_str());
  ASSERT_FALSE(want.empty());
  want.erase("top.dram.busy");  // the platform memory's link: not the module's to show
  const uint64_t period_ps = 1000000u / (uint64_t)k.a.core_mhz;
  // SystemC's names: its own top scope, then the module's (acc.), for top.
  std::map<std::string, std::string> sc_name;
  for (const auto &g : got) {
    std::string n = g.first;
    const size_t at_acc = n.find("acc.");
    if (at_acc != std::string::npos) n = "top." + n.substr(at_acc + 4);
    sc_name[n] = g.first;
  }
  static const char *const status[] = {"status", "busy", "done", "error", "irq", "layer"};
  size_t engine_signals = 0;
  for (const auto &g : sc_name) {
    bool is_status = false;
    for (const char *st : status) is_status |= g.first == std::string("top.") + st;
    engine_signals += !is_status;
  }
  EXPECT_EQ(engine_signals, want.size()) << "the module traces the engine's signals, no others";
  size_t changes = 0, differ = 0;
  for (const auto &sig : want) {
    auto it = sc_name.find(sig.first);
    if (it == sc_name.end()) {
      ADD_FAILURE() << sig.first << ": not in the module's VCD";
      continue;
    }
    auto a = Steps(sig.second);
    for (auto &c : a) c.first += period_ps;  // the module shows a cycle from its end
    const auto b = Steps(got.at(it->second));
    changes += a.size();
    if (a != b && differ++ < 5) {
      std::ostringstream os;
      for (size_t i = 0; i < std::max(a.size(), b.size()); i++) {
        if (i < a.size() && i < b.size() && a[i] == b[i]) continue;
        os << " at " << i << ": eyesim " << (i < a.size() ? a[i].first : 0) << "="
           << (i < a.size() ? a[i].second : 0) << ", module " << (i < b.size() ? b[i].first : 0)
           << "=" << (i < b.size() ? b[i].second : 0);
        break;
      }
      ADD_FAILURE() << sig.first << ": its changes differ (" << a.size() << " and " << b.size()
                    << " changes)" << os.str();
    }
  }
  EXPECT_EQ(differ, 0u);
  EXPECT_GT(changes, 100u);  // the window holds the layer's work, not only its start
}

TEST(SystemC, TheVcdHoldsTheSignalsOfEyesimRunVcd) {
  for (bool at : {false, true}) {
    SCOPED_TRACE(at ? "AT" : "LT");
    ExpectTheVcdOfTheEngine(Cases()[0], at, nullptr, 0, 10000);
    ExpectTheVcdOfTheEngine(Cases()[2], at, "top.array.pe_r1_*,top.noc.*,top.dram.*", 200, 3000);
  }
}

// An ifmap address whose tensor would wrap past 2^64 is a bad descriptor; one
// past the end of platform memory is a memory error, found before the adapter
// allocates for the tensor. Neither moves a byte.
TEST(SystemC, HostileTensorAddressesEndTheLayerBeforeAnyTraffic) {
  const auto k = Cases()[0];
  for (bool coded : {false, true})
    for (const auto &c : std::vector<std::pair<uint64_t, uint32_t>>{
             {0xFFFFFFFFFFFFFFF8ull, eyesim::kCauseBadDescriptor},
             {1ull << 40, eyesim::kCauseMemory}}) {
      SCOPED_TRACE(coded ? "coded" : "raw");
      RunSpec s{k.a, k.l, false, 0};
      s.a.dram_rlc = coded;
      s.coded = coded;
      s.ifmap_at = c.first;
      const Outcome o = RunLayer(s);
      ASSERT_TRUE(o.finished);
      EXPECT_EQ(o.status, eyesim::kStIdle | eyesim::kStError | c.second << 8);
      EXPECT_EQ(o.irq_status, eyesim::kIrqError);
      EXPECT_EQ(o.transfers, 0u);
    }
}

// Bursts of at most 0 bytes could never move a request: the constructor refuses them.
TEST(SystemC, AZeroBurstLengthIsRefused) {
  const Outcome o = Simulate([](Outcome &r) {
    eyesim::AcceleratorOptions ao;
    ao.max_burst_bytes = 0;
    try {
      eyesim::Accelerator acc("acc", TinyArch(6, 4), ao);
    } catch (const std::invalid_argument &e) {
      std::snprintf(r.fails, sizeof r.fails, "%s", e.what());
    }
    r.finished = 1;
  });
  ASSERT_TRUE(o.finished);
  EXPECT_STREQ(o.fails, "acc: max_burst_bytes: expected at least 1");
}

// Globs that match no signal are refused with --vcd-signals' message.
TEST(SystemC, TraceRefusesGlobsThatMatchNoSignal) {
  const Outcome o = Simulate([](Outcome &r) {
    eyesim::Accelerator acc("acc", TinyArch(6, 4));
    sc_core::sc_trace_file *tf = sc_core::sc_create_vcd_trace_file("systemc_vcd_glob_test");
    try {
      acc.trace(tf, "top.nope*");
    } catch (const std::invalid_argument &e) {
      std::snprintf(r.fails, sizeof r.fails, "%s", e.what());
    }
    sc_core::sc_close_vcd_trace_file(tf);
    std::remove("systemc_vcd_glob_test.vcd");
    r.finished = 1;
  });
  ASSERT_TRUE(o.finished);
  EXPECT_NE(std::string(o.fails).find("'top.nope*' matches no signal"), std::string::npos)
      << o.fails;
}

// A coded ifmap row without its term bit, with a run past the row's end, or
// coded in more words than eyesim's coder takes (whose length the engine times):
// cause 6, before any traffic.
TEST(SystemC, ACodedRowThatDoesNotDecodeAsEyesimCodesEndsWithTheCodingCause) {
  auto k = Cases()[0];
  k.a.dram_rlc = 1;
  for (int bad : {1, 2, 3})
    for (bool at : {false, true}) {
      SCOPED_TRACE(at ? "AT" : "LT");
      SCOPED_TRACE(bad);
      RunSpec s{k.a, k.l, at, 0};
      s.coded = true;
      s.bad_code = bad;
      const Outcome o = RunLayer(s);
      ASSERT_TRUE(o.finished);
      EXPECT_EQ(o.status, eyesim::kStIdle | eyesim::kStError | eyesim::kCauseBadCoding << 8);
      EXPECT_EQ(o.irq_status, eyesim::kIrqError);
      EXPECT_EQ(o.transfers, 0u);
      EXPECT_EQ(o.bytes_written, 0u);
    }
}

// The C engine's DRAM requests for layer l under the fixed model, served from
// outside (as tests/engine_test.cc does): each one's issue and completion cycle.
std::vector<std::pair<ey_cycle, ey_cycle>> Requests(const ey_arch &a, const ey_layer &l,
                                                    const ey_mapping &m) {
  std::vector<std::pair<ey_cycle, ey_cycle>> v;
  ey_engine_opts o = eytest::Opts(EY_STEP_FAST, 7, 0.5, 0);
  o.dram_ops = &ey_dram_external_ops;
  ey_engine *e = nullptr;
  ey_err err;
  EXPECT_EQ(ey_engine_create(&a, &l, &m, &o, nullptr, &e, &err), EY_OK) << err.msg;
  if (!e) return v;
  ey_dram model;
  ey_dram_cfg cfg = {(uint32_t)a.core_mhz, (uint32_t)a.dram_mhz, (uint32_t)a.dram_bus_bits,
                     (uint32_t)a.word_bits, (uint32_t)a.dram_latency};
  ey_dram_init(&model, &cfg, &ey_dram_fixed_ops);
  ey_rc rc;
  while ((rc = ey_engine_step(e, EY_CYCLE_NEVER, &err)) == EY_WAIT) {
    ey_dram_req r;
    int served = 0;
    while (ey_dram_next_request(ey_engine_dram(e), &r)) {
      uint64_t id = ey_dram_request(&model, r.issued, r.addr, r.words, r.bits, r.type, r.is_write);
      EXPECT_EQ(ey_dram_complete(ey_engine_dram(e), r.id, ey_dram_done_at(&model, id)), EY_OK);
      v.push_back({r.issued, ey_dram_done_at(&model, id)});
      served++;
    }
    if (!served) break;
  }
  EXPECT_EQ(rc, EY_DONE) << err.msg;
  ey_dram_fini(&model);
  ey_engine_destroy(e);
  return v;
}

// A memory D core cycles slower on every burst. Where the engine's requests are
// strictly serial (each made at or after the previous one's completion, as the C
// engine shows under the fixed model), each of them delays everything after it by
// D: a request of several bursts completes D late too (its bursts are all late
// by D), the next request is made D later, and the layer ends at its last write.
// The layer therefore takes D x requests longer, all of it DRAM wait, and nothing
// else changes. (D is a multiple of the 10 core cycles that make 3 link cycles at
// 200 and 60 MHz, so the shifted requests meet the link clock at the same phase.)
TEST(SystemC, AMemorySlowerPerBurstAddsTheCyclesItExplains) {
  const uint64_t D = 1000;
  int serial = 0;
  for (const auto &k : Cases()) {
    SCOPED_TRACE(k.what);
    for (bool at : {false, true}) {
      Outcome base = RunLayer({k.a, k.l, at, 0});
      const auto req = Requests(k.a, k.l, base.mapping);
      bool is_serial = !req.empty();
      for (size_t i = 1; i < req.size(); i++) is_serial &= req[i].first >= req[i - 1].second;
      if (!is_serial) continue;
      serial++;
      Outcome slow = RunLayer({k.a, k.l, at, D});
      ASSERT_TRUE(slow.finished);
      EXPECT_EQ(slow.cycles, base.cycles + D * req.size()) << (at ? "AT" : "LT");
      EXPECT_EQ(slow.stall, base.stall + D * req.size());
      EXPECT_EQ(slow.macs, base.macs);
      EXPECT_EQ(slow.dram_bytes, base.dram_bytes);
      EXPECT_EQ(slow.meas.classes[EY_CL_MAC], base.meas.classes[EY_CL_MAC]);
      EXPECT_EQ(slow.out_mismatches, 0u);
    }
  }
  EXPECT_GE(serial, 4);  // the two one-tile layers at least, LT and AT
}

TEST(SystemC, OutputsInPlatformMemoryEqualTheGoldenConvolution) {
  for (bool at : {false, true}) {
    const auto k = Cases()[1];
    Outcome o = RunLayer({k.a, k.l, at, 0});
    ASSERT_TRUE(o.finished);
    EXPECT_EQ(o.outputs, (uint64_t)k.l.N * k.l.M * k.l.E * k.l.F);
    EXPECT_EQ(o.out_mismatches, 0u) << (at ? "AT" : "LT");
    EXPECT_EQ(o.bytes_written, 2 * o.outputs);  // each output written once
  }
}

// A descriptor the arch cannot map (a 7-row filter on a 6-row array that folds
// nothing) ends with the error status and interrupt, and writes nothing.
TEST(SystemC, AnUnmappableDescriptorEndsInErrorAndWritesNothing) {
  RunSpec s{TinyArch(6, 4), Layer(1, 2, 2, 12, 12, 7, 7), false, 0};
  ey_mapping m;
  ey_err err;
  ASSERT_EQ(ey_map_layer(&s.l, &s.a, EY_OBJ_ENERGY, &m, nullptr, nullptr, &err), EY_NOMAP);
  for (bool at : {false, true}) {
    s.at = at;
    Outcome o = RunLayer(s);
    ASSERT_TRUE(o.finished);
    EXPECT_EQ(o.status, eyesim::kStIdle | eyesim::kStError | eyesim::kCauseUnmappable << 8);
    EXPECT_EQ(o.irq_status, eyesim::kIrqError);
    EXPECT_TRUE(o.irq_seen);
    EXPECT_EQ(o.layers, 0);
    EXPECT_EQ(o.transfers, 0u);
    EXPECT_EQ(o.bytes_written, 0u);
    EXPECT_EQ(o.cycles, 0u);
  }
}

// Platform memory that answers the ofmap's writes with TLM_ADDRESS_ERROR_RESPONSE:
// the layer ends with the memory-error status and the error interrupt, no layer
// is reported done, and no write reaches the ofmap.
TEST(SystemC, AMemoryErrorEndsTheLayerWithTheMemoryCause) {
  const auto k = Cases()[0];
  for (bool at : {false, true}) {
    SCOPED_TRACE(at ? "AT" : "LT");
    RunSpec s{k.a, k.l, at, 0, true};
    Outcome o = RunLayer(s);
    ASSERT_TRUE(o.finished);
    EXPECT_TRUE(o.irq_seen);
    EXPECT_EQ(o.status, eyesim::kStIdle | eyesim::kStError | eyesim::kCauseMemory << 8);
    EXPECT_EQ(o.irq_status, eyesim::kIrqError);
    EXPECT_EQ(o.layers, 0);
    EXPECT_EQ(o.bytes_written, 0u);
    EXPECT_EQ(o.out_mismatches, o.outputs);  // the ofmap keeps its 0xA5 fill
  }
}

// A list of two layers where the second reads the first's ofmap, as a network
// runs: both are reported, the counters are the sums of the two C engine runs on
// the same data, and the second's outputs in platform memory equal the golden
// convolution of the first's golden outputs.
TEST(SystemC, ALayerListChainsOfmapToIfmap) {
  const ey_arch a = TinyArch(6, 4);
  const ey_layer l1 = Layer(1, 3, 4, 10, 10, 3, 3), l2 = Layer(1, 4, 4, 8, 8, 3, 3, 1, 1);
  for (bool at : {false, true}) {
    SCOPED_TRACE(at ? "AT" : "LT");
    struct Two {
      int finished, layers;
      uint32_t status;
      uint64_t cycles, macs, stall, mismatches, outputs;
      ey_meas meas[2];
      ey_mapping map[2];
      uint64_t start[2];  // core cycle at which each layer started
    };
    Two r = SimulateAs<Two>([&](Two &c) {
      Tensors t1(l1, a), t2(l2, a);
      // Layer 2's weights and ofmap after layer 1's ofmap, which is its ifmap.
      const uint64_t w2 = (t1.end() + 255) & ~255ull, o2 = (w2 + 2 * t2.nw + 255) & ~255ull;
      const uint64_t end = o2 + 2 * t2.nout;
      eyesim::AcceleratorOptions ao;
      ao.approximately_timed = at;
      eyesim::Accelerator acc("acc", a, ao);
      eyesim::Memory mem("mem", (end + 4095) & ~4095ull, FixedTiming(a));
      Cpu cpu("cpu");
      sc_core::sc_signal<bool> irq("irq");
      acc.mem.bind(mem.socket);
      cpu.regs.bind(acc.regs);
      acc.irq(irq);
      cpu.irq(irq);
      std::memcpy(mem.data() + kIfmap, t1.t.ifmap, 2 * t1.nin);
      std::memcpy(mem.data() + t1.weights, t1.t.weights, 2 * t1.nw);
      std::memcpy(mem.data() + w2, t2.t.weights, 2 * t2.nw);
      WriteDescriptor(mem.data() + kDesc, l1, t1);
      unsigned char *d2 = mem.data() + kDesc + eyesim::kDescBytes;
      WriteDescriptor(d2, l2, t2);
      Put(d2 + 0x18, 8, t1.ofmap);
      Put(d2 + 0x20, 8, w2);
      Put(d2 + 0x28, 8, o2);
      cpu.body = [&](Cpu &k) {
        k.wr(eyesim::kDescLo, (uint32_t)kDesc);
        k.wr(eyesim::kLayerCount, 2);
        k.wr(eyesim::kIrqEnable, eyesim::kIrqDone | eyesim::kIrqError);
        k.wr(eyesim::kControl, eyesim::kCtrlStart);
        while (!k.irq.read()) sc_core::wait(k.irq.posedge_event());
        c.status = k.rd(eyesim::kStatus);
        c.cycles = k.rd64(eyesim::kCyclesLo);
        c.macs = k.rd64(eyesim::kMacsLo);
        c.stall = k.rd64(eyesim::kStallLo);
        c.finished = 1;
      };
      sc_core::sc_start();
      c.layers = (int)acc.results().size();
      for (int i = 0; i < c.layers && i < 2; i++) {
        c.meas[i] = acc.results()[i].meas;
        c.map[i] = acc.results()[i].mapping;
        c.start[i] = acc.results()[i].start.value() / acc.clock_period().value();
      }
      // The golden chain: layer 1's golden outputs into layer 2.
      std::vector<uint32_t> raw1(t1.nout), raw2(t2.nout);
      std::vector<int16_t> out1(t1.nout), out2(t2.nout), got(t2.nout);
      ey_golden_conv(&l1, &t1.t, a.word_bits, raw1.data(), out1.data());
      std::memcpy(t2.t.ifmap, out1.data(), 2 * t2.nin);
      ey_golden_conv(&l2, &t2.t, a.word_bits, raw2.data(), out2.data());
      std::memcpy(got.data(), mem.data() + o2, 2 * t2.nout);
      c.outputs = t2.nout;
      for (uint64_t i = 0; i < t2.nout; i++) c.mismatches += got[i] != out2[i];
    });
    ASSERT_TRUE(r.finished);
    ASSERT_EQ(r.layers, 2);
    EXPECT_EQ(r.status, eyesim::kStIdle | eyesim::kStDone | 2u << 16);
    EXPECT_EQ(r.mismatches, 0u);
    EXPECT_EQ(r.outputs, 4u * 8 * 8);
    // The C engine on each layer, layer 2 fed layer 1's golden outputs. The
    // platform memory's link clock runs from time 0, so a layer that starts at
    // core cycle B meets it at B's phase: the engine's requests are served by the
    // fixed model shifted by B (the first layer starts at 0).
    EXPECT_EQ(r.start[0], 0u);
    Tensors t1(l1, a), t2(l2, a);
    std::vector<uint32_t> raw1(t1.nout);
    std::vector<int16_t> out1(t1.nout);
    ey_golden_conv(&l1, &t1.t, a.word_bits, raw1.data(), out1.data());
    ey_meas want[2];
    ey_err err;
    for (int i = 0; i < 2; i++) {
      SCOPED_TRACE(i ? "layer 2" : "layer 1");
      ey_engine_opts o = eytest::Opts(EY_STEP_FAST, 7, 0.5, 1);
      o.weights = i ? t2.t.weights : t1.t.weights;
      o.dram_ops = &ey_dram_external_ops;
      ey_engine *e = nullptr;
      ASSERT_EQ(ey_engine_create(&a, i ? &l2 : &l1, &r.map[i], &o, i ? out1.data() : t1.t.ifmap, &e,
                                 &err),
                EY_OK)
          << err.msg;
      ey_dram model;
      ey_dram_cfg cfg = {(uint32_t)a.core_mhz, (uint32_t)a.dram_mhz, (uint32_t)a.dram_bus_bits,
                         (uint32_t)a.word_bits, (uint32_t)a.dram_latency};
      ey_dram_init(&model, &cfg, &ey_dram_fixed_ops);
      const uint64_t base = r.start[i];
      ey_rc rc;
      while ((rc = ey_engine_step(e, EY_CYCLE_NEVER, &err)) == EY_WAIT) {
        ey_dram_req q;
        int served = 0;
        while (ey_dram_next_request(ey_engine_dram(e), &q)) {
          uint64_t id =
              ey_dram_request(&model, base + q.issued, q.addr, q.words, q.bits, q.type, q.is_write);
          ASSERT_EQ(ey_dram_complete(ey_engine_dram(e), q.id, ey_dram_done_at(&model, id) - base),
                    EY_OK);
          served++;
        }
        if (!served) break;
      }
      ASSERT_EQ(rc, EY_DONE) << err.msg;
      ey_engine_stats(e, &want[i]);
      ey_engine_destroy(e);
      ey_dram_fini(&model);
      EXPECT_EQ(want[i].checked, 1);
      ExpectSameMeas(r.meas[i], want[i]);
    }
    EXPECT_EQ(r.cycles, want[0].cycles + want[1].cycles);
    EXPECT_EQ(r.macs, want[0].c.macs + want[1].c.macs);
    EXPECT_EQ(r.stall, want[0].dram_wait_cycles + want[1].dram_wait_cycles);
  }
}

}  // namespace

// libsystemc defines main() and wants an sc_main; GoogleTest's main is the one
// linked, so this never runs.
int sc_main(int, char **) {
  return 0;
}
