/// 3×3 stride-1 convolutions by Winograd's F(2×2, 3×3): each 2×2 block of
/// outputs comes from a 4×4 block of input with 16 multiplies per channel and
/// filter instead of 36.
///
/// With d a 4×4 input tile and g a 3×3 kernel, the output tile is
/// Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A. Summed over channels, the elementwise product is
/// 16 matrix products, one per tile position ξ: M_ξ (tiles × filters) =
/// V_ξ (tiles × channels) · U_ξ (channels × filters), run on the register
/// tiles of `Tiles` with U packed once as their B panels.
///
/// How the data flows: the input is copied once into a zero-padded
/// channels-last image (so each tile's transform works on vectors of
/// channels), then chunks of tiles, each small enough that its V and M stay in
/// L2, are transformed, multiplied and transformed back into NCHW on
/// `Parallel`'s threads. The rounding differs from the direct path only by a
/// few additions per output (tests hold both to the same reference).
enum Winograd {
    /// Whether a convolution takes this path: a 3×3 kernel at stride 1 with
    /// padding below the kernel, enough channels and filters that the transforms
    /// cost little beside the products, and an output whose 2×2 tiles save at
    /// least a third of the direct path's multiplies (16 per tile against 9 per
    /// output: a 3×3 output, say, fills four tiles and saves too little).
    static func applies(_ g: Conv2DGeometry, filters: Int) -> Bool {
        guard g.kernelH == 3 && g.kernelW == 3 && g.strideH == 1 && g.strideW == 1 && g.padH <= 2 && g.padW <= 2,
              g.channels >= 16 && filters >= 16 && g.batch > 0 && g.outH > 0 && g.outW > 0 else { return false }
        let tiles = ((g.outH + 1) / 2) * ((g.outW + 1) / 2)
        return 2 * 9 * g.outH * g.outW >= 3 * 16 * tiles
    }
}

