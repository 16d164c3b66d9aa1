import ArgumentParser
import Faces
import Foundation

/// `ainb data`: writes synthetic faces in the real files' layouts and describes data files.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Synthetic faces and data file descriptions.",
        subcommands: [Synth.self, Info.self])

    /// `ainb data synth keypoints|emotions`.
    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write seeded synthetic faces as CSV in the real files' layouts.",
            subcommands: [Keypoints.self, Emotions.self])
    }

    /// `ainb data synth keypoints --n N --seed S -o FILE.csv`.
    struct Keypoints: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "96x96 faces with the 15 Kaggle keypoints, in training.csv's layout (or test.csv's with --test).")
        @Option(name: .customLong("n"), help: "Number of faces.") var count = 2140
        @Option(help: "Random seed: the same seed writes the same file.") var seed: UInt64 = 0
        @Flag(help: "Write Kaggle test.csv's layout (ImageId,Image) without keypoints.") var test = false
        @Option(name: .shortAndLong, help: "Output CSV file.") var output: String

        func run() throws {
            let set = try SyntheticFaces.keypoints(count: count, seed: seed)
            let bytes = test ? FaceDataWriter.keypointsTestCSV(set) : FaceDataWriter.keypointsCSV(set)
            try FaceDataWriter.write(bytes, to: output)
            print("wrote \(count) keypoint faces to \(output)")
        }
    }

    /// `ainb data synth emotions --classes 5|7 --n N --seed S [--balanced] -o FILE.csv`.
    struct Emotions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "48x48 expression faces: 5 classes in icml_face_data.csv's layout, 7 in fer2013.csv's.")
        @Option(help: "5 (anger, disgust, sad, happiness, surprise) or 7 (FER2013's classes).") var classes = 5
        @Option(name: .customLong("n"), help: "Number of faces.") var count = 24568
        @Option(help: "Random seed: the same seed writes the same file.") var seed: UInt64 = 0
        @Flag(help: "Equal class counts instead of the course's proportions.") var balanced = false
        @Option(name: .shortAndLong, help: "Output CSV file.") var output: String

        func validate() throws {
            guard classes == 5 || classes == 7 else { throw ValidationError("--classes must be 5 or 7, got \(classes)") }
            guard count >= 0 else { throw ValidationError("--n must be >= 0") }
        }

        func run() throws {
            let set = try SyntheticFaces.emotions(count: count, classes: classes, seed: seed, balanced: balanced)
            let bytes = try FaceDataWriter.emotionsCSV(set, layout: classes == 5 ? .icmlFaceData : .fer2013)
            try FaceDataWriter.write(bytes, to: output)
            print("wrote \(count) emotion faces (\(classes) classes) to \(output)")
        }
    }

    /// `ainb data info FILE.csv [--json]`.
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a keypoint or emotion CSV and print its kind, rows, complete rows and class counts.")
        @Argument(help: "A training.csv, test.csv, data.csv, fer2013.csv, icml_face_data.csv or emotion, pixels file.")
        var file: String
        @Flag(help: "Print JSON: {\"kind\", \"rows\", \"complete_rows\", \"classes\"}.") var json = false

        func run() throws {
            do {
                let info = try DataInfo(path: file)
                print(json ? info.json : info.text)
            } catch let error as FacesError {
                FileHandle.standardError.write(Array("error: \(error)\n".utf8).withUnsafeBufferPointer { Data($0) })
                throw ExitCode.failure
            }
        }
    }
}
