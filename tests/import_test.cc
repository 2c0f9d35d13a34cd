// import_test.cc - `eyesim import`: ONNX models made by tests/data/make_onnx.py
// (with onnx.helper) imported, their network files read back with a YAML parser
// (make_onnx.py dump) and compared with the nodes worked out by hand below, the
// weights folder compared with NumPy's folding of the same arrays, and the
// errors of a model it cannot import.
#include <dirent.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <set>
#include <string>

#include "test_util.h"

using namespace eytest;

namespace {

const std::string kSrc = EY_SRC_DIR;
const std::string kHelper = kSrc + "/tests/data/make_onnx.py";

// Runs `cmd` with sh; stdout and stderr into t's files NAME.out and NAME.err.
// Returns the exit status (-1 when it did not exit).
int Sh(const TempDir &t, const std::string &name, const std::string &cmd) {
  std::string full = "cd '" + kSrc + "' && " + cmd + " >'" + t.File(name + ".out") + "' 2>'" +
                     t.File(name + ".err") + "' </dev/null";
  int st = system(full.c_str());
  return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

bool HaveOnnx() {
  return system("/usr/bin/python3 -c 'import onnx' >/dev/null 2>&1") == 0;
}

#define REQUIRE_ONNX()                                                                      \
  do {                                                                                      \
    if (!HaveOnnx())                                                                        \
      GTEST_SKIP() << "/usr/bin/python3 cannot import onnx: python3-onnx is not installed " \
                      "(scripts/bootstrap test installs it)";                               \
  } while (0)

// The test models in t's folder (make_onnx.py models).
void MakeModels(const TempDir &t) {
  ASSERT_EQ(Sh(t, "models", "/usr/bin/python3 '" + kHelper + "' models '" + t.path + "'"), 0)
      << ReadFile(t.File("models.err"));
}

// NET.yaml read back with a YAML parser: one line a node.
std::string Dump(const TempDir &t, const std::string &yaml) {
  EXPECT_EQ(Sh(t, "dump", "/usr/bin/python3 '" + kHelper + "' dump '" + t.File(yaml) + "'"), 0)
      << ReadFile(t.File("dump.err"));
  return ReadFile(t.File("dump.out"));
}

std::set<std::string> Files(const std::string &dir) {
  std::set<std::string> names;
  if (DIR *d = opendir(dir.c_str())) {
    while (struct dirent *e = readdir(d))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") names.insert(e->d_name);
    closedir(d);
  }
  return names;
}

}  // namespace

// (a) The small CNN, input 1 x 3 x 16 x 16 (make_onnx.py, model (a)). By hand:
//   conv1   Conv 3->8, 3x3, pad 1, bias; BatchNormalization and Relu fold into it:
//           E = (16 + 2 - 3)/1 + 1 = 16, out 8 x 16 x 16, relu true.
//   pool1   MaxPool 2x2 stride 2: E = floor((16 - 2)/2) + 1 = 8, out 8 x 8 x 8.
//   /layer1/conv/Conv  Conv 8->8 3x3 pad 1 (no bias) + Relu; named layer1_conv_Conv
//           ('/' runs become '_', the leading one dropped), out 8 x 8 x 8.
//   conv2b  Conv 8->8 3x3 pad 1 with bias, no Relu after it: relu false.
//   add     Add(pool1, conv2b), both 8 x 8 x 8, then Relu: relu true. pool1 is read
//           by the add and by /layer1/conv/Conv, so it has no Relu to fold anyway.
//   conv3a  Conv 8->4 1x1 reads add, + Relu: out 4 x 8 x 8.
//   conv3b  Conv 8->6 3x3 pad 1 reads add: out 6 x 8 x 8, relu false.
//   cat     Concat axis 1 of conv3a, conv3b: 4 + 6 = 10 channels, 8 x 8.
//   (unnamed) GlobalAveragePool: named avgpool1, global, out 10 x 1 x 1.
//   flatten Flatten of 10 x 1 x 1 and Dropout: nothing to do, the fc reads avgpool1.
//   fc      Gemm transB=1, B (5, 10): fc with M = 5 over C = 10, H = W = 1, so
//           R = S = 1; the graph's output, relu false.
TEST(Import, SmallCnnBecomesTheGraphWorkedOutByHand) {
  REQUIRE_ONNX();
  TempDir t;
  MakeModels(t);
  auto r = Eyesim("import " + t.File("cnn.onnx") + " -o " + t.File("cnn.yaml") + " --weights-dir " +
                  t.File("w"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "wrote " + t.File("cnn.yaml") + ": 10 nodes (6 layers) from 17 ONNX nodes; " +
                       t.File("w") + ": 6 weight files, 3 biases, quant.yaml (16-bit words)\n");
  EXPECT_EQ(Dump(t, "cnn.yaml"),
            "name=cnn batch=1\n"
            "conv1 type=conv inputs=input C=3 H=16 W=16 M=8 R=3 S=3 stride=1 pad=1 groups=1 "
            "relu=true\n"
            "pool1 type=maxpool inputs=conv1 C=8 H=16 W=16 R=2 S=2 stride=2 pad=0 ceil=false "
            "relu=false\n"
            "layer1_conv_Conv type=conv inputs=pool1 C=8 H=8 W=8 M=8 R=3 S=3 stride=1 pad=1 "
            "groups=1 relu=true\n"
            "conv2b type=conv inputs=layer1_conv_Conv C=8 H=8 W=8 M=8 R=3 S=3 stride=1 pad=1 "
            "groups=1 relu=false\n"
            "add type=add inputs=pool1,conv2b relu=true\n"
            "conv3a type=conv inputs=add C=8 H=8 W=8 M=4 R=1 S=1 stride=1 pad=0 groups=1 "
            "relu=true\n"
            "conv3b type=conv inputs=add C=8 H=8 W=8 M=6 R=3 S=3 stride=1 pad=1 groups=1 "
            "relu=false\n"
            "cat type=concat inputs=conv3a,conv3b relu=false\n"
            "avgpool1 type=avgpool inputs=cat C=10 H=8 W=8 global=true relu=false\n"
            "fc type=fc inputs=avgpool1 C=10 H=1 W=1 M=5 R=1 S=1 relu=false\n");
  // The weights: conv (M, C/groups, R, S), fc (M, K); conv1's are BatchNorm folded
  // (w * gamma / sqrt(var + eps), (b - mean) * gamma / sqrt(var + eps) + beta, as
  // make_onnx.py computes them with NumPy); a bias only where the layer has one
  // (layer1_conv_Conv, conv3a and conv3b have none). Every weight_scale is
  // (2^15 - 1) / max|w|, the input_scale (2^15 - 1) / 1.
  ASSERT_EQ(Sh(t, "cmp",
               "/usr/bin/python3 '" + kHelper + "' compare '" + t.File("expect/cnn") + "' '" +
                   t.File("w") + "'"),
            0)
      << ReadFile(t.File("cmp.err"));
  EXPECT_EQ(ReadFile(t.File("cmp.out")),
            "conv1.bias.npy (8,) float32 equal\n"
            "conv1.npy (8, 3, 3, 3) float32 equal\n"
            "conv2b.bias.npy (8,) float32 equal\n"
            "conv2b.npy (8, 8, 3, 3) float32 equal\n"
            "conv3a.npy (4, 8, 1, 1) float32 equal\n"
            "conv3b.npy (6, 8, 3, 3) float32 equal\n"
            "fc.bias.npy (5,) float32 equal\n"
            "fc.npy (5, 10) float32 equal\n"
            "layer1_conv_Conv.npy (8, 8, 3, 3) float32 equal\n"
            "input_scale 32767\n"
            "conv1 weight_scale*max|w| 32767.000\n"
            "layer1_conv_Conv weight_scale*max|w| 32767.000\n"
            "conv2b weight_scale*max|w| 32767.000\n"
            "conv3a weight_scale*max|w| 32767.000\n"
            "conv3b weight_scale*max|w| 32767.000\n"
            "fc weight_scale*max|w| 32767.000\n");
  EXPECT_EQ(Files(t.File("w")),
            (std::set<std::string>{"conv1.npy", "conv1.bias.npy", "layer1_conv_Conv.npy",
                                   "conv2b.npy", "conv2b.bias.npy", "conv3a.npy", "conv3b.npy",
                                   "fc.npy", "fc.bias.npy", "quant.yaml"}));
}

// (b) The depthwise-separable block, input 2 x 8 x 12 x 12 (batch 2):
//   dw    Conv group 8 (= C = M), 3x3, stride 2, pad 1; BatchNormalization (the conv
//         has no bias: the folded bias is (0 - mean) * gamma / sqrt(var + eps) + beta)
//         and Relu fold into it. E = (12 + 2 - 3)/2 + 1 = 6: out 8 x 6 x 6; its
//         weights (8, 8/8 = 1, 3, 3).
//   pw    Conv 8->16 1x1 + Relu: out 16 x 6 x 6, weights (16, 8, 1, 1).
//   head  Flatten (to 2 x 576) then MatMul by B (576, 10): the Flatten folds into the
//         fc, which reads pw's 16 x 6 x 6 directly: C = 16, H = W = 6, R = S = 6,
//         M = 10; its weights are B transposed, (10, 576), without a bias.
// With --bits 8 --input-range 4: input_scale = 127 / 4 = 31.75, weight_scale * max|w|
// = 127.
TEST(Import, DepthwiseSeparableBlockAndFlattenFoldedIntoTheFc) {
  REQUIRE_ONNX();
  TempDir t;
  MakeModels(t);
  auto r = Eyesim("import " + t.File("dws.onnx") + " -o " + t.File("dws.yaml") + " --weights-dir " +
                  t.File("w") + " --bits 8 --input-range 4");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Dump(t, "dws.yaml"),
            "name=dws batch=2\n"
            "dw type=conv inputs=input C=8 H=12 W=12 M=8 R=3 S=3 stride=2 pad=1 groups=8 "
            "relu=true\n"
            "pw type=conv inputs=dw C=8 H=6 W=6 M=16 R=1 S=1 stride=1 pad=0 groups=1 relu=true\n"
            "head type=fc inputs=pw C=16 H=6 W=6 M=10 R=6 S=6 relu=false\n");
  ASSERT_EQ(Sh(t, "cmp",
               "/usr/bin/python3 '" + kHelper + "' compare '" + t.File("expect/dws") + "' '" +
                   t.File("w") + "'"),
            0)
      << ReadFile(t.File("cmp.err"));
  EXPECT_EQ(ReadFile(t.File("cmp.out")),
            "dw.bias.npy (8,) float32 equal\n"
            "dw.npy (8, 1, 3, 3) float32 equal\n"
            "head.npy (10, 576) float32 equal\n"
            "pw.npy (16, 8, 1, 1) float32 equal\n"
            "input_scale 31.75\n"
            "dw weight_scale*max|w| 127.000\n"
            "pw weight_scale*max|w| 127.000\n"
            "head weight_scale*max|w| 127.000\n");
  // --name and --batch override the file's name and the input's batch.
  r = Eyesim("import " + t.File("dws.onnx") + " -o " + t.File("n.yaml") +
             " --name block --batch 3");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Dump(t, "n.yaml").substr(0, 22), "name=block batch=3\ndw ");
}

