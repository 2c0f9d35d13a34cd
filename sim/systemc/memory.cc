// memory.cc - the TLM memory target of memory.h.
#include "sim/systemc/memory.h"

#include <algorithm>
#include <cstring>

#include "sim/systemc/stream.h"

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace eyesim {

Memory::Memory(sc_core::sc_module_name name, uint64_t size, const MemoryTiming &timing)
    : sc_module(name),
      socket("socket"),
      host("host"),
      mem_(size, 0),
      timing_(timing),
      core_period_(sc_time(1.0 / timing.core_mhz, sc_core::SC_US)),
      peq_(this, &Memory::respond) {
  socket.register_b_transport(this, &Memory::b_transport);
  socket.register_nb_transport_fw(this, &Memory::nb_transport_fw);
  socket.register_get_direct_mem_ptr(this, &Memory::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &Memory::transport_dbg);
  host.register_b_transport(this, &Memory::host_b_transport);
  host.register_transport_dbg(this, &Memory::transport_dbg);
}

bool Memory::access(tlm::tlm_generic_payload &p) {
  const uint64_t a = p.get_address(), n = p.get_data_length();
  if (p.get_byte_enable_ptr()) {
    p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return false;
  }
  if (p.get_streaming_width() < n) {
    p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return false;
  }
  if (a > mem_.size() || n > mem_.size() - a) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  if (timing_.fault_to > timing_.fault_from && a < timing_.fault_to && a + n > timing_.fault_from) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  if (p.is_read())
    std::memcpy(p.get_data_ptr(), &mem_[a], n);
  else if (p.is_write())
    std::memcpy(&mem_[a], p.get_data_ptr(), n);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  if (timing_.dmi) p.set_dmi_allowed(true);
  return true;
}

// The fixed model's arithmetic (dram/dram.c): link cycle k begins at core cycle
// ceil(k * core / link); a transfer made at core cycle t starts at the first link
// cycle that begins at or after t. A burst of the stream that ended the last
// transfer, starting as the bus frees, first fills that transfer's last beat.
sc_time Memory::complete_at(const sc_time &arrival, tlm::tlm_generic_payload &p) {
  if (timing_.log) log_.push_back({p.get_address(), p.get_data_length(), p.is_write()});
  const uint64_t core = timing_.core_mhz, link = timing_.link_mhz, bus = timing_.bus_bits;
  const uint64_t t =
      (uint64_t)((arrival.value() + core_period_.value() - 1) / core_period_.value());
  uint64_t start = t == 0 ? 0 : ((t - 1) * link + 1 + core - 1) / core;
  uint64_t bits = (uint64_t)p.get_data_length() * 8;
  const BurstStream *s = nullptr;
  p.get_extension(s);
  const uint64_t id = timing_.pack && s ? s->id : 0;
  if (start < free_link_ && id && id == stream_) {
    const uint64_t fill = std::min(bits, spare_bits_);
    bits -= fill;
    spare_bits_ -= fill;
  } else {
    spare_bits_ = 0;
  }
  if (start < free_link_) start = free_link_;
  const uint64_t beats = (bits + bus - 1) / bus;
  if (beats) spare_bits_ = beats * bus - bits;
  free_link_ = start + beats;
  stream_ = id;
  const uint64_t k = start + beats + timing_.latency;
  const uint64_t done = (k * core + link - 1) / link;
  transfers_++;
  return core_period_ * (double)done + timing_.extra_per_burst;
}

void Memory::b_transport(tlm::tlm_generic_payload &p, sc_time &delay) {
  if (!access(p)) return;
  if (p.is_write()) bytes_written_ += p.get_data_length();
  const sc_time now = sc_core::sc_time_stamp();
  delay = complete_at(now + delay, p) - now;
}

void Memory::host_b_transport(tlm::tlm_generic_payload &p, sc_time &delay) {
  if (access(p)) delay += timing_.host_latency;
}

// Base protocol: the request is accepted at once (END_REQ on the return path);
// the response begins when complete_at() says the transfer is done.
tlm::tlm_sync_enum Memory::nb_transport_fw(tlm::tlm_generic_payload &p, tlm::tlm_phase &ph,
                                           sc_time &delay) {
  if (ph == tlm::BEGIN_REQ) {
    const sc_time now = sc_core::sc_time_stamp();
    if (access(p)) {
      if (p.is_write()) bytes_written_ += p.get_data_length();
      peq_.notify(p, tlm::BEGIN_RESP, complete_at(now + delay, p) - now);
    } else {
      peq_.notify(p, tlm::BEGIN_RESP, delay);
    }
    ph = tlm::END_REQ;
    return tlm::TLM_UPDATED;
  }
  // END_RESP: the transaction is over.
  return tlm::TLM_COMPLETED;
}

void Memory::respond(tlm::tlm_generic_payload &p, const tlm::tlm_phase &ph) {
  tlm::tlm_phase phase = ph;
  sc_time delay = SC_ZERO_TIME;
  socket->nb_transport_bw(p, phase, delay);  // TLM_COMPLETED or END_RESP later: both end it
}

bool Memory::get_direct_mem_ptr(tlm::tlm_generic_payload &, tlm::tlm_dmi &dmi) {
  if (!timing_.dmi || timing_.fault_to > timing_.fault_from) return false;
  dmi.set_dmi_ptr(mem_.data());
  dmi.set_start_address(0);
  dmi.set_end_address(mem_.size() - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(SC_ZERO_TIME);
  dmi.set_write_latency(SC_ZERO_TIME);
  return true;
}

unsigned Memory::transport_dbg(tlm::tlm_generic_payload &p) {
  const uint64_t a = p.get_address();
  if (a >= mem_.size()) return 0;
  const uint64_t n = std::min<uint64_t>(p.get_data_length(), mem_.size() - a);
  if (p.is_read())
    std::memcpy(p.get_data_ptr(), &mem_[a], n);
  else if (p.is_write())
    std::memcpy(&mem_[a], p.get_data_ptr(), n);
  else
    return 0;
  p.set_response_status(tlm::TLM_OK_RESPONSE);
  return (unsigned)n;
}

}  // namespace eyesim
