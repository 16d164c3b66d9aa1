import Deploy
import Dispatch
import Foundation
import Tensor

/// Runs the model for many concurrent requests: faces that arrive while the model is busy
/// wait together and go through it as one batch (up to `maxBatch` faces), on one worker queue.
public final class PredictionBatcher: @unchecked Sendable {
    private struct Job {
        let pixels: [Float]
        let count: Int
        let done: (Result<[FacePrediction], Error>) -> Void
    }

    private let predictor: FacePredictor
    private let maxBatch: Int
    private let lock = NSLock()
    private var pending: [Job] = []
    private var running = false
    private let queue = DispatchQueue(label: "ainb.serve.model")
    private var batchSizes: [Int: Int] = [:]

    /// A batcher over `predictor`, at most `maxBatch` faces per model call (a bigger request runs alone).
    public init(_ predictor: FacePredictor, maxBatch: Int = 64) {
        self.predictor = predictor
        self.maxBatch = max(1, maxBatch)
    }

    /// The side of the square faces the model takes.
    public var size: Int { predictor.size }

    /// The model's emotion classes.
    public var classNames: [String] { predictor.classNames }

    /// The model file served.
    public var model: ModelFile { predictor.model }

    /// How many model calls ran with each batch size so far.
    public var batchHistogram: [Int: Int] { lock.withLock { batchSizes } }

    /// The predictions for `count` faces (`size * size` values 0–255 each).
    public func predict(pixels: [Float], count: Int) async throws -> [FacePrediction] {
        try await withCheckedThrowingContinuation { continuation in
            let job = Job(pixels: pixels, count: count) { continuation.resume(with: $0) }
            let start: Bool = lock.withLock {
                pending.append(job)
                if running { return false }
                running = true
                return true
            }
            if start { queue.async { self.drain() } }
        }
    }

    /// Runs batches until nobody waits.
    private func drain() {
        while true {
            let jobs: [Job] = lock.withLock {
                var taken: [Job] = [], faces = 0
                while let next = pending.first, taken.isEmpty || faces + next.count <= maxBatch {
                    taken.append(pending.removeFirst())
                    faces += next.count
                }
                if taken.isEmpty { running = false }
                return taken
            }
            if jobs.isEmpty { return }
            run(jobs)
        }
    }

    private func run(_ jobs: [Job]) {
        let total = jobs.reduce(0) { $0 + $1.count }
        let side = predictor.size
        do {
            var scalars: [Float] = []
            scalars.reserveCapacity(total * side * side)
            for job in jobs { scalars += job.pixels }
            let images = try Tensor(shape: [total, 1, side, side], scalars: scalars)
            let predictions = try predictor.predict(images, batchSize: max(total, 1))
            lock.withLock { batchSizes[total, default: 0] += 1 }
            var offset = 0
            for job in jobs {
                job.done(.success(Array(predictions[offset..<(offset + job.count)])))
                offset += job.count
            }
        } catch {
            for job in jobs { job.done(.failure(error)) }
        }
    }
}
