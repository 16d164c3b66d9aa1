import ArgumentParser
import Foundation
import Tensor

/// `ainb bench`: engine and interpreter benchmarks.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the engine: GEMM and convolution GFLOPS.")

    @Argument(help: "Which benchmark: gemm, conv (default: all).")
    var name: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        throw ValidationError("benchmarks are not built yet")
    }
}
