import Foundation
import Script
import XCTest

/// `grad` and `descend`: exact derivatives checked against calculus and finite differences.
final class GradTests: XCTestCase {
    private func number(_ source: String) throws -> Double {
        let text = try value(source)
        guard let d = Double(text) else { XCTFail("not a number: \(text)"); return .nan }
        return d
    }

    func testDerivativeOfANumberFunction() throws {
        XCTAssertEqual(try number("df = grad(fn(x) (x - 3)^2)\ndf(10)"), 14)
        let x = 0.7
        let expected = cos(x) * exp(x) + sin(x) * exp(x)
        XCTAssertEqual(try number("grad(fn(x) sin(x) * exp(x))(0.7)"), expected, accuracy: 1e-12)
    }

    func testDerivativesOfEveryMathFunctionMatchFiniteDifferences() throws {
        for f in ["tanh(x)", "sigmoid(x)", "gelu(x)", "sqrt(x)", "log(x)", "abs(x)", "exp(x) / x", "2 ^ x", "x ^ 1.5",
                  "cos(x) - x % 1", "relu(x - 1)", "clamp(x, min: 0, max: 2)", "pow(x, 3)", "1 / (1 + x * x)"] {
            let source = """
            fn f(x) = \(f)
            h = 1e-6
            x0 = 1.3
            [grad(f)(x0), (f(x0 + h) - f(x0 - h)) / (2 * h)]
            """
            let text = try value(source)
            let parts = text.dropFirst().dropLast().split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            XCTAssertEqual(parts.count, 2, f)
            if parts.count == 2 { XCTAssertEqual(parts[0], parts[1], accuracy: 1e-5 * max(1, abs(parts[1])), f) }
        }
    }

    func testFunctionUsingTensorOpsFallsBackToTheEngine() throws {
        // d/dx (x² + (2x)²) = 10x
        XCTAssertEqual(try number("fn f(x) = sum(tensor([x, 2 * x]) ^ 2)\ngrad(f)(1.5)"), 15, accuracy: 1e-5)
        XCTAssertEqual(try number("fn f(x) = sum(ones([3]) * x * x)\ngrad(f)(2)"), 12, accuracy: 1e-5)
    }

    func testAFunctionThatMeetsATensorRunsOnce() throws {
        // The print and the metric come before the number meets a tensor: they must run once.
        let session = Session()
        let lines = try runLines("""
        fn f(x) {
          print("step {x}")
          metric("calls", 1)
          sum(tensor([1, 2]) * x * x)
        }
        grad(f)(1.5)
        """, session: session)
        XCTAssertEqual(lines.dropLast(), ["step 1.5"])
        XCTAssertEqual(try XCTUnwrap(Double(lines.last ?? "")), 9, accuracy: 1e-5)   // d/dx 3x² = 6x
        XCTAssertEqual(session.metrics.map(\.name), ["calls"])
    }

    func testMixedNumberAndTensorPathsChainTheirDerivatives() throws {
        // x² (as numbers) meets a tensor, then exp: d/dx sum(exp(x² · [1, 2])) = 2x·e^{x²} + 4x·e^{2x²}
        let x = 0.6
        let expected = 2 * x * exp(x * x) + 4 * x * exp(2 * x * x)
        XCTAssertEqual(try number("grad(fn(x) sum(exp(tensor([1, 2]) * (x * x))))(0.6)"), expected, accuracy: 1e-4)
        // A list holding numbers with derivatives becomes a tensor that keeps them.
        XCTAssertEqual(try number("grad(fn(x) sum(tensor([x, x * x, 3])))(2)"), 5, accuracy: 1e-5)
        // Second derivative through a tensor: d²/dx² sum(ones([2]) · x³) = 12x
        XCTAssertEqual(try number("grad(grad(fn(x) sum(ones([2]) * x ^ 3)))(0.5)"), 6, accuracy: 1e-4)
    }

