import XCTest
import Graphics

final class TicksTests: XCTestCase {
    func testLinearTicksAreRoundAndCoverTheRange() {
        let ticks = Ticks.linear(from: -0.13, to: 2.61, target: 6)
        XCTAssertEqual(ticks.map(\.value), [0, 0.5, 1, 1.5, 2, 2.5])
        XCTAssertEqual(ticks.map(\.label), ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"])
        let big = Ticks.linear(from: 0, to: 9430, target: 5)
        XCTAssertEqual(big.map(\.label), ["0", "2000", "4000", "6000", "8000"])
        // Steps of 2.5 lose to 2 unless clearly closer to the wanted count.
        let unit = Ticks.linear(from: 0, to: 1, target: 4)
        XCTAssertEqual(unit.map(\.label), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    func testTickLabelsHaveNoFloatingPointNoise() {
        let ticks = Ticks.linear(from: 0.1, to: 0.7, target: 6)
        for t in ticks { XCTAssertLessThanOrEqual(t.label.count, 4, t.label) }
        XCTAssertTrue(ticks.map(\.label).contains("0.3"))
        XCTAssertEqual(Ticks.linear(from: -1, to: 1, target: 2).map(\.label), ["-1", "0", "1"])
    }

    func testLogTicksArePowersOfTen() {
        let ticks = Ticks.log(from: 3e-6, to: 0.5, target: 8)
        let majors = ticks.filter(\.isMajor)
        XCTAssertEqual(majors.map(\.value), [1e-5, 1e-4, 1e-3, 1e-2, 1e-1])
        XCTAssertEqual(majors.map(\.label), ["1e-5", "1e-4", "1e-3", "1e-2", "1e-1"])
        for t in majors {
            let e = log10(t.value)
            XCTAssertEqual(e, e.rounded(), accuracy: 1e-12)
        }
        // Minor ticks sit at 2…9 times a power of ten, unlabelled.
        let minors = ticks.filter { !$0.isMajor }   // five decades: no minor labels
        XCTAssertFalse(minors.isEmpty)
        for t in minors {
            XCTAssertEqual(t.label, "")
            let m = t.value / pow(10, floor(log10(t.value)))
            XCTAssertEqual(m, m.rounded(), accuracy: 1e-9)
        }
        XCTAssertEqual(Ticks.log(from: 0.002, to: 20, target: 8).filter(\.isMajor).map(\.label), ["0.01", "0.1", "1", "10"])
    }

    func testLogTicksWithinOneDecadeUseOneTwoFive() {
        let ticks = Ticks.log(from: 0.15, to: 0.9, target: 6)
        XCTAssertEqual(ticks.map(\.value), [0.2, 0.5])
    }

    func testLimitsSkipNonFiniteValuesAndNonPositiveOnesOnLogAxes() {
        let r = Ticks.limits([1, .nan, 3, .infinity, -.infinity], scale: .linear)
        XCTAssertEqual(r.lowerBound, 0.9, accuracy: 1e-12)
        XCTAssertEqual(r.upperBound, 3.1, accuracy: 1e-12)
        let l = Ticks.limits([0, -1, 1e-3, 10], scale: .log)
        XCTAssertLessThan(l.lowerBound, 1e-3)
        XCTAssertGreaterThan(l.lowerBound, 0)
        XCTAssertEqual(Ticks.limits([], scale: .linear), 0...1)
        XCTAssertEqual(Ticks.limits([.nan], scale: .log), 1...10)
        let flat = Ticks.limits([5, 5], scale: .linear)
        XCTAssertTrue(flat.contains(5) && flat.upperBound > flat.lowerBound)
    }

    func testNumberFormatting() {
        XCTAssertEqual(Ticks.format(-0.0001, decimals: 2), "0.00")
        XCTAssertEqual(Ticks.format(2.675, decimals: 1), "2.7")
        XCTAssertEqual(Ticks.formatCompact(8989), "8989")
        XCTAssertEqual(Ticks.formatCompact(0.123456), "0.123")
        XCTAssertEqual(Ticks.formatCompact(1.5e-5), "1.5e-5")
        XCTAssertEqual(Ticks.formatCompact(2.5e7), "2.5e7")
        XCTAssertEqual(Ticks.formatCompact(.nan), "nan")
    }
}

final class LogLabelTests: XCTestCase {
    func testFewDecadesAlsoLabelTwoAndFiveTimesPowers() {
        let ticks = Ticks.log(from: 0.6, to: 12, target: 6)
        XCTAssertEqual(ticks.filter(\.isMajor).map(\.label), ["1", "10"])
        XCTAssertEqual(ticks.filter { !$0.label.isEmpty && !$0.isMajor }.map(\.label), ["2", "5"])
    }
}
