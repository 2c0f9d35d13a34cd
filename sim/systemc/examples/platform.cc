// platform.cc - an example virtual platform: a TLM memory, eyesim::Accelerator
// and a driver thread, running AlexNet CONV3 (C=256, M=384, 13x13, 3x3, pad 1) on
// Eyeriss v1.
//
// The driver writes the layer's input and weights into memory over the memory's
// host port, writes one layer descriptor and the registers, waits for the
// interrupt, reads the status and the counters, reads the outputs back and
// compares them with the golden convolution. When the arch codes activations
// (dram.rlc), the driver stores the input RLC-coded, row by row, and decodes the
// outputs, as the chip's DRAM holds them (docs/systemc.md).
//
//   eyesim_vp [--arch FILE] [--net FILE] [--layer NAME] [--latency N] [--extra-ns N]
//             [--at] [--raw] [--vcd FILE] [--vcd-window FROM:TO]
//
// The data is `eyesim run --seed 1 --zeros 0.3`'s, so the cycles and counters
// equal `eyesim run ARCH NET --layers NAME --seed 1 --zeros 0.3 --set
// dram.rlc_layout=row`'s (the memory keeps a coded row per slot). --latency sets
// the memory's latency in link cycles (default: the arch's dram.latency_cycles),
// --extra-ns adds that much to every burst, --at runs the approximately-timed
// memory path, --raw stores the activations as plain words even when the arch
// codes them (the layer then moves them raw), --vcd writes SystemC's VCD (FILE.vcd)
// of the status and of `eyesim run --vcd`'s signals over the --vcd-window core
// cycles (default 0:10000).
#include <tlm_utils/simple_initiator_socket.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <systemc>
#include <tlm>
#include <vector>

#include "dram/dram.h"
#include "sim/systemc/accelerator.h"
#include "sim/systemc/memory.h"

extern "C" {
#include "sim/config/config.h"
#include "sim/engine/data.h"
#include "traces/rlc.h"
}

using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

// Memory layout of the example: descriptors, then the three tensors.
constexpr uint64_t kDescAddr = 0x1000, kIfmapAddr = 0x10000;

