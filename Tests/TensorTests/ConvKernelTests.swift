import XCTest
import Tensor

/// conv2d forward and backward against a naive direct convolution, on small
/// odd shapes with strides and padding (every kernel path: implicit GEMM,
/// the flipped-kernel input gradient and the col2im one), on the build's
/// instruction set and on the portable kernels.
final class ConvKernelTests: XCTestCase {
    struct Case {
        let n, c, h, w, f, kh, kw, sh, sw, ph, pw: Int
    }

    /// out[b, f, i, j] = Σ x[b, c, i·sh − ph + ky, j·sw − pw + kx] · w[f, c, ky, kx] (+ bias[f]).
    static func naiveForward(_ x: [Float], _ w: [Float], _ bias: [Float], _ k: Case) -> [Float] {
        let oh = (k.h + 2 * k.ph - k.kh) / k.sh + 1, ow = (k.w + 2 * k.pw - k.kw) / k.sw + 1
        var out = [Float](repeating: 0, count: k.n * k.f * oh * ow)
        for b in 0..<k.n { for f in 0..<k.f { for i in 0..<oh { for j in 0..<ow {
            var s = Double(bias[f])
            for c in 0..<k.c { for ky in 0..<k.kh { for kx in 0..<k.kw {
                let y = i * k.sh - k.ph + ky, xx = j * k.sw - k.pw + kx
                guard y >= 0, y < k.h, xx >= 0, xx < k.w else { continue }
                s += Double(x[((b * k.c + c) * k.h + y) * k.w + xx]) * Double(w[((f * k.c + c) * k.kh + ky) * k.kw + kx])
            } } }
            out[((b * k.f + f) * oh + i) * ow + j] = Float(s)
        } } } }
        return out
    }

