import ArgumentParser

struct Help: ParsableCommand {
    func run() throws { throw ValidationError("'help' is not built yet") }
}
