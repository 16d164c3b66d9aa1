import ArgumentParser

struct Repl: ParsableCommand {
    func run() throws { throw ValidationError("'repl' is not built yet") }
}
