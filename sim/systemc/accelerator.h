// accelerator.h - eyesim as a SystemC/TLM-2.0 accelerator of a virtual platform.
//
// eyesim::Accelerator is one sc_module: driver software programs it through
// memory-mapped registers (the `regs` target socket), it reads a list of layer
// descriptors, the ifmaps and the weights from platform memory and writes the
// outputs there (the `mem` initiator socket), and raises `irq` when the list is
// done or has failed. Each layer runs on eyesim's cycle-level engine
// (sim/engine/engine.h) with its DRAM served by the platform: every DRAM request
// of the engine becomes TLM bursts at the request's core cycle, and their
// completions, as the platform's memory gives them, are the engine's.
//
// The register map and the descriptor format: docs/systemc.md.
#ifndef EYESIM_SYSTEMC_ACCELERATOR_H
#define EYESIM_SYSTEMC_ACCELERATOR_H

#include <tlm_utils/peq_with_cb_and_phase.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <systemc>
#include <tlm>
#include <unordered_map>
#include <vector>

extern "C" {
#include "sim/base/ey_arch.h"
#include "sim/engine/engine.h"
}

namespace eyesim {

// Register offsets (docs/systemc.md). Every register is 32 bits wide.
enum Reg : uint32_t {
  kControl = 0x00,     // W: bit 0 start, bit 1 soft reset; reads 0
  kStatus = 0x04,      // RO: idle, busy, done, error, cause, layers done
  kIrqEnable = 0x08,   // RW: bit 0 done, bit 1 error
  kIrqStatus = 0x0C,   // W1C: bit 0 done, bit 1 error
  kDescLo = 0x10,      // RW: descriptor list address, low 32 bits
  kDescHi = 0x14,      // RW: high 32 bits
  kLayerCount = 0x18,  // RW: descriptors in the list
  kId = 0x1C,          // RO: 0x45594553 ("EYES")
  kVersion = 0x20,     // RO: major << 16 | minor << 8 | patch
  kCyclesLo = 0x40,    // RO counters, 64 bits as low and high words, over the list
  kCyclesHi = 0x44,
  kMacsLo = 0x48,
  kMacsHi = 0x4C,
  kDramBytesLo = 0x50,
  kDramBytesHi = 0x54,
  kStallLo = 0x58,
  kStallHi = 0x5C,
  kRegSpan = 0x60,  // the registers' address span
};

enum : uint32_t {
  kCtrlStart = 1u << 0,
  kCtrlSoftReset = 1u << 1,
  kStIdle = 1u << 0,
  kStBusy = 1u << 1,
  kStDone = 1u << 2,
  kStError = 1u << 3,  // the cause is in bits 15:8, the layers done in bits 31:16
  kIrqDone = 1u << 0,
  kIrqError = 1u << 1,
  kIdValue = 0x45594553u,
  kDescMagic = 0x444C5945u,  // "EYLD", little-endian
  kDescBytes = 64,
};

// STATUS bits 15:8 after an error.
enum Cause : uint32_t {
  kCauseNone = 0,
  kCauseBadDescriptor = 1,  // bad magic, a zero or out-of-range field, a list of 0
  kCauseUnmappable = 2,     // no legal mapping of the shape on the architecture
  kCauseBadMapping = 3,     // the descriptor's own mapping is not legal
  kCauseMemory = 4,         // a TLM error response from platform memory
  kCauseEngine = 5,         // the engine failed (out of memory, a schedule it cannot serve)
  kCauseBadCoding = 6,      // an RLC-coded ifmap row that does not decode as eyesim codes it
  kCauseInputsChanged = 7,  // a read burst found other bytes than the layer started on
};

// Descriptor flags (byte 0x13).
enum : uint8_t {
  kFlagRelu = 1u << 0,
  kFlagMapping = 1u << 1,  // the descriptor's mapping is used
  kFlagRlc = 1u << 2,      // the ifmap and ofmap are RLC-coded rows (docs/systemc.md)
};

struct AcceleratorOptions {
  // false: loosely timed (b_transport per burst, a quantum keeper); true:
  // approximately timed (nb_transport, base protocol, a payload event queue).
  bool approximately_timed = false;
  uint32_t max_burst_bytes = 1024;  // a request's bursts are at most this long (>= 1)
  int step = EY_STEP_FAST;          // the engine's stepping (same results either way)
  int objective = -1;  // mapper objective when a descriptor has no mapping; -1: the arch's
  int check = 0;       // 1: the engine compares every output with the golden convolution
  // The engine's signals in trace()'s VCD cover these core cycles of the command
  // list [from, until), layers back to back (eyesim run's --vcd-window); the
  // layers the window reaches step exactly there (the same results).
  uint64_t vcd_from = 0, vcd_until = 10000;
};

// What one layer of the last command list measured (the engine's own report).
struct LayerResult {
  ey_layer layer;
  ey_mapping mapping;
  ey_meas meas;
  sc_core::sc_time start, end;  // simulated time of its core cycle 0 and of its end
};

class Accelerator : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Accelerator> regs;
  tlm_utils::simple_initiator_socket<Accelerator> mem;
  sc_core::sc_out<bool> irq;

  // `arch` is copied. Throws std::runtime_error for an arch file that fails to load,
  // std::invalid_argument for max_burst_bytes 0.
  Accelerator(sc_core::sc_module_name name, const ey_arch &arch,
              const AcceleratorOptions &opts = {});
  Accelerator(sc_core::sc_module_name name, const std::string &arch_path,
              const AcceleratorOptions &opts = {});
  ~Accelerator() override;

  SC_HAS_PROCESS(Accelerator);

