// swift-tools-version:6.1
// ainb: deep learning from plain-text notebooks, on a native Swift tensor engine.
import PackageDescription

/// Hot loops need the host's vector units: without a CPU target, SIMD code
/// compiles to one scalar call per lane. `AINB_MARCH` names another target
/// (say `x86-64-v3` for AVX2 on an AVX-512 machine, built with its own
/// `--scratch-path`), or `none` for the compiler's default.
let march = Context.environment["AINB_MARCH"] ?? "native"
let native: [SwiftSetting] = [
    .unsafeFlags((march == "none" ? [] : ["-Xcc", "-march=\(march)"]) + ["-enforce-exclusivity=unchecked"]),
]

let package = Package(
    name: "ainb",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ainb", targets: ["ainb"]),
        .library(name: "AINB", targets: ["Tensor", "Neural", "Faces", "Graphics", "Script", "Notebook"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Without its default traits: SwiftPM passes a package's trait defines in a different order
        // from one invocation to the next, so the test command would recompile SwiftProtobuf (and
        // the run command everything after it). ONNX export needs neither trait's API.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0", traits: []),
    ],
    targets: [
        .systemLibrary(name: "CVectorISA", path: "Sources/CVectorISA"),
        .systemLibrary(name: "CAllocator", path: "Sources/CAllocator"),
        .target(name: "Tensor", dependencies: ["CVectorISA", "CAllocator"], swiftSettings: native),
        // Atomic file writing, below both Neural and Graphics (which stays free of Tensor).
        .target(name: "Files"),
        .target(name: "Neural", dependencies: ["Tensor", "Files"], swiftSettings: native),
        .target(name: "Graphics", dependencies: ["CZlib", "Files"], swiftSettings: native, linkerSettings: [.linkedLibrary("z")]),
        .target(name: "Faces", dependencies: ["Tensor", "CZlib", "Files"], swiftSettings: native, linkerSettings: [.linkedLibrary("z")]),
        .target(name: "ImageFiles", dependencies: ["CPNG", "CJPEG", "Tensor", "Faces", "Graphics"], swiftSettings: native),
        .target(name: "Deploy", dependencies: ["Tensor", "Neural", "Faces", "Graphics", "ImageFiles"], swiftSettings: native),
        // ONNX export: the schema's Swift code (generated once by Scripts/onnx/generate.sh) and the writer.
        .target(name: "ONNX", dependencies: ["Tensor", "Neural", .product(name: "SwiftProtobuf", package: "swift-protobuf")], swiftSettings: native),
        // A program's values belong to one thread at a time (the thread running the session; see
        // docs/interpreter.md), so the interpreter counts references without atomic instructions,
        // as CPython does: a third of n-body's time was atomic retains and releases.
        .target(name: "Script", dependencies: ["Tensor", "Neural", "Faces", "Graphics", "Deploy", "ONNX"],
                swiftSettings: native + [.unsafeFlags(["-Xfrontend", "-assume-single-threaded"])]),
        .target(name: "Notebook", dependencies: ["Script", "Neural"], swiftSettings: native),
        .target(name: "Kernel", dependencies: ["Notebook", "Script", "Graphics"], swiftSettings: native),
        // The REST server, on an HTTP/1.1 layer of its own over POSIX sockets: a web framework
        // (Hummingbird on swift-nio) took longer to compile than the rest of the project.
        .target(name: "Serve", dependencies: ["Deploy", "ImageFiles", "Neural"], swiftSettings: native),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG"),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG"),
        .executableTarget(name: "ScriptFuzz", dependencies: ["Script"], swiftSettings: native),
        .executableTarget(
            name: "ainb",
            dependencies: [
                "Notebook", "Script", "Kernel", "Deploy", "ONNX", "Serve", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: native),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"], resources: [.copy("Fixtures")], swiftSettings: native),
        .testTarget(name: "NeuralTests", dependencies: ["Neural"], resources: [.copy("Fixtures")], swiftSettings: native),
        .testTarget(name: "GraphicsTests", dependencies: ["Graphics", "CZlib"], swiftSettings: native),
        .testTarget(name: "FacesTests", dependencies: ["Faces"], resources: [.copy("Fixtures")], swiftSettings: native),
        .testTarget(name: "ScriptTests", dependencies: ["Script"], swiftSettings: native),
        .testTarget(name: "ImageFilesTests", dependencies: ["ImageFiles", "Graphics"], resources: [.copy("Fixtures")], swiftSettings: native),
        .testTarget(name: "DeployTests", dependencies: ["Deploy"], swiftSettings: native),
        .testTarget(name: "ONNXTests", dependencies: ["ONNX", "Neural", "Tensor"], swiftSettings: native),
        .testTarget(name: "ServeTests", dependencies: ["Serve", "Deploy", "ImageFiles", "Neural", "Graphics"], swiftSettings: native),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook"], exclude: ["Fixtures"], swiftSettings: native),
        .testTarget(name: "KernelTests", dependencies: ["Kernel", "Notebook"], swiftSettings: native),
    ],
    swiftLanguageModes: [.v5]
)
