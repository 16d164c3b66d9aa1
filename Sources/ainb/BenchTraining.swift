import ArgumentParser

enum BenchTraining {
    static func keypoints(json: Bool) throws { throw ValidationError("this benchmark is not built yet") }
    static func emotions(json: Bool) throws { throw ValidationError("this benchmark is not built yet") }
}
