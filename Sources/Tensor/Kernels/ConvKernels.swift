/// Convolution by im2col and GEMM, one image at a time.
enum ConvKernels {
    /// Unfolds one image [C, H, W] into columns [C·KH·KW, OH·OW].
    static func im2col(_ image: UnsafePointer<Float>, _ g: Conv2DGeometry, into col: UnsafeMutablePointer<Float>) {
        let (oh, ow) = (g.outH, g.outW)
        var row = 0
        for c in 0..<g.channels {
            for ky in 0..<g.kernelH {
                for kx in 0..<g.kernelW {
                    let dst = col + row * oh * ow
                    for i in 0..<oh {
                        let y = i * g.strideH - g.padH + ky
                        for j in 0..<ow {
                            let x = j * g.strideW - g.padW + kx
                            dst[i * ow + j] = (y >= 0 && y < g.height && x >= 0 && x < g.width)
                                ? image[(c * g.height + y) * g.width + x] : 0
                        }
                    }
                    row += 1
                }
            }
        }
    }

    /// Folds columns back into an image, adding overlapping contributions.
    static func col2im(_ col: UnsafePointer<Float>, _ g: Conv2DGeometry, into image: UnsafeMutablePointer<Float>) {
        let (oh, ow) = (g.outH, g.outW)
        var row = 0
        for c in 0..<g.channels {
            for ky in 0..<g.kernelH {
                for kx in 0..<g.kernelW {
                    let src = col + row * oh * ow
                    for i in 0..<oh {
                        let y = i * g.strideH - g.padH + ky
                        guard y >= 0 && y < g.height else { continue }
                        for j in 0..<ow {
                            let x = j * g.strideW - g.padW + kx
                            if x >= 0 && x < g.width { image[(c * g.height + y) * g.width + x] += src[i * ow + j] }
                        }
                    }
                    row += 1
                }
            }
        }
    }

    static func forward(_ x: [Float], _ w: [Float], _ bias: [Float]?, _ g: Conv2DGeometry, filters: Int) -> [Float] {
        let spatial = g.outH * g.outW
        let rows = g.channels * g.kernelH * g.kernelW
        var out = [Float](repeating: 0, count: g.batch * filters * spatial)
        let col = UnsafeMutablePointer<Float>.allocate(capacity: rows * spatial)
        defer { col.deallocate() }
        x.withUnsafeBufferPointer { px in
            w.withUnsafeBufferPointer { pw in
                out.withUnsafeMutableBufferPointer { po in
                    for n in 0..<g.batch {
                        im2col(px.baseAddress! + n * g.channels * g.height * g.width, g, into: col)
                        let dst = po.baseAddress! + n * filters * spatial
                        if let bias {
                            for f in 0..<filters { (dst + f * spatial).update(repeating: bias[f], count: spatial) }
                        }
                        GEMM.multiply(m: filters, n: spatial, k: rows, a: pw.baseAddress!, lda: rows, transA: false,
                                      b: col, ldb: spatial, transB: false, c: dst, ldc: spatial, accumulate: true)
                    }
                }
            }
        }
        return out
    }

    static func backward(
        _ grad: [Float], _ x: [Float], _ w: [Float], _ g: Conv2DGeometry, filters: Int,
        needInput: Bool, needWeight: Bool
    ) -> (dx: [Float]?, dw: [Float]?) {
        let spatial = g.outH * g.outW
        let rows = g.channels * g.kernelH * g.kernelW
        let imageSize = g.channels * g.height * g.width
        var dx = needInput ? [Float](repeating: 0, count: x.count) : nil
        var dw = needWeight ? [Float](repeating: 0, count: w.count) : nil
        let col = UnsafeMutablePointer<Float>.allocate(capacity: rows * spatial)
        defer { col.deallocate() }
        grad.withUnsafeBufferPointer { pg in
            x.withUnsafeBufferPointer { px in
                w.withUnsafeBufferPointer { pw in
                    for n in 0..<g.batch {
                        let gn = pg.baseAddress! + n * filters * spatial
                        if needWeight {
                            im2col(px.baseAddress! + n * imageSize, g, into: col)
                            dw!.withUnsafeMutableBufferPointer { pdw in
                                // dW[F, rows] += g[F, spatial] · colᵀ
                                GEMM.multiply(m: filters, n: rows, k: spatial, a: gn, lda: spatial, transA: false,
                                              b: col, ldb: spatial, transB: true, c: pdw.baseAddress!, ldc: rows, accumulate: true)
                            }
                        }
                        if needInput {
                            // dcol[rows, spatial] = Wᵀ · g
                            GEMM.multiply(m: rows, n: spatial, k: filters, a: pw.baseAddress!, lda: rows, transA: true,
                                          b: gn, ldb: spatial, transB: false, c: col, ldc: spatial, accumulate: false)
                            dx!.withUnsafeMutableBufferPointer { pdx in
                                col2im(col, g, into: pdx.baseAddress! + n * imageSize)
                            }
                        }
                    }
                }
            }
        }
        return (dx, dw)
    }
}
