// graph_test.cc - network files as graphs (docs/graphs.md): shapes inferred
// through pooling, residual adds and concats against values worked out by hand,
// every kind of mismatch with its FILE:LINE message, and the host nodes in the
// report.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "test_util.h"

extern "C" {
#include "sim/config/config.h"
#include "sim/report/report.h"
}

namespace {

std::string Replace(std::string s, const std::string &from, const std::string &to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

std::string Load(const std::string &text, ey_net *n) {
  ey_err err;
  err.msg[0] = '\0';
  ey_rc rc = ey_net_load_string("g.yaml", text.c_str(), n, &err);
  return rc == EY_OK ? "" : err.msg;
}

std::string Error(const std::string &text) {
  ey_net n;
  std::string e = Load(text, &n);
  ey_net_free(&n);
  return e;
}

const ey_node *Node(const ey_net &n, const char *name) {
  for (int i = 0; i < n.nnodes; i++)
    if (!std::strcmp(n.nodes[i].l.name, name)) return &n.nodes[i];
  return nullptr;
}

std::string Shape(const ey_node *x) {
  if (!x) return "missing";
  return std::to_string(x->outC) + "x" + std::to_string(x->outH) + "x" + std::to_string(x->outW);
}

// A residual block whose layers state nothing but what they add:
//   stem   3x32x32, 16 filters 3x3 pad 1  -> 16x32x32
//   pool   2x2 stride 2                   -> 16x16x16  ((32-2)/2+1 = 16)
//   a      3x3 pad 1                      -> 16x16x16
//   b      3x3 pad 1, stride 2            -> 16x8x8    ((16+2-3)/2+1 = 8)
//   proj   1x1 stride 2 from pool         -> 16x8x8    ((16-1)/2+1 = 8)
//   sum    add(proj, b)                   -> 16x8x8
//   gap    global average                 -> 16x1x1
//   fc     10 outputs, R = S = 1          -> 10x1x1
const char *kResidual =
    "name: res\n"                                                         // 1
    "batch: 2\n"                                                          // 2
    "layers:\n"                                                           // 3
    "  - {name: stem, C: 3, H: 32, W: 32, M: 16, R: 3, S: 3, pad: 1}\n"   // 4
    "  - {name: pool, type: maxpool, R: 2, S: 2, stride: 2}\n"            // 5
    "  - {name: a, M: 16, R: 3, S: 3, pad: 1}\n"                          // 6
    "  - {name: b, M: 16, R: 3, S: 3, pad: 1, stride: 2, relu: false}\n"  // 7
    "  - {name: proj, inputs: pool, M: 16, R: 1, S: 1, stride: 2}\n"      // 8
    "  - {name: sum, type: add, inputs: [proj, b]}\n"                     // 9
    "  - {name: gap, type: avgpool, global: true}\n"                      // 10
    "  - {name: fc, type: fc, M: 10, relu: false}\n";                     // 11

TEST(Graph, AResidualBlockInfersEveryShape) {
  ey_net n;
  ASSERT_EQ(Load(kResidual, &n), "");
  EXPECT_EQ(n.nnodes, 8);
  EXPECT_EQ(n.nlayers, 5);  // stem, a, b, proj, fc
  EXPECT_EQ(Shape(Node(n, "stem")), "16x32x32");
  EXPECT_EQ(Shape(Node(n, "pool")), "16x16x16");
  EXPECT_EQ(Shape(Node(n, "a")), "16x16x16");
  EXPECT_EQ(Shape(Node(n, "b")), "16x8x8");
  EXPECT_EQ(Shape(Node(n, "proj")), "16x8x8");
  EXPECT_EQ(Shape(Node(n, "sum")), "16x8x8");
  EXPECT_EQ(Shape(Node(n, "gap")), "16x1x1");
  EXPECT_EQ(Shape(Node(n, "fc")), "10x1x1");
  // The layers the array runs, with their inputs filled in.
  const ey_layer &a = n.layers[1];
  EXPECT_STREQ(a.name, "a");
  EXPECT_EQ(a.C, 16);
  EXPECT_EQ(a.H, 16);
  EXPECT_EQ(a.N, 2);
  const ey_layer &proj = n.layers[3];
  EXPECT_STREQ(proj.name, "proj");
  EXPECT_EQ(proj.H, 16);
  EXPECT_EQ(proj.E, 8);
  const ey_layer &fc = n.layers[4];
  EXPECT_EQ(fc.type, EY_LAYER_FC);
  EXPECT_EQ(fc.C, 16);
  EXPECT_EQ(fc.R, 1);
  EXPECT_EQ(fc.S, 1);
  // Default input: the node above; `inputs:` otherwise; the first reads `input`.
  const ey_node *sum = Node(n, "sum");
  ASSERT_EQ(sum->ninputs, 2);
  EXPECT_STREQ(n.nodes[sum->inputs[0]].l.name, "proj");
  EXPECT_STREQ(n.nodes[sum->inputs[1]].l.name, "b");
  EXPECT_EQ(Node(n, "stem")->inputs[0], EY_NET_INPUT);
  EXPECT_STREQ(n.nodes[Node(n, "a")->inputs[0]].l.name, "pool");
  EXPECT_EQ(n.inC, 3);
  EXPECT_EQ(n.inH, 32);
  EXPECT_EQ(Node(n, "sum")->l.relu, 1);  // relu defaults to true on every node
  EXPECT_EQ(Node(n, "b")->l.relu, 0);
  ey_net_free(&n);
  // Flattening instead of pooling: 16 x 8 x 8 = 1024 values, which fc takes as C.
  ASSERT_EQ(Load(Replace(kResidual, "{name: gap, type: avgpool, global: true}",
                         "{name: gap, type: flatten}"),
                 &n),
            "");
  EXPECT_EQ(Shape(Node(n, "gap")), "1024x1x1");
  EXPECT_EQ(n.layers[4].C, 1024);
  ey_net_free(&n);
}

// An inception block on a 32x28x28 input:
//   b1   1x1, 8            -> 8x28x28
//   b3r  1x1, 4 -> b3 3x3 pad 1, 12   -> 12x28x28
//   bp   3x3 max pool stride 1 pad 1  -> 32x28x28 ((28+2-3)/1+1 = 28), then 1x1, 6
//   cat  concat(b1, b3, bpp)          -> (8+12+6)=26 x 28 x 28
//   down 3x3 max pool stride 2, ceil  -> 26x14x14 (ceil((28-3)/2)+1 = 14; floor gives 13)
const char *kInception =
    "name: inc\n"                                                           // 1
    "layers:\n"                                                             // 2
    "  - {name: b1, C: 32, H: 28, W: 28, M: 8, R: 1, S: 1}\n"               // 3
    "  - {name: b3r, inputs: input, M: 4, R: 1, S: 1}\n"                    // 4
    "  - {name: b3, M: 12, R: 3, S: 3, pad: 1}\n"                           // 5
    "  - {name: bp, type: maxpool, inputs: input, R: 3, S: 3, pad: 1}\n"    // 6
    "  - {name: bpp, M: 6, R: 1, S: 1}\n"                                   // 7
    "  - {name: cat, type: concat, inputs: [b1, b3, bpp]}\n"                // 8
    "  - {name: down, type: maxpool, R: 3, S: 3, stride: 2, ceil: true}\n"  // 9
    "  - {name: next, C: 26, H: 14, W: 14, M: 4, R: 1, S: 1}\n";            // 10

TEST(Graph, AnInceptionBlockSumsTheBranchesChannels) {
  ey_net n;
  ASSERT_EQ(Load(kInception, &n), "");
  EXPECT_EQ(Shape(Node(n, "b3r")), "4x28x28");  // read the network's input, as b1 stated it
  EXPECT_EQ(Shape(Node(n, "bp")), "32x28x28");
  EXPECT_EQ(Shape(Node(n, "cat")), "26x28x28");
  EXPECT_EQ(Shape(Node(n, "down")), "26x14x14");
  EXPECT_EQ(n.layers[n.nlayers - 1].C, 26);
  ey_net_free(&n);
  // Without ceil the pool gives 13, and `next` says 14.
  EXPECT_EQ(Error(Replace(kInception, ", ceil: true", "")),
            "g.yaml:10: next.H: must equal the output of its input down (line 9), 13 (got 14)");
}

TEST(Graph, PoolingOutputSizesFollowCaffeAndOnnx) {
  // floor((in + 2 pad - k) / s) + 1, or rounded up; less one when the last
  // window would start in the right padding.
  EXPECT_EQ(ey_pool_out(55, 3, 2, 0, 0), 27);   // AlexNet pool1
  EXPECT_EQ(ey_pool_out(112, 3, 2, 0, 0), 55);  // GoogLeNet pool1, floor
  EXPECT_EQ(ey_pool_out(112, 3, 2, 0, 1), 56);  // ... and as Caffe rounds it
  EXPECT_EQ(ey_pool_out(112, 3, 2, 1, 0), 56);  // ResNet pool1, pad 1
  EXPECT_EQ(ey_pool_out(5, 2, 2, 0, 1), 3);     // ceil(3/2)+1 = 3
  EXPECT_EQ(ey_pool_out(5, 2, 2, 1, 1), 3);     // ceil(5/2)+1 = 4, but window 4 starts at 6 >= 5+1
  EXPECT_EQ(ey_pool_out(6, 3, 2, 1, 1), 4);     // ceil(5/2)+1 = 4; window 4 starts at 6 < 6+1
}

TEST(Graph, EveryMismatchNamesTheFileLineAndBothNodes) {
  // A stated size that disagrees with the producer.
  EXPECT_EQ(Error(Replace(kResidual, "{name: a, M: 16", "{name: a, C: 8, M: 16")),
            "g.yaml:6: a.C: must equal the output of its input pool (line 5), 16 (got 8)");
  // A second reader of the network's input that states another one.
  EXPECT_EQ(
      Error(Replace(kInception, "{name: b3r, inputs: input,", "{name: b3r, inputs: input, W: 27,")),
      "g.yaml:4: b3r.W: must equal the network's input, as b1 (line 3) gives it, 28 (got 27)");
  // An add of two shapes.
  EXPECT_EQ(
      Error(Replace(kResidual, "inputs: [proj, b]", "inputs: [pool, b]")),
      "g.yaml:9: sum.inputs: height and width of every input must agree: the output of its input b "
      "(line 7) is 16x8x8, but its first input is 16x16x16");
  EXPECT_EQ(Error(Replace(kResidual, "{name: proj, inputs: pool, M: 16",
                          "{name: proj, inputs: pool, M: 8")),
            "g.yaml:9: sum.inputs: channels of every input must agree: the output of its input b "
            "(line 7) is 16x8x8, but its first input is 8x8x8");
  // A concat of other sizes.
  EXPECT_EQ(
      Error(Replace(kInception, "inputs: [b1, b3, bpp]", "inputs: [b1, down]")),
      "g.yaml:8: cat.inputs: expected a node above this one or `input` (got down, which names "
      "no node before it)");
  EXPECT_EQ(
      Error(Replace(kInception, "{name: bp, type: maxpool, inputs: input, R: 3, S: 3, pad: 1}",
                    "{name: bp, type: maxpool, inputs: input, R: 3, S: 3}")),
      "g.yaml:8: cat.inputs: height and width of every input must agree: the output of its "
      "input bpp (line 7) is 6x26x26, but its first input is 8x28x28");
  // Counts of inputs, keys of another type, names.
  EXPECT_EQ(Error(Replace(kResidual, "inputs: [proj, b]", "inputs: b")),
            "g.yaml:9: sum.inputs: an add node takes 2 or more inputs (got 1)");
  EXPECT_EQ(Error(Replace(kResidual, "{name: a, M: 16", "{name: a, inputs: [stem, pool], M: 16")),
            "g.yaml:6: a.inputs: a conv layer takes 1 input (got 2)");
  EXPECT_EQ(Error(Replace(kResidual, "inputs: [proj, b]", "inputs: [proj, proj]")),
            "g.yaml:9: sum.inputs: expected each input once (got proj twice)");
  EXPECT_EQ(
      Error(Replace(kResidual, "{name: pool, type: maxpool,", "{name: pool, type: maxpool, M: 4,")),
      "g.yaml:5: pool.M: not a key of a maxpool node (it takes C H W R S stride pad ceil global)");
  EXPECT_EQ(
      Error(Replace(kResidual, "{name: pool, type: maxpool, R: 2,", "{name: pool, type: maxpool,")),
      "g.yaml:5: pool.R: required but not given");
  EXPECT_EQ(Error(Replace(kResidual, "global: true}", "global: true, R: 2}")),
            "g.yaml:10: gap.global: a global pool takes no R, S, stride or pad (got R)");
  EXPECT_EQ(Error(Replace(kResidual, "{name: stem, C: 3, ", "{name: stem, ")),
            "g.yaml:4: stem.C: required for the first node that reads the network's input (got "
            "nothing)");
  EXPECT_EQ(Error(Replace(kResidual, "{name: a,", "{name: input,")),
            "g.yaml:6: input.name: `input` names the network's input (got it as a node name)");
  EXPECT_EQ(Error(Replace(kResidual, "{name: fc, type: fc, M: 10", "{name: fc, type: fc")),
            "g.yaml:11: fc.M: required but not given");
}

// A node's own name is not a node above it: reading itself is a cycle, refused
// like a forward reference (it was taken once as an input of the node's own
// shape, or of zeros).
TEST(Graph, ANodeCannotReadItself) {
  EXPECT_EQ(Error(Replace(kResidual, "inputs: [proj, b]", "inputs: [proj, sum]")),
            "g.yaml:9: sum.inputs: expected a node above this one or `input` (got sum, the node "
            "itself)");
  EXPECT_EQ(Error(Replace(kResidual, "{name: a, M: 16", "{name: a, inputs: a, M: 16")),
            "g.yaml:6: a.inputs: expected a node above this one or `input` (got a, the node "
            "itself)");
  EXPECT_EQ(Error("name: n\nlayers:\n"
                  "  - {name: a, C: 3, H: 8, W: 8, M: 4, R: 3, S: 3, pad: 1}\n"
                  "  - {name: s, type: concat, inputs: [a, s]}\n"),
            "g.yaml:4: s.inputs: expected a node above this one or `input` (got s, the node "
            "itself)");
}

// The channel limit is a concat's, whose output sums them; an add of wide inputs
// keeps their width.
TEST(Graph, OnlyAConcatSumsChannels) {
  const std::string two =
      "name: n\nlayers:\n"
      "  - {name: a, C: 600000, H: 1, W: 1, M: 600000, R: 1, S: 1}\n"
      "  - {name: b, M: 600000, R: 1, S: 1, inputs: input}\n"
      "  - {name: s, type: add, inputs: [a, b]}\n";
  ey_net n;
  ASSERT_EQ(Load(two, &n), "");
  EXPECT_EQ(Shape(Node(n, "s")), "600000x1x1");
  ey_net_free(&n);
  EXPECT_EQ(Error(Replace(two, "type: add", "type: concat")),
            "g.yaml:5: s.inputs: expected at most 1048576 channels in all (got 1200000)");
}

// A padded pool or conv can make H or W larger than a stated H or W may be; the
// node that reads it is refused, naming its producer.
TEST(Graph, InferredSizesKeepTheStatedBounds) {
  EXPECT_EQ(Error("name: n\nlayers:\n"
                  "  - {name: p, type: maxpool, C: 1, H: 65535, W: 1, R: 65, S: 65, pad: 64}\n"
                  "  - {name: c, M: 1, R: 1, S: 1}\n"),
            "g.yaml:4: c.H: expected H from 1 to 65535 (got the output of its input p (line 3), "
            "65599)");
}

TEST(Graph, IndependentLayersStateTheirOwnInputs) {
  const char *list =
      "name: list\nindependent: true\nlayers:\n"
      "  - {name: x, C: 3, H: 8, W: 8, M: 4, R: 3, S: 3}\n"      // 4
      "  - {name: y, C: 64, H: 56, W: 56, M: 4, R: 1, S: 1}\n";  // 5
  ey_net n;
  ASSERT_EQ(Load(list, &n), "");
  EXPECT_EQ(n.nlayers, 2);
  EXPECT_EQ(n.layers[1].C, 64);
  ey_net_free(&n);
  EXPECT_EQ(
      Error(std::string(list) + "  - {name: p, type: maxpool, R: 2, S: 2}\n"),
      "g.yaml:6: p.type: expected conv or fc in a network of independent layers (got maxpool)");
  EXPECT_EQ(Error(std::string(list) + "  - {name: z, inputs: y, M: 4, R: 1, S: 1}\n"),
            "g.yaml:6: z.inputs: not allowed in a network of independent layers (got it)");
  EXPECT_EQ(Error(std::string(list) + "  - {name: z, C: 4, H: 8, M: 4, R: 1, S: 1}\n"),
            "g.yaml:6: z.W: required but not given (independent layers state their inputs)");
}

TEST(Graph, SelectingLayersKeepsTheGraph) {
  ey_net n;
  ASSERT_EQ(Load(kResidual, &n), "");
  ey_err err;
  ASSERT_EQ(ey_net_select(&n, "b..proj", &err), EY_OK) << err.msg;
  EXPECT_EQ(n.nlayers, 2);
  EXPECT_EQ(n.nnodes, 8);
  EXPECT_EQ(Node(n, "b")->layer, 0);
  EXPECT_EQ(Node(n, "proj")->layer, 1);
  EXPECT_EQ(Node(n, "stem")->layer, -1);
  EXPECT_EQ(Node(n, "sum")->layer, -1);
  EXPECT_EQ(n.nodes[n.layers[1].node].layer, 1);
  ey_net_free(&n);
  // A host node is not a layer the array runs.
  ASSERT_EQ(Load(kResidual, &n), "");
  EXPECT_EQ(ey_net_select(&n, "a..sum", &err), EY_USAGE);
  EXPECT_STREQ(err.msg,
               "--layers: sum: an add node, which runs on the host; expected a conv or fc layer "
               "(got a..sum)");
  ey_net_free(&n);
}

// The shipped networks with their real topology: the published structure gives
// the node counts (ResNet-50: 16 bottleneck blocks, each ending in an add, 4 of
// them with a projection; GoogLeNet: 9 inception modules, 4 stride-2 max pools
// plus one in each module, one average pool).
TEST(Graph, TheShippedNetworksHaveTheirRealTopology) {
  struct Want {
    const char *net;
    int layers, maxpool, avgpool, add, concat;
  } want[] = {{"alexnet", 8, 3, 0, 0, 0},
              {"vgg16", 16, 5, 0, 0, 0},
              {"resnet50", 54, 1, 1, 16, 0},
              {"googlenet", 58, 4 + 9, 1, 0, 9},
              {"mobilenet_v1", 28, 0, 1, 0, 0}};
  for (const Want &w : want) {
    ey_net n = eytest::LoadNet(w.net);
    int count[EY_NODE_FLATTEN + 1] = {0};
    for (int i = 0; i < n.nnodes; i++) count[n.nodes[i].l.type]++;
    EXPECT_EQ(n.nlayers, w.layers) << w.net;
    EXPECT_EQ(count[EY_NODE_MAXPOOL], w.maxpool) << w.net;
    EXPECT_EQ(count[EY_NODE_AVGPOOL], w.avgpool) << w.net;
    EXPECT_EQ(count[EY_NODE_ADD], w.add) << w.net;
    EXPECT_EQ(count[EY_NODE_CONCAT], w.concat) << w.net;
    ey_net_free(&n);
  }
  // ResNet-50's last block adds 2048 x 7 x 7 maps; GoogLeNet's 5b concat gives
  // 384 + 384 + 128 + 128 = 1024 channels of 7 x 7 (Szegedy et al., Table 1).
  ey_net r = eytest::LoadNet("resnet50");
  EXPECT_EQ(Shape(Node(r, "res5c")), "2048x7x7");
  EXPECT_EQ(Shape(Node(r, "pool1")), "64x56x56");
  ey_net_free(&r);
  ey_net g = eytest::LoadNet("googlenet");
  EXPECT_EQ(Shape(Node(g, "inception_5b_output")), "1024x7x7");
  EXPECT_EQ(Shape(Node(g, "inception_3a_output")), "256x28x28");
  EXPECT_EQ(Shape(Node(g, "pool1")), "64x56x56");
  ey_net_free(&g);
}

// Host nodes in the report: no array cycles, their tensors across DRAM. On the
// residual block at batch 2 with 16-bit words:
//   pool: in 16x32x32 = 16384, out 16x16x16 = 4096      -> 20480 values
//   sum:  in 16x8x8 twice = 2048, out 1024              ->  3072
//   gap:  in 1024, out 16                               ->  1040
//   24592 values x 2 images x 2 bytes = 98368 bytes
TEST(Graph, HostNodesAreListedWithTheirDramTraffic) {
  eytest::TempDir t;
  eytest::WriteFile(t.File("res.yaml"), kResidual);
  auto r = eytest::Eyesim("run eyeriss_v1 " + t.File("res.yaml") + " --analytic --json " +
                          t.File("r.json"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\nhost nodes: 1 maxpool, 1 avgpool, 1 add; no array cycles; 0.098 MB of "
                       "DRAM traffic (inputs read, outputs written)\n"),
            std::string::npos)
      << r.out;
  const std::string js = eytest::ReadFile(t.File("r.json"));
  EXPECT_NE(js.find("\"host_dram_bytes\": 98368"), std::string::npos);
  EXPECT_NE(js.find("\"name\": \"sum\",\n      \"type\": \"add\",\n      \"inputs\": [\n        "
                    "\"proj\",\n        \"b\"\n      ],"),
            std::string::npos)
      << js;
  // A run of some layers lists none.
  auto some = eytest::Eyesim("run eyeriss_v1 " + t.File("res.yaml") + " --analytic --layers a");
  ASSERT_EQ(some.status, 0) << some.err;
  EXPECT_EQ(some.out.find("host nodes"), std::string::npos);
}

}  // namespace

namespace {

// A host node whose tensors cannot be counted in 64 bits: 2^20 x 65535 x 65535
// values an image, 65536 images, read and written at 16 bits, is about 2^72
// bytes. The report says so (null, "more than 2^64") rather than a capped number.
TEST(Graph, HostTrafficBeyond64BitsIsNotANumber) {
  eytest::TempDir t;
  eytest::WriteFile(t.File("huge.yaml"),
                    "name: huge\nbatch: 65536\nlayers:\n"
                    "  - {name: c, C: 1048576, H: 65535, W: 65535, M: 1048576, R: 1, S: 1}\n"
                    "  - {name: p, type: maxpool, R: 1, S: 1}\n");
  auto r = eytest::Eyesim("run eyeriss_v1 " + t.File("huge.yaml") + " --analytic --json " +
                          t.File("h.json"));
  EXPECT_EQ(r.status, 3) << r.err;  // c cannot map: its MACs do not fit either
  EXPECT_NE(r.out.find("host nodes: 1 maxpool; no array cycles; more than 2^64 bytes of DRAM "
                       "traffic\n"),
            std::string::npos)
      << r.out;
  const std::string js = eytest::ReadFile(t.File("h.json"));
  EXPECT_NE(js.find("\"dram_bytes\": null"), std::string::npos);
  EXPECT_NE(js.find("\"host_dram_bytes\": null"), std::string::npos);
}

}  // namespace
