import XCTest
import Tensor

/// The documented PRNG (xoshiro256** seeded by SplitMix64) pinned against the Python
/// re-implementation in Scripts/make_fixtures.py, and the seeded creation functions'
/// determinism and statistics.
final class RandomTests: XCTestCase {
    private func fixture() throws -> [String: Any] { try Fixtures.json("random") }

    private func floats(_ any: Any?) throws -> [Float] { try ((any as? [Any]) ?? []).map(Fixtures.scalar) }

    func testGeneratorStreamsMatchTheReferenceImplementation() throws {
        let generators = try XCTUnwrap(fixture()["generators"] as? [[String: Any]])
        XCTAssertEqual(generators.count, 4)
        for entry in generators {
            let seed = try XCTUnwrap(UInt64(try XCTUnwrap(entry["seed"] as? String)))
            var rng = RandomGenerator(seed: seed)
            let bits = try XCTUnwrap(entry["bits"] as? [String]).map { UInt64($0, radix: 16) }
            XCTAssertEqual((0..<bits.count).map { _ in rng.next() }, bits, "seed \(seed): next()")

            rng = RandomGenerator(seed: seed)
            let expectedFloats = try floats(entry["floats"])
            XCTAssertEqual(expectedFloats.map { _ in rng.nextFloat() }, expectedFloats, "seed \(seed): nextFloat()")

            rng = RandomGenerator(seed: seed)
            let normals = try floats(entry["normals"])
            for (i, expected) in normals.enumerated() {
                XCTAssertEqual(rng.nextNormal(), expected, accuracy: 1e-6 * max(1, abs(expected)), "seed \(seed): normal \(i)")
            }

            rng = RandomGenerator(seed: seed)
            let bounds = [10, 1_000_003, 1, 7, (1 << 40) + 3, 3]
            let ints = try XCTUnwrap(entry["ints"] as? [Any]).map { ($0 as? NSNumber)?.intValue ?? ($0 as? Int) ?? -1 }
            XCTAssertEqual(bounds.map { rng.nextInt(below: $0) }, ints, "seed \(seed): nextInt(below:)")

            rng = RandomGenerator(seed: seed)
            let permutation = try XCTUnwrap(entry["permutation"] as? [Any]).map { ($0 as? NSNumber)?.intValue ?? ($0 as? Int) ?? -1 }
            XCTAssertEqual(rng.permutation(10), permutation, "seed \(seed): permutation")
        }
    }

    func testSeededCreationFunctionsMatchTheReferenceImplementation() throws {
        let expected = try XCTUnwrap(fixture()["creation"] as? [String: Any])
        XCTAssertEqual(Tensor.rand([2, 3], seed: 7).scalars, try floats(expected["rand_seed7"]))
        assertClose(Tensor.randn([5], seed: 7), Tensor(try floats(expected["randn_seed7"])), rtol: 1e-6, atol: 1e-6, "randn")
        var rng = RandomGenerator(seed: 3)
        XCTAssertEqual(Tensor.uniform([6], low: -2, high: 3, using: &rng).scalars, try floats(expected["uniform_seed3_m2_3"]))
        rng = RandomGenerator(seed: 5)
        XCTAssertEqual(try Tensor.bernoulli([10], p: 0.3, using: &rng).scalars, try floats(expected["bernoulli_seed5_p03"]))
        rng = RandomGenerator(seed: 11)
        let fans = Tensor.fans([3, 4])
        XCTAssertEqual(fans.fanIn, 4)
        XCTAssertEqual(fans.fanOut, 3)
        XCTAssertEqual(Tensor.glorotUniform([3, 4], fanIn: fans.fanIn, fanOut: fans.fanOut, using: &rng).scalars,
                       try floats(expected["glorot_seed11_3x4"]))
        rng = RandomGenerator(seed: 13)
        assertClose(Tensor.heNormal([3, 4], fanIn: 4, using: &rng), try Tensor(shape: [3, 4], scalars: try floats(expected["he_seed13_3x4"])),
                    rtol: 1e-6, atol: 1e-6, "heNormal")
        rng = RandomGenerator(seed: 17)
        XCTAssertEqual(try dropout(Tensor.ones([8]), rate: 0.25, training: true, using: &rng).scalars,
                       try floats(expected["dropout_mask_seed17_rate025"]))
    }

    func testSameSeedSameNumbersDifferentSeedDifferentNumbers() {
        XCTAssertEqual(Tensor.rand([100], seed: 9).scalars, Tensor.rand([100], seed: 9).scalars)
        XCTAssertEqual(Tensor.randn([100], seed: 9).scalars, Tensor.randn([100], seed: 9).scalars)
        XCTAssertNotEqual(Tensor.rand([100], seed: 9).scalars, Tensor.rand([100], seed: 10).scalars)
        var a = RandomGenerator(seed: 1), b = RandomGenerator(seed: 1)
        XCTAssertEqual(Tensor.heNormal([50], fanIn: 3, using: &a).scalars, Tensor.heNormal([50], fanIn: 3, using: &b).scalars)
        XCTAssertEqual(a.permutation(20), b.permutation(20))
    }

    private func moments(_ t: Tensor) -> (mean: Double, std: Double) {
        let values = t.scalars.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return (mean, variance.squareRoot())
    }

