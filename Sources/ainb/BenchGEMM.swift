import ArgumentParser

enum BenchGEMM {
    static func run(json: Bool) throws {
        throw ValidationError("this benchmark is not built yet")
    }
}
