import ArgumentParser
import Foundation
import Tensor

/// `ainb bench conv`: conv2d forward + backward (input and weight gradients)
/// GFLOPS at batch 32, at the layers of the course's keypoint model.
enum BenchConv {
    /// Input channels, filters, kernel, stride, padding and input size of each case.
    static let cases: [(cin: Int, cout: Int, kernel: Int, stride: Int, padding: Int, size: Int)] = [
        (1, 64, 7, 2, 0, 102), (64, 64, 3, 1, 1, 11), (64, 256, 1, 1, 0, 23), (128, 128, 3, 1, 1, 5),
    ]
    static let batch = 32

    static func run(json: Bool) throws {
        var rows: [[String: Any]] = []
        if !json { print("conv2d forward + backward, batch \(batch) (\(Parallel.threadCount) threads)\n  cin  cout  kernel  stride  size   GFLOPS   time") }
        for (cin, cout, kernel, stride, padding, size) in cases {
            let x = Tensor.randn([batch, cin, size, size], seed: 1).requiringGrad()
            let w = Tensor.randn([cout, cin, kernel, kernel], seed: 2).requiringGrad()
            let out = (size + 2 * padding - kernel) / stride + 1
            let seed = Tensor.randn([batch, cout, out, out], seed: 3)
            var failure: Error?
            let seconds = BenchClock.median {
                do {
                    let y = try conv2d(x, weight: w, stride: (stride, stride), padding: (padding, padding))
                    _ = try gradients(of: y, wrt: [x, w], seed: seed)
                } catch { failure = error }
            }
            if let failure { throw failure }
            let flops = 3 * 2 * Double(batch * cout * cin * kernel * kernel * out * out)
            let gflops = flops / seconds / 1e9
            if json {
                rows.append(["op": "conv", "batch": batch, "cin": cin, "cout": cout, "kernel": kernel,
                             "stride": stride, "size": size, "gflops": BenchClock.rounded(gflops)])
            } else {
                print(String(format: "%5d %5d %5dx%-2d %6d %5d %8.1f %7.2f ms", cin, cout, kernel, kernel, stride, size,
                             gflops, seconds * 1e3))
            }
        }
        if json { try BenchClock.printJSON(rows) }
    }
}
