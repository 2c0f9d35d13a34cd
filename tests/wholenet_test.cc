// wholenet_test.cc - whole-network runs on real weights (docs/graphs.md): a small
// CNN with fixed random int16 weights, whose forward pass is computed by
// tests/data/forward_ref.py with NumPy (no eyesim code), equals eyesim's final
// outputs bit for bit with --check on every layer; the recorded activation trace
// replays to the same figures; and every misuse is a one-line error.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "test_util.h"

namespace {

using eytest::Eyesim;
using eytest::ReadFile;
using eytest::TempDir;
using eytest::WriteFile;

// Conv, max pool, a residual add, a 1x1 and a grouped branch concatenated, a
// padded strided average pool, flatten and fc: every node type.
const char *kNet =
    "name: small\n"
    "batch: 2\n"
    "layers:\n"
    "  - {name: c1, C: 3, H: 12, W: 12, M: 8, R: 3, S: 3, pad: 1}\n"
    "  - {name: p1, type: maxpool, R: 2, S: 2, stride: 2}\n"
    "  - {name: c2, M: 8, R: 3, S: 3, pad: 1, relu: false}\n"
    "  - {name: sum, type: add, inputs: [p1, c2]}\n"
    "  - {name: b1, inputs: sum, M: 4, R: 1, S: 1}\n"
    "  - {name: b2, inputs: sum, M: 4, R: 3, S: 3, pad: 1, groups: 4}\n"
    "  - {name: cat, type: concat, inputs: [b1, b2]}\n"
    "  - {name: ap, type: avgpool, R: 3, S: 3, stride: 2, pad: 1}\n"
    "  - {name: fl, type: flatten}\n"
    "  - {name: fc, type: fc, M: 10, relu: false}\n";

// Fixed random weights (NumPy's seeded generator), biases for some layers,
// fixed shifts for some and `auto` for the others, and a non-negative input.
const char *kMakeWeights = R"(
import os, sys
import numpy as np
d = sys.argv[1]
rng = np.random.default_rng(12345)
shapes = {'c1': (8, 3, 3, 3), 'c2': (8, 8, 3, 3), 'b1': (4, 8, 1, 1), 'b2': (4, 2, 3, 3),
          'fc': (10, 72)}
for name, shape in shapes.items():
    np.save(os.path.join(d, name + '.npy'), rng.integers(-40, 41, shape).astype(np.int16))
for name, m in (('c1', 8), ('b2', 4), ('fc', 10)):
    np.save(os.path.join(d, name + '.bias.npy'), rng.integers(-900, 901, m).astype(np.int32))
open(os.path.join(d, 'quant.yaml'), 'w').write(
    'layers:\n  c1: {shift: 6}\n  b1: {shift: 5}\n  b2: {shift: 4}\n')
np.save(sys.argv[2], rng.integers(0, 120, (2, 3, 12, 12)).astype(np.int16))
)";

// Same shape, dtype and values.
const char *kCompare = R"(
import sys
import numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
ok = a.dtype == b.dtype == np.int16 and a.shape == b.shape and (a == b).all()
print('equal' if ok else 'differ: %s %s %s %s' % (a.dtype, a.shape, b.dtype, b.shape))
print('nonzero %d of %d' % (np.count_nonzero(a), a.size))
)";

// The figures of every layer in two JSON reports, but for where its
// activations came from and whether it was checked.
const char *kSameFigures = R"(
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def figs(r):
    return [{k: v for k, v in l.items() if k not in ('activations', 'checked')}
            for l in r['layers']]
fa, fb = figs(a), figs(b)
print('same' if fa == fb and len(fa) == 5 else 'differ')
print(' '.join(l['activations'] for l in b['layers']))
)";

struct Py {
  int status;
  std::string out;
};

Py Python(const TempDir &t, const std::string &script, const std::string &args) {
  WriteFile(t.File("script.py"), script);
  const std::string cmd =
      "/usr/bin/python3 " + t.File("script.py") + " " + args + " > " + t.File("py.out") + " 2>&1";
  int st = std::system(cmd.c_str());
  return {st, ReadFile(t.File("py.out"))};
}

bool HaveNumpy() {
  return std::system("/usr/bin/python3 -c 'import numpy, yaml' >/dev/null 2>&1") == 0;
}

class WholeNet : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveNumpy()) GTEST_SKIP() << "python3-numpy and python3-yaml (scripts/bootstrap test)";
    WriteFile(t.File("net.yaml"), kNet);
    ASSERT_EQ(std::system(("mkdir -p " + t.File("w")).c_str()), 0);
    Py p = Python(t, kMakeWeights, t.File("w") + " " + t.File("x.npy"));
    ASSERT_EQ(p.status, 0) << p.out;
    // eyeriss_v1's arithmetic: 16-bit words, 16-bit psums, products shifted by 8.
    p = Python(t, ReadFile(std::string(EY_SRC_DIR) + "/tests/data/forward_ref.py"),
               t.File("net.yaml") + " " + t.File("w") + " " + t.File("x.npy") + " " +
                   t.File("ref.npy") + " 16 16 8");
    ASSERT_EQ(p.status, 0) << p.out;
  }
  TempDir t;
};

