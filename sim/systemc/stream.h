// stream.h - BurstStream, an ignorable TLM-2.0 extension that eyesim::Accelerator
// puts on every memory burst: the DMA request the burst belongs to.
//
// eyesim's `fixed` DRAM model moves one request (a tile gathered from many rows)
// as one stream of ceil(bits / bus_bits) beats. The accelerator carries such a
// request as one burst per run of consecutive bytes, and a run need not be a whole
// number of beats. A memory that knows the extension (eyesim::Memory) lets bursts
// of one stream that follow each other on its bus share a beat, as the fixed model
// does; any other memory ignores it and charges each burst whole beats.
#ifndef EYESIM_SYSTEMC_STREAM_H
#define EYESIM_SYSTEMC_STREAM_H

#include <cstdint>
#include <tlm>

namespace eyesim {

struct BurstStream : tlm::tlm_extension<BurstStream> {
  uint64_t id = 0;  // the request, numbered from 1 over the accelerator's life; 0: none

  tlm::tlm_extension_base *clone() const override {
    auto *e = new BurstStream;
    e->id = id;
    return e;
  }
  void copy_from(const tlm::tlm_extension_base &x) override {
    id = static_cast<const BurstStream &>(x).id;
  }
};

}  // namespace eyesim

#endif