struct Driver : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Driver> regs, mem;
  sc_core::sc_in<bool> irq;
  const ey_layer &l;
  int word_bits, psum_bits, product_shift; /* the arch's arithmetic (sim/engine/data.h) */
  bool coded;                              // activations as RLC-coded rows
  uint64_t weights_addr = 0, ofmap_addr = 0;
  bool ok = false;
  uint64_t cycles = 0, macs = 0, dram_bytes = 0, stall = 0;  // the counter registers

  SC_HAS_PROCESS(Driver);
  Driver(sc_core::sc_module_name n, const ey_layer &layer, const ey_arch &a, bool rlc)
      : sc_module(n),
        regs("regs"),
        mem("mem"),
        irq("irq"),
        l(layer),
        word_bits(a.word_bits),
        psum_bits(a.psum_bits),
        product_shift(a.product_shift),
        coded(rlc) {
    SC_THREAD(main);
  }

  void access(tlm_utils::simple_initiator_socket<Driver> &s, tlm::tlm_command cmd, uint64_t a,
              void *data, unsigned len) {
    tlm::tlm_generic_payload p;
    sc_time delay = sc_core::SC_ZERO_TIME;
    p.set_command(cmd);
    p.set_address(a);
    p.set_data_ptr(static_cast<unsigned char *>(data));
    p.set_data_length(len);
    p.set_streaming_width(len);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    s->b_transport(p, delay);
    if (p.is_response_error()) {
      std::fprintf(stderr, "eyesim_vp: %s at 0x%llx\n", p.get_response_string().c_str(),
                   (unsigned long long)a);
      std::exit(1);
    }
    wait(delay);
  }
  void write_reg(uint32_t off, uint32_t v) {
    access(regs, tlm::TLM_WRITE_COMMAND, off, &v, 4);
  }
  uint32_t read_reg(uint32_t off) {
    uint32_t v;
    access(regs, tlm::TLM_READ_COMMAND, off, &v, 4);
    return v;
  }
  uint64_t read_reg64(uint32_t off) {
    uint64_t lo = read_reg(off);
    return lo | (uint64_t)read_reg(off + 4) << 32;
  }
  void copy(tlm::tlm_command cmd, uint64_t a, void *data, uint64_t bytes) {
    for (uint64_t o = 0; o < bytes; o += 4096)
      access(mem, cmd, a + o, static_cast<unsigned char *>(data) + o,
             (unsigned)std::min<uint64_t>(4096, bytes - o));
  }

  static void put(unsigned char *d, int bytes, uint64_t v) {
    for (int i = 0; i < bytes; i++) d[i] = (unsigned char)(v >> 8 * i);
  }

  void main() {
    ey_tensors t;
    if (ey_tensors_make(&t, &l, word_bits, 1, 0.3)) std::exit(1);
    ey_tensors_arith(&t, &l, word_bits, psum_bits, product_shift);
    const uint64_t Cg = (uint64_t)(l.C / l.groups);
    const uint64_t nin = (uint64_t)l.N * l.C * l.H * l.W, nw = (uint64_t)l.M * Cg * l.R * l.S;
    const uint64_t nout = (uint64_t)l.N * l.M * l.E * l.F;
    // A coded row sits in a slot of ceil(width / 3) 64-bit words, the most it can take.
    const uint64_t W = (uint64_t)l.W, F = (uint64_t)l.F;
    const uint64_t in_slot = 8 * ey_rlc_words_max(W), out_slot = 8 * ey_rlc_words_max(F);
    const uint64_t in_bytes = coded ? nin / W * in_slot : nin * 2;
    const uint64_t out_bytes = coded ? nout / F * out_slot : nout * 2;
    weights_addr = (kIfmapAddr + in_bytes + 0xfff) & ~0xfffull;
    ofmap_addr = (weights_addr + nw * 2 + 0xfff) & ~0xfffull;
    if (coded) {
      std::vector<uint64_t> rows((size_t)(in_bytes / 8));
      for (uint64_t r = 0; r < nin / W; r++)
        ey_rlc_encode(t.ifmap + r * W, W, &rows[(size_t)(r * in_slot / 8)]);
      copy(tlm::TLM_WRITE_COMMAND, kIfmapAddr, rows.data(), in_bytes);
    } else {
      copy(tlm::TLM_WRITE_COMMAND, kIfmapAddr, t.ifmap, nin * 2);
    }
    copy(tlm::TLM_WRITE_COMMAND, weights_addr, t.weights, nw * 2);

    unsigned char d[eyesim::kDescBytes] = {};
    put(d, 4, eyesim::kDescMagic);
    put(d + 0x04, 2, (uint64_t)l.N);
    put(d + 0x06, 2, (uint64_t)l.C);
    put(d + 0x08, 2, (uint64_t)l.M);
    put(d + 0x0A, 2, (uint64_t)l.H);
    put(d + 0x0C, 2, (uint64_t)l.W);
    d[0x0E] = (unsigned char)l.R;
    d[0x0F] = (unsigned char)l.S;
    d[0x10] = (unsigned char)l.stride;
    d[0x11] = (unsigned char)l.pad;
    d[0x12] = (unsigned char)l.groups;
    d[0x13] = (unsigned char)((l.relu ? eyesim::kFlagRelu : 0) | (coded ? eyesim::kFlagRlc : 0));
    put(d + 0x18, 8, kIfmapAddr);
    put(d + 0x20, 8, weights_addr);
    put(d + 0x28, 8, ofmap_addr);
    copy(tlm::TLM_WRITE_COMMAND, kDescAddr, d, sizeof d);

    std::printf("driver: id 0x%08x version 0x%06x\n", read_reg(eyesim::kId),
                read_reg(eyesim::kVersion));
    write_reg(eyesim::kDescLo, (uint32_t)kDescAddr);
    write_reg(eyesim::kDescHi, 0);
    write_reg(eyesim::kLayerCount, 1);
    write_reg(eyesim::kIrqEnable, eyesim::kIrqDone | eyesim::kIrqError);
    const sc_time started = sc_core::sc_time_stamp();
    write_reg(eyesim::kControl, eyesim::kCtrlStart);
    while (!irq.read()) wait(irq.posedge_event());
    const sc_time took = sc_core::sc_time_stamp() - started;
    const uint32_t status = read_reg(eyesim::kStatus);
    write_reg(eyesim::kIrqStatus, read_reg(eyesim::kIrqStatus));  // acknowledge
    std::printf("driver: interrupt after %s, status 0x%08x\n", took.to_string().c_str(), status);
    cycles = read_reg64(eyesim::kCyclesLo);
    macs = read_reg64(eyesim::kMacsLo);
    dram_bytes = read_reg64(eyesim::kDramBytesLo);
    stall = read_reg64(eyesim::kStallLo);
    std::printf("driver: cycles %llu, MACs %llu, DRAM bytes %llu, DRAM stall cycles %llu\n",
                (unsigned long long)cycles, (unsigned long long)macs,
                (unsigned long long)dram_bytes, (unsigned long long)stall);

    std::vector<int16_t> got(nout), want(nout);
    std::vector<uint32_t> raw(nout);
    uint64_t bad = 0;
    if (coded) {
      std::vector<uint64_t> rows((size_t)(out_bytes / 8));
      copy(tlm::TLM_READ_COMMAND, ofmap_addr, rows.data(), out_bytes);
      for (uint64_t r = 0; r < nout / F; r++) {
        const uint64_t *w = &rows[(size_t)(r * out_slot / 8)];
        const uint64_t n = ey_rlc_stream_words(w, out_slot / 8);
        ey_err err;
        if (!n || ey_rlc_decode(w, n, &got[(size_t)(r * F)], F, &err) != EY_OK) {
          std::printf("driver: output row %llu does not decode\n", (unsigned long long)r);
          bad++;
        }
      }
    } else {
      copy(tlm::TLM_READ_COMMAND, ofmap_addr, got.data(), nout * 2);
    }
    ey_golden_conv(&l, &t, word_bits, raw.data(), want.data());
    for (uint64_t i = 0; i < nout; i++) bad += got[i] != want[i];
    ey_tensors_free(&t);
    ok = (status & eyesim::kStDone) && !bad;
    if (bad)
      std::printf("driver: %llu of %llu outputs differ from the golden convolution\n",
                  (unsigned long long)bad, (unsigned long long)nout);
    else if (ok)
      std::printf("driver: %llu outputs equal the golden convolution\n", (unsigned long long)nout);
  }
};

}  // namespace