TEST_F(WholeNet, FinalOutputsEqualTheNumpyForwardPassBitForBit) {
  auto r =
      Eyesim("run eyeriss_v1 " + t.File("net.yaml") + " --weights " + t.File("w") + " --input " +
             t.File("x.npy") + " --output " + t.File("out.npy") + " --record-activations " +
             t.File("tr.gz") + " --check --json " + t.File("r.json"));
  ASSERT_EQ(r.status, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("check: 5 of 5 layers equal the golden convolution in every output"),
            std::string::npos)
      << r.out;
  Py c = Python(t, kCompare, t.File("ref.npy") + " " + t.File("out.npy"));
  EXPECT_EQ(c.out.substr(0, 6), "equal\n") << c.out;
  EXPECT_EQ(c.out.find("nonzero 0 "), std::string::npos) << c.out;  // not all zeros

  // The recorded ifmaps replay, with the same weights, to the same figures.
  auto rp = Eyesim("run eyeriss_v1 " + t.File("net.yaml") + " --weights " + t.File("w") +
                   " --activations " + t.File("tr.gz") + " -q --json " + t.File("r2.json"));
  ASSERT_EQ(rp.status, 0) << rp.err;
  Py s = Python(t, kSameFigures, t.File("r.json") + " " + t.File("r2.json"));
  EXPECT_EQ(s.out.substr(0, 5), "same\n") << s.out;
}

// Layers the run leaves out are computed by the reference code, so the network's
// output does not change; one layer at a time whatever --jobs says.
TEST_F(WholeNet, LayersLeftOutAreComputedOnTheHost) {
  auto r = Eyesim("run eyeriss_v1 " + t.File("net.yaml") + " --weights " + t.File("w") +
                  " --input " + t.File("x.npy") + " --output " + t.File("out.npy") +
                  " --layers c2..b1 --check --jobs 2 -q");
  ASSERT_EQ(r.status, 0) << r.err;
  Py c = Python(t, kCompare, t.File("ref.npy") + " " + t.File("out.npy"));
  EXPECT_EQ(c.out.substr(0, 6), "equal\n") << c.out;
}

