// memory.h - a TLM-2.0 memory target for virtual platforms around eyesim::Accelerator:
// a byte array behind two target sockets, answering b_transport (loosely timed),
// nb_transport_fw (approximately timed, base protocol), get_direct_mem_ptr (DMI)
// and transport_dbg.
//
// Its timing is a link clock with a bus of bus_bits per link cycle, transfers
// served in arrival order, plus latency link cycles after a transfer's last beat,
// plus extra_per_burst of simulated time on every transfer. With the clocks, bus
// and latency of an architecture's dram section and extra_per_burst zero it times
// every transfer as eyesim's `fixed` DRAM model does (dram/dram_fixed.c): a
// transfer arriving at core cycle t starts at the first free link cycle at or
// after t, link cycle k beginning at core cycle ceil(k * core / link). Bursts of
// one eyesim::BurstStream (stream.h) that follow each other on the bus share the
// beat where one ends and the next begins, so that a request carried as many
// bursts takes the fixed model's ceil(bits / bus_bits) beats.
#ifndef EYESIM_SYSTEMC_MEMORY_H
#define EYESIM_SYSTEMC_MEMORY_H

#include <tlm_utils/peq_with_cb_and_phase.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <systemc>
#include <tlm>
#include <vector>

namespace eyesim {

struct MemoryTiming {
  uint32_t core_mhz = 200;  // the clock whose cycles transfer times are rounded to
  uint32_t link_mhz = 60;   // the bus clock
  uint32_t bus_bits = 64;   // bits per link cycle
  uint32_t latency = 6;     // link cycles after the last beat
  sc_core::sc_time extra_per_burst = sc_core::SC_ZERO_TIME;  // added to every transfer
  bool pack = true;  // bursts of one BurstStream back to back share beats (stream.h)
  bool dmi = true;   // offer DMI (functional accesses only: DMI carries no timing)
  sc_core::sc_time host_latency = sc_core::sc_time(10, sc_core::SC_NS);  // per host access
  // A fault to inject: timed accesses that touch [fault_from, fault_to) are answered
  // TLM_ADDRESS_ERROR_RESPONSE (none when fault_to <= fault_from). DMI is then not
  // offered, so that every access meets the fault.
  uint64_t fault_from = 0, fault_to = 0;
  bool log = false;  // keep every timed access (Memory::log())
};

// A timed access, as MemoryTiming::log keeps them.
struct MemoryAccess {
  uint64_t addr, len;
  bool write;
};

class Memory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Memory> socket;  // the accelerator's port, timed as above
  tlm_utils::simple_target_socket_optional<Memory>
      host;  // a second port (the driver's): host_latency
             // per access, apart from the bus

  Memory(sc_core::sc_module_name name, uint64_t size, const MemoryTiming &timing = {});

  // Host-side access to the contents (the platform's loader and checker).
  unsigned char *data() {
    return mem_.data();
  }
  uint64_t size() const {
    return mem_.size();
  }
  const MemoryTiming &timing() const {
    return timing_;
  }
  uint64_t transfers() const {
    return transfers_;  // timed transfers served (b_transport and nb_transport)
  }
  uint64_t bytes_written() const {
    return bytes_written_;  // by timed transfers
  }
  const std::vector<MemoryAccess> &log() const {
    return log_;  // with MemoryTiming::log: every timed access served, in order
  }

 private:
  void b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay);
  void host_b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay);
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload &p, tlm::tlm_phase &ph,
                                     sc_core::sc_time &delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload &p, tlm::tlm_dmi &dmi);
  unsigned transport_dbg(tlm::tlm_generic_payload &p);
  void respond(tlm::tlm_generic_payload &p, const tlm::tlm_phase &ph);

  // Moves the payload's data; false (with the response status set) when it is
  // out of range or not a plain read or write.
  bool access(tlm::tlm_generic_payload &p);
  // The time at which transfer p, arriving at `arrival`, is complete.
  sc_core::sc_time complete_at(const sc_core::sc_time &arrival, tlm::tlm_generic_payload &p);

  std::vector<unsigned char> mem_;
  MemoryTiming timing_;
  sc_core::sc_time core_period_;
  uint64_t free_link_ = 0;   // first link cycle the bus is free
  uint64_t spare_bits_ = 0;  // unused bits of the beat before free_link_ ...
  uint64_t stream_ = 0;      // ... which ended a transfer of this BurstStream (0: none)
  uint64_t transfers_ = 0, bytes_written_ = 0;
  std::vector<MemoryAccess> log_;
  tlm_utils::peq_with_cb_and_phase<Memory> peq_;
};

}  // namespace eyesim

#endif
