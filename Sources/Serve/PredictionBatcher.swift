import Deploy
import Dispatch
import Foundation
import Tensor

/// Runs the model for many concurrent requests: faces that arrive while the model is busy
/// wait together and go through it as one batch (up to `maxBatch` faces), on one worker queue.
///
/// A batch starts when `maxBatch` faces wait or when the first of them has waited
/// `batchTimeout` (TensorFlow Serving's `batch_timeout_micros`). Without that wait, clients
/// that all send their next request when a batch answers would find the model idle, and the
/// first request to arrive would run alone while the others queue behind it.
public final class PredictionBatcher: @unchecked Sendable {
    private struct Job {
        let pixels: [Float]
        let count: Int
        let arrived: Date
        let done: (Result<[FacePrediction], Error>) -> Void
    }

    private let predictor: FacePredictor
    private let maxBatch: Int
    private let batchTimeout: TimeInterval
    /// Guards the queue; signalled when a job arrives, so a waiting batch can start as soon as it is full.
    private let lock = NSCondition()
    private var pending: [Job] = []
    private var pendingFaces = 0
    private var running = false
    private let queue = DispatchQueue(label: "ainb.serve.model")
    private var batchSizes: [Int: Int] = [:]

    /// A batcher over `predictor`, at most `maxBatch` faces per model call (a bigger request
    /// runs alone), waiting at most `batchTimeout` for a batch to fill.
    public init(_ predictor: FacePredictor, maxBatch: Int = 64, batchTimeout: Duration = .milliseconds(5)) {
        self.predictor = predictor
        self.maxBatch = max(1, maxBatch)
        let parts = max(.zero, batchTimeout).components
        self.batchTimeout = Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }

    /// The side of the square faces the model takes.
    public var size: Int { predictor.size }

    /// The model's emotion classes.
    public var classNames: [String] { predictor.classNames }

    /// The model file served.
    public var model: ModelFile { predictor.model }

    /// How many model calls ran with each batch size so far.
    public var batchHistogram: [Int: Int] { lock.withLock { batchSizes } }

    /// The predictions for `count` faces (`size * size` values 0–255 each); blocks the calling
    /// thread (a connection's) until its batch has run.
    public func predict(pixels: [Float], count: Int) throws -> [FacePrediction] {
        let done = DispatchSemaphore(value: 0)
        var result: Result<[FacePrediction], Error>?
        let job = Job(pixels: pixels, count: count, arrived: Date()) {
            result = $0
            done.signal()
        }
        let start: Bool = lock.withLock {
            pending.append(job)
            pendingFaces += count
            lock.signal()
            if running { return false }
            running = true
            return true
        }
        if start { queue.async { self.drain() } }
        done.wait()
        guard let result else { throw ServingError(status: 500, message: "the model gave no answer") }
        return try result.get()
    }

    /// Runs batches until nobody waits.
    private func drain() {
        while true {
            waitForBatch()
            let jobs: [Job] = lock.withLock {
                var taken: [Job] = [], faces = 0
                while let next = pending.first, taken.isEmpty || faces + next.count <= maxBatch {
                    taken.append(pending.removeFirst())
                    faces += next.count
                }
                pendingFaces -= faces
                if taken.isEmpty { running = false }
                return taken
            }
            if jobs.isEmpty { return }
            run(jobs)
        }
    }

    /// Waits until a full batch waits or the oldest job has waited `batchTimeout`.
    private func waitForBatch() {
        lock.withLock {
            while pendingFaces < maxBatch, let oldest = pending.first {
                let due = oldest.arrived.addingTimeInterval(batchTimeout)
                if Date() >= due { return }
                _ = lock.wait(until: due)
            }
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