TEST_F(WholeNet, MisusesAreOneLineErrors) {
  const std::string run = "run eyeriss_v1 " + t.File("net.yaml") + " ";
  auto r = Eyesim(run + "--input " + t.File("x.npy"));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eyesim: --input: needs --weights DIR, the network's weights (got none)\n");
  r = Eyesim(run + "--weights " + t.File("w") + " --analytic");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "eyesim: --weights: real data needs the cycle-level simulation (got --analytic)\n");
  r = Eyesim(run + "--weights " + t.File("w") + " --activations " + t.File("none.gz") +
             " --output " + t.File("o.npy"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--output: needs a whole-network run"), std::string::npos) << r.err;
  // An input of another shape.
  Python(t,
         "import numpy as np; np.save('" + t.File("bad.npy") +
             "', np.zeros((2, 3, 12, 11), np.int16))",
         "");
  r = Eyesim(run + "--weights " + t.File("w") + " --input " + t.File("bad.npy") + " --output " +
             t.File("o.npy"));
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.err, "eyesim: " + t.File("bad.npy") +
                       ": shape: expected the network's input (2, 3, 12, 12) (got (2, 3, 12, "
                       "11))\n");
  EXPECT_FALSE(eytest::FileExists(t.File("o.npy")));
  // A layer without weights.
  ASSERT_EQ(std::remove(t.File("w/b1.npy").c_str()), 0);
  r = Eyesim(run + "--weights " + t.File("w") + " --output " + t.File("o.npy"));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find(t.File("w/b1.npy")), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  EXPECT_FALSE(eytest::FileExists(t.File("o.npy")));
  // A network of independent layers has no whole-network run.
  WriteFile(t.File("list.yaml"),
            "name: list\nindependent: true\nlayers:\n"
            "  - {name: c1, C: 3, H: 12, W: 12, M: 8, R: 3, S: 3, pad: 1}\n");
  r = Eyesim("run eyeriss_v1 " + t.File("list.yaml") + " --weights " + t.File("w"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("a whole-network run needs a network graph"), std::string::npos) << r.err;
}

// --output and --record-activations into a folder, or with an empty name, fail
// before the run (nothing on stdout, no file), not at the rename after it; so
// do the reports (ey_outfile_open refuses a folder for every output).
TEST_F(WholeNet, AnOutputThatCannotBeWrittenFailsBeforeTheRun) {
  const std::string run =
      "run eyeriss_v1 " + t.File("net.yaml") + " --weights " + t.File("w") + " ";
  ASSERT_EQ(std::system(("mkdir -p " + t.File("d")).c_str()), 0);
  for (const std::string opt : {"--output", "--record-activations"}) {
    auto r = Eyesim(run + opt + " " + t.File("d"));
    EXPECT_EQ(r.status, 1) << opt;
    EXPECT_EQ(r.err, "eyesim: " + t.File("d") + ": cannot create (Is a directory)\n");
    EXPECT_EQ(r.out, "");
    r = Eyesim(run + opt + " ''");
    EXPECT_EQ(r.status, 2) << opt;
    EXPECT_EQ(r.err,
              "eyesim: " + opt + ": expected a value (got an empty one) (see `eyesim help`)\n")
        << opt;
    EXPECT_EQ(r.out, "");
  }
  for (const std::string opt : {"--json", "--csv"}) {
    auto r = Eyesim(run + opt + " " + t.File("d"));
    EXPECT_EQ(r.status, 1) << opt;
    EXPECT_EQ(r.err, "eyesim: " + t.File("d") + ": cannot create (Is a directory)\n");
    EXPECT_EQ(r.out, "");
  }
  auto r = Eyesim(run + "--output " + t.File("nodir/o.npy"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "eyesim: " + t.File("nodir/o.npy") + ": cannot create (No such file or directory)\n");
  EXPECT_EQ(r.out, "");
}

// A float32 bias is scaled by its layer's input scale, which a replay does not
// know: it is refused naming the file (it was used with a scale of 1).
TEST_F(WholeNet, AFloatBiasIsRefusedInAReplay) {
  auto r =
      Eyesim("run eyeriss_v1 " + t.File("net.yaml") + " --weights " + t.File("w") + " --input " +
             t.File("x.npy") + " --record-activations " + t.File("tr.gz") + " -q");
  ASSERT_EQ(r.status, 0) << r.err;
  Python(t,
         "import numpy as np; np.save('" + t.File("w/c1.bias.npy") + "', np.ones(8, np.float32))",
         "");
  r = Eyesim("run eyeriss_v1 " + t.File("net.yaml") + " --weights " + t.File("w") +
             " --activations " + t.File("tr.gz") + " -q");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eyesim: " + t.File("w/c1.bias.npy") +
                       ": expected an int32 bias (got float32, which is scaled by its layer's "
                       "input scale, which only a whole-network run knows: --weights without "
                       "--activations)\n");
  // The whole-network run knows the scale and takes it.
  r = Eyesim("run eyeriss_v1 " + t.File("net.yaml") + " --weights " + t.File("w") + " --input " +
             t.File("x.npy") + " -q");
  EXPECT_EQ(r.status, 0) << r.err;
}

// The input's shape as the file gives it; a float32 input is saturated to the
// word (docs/graphs.md), as float32 weights are, not refused.
TEST_F(WholeNet, InputShapesAsInTheFileAndFloatInputsSaturate) {
  Python(t,
         "import numpy as np; np.save('" + t.File("chw.npy") +
             "', np.zeros((3, 12, 12), np.int16)); np.save('" + t.File("f.npy") +
             "', np.full((2, 3, 12, 12), 1000.0, np.float32))",
         "");
  const std::string run =
      "run eyeriss_v1 " + t.File("net.yaml") + " --weights " + t.File("w") + " ";
  auto r = Eyesim(run + "--input " + t.File("chw.npy"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "eyesim: " + t.File("chw.npy") +
                       ": shape: expected the network's input (2, 3, 12, 12) (got (3, 12, 12))\n");
  r = Eyesim(run + "--input " + t.File("chw.npy") + " --batch 1 -q");
  EXPECT_EQ(r.status, 0) << r.err;  // (C, H, W) is one image
  r = Eyesim(run + "--input " + t.File("f.npy") + " --set data.word_bits=8 -q");
  EXPECT_EQ(r.status, 0) << r.err;
}

// Whatever --jobs says: the same files, and the same report.
TEST_F(WholeNet, RunsAreByteIdenticalWithOneOrTwoJobs) {
  for (const char *j : {"1", "2"}) {
    auto r = Eyesim("run eyeriss_v1 " + t.File("net.yaml") + " --weights " + t.File("w") +
                    " --input " + t.File("x.npy") + " -q --jobs " + j + " --output " +
                    t.File(std::string("o") + j + ".npy") + " --record-activations " +
                    t.File(std::string("a") + j + ".act"));
    ASSERT_EQ(r.status, 0) << r.err;
    r = Eyesim("run eyeriss_v1 " + t.File("net.yaml") + " --weights " + t.File("w") +
               " --activations " + t.File("a1.act") + " -q --jobs " + j + " --json " +
               t.File(std::string("r") + j + ".json"));
    ASSERT_EQ(r.status, 0) << r.err;
  }
  EXPECT_EQ(ReadFile(t.File("o1.npy")), ReadFile(t.File("o2.npy")));
  EXPECT_EQ(ReadFile(t.File("a1.act")), ReadFile(t.File("a2.act")));
  // Per layer (--activations), layers run at once with --jobs 2: the same report.
  EXPECT_EQ(ReadFile(t.File("r1.json")), ReadFile(t.File("r2.json")));
}

}  // namespace
