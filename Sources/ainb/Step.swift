import ArgumentParser

struct Step: ParsableCommand {
    func run() throws { throw ValidationError("'step' is not built yet") }
}
