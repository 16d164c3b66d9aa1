import ArgumentParser

struct Run: ParsableCommand {
    func run() throws { throw ValidationError("'run' is not built yet") }
}
