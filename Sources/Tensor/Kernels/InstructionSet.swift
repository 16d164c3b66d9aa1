import CVectorISA

/// The vector instruction sets the kernels have register tiles for.
///
/// Which one a build uses is fixed when it is compiled (`-march`, see
/// Package.swift): AVX-512 runs 6×32 tiles of 16-float vectors, AVX2 + FMA and
/// NEON 6×16 tiles of 8-float vectors (12 accumulators: within AVX2's 16
/// registers, 24 of NEON's 32), and the portable path 6×8 tiles of 4-float
/// vectors, which any SIMD unit holds. The portable path can also be chosen at
/// run time, so the exactness tests cover it on every machine.
public enum InstructionSet: String, Sendable {
    case avx512 = "AVX-512"
    case avx2 = "AVX2+FMA"
    case neon = "NEON"
    case portable = "portable"

    /// What this build was compiled for.
    @inline(__always)
    public static var built: InstructionSet {
        switch ainb_vector_isa() {
        case 3: return .avx512
        case 2: return .avx2
        case 1: return .neon
        default: return .portable
        }
    }

    nonisolated(unsafe) private static var portableForced = false

    /// The instruction set the kernels run now: the build's, unless the portable path is forced.
    @inline(__always)
    public static var active: InstructionSet { portableForced ? .portable : built }

    /// Runs `body` with every kernel on the portable path (for tests: call it
    /// while no other thread runs kernels).
    public static func withPortableKernels<R>(_ body: () throws -> R) rethrows -> R {
        let old = portableForced
        portableForced = true
        defer { portableForced = old }
        return try body()
    }
}
