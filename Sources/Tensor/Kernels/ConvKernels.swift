/// Convolution as implicit GEMM on NCHW tensors: no unfolded (im2col) copy of
/// the input; the GEMM reads each output pixel's window through offset tables.
///
/// - forward: rows are the batch's output pixels, K is (channel, ky, kx), N the
///   filters; the GEMM stores each pixel's filters straight into their NCHW
///   places (no transposed copy).
///   3×3 stride-1 convolutions with enough channels take Winograd's F(2×2, 3×3)
///   instead (`Winograd`), and so do their input gradients.
/// - input gradient: with stride 1, a forward convolution of the output
///   gradient with the flipped, transposed kernel; otherwise a GEMM into
///   per-pixel columns that are folded back (col2im).
/// - weight gradient: rows are (channel, ky, kx), K the batch's pixels, N the
///   filters, with the output gradient packed as B.
enum ConvKernels {
    /// Runs `body` with a scratch buffer of `count` Ints.
    @inline(__always)
    static func withInts<R>(_ count: Int, _ body: (UnsafeMutablePointer<Int>) -> R) -> R {
        Scratch.with(2 * count + 2) { p in
            UnsafeMutableRawPointer(p).withMemoryRebound(to: Int.self, capacity: count) { body($0) }
        }
    }

    /// Copies images [planes, H, W] into zero-padded ones [planes, H + 2ph, W + 2pw].
    static func pad(_ src: UnsafePointer<Float>, planes: Int, height: Int, width: Int, padH: Int, padW: Int,
                    into dst: UnsafeMutablePointer<Float>) {
        let hp = height + 2 * padH, wp = width + 2 * padW
        Parallel.forEach(planes, threads: planes * hp * wp < 65_536 ? 1 : Parallel.threadCount) { p in
            let d = dst + p * hp * wp, s = src + p * height * width
            d.update(repeating: 0, count: padH * wp)
            for y in 0..<height {
                let row = d + (y + padH) * wp
                row.update(repeating: 0, count: padW)
                (row + padW).update(from: s + y * width, count: width)
                (row + padW + width).update(repeating: 0, count: padW)
            }
            (d + (height + padH) * wp).update(repeating: 0, count: padH * wp)
        }
    }

    /// Output = conv(x, w) (+ bias) for NCHW x and w [filters, C, KH, KW].
    static func forward(_ x: [Float], _ w: [Float], _ bias: [Float]?, _ g: Conv2DGeometry, filters: Int) -> [Float] {
        let count = g.batch * filters * g.outH * g.outW
        // Every path writes every output (a product with accumulation off, Winograd's tiles): no zeroing first.
        return [Float](unsafeUninitializedCapacity: count) { po, initialized in
            x.withUnsafeBufferPointer { px in
                w.withUnsafeBufferPointer { pw in
                    if let o = po.baseAddress { forward(px.baseAddress!, pw.baseAddress!, bias, g, filters: filters, into: o) }
                }
            }
            initialized = count
        }
    }

