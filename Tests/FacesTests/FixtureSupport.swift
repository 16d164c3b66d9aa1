import Foundation

/// Paths and expected values of the CSV fixtures written by `Fixtures/make_fixtures.py`.
enum Fixture {
    /// The path of a fixture file.
    static func path(_ name: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            return "/missing-fixture/\(name)"
        }
        return url.path
    }

    /// Pixel value k of data row r (1-based), as the fixture script writes it.
    static func pixel(row: Int, _ k: Int) -> Float { Float((7 * k + 13 * row) % 256) }

    /// Keypoint column j of data row r, as the fixture script writes it (10 decimals), on the
    /// loader's 1/65536-pixel grid.
    static func keypoint(row: Int, _ j: Int) -> Float {
        let value = 20 + 2.5 * Double(j) + 0.0335639098 * Double(row) + 0.1234567891 * Double(j % 7)
        guard let written = Double(String(format: "%.10f", value)) else { return .nan }
        return Float((written * 65536).rounded() / 65536)
    }
}
