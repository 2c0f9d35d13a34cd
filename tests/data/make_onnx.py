#!/usr/bin/python3
"""The ONNX models of tests/import_test.cc, and what the test checks them with.

  make_onnx.py models DIR     writes DIR/cnn.onnx, DIR/dws.onnx, DIR/lstm.onnx,
                              DIR/dilated.onnx and DIR/expect/{cnn,dws}/*.npy (the folded
                              weights and biases, computed here with NumPy)
  make_onnx.py dump NET.yaml  one line a node: its keys in a fixed order (a YAML
                              parser reads the file)
  make_onnx.py compare EXPECT WEIGHTS
                              one line an expected array: name, shape, dtype and
                              whether WEIGHTS/name equals it (to 1e-5 relative),
                              then quant.yaml: input_scale, and weight_scale x
                              max|w| of each layer

Needs python3-onnx, python3-numpy and python3-yaml.
"""

import os
import sys

import numpy as np

RNG = np.random.default_rng(7)


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def models(d):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    for sub in ("cnn", "dws", "names", "reshape"):
        os.makedirs(os.path.join(d, "expect", sub), exist_ok=True)

    def save_expect(name, a, model="cnn"):
        np.save(os.path.join(d, "expect", model, name + ".npy"), np.asarray(a, dtype=np.float32))

    def save(nodes, inits, shape_in, shape_out, file, name="g"):
        g = helper.make_graph(
            nodes, name,
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape_in)],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape_out)],
            [numpy_helper.from_array(v, k) for k, v in inits.items()])
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
        onnx.checker.check_model(m)
        onnx.save(m, os.path.join(d, file))

    def bn_fold(w, b, gamma, beta, mean, var, eps):
        k = gamma.astype(np.float64) / np.sqrt(var.astype(np.float64) + eps)
        wf = w.astype(np.float64) * k.reshape((-1,) + (1,) * (w.ndim - 1))
        bf = (b.astype(np.float64) - mean) * k + beta
        return wf, bf

    # (a) a small CNN: conv with a bias + BN + Relu, a max pool, a residual add,
    # a concat of two branches, a global average pool, flatten and Gemm.
    i = {}
    i["w1"], i["b1"] = rand(8, 3, 3, 3), rand(8)
    i["g1"], i["be1"], i["mu1"] = rand(8), rand(8), rand(8)
    i["var1"] = (RNG.random(8) + 0.5).astype(np.float32)
    i["w2a"] = rand(8, 8, 3, 3)
    i["w2b"], i["b2b"] = rand(8, 8, 3, 3), rand(8)
    i["w3a"] = rand(4, 8, 1, 1)
    i["w3b"] = rand(6, 8, 3, 3)
    i["wfc"], i["bfc"] = rand(5, 10), rand(5)
    n = helper.make_node
    nodes = [
        n("Conv", ["x", "w1", "b1"], ["c1"], "conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        n("BatchNormalization", ["c1", "g1", "be1", "mu1", "var1"], ["bn1"], "bn1", epsilon=1e-3),
        n("Relu", ["bn1"], ["r1"], "relu1"),
        n("MaxPool", ["r1"], ["p1"], "pool1", kernel_shape=[2, 2], strides=[2, 2]),
        n("Conv", ["p1", "w2a"], ["c2a"], "/layer1/conv/Conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        n("Relu", ["c2a"], ["r2a"], "/layer1/relu/Relu"),
        n("Conv", ["r2a", "w2b", "b2b"], ["c2b"], "conv2b", pads=[1, 1, 1, 1]),
        n("Add", ["p1", "c2b"], ["s"], "add"),
        n("Relu", ["s"], ["rs"], "relu_s"),
        n("Conv", ["rs", "w3a"], ["c3a"], "conv3a"),
        n("Relu", ["c3a"], ["r3a"], "relu3a"),
        n("Conv", ["rs", "w3b"], ["c3b"], "conv3b", pads=[1, 1, 1, 1]),
        n("Concat", ["r3a", "c3b"], ["cat"], "cat", axis=1),
        n("GlobalAveragePool", ["cat"], ["gap"], ""),
        n("Flatten", ["gap"], ["flat"], "flatten", axis=1),
        n("Dropout", ["flat"], ["drop"], "drop"),
        n("Gemm", ["drop", "wfc", "bfc"], ["y"], "fc", transB=1),
    ]
    save(nodes, i, [1, 3, 16, 16], [1, 5], "cnn.onnx")
    wf, bf = bn_fold(i["w1"], i["b1"], i["g1"], i["be1"], i["mu1"], i["var1"], 1e-3)
    save_expect("conv1", wf)
    save_expect("conv1.bias", bf)
    save_expect("layer1_conv_Conv", i["w2a"])
    save_expect("conv2b", i["w2b"])
    save_expect("conv2b.bias", i["b2b"])
    save_expect("conv3a", i["w3a"])
    save_expect("conv3b", i["w3b"])
    save_expect("fc", i["wfc"])
    save_expect("fc.bias", i["bfc"])

    # (b) a depthwise-separable block: depthwise 3x3 stride 2 (group = C) + BN
    # (no conv bias) + Relu, pointwise 1x1 + Relu, then Flatten into a MatMul.
    i = {}
    i["wdw"] = rand(8, 1, 3, 3)
    i["g"], i["be"], i["mu"] = rand(8), rand(8), rand(8)
    i["var"] = (RNG.random(8) + 0.5).astype(np.float32)
    i["wpw"] = rand(16, 8, 1, 1)
    i["wmm"] = rand(16 * 6 * 6, 10)
    nodes = [
        n("Conv", ["x", "wdw"], ["dw"], "dw", group=8, kernel_shape=[3, 3], strides=[2, 2],
          pads=[1, 1, 1, 1]),
        n("BatchNormalization", ["dw", "g", "be", "mu", "var"], ["bn"], "bn"),
        n("Relu", ["bn"], ["r"], "r"),
        n("Conv", ["r", "wpw"], ["pw"], "pw"),
        n("Relu", ["pw"], ["r2"], "r2"),
        n("Flatten", ["r2"], ["f"], "flat"),
        n("MatMul", ["f", "wmm"], ["y"], "head"),
    ]
    save(nodes, i, [2, 8, 12, 12], [2, 10], "dws.onnx")
    wf, bf = bn_fold(i["wdw"], np.zeros(8, np.float32), i["g"], i["be"], i["mu"], i["var"], 1e-5)
    save_expect("dw", wf, "dws")
    save_expect("dw.bias", bf, "dws")
    save_expect("pw", i["wpw"], "dws")
    save_expect("head", i["wmm"].T, "dws")

    # (c) Names and the Relus that cannot fold: a Relu of the network's input
    # named "input", unnamed nodes, a node named "true" and one named "1", two
    # 80-character names, a non-ASCII one; a Relu whose input is read by an Add
    # too; a Relu after a Flatten; a Gemm with alpha, beta and transB 0.
    i = {"w": rand(4, 3, 3, 3), "w2": rand(4, 4, 1, 1), "g": rand(11 * 4 * 4, 7), "gb": rand(7)}
    nodes = [
        n("Relu", ["x"], ["r0"], "input"),
        n("Conv", ["r0", "w"], ["c"], "", pads=[1, 1, 1, 1]),
        n("Relu", ["c"], ["rc"], ""),
        n("Add", ["c", "rc"], ["a"], "true"),
        n("Conv", ["a", "w2"], ["c2"], "x" * 80),
        n("Conv", ["a", "w2"], ["c3"], "x" * 80),
        n("Concat", ["c2", "c3", "r0"], ["cat"], "1", axis=-3),
        n("AveragePool", ["cat"], ["p"], "p/\u0151", kernel_shape=[3, 3], strides=[2, 2],
          pads=[1, 1, 1, 1], ceil_mode=1),
        n("Flatten", ["p"], ["fl"], "fl"),
        n("Relu", ["fl"], ["flr"], "flr"),
        n("Gemm", ["flr", "g", "gb"], ["y"], "", alpha=2.0, beta=0.5),
    ]
    save(nodes, i, [1, 3, 7, 7], [1, 7], "names.onnx")
    save_expect("fc1", 2.0 * i["g"].T, "names")
    save_expect("fc1.bias", 0.5 * i["gb"], "names")

    # (d) A Reshape to (N, -1) into a MatMul, whose bias is an Add of a constant,
    # then BatchNormalization and Relu; the batch is symbolic.
    i = {"w": rand(4, 3, 3, 3), "shp": np.array([0, -1], np.int64), "m": rand(36, 5),
         "mb": rand(5), "s": rand(5), "b": rand(5), "mu": rand(5),
         "v": (RNG.random(5) + 0.5).astype(np.float32)}
    nodes = [
        n("Conv", ["x", "w"], ["c"], "c"),
        n("Reshape", ["c", "shp"], ["rs"], "rs"),
        n("MatMul", ["rs", "m"], ["mm"], "mm"),
        n("Add", ["mm", "mb"], ["mmb"], "mmb"),
        n("BatchNormalization", ["mmb", "s", "b", "mu", "v"], ["bn"], "bn"),
        n("Relu", ["bn"], ["y"], "r"),
    ]
    save(nodes, i, ["N", 3, 5, 5], ["N", 5], "reshape.onnx")
    wf, bf = bn_fold(i["m"].T, i["mb"], i["s"], i["b"], i["mu"], i["v"], 1e-5)
    save_expect("c", i["w"], "reshape")
    save_expect("mm", wf, "reshape")
    save_expect("mm.bias", bf, "reshape")

    # Unsupported: an LSTM after a Conv (not a valid model: only the importer
    # reads it, and it stops at the LSTM), and a Conv with dilation 2.
    i = {"wc": rand(4, 3, 3, 3), "W": rand(1, 16, 4), "R": rand(1, 16, 4)}
    nodes = [
        n("Conv", ["x", "wc"], ["c"], "c0", pads=[1, 1, 1, 1]),
        n("LSTM", ["c", "W", "R"], ["y"], "lstm1", hidden_size=4),
    ]
    g = helper.make_graph(
        nodes, "lstm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(v, k) for k, v in i.items()])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.save(m, os.path.join(d, "lstm.onnx"))
    i = {"wd": rand(4, 3, 3, 3)}
    nodes = [n("Conv", ["x", "wd"], ["y"], "dil", dilations=[2, 2], pads=[2, 2, 2, 2])]
    save(nodes, i, [1, 3, 16, 16], [1, 4, 16, 16], "dilated.onnx")


KEYS = ["type", "inputs", "C", "H", "W", "M", "R", "S", "stride", "pad", "groups", "ceil",
        "global", "relu"]


def dump(path):
    import yaml

    with open(path) as f:
        net = yaml.safe_load(f)
    print("name=%s batch=%s" % (net["name"], net["batch"]))
    for node in net["layers"]:
        parts = [str(node["name"])]
        for k in KEYS:
            if k in node:
                v = node[k]
                if isinstance(v, list):
                    v = ",".join(v)
                elif isinstance(v, bool):
                    v = "true" if v else "false"
                parts.append("%s=%s" % (k, v))
        extra = sorted(set(node) - set(KEYS) - {"name"})
        if extra:
            parts.append("other=" + ",".join(extra))
        print(" ".join(parts))


def compare(expect, weights):
    for f in sorted(os.listdir(expect)):
        want = np.load(os.path.join(expect, f))
        path = os.path.join(weights, f)
        if not os.path.exists(path):
            print("%s missing" % f)
            continue
        got = np.load(path)
        same = got.shape == want.shape and np.allclose(got, want, rtol=1e-5, atol=1e-6)
        print("%s %s %s %s" % (f, tuple(got.shape), got.dtype, "equal" if same else "DIFFERS"))
    # quant.yaml: every layer's weight_scale times its max |w| is the largest word.
    import yaml

    with open(os.path.join(weights, "quant.yaml")) as f:
        q = yaml.safe_load(f)
    print("input_scale %.6g" % q["input_scale"])
    for layer, v in q["layers"].items():
        w = np.load(os.path.join(weights, layer + ".npy"))
        print("%s weight_scale*max|w| %.3f" % (layer, v["weight_scale"] * float(np.max(np.abs(w)))))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "models":
        models(sys.argv[2])
    elif cmd == "dump":
        dump(sys.argv[2])
    elif cmd == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        sys.exit("make_onnx.py: unknown command %s" % cmd)
