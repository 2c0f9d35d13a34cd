// estimate_test.cc - the mapper's analytic estimate against the cycle-level
// engine on the shipped networks (docs/fidelity.md, "The estimate beside the
// engine"). The engine is the oracle: an independent, cycle-by-cycle model of
// the same schedule. The target is each layer's estimated cycles within 10 % of
// the measured ones. It holds on every AlexNet layer; on the others the test
// holds what docs/fidelity.md states, so a change that loses agreement fails.
// VGG-16 is measured the same way by `eyesim run eyeriss_v1 vgg16 --csv`, too
// slow cycle by cycle for the sanitized suite.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "test_util.h"

extern "C" {
#include "sim/report/run.h"
}

namespace {

struct Agreement {
  int layers, within;  // every layer; of them within 10 %
  double total;        // all layers' estimate against all measured cycles
};

Agreement Measure(const char *net, double above_most) {
  ey_arch a = eytest::LoadArch("eyeriss_v1");
  ey_net n = eytest::LoadNet(net);
  ey_err err;
  // The network's own batch and sparsity profile, as `eyesim run` uses them.
  ey_engine_opts o = eytest::Opts(EY_STEP_FAST, 1, -1.0, 0);
  ey_report r;
  EXPECT_EQ(ey_report_run(&r, &a, &n, a.objective, nullptr, &o, nullptr, nullptr, &err), EY_OK)
      << err.msg;
  Agreement g = {0, 0, 0};
  double est = 0, meas = 0;
  for (int i = 0; i < r.nlayers; i++) {
    const ey_layer_result &x = r.res[i];
    SCOPED_TRACE(x.layer->name);
    EXPECT_TRUE(x.simulated);
    const double e = (double)x.cost.cycles, m = (double)x.meas.cycles;
    g.layers++;
    g.within += std::fabs(e - m) <= 0.10 * m;
    EXPECT_LE(e, (1 + above_most) * m) << "the estimate far above the engine";
    est += e;
    meas += m;
  }
  g.total = est / meas - 1;
  ey_report_free(&r);
  ey_net_free(&n);
  return g;
}

TEST(EstimateVsEngine, EveryAlexNetLayerWithinTenPercent) {
  const Agreement g = Measure("alexnet", 0.10);
  EXPECT_EQ(g.layers, 8);
  EXPECT_EQ(g.within, 8);
}

// The counts docs/fidelity.md gives; no layer more than 20 % above the engine
// (the most is GoogLeNet's inception_4d_1x1, +19.1 %), and the networks' totals
// within 10 %.
TEST(EstimateVsEngine, TheOtherNetworksAsDocumented) {
  const struct {
    const char *net;
    int layers, within;
  } docs[] = {
      {"googlenet", 58, 55},
      {"resnet50", 54, 54},
      {"mobilenet_v1", 28, 26},
      {"mobilenet_v1_0.5_128", 28, 26},
  };
  for (const auto &d : docs) {
    SCOPED_TRACE(d.net);
    const Agreement g = Measure(d.net, 0.20);
    EXPECT_EQ(g.layers, d.layers);
    EXPECT_GE(g.within, d.within);
    EXPECT_LE(std::fabs(g.total), 0.10);
  }
}

}  // namespace