    static func forward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: [Float]?, _ g: Conv2DGeometry,
                        filters: Int, into out: UnsafeMutablePointer<Float>) {
        switch InstructionSet.active {
        case .avx512: forward(Tiles<SIMD16<Float>>.self, x, w, bias, g, filters: filters, into: out)
        case .avx2, .neon: forward(Tiles<SIMD8<Float>>.self, x, w, bias, g, filters: filters, into: out)
        case .portable: forward(Tiles<SIMD4<Float>>.self, x, w, bias, g, filters: filters, into: out)
        }
    }

    static func forward<V>(_ tiles: Tiles<V>.Type, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: [Float]?,
                           _ g: Conv2DGeometry, filters: Int, into out: UnsafeMutablePointer<Float>) {
        typealias T = Tiles<V>
        if isPointwise(g) {
            // out[b] (filters × HW) = w (filters × C) · x[b] (C × HW): plain GEMMs, no windows.
            let (c, spatial) = (g.channels, g.height * g.width)
            for b in 0..<g.batch {
                let dst = out + b * filters * spatial
                if let bias { for f in 0..<filters { (dst + f * spatial).update(repeating: bias[f], count: spatial) } }
                GEMM.multiply(m: filters, n: spatial, k: c, a: w, lda: c, transA: false,
                              b: x + b * c * spatial, ldb: spatial, transB: false, c: dst, ldc: spatial, accumulate: bias != nil)
            }
            return
        }
        if Winograd.applies(g, filters: filters) {
            T.winogradForward(x, w, bias, g, filters: filters, into: out)
            return
        }
        let (n, c) = (g.batch, g.channels)
        let hp = g.height + 2 * g.padH, wp = g.width + 2 * g.padW
        let (oh, ow) = (g.outH, g.outW)
        let spatial = oh * ow, pixels = n * spatial
        let kk = c * g.kernelH * g.kernelW
        let panels = (filters + T.nr - 1) / T.nr
        let padded = g.padH > 0 || g.padW > 0
        Scratch.with(padded ? n * c * hp * wp : 0) { xpad in
            if padded { pad(x, planes: n * c, height: g.height, width: g.width, padH: g.padH, padW: g.padW, into: xpad) }
            let origin = padded ? UnsafePointer(xpad) : x
            withInts(pixels + kk) { tables in
                let rowOffsets = tables, kOffsets = tables + pixels
                fillPixelOffsets(rowOffsets, g, imageStride: c * hp * wp, rowStride: wp)
                fillWindowOffsets(kOffsets, g, planeStride: hp * wp, rowStride: wp)
                Scratch.with(panels * T.nr * kk + 2 * pixels + 2) { buffer in
                    let packedW = buffer
                    // B(p, f) = w[f, p]: the weights stored [filters, kk] are op(B) transposed.
                    for q in 0..<panels {
                        T.packB(w, ldb: kk, transB: true, k: kk, n: filters, panel: q, kStart: 0, kCount: kk,
                                into: packedW + q * T.nr * kk)
                    }
                    // Pixel (b, s) of filter f lands at out[(b · filters + f) · spatial + s].
                    UnsafeMutableRawPointer(buffer + panels * T.nr * kk).withMemoryRebound(to: Int.self, capacity: pixels) { outRows in
                        for b in 0..<n { for s in 0..<spatial { outRows[b * spatial + s] = b * filters * spatial + s } }
                        if let bias {
                            for b in 0..<n { for f in 0..<filters { (out + (b * filters + f) * spatial).update(repeating: bias[f], count: spatial) } }
                        }
                        T.multiplyImplicit(m: pixels, n: filters, k: kk, origin: origin, rowOffsets: rowOffsets,
                                           kOffsets: kOffsets, packedB: packedW, c: out, ldc: 0, accumulate: bias != nil,
                                           outRows: outRows, outColumnStride: spatial)
                    }
                }
            }
        }
    }

    /// A 1×1 kernel with stride 1 and no padding: each image is one matrix product.
    static func isPointwise(_ g: Conv2DGeometry) -> Bool {
        g.kernelH == 1 && g.kernelW == 1 && g.strideH == 1 && g.strideW == 1 && g.padH == 0 && g.padW == 0
    }

    /// rowOffsets[(b, i, j)] = the offset of pixel (i, j)'s window corner in (padded) image b.
    static func fillPixelOffsets(_ table: UnsafeMutablePointer<Int>, _ g: Conv2DGeometry, imageStride: Int, rowStride: Int) {
        let (oh, ow) = (g.outH, g.outW)
        var k = 0
        for b in 0..<g.batch {
            for i in 0..<oh {
                let base = b * imageStride + i * g.strideH * rowStride
                for j in 0..<ow { table[k] = base + j * g.strideW; k += 1 }
            }
        }
    }

    /// kOffsets[(c, ky, kx)] = the offset of that window element from the window's corner.
    static func fillWindowOffsets(_ table: UnsafeMutablePointer<Int>, _ g: Conv2DGeometry, planeStride: Int, rowStride: Int) {
        var k = 0
        for c in 0..<g.channels {
            for ky in 0..<g.kernelH {
                for kx in 0..<g.kernelW { table[k] = c * planeStride + ky * rowStride + kx; k += 1 }
            }
        }
    }

    static func backward(
        _ grad: [Float], _ x: [Float], _ w: [Float], _ g: Conv2DGeometry, filters: Int,
        needInput: Bool, needWeight: Bool
    ) -> (dx: [Float]?, dw: [Float]?) {
        var dx = needInput ? [Float](repeating: 0, count: x.count) : nil
        var dw = needWeight ? [Float](repeating: 0, count: w.count) : nil
        grad.withUnsafeBufferPointer { pg in
            x.withUnsafeBufferPointer { px in
                w.withUnsafeBufferPointer { pw in
                    if needWeight {
                        dw!.withUnsafeMutableBufferPointer { pdw in
                            weightGradient(pg.baseAddress!, px.baseAddress!, g, filters: filters, into: pdw.baseAddress!)
                        }
                    }
                    if needInput {
                        dx!.withUnsafeMutableBufferPointer { pdx in
                            inputGradient(pg.baseAddress!, pw.baseAddress!, g, filters: filters, into: pdx.baseAddress!)
                        }
                    }
                }
            }
        }
        return (dx, dw)
    }

    /// dx for the output gradient `grad` [N, filters, OH, OW].
    static func inputGradient(_ grad: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ g: Conv2DGeometry,
                              filters: Int, into dx: UnsafeMutablePointer<Float>) {
        switch InstructionSet.active {
        case .avx512: inputGradient(Tiles<SIMD16<Float>>.self, grad, w, g, filters: filters, into: dx)
        case .avx2, .neon: inputGradient(Tiles<SIMD8<Float>>.self, grad, w, g, filters: filters, into: dx)
        case .portable: inputGradient(Tiles<SIMD4<Float>>.self, grad, w, g, filters: filters, into: dx)
        }
    }

    static func inputGradient<V>(_ tiles: Tiles<V>.Type, _ grad: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                                 _ g: Conv2DGeometry, filters: Int, into dx: UnsafeMutablePointer<Float>) {
        typealias T = Tiles<V>
        let c = g.channels, kh = g.kernelH, kw = g.kernelW
        if isPointwise(g) {
            // dx[b] (C × HW) = wᵀ (C × filters) · grad[b] (filters × HW)
            let spatial = g.height * g.width
            for b in 0..<g.batch {
                GEMM.multiply(m: c, n: spatial, k: filters, a: w, lda: c, transA: true,
                              b: grad + b * filters * spatial, ldb: spatial, transB: false,
                              c: dx + b * c * spatial, ldc: spatial, accumulate: false)
            }
            return
        }
        if g.strideH == 1 && g.strideW == 1 && g.padH < kh && g.padW < kw {
            // A stride-1 convolution's input gradient is a convolution of the output
            // gradient with the kernel flipped in space and transposed in channels.
            Scratch.with(c * filters * kh * kw) { flipped in
                for f in 0..<filters {
                    for ch in 0..<c {
                        for ky in 0..<kh {
                            for kx in 0..<kw {
                                flipped[((ch * filters + f) * kh + kh - 1 - ky) * kw + kw - 1 - kx] = w[((f * c + ch) * kh + ky) * kw + kx]
                            }
                        }
                    }
                }
                let transposed = Conv2DGeometry(batch: g.batch, channels: filters, height: g.outH, width: g.outW,
                                                kernelH: kh, kernelW: kw, strideH: 1, strideW: 1,
                                                padH: kh - 1 - g.padH, padW: kw - 1 - g.padW)
                forward(tiles, grad, flipped, nil, transposed, filters: c, into: dx)
            }
            return
        }
        // Columns[pixel, (c, ky, kx)] = Σ_f grad[pixel, f] · w[f, (c, ky, kx)], then folded back.
        let (n, oh, ow) = (g.batch, g.outH, g.outW)
        let spatial = oh * ow, pixels = n * spatial
        let kk = c * kh * kw
        let hp = g.height + 2 * g.padH, wp = g.width + 2 * g.padW
        let panels = (kk + T.nr - 1) / T.nr
        withInts(pixels + filters) { tables in
            let rowOffsets = tables, fOffsets = tables + pixels
            for b in 0..<n { for s in 0..<spatial { rowOffsets[b * spatial + s] = b * filters * spatial + s } }
            for f in 0..<filters { fOffsets[f] = f * spatial }
            Scratch.with(panels * T.nr * filters + pixels * kk + n * c * hp * wp) { buffer in
                let packedW = buffer, columns = buffer + panels * T.nr * filters
                let dxpad = columns + pixels * kk
                for q in 0..<panels {
                    T.packB(w, ldb: kk, transB: false, k: filters, n: kk, panel: q, kStart: 0, kCount: filters,
                            into: packedW + q * T.nr * filters)
                }
                T.multiplyImplicit(m: pixels, n: kk, k: filters, origin: grad, rowOffsets: rowOffsets,
                                   kOffsets: fOffsets, packedB: packedW, c: columns, ldc: kk, accumulate: false)
                // Fold: each image's columns add into its own padded gradient image.
                Parallel.forEach(n) { b in
                    let image = dxpad + b * c * hp * wp
                    image.update(repeating: 0, count: c * hp * wp)
                    for i in 0..<oh {
                        for j in 0..<ow {
                            let col = columns + (b * spatial + i * ow + j) * kk
                            let corner = image + i * g.strideH * wp + j * g.strideW
                            var k = 0
                            for ch in 0..<c {
                                let plane = corner + ch * hp * wp
                                for ky in 0..<kh {
                                    let row = plane + ky * wp
                                    for kx in 0..<kw { row[kx] += col[k]; k += 1 }
                                }
                            }
                        }
                    }
                    for ch in 0..<c {
                        let plane = image + ch * hp * wp, out = dx + (b * c + ch) * g.height * g.width
                        for y in 0..<g.height {
                            (out + y * g.width).update(from: plane + (y + g.padH) * wp + g.padW, count: g.width)
                        }
                    }
                }
            }
        }
    }

    /// dw [filters, C, KH, KW] for the output gradient `grad` [N, filters, OH, OW].
    static func weightGradient(_ grad: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ g: Conv2DGeometry,
                               filters: Int, into dw: UnsafeMutablePointer<Float>) {
        switch InstructionSet.active {
        case .avx512: weightGradient(Tiles<SIMD16<Float>>.self, grad, x, g, filters: filters, into: dw)
        case .avx2, .neon: weightGradient(Tiles<SIMD8<Float>>.self, grad, x, g, filters: filters, into: dw)
        case .portable: weightGradient(Tiles<SIMD4<Float>>.self, grad, x, g, filters: filters, into: dw)
        }
    }

    static func weightGradient<V>(_ tiles: Tiles<V>.Type, _ grad: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                  _ g: Conv2DGeometry, filters: Int, into dw: UnsafeMutablePointer<Float>) {
        typealias T = Tiles<V>
        let (n, c) = (g.batch, g.channels)
        if isPointwise(g) {
            // dw (filters × C) = Σ_b grad[b] (filters × HW) · x[b]ᵀ (HW × C)
            let spatial = g.height * g.width
            for b in 0..<n {
                GEMM.multiply(m: filters, n: c, k: spatial, a: grad + b * filters * spatial, lda: spatial, transA: false,
                              b: x + b * c * spatial, ldb: spatial, transB: true, c: dw, ldc: c, accumulate: b > 0)
            }
            return
        }
        let hp = g.height + 2 * g.padH, wp = g.width + 2 * g.padW
        let spatial = g.outH * g.outW, pixels = n * spatial
        let kk = c * g.kernelH * g.kernelW
        let panels = (filters + T.nr - 1) / T.nr
        let padded = g.padH > 0 || g.padW > 0
        guard pixels > 0, kk > 0, filters > 0 else {
            dw.update(repeating: 0, count: filters * kk)
            return
        }
        Scratch.with(padded ? n * c * hp * wp : 0) { xpad in
            if padded { pad(x, planes: n * c, height: g.height, width: g.width, padH: g.padH, padW: g.padW, into: xpad) }
            let origin = padded ? UnsafePointer(xpad) : x
            withInts(pixels + kk) { tables in
                let pixelOffsets = tables, windowOffsets = tables + pixels
                fillPixelOffsets(pixelOffsets, g, imageStride: c * hp * wp, rowStride: wp)
                fillWindowOffsets(windowOffsets, g, planeStride: hp * wp, rowStride: wp)
                // The pixels (GEMM's K) are cut into 256-deep blocks, grouped into chunks that
                // accumulate separate partial sums; each chunk packs its blocks of the output
                // gradient into a small buffer that stays in cache.
                // Blocks of at most 256 pixels, evened out so the last one is not a stub.
                let pieces = (pixels + GEMM.kc - 1) / GEMM.kc
                let depth = (pixels + pieces - 1) / pieces
                let blocks = (pixels + depth - 1) / depth
                let threads = pixels * kk * filters < GEMM.parallelWork ? 1 : Parallel.threadCount
                let chunks = min(blocks, threads == 1 ? 1 : 4 * threads)
                let tilesM = (kk + GEMM.mr - 1) / GEMM.mr
                Scratch.with(chunks * kk * filters) { partials in
                    Parallel.forEach(chunks, threads: threads) { chunk in
                        let c = partials + chunk * kk * filters
                        let first = blocks * chunk / chunks, last = blocks * (chunk + 1) / chunks
                        Scratch.with(panels * T.nr * depth) { packed in
                            for block in first..<last {
                                let p0 = block * depth, p1 = min(pixels, p0 + depth), kb = p1 - p0
                                packGradient(tiles, grad, filters: filters, spatial: spatial, pixels: p0..<p1, panels: panels, into: packed)
                                for q in 0..<panels {
                                    let panel = UnsafePointer(packed + q * T.nr * kb)
                                    let cols = min(T.nr, filters - q * T.nr)
                                    for t in 0..<tilesM {
                                        let i0 = t * GEMM.mr, rows = min(GEMM.mr, kk - i0)
                                        @inline(__always) func row(_ r: Int) -> UnsafePointer<Float> { origin + windowOffsets[min(i0 + r, kk - 1)] }
                                        T.microIndexed(kb, row(0), row(1), row(2), row(3), row(4), row(5), pixelOffsets + p0,
                                                       panel, c + i0 * filters + q * T.nr, filters,
                                                       rows: rows, cols: cols, load: block > first)
                                    }
                                }
                            }
                        }
                    }
                    // dw[f, p] = Σ over chunks of dwᵀ[p, f].
                    Parallel.forEachRange(kk, cost: chunks * filters) { rows in
                        for p in rows {
                            for f in 0..<filters {
                                var sum: Float = 0
                                for chunk in 0..<chunks { sum += partials[chunk * kk * filters + p * filters + f] }
                                dw[f * kk + p] = sum
                            }
                        }
                    }
                }
            }
        }
    }

    /// Packs grad[b, f, s] for the batch pixels (b, s) in `pixels` as GEMM's B panels
    /// (pixels × nr filters each, zero-padded).
    static func packGradient<V>(_ tiles: Tiles<V>.Type, _ grad: UnsafePointer<Float>, filters: Int, spatial: Int, pixels: Range<Int>, panels: Int,
                             into dst: UnsafeMutablePointer<Float>) {
        typealias T = Tiles<V>
        let depth = pixels.count
        var p = pixels.lowerBound
        while p < pixels.upperBound {
            let b = p / spatial, s0 = p % spatial
            let run = min(spatial - s0, pixels.upperBound - p)
            let offset = p - pixels.lowerBound
            for q in 0..<panels {
                let panel = dst + q * T.nr * depth + offset * T.nr
                for j in 0..<T.nr {
                    let f = q * T.nr + j
                    if f < filters {
                        let src = grad + (b * filters + f) * spatial + s0
                        for i in 0..<run { panel[i * T.nr + j] = src[i] }
                    } else {
                        for i in 0..<run { panel[i * T.nr + j] = 0 }
                    }
                }
            }
            p += run
        }
    }
}
