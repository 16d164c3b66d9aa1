import Foundation
import Script

// ScriptFuzz: runs random ainb programs through parse, check and evaluate with a step
// budget, for a given time or number of programs; or runs one file (`--run FILE`).
//
//   swift run -c release ScriptFuzz --seconds 600 --seed 1
//   swift run -c release ScriptFuzz --run program.ainb

var arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

if let path = option("--run") {
    guard let source = try? String(contentsOfFile: path, encoding: .utf8) else {
        FileHandle.standardError.write("cannot read \(path)\n".data(using: .utf8)!)
        exit(2)
    }
    let session = Session()
    do {
        for item in try session.run(source, file: path) {
            if case .text(let s) = item { print(s) }
        }
    } catch {
        print(error)
        exit(1)
    }
    exit(0)
}

if let n = option("--show-generated").flatMap(Int.init) {
    let session = Session()
    for program in Fuzzer.generated(seed: UInt64(option("--seed") ?? "1") ?? 1, count: n) {
        let errors = session.check(program, file: "g")
        if let e = errors.first { print("----\n\(program)\n=> \(e)") }
    }
    exit(0)
}

let seconds = Double(option("--seconds") ?? "60") ?? 60
let seed = UInt64(option("--seed") ?? "1") ?? 1
let limit = Int(option("--programs") ?? "") ?? Int.max
let report = Fuzzer.run(seed: seed, seconds: seconds, maxPrograms: limit) { line in print(line) }
print(report.summary)
exit(report.failures.isEmpty ? 0 : 1)
