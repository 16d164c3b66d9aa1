import ArgumentParser

struct Check: ParsableCommand {
    func run() throws { throw ValidationError("'check' is not built yet") }
}
