// swift-tools-version:6.0
// ainb: deep learning from plain-text notebooks, on a native Swift tensor engine.
import PackageDescription

/// Hot loops need the host's vector units: without a CPU target, SIMD code
/// compiles to one scalar call per lane.
let native: [SwiftSetting] = [
    .unsafeFlags(["-Xcc", "-march=native", "-enforce-exclusivity=unchecked"]),
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
    ],
    targets: [
        .target(name: "Tensor", swiftSettings: native),
        .target(name: "Neural", dependencies: ["Tensor"], swiftSettings: native),
        .target(name: "Graphics", dependencies: ["CZlib"], swiftSettings: native, linkerSettings: [.linkedLibrary("z")]),
        .target(name: "Faces", dependencies: ["Tensor", "CZlib"], swiftSettings: native, linkerSettings: [.linkedLibrary("z")]),
        .target(name: "Script", dependencies: ["Tensor", "Neural", "Faces", "Graphics"], swiftSettings: native),
        .target(name: "Notebook", dependencies: ["Script"], swiftSettings: native),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .executableTarget(name: "ScriptFuzz", dependencies: ["Script"], swiftSettings: native),
        .executableTarget(
            name: "ainb",
            dependencies: [
                "Notebook", "Script", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: native),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"], resources: [.copy("Fixtures")], swiftSettings: native),
        .testTarget(name: "NeuralTests", dependencies: ["Neural"], resources: [.copy("Fixtures")], swiftSettings: native),
        .testTarget(name: "GraphicsTests", dependencies: ["Graphics", "CZlib"], swiftSettings: native),
        .testTarget(name: "FacesTests", dependencies: ["Faces"], resources: [.copy("Fixtures")], swiftSettings: native),
        .testTarget(name: "ScriptTests", dependencies: ["Script"], swiftSettings: native),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook"], exclude: ["Fixtures"], swiftSettings: native),
    ],
    swiftLanguageModes: [.v5]
)