// (c) Names, and the Relus that cannot fold (make_onnx.py, model (c)), input
// 1 x 3 x 7 x 7. By hand:
//   input_2  the Relu of the network's input, named "input" (the network's input
//            is `input`, so _2): nothing to fold into, so a 1x1 max pool with
//            stride 1 (the identity) with relu true, 3 x 7 x 7.
//   conv1    the unnamed Conv 3->4 3x3 pad 1: 4 x 7 x 7; the Add reads it too, so
//            its Relu cannot fold: relu false, and the Relu is relu1, another
//            identity max pool with relu true.
//   true     the Add of conv1 and relu1 (quoted in the file: a YAML word).
//   x...x    two Convs 4->4 1x1 named 80 x's: the first cut to 63 bytes, the second
//            to 61 and _2.
//   1        the Concat (axis -3, the channels) of both and input_2: 4 + 4 + 3 = 11.
//   p        the AveragePool "p/" + a non-ASCII letter: 3x3, stride 2, pad 1, ceil:
//            E = ceil((7 + 2 - 3) / 2) + 1 = 4 (the last window starts at 6, inside
//            7 + 1), 11 x 4 x 4; then Flatten and a Relu: Relu(Flatten(p)) is
//            Flatten(Relu(p)), so p gets relu true and the fc still reads p.
//   fc1      the unnamed Gemm, B (176, 7) with transB 0, alpha 2, beta 0.5: fc over
//            C = 11, H = W = 4 (R = S = 4), M = 7; weights 2 B^T (7, 176), bias 0.5 C.
// (d) Conv 3->4 3x3 on N x 3 x 5 x 5 (N symbolic: batch 1) gives 4 x 3 x 3; the
// Reshape to (0, -1) = (1, 36) folds into the MatMul (36, 5): fc with C = 4,
// H = W = 3; the Add of a constant is its bias, then BatchNormalization and Relu
// fold into it: relu true, w' = B^T gamma / sqrt(var + eps), b' = (bias - mean) gamma /
// sqrt(var + eps) + beta.
TEST(Import, NamesUnfoldableRelusAndFoldedBiases) {
  REQUIRE_ONNX();
  TempDir t;
  MakeModels(t);
  auto r = Eyesim("import " + t.File("names.onnx") + " -o " + t.File("names.yaml") +
                  " --weights-dir " + t.File("wn"));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string x63(63, 'x'), x61(61, 'x');
  EXPECT_EQ(Dump(t, "names.yaml"),
            "name=names batch=1\n"
            "input_2 type=maxpool inputs=input C=3 H=7 W=7 R=1 S=1 stride=1 pad=0 ceil=false "
            "relu=true\n"
            "conv1 type=conv inputs=input_2 C=3 H=7 W=7 M=4 R=3 S=3 stride=1 pad=1 groups=1 "
            "relu=false\n"
            "relu1 type=maxpool inputs=conv1 C=4 H=7 W=7 R=1 S=1 stride=1 pad=0 ceil=false "
            "relu=true\n"
            "true type=add inputs=conv1,relu1 relu=false\n" +
                x63 +
                " type=conv inputs=true C=4 H=7 W=7 M=4 R=1 S=1 stride=1 pad=0 groups=1 "
                "relu=false\n" +
                x61 +
                "_2 type=conv inputs=true C=4 H=7 W=7 M=4 R=1 S=1 stride=1 pad=0 groups=1 "
                "relu=false\n"
                "1 type=concat inputs=" +
                x63 + "," + x61 +
                "_2,input_2 relu=false\n"
                "p type=avgpool inputs=1 C=11 H=7 W=7 R=3 S=3 stride=2 pad=1 ceil=true "
                "relu=true\n"
                "fc1 type=fc inputs=p C=11 H=4 W=4 M=7 R=4 S=4 relu=false\n");
  ASSERT_EQ(Sh(t, "cmp",
               "/usr/bin/python3 '" + kHelper + "' compare '" + t.File("expect/names") + "' '" +
                   t.File("wn") + "'"),
            0)
      << ReadFile(t.File("cmp.err"));
  // Only the Gemm's arrays are expected here (the convs' are as in (a)).
  const std::string fc = "fc1.bias.npy (7,) float32 equal\nfc1.npy (7, 176) float32 equal\n";
  EXPECT_EQ(ReadFile(t.File("cmp.out")).substr(0, fc.size()), fc);

  r = Eyesim("import " + t.File("reshape.onnx") + " -o " + t.File("reshape.yaml") +
             " --weights-dir " + t.File("wr"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Dump(t, "reshape.yaml"),
            "name=reshape batch=1\n"
            "c type=conv inputs=input C=3 H=5 W=5 M=4 R=3 S=3 stride=1 pad=0 groups=1 "
            "relu=false\n"
            "mm type=fc inputs=c C=4 H=3 W=3 M=5 R=3 S=3 relu=true\n");
  ASSERT_EQ(Sh(t, "cmp",
               "/usr/bin/python3 '" + kHelper + "' compare '" + t.File("expect/reshape") + "' '" +
                   t.File("wr") + "'"),
            0)
      << ReadFile(t.File("cmp.err"));
  EXPECT_EQ(ReadFile(t.File("cmp.out")),
            "c.npy (4, 3, 3, 3) float32 equal\n"
            "mm.bias.npy (5,) float32 equal\n"
            "mm.npy (5, 36) float32 equal\n"
            "input_scale 32767\n"
            "c weight_scale*max|w| 32767.000\n"
            "mm weight_scale*max|w| 32767.000\n");
}

// A model it cannot import: one line naming the node, its operator and what is
// wrong, exit status 1, and nothing written (no network file, no temporary
// file, no weights folder).
TEST(Import, UnsupportedModelIsOneLineExitOneAndWritesNothing) {
  REQUIRE_ONNX();
  TempDir t;
  MakeModels(t);
  const std::set<std::string> before = Files(t.path);
  struct {
    const char *model, *err;
  } cases[] = {
      {"lstm.onnx", ": node lstm1 (LSTM): unsupported operator\n"},
      {"dilated.onnx", ": node dil (Conv): dilations [2, 2]: only 1 is supported\n"},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c.model);
    auto r = Eyesim(std::string("import ") + t.File(c.model) + " -o " + t.File("out.yaml") +
                    " --weights-dir " + t.File("w"));
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "import: " + t.File(c.model) + c.err);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(Files(t.path), before);
  }
  // The script alone says the same.
  EXPECT_EQ(Sh(t, "direct",
               "scripts/import '" + t.File("lstm.onnx") + "' -o '" + t.File("out.yaml") + "'"),
            1);
  EXPECT_EQ(ReadFile(t.File("direct.err")),
            "import: " + t.File("lstm.onnx") + ": node lstm1 (LSTM): unsupported operator\n");
  EXPECT_FALSE(FileExists(t.File("out.yaml")));
  // A file that is not a model, and one that is not there.
  WriteFile(t.File("junk.onnx"), "not a model");
  auto j = Eyesim("import " + t.File("junk.onnx") + " -o " + t.File("out.yaml"));
  EXPECT_EQ(j.status, 1);
  EXPECT_EQ(j.err.rfind("import: " + t.File("junk.onnx") + ": not an ONNX model (", 0), 0u)
      << j.err;
  auto m = Eyesim("import " + t.File("none.onnx") + " -o " + t.File("out.yaml"));
  EXPECT_EQ(m.status, 1);
  EXPECT_EQ(m.err,
            "import: " + t.File("none.onnx") + ": cannot read (No such file or directory)\n");
  EXPECT_FALSE(FileExists(t.File("out.yaml")));
}

