import Foundation

/// Broadcasting arithmetic: each operator with its local gradient beside it.
extension Tensor {
    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try Broadcast.apply(a, b, op: "+", +)
        let (sa, sb) = (a.shape, b.shape)
        return out.recording("add", [a, b]) { g, needs in
            [needs[0] ? try g.sum(toShape: sa) : nil, needs[1] ? try g.sum(toShape: sb) : nil]
        }
    }

    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try Broadcast.apply(a, b, op: "-", -)
        let (sa, sb) = (a.shape, b.shape)
        return out.recording("sub", [a, b]) { g, needs in
            [needs[0] ? try g.sum(toShape: sa) : nil, needs[1] ? try (-g).sum(toShape: sb) : nil]
        }
    }

    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try Broadcast.apply(a, b, op: "*", *)
        return out.recording("mul", [a, b]) { g, needs in
            [needs[0] ? try (g * b).sum(toShape: a.shape) : nil,
             needs[1] ? try (g * a).sum(toShape: b.shape) : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try Broadcast.apply(a, b, op: "/", /)
        return out.recording("div", [a, b]) { g, needs in
            [needs[0] ? try (g / b).sum(toShape: a.shape) : nil,
             needs[1] ? try (-(g * a) / (b * b)).sum(toShape: b.shape) : nil]
        }
    }

    public static prefix func - (a: Tensor) -> Tensor {
        let out = Tensor(uncheckedShape: a.shape, scalars: a.scalars.map { -$0 })
        return out.recording("neg", [a]) { g, _ in [-g] }
    }

    public static func + (a: Tensor, b: Float) throws -> Tensor { try a + Tensor(b) }
    public static func - (a: Tensor, b: Float) throws -> Tensor { try a - Tensor(b) }
    public static func * (a: Tensor, b: Float) throws -> Tensor { try a * Tensor(b) }
    public static func / (a: Tensor, b: Float) throws -> Tensor { try a / Tensor(b) }
    public static func + (a: Float, b: Tensor) throws -> Tensor { try Tensor(a) + b }
    public static func - (a: Float, b: Tensor) throws -> Tensor { try Tensor(a) - b }
    public static func * (a: Float, b: Tensor) throws -> Tensor { try Tensor(a) * b }
    public static func / (a: Float, b: Tensor) throws -> Tensor { try Tensor(a) / b }
}

/// `a` raised to the power `b`, broadcast.
public func pow(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    let out = try Broadcast.apply(a, b, op: "pow") { Foundation.pow($0, $1) }
    return out.recording("pow", [a, b]) { g, needs in
        var grads: [Tensor?] = [nil, nil]
        if needs[0] {
            // d/da a^b = b · a^(b−1)
            grads[0] = try (g * b * pow(a, b - 1)).sum(toShape: a.shape)
        }
        if needs[1] && GradMode.isEnabled {
            // createGraph: a^b · ln a through recorded ops (ln a taken as 0 where a <= 0).
            let positive = try compare(a, .greater, Tensor(0))
            grads[1] = try (g * pow(a, b) * log(try `where`(positive, a, Tensor(1)))).sum(toShape: b.shape)
        } else if needs[1] {
            // d/db a^b = a^b · ln a (taken as 0 where a^b is 0)
            let lnA = Tensor(uncheckedShape: a.shape, scalars: a.scalars.map { $0 > 0 ? Foundation.log($0) : 0 })
            grads[1] = try (g * out.detached * lnA).sum(toShape: b.shape)
        }
        return grads
    }
}

/// `a` raised to a constant power.
public func pow(_ a: Tensor, _ exponent: Float) throws -> Tensor {
    if exponent == 2 { return try a * a }
    return try pow(a, Tensor(exponent))
}
