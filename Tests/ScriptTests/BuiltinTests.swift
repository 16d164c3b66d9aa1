import Foundation
import Script
import XCTest

/// Every builtin at least once, with a value worked out by hand (or by PyTorch's definition).
final class BuiltinTests: XCTestCase {
    /// name → (program, expected display of its last expression).
    static let cases: [String: [(String, String)]] = [
        // core
        "print": [("print(\"a\", 1, [2])\n0", "a 1 [2]\n0")],
        "help": [("help(\"len\")\n0", "\(Session.help("len")!)\n0")],
        "metric": [("metric(\"rmse\", 2.5)", "2.5")],
        "len": [("[len([1, 2, 3]), len(\"héllo\"), len({a: 1}), len(0..4), len(zeros([5, 2]))]", "[3, 5, 1, 4, 5]")],
        "range": [("[list(range(3)), list(range(2, 5)), list(range(0, 1, 0.25))]", "[[0, 1, 2], [2, 3, 4], [0, 0.25, 0.5, 0.75]]")],
        "list": [("list(tensor([1, 2]))", "[1, 2]")],
        "append": [("append([1], 2)", "[1, 2]")],
        "reverse": [("[reverse([1, 2, 3]), reverse(\"ab\")]", "[[3, 2, 1], \"ba\"]")],
        "sort": [("[sort([3, 1, 2]), sort([\"b\", \"a\"]), sort([-3, 1, -2], key: fn(x) abs(x))]", "[[1, 2, 3], [\"a\", \"b\"], [1, -2, -3]]"), ("[sort([-3, 1, -2], key: abs), sort([], key: 5)]", "[[1, -2, -3], []]"),
                 ("[sort([3, 1.5, -2, 1.5]), sort([\"b\", \"a\", \"é\", \"B\", \"ab\"]), sort([[2, \"x\"], [1, \"y\"], [2, \"a\"]], key: fn(p) p[0])]",
                  "[[-2, 1.5, 1.5, 3], [\"B\", \"a\", \"ab\", \"b\", \"é\"], [[1, \"y\"], [2, \"x\"], [2, \"a\"]]]")],
        "enumerate": [("enumerate([\"a\", \"b\"])", "[[0, \"a\"], [1, \"b\"]]")],
        "zip": [("zip([1, 2, 3], [4, 5])", "[[1, 4], [2, 5]]")],
        "map": [("map([1, 2, 3], fn(x) x * x)", "[1, 4, 9]"), ("[map([-1, 2.5], abs), map([], fn(x) x), map(0..3, fn(x, y: 10) x + y)]", "[[1, 2.5], [], [10, 11, 12]]")],
        "filter": [("filter(0..10, fn(x) x % 3 == 0)", "[0, 3, 6, 9]"), ("[filter([[], [1], [2, 3]], fn(x) len(x) > 0), filter([], fn(x) x)]", "[[[1], [2, 3]], []]")],
        "reduce": [("reduce([1, 2, 3, 4], fn(total, x) total * 10 + x, 0)", "1234"), ("reduce([], fn(a, x) a + x, \"none\")", "\"none\""), ("reduce([[1, 2], [3]], fn(a, x) a + x, [])", "[1, 2, 3]")],
        "str": [("str(1.5) + str([1, \"a\"])", "\"1.5[1, \\\"a\\\"]\"")],
        "number": [("[number(\"2.5\"), number(true), number(tensor([7]))]", "[2.5, 1, 7]")],
        "type": [("[type(1), type(\"s\"), type(nil), type([]), type({}), type(0..1), type(print), type(zeros([1])), type(true)]",
                  "[\"number\", \"string\", \"nil\", \"list\", \"record\", \"range\", \"function\", \"tensor\", \"bool\"]")],
        "format": [("format(3.14159, digits: 2)", "\"3.14\"")],
        "join": [("join([1, \"b\", 2.5], \", \")", "\"1, b, 2.5\"")],
        "upper": [("upper(\"Ok\")", "\"OK\"")],
        "lower": [("lower(\"Ok\")", "\"ok\"")],
        "contains": [("[contains([1, 2], 2), contains(\"team\", \"ea\"), contains({a: 1}, \"b\")]", "[true, true, false]")],
        "keys": [("keys({b: 1, a: 2})", "[\"b\", \"a\"]")],
        "assert": [("assert(true, \"never\")\n1", "1")],
        "clock": [("t = clock()\nclock() >= t", "true")],
        // math
        "abs": [("[abs(-2), tolist(abs(tensor([-1, 2])))]", "[2, [1, 2]]")],
        "sqrt": [("sqrt(16)", "4")],
        "exp": [("exp(0)", "1")],
        "log": [("log(e)", "1")],
        "tanh": [("tanh(0)", "0")],
        "sigmoid": [("[sigmoid(0), tolist(sigmoid(tensor([0])))]", "[0.5, [0.5]]")],
        "relu": [("[relu(-1), relu(2), tolist(relu(tensor([-1, 2])))]", "[0, 2, [0, 2]]")],
        "gelu": [("round(gelu(1), 6)", "0.841345")],                 // 1·Φ(1)
        "sin": [("sin(pi / 2)", "1")],
        "cos": [("cos(0)", "1")],
        "floor": [("[floor(2.7), floor(-2.5)]", "[2, -3]")],
        "ceil": [("[ceil(2.1), ceil(-2.5)]", "[3, -2]")],
        "round": [("[round(2.5), round(3.14159, 2), round(-2.5)]", "[3, 3.14, -3]")],
        "pow": [("[pow(2, 10), tolist(pow(tensor([2, 3]), 2))]", "[1024, [4, 9]]")],
        // tensor
        "tensor": [("tensor([[1, 2], [3, 4]]).shape", "[2, 2]")],
        "zeros": [("tolist(zeros([2]))", "[0, 0]")],
        "ones": [("tolist(ones([1, 2]))", "[[1, 1]]")],
        "full": [("tolist(full([2], 7))", "[7, 7]")],
        "arange": [("[tolist(arange(3)), tolist(arange(0, 1, 0.25)), tolist(arange(5, 1, -2))]", "[[0, 1, 2], [0, 0.25, 0.5, 0.75], [5, 3]]")],
        "linspace": [("tolist(linspace(0, 1, 5))", "[0, 0.25, 0.5, 0.75, 1]")],
        "eye": [("tolist(eye(2))", "[[1, 0], [0, 1]]")],
        "rand": [("r = rand([1000], seed: 1)\n[all(r >= 0), all(r < 1), tolist(rand([3], seed: 1)) == tolist(rand([3], seed: 1)), round(item(mean(r)), 1)]", "[true, true, true, 0.5]")],
        "randn": [("r = randn([4000], seed: 2)\n[round(item(mean(r)), 1), round(item(std(r)), 1)]", "[0, 1]")],
        "uniform": [("u = uniform([1000], low: -1, high: 1, seed: 3)\n[all(u >= -1), all(u < 1), item(min(u)) < -0.9]", "[true, true, true]")],
        "normal": [("n = normal([4000], mean: 5, std: 0.5, seed: 4)\n[round(item(mean(n)), 1), round(item(std(n)), 1)]", "[5, 0.5]")],
        "bernoulli": [("b = bernoulli([1000], p: 0.25, seed: 5)\n[all((b == 0) + (b == 1) == 1), round(item(mean(b)), 1)]", "[true, 0.2]")],
        "sum": [("x = tensor([[1, 2], [3, 4]])\n[item(sum(x)), tolist(sum(x, axis: 0)), tolist(sum(x, axis: 1, keepdims: true)), sum([1, 2])]", "[10, [4, 6], [[3], [7]], 3]")],
        "mean": [("[item(mean(tensor([[1, 2], [3, 4]]))), tolist(mean(tensor([[1, 2], [3, 4]]), axis: -1)), mean([1, 2])]", "[2.5, [1.5, 3.5], 1.5]")],
        "max": [("[max([3, 7, 2]), tolist(max(tensor([[1, 5], [7, 2]]), axis: 1))]", "[7, [5, 7]]")],
        "min": [("[min([3, 7, 2]), tolist(min(tensor([[1, 5], [7, 2]]), axis: 0))]", "[2, [1, 2]]")],
        "var": [("[var([1, 2, 3, 4]), item(var(tensor([1, 2, 3, 4])))]", "[1.25, 1.25]")],
        "std": [("[std([2, 4]), item(std(tensor([2, 4])))]", "[1, 1]")],
        "argmax": [("[tolist(argmax(tensor([[1, 5], [7, 2]]), axis: 1)), item(argmax(tensor([[1, 5], [7, 2]])))]", "[[1, 0], 2]")],
        "argmin": [("item(argmin(tensor([3, 1, 2])))", "1")],
        "reshape": [("reshape(arange(6), [2, -1]).shape", "[2, 3]")],
        "flatten": [("flatten(zeros([2, 3, 4]), start: 1).shape", "[2, 12]")],
        "permute": [("permute(zeros([2, 3, 4]), [2, 0, 1]).shape", "[4, 2, 3]")],
        "transpose": [("tolist(transpose(tensor([[1, 2, 3]])))", "[[1], [2], [3]]")],
        "squeeze": [("[squeeze(zeros([1, 3, 1])).shape, squeeze(zeros([1, 3, 1]), axis: 0).shape]", "[[3], [3, 1]]")],
        "unsqueeze": [("unsqueeze(zeros([3]), 0).shape", "[1, 3]")],
        "concat": [("tolist(concat([ones([2]), zeros([1])]))", "[1, 1, 0]")],
        "stack": [("tolist(stack([ones([2]), zeros([2])], axis: 1))", "[[1, 0], [1, 0]]")],
        "pad": [("tolist(pad(ones([1, 2]), [[1, 0], [0, 1]]))", "[[0, 0, 0], [1, 1, 0]]")],
        "broadcast_to": [("tolist(broadcast_to(tensor([1, 2]), [2, 2]))", "[[1, 2], [1, 2]]")],
        "matmul": [("tolist(matmul(tensor([[1, 2]]), tensor([[3], [4]])))", "[[11]]")],
        "where": [("x = tensor([-1, 2])\ntolist(where(x > 0, x, 0))", "[0, 2]")],
        "maximum": [("tolist(maximum(tensor([-1, 2]), 0))", "[0, 2]")],
        "minimum": [("tolist(minimum(tensor([-1, 2]), 1))", "[-1, 1]")],
        "clamp": [("[clamp(5, min: 0, max: 1), tolist(clamp(tensor([-2, 0.5, 3]), min: 0, max: 1))]", "[1, [0, 0.5, 1]]")],
        "detach": [("grad(fn(t) sum(detach(t) * t))(tensor([3])).item", "3")],   // only the second factor is tracked
        "tolist": [("tolist(eye(2))", "[[1, 0], [0, 1]]")],
        "item": [("item(sum(ones([3])))", "3")],
        "shape": [("shape(zeros([2, 3]))", "[2, 3]")],
        "any": [("[any(tensor([0, 1])), any(tensor([0, 0])), any([false, true])]", "[true, false, true]")],
        "all": [("[all(tensor([1, 1])), all(tensor([0, 1])), all([true, false])]", "[true, false, false]")],
        // nn
        "softmax": [("tolist(round(softmax(tensor([0, 0])), 4))", "[0.5, 0.5]")],
        "log_softmax": [("round(item(log_softmax(tensor([0, 0]))[0]), 4)", "-0.6931")],
        "mse_loss": [("item(mse_loss(tensor([1, 2]), tensor([1, 4])))", "2")],
        // −log softmax([2, 0.5])[0] and −log softmax([0.1, 3])[1], averaged
        "cross_entropy": [("round(item(cross_entropy(tensor([[2, 0.5], [0.1, 3]]), [0, 1])), 4)", "0.1275"),
                          // PyTorch: F.cross_entropy(..., label_smoothing=0.1), with class indices and with probabilities
                          ("round(item(cross_entropy(tensor([[2, 0.5], [0.1, 3]]), [0, 1], label_smoothing: 0.1)), 4)", "0.2375"),
                          ("round(item(cross_entropy(tensor([[2, 0.5], [0.1, 3]]), tensor([[0, 1], [1, 0]]), label_smoothing: 0.1)), 4)", "2.2175")],
        "linear": [("tolist(linear(ones([1, 3]), ones([2, 3]), bias: tensor([1, -1])))", "[[4, 2]]")],
        "conv2d": [("tolist(conv2d(ones([1, 1, 3, 3]), ones([1, 1, 2, 2]))[0, 0])", "[[4, 4], [4, 4]]")],
        "max_pool2d": [("tolist(max_pool2d(reshape(arange(16), [1, 1, 4, 4]), 2)[0, 0])", "[[5, 7], [13, 15]]")],
        "avg_pool2d": [("tolist(avg_pool2d(reshape(arange(16), [1, 1, 4, 4]), 2)[0, 0])", "[[2.5, 4.5], [10.5, 12.5]]")],
        "batch_norm": [("tolist(round(batch_norm(tensor([[1], [3]])), 3))", "[[-1], [1]]")],
        "dropout": [("d = dropout(ones([1000]), rate: 0.5, seed: 1)\n[all((d == 0) + (d == 2) == 1), round(item(mean(d)), 1)]", "[true, 1]")],
        // autodiff
        "grad": [("grad(fn(x) x * x)(3)", "6")],
        "descend": [("descend(fn(x) x * x, from: 1, lr: 0.25, steps: 2)", "[1, 0.5, 0.25]")],
        // neural
        "keypoint_resnet": [("keypoint_resnet().parameters", "18016286")],
        "emotion_resnet": [("m = emotion_resnet(classes: 5)\n[m.parameters > 1000000, predict(m, zeros([2, 1, 96, 96])).shape]", "[true, [2, 5]]"),
                           ("[emotion_resnet().parameters, emotion_resnet(standardize: true).parameters]", "[1174021, 1174022]")],   // + ε
        "mlp": [("m = mlp([1, 2, 2], 3)\n[m.parameters, predict(m, zeros([4, 1, 2, 2])).shape]", "[515, [4, 3]]")],   // (4·64 + 64) + (64·3 + 3)
        "adam": [("adam(lr: 0.5).lr", "0.5")],
        "sgd": [("sgd(lr: 0.25, momentum: 0.9).lr", "0.25")],
        "fit": [("d = keypoint_faces(n: 8, seed: 1)\nm = mlp([1, 96, 96], 30, hidden: [8])\nh = fit(m, d, loss: mse_loss, optimizer: adam(lr: 1e-3), epochs: 2, batch: 4, verbose: false)\n[h.epochs, len(h.loss), h.loss[1] < h.loss[0]]", "[2, 2, true]"),
                ("e = emotion_faces(n: 12, seed: 1)\nm = mlp([1, 48, 48], 5, hidden: [8])\nh = fit(m, e, epochs: 2, batch: 4, verbose: false, augment: {rotation: 10, shift: 0.1, flip: true, gamma: 0.4, blur: 1, noise: 0.05, erase: 0.5}, class_weights: class_weights(e), validation_data: e, checkpoint: \"/tmp/ainb-test-fit.safetensors\", restore_best: true)\n[len(h.val_loss), exists(\"/tmp/ainb-test-fit.safetensors\")]", "[2, true]"),
                // With a learning rate of 0, the one batch's loss is the smoothed cross-entropy of the outputs.
                ("e = emotion_faces(n: 8, seed: 1)\nm = mlp([1, 48, 48], 5, hidden: [], seed: 3)\nh = fit(m, e, optimizer: sgd(lr: 0), batch: 8, verbose: false, label_smoothing: 0.1)\nout = predict(m, e)\n[abs(h.loss[0] - item(cross_entropy(out, e.labels, label_smoothing: 0.1))) < 1e-5, abs(h.loss[0] - item(cross_entropy(out, e.labels))) > 1e-3]", "[true, true]")],
        "predict": [("predict(mlp([1, 2, 2], 3, hidden: []), ones([1, 1, 2, 2])).shape", "[1, 3]")],
        "evaluate": [("r = evaluate(mlp([1, 96, 96], 30, hidden: [4]), keypoint_faces(n: 4, seed: 2))\n[keys(r), abs(r.rmse - sqrt(r.loss)) < 1e-3]", "[[\"loss\", \"rmse\"], true]")],
        "rmse": [("m = mlp([1, 96, 96], 30, hidden: [4])\nd = keypoint_faces(n: 4, seed: 2)\nabs(rmse(m, d) - evaluate(m, d).rmse) < 1e-3", "true")],
        "accuracy": [("m = mlp([1, 48, 48], 5, hidden: [4])\ne = emotion_faces(n: 10, seed: 2)\nabs(accuracy(m, e) - item(mean(argmax(predict(m, e), axis: 1) == tensor(e.labels)))) < 1e-6", "true")],
        "summary": [("s = summary(mlp([1, 2, 2], 3))\n[type(s), contains(s, \"515\")]", "[\"string\", true]")],
        "save": [("m = mlp([1, 2, 2], 3, seed: 1)\np = save(m, \"/tmp/ainb-test-save.safetensors\")\n[p, exists(p)]", "[\"/tmp/ainb-test-save.safetensors\", true]"),
                 ("m = mlp([1, 2, 2], 3, seed: 1)\np = save(m, \"/tmp/ainb-test-save.onnx\")\n[p, exists(p)]", "[\"/tmp/ainb-test-save.onnx\", true]")],
        "load": [("m = mlp([1, 2, 2], 3, seed: 1)\np = save(m, \"/tmp/ainb-test-load.safetensors\")\nm2 = mlp([1, 2, 2], 3, seed: 2)\nx = ones([1, 1, 2, 2])\nbefore = all(predict(m2, x) == predict(m, x))\nload(m2, p)\n[before, all(predict(m2, x) == predict(m, x))]", "[false, true]")],
        "exists": [("[exists(\"/tmp\"), exists(\"/no/such/file.safetensors\")]", "[true, false]")],
        "keypoint_errors": [("m = mlp([1, 96, 96], 30, hidden: [4])\nd = keypoint_faces(n: 4, seed: 2)\ne = keypoint_errors(m, d)\n[abs(e.rmse - rmse(m, d)) < 1e-3, len(e.per_point), e.names[10], abs(sum(e.per_point) / 15 - e.mean_distance) < 1e-3, e.nme > 0]",
                             "[true, 15, \"nose_tip\", true, true]")],
        // balanced weights: weight × count is n / classes for every class present
        "class_weights": [("e = emotion_faces(n: 20, seed: 1)\nw = class_weights(e)\nmap(0..5, fn(c) if w[c] == 0 { 4 } else { round(w[c] * len(filter(e.labels, fn(l) l == c)), 4) })", "[4, 4, 4, 4, 4]")],
        "classification_report": [("m = mlp([1, 48, 48], 5, hidden: [4])\ne = emotion_faces(n: 10, seed: 2)\nr = classification_report(m, e)\n[abs(r.accuracy - accuracy(m, e)) < 1e-6, len(r.f1), sum(r.support), abs(r.macro_f1 - sum(r.f1) / 5) < 1e-6]", "[true, 5, 10, true]"),
                                  // A face and its mirror image get the same answer with mirror: true, so the report is the same for the mirrored set.
                                  ("m = mlp([1, 48, 48], 5, hidden: [16], seed: 3)\ne = emotion_faces(n: 40, seed: 2)\nf = flip_h(e)\n[tolist(confusion_matrix(m, e)) == tolist(confusion_matrix(m, f)), tolist(confusion_matrix(m, e, mirror: true)) == tolist(confusion_matrix(m, f, mirror: true)), classification_report(m, e, mirror: true).macro_f1 == classification_report(m, f, mirror: true).macro_f1]", "[false, true, true]")],
        "confusion_matrix": [("m = mlp([1, 48, 48], 5, hidden: [4])\ne = emotion_faces(n: 10, seed: 2)\nc = confusion_matrix(m, e)\n[c.shape, item(sum(c)), abs(item(sum(c * eye(5))) / 10 - accuracy(m, e)) < 1e-6]", "[[5, 5], 10, true]")],
        // the average of the members' class probabilities (or outputs); a saved ensemble loads back
        "ensemble": [("a = mlp([1, 8, 8], 5, seed: 1)\nb = mlp([1, 8, 8], 5, seed: 2)\nx = randn([3, 1, 8, 8], seed: 1)\ne = ensemble([a, b], average: \"probabilities\")\np = (softmax(predict(a, x), axis: 1) + softmax(predict(b, x), axis: 1)) / 2\no = ensemble([a, b])\n[all(abs(softmax(predict(e, x), axis: 1) - p) < 1e-6), all(abs(predict(o, x) - (predict(a, x) + predict(b, x)) / 2) < 1e-6), predict_labels(e, x) == tolist(argmax(p, axis: 1)), e.parameters == a.parameters + b.parameters]",
                      "[true, true, true, true]"),
                     ("a = mlp([1, 8, 8], 5, seed: 1)\ne = ensemble([a, mlp([1, 8, 8], 5, seed: 2)], average: \"probabilities\")\nsave(e, \"/tmp/ainb-test-ensemble.safetensors\")\nf = ensemble([mlp([1, 8, 8], 5, seed: 5), mlp([1, 8, 8], 5, seed: 6)], average: \"probabilities\")\nload(f, \"/tmp/ainb-test-ensemble.safetensors\")\nx = randn([2, 1, 8, 8], seed: 3)\nall(predict(f, x) == predict(e, x))", "true")],
        "predict_labels": [("m = mlp([1, 48, 48], 5, hidden: [4])\ne = emotion_faces(n: 6, seed: 2)\npredict_labels(m, e) == tolist(argmax(predict(m, e), axis: 1))", "true")],
        "fuse": [("k = mlp([1, 8, 8], 30, seed: 1)\ne = mlp([1, 8, 8], 5, seed: 2)\nx = rand([3, 1, 8, 8], seed: 3)\nout = predict(fuse(k, e), x)\n[all(out.keypoints == predict(k, x)), out.labels == predict_labels(e, x), out.probabilities.shape]", "[true, true, [3, 5]]")],
        "face_model": [("face_model(classes: 5).parameters", "19190307")],   // 18,016,286 + 1,174,021
        // faces
        "keypoint_faces": [("f = keypoint_faces(n: 4, seed: 7)\n[len(f), f.images.shape, f.keypoints.shape]", "[4, [4, 1, 96, 96], [4, 30]]")],
        "emotion_faces": [("e = emotion_faces(n: 10, classes: 5, seed: 3)\n[len(e), e.images.shape, e.classes, all(tensor(e.labels) < 5)]",
                           "[10, [10, 1, 48, 48], [\"anger\", \"disgust\", \"sad\", \"happiness\", \"surprise\"], true]"),
                          // the course's proportions have one disgust face in 45; balanced sets have equal shares
                          ("count = fn(e, c) len(filter(e.labels, fn(l) l == c))\ne = emotion_faces(n: 45, seed: 3)\nb = emotion_faces(n: 45, seed: 3, balanced: true)\n[count(e, 1), map(0..5, fn(c) count(b, c))]",
                           "[1, [9, 9, 9, 9, 9]]")],
        "split": [("train, test = split(keypoint_faces(n: 10, seed: 1), test: 0.2, seed: 42)\n[len(train), len(test)]", "[8, 2]")],
        "flip_h": [("f = keypoint_faces(n: 2, seed: 1)\ng = flip_h(flip_h(f))\n[all(g.images == f.images), all(abs(g.keypoints - f.keypoints) < 1e-3), len(f + flip_h(f))]", "[true, true, 4]")],
        "brighten": [("f = keypoint_faces(n: 2, seed: 1)\nb = brighten(f, 1..1, seed: 0)\n[all(b.images == f.images), all(brighten(f, 3..3).images >= f.images)]", "[true, true]")],
        "resize": [("e = resize(emotion_faces(n: 2, seed: 1), 96)\n[e.images.shape, len(e)]", "[[2, 1, 96, 96], 2]")],
        "rotate": [("f = keypoint_faces(n: 2, seed: 1)\nr = rotate(f, 0..0, seed: 0)\n[len(r), all(abs(r.keypoints - f.keypoints) < 1e-3)]", "[2, true]")],
        "flip_v": [("f = keypoint_faces(n: 2, seed: 1)\ng = flip_v(flip_v(f))\n[all(g.images == f.images), all(abs(g.keypoints - f.keypoints) < 1e-3), all(abs(flip_v(f).keypoints[:, 27] - (96 - f.keypoints[:, 29])) < 1e-3)]", "[true, true, true]")],
        "complete": [("[len(complete(keypoint_faces(n: 5, seed: 1))), len(complete(emotion_faces(n: 3, seed: 1)))]", "[5, 3]")],
        "normalize": [("f = keypoint_faces(n: 2, seed: 1)\ng = normalize(f)\n[all(abs(g.images * 255 - f.images) < 1e-3), item(max(g.images)) <= 1, all(g.keypoints == f.keypoints)]", "[true, true, true]")],
        // graphics
        "show": [("s = show(keypoint_faces(n: 4, seed: 7), grid: 2)\n[type(s), s.width > 192, s.height > 192]", "[\"figure\", true, true]")],
        "plot": [("p = plot([3, 1, 0.5], title: \"loss\")\n[type(p), p.width, p.height]", "[\"figure\", 640, 480]")],
        "bar": [("type(bar([1, 2], labels: [\"a\", \"b\"]))", "\"figure\"")],
        "heatmap": [("type(heatmap([[5, 1], [2, 7]], labels: [\"cat\", \"dog\"]))", "\"figure\"")],
        "show_predictions": [("f = keypoint_faces(n: 4, seed: 7)\ns = show_predictions(f, f.keypoints + 2, grid: 2)\ne = emotion_faces(n: 4, seed: 1)\nt = show_predictions(e, [0, 1, 2, 3], grid: 4)\n[type(s), s.width > 192, type(t)]", "[\"figure\", true, \"figure\"]")],
        "grid": [("p = plot([1, 2])\ng = grid([p, p], columns: 2)\n[g.width >= 2 * p.width, g.height >= p.height]", "[true, true]")],
        // charts
        "chart": [("c = chart([{x: [1, 2, 3], y: [1, 10, 100], label: \"a\"}, {y: [nan, inf, 5], style: \"points\"}], logy: true, title: \"t\")\n[type(c), c.width, c.height]", "[\"figure\", 640, 480]")],
        "table": [("t = table([{a: 1, b: \"x\"}, {a: 2.5, b: \"y\"}])\n[type(t), t.headers, t.rows]", "[\"table\", [\"a\", \"b\"], [[\"1\", \"x\"], [\"2.5\", \"y\"]]]")],
        // deploy
        "faces_from_images": [("f = keypoint_faces(n: 2, seed: 1)\nsave_faces(f, \"/tmp/ainb-test-photos\")\ng = faces_from_images(\"/tmp/ainb-test-photos\", size: 96)\n[len(g), g.images.shape, item(max(abs(g.images - f.images))) <= 0.5]", "[2, [2, 1, 96, 96], true]"),
                              ("len(faces_from_images(\"/tmp/ainb-test-photos/face_0001.png\", size: 32).images[0, 0])", "32")],
        "save_faces": [("p = save_faces(keypoint_faces(n: 3, seed: 1), \"/tmp/ainb-test-saved\")\n[len(p), p[0], exists(p[2])]", "[3, \"/tmp/ainb-test-saved/face_0001.png\", true]")],
    ]

