// fidelity_test.cc - rung 5 of the validation ladder: the cycle-level engine on
// the published chip, layer by layer. Eyeriss v1 runs AlexNet CONV1-5 at batch 4
// in 115.3 ms at 200 MHz (Chen et al., "Eyeriss: An Energy-Efficient
// Reconfigurable Accelerator for Deep Convolutional Neural Networks", ISSCC 2016,
// Fig. 14.5.6, which gives each layer's latency, active PEs, GLB and DRAM
// traffic). docs/fidelity.md has the table this test holds and what explains
// the figures it does not.
#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

extern "C" {
#include "sim/report/run.h"
}

namespace {

struct ChipLayer {
  const char *name;
  double ms;    // latency at 200 MHz, batch 4
  int pes;      // active PEs
  double glb;   // GLB traffic, MB (16-bit words)
  double dram;  // DRAM traffic, MB, RLC-coded as the chip moved it
  // What this test holds the layer to; the others are the gaps docs/fidelity.md
  // explains (CONV1: part of each ifmap tile waits for DRAM behind the ofmap
  // writes; CONV1 and CONV5: the ifmap is re-read per filter block, where
  // the chip moves less than this loop nest can in 108 KB; CONV5: each pass's
  // fill and drain, and the waits of ifmap words behind the 1-word bus).
  bool hold_ms, hold_glb, hold_dram;
};

const ChipLayer kChip[] = {
    {"conv1", 20.9, 154, 18.5, 5.0, false, false, false},
    {"conv2", 41.9, 135, 77.6, 4.0, true, true, true},
    {"conv3", 23.6, 156, 50.2, 3.0, true, true, true},
    {"conv4", 18.4, 156, 37.4, 2.1, true, true, true},
    {"conv5", 10.5, 156, 24.9, 1.3, false, true, false},
};

TEST(Fidelity, EyerissV1AlexNetLayerByLayer) {
  ey_arch a = eytest::LoadArch("eyeriss_v1");
  ey_net n = eytest::LoadNet("alexnet");
  ey_err err;
  ASSERT_EQ(ey_net_select(&n, "conv1..conv5", &err), EY_OK);
  // The shipped sparsity profile (configs/nets/alexnet.yaml) gives each
  // layer's zeros, as `eyesim run eyeriss_v1 alexnet` uses it.
  ey_engine_opts o = eytest::Opts(EY_STEP_FAST, 1, -1.0, 0);
  ey_report r;
  ASSERT_EQ(ey_report_run(&r, &a, &n, a.objective, nullptr, &o, nullptr, nullptr, &err), EY_OK)
      << err.msg;
  ASSERT_EQ(r.nlayers, 5);
  for (int i = 0; i < r.nlayers; i++) {
    const ChipLayer &k = kChip[i];
    const ey_layer_result &x = r.res[i];
    SCOPED_TRACE(k.name);
    ASSERT_EQ(std::string(x.layer->name), k.name);
    ASSERT_TRUE(x.simulated);
    const double ms = (double)x.meas.cycles / a.core_mhz / 1e3;
    uint64_t glb_words = 0, dram_bits = 0;
    for (int t = 0; t < EY_NTYPES; t++) {
      glb_words += x.meas.c.glb_reads[t] + x.meas.c.glb_writes[t];
      dram_bits += x.meas.dram_bits[t];
    }
    const double glb_mb = glb_words * (a.word_bits / 8.0) / 1e6, dram_mb = dram_bits / 8e6;
    // The chip's sets (mapper.set_width whole): exactly its active PEs.
    EXPECT_EQ(x.cost.active_pes, k.pes);
    if (k.hold_ms) {
      EXPECT_NEAR(ms, k.ms, 0.10 * k.ms);
    } else {
      // A gap that stays one way: eyesim slower, never faster (a change that
      // flips it is a change to explain).
      EXPECT_GT(ms, k.ms);
    }
    if (k.hold_glb) {
      EXPECT_NEAR(glb_mb, k.glb, 0.15 * k.glb);
    } else {
      EXPECT_GT(glb_mb, k.glb);
    }
    if (k.hold_dram) {
      EXPECT_NEAR(dram_mb, k.dram, 0.20 * k.dram);
    } else {
      EXPECT_GT(dram_mb, k.dram);  // likewise: more bytes, never fewer
    }
  }
  ey_totals t;
  ey_report_totals(&r, &t);
  EXPECT_NEAR(t.macs / 1e6, 2663, 1);
  EXPECT_NEAR(t.time_ms, 115.3, 0.10 * 115.3);
  // The chip's power on AlexNet (ISSCC 2016): PE array 77.8 %, NoC 15.6 %, GLB
  // 2.7 %, the other 3.9 % (clock and control) not modelled; over the three,
  // 81.0 / 16.2 / 2.8 %. docs/energy.md derives eyeriss_v1's NoC and GLB costs.
  // The NoC's wire per pitch is fitted to the NoC share on this run, so that
  // share is held closely, against drift in the counts. The GLB's cost follows
  // from its bank size, a prediction, held within a point of the chip's.
  const double pe = t.energy[EY_LV_MAC] + t.energy[EY_LV_SPAD], noc = t.energy[EY_LV_NOC],
               glb = t.energy[EY_LV_GLB], on = pe + noc + glb;
  EXPECT_NEAR(100 * noc / on, 100 * 15.6 / 96.1, 0.5);
  EXPECT_NEAR(100 * glb / on, 100 * 2.7 / 96.1, 1.0);
  EXPECT_NEAR(100 * pe / on, 100 * 77.8 / 96.1, 1.0);
  ey_report_free(&r);
  ey_net_free(&n);
}

}  // namespace