    /// The input and weight gradients of Σ out · g, by the same direct loops.
    static func naiveBackward(_ x: [Float], _ w: [Float], _ g: [Float], _ k: Case) -> (dx: [Float], dw: [Float]) {
        let oh = (k.h + 2 * k.ph - k.kh) / k.sh + 1, ow = (k.w + 2 * k.pw - k.kw) / k.sw + 1
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count)
        for b in 0..<k.n { for f in 0..<k.f { for i in 0..<oh { for j in 0..<ow {
            let gv = Double(g[((b * k.f + f) * oh + i) * ow + j])
            for c in 0..<k.c { for ky in 0..<k.kh { for kx in 0..<k.kw {
                let y = i * k.sh - k.ph + ky, xx = j * k.sw - k.pw + kx
                guard y >= 0, y < k.h, xx >= 0, xx < k.w else { continue }
                let xi = ((b * k.c + c) * k.h + y) * k.w + xx, wi = ((f * k.c + c) * k.kh + ky) * k.kw + kx
                dx[xi] += gv * Double(w[wi])
                dw[wi] += gv * Double(x[xi])
            } } }
        } } } }
        return (dx.map { Float($0) }, dw.map { Float($0) })
    }

    func assertClose(_ a: [Float], _ b: [Float], _ what: String, _ k: Case, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "\(what) count \(k)", file: file, line: line)
        var worst: Float = 0
        for (u, v) in zip(a, b) { worst = max(worst, abs(u - v) / (1e-4 + 1e-4 * abs(v))) }
        XCTAssertLessThanOrEqual(worst, 1, "\(what) differs from the direct convolution for \(k)", file: file, line: line)
    }

    func check(_ k: Case) throws {
        let x = Tensor.randn([k.n, k.c, k.h, k.w], seed: 11)
        let w = Tensor.randn([k.f, k.c, k.kh, k.kw], seed: 12)
        let bias = Tensor.randn([k.f], seed: 13)
        let y = try conv2d(x.requiringGrad(), weight: w.requiringGrad(), bias: bias, stride: (k.sh, k.sw), padding: (k.ph, k.pw))
        assertClose(y.scalars, Self.naiveForward(x.scalars, w.scalars, bias.scalars, k), "forward", k)
        let seed = Tensor.randn(y.shape, seed: 14)
        let xg = x.requiringGrad(), wg = w.requiringGrad()
        let y2 = try conv2d(xg, weight: wg, stride: (k.sh, k.sw), padding: (k.ph, k.pw))
        let grads = try gradients(of: y2, wrt: [xg, wg], seed: seed)
        let (dx, dw) = Self.naiveBackward(x.scalars, w.scalars, seed.scalars, k)
        assertClose(grads[0].scalars, dx, "input gradient", k)
        assertClose(grads[1].scalars, dw, "weight gradient", k)
    }

    func testStrideOneSamePadding() throws {
        try check(Case(n: 2, c: 3, h: 7, w: 5, f: 5, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1))
        try check(Case(n: 3, c: 5, h: 6, w: 9, f: 33, kh: 3, kw: 1, sh: 1, sw: 1, ph: 1, pw: 0))
    }

    func testStrideOneNoPaddingAndPointwise() throws {
        try check(Case(n: 2, c: 4, h: 5, w: 7, f: 7, kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0))
        try check(Case(n: 1, c: 2, h: 9, w: 8, f: 6, kh: 5, kw: 3, sh: 1, sw: 1, ph: 0, pw: 0))
    }

    func testStridedAndPadded() throws {
        try check(Case(n: 2, c: 1, h: 11, w: 13, f: 9, kh: 7, kw: 7, sh: 2, sw: 2, ph: 0, pw: 0))
        try check(Case(n: 3, c: 3, h: 9, w: 7, f: 5, kh: 3, kw: 3, sh: 2, sw: 3, ph: 1, pw: 2))
        try check(Case(n: 1, c: 2, h: 5, w: 5, f: 3, kh: 2, kw: 2, sh: 2, sw: 2, ph: 0, pw: 0))
    }

    func testPaddingWiderThanKernel() throws {
        try check(Case(n: 1, c: 2, h: 4, w: 3, f: 3, kh: 1, kw: 1, sh: 1, sw: 1, ph: 1, pw: 2))
    }

    func testWinogradShapesMatchTheDirectConvolution() throws {
        // 3×3 stride-1 kernels with at least 16 channels and filters take Winograd's F(2×2, 3×3)
        // (forward and input gradient): odd outputs that clip the last tiles, channel and
        // filter counts that fill no whole vector or panel, padding 0, 1 and 2.
        try check(Case(n: 2, c: 17, h: 5, w: 7, f: 19, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1))
        try check(Case(n: 1, c: 16, h: 6, w: 6, f: 33, kh: 3, kw: 3, sh: 1, sw: 1, ph: 0, pw: 0))
        try check(Case(n: 2, c: 20, h: 2, w: 3, f: 16, kh: 3, kw: 3, sh: 1, sw: 1, ph: 2, pw: 2))
        try check(Case(n: 3, c: 16, h: 2, w: 2, f: 16, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1))
        try check(Case(n: 2, c: 16, h: 4, w: 5, f: 18, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 2))
    }

    func testWinogradAcrossThreadsAndChunks() throws {
        // Enough tiles for several chunks on two threads, with a last chunk that ends mid row tile.
        try check(Case(n: 5, c: 24, h: 9, w: 9, f: 40, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1))
    }

    func testEmptyBatch() throws {
        // No images: an empty output, an empty input gradient and a zero weight gradient.
        let x = try Tensor(shape: [0, 2, 5, 5], scalars: []).requiringGrad()
        for (kernel, stride, padding) in [(3, 1, 0), (3, 1, 1), (1, 1, 0), (3, 2, 1)] {
            let w = Tensor.randn([3, 2, kernel, kernel], seed: 5).requiringGrad()
            let y = try conv2d(x, weight: w, stride: (stride, stride), padding: (padding, padding))
            let side = (5 + 2 * padding - kernel) / stride + 1
            XCTAssertEqual(y.shape, [0, 3, side, side])
            let grads = try gradients(of: y, wrt: [x, w], seed: try Tensor(shape: y.shape, scalars: []))
            XCTAssertEqual(grads[0].shape, [0, 2, 5, 5])
            XCTAssertEqual(grads[1].scalars, [Float](repeating: 0, count: 6 * kernel * kernel))
        }
    }

    func testManyPixelsAcrossThreads() throws {
        // Enough work that two threads take part, over several jobs and panels.
        try check(Case(n: 8, c: 16, h: 12, w: 11, f: 70, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1))
    }

    func testEveryShapeOnThePortableKernels() throws {
        try InstructionSet.withPortableKernels {
            try testStrideOneSamePadding()
            try testStrideOneNoPaddingAndPointwise()
            try testStridedAndPadded()
            try testPaddingWiderThanKernel()
            try testWinogradShapesMatchTheDirectConvolution()
            try testWinogradAcrossThreadsAndChunks()
            try testEmptyBatch()
            try testManyPixelsAcrossThreads()
        }
    }

    func testFusedInferenceConvolutionIsConvPlusResidualThenReLU() throws {
        let x = Tensor.randn([2, 3, 7, 6], seed: 31), w = Tensor.randn([5, 3, 3, 3], seed: 32)
        let bias = Tensor.randn([5], seed: 33), r = Tensor.randn([2, 5, 4, 3], seed: 34)
        let plain = try conv2d(x, weight: w, bias: bias, stride: (2, 2), padding: (1, 1))
        for (residual, withReLU) in [(nil, false), (nil, true), (r, false), (r, true)] as [(Tensor?, Bool)] {
            var expected = plain
            if let residual { expected = try expected + residual }
            if withReLU { expected = relu(expected) }
            let fused = try fusedConv2d(x, weight: w, bias: bias, stride: (2, 2), padding: (1, 1), residual: residual, relu: withReLU)
            assertClose(fused.scalars, expected.scalars, "fused conv (residual \(residual != nil), relu \(withReLU))",
                        Case(n: 2, c: 3, h: 7, w: 6, f: 5, kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1))
        }
        XCTAssertThrowsError(try fusedConv2d(x.requiringGrad(), weight: w, bias: nil), "no gradient: it must refuse a tape")
        XCTAssertThrowsError(try fusedConv2d(x, weight: w, bias: nil, residual: r), "a residual of the wrong shape")
    }

    func testChannelAffineIsScaleTimesXPlusShiftPerChannel() throws {
        let x = Tensor.randn([2, 3, 2, 2], seed: 35)
        let (scale, shift): ([Float], [Float]) = ([2, -1, 0.5], [0.25, 1, -3])
        for withReLU in [false, true] {
            let y = try channelAffine(x, scale: scale, shift: shift, relu: withReLU)
            for i in 0..<x.count {
                let ch = (i / 4) % 3
                let v = scale[ch] * x.scalars[i] + shift[ch]
                XCTAssertEqual(y.scalars[i], withReLU ? max(v, 0) : v, accuracy: 1e-6)
            }
        }
        XCTAssertThrowsError(try channelAffine(x, scale: [1], shift: [0]))
    }

    func testPoolingOverManyPlanesMatchesDirectLoops() throws {
        // Enough planes that pooling splits them over the threads.
        let (n, c, h, w) = (4, 16, 13, 12)
        let x = Tensor.randn([n, c, h, w], seed: 21)
        let (k, s, p) = (3, 2, 1)
        let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
        var maxOut = [Float](), avgOut = [Float]()
        var maxGrad = [Float](repeating: 0, count: x.count), avgGrad = [Float](repeating: 0, count: x.count)
        let seed = Tensor.randn([n, c, oh, ow], seed: 22)
        for plane in 0..<(n * c) {
            for i in 0..<oh {
                for j in 0..<ow {
                    var best = -Float.infinity, at = -1, sum: Float = 0
                    for y in (i * s - p)..<(i * s - p + k) where y >= 0 && y < h {
                        for xx in (j * s - p)..<(j * s - p + k) where xx >= 0 && xx < w {
                            let v = x.scalars[(plane * h + y) * w + xx]
                            sum += v
                            if v > best || at < 0 { best = v; at = (plane * h + y) * w + xx }
                        }
                    }
                    let g = seed.scalars[(plane * oh + i) * ow + j]
                    maxOut.append(best); avgOut.append(sum / Float(k * k))
                    maxGrad[at] += g
                    for y in (i * s - p)..<(i * s - p + k) where y >= 0 && y < h {
                        for xx in (j * s - p)..<(j * s - p + k) where xx >= 0 && xx < w {
                            avgGrad[(plane * h + y) * w + xx] += g / Float(k * k)
                        }
                    }
                }
            }
        }
        let xg = x.requiringGrad()
        let m = try maxPool2d(xg, kernel: (k, k), stride: (s, s), padding: (p, p))
        XCTAssertEqual(m.scalars, maxOut)
        XCTAssertEqual(try gradients(of: m, wrt: [xg], seed: seed)[0].scalars, maxGrad)
        let a = try avgPool2d(xg, kernel: (k, k), stride: (s, s), padding: (p, p))
        let c1 = Case(n: n, c: c, h: h, w: w, f: 0, kh: k, kw: k, sh: s, sw: s, ph: p, pw: p)
        assertClose(a.scalars, avgOut, "avg_pool2d", c1)
        assertClose(try gradients(of: a, wrt: [xg], seed: seed)[0].scalars, avgGrad, "avg_pool2d gradient", c1)
    }

    /// Ties (ReLU outputs are mostly zeros) and NaNs: max pooling keeps the first
    /// largest value in row-major order, or the first NaN, as a direct scan does,
    /// for widths that are and are not a multiple of the vector width.
    func testMaxPoolTiesAndNaNsFollowRowMajorOrder() throws {
        var rng = RandomGenerator(seed: 5)
        let levels: [Float] = [-1, 0, 0, 0, 1, 1, 2, .nan]
        for (h, w, k, s, p) in [(9, 19, 3, 2, 1), (8, 16, 2, 2, 0), (11, 37, 3, 1, 1), (7, 5, 3, 2, 0), (48, 48, 3, 2, 0)] {
            let (n, c) = (2, 3)
            let values = (0..<(n * c * h * w)).map { _ in levels[rng.nextInt(below: levels.count)] }
            let x = try Tensor(shape: [n, c, h, w], scalars: values).requiringGrad()
            let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
            let seed = Tensor((0..<(n * c * oh * ow)).map { Float($0 + 1) })
            var maxOut = [Float](), maxGrad = [Float](repeating: 0, count: values.count)
            for plane in 0..<(n * c) {
                for i in 0..<oh {
                    for j in 0..<ow {
                        var best = -Float.infinity, at = -1
                        for y in (i * s - p)..<(i * s - p + k) where y >= 0 && y < h {
                            for xx in (j * s - p)..<(j * s - p + k) where xx >= 0 && xx < w {
                                let v = values[(plane * h + y) * w + xx]
                                if at < 0 || v > best || (v.isNaN && !best.isNaN) { best = v; at = (plane * h + y) * w + xx }
                            }
                        }
                        maxOut.append(best)
                        maxGrad[at] += seed.scalars[(plane * oh + i) * ow + j]
                    }
                }
            }
            let m = try maxPool2d(x, kernel: (k, k), stride: (s, s), padding: (p, p))
            let shape = "\(h)x\(w) k\(k) s\(s) p\(p)"
            XCTAssertEqual(m.scalars.map { $0.isNaN ? 99 : $0 }, maxOut.map { $0.isNaN ? 99 : $0 }, shape)
            let dx = try gradients(of: m, wrt: [x], seed: try seed.reshaped([n, c, oh, ow]))[0]
            XCTAssertEqual(dx.scalars, maxGrad, shape)
        }
    }

    func testBatchNormOverManyChannelsMatchesFormula() throws {
        let (n, c, h, w) = (3, 40, 9, 7)
        let x = Tensor.randn([n, c, h, w], seed: 31)
        let gamma = Tensor.randn([c], seed: 32), beta = Tensor.randn([c], seed: 33)
        var stats = BatchNormStatistics(channels: c)
        let y = try batchNorm(x, scale: gamma, offset: beta, statistics: &stats, training: true)
        let count = n * h * w
        for ch in 0..<c {
            var values: [Double] = []
            for b in 0..<n { for i in 0..<(h * w) { values.append(Double(x.scalars[(b * c + ch) * h * w + i])) } }
            let mu = values.reduce(0, +) / Double(count)
            let variance = values.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(count)
            XCTAssertEqual(stats.mean.scalars[ch], Float(0.1 * mu), accuracy: 1e-5)
            XCTAssertEqual(stats.variance.scalars[ch], Float(0.9 + 0.1 * variance * Double(count) / Double(count - 1)), accuracy: 1e-5)
            for b in 0..<n {
                for i in 0..<(h * w) {
                    let k = (b * c + ch) * h * w + i
                    let expected = (Double(x.scalars[k]) - mu) / (variance + 1e-5).squareRoot() * Double(gamma.scalars[ch]) + Double(beta.scalars[ch])
                    XCTAssertEqual(Double(y.scalars[k]), expected, accuracy: 1e-4)
                }
            }
        }
    }
}
