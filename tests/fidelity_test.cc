// fidelity_test.cc - rung 5 of the validation ladder: the cycle-level engine on
// the published chip. Eyeriss v1 runs AlexNet CONV1-5 at batch 4 in 115.3 ms at
// 200 MHz (Chen et al., "Eyeriss: An Energy-Efficient Reconfigurable Accelerator
// for Deep Convolutional Neural Networks", ISSCC 2016).
#include <gtest/gtest.h>

#include "test_util.h"

extern "C" {
#include "sim/report/run.h"
}

namespace {

TEST(Fidelity, EyerissV1AlexNetLatencyWithinTenPercentOfThePublished) {
  ey_arch a = eytest::LoadArch("eyeriss_v1");
  ey_net n = eytest::LoadNet("alexnet");
  ey_err err;
  ASSERT_EQ(ey_net_select(&n, "conv1..conv5", &err), EY_OK);
  ey_engine_opts o = eytest::Opts(EY_STEP_FAST, 1, 0.0, 0);
  ey_report r;
  ASSERT_EQ(ey_report_run(&r, &a, &n, a.objective, nullptr, &o, nullptr, nullptr, &err), EY_OK)
      << err.msg;
  ey_totals t;
  ey_report_totals(&r, &t);
  EXPECT_NEAR(t.macs / 1e6, 2663, 1);
  // Measured: 116.8 ms (+1.3 %), with the next filter block fetched once the
  // current one is in the spads (CONV1 21.2 ms against the chip's 20.9). The
  // synthetic activations have no zeros, so RLC coding on the DRAM boundary costs
  // bits instead of saving them (the chip's real activations save 1.9-2.6x; Chen et
  // al., ISSCC 2016 and JSSC 2017); the mappings are eyesim's own, so the layers
  // are not yet the chip's one by one. The total is held to 10 %.
  EXPECT_NEAR(t.time_ms, 115.3, 0.10 * 115.3);
  ey_report_free(&r);
  ey_net_free(&n);
}

}  // namespace