    func testUniformAndNormalStatistics() {
        let n = 20_000
        let u = Tensor.rand([n], seed: 21)
        XCTAssertTrue(u.scalars.allSatisfy { $0 >= 0 && $0 < 1 })
        let mu = moments(u)
        // Standard errors: 0.29/√n ≈ 0.002 for the mean.
        XCTAssertEqual(mu.mean, 0.5, accuracy: 0.01)
        XCTAssertEqual(mu.std, (1.0 / 12).squareRoot(), accuracy: 0.01)
        let g = moments(Tensor.randn([n], seed: 22))
        XCTAssertEqual(g.mean, 0, accuracy: 0.03)
        XCTAssertEqual(g.std, 1, accuracy: 0.03)
        var rng = RandomGenerator(seed: 23)
        let shifted = moments(Tensor.normal([n], mean: 3, std: 0.5, using: &rng))
        XCTAssertEqual(shifted.mean, 3, accuracy: 0.02)
        XCTAssertEqual(shifted.std, 0.5, accuracy: 0.02)
        rng = RandomGenerator(seed: 24)
        let b = try? Tensor.bernoulli([n], p: 0.3, using: &rng)
        XCTAssertTrue(b?.scalars.allSatisfy { $0 == 0 || $0 == 1 } ?? false)
        XCTAssertEqual(moments(b ?? Tensor([0])).mean, 0.3, accuracy: 0.015)
    }

    func testInitialiserStatistics() {
        var rng = RandomGenerator(seed: 31)
        let (fanIn, fanOut) = Tensor.fans([64, 32, 3, 3])
        XCTAssertEqual(fanIn, 288)
        XCTAssertEqual(fanOut, 576)
        let glorot = Tensor.glorotUniform([64, 32, 3, 3], fanIn: fanIn, fanOut: fanOut, using: &rng)
        let limit = Float((6.0 / Double(fanIn + fanOut)).squareRoot())
        XCTAssertTrue(glorot.scalars.allSatisfy { abs($0) <= limit })
        XCTAssertEqual(moments(glorot).std, Double(limit) / 3.0.squareRoot(), accuracy: 0.02 * Double(limit))
        let he = Tensor.heNormal([64, 32, 3, 3], fanIn: fanIn, using: &rng)
        let std = (2.0 / Double(fanIn)).squareRoot()
        XCTAssertEqual(moments(he).mean, 0, accuracy: 0.03 * std)
        XCTAssertEqual(moments(he).std, std, accuracy: 0.03 * std)
        // Truncated at two standard deviations of the underlying normal.
        XCTAssertTrue(he.scalars.allSatisfy { Double(abs($0)) <= 2 * std / 0.879_625_661 + 1e-6 })
    }

    func testDropoutZeroesAtTheRateAndScalesTheRest() throws {
        let x = Tensor.rand([10_000], seed: 40).map { $0 + 0.5 }
        var rng = RandomGenerator(seed: 41)
        let y = try dropout(x, rate: 0.3, training: true, using: &rng)
        let dropped = zip(x.scalars, y.scalars).filter { $0.1 == 0 }.count
        XCTAssertEqual(Double(dropped) / 10_000, 0.3, accuracy: 0.015)
        for (a, b) in zip(x.scalars, y.scalars) where b != 0 { XCTAssertEqual(b, a / 0.7, accuracy: 1e-6 * abs(b)) }
        // The expected value is kept.
        XCTAssertEqual(Double(try y.mean().scalars[0]), Double(try x.mean().scalars[0]), accuracy: 0.02)
        // The mask is the documented formula: value zeroed when nextFloat() < rate.
        var replay = RandomGenerator(seed: 41)
        let expected = x.scalars.map { v in replay.nextFloat() < 0.3 ? 0 : v * (1 / (1 - Float(0.3))) }
        XCTAssertEqual(y.scalars, expected)
    }

    func testDropoutGradientIsTheMaskAndInferenceIsTheIdentity() throws {
        let x = Tensor.randn([200], seed: 42).requiringGrad()
        var rng = RandomGenerator(seed: 43)
        let y = try dropout(x, rate: 0.5, training: true, using: &rng)
        let dx = try gradients(of: try y.sum(), wrt: [x])[0]
        XCTAssertEqual(dx.scalars, y.scalars.enumerated().map { i, v in v == 0 && x.scalars[i] != 0 ? 0 : 2 })
        var again = RandomGenerator(seed: 43)
        XCTAssertEqual(try dropout(x, rate: 0.5, training: true, using: &again).scalars, y.scalars)
        var other = RandomGenerator(seed: 44)
        XCTAssertNotEqual(try dropout(x, rate: 0.5, training: true, using: &other).scalars, y.scalars)
        var unused = RandomGenerator(seed: 45)
        XCTAssertEqual(try dropout(x, rate: 0.5, training: false, using: &unused).scalars, x.scalars)
        XCTAssertThrowsError(try dropout(x, rate: 1, training: true, using: &unused))
    }

    func testPermutationIsAPermutationAndNextIntStaysInRange() {
        var rng = RandomGenerator(seed: 50)
        XCTAssertEqual(rng.permutation(100).sorted(), Array(0..<100))
        XCTAssertEqual(rng.permutation(0), [])
        XCTAssertEqual(rng.permutation(-3), [])
        XCTAssertTrue((0..<1000).allSatisfy { _ in (0..<7).contains(rng.nextInt(below: 7)) })
        XCTAssertEqual(rng.nextInt(below: 0), 0)
    }
}