// Without python3-onnx (here: an onnx module on PYTHONPATH that cannot be
// imported) the error says how to install it.
TEST(Import, MissingOnnxSaysHowToInstallIt) {
  TempDir t;
  ASSERT_EQ(system(("mkdir -p '" + t.File("fake/onnx") + "'").c_str()), 0);
  WriteFile(t.File("fake/onnx/__init__.py"), "raise ImportError('no onnx here')\n");
  WriteFile(t.File("m.onnx"), "");
  int st = Sh(t, "run",
              "PYTHONPATH='" + t.File("fake") + "' '" + EY_BIN + "' import '" + t.File("m.onnx") +
                  "' -o '" + t.File("n.yaml") + "'");
  EXPECT_EQ(st, 1);
  EXPECT_EQ(ReadFile(t.File("run.err")),
            "import: python3-onnx is not installed (`scripts/bootstrap import` installs it)\n");
  EXPECT_FALSE(FileExists(t.File("n.yaml")));
}

// `eyesim help import` and `eyesim import --help` print the same text, which
// lists every option the script takes; bad usage is exit status 2 before the
// script runs, and the script's own usage errors are too.
TEST(Import, HelpAndUsageErrors) {
  auto h = Eyesim("help import");
  EXPECT_EQ(h.status, 0);
  EXPECT_EQ(h.out.rfind("usage: eyesim import MODEL.onnx -o NET.yaml", 0), 0u) << h.out;
  EXPECT_EQ(Eyesim("import --help").out, h.out);
  for (const char *opt : {"-o, --out FILE", "--weights-dir DIR", "--bits B", "--input-range X",
                          "--name NAME", "--batch N", "python3-onnx", "scripts/bootstrap import"})
    EXPECT_NE(h.out.find(opt), std::string::npos) << opt;
  EXPECT_NE(Eyesim("help").out.find("import MODEL"), std::string::npos);
  struct {
    const char *args, *err;
  } bad[] = {
      {"import", "eyesim: `eyesim import` needs MODEL.onnx (see `eyesim help`)\n"},
      {"import m.onnx", "eyesim: `eyesim import` needs -o NET.yaml (see `eyesim help`)\n"},
      {"import m.onnx -o n.yaml --bits 1",
       "eyesim: --bits: must be an integer from 2 to 32 (got 1) (see `eyesim help`)\n"},
      {"import m.onnx -o n.yaml --input-range 0",
       "eyesim: --input-range: must be a finite number above 0 (got 0) (see `eyesim help`)\n"},
      {"import m.onnx -o n.yaml --input-range inf",
       "eyesim: --input-range: must be a finite number above 0 (got inf) (see `eyesim help`)\n"},
      {"import m.onnx -o n.yaml --frobnicate",
       "eyesim: --frobnicate: unknown option for `eyesim import` (see `eyesim help`)\n"},
  };
  for (const auto &b : bad) {
    auto r = Eyesim(b.args);
    EXPECT_EQ(r.status, 2) << b.args;
    EXPECT_EQ(r.err, b.err) << b.args;
  }
  TempDir t;
  EXPECT_EQ(Sh(t, "u", "scripts/import m.onnx"), 2);
  EXPECT_EQ(ReadFile(t.File("u.err")),
            "import: the following arguments are required: -o/--out (see `eyesim help import`)\n");
  EXPECT_EQ(Sh(t, "v", "scripts/import m.onnx -o n.yaml --input-range=inf"), 2);
  EXPECT_EQ(ReadFile(t.File("v.err")),
            "import: --input-range: must be a finite number above 0 (got inf) (see `eyesim help "
            "import`)\n");
}

