import ArgumentParser

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "data", abstract: "Synthetic faces and data file descriptions.")
    func run() throws { throw ValidationError("'data' is not built yet") }
}