  // The core clock period (clock.core_mhz).
  sc_core::sc_time clock_period() const {
    return period_;
  }
  const ey_arch &arch() const {
    return arch_;
  }
  // The layers of the last command list, as far as it got.
  const std::vector<LayerResult> &results() const {
    return results_;
  }
  // Adds STATUS, its fields, the interrupt and the layer index to a VCD, and the
  // signals of `eyesim run --vcd` (docs/traces.md) over the options' window, named
  // from this module (acc.array.pe_r0_c0.state for top.array.pe_r0_c0.state); with
  // `signals`, only those matching one of its comma-separated globs (of the
  // top.* names, as --vcd-signals; "": the status alone). Call it before the
  // simulation starts, once. Throws std::invalid_argument for globs that match no
  // signal.
  void trace(sc_core::sc_trace_file *tf, const char *signals = nullptr);

 private:
  struct Burst;
  struct Request;

  void init();
  void drive();    // SC_METHOD: the interrupt and the traced signals
  void run();      // SC_THREAD: the command list
  void at_send();  // SC_THREAD: AT bursts out, one BEGIN_REQ at a time
  void wave();     // SC_THREAD: the engine's signal changes, each at its cycle's time
  static int wave_var(void *ctx, const char *name, int width);
  static void wave_set(void *ctx, uint64_t cycle, int h, uint64_t value);
  static void wave_sample(void *ctx, const ey_sample *s);
  bool sampling() const;
  ey_cycle step_size(ey_cycle ahead) const;
  void reg_b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay);
  unsigned reg_transport_dbg(tlm::tlm_generic_payload &p);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload &p, tlm::tlm_phase &ph,
                                     sc_core::sc_time &delay);
  void invalidate_dmi(sc_dt::uint64 start, sc_dt::uint64 end);
  void at_response(tlm::tlm_generic_payload &p, const tlm::tlm_phase &ph);

  uint32_t reg_read(uint32_t off) const;
  void reg_write(uint32_t off, uint32_t v);
  void soft_reset();
  void update_status();
  void raise(uint32_t irq_bits);
  void fail(uint32_t cause);

  // Where the running layer's tensors are and how they are stored.
  struct Layout {
    uint64_t base[3] = {0, 0, 0};        // ifmap, weights, ofmap addresses
    bool coded = false;                  // activations as RLC-coded rows
    uint64_t W = 0, F = 0;               // words of an ifmap row, of an ofmap row
    uint64_t in_slot = 0, out_slot = 0;  // coded: bytes from one row to the next
    std::vector<uint32_t> in_words;      // coded: 64-bit words of each ifmap row
    std::vector<uint64_t> in_code;       // coded: the ifmap's slots as the layer began
    const unsigned char *staged[2] = {nullptr, nullptr};  // the ifmap and weights as
                                                          // they were, as stored
  };

  // One layer: 0, or an error cause.
  uint32_t run_layer(uint32_t index);
  // Reads the layer's inputs from platform memory (untimed), decoding coded rows
  // into `ifmap`; 0, or an error cause.
  uint32_t stage_inputs(const ey_layer &l, Layout &lay, std::vector<int16_t> &ifmap,
                        std::vector<int16_t> &weights);
  // Functional (untimed) accesses: DMI when offered, else transport_dbg.
  bool load(uint64_t addr, void *dst, uint64_t len);
  // The engine's new DRAM requests as bursts; false on a memory error.
  bool issue_requests(ey_engine *e, const Layout &lay, sc_core::sc_time t0);
  void burst_done(Burst &b, const sc_core::sc_time &at);

  ey_arch arch_;
  AcceleratorOptions opts_;
  sc_core::sc_time period_;
  tlm_utils::tlm_quantumkeeper qk_;

  // Registers.
  uint32_t status_ = kStIdle, irq_enable_ = 0, irq_status_ = 0, layer_count_ = 0;
  uint64_t desc_addr_ = 0;
  uint64_t cycles_ = 0, macs_ = 0, dram_bytes_ = 0, stall_ = 0;

  sc_core::sc_event start_ev_;
  bool abort_ = false;
  std::vector<LayerResult> results_;

  // Memory traffic of the running layer.
  ey_engine *engine_ = nullptr;
  std::deque<std::unique_ptr<Request>> requests_;
  std::deque<Burst *> at_queue_;
  std::unordered_map<const tlm::tlm_generic_payload *, Burst *> in_flight_;  // AT
  uint64_t at_outstanding_ = 0;  // AT bursts sent or queued, not yet answered
  bool end_req_seen_ = false;
  sc_core::sc_event at_queued_, at_end_req_, at_resp_, drive_ev_;
  bool mem_error_ = false;
  bool inputs_changed_ = false;  // a read burst differed from the staged inputs
  tlm_utils::peq_with_cb_and_phase<Accelerator> peq_;
  tlm::tlm_dmi dmi_;
  bool dmi_valid_ = false, dmi_tried_ = false;

  // Traced signals.
  sc_core::sc_signal<uint32_t> status_sig_, layer_sig_;
  sc_core::sc_signal<bool> busy_sig_, done_sig_, error_sig_, irq_sig_;
  // The engine's signals (trace()): their values, traced by reference (a deque
  // keeps them in place), the changes not yet due, and the running layer's
  // clock: core cycle c of the list is at wave_t0_ + (c - wave_base_) periods.
  sc_core::sc_trace_file *wave_tf_ = nullptr;
  ey_vcd_file *wave_ = nullptr;
  std::deque<sc_dt::uint64> wave_val_;
  std::vector<uint64_t> wave_last_;  // each one's value as of its last queued change
  struct Change {
    sc_core::sc_time t;
    int h;
    uint64_t v;
  };
  std::deque<Change> wave_q_;
  sc_core::sc_event wave_ev_;
  sc_core::sc_time wave_t0_;
  uint64_t wave_base_ = 0;
};

}  // namespace eyesim

#endif