// What the importer writes is what eyesim reads: the network loads with the
// graph loader (which infers every shape again and checks the stated ones), and
// runs end to end on the imported float weights, biases and scales, every layer
// equal to the golden convolution on the same data.
TEST(Import, ImportedNetworksRunEndToEndOnTheirWeights) {
  REQUIRE_ONNX();
  TempDir t;
  MakeModels(t);
  for (const char *m : {"cnn", "dws"}) {
    const std::string net = t.File(std::string(m) + ".yaml"), w = t.File(std::string(m) + "_w");
    ASSERT_EQ(Sh(t, "imp",
                 EY_BIN + std::string(" import '") + t.File(std::string(m) + ".onnx") + "' -o '" +
                     net + "' --weights-dir '" + w + "'"),
              0)
        << ReadFile(t.File("imp.err"));
    ey_net n;
    ey_err err;
    ASSERT_EQ(ey_net_load(net.c_str(), &n, &err), EY_OK) << err.msg;
    EXPECT_GT(n.nlayers, 1) << m;
    ey_net_free(&n);
    auto r = Eyesim("run eyeriss_v1 '" + net + "' --weights '" + w + "' --check --output '" +
                    t.File("out.npy") + "'");
    ASSERT_EQ(r.status, 0) << m << ": " << r.err;
    EXPECT_NE(r.out.find(" layers equal the golden convolution in every output"), std::string::npos)
        << r.out;
    EXPECT_TRUE(FileExists(t.File("out.npy")));
  }
}