    func testEveryBuiltinHasACase() {
        let missing = Registry.shared.names.filter { Self.cases[$0] == nil }
        XCTAssertEqual(missing, [], "builtins without a test case")
    }

    func testEveryBuiltin() {
        for (name, cases) in Self.cases.sorted(by: { $0.key < $1.key }) {
            for (program, expected) in cases {
                do {
                    let lines = try runLines(program)
                    XCTAssertEqual(lines.joined(separator: "\n"), expected, "\(name): \(program)")
                } catch {
                    XCTFail("\(name): \(program) failed: \(error)")
                }
            }
        }
    }

    func testEveryExampleInTheDocsRuns() {
        let prelude = "x = tensor([[1, -2], [3, 4]])\ny = x\nw = randn([2, 3], seed: 1)\nxs = [1, 2, 3]\nfn work() = 1\n"
        for doc in Registry.shared.docs where !doc.example.isEmpty {
            let session = Session()
            session.output = { _ in }
            XCTAssertNoThrow(try session.run(prelude + doc.example, file: "\(doc.name).example"), doc.name)
        }
    }

    func testFiguresDisplayAsPNGAndDatasetsAsTextAndPicture() throws {
        let session = Session()
        session.output = { _ in }
        let shown = try session.run("plot([1, 2, 3])", file: "f")
        guard case .image(let png, let caption)? = shown.first else { return XCTFail("no image: \(shown)") }
        XCTAssertEqual(Array(png.prefix(8)), [137, 80, 78, 71, 13, 10, 26, 10])
        XCTAssertEqual(caption, "plot")
        let data = try session.run("keypoint_faces(n: 2, seed: 1)", file: "f")
        XCTAssertEqual(data.first, .text("keypoint dataset: 2 images [1, 96, 96], 15 keypoints"))
        let history = try session.run("fit(mlp([1, 96, 96], 30, hidden: [2]), keypoint_faces(n: 4, seed: 1), epochs: 2, batch: 2)", file: "f")
        guard case .table(let headers, let rows)? = history.first else { return XCTFail("no table: \(history)") }
        XCTAssertEqual(headers, ["epoch", "loss", "rmse"])
        XCTAssertEqual(rows.map { $0[0] }, ["1", "2"])
    }

    func testEveryBuiltinIsDocumented() {
        for doc in Registry.shared.docs {
            XCTAssertFalse(doc.summary.isEmpty, doc.name)
            XCTAssertFalse(doc.example.isEmpty, "\(doc.name) has no example")
        }
    }
}
