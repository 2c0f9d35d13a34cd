// hostops_test.cc - the host-side nodes (sim/engine/hostops.h) on small tensors
// worked out by hand: pooling sizes (floor, ceil, the last window that would
// start in the padding; ey_pool_out is sim/base/ey_arch.h's, which the network
// loader uses too), max and average pooling (padding ignored, not
// counted; flooring of negative averages), add (saturation), concat (channel
// order per image), flatten, ReLU, and the size checks.
#include <gtest/gtest.h>

#include <climits>
#include <string>
#include <vector>

extern "C" {
#include "sim/engine/hostops.h"
}

namespace {

// A tensor of the given shape and values (row-major NCHW), which the test owns.
struct T {
  std::vector<int16_t> v;
  ey_htensor t;
  T(int N, int C, int H, int W, std::vector<int16_t> vals) : v(std::move(vals)) {
    t = {N, C, H, W, v.data()};
    EXPECT_EQ(v.size(), (size_t)N * C * H * W);
  }
};

// 0, 1, 2, ... in row-major order.
std::vector<int16_t> Iota(int n, int from = 0) {
  std::vector<int16_t> v(n);
  for (int i = 0; i < n; i++) v[i] = (int16_t)(from + i);
  return v;
}

std::vector<int16_t> Data(const ey_htensor &t) {
  return std::vector<int16_t>(t.data, t.data + (size_t)t.N * t.C * t.H * t.W);
}

ey_pool Pool(int k, int stride, int pad = 0, int ceil = 0, int relu = 0) {
  ey_pool p = {k, k, stride, pad, ceil, 0, relu};
  return p;
}

TEST(HostPoolSize, FloorCeilAndTheLastWindowInThePadding) {
  EXPECT_EQ(ey_pool_out(4, 2, 2, 0, 0), 2);     // (4-2)/2+1
  EXPECT_EQ(ey_pool_out(5, 2, 2, 0, 0), 2);     // floor(3/2)+1
  EXPECT_EQ(ey_pool_out(5, 2, 2, 0, 1), 3);     // ceil(3/2)+1; the last window starts at 4 < 5
  EXPECT_EQ(ey_pool_out(3, 3, 1, 1, 0), 3);     // (3+2-3)/1+1
  EXPECT_EQ(ey_pool_out(112, 3, 2, 1, 0), 56);  // ResNet's stem pool: 111/2+1
  EXPECT_EQ(ey_pool_out(112, 3, 2, 0, 1), 56);  // GoogLeNet's (Caffe, ceil): ceil(109/2)+1
  EXPECT_EQ(ey_pool_out(114, 3, 2, 0, 1), 57);  // ceil(111/2)+1 = 57, last start 112 < 114
  // ceil((5+2-2)/2)+1 = 4, but the 4th window would start at 6 = in + pad, in
  // the padding after the input: 3.
  EXPECT_EQ(ey_pool_out(5, 2, 2, 1, 1), 3);
  EXPECT_EQ(ey_pool_out(5, 2, 2, 1, 0), 3);  // floor: (5+2-2)/2+1
  // A window narrower than the stride: ceil(4/3)+1 = 3, the 3rd would start at
  // 6, past the input: 2.
  EXPECT_EQ(ey_pool_out(5, 1, 3, 0, 1), 2);
  EXPECT_EQ(ey_pool_out(1, 1, 1, 0, 0), 1);
}

TEST(HostPoolSize, ShapeOfAPoolAndItsErrors) {
  int E = 0, F = 0;
  ey_err err;
  ey_pool p = {3, 2, 2, 0, 1, 0, 0};  // 3 x 2 window, stride 2, ceil
  ASSERT_EQ(ey_pool_shape(&p, 7, 5, &E, &F, &err), EY_OK) << err.msg;
  EXPECT_EQ(E, 3);  // ceil((7-3)/2)+1
  EXPECT_EQ(F, 3);  // ceil((5-2)/2)+1, last start 4 < 5
  p.global = 1;     // the whole input, whatever the window says
  ASSERT_EQ(ey_pool_shape(&p, 7, 5, &E, &F, &err), EY_OK) << err.msg;
  EXPECT_EQ(E, 1);
  EXPECT_EQ(F, 1);
  ey_pool bad = Pool(4, 1);
  EXPECT_EQ(ey_pool_shape(&bad, 3, 8, &E, &F, &err), EY_MISUSE);
  EXPECT_STREQ(err.msg,
               "pool: rows: expected a window of 1 or more, stride 1 or more and pad 0 to window-1 "
               "that fits the input padded (got input 3, window 4, stride 1, pad 0)");
  // No size either: a window wider than the padded input, a pad as large as the
  // window (a window could lie all in the padding), no stride, no window.
  bad = Pool(2, 1, 2);  // pad 2 = window
  EXPECT_EQ(ey_pool_shape(&bad, 4, 4, &E, &F, &err), EY_MISUSE);
  EXPECT_STREQ(err.msg,
               "pool: rows: expected a window of 1 or more, stride 1 or more and pad 0 to window-1 "
               "that fits the input padded (got input 4, window 2, stride 1, pad 2)");
  ey_pool tall = {1, 5, 1, 0, 0, 0, 0};  // 1 x 5 over 4 x 4: the columns do not fit
  EXPECT_EQ(ey_pool_shape(&tall, 4, 4, &E, &F, &err), EY_MISUSE);
  EXPECT_EQ(std::string(err.msg).rfind("pool: columns: ", 0), 0u) << err.msg;
  bad = Pool(2, 0);
  EXPECT_EQ(ey_pool_shape(&bad, 4, 4, &E, &F, &err), EY_MISUSE);
  bad = Pool(0, 1);
  EXPECT_EQ(ey_pool_shape(&bad, 4, 4, &E, &F, &err), EY_MISUSE);
  bad = Pool(2, 1, -1);
  EXPECT_EQ(ey_pool_shape(&bad, 4, 4, &E, &F, &err), EY_MISUSE);
  // A pad of window-1 fits: 1x2 windows, pad 1 over 1 value: windows [-1, 0]
  // and [0, 1] each hold the one value.
  ey_pool edge = {2, 2, 1, 1, 0, 0, 0};
  ASSERT_EQ(ey_pool_shape(&edge, 1, 1, &E, &F, &err), EY_OK) << err.msg;
  EXPECT_EQ(E, 2);
  EXPECT_EQ(F, 2);
}

TEST(HostMaxPool, TwoByTwoStrideTwo) {
  T in(1, 1, 4, 4, Iota(16, 1));  // 1..16
  ey_pool p = Pool(2, 2);
  ey_htensor out;
  ey_err err;
  ASSERT_EQ(ey_host_maxpool(&in.t, &p, &out, &err), EY_OK) << err.msg;
  EXPECT_EQ(out.N, 1);
  EXPECT_EQ(out.C, 1);
  EXPECT_EQ(out.H, 2);
  EXPECT_EQ(out.W, 2);
  EXPECT_EQ(Data(out), std::vector<int16_t>({6, 8, 14, 16}));
  ey_htensor_free(&out);
}

TEST(HostMaxPool, CeilModeKeepsThePartialWindows) {
  // 5x5 of 0..24 (value 5y+x), 2x2 windows, stride 2. Floor: 2x2; ceil: 3x3,
  // the last row and column of windows hold one input row or column.
  T in(1, 1, 5, 5, Iota(25));
  ey_htensor out;
  ey_err err;
  ey_pool p = Pool(2, 2);
  ASSERT_EQ(ey_host_maxpool(&in.t, &p, &out, &err), EY_OK) << err.msg;
  EXPECT_EQ(Data(out), std::vector<int16_t>({6, 8, 16, 18}));
  ey_htensor_free(&out);
  p.ceil = 1;
  ASSERT_EQ(ey_host_maxpool(&in.t, &p, &out, &err), EY_OK) << err.msg;
  EXPECT_EQ(out.H, 3);
  EXPECT_EQ(out.W, 3);
  EXPECT_EQ(Data(out), std::vector<int16_t>({6, 8, 9, 16, 18, 19, 21, 23, 24}));
  ey_htensor_free(&out);
}

TEST(HostMaxPool, PaddingIsIgnoredNotZero) {
  // All negative; 2x2 windows, stride 2, pad 1: each window holds one input
  // value and three padding places. Were padding 0, every output would be 0.
  T in(1, 1, 2, 2, {-5, -3, -4, -7});
  ey_pool p = Pool(2, 2, 1);
  ey_htensor out;
  ey_err err;
  ASSERT_EQ(ey_host_maxpool(&in.t, &p, &out, &err), EY_OK) << err.msg;
  EXPECT_EQ(Data(out), std::vector<int16_t>({-5, -3, -4, -7}));
  ey_htensor_free(&out);
  p.relu = 1;
  ASSERT_EQ(ey_host_maxpool(&in.t, &p, &out, &err), EY_OK) << err.msg;
  EXPECT_EQ(Data(out), std::vector<int16_t>({0, 0, 0, 0}));
  ey_htensor_free(&out);
}

TEST(HostAvgPool, PaddingIsNotCounted) {
  // 3x3 of 1..9, 3x3 windows, stride 1, pad 1 (3x3 out). The corner window
  // holds 1 2 4 5: 12/4 = 3 (12/9 = 1 if the padding counted); an edge one
  // 1 2 3 4 5 6: 21/6 = 3.5, floored to 3; the centre 45/9 = 5.
  // Row by row: 12/4 21/6 16/4 | 27/6 45/9 33/6 | 24/4 39/6 28/4.
  T in(1, 1, 3, 3, Iota(9, 1));
  ey_pool p = Pool(3, 1, 1);
  ey_htensor out;
  ey_err err;
  ASSERT_EQ(ey_host_avgpool(&in.t, &p, &out, &err), EY_OK) << err.msg;
  EXPECT_EQ(Data(out), std::vector<int16_t>({3, 3, 4, 4, 5, 5, 6, 6, 7}));
  ey_htensor_free(&out);
}

TEST(HostAvgPool, CeilModeDividesByTheWindowsPartInside) {
  // 5x5 of 0..24, 2x2 stride 2 ceil: {0,1,5,6} = 12/4 = 3; {4,9} = 13/2 = 6;
  // {20,21} = 41/2 = 20; {24} = 24.
  T in(1, 1, 5, 5, Iota(25));
  ey_pool p = Pool(2, 2, 0, 1);
  ey_htensor out;
  ey_err err;
  ASSERT_EQ(ey_host_avgpool(&in.t, &p, &out, &err), EY_OK) << err.msg;
  // Row 1: {10,11,15,16} = 52/4 = 13; {12,13,17,18} = 15; {14,19} = 33/2 = 16.
  EXPECT_EQ(Data(out), std::vector<int16_t>({3, 5, 6, 13, 15, 16, 20, 22, 24}));
  ey_htensor_free(&out);
}

TEST(HostAvgPool, NegativeAveragesFloorLikePython) {
  // Global pooling over 1x2 per channel: (-3 + -2) // 2 = -3 (C's division
  // would give -2); (-1 + 0) // 2 = -1; (7 + 8) // 2 = 7; (-4 + -4) // 2 = -4.
  T in(2, 2, 1, 2, {-3, -2, -1, 0, 7, 8, -4, -4});
  ey_pool p = {0, 0, 0, 0, 0, 1, 0};  // global: R, S, stride, pad unread
  ey_htensor out;
  ey_err err;
  ASSERT_EQ(ey_host_avgpool(&in.t, &p, &out, &err), EY_OK) << err.msg;
  EXPECT_EQ(out.N, 2);
  EXPECT_EQ(out.C, 2);
  EXPECT_EQ(out.H, 1);
  EXPECT_EQ(out.W, 1);
  EXPECT_EQ(Data(out), std::vector<int16_t>({-3, -1, 7, -4}));
  ey_htensor_free(&out);
  p.relu = 1;
  ASSERT_EQ(ey_host_avgpool(&in.t, &p, &out, &err), EY_OK) << err.msg;
  EXPECT_EQ(Data(out), std::vector<int16_t>({0, 0, 7, 0}));
  ey_htensor_free(&out);
}

TEST(HostAdd, SaturatesToTheWordAndReLUs) {
  T a(1, 1, 1, 4, {30000, -30000, 1, -5});
  T b(1, 1, 1, 4, {10000, -10000, 2, 2});
  T c(1, 1, 1, 4, {0, 0, 3, 0});
  const ey_htensor *two[] = {&a.t, &b.t}, *three[] = {&a.t, &b.t, &c.t};
  ey_htensor out;
  ey_err err;
  ASSERT_EQ(ey_host_add(two, 2, 16, 0, &out, &err), EY_OK) << err.msg;
  EXPECT_EQ(Data(out), std::vector<int16_t>({32767, -32768, 3, -3}));
  ey_htensor_free(&out);
  ASSERT_EQ(ey_host_add(three, 3, 16, 1, &out, &err), EY_OK) << err.msg;
  EXPECT_EQ(Data(out), std::vector<int16_t>({32767, 0, 6, 0}));
  ey_htensor_free(&out);
  // 8-bit words: -128 .. 127.
  T d(1, 1, 1, 2, {100, -100});
  const ey_htensor *dd[] = {&d.t, &d.t};
  ASSERT_EQ(ey_host_add(dd, 2, 8, 0, &out, &err), EY_OK) << err.msg;
  EXPECT_EQ(Data(out), std::vector<int16_t>({127, -128}));
  ey_htensor_free(&out);
}

TEST(HostAdd, InputsMustAgree) {
  T a(1, 2, 2, 2, Iota(8));
  T b(1, 2, 2, 1, Iota(4));
  const ey_htensor *in[] = {&a.t, &b.t};
  ey_htensor out;
  ey_err err;
  EXPECT_EQ(ey_host_add(in, 2, 16, 0, &out, &err), EY_MISUSE);
  EXPECT_STREQ(err.msg,
               "add: input 2: expected the shape of input 1, (1, 2, 2, 2) (got (1, 2, 2, 1))");
  EXPECT_EQ(out.data, nullptr);
  EXPECT_EQ(ey_host_add(in, 1, 16, 0, &out, &err), EY_MISUSE);
  EXPECT_STREQ(err.msg, "add: expected 2 or more inputs (got 1)");
}

TEST(HostConcat, ChannelsInInputOrderPerImage) {
  // Two images; input 1 has one channel, input 2 two: each image's output is
  // input 1's channel, then input 2's two.
  T a(2, 1, 1, 2, {1, 2, /* image 1 */ 7, 8});
  T b(2, 2, 1, 2, {3, 4, 5, -6, /* image 1 */ 9, 10, 11, 12});
  const ey_htensor *in[] = {&a.t, &b.t};
  ey_htensor out;
  ey_err err;
  ASSERT_EQ(ey_host_concat(in, 2, 0, &out, &err), EY_OK) << err.msg;
  EXPECT_EQ(out.N, 2);
  EXPECT_EQ(out.C, 3);
  EXPECT_EQ(out.H, 1);
  EXPECT_EQ(out.W, 2);
  EXPECT_EQ(Data(out), std::vector<int16_t>({1, 2, 3, 4, 5, -6, 7, 8, 9, 10, 11, 12}));
  ey_htensor_free(&out);
  const ey_htensor *rev[] = {&b.t, &a.t};
  ASSERT_EQ(ey_host_concat(rev, 2, 1, &out, &err), EY_OK) << err.msg;
  EXPECT_EQ(Data(out), std::vector<int16_t>({3, 4, 5, 0, 1, 2, 9, 10, 11, 12, 7, 8}));
  ey_htensor_free(&out);
  T c(2, 1, 2, 1, {0, 0, 0, 0});  // H and W differ
  const ey_htensor *bad[] = {&a.t, &c.t};
  EXPECT_EQ(ey_host_concat(bad, 2, 0, &out, &err), EY_MISUSE);
  EXPECT_STREQ(err.msg,
               "concat: input 2: expected the shape (but for C) of input 1, (2, 1, 1, 2) (got (2, "
               "1, 2, 1))");
}

TEST(HostFlatten, SameWordsAsOneColumn) {
  T in(2, 2, 1, 2, {1, -2, 3, 4, 5, 6, -7, 8});
  ey_htensor out;
  ey_err err;
  ASSERT_EQ(ey_host_flatten(&in.t, 0, &out, &err), EY_OK) << err.msg;
  EXPECT_EQ(out.N, 2);
  EXPECT_EQ(out.C, 4);
  EXPECT_EQ(out.H, 1);
  EXPECT_EQ(out.W, 1);
  EXPECT_EQ(Data(out), in.v);
  ey_htensor_free(&out);
  ASSERT_EQ(ey_host_flatten(&in.t, 1, &out, &err), EY_OK) << err.msg;
  EXPECT_EQ(Data(out), std::vector<int16_t>({1, 0, 3, 4, 5, 6, 0, 8}));
  ey_htensor_free(&out);
}

TEST(HostSizes, ProductsAreCheckedBeforeAnythingIsAllocated) {
  ey_htensor t;
  ey_err err;
  EXPECT_EQ(ey_htensor_alloc(&t, 65536, 65536, 65536, 65536, &err), EY_NOMEM);
  EXPECT_STREQ(err.msg,
               "tensor (65536, 65536, 65536, 65536): expected at most 4294967296 values in a "
               "tensor (got more than 2^64)");
  EXPECT_EQ(ey_htensor_alloc(&t, 1, 65536, 65536, 2, &err), EY_NOMEM);
  EXPECT_STREQ(err.msg,
               "tensor (1, 65536, 65536, 2): expected at most 4294967296 values in a tensor (got "
               "8589934592)");
  EXPECT_EQ(ey_htensor_alloc(&t, 1, 0, 1, 1, &err), EY_MISUSE);
  // Shapes too large to hold; their data is never read.
  int16_t dummy = 0;
  ey_htensor big = {1, 65536, 65536, 1, &dummy};
  EXPECT_EQ(ey_host_flatten(&big, 0, &t, &err), EY_NOMEM);
  EXPECT_STREQ(err.msg, "flatten: C*H*W: expected at most 2147483647 (got 4294967296)");
  ey_htensor wide = {1, INT_MAX, 1, 1, &dummy};
  const ey_htensor *two[] = {&wide, &wide};
  EXPECT_EQ(ey_host_concat(two, 2, 0, &t, &err), EY_NOMEM);
  EXPECT_STREQ(err.msg, "concat: channels: expected at most 2147483647 (got 4294967294)");
  ey_htensor huge = {65536, 65536, 2, 2, &dummy};
  ey_pool p = Pool(1, 1);
  EXPECT_EQ(ey_host_maxpool(&huge, &p, &t, &err), EY_NOMEM);
  EXPECT_EQ(t.data, nullptr);
}

TEST(HostPool, FromANode) {
  ey_node n{};
  n.l.R = 3;
  n.l.S = 2;
  n.l.stride = 2;
  n.l.pad = 1;
  n.l.relu = 1;
  n.ceil = 1;
  n.global = 0;
  ey_pool p = ey_pool_of_node(&n);
  EXPECT_EQ(p.R, 3);
  EXPECT_EQ(p.S, 2);
  EXPECT_EQ(p.stride, 2);
  EXPECT_EQ(p.pad, 1);
  EXPECT_EQ(p.ceil, 1);
  EXPECT_EQ(p.global, 0);
  EXPECT_EQ(p.relu, 1);
}

}  // namespace