// Scales stay within the 1e-9 to 1e9 quant.yaml takes: a tiny --input-range once
// wrote an input_scale the run refused (3.2767e+16).
TEST(Import, ScalesStayInTheRangeQuantYamlTakes) {
  REQUIRE_ONNX();
  TempDir t;
  MakeModels(t);
  const std::string net = t.File("dws.yaml"), w = t.File("w");
  ASSERT_EQ(Sh(t, "imp",
               EY_BIN + std::string(" import '") + t.File("dws.onnx") + "' -o '" + net +
                   "' --weights-dir '" + w + "' --input-range 1e-12"),
            0)
      << ReadFile(t.File("imp.err"));
  EXPECT_NE(ReadFile(w + "/quant.yaml").find("\ninput_scale: 1000000000.0\n"), std::string::npos)
      << ReadFile(w + "/quant.yaml");
  auto r = Eyesim("run eyeriss_v1 '" + net + "' --weights '" + w + "' -q");
  EXPECT_EQ(r.status, 0) << r.err;
}

// An fc wider than the .npy reader's largest dimension (65535) is written as
// (M, C, H, W), which the run reads: (10, 2048*6*6 = 73728) was unreadable.
TEST(Import, AnFcWiderThanOneNpyDimensionIsWrittenFourDimensional) {
  REQUIRE_ONNX();
  TempDir t;
  WriteFile(t.File("wide.py"), R"(
import sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
w = np.random.default_rng(3).standard_normal((10, 2048 * 6 * 6)).astype(np.float32)
g = helper.make_graph(
    [helper.make_node("Flatten", ["x"], ["f"], "flat", axis=1),
     helper.make_node("Gemm", ["f", "w"], ["y"], "fc", transB=1)], "wide",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2048, 6, 6])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
    [numpy_helper.from_array(w, "w")])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1])
)");
  ASSERT_EQ(
      Sh(t, "mk", "/usr/bin/python3 '" + t.File("wide.py") + "' '" + t.File("wide.onnx") + "'"), 0)
      << ReadFile(t.File("mk.err"));
  const std::string net = t.File("wide.yaml"), w = t.File("w");
  ASSERT_EQ(Sh(t, "imp",
               EY_BIN + std::string(" import '") + t.File("wide.onnx") + "' -o '" + net +
                   "' --weights-dir '" + w + "'"),
            0)
      << ReadFile(t.File("imp.err"));
  ASSERT_EQ(
      Sh(t, "shape",
         "/usr/bin/python3 -c \"import numpy as np; print(np.load('" + w + "/fc.npy').shape)\""),
      0);
  EXPECT_EQ(ReadFile(t.File("shape.out")), "(10, 2048, 6, 6)\n");
  auto r = Eyesim("run eyeriss_v1 '" + net + "' --weights '" + w + "' -q");
  EXPECT_EQ(r.status, 0) << r.err;
}