extension Tiles {
    /// out (NCHW) = conv(x, w) (+ bias) for a geometry `Winograd.applies` accepts.
    static func winogradForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ bias: [Float]?,
                                _ g: Conv2DGeometry, filters: Int, into out: UnsafeMutablePointer<Float>) {
        let lanes = V.scalarCount
        let (n, c, h, wd) = (g.batch, g.channels, g.height, g.width)
        let (oh, ow) = (g.outH, g.outW)
        let th = (oh + 1) / 2, tw = (ow + 1) / 2
        let tiles = n * th * tw
        // Channels rounded up to whole vectors, filters to whole panels; the extra ones are zeros.
        let cp = (c + lanes - 1) / lanes * lanes
        let panels = (filters + nr - 1) / nr, fq = panels * nr
        // The padded image covers every tile's 4×4 window (at least H + 2·padH rows).
        let hp = 2 * th + 2, wp = 2 * tw + 2
        let threads = tiles * 16 * cp * fq < GEMM.parallelWork ? 1 : Parallel.threadCount
        // Tiles per chunk: V and M of a chunk within about 1 MB, a whole number of row tiles,
        // and with several threads a multiple of their count of chunks (at least two each),
        // so no thread is left with one chunk more than the others.
        var chunk = max(mr, 262_144 / (16 * (cp + fq)) / mr * mr)
        if threads > 1 {
            let most = (tiles + chunk - 1) / chunk
            let even = max(2 * threads, (most + threads - 1) / threads * threads)
            chunk = max(mr, ((tiles + even - 1) / even + mr - 1) / mr * mr)
        }
        let chunks = (tiles + chunk - 1) / chunk
        let imageSize = hp * wp * cp
        Scratch.with(n * imageSize + 16 * cp * fq + fq + 9 * c * fq) { buffer in
            let image = buffer, u = buffer + n * imageSize, shift = u + 16 * cp * fq, staging = shift + fq
            for f in 0..<fq { shift[f] = f < filters ? (bias?[f] ?? 0) : 0 }
            // Channels-last, zero-padded copy of every image.
            Parallel.forEach(n, threads: n * imageSize < 65_536 ? 1 : threads) { b in
                let dst = image + b * imageSize
                dst.update(repeating: 0, count: imageSize)
                for ch in 0..<c {
                    let plane = x + (b * c + ch) * h * wd
                    for y in 0..<h {
                        let row = dst + ((y + g.padH) * wp + g.padW) * cp + ch, src = plane + y * wd
                        for xx in 0..<wd { row[xx * cp] = src[xx] }
                    }
                }
            }
            transformKernels(w, channels: c, filters: filters, cp: cp, panels: panels, staging: staging, into: u)
            Parallel.forEach(chunks, threads: threads) { chunkIndex in
                let first = chunkIndex * chunk, count = min(chunk, tiles - first)
                Scratch.with(16 * count * (cp + fq) + 4 * fq) { scratch in
                    let vt = scratch, mt = scratch + 16 * count * cp, outputs = mt + 16 * count * fq
                    for t in 0..<count {
                        let tile = first + t, b = tile / (th * tw), ty = (tile % (th * tw)) / tw, tx = tile % tw
                        transformInput(image + b * imageSize + (2 * ty * wp + 2 * tx) * cp, rowStride: wp * cp,
                                       channels: cp, into: vt + t * cp, positionStride: count * cp)
                    }
                    for xi in 0..<16 {
                        let a = vt + xi * count * cp
                        for q in 0..<panels {
                            let panel = UnsafePointer(u + (xi * panels + q) * cp * nr)
                            var i0 = 0
                            while i0 < count {
                                let rows = min(mr, count - i0)
                                @inline(__always) func row(_ r: Int) -> UnsafePointer<Float> { UnsafePointer(a + min(i0 + r, count - 1) * cp) }
                                micro(cp, row(0), row(1), row(2), row(3), row(4), row(5), step: 1, panel,
                                      mt + (xi * count + i0) * fq + q * nr, fq, rows: rows, cols: nr, load: false)
                                i0 += mr
                            }
                        }
                    }
                    for t in 0..<count {
                        let tile = first + t, b = tile / (th * tw), ty = (tile % (th * tw)) / tw, tx = tile % tw
                        transformOutput(mt + t * fq, positionStride: count * fq, filters: filters, fq: fq, shift: shift,
                                        staging: outputs, into: out + b * filters * oh * ow, planeStride: oh * ow, width: ow,
                                        y: 2 * ty, x: 2 * tx, rows: min(2, oh - 2 * ty), columns: min(2, ow - 2 * tx))
                    }
                }
            }
        }
    }

    /// U_ξ = (G g Gᵀ)_ξ for every filter and channel, stored as GEMM B panels:
    /// u[((ξ · panels + q) · cp + channel) · nr + j] for filter q · nr + j (zeros past the ends).
    /// `staging` holds 9 · channels · panels · nr floats.
    static func transformKernels(_ w: UnsafePointer<Float>, channels c: Int, filters: Int, cp: Int, panels: Int,
                                 staging: UnsafeMutablePointer<Float>, into u: UnsafeMutablePointer<Float>) {
        let fq = panels * nr, positionStride = panels * cp * nr
        // The kernels transposed to [channel, ky·3 + kx, filter], so the transform runs on vectors of filters.
        for ch in 0..<c {
            for e in 0..<9 {
                let dst = staging + (ch * 9 + e) * fq, src = w + ch * 9 + e
                for f in 0..<filters { dst[f] = src[f * c * 9] }
                for f in filters..<fq { dst[f] = 0 }
            }
        }
        if cp > c {
            for xi in 0..<16 {
                for q in 0..<panels { (u + (xi * panels + q) * cp * nr + c * nr).update(repeating: 0, count: (cp - c) * nr) }
            }
        }
        let half = V(repeating: 0.5)
        for ch in 0..<c {
            let k = staging + ch * 9 * fq
            var f0 = 0
            while f0 < fq {
                @inline(__always) func g(_ e: Int) -> V { UnsafeRawPointer(k + e * fq + f0).loadUnaligned(as: V.self) }
                let dst = u + (f0 / nr * cp + ch) * nr + f0 % nr
                @inline(__always) func put(_ xi: Int, _ value: V) {
                    UnsafeMutableRawPointer(dst + xi * positionStride).storeBytes(of: value, as: V.self)
                }
                // G g (4×3): rows g0, (g0 + g1 + g2)/2, (g0 − g1 + g2)/2, g2 of the kernel's rows;
                // then (G g) Gᵀ: the same combination along each row.
                let r0 = (g(0), g(1), g(2)), r2 = (g(6), g(7), g(8))
                let r1 = (g(3), g(4), g(5))
                let gg1 = (half * (r0.0 + r1.0 + r2.0), half * (r0.1 + r1.1 + r2.1), half * (r0.2 + r1.2 + r2.2))
                let gg2 = (half * (r0.0 - r1.0 + r2.0), half * (r0.1 - r1.1 + r2.1), half * (r0.2 - r1.2 + r2.2))
                @inline(__always) func row(_ r: Int, _ t: (V, V, V)) {
                    put(4 * r, t.0)
                    put(4 * r + 1, half * (t.0 + t.1 + t.2))
                    put(4 * r + 2, half * (t.0 - t.1 + t.2))
                    put(4 * r + 3, t.2)
                }
                row(0, r0); row(1, gg1); row(2, gg2); row(3, r2)
                f0 += V.scalarCount
            }
        }
    }

    /// V_ξ = (Bᵀ d B)_ξ for the 4×4 window at `corner` (channels-last), a vector of channels at a time.
    @inline(__always)
    static func transformInput(_ corner: UnsafePointer<Float>, rowStride: Int, channels: Int,
                               into v: UnsafeMutablePointer<Float>, positionStride: Int) {
        var c0 = 0
        while c0 < channels {
            @inline(__always) func load(_ i: Int, _ j: Int) -> V {
                UnsafeRawPointer(corner + i * rowStride + j * channels + c0).loadUnaligned(as: V.self)
            }
            @inline(__always) func store(_ xi: Int, _ value: V) {
                UnsafeMutableRawPointer(v + xi * positionStride + c0).storeBytes(of: value, as: V.self)
            }
            // Bᵀ d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3, one column at a time.
            @inline(__always) func column(_ j: Int) -> (V, V, V, V) {
                let d0 = load(0, j), d1 = load(1, j), d2 = load(2, j), d3 = load(3, j)
                return (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
            }
            let k0 = column(0), k1 = column(1), k2 = column(2), k3 = column(3)
            let s0 = (k0.0, k1.0, k2.0, k3.0), s1 = (k0.1, k1.1, k2.1, k3.1)
            let s2 = (k0.2, k1.2, k2.2, k3.2), s3 = (k0.3, k1.3, k2.3, k3.3)
            // (Bᵀ d) B: the same combination along each row.
            @inline(__always) func row(_ r: Int, _ t: (V, V, V, V)) {
                store(4 * r, t.0 - t.2); store(4 * r + 1, t.1 + t.2)
                store(4 * r + 2, t.2 - t.1); store(4 * r + 3, t.1 - t.3)
            }
            row(0, s0); row(1, s1); row(2, s2); row(3, s3)
            c0 += V.scalarCount
        }
    }

    /// The 2×2 output tile Aᵀ M A (+ shift) for every filter, written into NCHW planes
    /// at (y, x), clipped to `rows` × `columns`; `staging` holds 4 · fq floats.
    @inline(__always)
    static func transformOutput(_ m: UnsafePointer<Float>, positionStride: Int, filters: Int, fq: Int,
                                shift: UnsafePointer<Float>, staging: UnsafeMutablePointer<Float>,
                                into out: UnsafeMutablePointer<Float>,
                                planeStride: Int, width: Int, y: Int, x: Int, rows: Int, columns: Int) {
        var f0 = 0
        while f0 < filters {
            @inline(__always) func load(_ xi: Int) -> V {
                UnsafeRawPointer(m + xi * positionStride + f0).loadUnaligned(as: V.self)
            }
            // Aᵀ M: rows m0 + m1 + m2 and m1 − m2 − m3, one column at a time; then the same along rows.
            @inline(__always) func column(_ j: Int) -> (V, V) {
                let m0 = load(j), m1 = load(4 + j), m2 = load(8 + j), m3 = load(12 + j)
                return (m0 + m1 + m2, m1 - m2 - m3)
            }
            let k0 = column(0), k1 = column(1), k2 = column(2), k3 = column(3)
            let b = UnsafeRawPointer(shift + f0).loadUnaligned(as: V.self)
            let t = UnsafeMutableRawPointer(staging + f0)
            t.storeBytes(of: k0.0 + k1.0 + k2.0 + b, as: V.self)
            t.storeBytes(of: k1.0 - k2.0 - k3.0 + b, toByteOffset: 4 * fq, as: V.self)
            t.storeBytes(of: k0.1 + k1.1 + k2.1 + b, toByteOffset: 8 * fq, as: V.self)
            t.storeBytes(of: k1.1 - k2.1 - k3.1 + b, toByteOffset: 12 * fq, as: V.self)
            f0 += V.scalarCount
        }
        // Scatter the four outputs of each filter into its plane.
        let base = out + y * width + x
        if rows == 2 && columns == 2 {
            for f in 0..<filters {
                let p = base + f * planeStride
                p[0] = staging[f]; p[1] = staging[fq + f]; p[width] = staging[2 * fq + f]; p[width + 1] = staging[3 * fq + f]
            }
        } else {
            for f in 0..<filters {
                let p = base + f * planeStride
                p[0] = staging[f]
                if columns > 1 { p[1] = staging[fq + f] }
                if rows > 1 {
                    p[width] = staging[2 * fq + f]
                    if columns > 1 { p[width + 1] = staging[3 * fq + f] }
                }
            }
        }
    }
}