    func testGradientOfATensorFunction() throws {
        XCTAssertEqual(try value("g = grad(fn(t) sum(t * t))\ntolist(g(tensor([1, 2, 3])))"), "[2, 4, 6]")
        // d/dw mean((w·x − y)²) against a hand derivation: 2·mean(w·x − y)·x
        let text = try value("""
        x = tensor([1, 2])
        fn loss(w) = mean((sum(w * x) - 1) ^ 2)
        tolist(grad(loss)(tensor([0.5, 0.25])))
        """)
        // w·x = 1, so the loss and its gradient are 0.
        XCTAssertEqual(text, "[0, 0]")
        let nonzero = try value("x = tensor([1, 2])\nfn loss(w) = (sum(w * x) - 3) ^ 2\ntolist(grad(loss)(tensor([1, 0])))")
        XCTAssertEqual(nonzero, "[-4, -8]")   // 2·(1 − 3)·x
    }

    func testGradWithRespectToSeveralArgumentsOrByName() throws {
        XCTAssertEqual(try value("grad(fn(a, b) a * b + a, wrt: [0, 1])(2, 3)"), "[4, 2]")
        XCTAssertEqual(try value("grad(fn(a, b) a * b ^ 2, wrt: \"b\")(2, 3)"), "12")
        XCTAssertEqual(try value("grad(fn(a, b) a * b, wrt: 1)(5, 7)"), "5")
    }

    func testSecondDerivative() throws {
        XCTAssertEqual(try number("grad(grad(fn(x) x ^ 3))(2)"), 12, accuracy: 1e-4)
    }

    func testNestedGradsKeepTheirDerivativesApart() throws {
        // d/dx [x · d/dy (x + y)] = 1: the inner derivative is 1 whatever x is. Mixing the
        // two runs' derivatives (perturbation confusion) gives 2.
        XCTAssertEqual(try number("grad(fn(x) x * grad(fn(y) x + y)(1))(1)"), 1, accuracy: 1e-6)
        // f(x) = d/dy (x·y) = x, so f'(x) = 1; the same through a tensor inside.
        XCTAssertEqual(try number("fn f(x) = grad(fn(y) x * y)(1)\ngrad(f)(2)"), 1, accuracy: 1e-6)
        XCTAssertEqual(try number("fn f(x) = grad(fn(y) sum(tensor([x]) * y))(1)\ngrad(f)(2)"), 1, accuracy: 1e-6)
        // h(x) = d/dy (x²y²) at y = 3 = 6x², h'(2) = 24; against a finite difference too.
        let h = "fn h(x) = grad(fn(y) sum(tensor([x * x]) * y * y))(3)\n"
        XCTAssertEqual(try number(h + "h(2)"), 24, accuracy: 1e-4)
        XCTAssertEqual(try number(h + "grad(h)(2)"), 24, accuracy: 1e-3)
        let e = 1e-3
        XCTAssertEqual(try number(h + "(h(2 + \(e)) - h(2 - \(e))) / \(2 * e)"), 24, accuracy: 1e-2)
    }

    func testConstantFunctionHasZeroGradient() throws {
        XCTAssertEqual(try value("grad(fn(x) 5)(1)"), "0")
        // item() leaves the graph, as in PyTorch.
        XCTAssertEqual(try value("grad(fn(t) item(sum(t)))(ones([2])).shape"), "[2]")
    }

    func testGradNeedsAScalarResult() {
        assertError("grad(fn(t) t * 2)(ones([2]))", "grad(fn): the function must return a single number, got a tensor of shape [2]", line: 1, column: 1)
    }

    func testDescendFollowsGradientDescent() throws {
        // x ← x − 0.1·2(x − 3): the distance to 3 shrinks by 0.8 each step.
        let last = try number("descend(fn(x) (x - 3)^2, from: 10, lr: 0.1, steps: 30).last")
        XCTAssertEqual(last, 3 + 7 * pow(0.8, 30), accuracy: 1e-12)
        XCTAssertEqual(try value("len(descend(fn(x) x * x, from: 1, steps: 5))"), "6")
        let tensorPath = try value("p = descend(fn(t) sum((t - 3)^2), from: tensor([10, -10]), lr: 0.25, steps: 1)\ntolist(p.last)")
        XCTAssertEqual(tensorPath, "[6.5, -3.5]")   // t − 0.25·2(t − 3)
    }

    func testBenchmarkDescentConverges() throws {
        XCTAssertEqual(try number("fn f(x) = (x - 3)^2\ndf = grad(f)\nx = 10\nfor i in 0..2000 { x = x - 0.01 * df(x) }\nx"), 3, accuracy: 1e-12)
    }
}
