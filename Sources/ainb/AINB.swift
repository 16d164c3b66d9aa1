import ArgumentParser
import Foundation
import Tensor

/// The `ainb` command: runs notebooks, the REPL, data tools and benchmarks.
@main
struct AINB: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "ainb",
        abstract: "Deep learning from plain-text notebooks, on a native Swift engine.",
        version: version,
        subcommands: [Repl.self, Run.self, Check.self, Step.self, Convert.self, CacheCommand.self, KernelCommand.self, DataCommand.self, Predict.self, Serve.self, Export.self, Bench.self, Help.self],
        defaultSubcommand: Repl.self
    )

    static func main() {
        // Training allocates the same big arrays every step: keep freed blocks for reuse.
        Memory.keepFreedBlocks()
        main(nil)
    }
}