int sc_main(int argc, char **argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each line out as it is printed
  std::string arch_path = std::string(EY_CONFIG_DIR) + "/arch/eyeriss_v1.yaml";
  std::string net_path = std::string(EY_CONFIG_DIR) + "/nets/alexnet.yaml";
  std::string layer_name = "conv3", vcd;
  long latency = -1;
  bool raw = false;
  unsigned long long vcd_from = 0, vcd_until = 10000;
  double extra_ns = 0;
  eyesim::AcceleratorOptions opts;
  for (int i = 1; i < argc; i++) {
    const std::string a = argv[i];
    const bool more = i + 1 < argc;
    if (a == "--arch" && more)
      arch_path = argv[++i];
    else if (a == "--net" && more)
      net_path = argv[++i];
    else if (a == "--layer" && more)
      layer_name = argv[++i];
    else if (a == "--latency" && more)
      latency = std::atol(argv[++i]);
    else if (a == "--extra-ns" && more)
      extra_ns = std::atof(argv[++i]);
    else if (a == "--vcd" && more)
      vcd = argv[++i];
    else if (a == "--vcd-window" && more &&
             std::sscanf(argv[i + 1], "%llu:%llu", &vcd_from, &vcd_until) == 2 &&
             vcd_from < vcd_until)
      i++;
    else if (a == "--at")
      opts.approximately_timed = true;
    else if (a == "--raw")
      raw = true;
    else {
      std::fprintf(stderr,
                   "usage: eyesim_vp [--arch FILE] [--net FILE] [--layer NAME] [--latency N] "
                   "[--extra-ns N] [--at] [--raw] [--vcd FILE] [--vcd-window FROM:TO]\n");
      return 2;
    }
  }
  ey_err err;
  ey_arch arch;
  ey_net net{};
  if (ey_arch_load(arch_path.c_str(), &arch, &err) || ey_net_load(net_path.c_str(), &net, &err) ||
      ey_net_select(&net, layer_name.c_str(), &err)) {
    std::fprintf(stderr, "eyesim_vp: %s\n", err.msg);
    ey_net_free(&net);
    return 1;
  }
  const ey_layer layer = net.layers[0];
  ey_net_free(&net);

  eyesim::MemoryTiming mt;
  mt.core_mhz = (uint32_t)arch.core_mhz;
  mt.link_mhz = (uint32_t)arch.dram_mhz;
  mt.bus_bits = (uint32_t)arch.dram_bus_bits;
  mt.latency = latency >= 0 ? (uint32_t)latency : (uint32_t)arch.dram_latency;
  mt.extra_per_burst = sc_time(extra_ns, SC_NS);
  tlm::tlm_global_quantum::instance().set(sc_time(1, sc_core::SC_US));

  eyesim::Memory memory("memory", 64ull << 20, mt);
  opts.vcd_from = vcd_from;
  opts.vcd_until = vcd_until;
  eyesim::Accelerator acc("eyeriss", arch, opts);
  const bool coded = arch.dram_rlc && !raw;
  Driver driver("driver", layer, arch, coded);
  sc_core::sc_signal<bool> irq("irq");
  acc.mem.bind(memory.socket);
  driver.mem.bind(memory.host);
  driver.regs.bind(acc.regs);
  acc.irq(irq);
  driver.irq(irq);
  sc_core::sc_trace_file *tf = nullptr;
  if (!vcd.empty()) {
    tf = sc_core::sc_create_vcd_trace_file(vcd.c_str());
    acc.trace(tf);
  }
  std::printf(
      "platform: %s on %s, activations %s, %s memory, latency %u link cycles + %g ns per burst\n",
      layer.name, arch.name, coded ? "RLC-coded" : "raw",
      opts.approximately_timed ? "approximately timed" : "loosely timed", mt.latency, extra_ns);
  const auto wall0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  if (tf) sc_core::sc_close_vcd_trace_file(tf);
  // The C engine on the same layer, data and mapping, its DRAM the fixed model:
  // what `eyesim run` computes. The counters must be its own when the memory is
  // timed as that model. The platform memory's link clock runs from time 0, so a
  // layer that starts at core cycle B meets it at B's phase: the engine's requests
  // are served by the fixed model at cycle B + issue (B = 0: `eyesim run` exactly).
  bool equal = true;
  if (driver.ok && latency < 0 && extra_ns == 0) {
    ey_engine_opts o;
    std::memset(&o, 0, sizeof o);
    o.step = EY_STEP_FAST;
    o.seed = 1;
    o.zeros = 0.3;
    ey_arch a = arch;
    a.dram_rlc = coded;
    a.rlc_rows = 1;  // as the adapter times its memory: a coded row per slot
    ey_meas m;
    const eyesim::LayerResult &r = acc.results().at(0);
    o.dram_ops = &ey_dram_external_ops;
    ey_engine *e = nullptr;
    ey_rc rc = ey_engine_create(&a, &layer, &r.mapping, &o, nullptr, &e, &err);
    ey_dram model;
    const ey_dram_cfg cfg = {(uint32_t)a.core_mhz, (uint32_t)a.dram_mhz, (uint32_t)a.dram_bus_bits,
                             (uint32_t)a.word_bits, (uint32_t)a.dram_latency};
    ey_dram_init(&model, &cfg, &ey_dram_fixed_ops);
    const uint64_t base = (uint64_t)(r.start.value() / acc.clock_period().value());
    while (!rc && (rc = ey_engine_step(e, EY_CYCLE_NEVER, &err)) == EY_WAIT) {
      ey_dram_req q;
      int served = 0;
      while (rc == EY_WAIT && ey_dram_next_request(ey_engine_dram(e), &q)) {
        const uint64_t id =
            ey_dram_request(&model, base + q.issued, q.addr, q.words, q.bits, q.type, q.is_write);
        if (!id || ey_dram_complete(ey_engine_dram(e), q.id, ey_dram_done_at(&model, id) - base))
          rc = EY_NOMEM;
        served++;
      }
      if (!served) break;
      if (rc == EY_WAIT) rc = EY_OK;
    }
    if (rc == EY_DONE) ey_engine_stats(e, &m);
    ey_engine_destroy(e);
    ey_dram_fini(&model);
    if (rc != EY_DONE) {
      std::fprintf(stderr, "eyesim_vp: %s\n",
                   rc == EY_WAIT || rc == EY_OK ? "the C engine did not finish" : err.msg);
      return 1;
    }
    uint64_t bytes = 0;
    for (int t = 0; t < EY_NTYPES; t++) bytes += (m.dram_bits[t] + 7) / 8;
    equal = m.cycles == driver.cycles && m.c.macs == driver.macs && bytes == driver.dram_bytes &&
            m.dram_wait_cycles == driver.stall;
    std::printf(
        "platform: the C engine on the same data and mapping (eyesim run --seed 1 "
        "--zeros 0.3 --set dram.rlc_layout=row, its memory's link clock at core cycle %llu's "
        "phase): cycles %llu, MACs "
        "%llu, DRAM bytes %llu, DRAM stall cycles %llu: %s\n",
        (unsigned long long)base, (unsigned long long)m.cycles, (unsigned long long)m.c.macs,
        (unsigned long long)bytes, (unsigned long long)m.dram_wait_cycles,
        equal ? "equal" : "DIFFERENT");
  }
  std::printf("platform: simulated %s in %.2f s wall, %llu timed memory transfers\n",
              sc_core::sc_time_stamp().to_string().c_str(), wall,
              (unsigned long long)memory.transfers());
  if (driver.ok && equal) std::printf("platform: ok\n");
  return driver.ok && equal ? 0 : 1;
}
