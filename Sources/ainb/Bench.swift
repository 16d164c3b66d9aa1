import ArgumentParser
import Foundation
import Tensor

/// `ainb bench [NAME] [--json]`: engine, training and interpreter benchmarks.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the engine, training and the interpreter.",
        discussion: """
        Benchmarks: \(Bench.all.map(\.name).joined(separator: ", ")).
        Each has a PyTorch or CPython reference script in bench/ that prints the same cases.
        """)

    /// One benchmark: a name and what runs it.
    struct Entry {
        let name: String
        let summary: String
        let run: (_ json: Bool) throws -> Void
    }

    static let all: [Entry] = [
        Entry(name: "gemm", summary: "matrix multiply GFLOPS at the course's shapes", run: BenchGEMM.run),
        Entry(name: "conv", summary: "conv2d forward + backward GFLOPS at batch 32", run: BenchConv.run),
        Entry(name: "train-keypoints", summary: "keypoint ResNet training images/s (batch 32, Adam)", run: BenchTraining.keypoints),
        Entry(name: "train-emotions", summary: "emotion ResNet training images/s (batch 64, Adam)", run: BenchTraining.emotions),
        Entry(name: "infer-keypoints", summary: "keypoint ResNet predict images/s (batch 32, eval mode)", run: BenchTraining.inferKeypoints),
        Entry(name: "interp", summary: "the interpreter on ainb programs of every common kind", run: BenchInterp.run),
    ]

    @Argument(help: "Which benchmark (default: all of them).")
    var name: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        if !json { print("kernels: \(InstructionSet.active.rawValue) (\(Parallel.threadCount) threads)") }
        if let name {
            guard let entry = Self.all.first(where: { $0.name == name }) else {
                throw ValidationError("no benchmark '\(name)'; there are: \(Self.all.map(\.name).joined(separator: ", "))")
            }
            try entry.run(json)
        } else {
            for entry in Self.all { try entry.run(json) }
        }
    }
}
