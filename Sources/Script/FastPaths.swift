import Foundation

/// Typed fast paths the compiler adds on top of the general lowering in Compiler.swift.
///
/// Each one serves a class of programs, checks its assumption when it runs (a number, a
/// list, a record whose keys it has seen) and otherwise falls back to the general path, so
/// results never depend on whether it fires. `Compiler.fastPaths` turns them all off; only
/// the test that compares both ways does that.
extension Compiler {
    // MARK: number operands

    /// Where an operand of a number operation comes from, so that reading it needs no
    /// closure call: a constant, a variable's slot, or any other expression.
    enum Operand {
        case constant(Double)
        /// A variable's slot (see `variableSlot`), and the general read (which reports a
        /// variable used before it has a value).
        case local(Int, Eval)
        case any(Eval)

        /// The general evaluation of the operand.
        var eval: Eval {
            switch self {
            case .constant(let c): let v = Value.number(c); return { _ in v }
            case .local(_, let e), .any(let e): return e
            }
        }
    }

    func operand(_ e: Expr) -> Operand {
        switch e {
        case .number(let c, _): return .constant(c)
        case .name(let n, _):
            if let slot = variableSlot(n) { return .local(slot, expr(e)) }
        case .member(.name(let n, _), let f, _):
            if let h = splitField(n, f) { return .local(h, expr(e)) }
        default: break
        }
        return .any(expr(e))
    }

    /// A local's frame slot, or a global's slot as its complement (a negative number): number
    /// operands, conditions and arguments read both kinds in place (top-level loops use
    /// globals). Reading a variable has no effects, so when it is read makes no difference.
    func variableSlot(_ name: String) -> Int? {
        switch resolve(name) {
        case .local(let s): return s
        case .global(let n): return ~globals.slot(n)
        default: return nil
        }
    }

    /// The place of a slot made by `variableSlot`.
    @inline(__always)
    static func slot(_ rt: Runtime, _ s: Int) -> UnsafeMutablePointer<Value?> {
        s >= 0 ? rt.bp + s : rt.gp + ~s
    }

    /// Arithmetic and comparison on two operands: every program that computes with numbers.
    /// Numbers are read from their slot and the result built in one closure; anything else
    /// (a tensor, a string, a number carrying a derivative) takes `slow`.
    func numeric<Op: NumberOp>(_: Op.Type, _ a: Operand, _ b: Operand, slow: @escaping (Value, Value) throws -> Value) -> Eval {
        let x = a.eval, y = b.eval
        @inline(__always) func general(_ l: Value, _ r: Value) throws -> Value {
            if let d = Op.dualValue(l, r) { return d }
            return try slow(l, r)
        }
        @inline(__always) func fallback(_ rt: Runtime) throws -> Value {
            try general(try x(rt), try y(rt))
        }
        switch (a, b) {
        case (.local(let s, _), .constant(let c)):
            return { rt in
                if case .some(.number(let p)) = Compiler.slot(rt, s).pointee { return Op.value(p, c) }
                return try fallback(rt)
            }
        case (.constant(let c), .local(let s, _)):
            return { rt in
                if case .some(.number(let q)) = Compiler.slot(rt, s).pointee { return Op.value(c, q) }
                return try fallback(rt)
            }
        case (.local(let s, _), .local(let t, _)):
            return { rt in
                if case .some(.number(let p)) = Compiler.slot(rt, s).pointee, case .some(.number(let q)) = Compiler.slot(rt, t).pointee { return Op.value(p, q) }
                return try fallback(rt)
            }
        case (.any(let f), .constant(let c)):
            return { rt in
                let l = try f(rt)
                if case .number(let p) = l { return Op.value(p, c) }
                return try general(l, .number(c))
            }
        case (.constant(let c), .any(let g)):
            return { rt in
                let r = try g(rt)
                if case .number(let q) = r { return Op.value(c, q) }
                return try general(.number(c), r)
            }
        case (.local(let s, _), .any(let g)):
            return { rt in
                if case .some(.number(let p)) = Compiler.slot(rt, s).pointee {
                    let r = try g(rt)
                    if case .number(let q) = r { return Op.value(p, q) }
                    return try general(.number(p), r)
                }
                return try fallback(rt)
            }
        case (.any(let f), .local(let t, _)):
            return { rt in
                let l = try f(rt)
                if case .number(let p) = l, case .some(.number(let q)) = Compiler.slot(rt, t).pointee { return Op.value(p, q) }
                return try general(l, try y(rt))
            }
        default:
            return { rt in
                let l = try x(rt), r = try y(rt)
                if case .number(let p) = l, case .number(let q) = r { return Op.value(p, q) }
                return try general(l, r)
            }
        }
    }

    /// The lowering of a binary operator on numbers, or nil for operators without one.
    func numericBinary(_ op: String, _ a: Expr, _ b: Expr, slow: @escaping (Value, Value) throws -> Value) -> Eval? {
        let l = operand(a), r = operand(b)
        switch op {
        case "+": return numeric(AddOp.self, l, r, slow: slow)
        case "-": return numeric(SubtractOp.self, l, r, slow: slow)
        case "*": return numeric(MultiplyOp.self, l, r, slow: slow)
        case "/": return numeric(DivideOp.self, l, r, slow: slow)
        case "%": return numeric(RemainderOp.self, l, r, slow: slow)
        case "^": return numeric(PowerOp.self, l, r, slow: slow)
        case "<": return numeric(LessOp.self, l, r, slow: slow)
        case "<=": return numeric(LessEqualOp.self, l, r, slow: slow)
        case ">": return numeric(GreaterOp.self, l, r, slow: slow)
        case ">=": return numeric(GreaterEqualOp.self, l, r, slow: slow)
        case "==": return numeric(EqualOp.self, l, r, slow: slow)
        case "!=": return numeric(NotEqualOp.self, l, r, slow: slow)
        default: return nil
        }
    }

    // MARK: number expressions

    /// Arithmetic on variables, fields of records in variables, items of lists in variables
    /// and constants, such as `(i + j) * (i + j + 1) / 2 + i + 1`, `x * x + y * y`,
    /// `b.vx - dx * c.m` or `row[j] + a * col[j]`: what numeric inner loops compute.
    indirect enum NumberTree {
        case constant(Double)
        case local(Int)
        /// `r.f` for a record in a variable's slot.
        case field(Int, FieldCache)
        /// `xs[i]` for a list in a variable's slot, with an index that is a number tree.
        case item(Int, NumberTree)
        /// `rows[i][j]` for a list of lists in a variable's slot (grids, matrices, tables).
        case nestedItem(Int, NumberTree, NumberTree)
        /// A builtin of one number (`sqrt(d2)`, `abs(sin(x))`) called through the global slot
        /// that holds it: the slot, the builtin (still there when the expression runs, or
        /// the expression runs the general way) and what it does to a number.
        case math(Int, UnsafeMutableRawPointer, (Double) -> Double, NumberTree)
        /// `len(xs)` of a variable (`while i < len(xs)`, `xs[len(xs) - 1]`), through the global
        /// slot that holds `len` (the slot, the builtin), as `math`.
        case length(Int, Int, UnsafeMutableRawPointer)
        case negate(NumberTree)
        case operation(String, NumberTree, NumberTree)

        var operations: Int {
            switch self {
            case .constant, .local, .field, .item, .nestedItem, .length: return 0
            case .negate(let a), .math(_, _, _, let a): return 1 + a.operations
            case .operation(_, let a, let b): return 1 + a.operations + b.operations
            }
        }

        /// Whether it reads a field or an item (then one operation is worth computing on
        /// doubles: the general path would make a value for each read).
        var readsFields: Bool {
            switch self {
            case .constant, .local: return false
            case .field, .item, .nestedItem, .length: return true
            case .negate(let a), .math(_, _, _, let a): return a.readsFields
            case .operation(_, let a, let b): return a.readsFields || b.readsFields
            }
        }
    }

    func numberTree(_ e: Expr) -> NumberTree? {
        switch e {
        case .number(let c, _): return .constant(c)
        case .name(let n, _):
            return variableSlot(n).map { .local($0) }
        case .member(.name(let n, _), let f, _):
            if let h = splitField(n, f) { return .local(h) }
            return variableSlot(n).map { .field($0, FieldCache(f)) }
        case .index(.name(let n, _), let comps, _):
            guard comps.count == 1, case .index(let ie) = comps[0], let s = variableSlot(n),
                  let index = numberTree(ie) else { return nil }
            return .item(s, index)
        case .index(.index(.name(let n, _), let outer, _), let comps, _):
            guard outer.count == 1, case .index(let ie) = outer[0], comps.count == 1, case .index(let je) = comps[0],
                  let s = variableSlot(n), let i = numberTree(ie), let j = numberTree(je) else { return nil }
            return .nestedItem(s, i, j)
        case .unary("-", let a, _):
            return numberTree(a).map { .negate($0) }
        case .call(.name(let n, _), let args, _):
            guard args.count == 1, args[0].name == nil, case .global(let g) = resolve(n),
                  let builtin = Registry.shared.function(n) else { return nil }
            let pinned = Unmanaged.passUnretained(builtin as Function).toOpaque()
            if n == "len", case .name(let v, _) = args[0].value, let s = variableSlot(v) {
                return .length(s, globals.slot(g), pinned)
            }
            guard let f = builtin.number1, let x = numberTree(args[0].value) else { return nil }
            return .math(globals.slot(g), pinned, f, x)
        case .binary(let op, let a, let b, _) where ["+", "-", "*", "/", "%", "^"].contains(op):
            guard let l = numberTree(a), let r = numberTree(b) else { return nil }
            return .operation(op, l, r)
        default:
            return nil
        }
    }

    /// An arithmetic expression of two or more operations, or of one that reads a field (the
    /// caller checks), computed on doubles: no `Value` is made or looked at between the
    /// operations. A variable or field that holds anything but a number (a tensor, a number
    /// carrying a derivative, nothing yet, not a record) sets `rt.notNumber`, and the
    /// expression runs again the general way; it only reads variables and fields of records,
    /// so running it twice changes nothing.
    func numberExpression(_ compute: @escaping (Runtime) -> Double, dual: ((Runtime) -> DualNumber)? = nil, general: @escaping Eval) -> Eval {
        let site = NumberSite()
        /// The expression on doubles, or nil (and one miss more) when an operand is something else.
        @inline(__always) func number(_ rt: Runtime) -> Value? {
            guard site.tries else { return nil }
            let d = compute(rt)
            if !rt.notNumber { return .number(d) }
            rt.notNumber = false
            site.miss()
            return nil
        }
        guard let dual else {
            return { rt in
                if let v = number(rt) { return v }
                return try general(rt)
            }
        }
        // Inside a function that `grad` differentiates, variables hold numbers carrying a
        // derivative: the same expression is computed on such pairs, with no value made
        // between the operations (gradient descent, Newton's method).
        let dualSite = NumberSite()
        return { rt in
            if let v = number(rt) { return v }
            if dualSite.tries {
                let x = dual(rt)
                if !rt.notNumber { return x.carries ? .dual(x.value, x.derivative) : .number(x.value) }
                rt.notNumber = false
                dualSite.miss()
            }
            return try general(rt)
        }
    }

    /// `tree` computed on numbers that may carry a derivative, by the general path's rules: an
    /// operation of two plain numbers gives a plain number (`Op.apply`), one with a derivative
    /// on either side gives `Op.dual`'s pair. Only variables, constants and `+ - * / ^`; nil for
    /// any other tree. A variable holding anything else sets `rt.notNumber`.
    func dualEval(_ t: NumberTree) -> ((Runtime) -> DualNumber)? {
        switch t {
        case .constant(let c):
            let x = DualNumber(value: c, derivative: 0, carries: false)
            return { _ in x }
        case .local(let s): return { rt in Compiler.dualNumber(rt, s) }
        case .operation(let op, let a, let b):
            guard let l = dualEval(a), let r = dualEval(b) else { return nil }
            switch op {
            case "+": return dualArithmetic(AddOp.self, l, r)
            case "-": return dualArithmetic(SubtractOp.self, l, r)
            case "*": return dualArithmetic(MultiplyOp.self, l, r)
            case "/": return dualArithmetic(DivideOp.self, l, r)
            case "^": return dualArithmetic(PowerOp.self, l, r)
            default: return nil
            }
        default: return nil
        }
    }

    private func dualArithmetic<Op: ArithmeticOp>(_: Op.Type, _ l: @escaping (Runtime) -> DualNumber,
                                                  _ r: @escaping (Runtime) -> DualNumber) -> (Runtime) -> DualNumber {
        return { rt in
            let x = l(rt), y = r(rt)
            if !x.carries && !y.carries { return DualNumber(value: Op.apply(x.value, y.value), derivative: 0, carries: false) }
            if case .some(.dual(let v, let d)) = Op.dual(x.value, x.derivative, y.value, y.derivative) {
                return DualNumber(value: v, derivative: d, carries: true)
            }
            rt.notNumber = true
            return x
        }
    }

    /// The number in a variable's slot and its derivative (0 for a plain number).
    @inline(__always)
    static func dualNumber(_ rt: Runtime, _ s: Int) -> DualNumber {
        switch slot(rt, s).pointee {
        case .some(.number(let x)): return DualNumber(value: x, derivative: 0, carries: false)
        case .some(.dual(let x, let d)): return DualNumber(value: x, derivative: d, carries: true)
        default:
            rt.notNumber = true
            return DualNumber(value: 0, derivative: 0, carries: false)
        }
    }

    /// A binary arithmetic expression worth computing on doubles (two or more operations, or
    /// one that reads a field or an item), as the computation and the general path it falls
    /// back to; nil for anything else.
    func numberExpressionParts(_ e: Expr) -> (compute: (Runtime) -> Double, general: Eval)? {
        guard Compiler.fastPaths, numberTrees, case .binary(let op, let a, let b, let pos) = e,
              let tree = numberTree(e), tree.operations >= 2 || tree.readsFields else { return nil }
        // The fallback runs only when a variable is not a number, so its parts would fall
        // back too: they are compiled without number expressions of their own.
        numberTrees = false
        defer { numberTrees = true }
        guard let general = numericBinary(op, a, b, slow: binarySlow(op, pos)) else { return nil }
        return (numberEval(tree), general)
    }

    /// An operand of a number operation: read in place when it is a constant, a variable or
    /// a field of a record in a variable.
    struct NumberOperand {
        /// 0: a constant, 1: a variable's slot, 2: a subexpression, 3: a field, 4: a variable's
        /// slot plus the constant (`i + 1`, `j - 1`: neighbours, the previous item).
        let kind: UInt8
        let constant: Double
        let slot: Int
        let cache: FieldCache?
        let eval: (Runtime) -> Double

        @inline(__always)
        func callAsFunction(_ rt: Runtime) -> Double {
            if kind == 0 { return constant }
            if kind == 1 { return Compiler.number(rt, slot) }
            if kind == 3 { return Compiler.numberField(rt, slot, cache.unsafelyUnwrapped) }
            if kind == 4 { return Compiler.number(rt, slot) + constant }
            return eval(rt)
        }

        /// A variable's slot and what is added to it, for a variable (0) or a variable plus a
        /// constant. As an index `x + 0` is `x` (only -0 and 0 differ, and name one position),
        /// so index reads of both shapes share code of their own (no look at `kind` when it runs).
        var slotOffset: (Int, Double)? {
            if kind == 1 { return (slot, 0) }
            if kind == 4 { return (slot, constant) }
            return nil
        }
    }

    /// `len` of the value in a variable's slot, a list looked at where it lies; 0 with
    /// `rt.notNumber` set for a value without a length or an unset variable (the general `len`
    /// then says what is wrong).
    static func numberLength(_ rt: Runtime, _ s: Int) -> Double {
        let slot = Compiler.slot(rt, s)
        if let n = readList(slot, { items -> Double? in Double(items.count) }) { return n }
        if case .some(let v) = slot.pointee, let n = try? Ops.length(v) { return Double(n) }
        rt.notNumber = true
        return 0
    }

    /// The number at position `n` of the list in a variable's slot, read without retaining
    /// the list (`readList`); 0 with `rt.notNumber` set for anything else.
    @inline(__always)
    static func numberItem(_ rt: Runtime, _ s: Int, _ n: Double) -> Double {
        let d = readList(Compiler.slot(rt, s)) { items -> Double? in
            guard let k = position(n, count: items.count), case .number(let x) = items[k] else { return nil }
            return x
        }
        if let d { return d }
        rt.notNumber = true
        return 0
    }

    /// The number at position `m` of the list at position `n` of the list of lists in a
    /// variable's slot, read without retaining the outer list; 0 with `rt.notNumber` set for
    /// anything else.
    @inline(__always)
    static func numberItem(_ rt: Runtime, _ s: Int, _ n: Double, _ m: Double) -> Double {
        if case .some(.number(let x)) = item(Compiler.slot(rt, s), n, m) { return x }
        rt.notNumber = true
        return 0
    }

    /// The number in field `cache` of the record in a variable's slot, read without retaining
    /// the record (moved out and back); 0 with `rt.notNumber` set for anything else.
    @inline(__always)
    static func numberField(_ rt: Runtime, _ s: Int, _ cache: FieldCache) -> Double {
        let d = readRecord(Compiler.slot(rt, s)) { r -> Double? in
            guard let i = cache.position(in: r), case .number(let x) = r.values[i] else { return nil }
            return x
        }
        if let d { return d }
        rt.notNumber = true
        return 0
    }

    /// What `body` makes of the list in `slot`, which it sees without the list being retained
    /// (looked at where it lies, `Payloads.swift`, or else moved out of the slot and back:
    /// binding it would retain and release its buffer); nil when the slot holds no list.
    @inline(__always)
    static func readList<R>(_ slot: UnsafeMutablePointer<Value?>, _ body: ([Value]) -> R?) -> R? {
        guard case .some(.list) = slot.pointee else { return nil }
        if inPlace { return inPlaceList(slot) { body($0.pointee) } }
        var taken = slot.move().unsafelyUnwrapped
        let items = taken.takeList().unsafelyUnwrapped
        defer { slot.initialize(to: .list(items)) }
        return body(items)
    }

    /// What `body` makes of the record in `slot`, seen as `readList` sees a list.
    @inline(__always)
    static func readRecord<R>(_ slot: UnsafeMutablePointer<Value?>, _ body: (Record) -> R?) -> R? {
        guard case .some(.record) = slot.pointee else { return nil }
        var taken = slot.move().unsafelyUnwrapped
        let r = taken.takeRecord().unsafelyUnwrapped
        defer { slot.initialize(to: .record(r)) }
        return body(r)
    }

    /// Stores `v` (or empties the slot, as freeing a frame does), overwriting a number, a
    /// boolean or nothing without the general destroy of a value (a call): most stores
    /// replace a number.
    @inline(__always)
    static func assign(_ slot: UnsafeMutablePointer<Value?>, _ v: Value?) {
        switch slot.pointee {
        case .none, .some(.number), .some(.bool), .some(.null): slot.initialize(to: v)
        default: slot.pointee = v
        }
    }

    /// The number in a variable's slot (see `variableSlot`), or 0 with `rt.notNumber` set.
    @inline(__always)
    static func number(_ rt: Runtime, _ slot: Int) -> Double {
        if case .some(.number(let d)) = Compiler.slot(rt, slot).pointee { return d }
        rt.notNumber = true
        return 0
    }

    func numberOperand(_ t: NumberTree) -> NumberOperand {
        switch t {
        // `x - c` is `x + (-c)` exactly (IEEE subtraction adds the negation).
        case .operation("+", .local(let s), .constant(let c)), .operation("+", .constant(let c), .local(let s)):
            return NumberOperand(kind: 4, constant: c, slot: s, cache: nil, eval: numberEval(t))
        case .operation("-", .local(let s), .constant(let c)):
            return NumberOperand(kind: 4, constant: -c, slot: s, cache: nil, eval: numberEval(t))
        case .constant(let c): return NumberOperand(kind: 0, constant: c, slot: 0, cache: nil, eval: numberEval(t))
        case .local(let s): return NumberOperand(kind: 1, constant: 0, slot: s, cache: nil, eval: numberEval(t))
        case .field(let s, let cache): return NumberOperand(kind: 3, constant: 0, slot: s, cache: cache, eval: numberEval(t))
        default: return NumberOperand(kind: 2, constant: 0, slot: 0, cache: nil, eval: numberEval(t))
        }
    }

    func numberEval(_ t: NumberTree) -> (Runtime) -> Double {
        switch t {
        case .constant(let c): return { _ in c }
        case .local(let s): return { rt in Compiler.number(rt, s) }
        case .field(let s, let cache): return { rt in Compiler.numberField(rt, s, cache) }
        case .item(let s, .local(let a)) where entryReads:
            // `xs[i]`, and `counts[w]` of a record used as a dictionary with the key in a variable.
            return { rt in
                if case .some(.number(let n)) = Compiler.slot(rt, a).pointee { return Compiler.numberItem(rt, s, n) }
                return Compiler.numberEntry(rt, s, a)
            }
        case .item(let s, let index):
            let i = numberOperand(index)
            if let (a, c) = i.slotOffset { return { rt in Compiler.numberItem(rt, s, Compiler.number(rt, a) + c) } }
            return { rt in Compiler.numberItem(rt, s, i(rt)) }
        case .nestedItem(let s, let index, let inner):
            let i = numberOperand(index), j = numberOperand(inner)
            return { rt in Compiler.numberItem(rt, s, i(rt), j(rt)) }
        case .negate(let a):
            let x = numberOperand(a)
            return { rt in -x(rt) }
        case .length(let s, let g, let builtin):
            return { rt in
                guard rt.gfn[g] == builtin else { rt.notNumber = true; return 0 }
                return Compiler.numberLength(rt, s)
            }
        case .math(let g, let builtin, let f, let a):
            let x = numberOperand(a)
            return { rt in
                let d = x(rt)
                guard rt.gfn[g] == builtin else { rt.notNumber = true; return 0 }
                return f(d)
            }
        case .operation(let op, let a, let b):
            let l = numberOperand(a), r = numberOperand(b)
            switch op {
            case "+": return arithmetic(AddOp.self, l, r)
            case "-": return arithmetic(SubtractOp.self, l, r)
            case "*": return arithmetic(MultiplyOp.self, l, r)
            case "/": return arithmetic(DivideOp.self, l, r)
            case "%": return arithmetic(RemainderOp.self, l, r)
            default: return arithmetic(PowerOp.self, l, r)
            }
        }
    }

    /// One operation of a number expression, with code of its own for the commonest shapes of
    /// operands (variables, constants, subexpressions): no operand kind is looked at while it runs.
    private func arithmetic<Op: ArithmeticOp>(_: Op.Type, _ l: NumberOperand, _ r: NumberOperand) -> (Runtime) -> Double {
        let a = l.slot, b = r.slot, c = l.constant, d = r.constant
        switch (l.kind, r.kind) {
        case (1, 1): return { rt in Op.apply(Compiler.number(rt, a), Compiler.number(rt, b)) }
        case (1, 0): return { rt in Op.apply(Compiler.number(rt, a), d) }
        case (0, 1): return { rt in Op.apply(c, Compiler.number(rt, b)) }
        case (2, 2):
            let f = l.eval, g = r.eval
            return { rt in Op.apply(f(rt), g(rt)) }
        case (2, 1):
            let f = l.eval
            return { rt in Op.apply(f(rt), Compiler.number(rt, b)) }
        case (1, 2):
            let g = r.eval
            return { rt in Op.apply(Compiler.number(rt, a), g(rt)) }
        case (2, 0):
            let f = l.eval
            return { rt in Op.apply(f(rt), d) }
        case (0, 2):
            let g = r.eval
            return { rt in Op.apply(c, g(rt)) }
        default: return { rt in Op.apply(l(rt), r(rt)) }
        }
    }

    // MARK: conditions

    /// `a and b`, `a or b` and `not a` used as conditions (bounds checks before a read,
    /// searches, `while` loops with several tests): each part is itself a condition yielding a
    /// `Bool`, with no value made for the parts or the whole. The left side's errors are placed
    /// where the general path places them (at the left side), the right side's at `location`,
    /// where the condition reads the value the general path gives.
    func logicalCondition(_ e: Expr, at location: SourceLocation) -> ((Runtime) throws -> Bool)? {
        switch e {
        case .logical(let op, let a, let b, _):
            let l = condition(a), r = condition(b, at: location)
            if op == "and" { return { rt in try l(rt) ? try r(rt) : false } }
            return { rt in try l(rt) ? true : try r(rt) }
        case .unary("not", let a, _):
            let c = condition(a)
            return { rt in !(try c(rt)) }
        default:
            return nil
        }
    }

    /// A comparison of numbers tested inline by the `while` or `if` that uses it (`while i < j`,
    /// `if count[r] > 0`, `while k != 0`): no closure call for the test, and code of its own
    /// for each operator and each shape of operands (two variables, a variable and a constant,
    /// any number expressions). It only reads; when a side is not a number, the statement runs
    /// its general condition instead.
    func inlineTest<U: TestUser>(_ e: Expr, _ user: U) -> TestedCode? {
        guard Compiler.fastPaths, numberTrees, case .binary(let op, let a, let b, _) = e,
              let l = numberTree(a), let r = numberTree(b) else { return nil }
        switch op {
        case "<": return inlineTest(LessOp.self, l, r, user)
        case "<=": return inlineTest(LessEqualOp.self, l, r, user)
        case ">": return inlineTest(GreaterOp.self, l, r, user)
        case ">=": return inlineTest(GreaterEqualOp.self, l, r, user)
        case "==": return inlineTest(EqualOp.self, l, r, user)
        case "!=": return inlineTest(NotEqualOp.self, l, r, user)
        default: return nil
        }
    }

    private func inlineTest<Op: CompareOp, U: TestUser>(_: Op.Type, _ l: NumberTree, _ r: NumberTree, _ user: U) -> TestedCode {
        switch (l, r) {
        case (.local(let a), .local(let b)): return user.use(SlotsTest<Op>(a: a, b: b))
        case (.local(let a), .constant(let c)): return user.use(SlotConstantTest<Op>(a: a, c: c))
        default: return user.use(OperandsTest<Op>(left: numberOperand(l), right: numberOperand(r)))
        }
    }

    /// A comparison of numbers used as a condition (`while k < n`, `if x % 2 == 0`): the
    /// test yields a Bool directly, without a Value in between.
    /// `slow` applies the operator to any values and `truth` reads the result as a
    /// condition (both place their errors).
    func numericCondition(_ op: String, _ a: Expr, _ b: Expr,
                          slow: @escaping (Value, Value) throws -> Value,
                          truth: @escaping (Value) throws -> Bool) -> ((Runtime) throws -> Bool)? {
        let apply: (Value, Value) throws -> Bool = { l, r in try truth(try slow(l, r)) }
        switch op {
        case "<": return compare(LessOp.self, a, b, apply)
        case "<=": return compare(LessEqualOp.self, a, b, apply)
        case ">": return compare(GreaterOp.self, a, b, apply)
        case ">=": return compare(GreaterEqualOp.self, a, b, apply)
        case "==": return compare(EqualOp.self, a, b, apply)
        case "!=": return compare(NotEqualOp.self, a, b, apply)
        default: return nil
        }
    }

    private func compare<Op: CompareOp>(_: Op.Type, _ a: Expr, _ b: Expr,
                                        _ apply: @escaping (Value, Value) throws -> Bool) -> (Runtime) throws -> Bool {
        let test = comparison(Op.self, a, b, apply)
        // Not `??`: a closure through a generic comes back wrapped in conversion thunks.
        if let letters = letterComparison(Op.self, a, b, otherwise: test) { return letters }
        return test
    }

    /// `a[i] == b[j]`, `s[k] != " "`, `w[0] < "n"`: letters of strings read by position and
    /// compared (string algorithms: edit distances, common subsequences, palindromes, parsing
    /// a line letter by letter). When both strings are one byte per character the letters are
    /// their bytes, and two one-letter ASCII strings compare as their bytes do, so neither
    /// letter is made into a string. Anything else (a list, a position outside the string, a
    /// letter beyond ASCII) takes the general test, which only reads; after `NumberSite.limit`
    /// such misses (lists compared item by item) the site takes it for good.
    private func letterComparison<Op: CompareOp>(_: Op.Type, _ a: Expr, _ b: Expr,
                                                 otherwise general: @escaping (Runtime) throws -> Bool) -> ((Runtime) throws -> Bool)? {
        guard Compiler.fastPaths, let x = letterRead(a), let y = letterRead(b), x.reads || y.reads else { return nil }
        let site = NumberSite()
        return { rt in
            if site.tries {
                let p = x.byte(rt), q = y.byte(rt)
                if p >= 0, q >= 0 { return Op.test(p, q) }
                site.miss()
            }
            return try general(rt)
        }
    }

    /// A letter for `letterComparison`: an item of a variable at a position that only reads,
    /// or a string literal of one ASCII letter.
    struct LetterRead {
        /// The letter's byte, or -1 when it is not a letter of a plain string.
        let byte: (Runtime) -> Double
        let reads: Bool
    }

    func letterRead(_ e: Expr) -> LetterRead? {
        switch e {
        case .string(let segments, _):
            guard segments.count == 1, case .text(let text) = segments[0], text.utf8.count == 1, let b = text.utf8.first, b < 0x80, b != 0x0D else { return nil }
            let d = Double(b)
            return LetterRead(byte: { _ in d }, reads: false)
        case .index(.name(let n, _), let comps, _):
            guard comps.count == 1, case .index(let ie) = comps[0], let s = variableSlot(n),
                  let tree = numberTree(ie) else { return nil }
            let position = numberEval(tree)
            return LetterRead(byte: { rt in
                let d = position(rt)
                if rt.notNumber { rt.notNumber = false; return -1 }
                return Compiler.byte(Compiler.slot(rt, s), d, rt).map { Double($0) } ?? -1
            }, reads: true)
        default:
            return nil
        }
    }

    private func comparison<Op: CompareOp>(_: Op.Type, _ a: Expr, _ b: Expr,
                                           _ apply: @escaping (Value, Value) throws -> Bool) -> (Runtime) throws -> Bool {
        if let test = nilComparison(Op.self, a, b, apply) { return test }
        if let test = numberComparison(Op.self, a, b, apply) { return test }
        let l = operand(a), r = operand(b)
        let x = l.eval, y = r.eval
        // Slots are only peeked at: the fallback evaluates each operand once.
        switch (l, r) {
        case (.local(let s, _), .constant(let c)):
            return { rt in
                if case .some(.number(let p)) = Compiler.slot(rt, s).pointee { return Op.test(p, c) }
                return try apply(try x(rt), try y(rt))
            }
        case (.local(let s, _), .local(let t, _)):
            return { rt in
                if case .some(.number(let p)) = Compiler.slot(rt, s).pointee, case .some(.number(let q)) = Compiler.slot(rt, t).pointee { return Op.test(p, q) }
                return try apply(try x(rt), try y(rt))
            }
        default:
            return { rt in
                let l = try x(rt), r = try y(rt)
                if case .number(let p) = l, case .number(let q) = r { return Op.test(p, q) }
                if let n = Op.nilTest(l, r) { return n }
                return try apply(l, r)
            }
        }
    }

    /// A comparison of number expressions that read fields or items or compute something
    /// (`dist[x + 1][y] < 0`, `count[r] > 0`, `p.age > 40`, `x + 1 < n`): both sides are
    /// computed on doubles and compared, with no value made; a side that is not a number
    /// sends the comparison, which only reads, to the general path.
    private func numberComparison<Op: CompareOp>(_: Op.Type, _ a: Expr, _ b: Expr,
                                                 _ apply: @escaping (Value, Value) throws -> Bool) -> ((Runtime) throws -> Bool)? {
        guard numberTrees, let l = numberTree(a), let r = numberTree(b),
              l.operations + r.operations > 0 || l.readsFields || r.readsFields else { return nil }
        let x = numberEval(l), y = numberEval(r)
        numberTrees = false
        let gx = expr(a), gy = expr(b)
        numberTrees = true
        let site = NumberSite()
        return { rt in
            if site.tries {
                let p = x(rt), q = y(rt)
                if !rt.notNumber { return Op.test(p, q) }
                rt.notNumber = false
                site.miss()
            }
            let l = try gx(rt), r = try gy(rt)
            if let answer = Op.stringTest(l, r) { return answer }
            return try apply(l, r)
        }
    }

    /// `x == nil`, `node.next != nil` for a variable or a field of a record in a variable
    /// (linked structures: trees, chains of nodes): the value's kind is looked at where it
    /// lies, without copying the value. A number carrying a derivative, a variable without a
    /// value, a missing field or anything but a record take the general path.
    private func nilComparison<Op: CompareOp>(_: Op.Type, _ a: Expr, _ b: Expr,
                                              _ apply: @escaping (Value, Value) throws -> Bool) -> ((Runtime) throws -> Bool)? {
        guard Op.self == EqualOp.self || Op.self == NotEqualOp.self else { return nil }
        let other: Expr
        if case .nilLiteral = b { other = a } else if case .nilLiteral = a { other = b } else { return nil }
        let equal = Op.self == EqualOp.self
        let x = expr(a), y = expr(b)
        switch other {
        case .name(let n, _):
            guard let s = variableSlot(n) else { return nil }
            return { rt in
                switch Compiler.slot(rt, s).pointee {
                case .some(.null): return equal
                case .none, .some(.dual): return try apply(try x(rt), try y(rt))
                default: return !equal
                }
            }
        case .member(.name(let n, _), let f, _):
            guard let s = variableSlot(n), splitField(n, f) == nil else { return nil }
            let cache = FieldCache(f)
            return { rt in
                if let isNil = Compiler.fieldIsNil(Compiler.slot(rt, s), cache) { return isNil == equal }
                return try apply(try x(rt), try y(rt))
            }
        default:
            return nil
        }
    }

    /// Whether field `cache` of the record in `slot` is nil, looked at without copying the
    /// record or the field; nil when that needs the general path (see `nilComparison`).
    @inline(__always)
    static func fieldIsNil(_ slot: UnsafeMutablePointer<Value?>, _ cache: FieldCache) -> Bool? {
        readRecord(slot) { r -> Bool? in
            guard let i = cache.position(in: r) else { return nil }
            switch r.values[i] {
            case .null: return true
            case .dual: return nil
            default: return false
            }
        }
    }

    // MARK: variables in slots

    /// A variable held in a slot array: the current frame's (a local) or the globals' (top-level
    /// code, which notebooks are full of). Items and fields of the value in the slot are read
    /// and changed where they lie, as for locals. A global's slot may change during any call,
    /// so the paths below look at it only after evaluating everything else, or when what they
    /// evaluate first cannot assign (`changesNothing`).
    struct SlotPlace {
        /// The slot as `variableSlot` gives it.
        let slot: Int

        var global: Bool { slot < 0 }

        @inline(__always)
        func pointer(_ rt: Runtime) -> UnsafeMutablePointer<Value?> { Compiler.slot(rt, slot) }
    }

    /// The slot of a local or global variable (nil for cells and captured variables).
    func slotPlace(_ name: String) -> SlotPlace? { variableSlot(name).map(SlotPlace.init) }

    /// Whether evaluating `e` can assign to no variable in `place`: an `if` used as a value
    /// runs statements, and a call can assign to globals (never to a frame's slots: locals a
    /// function shares are cells).
    static func changesNothing(_ e: Expr, in place: SlotPlace) -> Bool {
        func check(_ e: Expr) -> Bool {
            switch e {
            case .number, .bool, .nilLiteral, .name, .function: return true
            case .string(let segments, _):
                return segments.allSatisfy { if case .code(let c) = $0 { return check(c) }; return true }
            case .list(let items, _), .tuple(let items, _): return items.allSatisfy(check)
            case .record(let fields, _): return fields.allSatisfy { check($0.1) }
            case .unary(_, let a, _), .member(let a, _, _): return check(a)
            case .binary(_, let a, let b, _), .logical(_, let a, let b, _), .range(let a, let b, _):
                return check(a) && check(b)
            case .index(let b, let comps, _):
                return check(b) && comps.allSatisfy { c in
                    switch c {
                    case .index(let i): return check(i)
                    case .slice(let x, let y, let z): return [x, y, z].allSatisfy { $0.map(check) ?? true }
                    }
                }
            case .call(let f, let args, _):
                return !place.global && check(f) && args.allSatisfy { check($0.value) }
            case .ifExpr: return false
            }
        }
        return check(e)
    }

    // MARK: local variables

    /// `x = e` into a slot of the current frame, the commonest statement of every loop:
    /// stored straight into the slot, without a general setter in between.
    func localStore(_ target: Expr, _ value: Expr) -> Exec? {
        guard case .name(let name, _) = target, case .local(let s) = resolve(name) else { return nil }
        let v = argumentRead(value).withoutNumberTry
        let general: Exec = { rt in
            let x = try v(rt)
            Compiler.assign(rt.bp + s, x)
            return .normal
        }
        // `i = 0`, `j = k`: a constant or a variable's number copied with code of its own.
        switch operand(value) {
        case .constant(let c):
            let number = Value.number(c)
            return { rt in Compiler.assign(rt.bp + s, number); return .normal }
        case .local(let t, _):
            if case .name = value {
                return { rt in
                    if case .some(.number(let d)) = Compiler.slot(rt, t).pointee { Compiler.assign(rt.bp + s, .number(d)); return .normal }
                    return try general(rt)
                }
            }
        case .any: break
        }
        // `perm = perm1[:]` over a list of the same length (a copy made afresh in a loop):
        // the items are copied into the list the variable holds, where it lies, instead of
        // sharing the buffer until the first change copies it and dropping the old one.
        if case .index(.name(let m, _), let comps, _) = value, comps.count == 1, case .slice(nil, nil, nil) = comps[0],
           let from = variableSlot(m), from != s {
            return { rt in
                if Compiler.copyList(from: Compiler.slot(rt, from), into: rt.bp + s) { return .normal }
                return try general(rt)
            }
        }
        // `t = perm[i]`, `v = xs[j - 1]`, `k = perm[0]`: the item is read where it lies.
        if let (from, j) = pureItem(value) {
            if j.kind == 0 {
                let m = j.constant
                return { rt in
                    if let v = Compiler.item(Compiler.slot(rt, from), m) { Compiler.assign(rt.bp + s, v); return .normal }
                    return try general(rt)
                }
            }
            if let (a, c) = j.slotOffset {
                return { rt in
                    let m = Compiler.number(rt, a) + c
                    if !rt.notNumber, let v = Compiler.item(Compiler.slot(rt, from), m) { Compiler.assign(rt.bp + s, v); return .normal }
                    rt.notNumber = false
                    return try general(rt)
                }
            }
            return { rt in
                let m = j(rt)
                if !rt.notNumber, let v = Compiler.item(Compiler.slot(rt, from), m) { Compiler.assign(rt.bp + s, v); return .normal }
                rt.notNumber = false
                return try general(rt)
            }
        }
        // `j = j - 1`, `d = dist[y][x] + 1`: the double goes straight into the slot.
        guard let number = storedNumber(value) else { return general }
        // The computation's own closure, called directly (not through the operand's kind).
        let compute = number.eval
        if number.kind == 4 {
            // A variable plus a constant: code of its own.
            let t = number.slot, c = number.constant
            return { rt in
                if case .some(.number(let p)) = Compiler.slot(rt, t).pointee { Compiler.assign(rt.bp + s, .number(p + c)); return .normal }
                return try general(rt)
            }
        }
        return { rt in
            let d = compute(rt)
            if !rt.notNumber { Compiler.assign(rt.bp + s, .number(d)); return .normal }
            rt.notNumber = false
            return try general(rt)
        }
    }

    /// `x = e` into a global (the loops of a notebook's cells run at the top level): a
    /// constant, a variable's number, an item read where it lies and a number expression are
    /// stored straight into the global's slot (`Runtime.setGlobal`, which keeps pinned
    /// functions true), without a general setter in between.
    func globalStore(_ target: Expr, _ value: Expr) -> Exec? {
        guard case .name(let name, _) = target, case .global(let n) = resolve(name) else { return nil }
        let g = globals.slot(n)
        let v = argumentRead(value).withoutNumberTry
        let general: Exec = { rt in
            rt.setGlobal(g, try v(rt))
            return .normal
        }
        switch operand(value) {
        case .constant(let c):
            let number = Value.number(c)
            return { rt in rt.setGlobal(g, number); return .normal }
        case .local(let t, _):
            if case .name = value {
                return { rt in
                    if case .some(.number(let d)) = Compiler.slot(rt, t).pointee { rt.setGlobal(g, .number(d)); return .normal }
                    return try general(rt)
                }
            }
        case .any: break
        }
        if let (from, j) = pureItem(value) {
            return { rt in
                let m = j(rt)
                if !rt.notNumber, let v = Compiler.item(Compiler.slot(rt, from), m) { rt.setGlobal(g, v); return .normal }
                rt.notNumber = false
                return try general(rt)
            }
        }
        guard let number = storedNumber(value) else { return general }
        // A site whose operands keep being something else (`w = parts[i] + roots[j]` joins
        // strings) stops trying numbers.
        let compute = number.eval, site = NumberSite()
        return { rt in
            if site.tries {
                let d = compute(rt)
                if !rt.notNumber { rt.setGlobal(g, .number(d)); return .normal }
                rt.notNumber = false
                site.miss()
            }
            return try general(rt)
        }
    }

    /// A value worth storing as a double: an arithmetic expression of one operation or more
    /// on numbers (see `numberTree`), which only reads.
    func storedNumber(_ e: Expr) -> NumberOperand? {
        guard Compiler.fastPaths, numberTrees, let tree = numberTree(e), tree.operations >= 1 else { return nil }
        return numberOperand(tree)
    }

    /// An index that only reads and is computed on doubles (`i`, `j + 1`, `(i * 7) % n`).
    func pureIndex(_ e: Expr) -> NumberOperand? {
        guard Compiler.fastPaths, numberTrees, let tree = numberTree(e) else { return nil }
        return numberOperand(tree)
    }

    /// `ys[j]` for a list in a variable at an index that only reads: the list's slot and the index.
    func pureItem(_ e: Expr) -> (Int, NumberOperand)? {
        guard case .index(.name(let n, _), let comps, _) = e, comps.count == 1, case .index(let je) = comps[0],
              let s = variableSlot(n), let j = pureIndex(je) else { return nil }
        return (s, j)
    }

    /// `name[index]` with one index, where `name` is a local or global: the slot, the index,
    /// the variable (for its errors) and the place of the brackets.
    private func localItem(_ e: Expr) -> (SlotPlace, Expr, Variable, SourceLocation)? {
        guard case .index(.name(let name, let namePos), let comps, let pos) = e, comps.count == 1,
              case .index(let index) = comps[0], let place = slotPlace(name) else { return nil }
        return (place, index, variable(name, namePos), loc(pos))
    }

    /// `xs[i] = xs[i] + e` (and `-`, `*`, `/`) with the same list and position on both sides and
    /// a number expression `e` (row sums, histograms, counters in a list, tables of a dynamic
    /// program): `e` is computed, then the item is updated where it lies, finding the list and
    /// the position once. Everything here only reads, so the order of the reads changes nothing;
    /// anything else (an item or `e` that is not a number, a position outside the list, a
    /// record's key) runs the statement the way its shape does (`otherwise`).
    private func itemUpdate(_ place: SlotPlace, _ ie: Expr, _ k: NumberOperand, _ value: Expr, otherwise: @escaping Exec) -> Exec? {
        guard case .binary(let op, .index(.name(let n, _), let comps, _), let rhs, _) = value, ["+", "-", "*", "/"].contains(op),
              comps.count == 1, case .index(let je) = comps[0], let s = variableSlot(n), s == place.slot,
              let (a, c) = k.slotOffset, let j = pureIndex(je), let (b, d) = j.slotOffset, a == b, c == d,
              let tree = numberTree(rhs) else { return nil }
        let x = numberOperand(tree)
        switch op {
        case "+": return itemUpdate(AddOp.self, place, a, c, x, otherwise: otherwise)
        case "-": return itemUpdate(SubtractOp.self, place, a, c, x, otherwise: otherwise)
        case "*": return itemUpdate(MultiplyOp.self, place, a, c, x, otherwise: otherwise)
        default: return itemUpdate(DivideOp.self, place, a, c, x, otherwise: otherwise)
        }
    }

    private func itemUpdate<Op: ArithmeticOp>(_: Op.Type, _ place: SlotPlace, _ a: Int, _ c: Double, _ x: NumberOperand,
                                              otherwise: @escaping Exec) -> Exec {
        // A position that keeps being something else (`counts[w]` with a string key) stops trying.
        let site = NumberSite()
        return { rt in
            if site.tries {
                let e = x(rt), n = Compiler.number(rt, a) + c
                if !rt.notNumber, Compiler.updateItem(Op.self, place.pointer(rt), n, e) { return .normal }
                rt.notNumber = false
                site.miss()
            }
            return try otherwise(rt)
        }
    }

    /// `xs[i] = v` where `xs` is a slot of the current frame (sieves, permutations, any loop
    /// that fills a list): the list is moved out of its slot, changed in place and moved back,
    /// with no closure between the statement and the slot. Other containers, other indices
    /// and errors take the general path's rules, applied to the values already computed.
    func localItemStore(_ target: Expr, _ value: Expr) -> Exec? {
        guard let (place, ie, variable, location) = localItem(target) else { return nil }
        let val = argumentRead(value), index = argumentRead(ie)
        /// Everything after the value, the general path's way.
        func rest(_ rt: Runtime, _ v: Value) throws -> Flow {
            let i = try index(rt)
            let slot = place.pointer(rt)
            guard case .some = slot.pointee else { throw variable.unset(rt) }
            if case .number(let n) = i, Compiler.storeItem(slot, n, v) { return .normal }
            // Moved out (no reference counting): the list's buffer is unique while it changes.
            var container = slot.move().unsafelyUnwrapped
            defer { slot.initialize(to: container) }
            try Compiler.setItem(&container, i, v, location)
            return .normal
        }
        let general: Exec = { rt in try rest(rt, try val(rt)) }
        // An index that only reads (`xs[j + 1] = v`, `count[r - 1] = r`) is computed on doubles;
        // so is a number value (`xs[i] = xs[i] * 2 + 1`), and an item of a list
        // (`xs[j + 1] = xs[j]`, `perm[i] = perm[j]`) is read where it lies. A value or index
        // that is not a number, or a position outside the list, sends the store to the
        // general path (with the value already computed when computing it could have effects).
        guard let k = pureIndex(ie) else { return general }
        // The statement by the shapes of its value and index; `xs[i] = xs[i] + e` tries an
        // update where the item lies first, and falls back to these.
        func byShape() -> Exec {
            if let number = storedNumber(value) {
                let compute = number.eval
                if case .name = ie, case .local(let t, _) = operand(ie) {
                    // `counts[w] = counts[w] + 1`: a record used as a dictionary with the key in a
                    // variable (word counts, tallies by name), tried when the list's way fails.
                    entryReads = true
                    let entryCompute = numberEval(numberTree(value).unsafelyUnwrapped)
                    entryReads = false
                    return { rt in
                        let d = compute(rt), n = k(rt)
                        if !rt.notNumber, Compiler.storeItem(place.pointer(rt), n, .number(d)) { return .normal }
                        rt.notNumber = false
                        if case .some(.string(let key)) = Compiler.slot(rt, t).pointee {
                            let e = entryCompute(rt)
                            if !rt.notNumber, Compiler.storeEntry(place.pointer(rt), key, .number(e)) { return .normal }
                            rt.notNumber = false
                        }
                        return try general(rt)
                    }
                }
                return { rt in
                    let d = compute(rt), n = k(rt)
                    if !rt.notNumber, Compiler.storeItem(place.pointer(rt), n, .number(d)) { return .normal }
                    rt.notNumber = false
                    return try general(rt)
                }
            }
            if let (from, j) = pureItem(value) {
                if from == place.slot, let (a, c) = j.slotOffset, let (b, d) = k.slotOffset {
                    // `xs[i] = xs[i + 1]`: both positions found in one look at the list.
                    return { rt in
                        let m = Compiler.number(rt, a) + c, n = Compiler.number(rt, b) + d
                        if !rt.notNumber, Compiler.copyItem(place.pointer(rt), from: m, to: n) { return .normal }
                        rt.notNumber = false
                        return try general(rt)
                    }
                }
                if let (a, c) = j.slotOffset, let (b, d) = k.slotOffset {
                    return { rt in
                        let m = Compiler.number(rt, a) + c, n = Compiler.number(rt, b) + d
                        if !rt.notNumber, let v = Compiler.item(Compiler.slot(rt, from), m), Compiler.storeItem(place.pointer(rt), n, v) { return .normal }
                        rt.notNumber = false
                        return try general(rt)
                    }
                }
                return { rt in
                    let m = j(rt), n = k(rt)
                    if !rt.notNumber, let v = Compiler.item(Compiler.slot(rt, from), m), Compiler.storeItem(place.pointer(rt), n, v) { return .normal }
                    rt.notNumber = false
                    return try general(rt)
                }
            }
            if let (b, d) = k.slotOffset {
                if case .name = value, case .local(let t, _) = operand(value) {
                    // `perm[j] = t`: a variable's number stored with code of its own.
                    return { rt in
                        if case .some(.number(let x)) = Compiler.slot(rt, t).pointee {
                            let n = Compiler.number(rt, b) + d
                            if !rt.notNumber, Compiler.storeItem(place.pointer(rt), n, .number(x)) { return .normal }
                            rt.notNumber = false
                        }
                        return try general(rt)
                    }
                }
                return { rt in
                    let v = try val(rt)
                    let n = Compiler.number(rt, b) + d
                    if !rt.notNumber, Compiler.storeItem(place.pointer(rt), n, v) { return .normal }
                    rt.notNumber = false
                    return try rest(rt, v)
                }
            }
            return { rt in
                let v = try val(rt)
                let n = k(rt)
                if !rt.notNumber, Compiler.storeItem(place.pointer(rt), n, v) { return .normal }
                rt.notNumber = false
                return try rest(rt, v)
            }
        }
        let shaped = byShape()
        if let update = itemUpdate(place, ie, k, value, otherwise: shaped) { return update }
        return shaped
    }

    /// `r.f = v` where `r` is a slot of the current frame (records updated in a loop): the
    /// record is moved out of its slot, its field set in place and the record moved back.
    func localFieldStore(_ target: Expr, _ value: Expr) -> Exec? {
        guard case .member(.name(let name, let namePos), let field, let pos) = target,
              let place = slotPlace(name) else { return nil }
        let val = argumentRead(value), cache = FieldCache(field)
        let variable = self.variable(name, namePos), location = loc(pos)
        return { rt in
            let v = try val(rt)
            let slot = place.pointer(rt)
            guard case .some = slot.pointee else { throw variable.unset(rt) }
            var container = slot.move().unsafelyUnwrapped
            defer { slot.initialize(to: container) }
            try Compiler.setField(&container, cache, v, location)
            return .normal
        }
    }

    /// The last step of a nested store: a field, or an item at an index evaluated first.
    enum NestedLast {
        case field(FieldCache, SourceLocation)
        case item(ArgumentRead, SourceLocation)
    }

    /// `xs[i].f = v` and `rows[i][j] = v` where `xs`/`rows` is a slot of the current frame
    /// (lists of records, grids): one closure does what the general path does through a
    /// modifier per level. The list is moved out of its slot, the item changed where it lies
    /// and the list moved back; every case the typed helpers do not take goes to `Ops` with
    /// the values already computed, in the general path's order, so results and errors are
    /// the general path's.
    func localNestedStore(_ target: Expr, _ value: Expr) -> Exec? {
        let base: Expr, last: NestedLast
        switch target {
        case .member(let inner, let field, let pos):
            base = inner
            last = .field(FieldCache(field), loc(pos))
        case .index(let inner, let comps, let pos):
            guard comps.count == 1, case .index(let je) = comps[0] else { return nil }
            base = inner
            last = .item(argumentRead(je), loc(pos))
        default:
            return nil
        }
        guard let (place, ie, variable, location) = localItem(base) else { return nil }
        let val = argumentRead(value), ix = argumentRead(ie)
        /// Every case the direct stores below do not take, with the values already computed
        /// (out of line: the closures below stay small enough for their direct stores to be
        /// inlined).
        @inline(never)
        func general(_ rt: Runtime, _ i: Value, _ update: Update) throws -> Flow {
            let slot = place.pointer(rt)
            guard case .some = slot.pointee else { throw variable.unset(rt) }
            var container = slot.move().unsafelyUnwrapped
            defer { slot.initialize(to: container) }
            if try Compiler.updateItem(&container, i, update) { return .normal }
            do { try Ops.modifyIndex(&container, [.value(i)], update) } catch { throw Compiler.located(error, location) }
            return .normal
        }
        // One closure per kind of last step, so that running it looks at no `NestedLast`.
        let plain: Exec
        switch last {
        case .field(let cache, let at):
            plain = { rt in
                let v = try val(rt)
                let i = try ix(rt)
                if case .number(let n) = i, Compiler.storeField(place.pointer(rt), n, cache, v) { return .normal }
                return try general(rt, i) { item in try Compiler.setField(&item, cache, v, at) }
            }
        case .item(let jx, let at):
            plain = { rt in
                let v = try val(rt)
                // The general path evaluates the inner index `j` before the outer `i`.
                let j = try jx(rt)
                let i = try ix(rt)
                if case .number(let n) = i, case .number(let m) = j, Compiler.storeItem(place.pointer(rt), n, m, v) { return .normal }
                return try general(rt, i) { item in try Compiler.setItem(&item, j, v, at) }
            }
        }
        // A number value (`bodies[i].vx = b.vx - dx * cm`, `grid[y][x + 1] = d + 1`) at indices
        // that only read is computed on doubles and stored where it lies; anything else runs
        // `plain` (everything read so far only reads, so reading it again changes nothing).
        guard let number = storedNumber(value), let k = pureIndex(ie) else { return plain }
        let compute = number.eval
        switch target {
        case .member(_, let field, _):
            let cache = FieldCache(field)
            return { rt in
                let d = compute(rt), n = k(rt)
                if !rt.notNumber, Compiler.storeField(place.pointer(rt), n, cache, .number(d)) { return .normal }
                rt.notNumber = false
                return try plain(rt)
            }
        case .index(_, let comps, _):
            guard case .index(let je) = comps[0], let l = pureIndex(je) else { return plain }
            return { rt in
                let d = number(rt), m = l(rt), n = k(rt)
                if !rt.notNumber, Compiler.storeItem(place.pointer(rt), n, m, .number(d)) { return .normal }
                rt.notNumber = false
                return try plain(rt)
            }
        default:
            return plain
        }
    }

    /// `xs[n].f = v` for the list of records in `slot`: the list and the record are moved out,
    /// the field set where it lies, and both moved back. False, with everything as it was,
    /// when the slot holds no list, `n` is not a valid position or the item has no such field.
    @inline(__always)
    static func storeField(_ slot: UnsafeMutablePointer<Value?>, _ n: Double, _ cache: FieldCache, _ v: Value) -> Bool {
        guard case .some(.list) = slot.pointee else { return false }
        if inPlace {
            return inPlaceList(slot) { items in
                guard let k = position(n, count: items.pointee.count), case .record = items.pointee[k] else { return false }
                return items.pointee.withUnsafeMutableBufferPointer { buffer in
                    inPlaceRecord(item: buffer.baseAddress.unsafelyUnwrapped + k) { r in
                        guard let f = cache.position(in: r.pointee) else { return false }
                        return r.pointee.values.withUnsafeMutableBufferPointer { fields in
                            guard f < fields.count else { return false }
                            assign(item: fields.baseAddress.unsafelyUnwrapped + f, v)
                            return true
                        }
                    }
                }
            }
        }
        var taken = slot.move().unsafelyUnwrapped
        var items = taken.takeList().unsafelyUnwrapped
        defer { slot.initialize(to: .list(items)) }
        guard let k = position(n, count: items.count), case .record = items[k] else { return false }
        var r = items[k].takeRecord().unsafelyUnwrapped
        defer { items[k] = .record(r) }
        guard let f = cache.position(in: r) else { return false }
        r.values[f] = v
        return true
    }

    /// `rows[n][m] = v` for the list of lists in `slot`, changed where it lies as `storeField`
    /// does; false, with everything as it was, when either position is not valid.
    @inline(__always)
    static func storeItem(_ slot: UnsafeMutablePointer<Value?>, _ n: Double, _ m: Double, _ v: Value) -> Bool {
        guard case .some(.list) = slot.pointee else { return false }
        if inPlace {
            return inPlaceList(slot) { items in
                guard let k = position(n, count: items.pointee.count), case .list = items.pointee[k] else { return false }
                return items.pointee.withUnsafeMutableBufferPointer { buffer in
                    inPlaceList(item: buffer.baseAddress.unsafelyUnwrapped + k) { row in
                        guard let l = position(m, count: row.pointee.count) else { return false }
                        row.pointee.withUnsafeMutableBufferPointer { cells in
                            assign(item: cells.baseAddress.unsafelyUnwrapped + l, v)
                        }
                        return true
                    }
                }
            }
        }
        var taken = slot.move().unsafelyUnwrapped
        var items = taken.takeList().unsafelyUnwrapped
        defer { slot.initialize(to: .list(items)) }
        guard let k = position(n, count: items.count), case .list = items[k] else { return false }
        var row = items[k].takeList().unsafelyUnwrapped
        defer { items[k] = .list(row) }
        guard let l = position(m, count: row.count) else { return false }
        row[l] = v
        return true
    }

    // MARK: indexing and members

    /// `xs[i]` with one index: lists and strings of every program that loops over items.
    func singleIndex(_ base: Expr, _ index: Expr, _ location: SourceLocation) -> Eval {
        let b = expr(base), ie = expr(index)
        let general: Eval = { rt in
            let v = try b(rt)
            return try Compiler.item(of: v, try ie(rt), rt, location)
        }
        if let nested = nestedIndex(base, index, location, general: general) { return nested }
        guard case .name(let n, _) = base, let place = slotPlace(n) else { return general }
        // A list in a slot: read in place, without copying the list. An index that changes no
        // variable may be evaluated first; an unset list keeps the general path's order of errors.
        switch operand(index) {
        case .local(let t, _):
            return { rt in
                if case .some(.number(let n)) = Compiler.slot(rt, t).pointee {
                    if let v = Compiler.item(place.pointer(rt), n) { return v }
                    if let c = Compiler.character(place.pointer(rt), n, rt) { return c }
                }
                if let v = Compiler.entry(place.pointer(rt), Compiler.slot(rt, t)) { return v }
                return try general(rt)
            }
        case .constant(let c):
            return { rt in
                if let v = Compiler.item(place.pointer(rt), c) { return v }
                return try general(rt)
            }
        case .any(let ix):
            // `xs[i % n]`, `row[j + 1]`.
            guard Compiler.changesNothing(index, in: place) else { return general }
            if numberTrees, let tree = numberTree(index) {
                // A position computed from numbers (`words[(i * 7) % 10]`, `xs[2 * k + 1]`,
                // `row[j + 1]`) on doubles, with no value made for it; a site whose position
                // keeps being something else (strings joined as keys) stops trying.
                let position = numberEval(tree), site = NumberSite()
                return { rt in
                    if site.tries, case .some = place.pointer(rt).pointee {
                        let n = position(rt)
                        if !rt.notNumber {
                            if let item = Compiler.item(place.pointer(rt), n) { return item }
                            if let c = Compiler.character(place.pointer(rt), n, rt) { return c }
                        }
                        rt.notNumber = false
                        site.miss()
                    }
                    return try general(rt)
                }
            }
            return { rt in
                guard case .some = place.pointer(rt).pointee else { return try general(rt) }
                let i = try ix(rt)
                if case .number(let n) = i {
                    if let item = Compiler.item(place.pointer(rt), n) { return item }
                    if let c = Compiler.character(place.pointer(rt), n, rt) { return c }
                }
                guard case .some(let v) = place.pointer(rt).pointee else { return try general(rt) }
                return try Compiler.item(of: v, i, rt, location)
            }
        }
    }

    /// `rows[i][j]` where `rows` is a local or global (grids, matrices, tables): the item is
    /// read where it lies, without copying the row out of the outer list. The indices must
    /// assign nothing; the general path's order of evaluation and of errors is kept: the
    /// variable, `i`, the outer item, `j`, the inner item.
    private func nestedIndex(_ base: Expr, _ index: Expr, _ location: SourceLocation, general: @escaping Eval) -> Eval? {
        guard case .index(.name(let n, _), let comps, let outerPos) = base, comps.count == 1,
              case .index(let outer) = comps[0], let place = slotPlace(n),
              Compiler.changesNothing(outer, in: place), Compiler.changesNothing(index, in: place) else { return nil }
        let ix = argumentRead(outer), jx = argumentRead(index), outerLocation = loc(outerPos)
        // The indices assign nothing, so the slot holds the same value throughout.
        return { rt in
            guard case .some = place.pointer(rt).pointee else { return try general(rt) }
            let i = try ix(rt)
            guard case .number(let n) = i, Compiler.isRow(place.pointer(rt), n) else {
                let row = try Compiler.item(of: place.pointer(rt).pointee.unsafelyUnwrapped, i, outerLocation)
                return try Compiler.item(of: row, try jx(rt), location)
            }
            let j = try jx(rt)
            if case .number(let m) = j, let item = Compiler.item(place.pointer(rt), n, m) { return item }
            let row = try Compiler.item(of: place.pointer(rt).pointee.unsafelyUnwrapped, i, outerLocation)
            return try Compiler.item(of: row, j, location)
        }
    }

    /// Character `n` of the string in `slot` when the string is one byte per character
    /// (strings read by position: comparisons of letters, parsing, dynamic programs over
    /// text); nil for anything else, which the general path then answers.
    @inline(__always)
    static func character(_ slot: UnsafeMutablePointer<Value?>, _ n: Double, _ rt: Runtime) -> Value? {
        byte(slot, n, rt).map { PlainStrings.characters[Int($0)] }
    }

    /// The byte of that character (`character`, letters compared by position).
    @inline(__always)
    static func byte(_ slot: UnsafeMutablePointer<Value?>, _ n: Double, _ rt: Runtime) -> UInt8? {
        guard case .some(.string(let s)) = slot.pointee else { return nil }
        return rt.plainStrings.byte(s, n)
    }

    /// Whether the slot holds a list with a list at position `n`.
    @inline(__always)
    static func isRow(_ slot: UnsafeMutablePointer<Value?>, _ n: Double) -> Bool {
        readList(slot) { items -> Bool? in
            guard let k = position(n, count: items.count), case .list = items[k] else { return false }
            return true
        } ?? false
    }

    /// Item `m` of the list at position `n` of the list of lists in `slot`, read without
    /// copying either list; nil when either position is not valid or either is no list.
    @inline(__always)
    static func item(_ slot: UnsafeMutablePointer<Value?>, _ n: Double, _ m: Double) -> Value? {
        readList(slot) { items -> Value? in
            guard let k = position(n, count: items.count), case .list(let row) = items[k],
                  let l = position(m, count: row.count) else { return nil }
            return Compiler.element(row, l)
        }
    }

    /// The position `n` names in a list of `count` items (negative from the end, as in
    /// Python), or nil when it is not a whole number inside the list.
    @inline(__always)
    static func position(_ n: Double, count: Int) -> Int? {
        // Converted to an integer first, which does not wait for the list's count, and
        // compared as integers: no list holds 2^52 items, so a number beyond that (or NaN, or
        // a fraction, which does not convert back to itself) names no position.
        guard n > -4.5e15, n < 4.5e15 else { return nil }
        let i = Int(n)
        guard Double(i) == n else { return nil }
        let k = i < 0 ? i &+ count : i
        return UInt(bitPattern: k) < UInt(bitPattern: count) ? k : nil
    }

    /// `v[i]`, with a string's character read in O(1) when it is one byte per character.
    @inline(__always)
    static func item(of v: Value, _ i: Value, _ rt: Runtime, _ location: SourceLocation) throws -> Value {
        if case .string(let s) = v, case .number(let n) = i, let c = rt.plainStrings.character(s, n) { return c }
        return try item(of: v, i, location)
    }

    /// `v[i]` with one index: lists by position and records by key without an index array,
    /// anything else the general way.
    @inline(__always)
    static func item(of v: Value, _ i: Value, _ location: SourceLocation) throws -> Value {
        if case .list(let items) = v, case .number(let n) = i, let k = position(n, count: items.count) { return items[k] }
        // A record used as a dictionary: `counts[word]`.
        if case .record(let r) = v, case .string(let key) = i, let j = r.index(of: key) { return r.values[j] }
        do { return try Ops.index(v, [.value(i)]) } catch { throw Compiler.located(error, location) }
    }

    /// `xs[n] = v` for the list in `slot`: the list is moved out of the slot (its buffer is
    /// then unique, so the item changes in place) and moved back. False, with the slot as it
    /// was, when the slot holds no list or `n` is not a valid position.
    @inline(__always)
    static func storeItem(_ slot: UnsafeMutablePointer<Value?>, _ n: Double, _ v: Value) -> Bool {
        guard case .some(.list) = slot.pointee else { return false }
        if inPlace {
            // Changed where it lies: the buffer is made unique first (a list another variable
            // holds is copied, as value semantics require), and a number item is overwritten
            // without the general destroy of a value.
            return inPlaceList(slot) { items in
                guard let k = position(n, count: items.pointee.count) else { return false }
                items.pointee.withUnsafeMutableBufferPointer { buffer in assign(item: buffer.baseAddress.unsafelyUnwrapped + k, v) }
                return true
            }
        }
        // Not `switch slot.move()`: binding the payload of a moved-out value copies it, and
        // the change then copies the whole list.
        var taken = slot.move()
        guard var items = taken?.takeList() else { slot.initialize(to: taken); return false }
        let k = position(n, count: items.count)
        if let k { items[k] = v }
        slot.initialize(to: .list(items))
        return k != nil
    }

    /// `xs[n] = xs[n] op x` for the list in `slot` when the item is a number: read, combined
    /// and written back in one look at the list (made unique first, as `storeItem` does). False,
    /// with the list as it was, when the slot holds no list, the position is not valid or the
    /// item is not a number.
    @inline(__always)
    static func updateItem<Op: ArithmeticOp>(_: Op.Type, _ slot: UnsafeMutablePointer<Value?>, _ n: Double, _ x: Double) -> Bool {
        guard inPlace, case .some(.list) = slot.pointee else { return false }
        return inPlaceList(slot) { items in
            guard let k = position(n, count: items.pointee.count) else { return false }
            return items.pointee.withUnsafeMutableBufferPointer { buffer in
                let item = buffer.baseAddress.unsafelyUnwrapped + k
                guard case .number(let old) = item.pointee else { return false }
                item.initialize(to: .number(Op.apply(old, x)))
                return true
            }
        }
    }

    /// `xs[n] = xs[m]` for the list in `slot` (shifts, rotations, insertion sorts): one look at
    /// the list for both positions, the item copied where it lies. False, with the slot as it
    /// was, when the slot holds no list or either position is not valid.
    @inline(__always)
    static func copyItem(_ slot: UnsafeMutablePointer<Value?>, from m: Double, to n: Double) -> Bool {
        guard case .some(.list) = slot.pointee else { return false }
        guard inPlace else {
            guard let v = item(slot, m) else { return false }
            return storeItem(slot, n, v)
        }
        return inPlaceList(slot) { items in
            let count = items.pointee.count
            guard let j = position(m, count: count), let k = position(n, count: count) else { return false }
            items.pointee.withUnsafeMutableBufferPointer { buffer in
                let base = buffer.baseAddress.unsafelyUnwrapped
                assign(item: base + k, element(base + j))
            }
            return true
        }
    }

    /// `t = xs[m]; xs[m] = xs[n]; xs[n] = t` for the list in `slot` (sorting, reversing,
    /// shuffling): the two items change places where they lie, and the item first at `m` is
    /// returned for the temporary (`.null` when `keep` is false: a swap without one). Nil, with
    /// everything as it was, when the slot holds no list or either position is not valid.
    @inline(__always)
    static func swapItems(_ slot: UnsafeMutablePointer<Value?>, _ m: Double, _ n: Double, keep: Bool) -> Value? {
        guard case .some(.list) = slot.pointee else { return nil }
        guard inPlace else {
            guard let v = item(slot, m), let w = item(slot, n), storeItem(slot, n, v) else { return nil }
            _ = storeItem(slot, m, w)
            return keep ? v : .null
        }
        return inPlaceList(slot) { items -> Value? in
            let count = items.pointee.count
            guard let j = position(m, count: count), let k = position(n, count: count) else { return nil }
            return items.pointee.withUnsafeMutableBufferPointer { buffer -> Value in
                let base = buffer.baseAddress.unsafelyUnwrapped
                let kept = keep ? element(base + j) : .null
                if j != k {
                    let first = (base + j).move()
                    (base + j).moveInitialize(from: base + k, count: 1)
                    (base + k).initialize(to: first)
                }
                return kept
            }
        }
    }

    /// Copies the items of the list in `from` over those of the list in `into`, which has as
    /// many (the list in `into` is made unique first: another variable holding it keeps its
    /// items); false, with both as they were, when either holds no list or the lengths differ.
    static func copyList(from: UnsafeMutablePointer<Value?>, into: UnsafeMutablePointer<Value?>) -> Bool {
        guard inPlace, case .some(.list) = into.pointee else { return false }
        return readList(from) { items -> Bool? in
            inPlaceList(into) { target in
                guard target.pointee.count == items.count else { return false }
                target.pointee.withUnsafeMutableBufferPointer { buffer in
                    items.withUnsafeBufferPointer { source in
                        let to = buffer.baseAddress.unsafelyUnwrapped
                        for k in 0..<source.count {
                            if case .number(let d) = source[k] { assign(item: to + k, .number(d)) } else { assign(item: to + k, source[k]) }
                        }
                    }
                }
                return true
            }
        } ?? false
    }

    /// Stores `v` over the value at `item`, overwriting a number, a boolean or nil without the
    /// general destroy of a value (as `assign` does for slots).
    @inline(__always)
    static func assign(item: UnsafeMutablePointer<Value>, _ v: Value) {
        switch item.pointee {
        case .number, .bool, .null: item.initialize(to: v)
        default: item.pointee = v
        }
    }

    /// The value at `item`, with a number copied without the general copy of a value.
    @inline(__always)
    static func element(_ item: UnsafeMutablePointer<Value>) -> Value {
        if case .number(let d) = item.pointee { return .number(d) }
        return item.pointee
    }

    /// Item `n` of the list in `slot`, read without copying the list; nil when the slot holds
    /// no list or `n` is not a valid position.
    @inline(__always)
    static func item(_ slot: UnsafeMutablePointer<Value?>, _ n: Double) -> Value? {
        readList(slot) { items in position(n, count: items.count).map { Compiler.element(items, $0) } }
    }

    /// Stores `v` at `key` of the record used as a dictionary (`counts[w] = ...`) in `slot`,
    /// where it lies (its values made unique first, as value semantics require); false when
    /// the slot holds no record or the record has no such key yet (the general path adds it).
    static func storeEntry(_ slot: UnsafeMutablePointer<Value?>, _ key: String, _ v: Value) -> Bool {
        guard inPlace, case .some(.record) = slot.pointee else { return false }
        return inPlaceRecord(slot) { r in
            guard let i = r.pointee.index(of: key) else { return false }
            r.pointee.values.withUnsafeMutableBufferPointer { values in assign(item: values.baseAddress.unsafelyUnwrapped + i, v) }
            return true
        }
    }

    /// The number at the key the variable in slot `k` holds, of the record used as a dictionary
    /// in slot `s`, read without copying the record; 0 with `rt.notNumber` set for anything else.
    @inline(__always)
    static func numberEntry(_ rt: Runtime, _ s: Int, _ k: Int) -> Double {
        if case .some(.number(let d)) = entry(Compiler.slot(rt, s), Compiler.slot(rt, k)) { return d }
        rt.notNumber = true
        return 0
    }

    /// The value at the key the variable in `key` holds, of the record (used as a dictionary:
    /// `counts[word]`) in `slot`, read without copying the record; nil when either holds
    /// anything else or the record has no such key.
    @inline(__always)
    static func entry(_ slot: UnsafeMutablePointer<Value?>, _ key: UnsafeMutablePointer<Value?>) -> Value? {
        guard case .some(.string(let k)) = key.pointee else { return nil }
        return readRecord(slot) { r in r.index(of: k).map { Compiler.element(r.values, $0) } }
    }

    /// `values[i]`, with numbers copied without the general copy of a value (a call).
    @inline(__always)
    static func element(_ values: [Value], _ i: Int) -> Value {
        if case .number(let d) = values[i] { return .number(d) }
        return values[i]
    }

    /// The field `cache` names of the record in `slot`, read without retaining the record;
    /// nil when the slot holds no record or the record has no such field.
    @inline(__always)
    static func field(_ slot: UnsafeMutablePointer<Value?>, _ cache: FieldCache) -> Value? {
        readRecord(slot) { r in cache.position(in: r).map { Compiler.element(r.values, $0) } }
    }

    /// `r.name` on records: the position of the field is remembered for records that share
    /// their key list (every record made by the same literal does), so most reads compare
    /// one pointer instead of searching the keys.
    func cachedMember(_ base: Expr, _ name: String, _ location: SourceLocation) -> Eval {
        let b = expr(base)
        let cache = FieldCache(name)
        // A record in a frame slot (`b.x` in n-body, `tree.left`): read in place.
        if case .name(let n, _) = base, let place = slotPlace(n) {
            let whole: Eval = { rt in
                if let v = Compiler.field(place.pointer(rt), cache) { return v }
                let v = try b(rt)
                do { return try Ops.member(v, name) } catch { throw Compiler.located(error, location) }
            }
            if let h = splitField(n, name) { return splitRead(h, whole: whole) }
            return whole
        }
        return { rt in
            let v = try b(rt)
            if case .record(let r) = v, let i = cache.position(in: r) { return r.values[i] }
            do { return try Ops.member(v, name) } catch { throw Compiler.located(error, location) }
        }
    }

    // MARK: accumulation

    /// `x = x + e` into a global (sums and counters in a notebook cell's loops) whose right side
    /// only reads, so it cannot change the global: a number is added where it lies, a list or
    /// string grows in place, anything else takes `general`. A global holding a number, list or
    /// string has no pinned function, so writing one of those over it keeps `Runtime.gfn` true.
    private func globalAccumulation(_ slot: Variable, _ r: ArgumentRead, slow: @escaping (Value, Value) throws -> Value,
                                    _ location: SourceLocation, general: @escaping Exec) -> Exec {
        let g = slot.index
        let inPlace: Exec = { rt in
            if case .some(.number(let p)) = rt.gp[g] {
                let right = try r(rt)
                if case .number(let q) = right { (rt.gp + g).initialize(to: .number(p + q)); return .normal }
                slot.write(rt, try slow(.number(p), right))
                return .normal
            }
            switch rt.gp[g] {
            case .some(.list), .some(.string):
                let right = try r(rt)
                if try Compiler.extendInPlace(rt.gp + g, right, rt, location) { return .normal }
                slot.write(rt, try slow(rt.gp[g] ?? .null, right))
                return .normal
            default:
                return try general(rt)
            }
        }
        guard r.kind == 1, case .number(let c) = r.constant else { return inPlace }
        return { rt in
            if case .some(.number(let p)) = rt.gp[g] { (rt.gp + g).initialize(to: .number(p + c)); return .normal }
            return try inPlace(rt)
        }
    }

    /// `x = x + e`, `x = append(x, e)`: the statements that build a list or a string in a
    /// loop. When `x` still holds the value read at the start, it is taken out of its slot
    /// so its buffer is uniquely referenced and grows in place: amortised O(1) per step
    /// instead of a copy of everything so far.
    func accumulation(_ target: Expr, _ value: Expr) -> Exec? {
        guard case .name(let name, _) = target else { return nil }
        switch value {
        case .binary("+", .name(let n, let readPos), let rhs, let pos) where n == name:
            // Errors of reading the variable point at the read, as they would without this path.
            let slot = variable(name, readPos)
            let r = argumentRead(rhs), slow = binarySlow("+", pos), location = loc(pos)
            let general: Exec = { rt in
                var old = try slot.read(rt)
                let right = try r(rt)
                if case .number(let p) = old, case .number(let q) = right { slot.write(rt, .number(p + q)); return .normal }
                if let grown = try Compiler.grow(slot, rt, &old, right, location) { slot.write(rt, grown); return .normal }
                slot.write(rt, try slow(old, right))
                return .normal
            }
            if slot.kind == .global, r.onlyReads { return globalAccumulation(slot, r, slow: slow, location, general: general) }
            guard slot.kind == .local else { return general }
            // A frame slot: numbers are added (sums, counters), lists and strings grow in place
            // (the right side cannot change a frame slot, so the slot still holds the old value).
            let s = slot.index
            let inPlace: Exec = { rt in
                switch rt.bp[s] {
                case .some(.number(let p)):
                    let right = try r(rt)
                    // The slot holds a number: nothing to destroy before writing the sum.
                    if case .number(let q) = right { (rt.bp + s).initialize(to: .number(p + q)); return .normal }
                    rt.bp[s] = try slow(.number(p), right)
                    return .normal
                case .some(.list), .some(.string):
                    let right = try r(rt)
                    if try Compiler.extendInPlace(rt.bp + s, right, rt, location) { return .normal }
                    // The right side cannot empty a frame slot: it still holds the list or string.
                    rt.bp[s] = try slow(rt.bp[s] ?? .null, right)
                    return .normal
                default:
                    return try general(rt)
                }
            }
            // A counter or a sum of numbers (`i = i + 1`, `total = total + x`): code of its own
            // for a constant or a variable on the right, with no value made for it.
            switch operand(rhs) {
            case .constant(let c):
                return { rt in
                    if case .some(.number(let p)) = rt.bp[s] { (rt.bp + s).initialize(to: .number(p + c)); return .normal }
                    return try inPlace(rt)
                }
            case .local(let t, _):
                return { rt in
                    if case .some(.number(let p)) = rt.bp[s], case .some(.number(let q)) = Compiler.slot(rt, t).pointee {
                        (rt.bp + s).initialize(to: .number(p + q))
                        return .normal
                    }
                    return try inPlace(rt)
                }
            case .any:
                return inPlace
            }
        case .call(.name("append", let calleePos), let args, let pos)
            where args.count == 2 && args.allSatisfy({ $0.name == nil }):
            guard case .name(let n, let readPos) = args[0].value, n == name else { return nil }
            let slot = variable(name, readPos)
            let callee = expr(.name("append", calleePos)), item = expr(args[1].value)
            let location = loc(Self.start(value))
            let append = Registry.shared.function("append")
            let general: Exec = { rt in
                let f = try callee(rt)
                var old = try slot.read(rt)
                let x = try item(rt)
                guard case .function(let fn) = f, fn === append else {
                    // Not the builtin: call whatever the name holds, with the values read in order.
                    guard case .function(let other) = f else { throw ScriptError("a \(f.typeName) cannot be called", at: location) }
                    do { slot.write(rt, try other.call([old, x], named: [], rt, at: pos)) } catch { throw Compiler.trace(error, other, location) }
                    return .normal
                }
                if case .list = old, let grown = try Compiler.grow(slot, rt, &old, item: x, location) {
                    slot.write(rt, grown)
                    return .normal
                }
                do { slot.write(rt, try fn.call([old, x], named: [], rt, at: pos)) } catch { throw Compiler.trace(error, fn, location) }
                return .normal
            }
            // A list in a frame slot and `append` still the builtin (a pinned global): the item
            // is added to the list where it lies, with no reads or copies of the list.
            guard slot.kind == .local, case .global(let g) = resolve("append"), let append else { return general }
            let s = slot.index, appendSlot = globals.slot(g)
            let builtin = Unmanaged.passUnretained(append).toOpaque()
            return { rt in
                guard rt.gfn[appendSlot] == builtin, case .some(.list) = rt.bp[s] else { return try general(rt) }
                try Compiler.pushInPlace(rt.bp + s, try item(rt), rt, location)
                return .normal
            }
        default:
            return nil
        }
    }

    /// `x = x + right` for a list or string `x` in `slot`, grown where it lies: moved out of
    /// the slot (so its buffer is unique), extended, moved back. False when `right` is not of
    /// the same kind (the caller applies `+` the general way).
    static func extendInPlace(_ slot: UnsafeMutablePointer<Value?>, _ right: Value, _ rt: Runtime,
                              _ location: SourceLocation) throws -> Bool {
        if case .some(.list) = slot.pointee, case .list(let b) = right {
            var taken = slot.move()
            guard var items = taken?.takeList() else { slot.initialize(to: taken); return false }
            defer { slot.initialize(to: .list(items)) }
            do { try rt.limits.checkLength(items.count + b.count, "list") } catch { throw Compiler.located(error, location) }
            items.append(contentsOf: b)
            return true
        }
        if case .some(.string) = slot.pointee, case .string(let b) = right {
            var taken = slot.move()
            guard var text = taken?.takeString() else { slot.initialize(to: taken); return false }
            defer { slot.initialize(to: .string(text)) }
            do { try rt.limits.checkLength(text.utf8.count + b.utf8.count, "string") } catch { throw Compiler.located(error, location) }
            text += b
            return true
        }
        return false
    }

    /// `append(x, item)` for the list in `slot`, where it lies (the caller checked it is a list).
    static func pushInPlace(_ slot: UnsafeMutablePointer<Value?>, _ item: Value, _ rt: Runtime,
                            _ location: SourceLocation) throws {
        var taken = slot.move()
        guard var items = taken?.takeList() else { slot.initialize(to: taken); return }
        defer { slot.initialize(to: .list(items)) }
        do { try rt.limits.checkLength(items.count + 1, "list") } catch { throw Compiler.located(error, location) }
        items.append(item)
    }

    /// Takes the variable's value out of its slot when the slot still holds `old`'s buffer
    /// (nothing changed the variable meanwhile), dropping `old`: the result is then the only
    /// reference to that buffer.
    static func takeIfSame(_ slot: Variable, _ rt: Runtime, _ old: inout Value) -> Value? {
        guard sameBuffer(old, slot.peek(rt)) else { return nil }
        old = .null
        return slot.take(rt)
    }

    @inline(never)
    static func sameBuffer(_ a: Value, _ b: Value?) -> Bool {
        switch (a, b) {
        case (.list(let x), .some(.list(let y))):
            return x.withUnsafeBufferPointer { $0.baseAddress } == y.withUnsafeBufferPointer { $0.baseAddress } && x.count == y.count
        case (.string(let x), .some(.string(let y))):
            // Short strings live inside the value (no buffer to share): equal text is the same value.
            if x.utf8.count <= 15 || y.utf8.count <= 15 { return x == y }
            let p = x.utf8.withContiguousStorageIfAvailable { $0.baseAddress }
            let q = y.utf8.withContiguousStorageIfAvailable { $0.baseAddress }
            guard let p, let q else { return false }
            return p == q && x.utf8.count == y.utf8.count
        default:
            return false
        }
    }

    /// `old + right` for lists and strings, grown in place when the variable still holds
    /// `old`'s buffer; nil otherwise (the caller computes it the general way).
    static func grow(_ slot: Variable, _ rt: Runtime, _ old: inout Value, _ right: Value, _ location: SourceLocation) throws -> Value? {
        // No binding holds on to `old`'s buffer here: it must be unique once taken.
        if case .list = old, case .list(let b) = right {
            do { try rt.limits.checkLength(size(of: old) + b.count, "list") } catch { throw Compiler.located(error, location) }
            guard var taken = takeIfSame(slot, rt, &old), var items = taken.takeList() else { return nil }
            items.append(contentsOf: b)
            return .list(items)
        }
        if case .string = old, case .string(let b) = right {
            do { try rt.limits.checkLength(size(of: old) + b.utf8.count, "string") } catch { throw Compiler.located(error, location) }
            guard var taken = takeIfSame(slot, rt, &old), var text = taken.takeString() else { return nil }
            text += b
            return .string(text)
        }
        return nil
    }

    /// Items of a list, bytes of a string.
    @inline(never)
    static func size(of v: Value) -> Int {
        switch v {
        case .list(let items): return items.count
        case .string(let s): return s.utf8.count
        default: return 0
        }
    }

    /// `append(old, item)` in place, under the same condition as `grow`.
    static func grow(_ slot: Variable, _ rt: Runtime, _ old: inout Value, item: Value, _ location: SourceLocation) throws -> Value? {
        guard case .list = old else { return nil }
        do { try rt.limits.checkLength(size(of: old) + 1, "list") } catch { throw Compiler.located(error, location) }
        guard var taken = takeIfSame(slot, rt, &old), var items = taken.takeList() else { return nil }
        items.append(item)
        return .list(items)
    }

    // MARK: assignment into lists and records

    /// `xs[i] = v`, `rows[i][j] = v`, `bodies[i].vx = v`: one number index into a list,
    /// changed in place without building an index array. False when the container is not a
    /// list or the index not a valid position (the general path then reports the error).
    static func updateItem(_ container: inout Value, _ i: Value, _ update: Update) throws -> Bool {
        // The container is moved out (never copied) to be looked at, and moved back when
        // the index does not fit, so its buffer stays unique for the update.
        if case .string(let key) = i, case .record = container {
            guard var r = container.takeRecord() else { return false }
            guard let j = r.index(of: key) else { container = .record(r); return false }
            defer { container = .record(r) }
            try update(&r.values[j])
            return true
        }
        guard case .number(let n) = i, case .list = container, var items = container.takeList() else { return false }
        guard let k = position(n, count: items.count) else { container = .list(items); return false }
        defer { container = .list(items) }
        try update(&items[k])
        return true
    }

    /// `container[i] = v`: through `updateItem` when it takes it, else the general way
    /// (records by key, errors placed at `location`).
    static func setItem(_ container: inout Value, _ i: Value, _ v: Value, _ location: SourceLocation) throws {
        if try updateItem(&container, i, { $0 = v }) { return }
        do { try Ops.setIndex(&container, [.value(i)], v) } catch { throw Compiler.located(error, location) }
    }

    /// `record.field = v`: through the field cache when it knows the record's keys, else
    /// the general way (a new field, errors placed at `location`).
    static func setField(_ record: inout Value, _ cache: FieldCache, _ v: Value, _ location: SourceLocation) throws {
        if try updateField(&record, cache, { $0 = v }) { return }
        do { try Ops.setMember(&record, cache.name, v) } catch { throw Compiler.located(error, location) }
    }

    /// `r.f = v` and `r.f` as part of a target: the field's position comes from the cache.
    /// False when the record has no such field or the value is not a record.
    static func updateField(_ record: inout Value, _ cache: FieldCache, _ update: Update) throws -> Bool {
        guard case .record = record, var r = record.takeRecord() else { return false }
        guard let i = cache.position(in: r) else { record = .record(r); return false }
        defer { record = .record(r) }
        try update(&r.values[i])
        return true
    }

    /// A modifier with the typed paths: nil for targets without one.
    func fastModifier(_ target: Expr, inner: @escaping Modify) -> Modify? {
        switch target {
        case .index(_, let comps, let pos):
            guard comps.count == 1, case .index(let ie) = comps[0] else { return nil }
            let ix = expr(ie), location = loc(pos)
            return { rt, update in
                let i = try ix(rt)
                try inner(rt) { container in
                    if try Compiler.updateItem(&container, i, update) { return }
                    do { try Ops.modifyIndex(&container, [.value(i)], update) } catch { throw Compiler.located(error, location) }
                }
            }
        case .member(_, let field, let pos):
            let cache = FieldCache(field), location = loc(pos)
            return { rt, update in
                try inner(rt) { record in
                    if try Compiler.updateField(&record, cache, update) { return }
                    do { try Ops.modifyMember(&record, field, update) } catch { throw Compiler.located(error, location) }
                }
            }
        default:
            return nil
        }
    }

    /// A store with the typed paths: nil for targets without one.
    func fastSetter(_ target: Expr, place: @escaping Modify) -> ((Runtime, Value) throws -> Void)? {
        switch target {
        case .index(_, let comps, let pos):
            guard comps.count == 1, case .index(let ie) = comps[0] else { return nil }
            let ix = expr(ie), location = loc(pos)
            return { rt, v in
                let i = try ix(rt)
                try place(rt) { container in try Compiler.setItem(&container, i, v, location) }
            }
        case .member(_, let field, let pos):
            let cache = FieldCache(field), location = loc(pos)
            return { rt, v in
                try place(rt) { record in try Compiler.setField(&record, cache, v, location) }
            }
        default:
            return nil
        }
    }

    // MARK: arguments

    /// An argument read without a closure call when it is a variable or a constant (most
    /// arguments of most calls), else evaluated.
    struct ArgumentRead {
        /// 0: a frame slot, 1: a constant, 2: any expression, 3: a global slot, 4: a number
        /// expression (`typed.number`, with `eval` its general path), 5 and 6: an item `xs[i]` of
        /// the list in variable `slot` (as `variableSlot` gives it) at the position in variable
        /// `typed.index` (5) or at the number `constant` (6), with `eval` its general path; 7: the
        /// variable in `slot` (as `variableSlot` gives it) plus the number `constant` (`n - 1`,
        /// `i + 1`: steps of a recursion, neighbours in a list), with `eval` its general path.
        let kind: UInt8
        let slot: Int
        let constant: Value
        let eval: Eval
        /// What kinds 4 and 5 need besides, in a box of its own: calls keep four reads inline,
        /// and a larger read makes every call slower.
        var typed: TypedRead? = nil

        final class TypedRead {
            /// Not optional: a closure taken out of an optional through a generic accessor is
            /// wrapped in a conversion thunk on every call.
            let number: (Runtime) -> Double
            let index: Int
            init(number: @escaping (Runtime) -> Double = { _ in 0 }, index: Int = 0) { self.number = number; self.index = index }
        }

        /// Any expression, read by calling its closure.
        static func general(_ eval: @escaping Eval) -> ArgumentRead { ArgumentRead(kind: 2, slot: 0, constant: .null, eval: eval) }

        @inline(__always)
        func callAsFunction(_ rt: Runtime) throws -> Value {
            if kind == 0 {
                // A number is copied without the general copy of a value (a call).
                if case .some(.number(let d)) = rt.bp[slot] { return .number(d) }
                if let v = rt.bp[slot] { return v }
            }
            if kind == 1 { return constant }
            if kind == 3 {
                // A global's number (the top level's loops) without the general copy either.
                if case .some(.number(let d)) = rt.gp[slot] { return .number(d) }
                if let v = rt.gp[slot] { return v }
            }
            // `x - c` is `x + (-c)` exactly in IEEE arithmetic, signed zeros included.
            if kind == 7, case .some(.number(let d)) = Compiler.slot(rt, slot).pointee, case .number(let c) = constant {
                return .number(d + c)
            }
            if kind >= 4 { return try typedRead(rt) }
            return try eval(rt)
        }

        /// The slot of a variable read as it is (kinds 0 and 3): a builtin can borrow the
        /// value where it lies instead of copying it (`ArgumentRead.lend`).
        @inline(__always)
        func place(_ rt: Runtime) -> UnsafeMutablePointer<Value?>? {
            if kind == 0 { return rt.bp + slot }
            if kind == 3 { return rt.gp + slot }
            return nil
        }

        /// The read for a path that has already tried the number (`localStore`'s fallback):
        /// a number expression's general path, with no second try on doubles.
        var withoutNumberTry: ArgumentRead { kind == 4 ? .general(eval) : self }

        /// Whether reading it only reads: every kind but any expression (2), which could call
        /// a function or assign a variable.
        var onlyReads: Bool { kind != 2 }

        /// Runs `body` on the value in `place`, moved out of its slot and back without copying
        /// it: a copy of a list or record retains its buffers and its destroy releases them,
        /// which was most of the cost of `contains(counts, w)` or `len(xs)`. Only for builtins
        /// that run no user code (nothing can look at the empty slot meanwhile); the slot gets
        /// its value back whether `body` returns or throws.
        @inline(__always)
        static func lend<R>(_ place: UnsafeMutablePointer<Value?>, _ body: (Value) throws -> R) rethrows -> R {
            // Written with `consume` and without `defer`: either of the other ways copies the
            // value back (a retain) and destroys the local (a release), which is what lending saves.
            let x = place.move().unsafelyUnwrapped
            do {
                let r = try body(x)
                place.initialize(to: consume x)
                return r
            } catch {
                place.initialize(to: consume x)
                throw error
            }
        }

        /// Kinds 4 to 6, kept out of line: calls read their arguments inline, and a short
        /// read keeps them short.
        @inline(never)
        func typedRead(_ rt: Runtime) throws -> Value {
            if kind == 4 {
                let d = typed.unsafelyUnwrapped.number(rt)
                if !rt.notNumber { return .number(d) }
                rt.notNumber = false
            }
            if kind == 5 {
                let i = Compiler.slot(rt, typed.unsafelyUnwrapped.index)
                if case .some(.number(let n)) = i.pointee {
                    if let v = Compiler.item(Compiler.slot(rt, slot), n) { return v }
                    if let c = Compiler.character(Compiler.slot(rt, slot), n, rt) { return c }
                }
                if let v = Compiler.entry(Compiler.slot(rt, slot), i) { return v }
            }
            if kind == 6, case .number(let n) = constant {
                if let v = Compiler.item(Compiler.slot(rt, slot), n) { return v }
                if let c = Compiler.character(Compiler.slot(rt, slot), n, rt) { return c }
            }
            return try eval(rt)
        }
    }

    func argumentRead(_ e: Expr?) -> ArgumentRead {
        guard let e else { return .general({ _ in .null }) }
        guard Compiler.fastPaths else { return .general(expr(e)) }
        // A variable plus or minus a constant (`f(n - 1)`, `x = i + 1`) is added where it is read.
        if case .binary(let op, .name(let n, _), .number(let c, _), _) = e, op == "+" || op == "-",
           let s = variableSlot(n) {
            return ArgumentRead(kind: 7, slot: s, constant: .number(op == "+" ? c : -c), eval: expr(e))
        }
        // A number expression (`x = b.vx - dx * cm`, `f(n * 2 + 1)`, `xs[i] = xs[i] + 1`) is
        // computed straight from here, one closure call less than through its `Eval`.
        if let (compute, general) = numberExpressionParts(e) {
            return ArgumentRead(kind: 4, slot: 0, constant: .null, eval: general, typed: ArgumentRead.TypedRead(number: compute))
        }
        // An item of a list in a variable at a variable's or a constant position (`t = perm[i]`,
        // `xs[i] = xs[j]`, `f(xs[0])`): read where it lies, one closure call less.
        if case .index(.name(let n, _), let comps, _) = e, comps.count == 1, case .index(let ie) = comps[0],
           let s = variableSlot(n) {
            switch ie {
            case .number(let c, _): return ArgumentRead(kind: 6, slot: s, constant: .number(c), eval: expr(e))
            case .name(let m, _):
                if let t = variableSlot(m) { return ArgumentRead(kind: 5, slot: s, constant: .null, eval: expr(e), typed: ArgumentRead.TypedRead(index: t)) }
            default: break
            }
        }
        // A field of a split local (SplitRecords.swift): its hidden slot, or `eval` when empty.
        if case .member(.name(let n, _), let f, _) = e, let h = splitField(n, f) {
            return ArgumentRead(kind: 0, slot: h, constant: .null, eval: expr(e))
        }
        let o = operand(e)
        switch o {
        case .local(let s, let eval):
            return s >= 0 ? ArgumentRead(kind: 0, slot: s, constant: .null, eval: eval) : ArgumentRead(kind: 3, slot: ~s, constant: .null, eval: eval)
        case .constant(let c): return ArgumentRead(kind: 1, slot: 0, constant: .number(c), eval: o.eval)
        case .any(let eval): return .general(eval)
        }
    }

    // MARK: builtins

    /// A call of a builtin with a direct entry: arguments are passed as they are, without
    /// arrays or matching to parameters (`abs(x)`, `sin(x)`, `len(xs)`, `str(i)`).
    static func direct(_ fn: Function, _ argc: Int) -> Function? {
        if argc == 1 && fn.direct1 != nil { return fn }
        if argc == 2 && fn.direct2 != nil { return fn }
        return nil
    }
}

/// Remembers where a field sits in records that share one key list.
final class FieldCache {
    let name: String
    private var keys: [String] = []
    private var index = 0

    init(_ name: String) { self.name = name }

    /// The field's position in `r`, or nil when it has no such field.
    @inline(__always)
    func position(in r: Record) -> Int? {
        // `keys` keeps the cached key list alive, so its address cannot be reused by another.
        if !keys.isEmpty, r.keys.withUnsafeBufferPointer({ $0.baseAddress }) == keys.withUnsafeBufferPointer({ $0.baseAddress }) {
            return index
        }
        guard let i = r.index(of: name) else { return nil }
        keys = r.keys
        index = i
        return i
    }
}

/// A binary operator on two numbers, for the typed fast paths.
/// Its result must equal what `Ops.numbers` gives (and `Ops.dual` for numbers carrying a
/// derivative, which is how `grad` runs functions of numbers); other operands go to `Ops.binary`.
protocol NumberOp {
    static func value(_ a: Double, _ b: Double) -> Value
    /// The result for operands with derivatives `da` and `db` (0 for a plain number), or nil
    /// when this operator has no such rule here.
    static func dual(_ a: Double, _ da: Double, _ b: Double, _ db: Double) -> Value?
}

extension NumberOp {
    static func dual(_ a: Double, _ da: Double, _ b: Double, _ db: Double) -> Value? { nil }

    /// `dual` when one operand carries a derivative and the other is a number or one too.
    @inline(__always)
    static func dualValue(_ l: Value, _ r: Value) -> Value? {
        switch (l, r) {
        case (.dual(let a, let da), .number(let b)): return dual(a, da, b, 0)
        case (.number(let a), .dual(let b, let db)): return dual(a, 0, b, db)
        case (.dual(let a, let da), .dual(let b, let db)): return dual(a, da, b, db)
        default: return nil
        }
    }
}

/// A comparison of two numbers.
protocol CompareOp: NumberOp {
    static func test(_ a: Double, _ b: Double) -> Bool
    /// The answer when one side is nil (`tree.left == nil`), as `Ops.binary` gives it.
    static func nilTest(_ l: Value, _ r: Value) -> Bool?
    /// The answer for two strings when this operator has a rule for them here, as `Ops.binary`
    /// gives it (`a[i] == b[j]` over strings).
    static func stringTest(_ l: Value, _ r: Value) -> Bool?
}

extension CompareOp {
    static func value(_ a: Double, _ b: Double) -> Value { .bool(test(a, b)) }
    static func nilTest(_ l: Value, _ r: Value) -> Bool? { nil }
    static func stringTest(_ l: Value, _ r: Value) -> Bool? { nil }

    /// Whether both sides are nil, when one is and the other carries no derivative.
    @inline(__always)
    static func bothNil(_ l: Value, _ r: Value) -> Bool? {
        switch (l, r) {
        case (.null, .null): return true
        case (.null, .dual), (.dual, .null): return nil
        case (.null, _), (_, .null): return false
        default: return nil
        }
    }
}

/// A number operator whose result is a number, for expressions computed on doubles.
protocol ArithmeticOp: NumberOp {
    static func apply(_ a: Double, _ b: Double) -> Double
}

extension ArithmeticOp {
    @inline(__always) static func value(_ a: Double, _ b: Double) -> Value { .number(apply(a, b)) }
}

enum AddOp: ArithmeticOp {
    @inline(__always) static func apply(_ a: Double, _ b: Double) -> Double { a + b }
    static func dual(_ a: Double, _ da: Double, _ b: Double, _ db: Double) -> Value? { .dual(a + b, da + db) }
}

enum SubtractOp: ArithmeticOp {
    @inline(__always) static func apply(_ a: Double, _ b: Double) -> Double { a - b }
    static func dual(_ a: Double, _ da: Double, _ b: Double, _ db: Double) -> Value? { .dual(a - b, da - db) }
}

enum MultiplyOp: ArithmeticOp {
    @inline(__always) static func apply(_ a: Double, _ b: Double) -> Double { a * b }
    static func dual(_ a: Double, _ da: Double, _ b: Double, _ db: Double) -> Value? { .dual(a * b, a * db + b * da) }
}

enum DivideOp: ArithmeticOp {
    @inline(__always) static func apply(_ a: Double, _ b: Double) -> Double { a / b }
    static func dual(_ a: Double, _ da: Double, _ b: Double, _ db: Double) -> Value? { .dual(a / b, (da * b - a * db) / (b * b)) }
}

enum RemainderOp: ArithmeticOp {
    /// The remainder with the sign of the divisor, as in Python.
    @inline(__always) static func apply(_ a: Double, _ b: Double) -> Double { Ops.remainder(a, b) }
}

enum PowerOp: ArithmeticOp {
    @inline(__always) static func apply(_ a: Double, _ b: Double) -> Double { b == 2 ? a * a : Foundation.pow(a, b) }
    static func dual(_ a: Double, _ da: Double, _ b: Double, _ db: Double) -> Value? {
        let v = b == 2 ? a * a : Foundation.pow(a, b)
        var d = da == 0 ? 0 : (b == 2 ? 2 * a * da : b * Foundation.pow(a, b - 1) * da)
        if db != 0 && a > 0 { d += v * Foundation.log(a) * db }
        return .dual(v, d)
    }
}

enum LessOp: CompareOp {
    @inline(__always) static func test(_ a: Double, _ b: Double) -> Bool { a < b }
}

enum LessEqualOp: CompareOp {
    @inline(__always) static func test(_ a: Double, _ b: Double) -> Bool { a <= b }
}

enum GreaterOp: CompareOp {
    @inline(__always) static func test(_ a: Double, _ b: Double) -> Bool { a > b }
}

enum GreaterEqualOp: CompareOp {
    @inline(__always) static func test(_ a: Double, _ b: Double) -> Bool { a >= b }
}

enum EqualOp: CompareOp {
    @inline(__always) static func test(_ a: Double, _ b: Double) -> Bool { a == b }
    static func nilTest(_ l: Value, _ r: Value) -> Bool? { bothNil(l, r) }
    static func stringTest(_ l: Value, _ r: Value) -> Bool? {
        if case .string(let a) = l, case .string(let b) = r { return a == b }
        return nil
    }
}

enum NotEqualOp: CompareOp {
    @inline(__always) static func test(_ a: Double, _ b: Double) -> Bool { a != b }
    static func nilTest(_ l: Value, _ r: Value) -> Bool? { bothNil(l, r).map { !$0 } }
    static func stringTest(_ l: Value, _ r: Value) -> Bool? {
        if case .string(let a) = l, case .string(let b) = r { return a != b }
        return nil
    }
}

/// A comparison of numbers read inline (see `Compiler.inlineTest`): the answer, or
/// `rt.notNumber` set when a side is not a number.
protocol InlineTest {
    func callAsFunction(_ rt: Runtime) -> Bool
}

/// Two variables' slots.
struct SlotsTest<Op: CompareOp>: InlineTest {
    let a: Int, b: Int

    @inline(__always)
    func callAsFunction(_ rt: Runtime) -> Bool {
        if case .some(.number(let p)) = Compiler.slot(rt, a).pointee, case .some(.number(let q)) = Compiler.slot(rt, b).pointee {
            return Op.test(p, q)
        }
        rt.notNumber = true
        return false
    }
}

/// A variable's slot and a constant.
struct SlotConstantTest<Op: CompareOp>: InlineTest {
    let a: Int, c: Double

    @inline(__always)
    func callAsFunction(_ rt: Runtime) -> Bool {
        if case .some(.number(let p)) = Compiler.slot(rt, a).pointee { return Op.test(p, c) }
        rt.notNumber = true
        return false
    }
}

/// Any two number expressions.
struct OperandsTest<Op: CompareOp>: InlineTest {
    let left: Compiler.NumberOperand, right: Compiler.NumberOperand

    @inline(__always)
    func callAsFunction(_ rt: Runtime) -> Bool {
        let p = left(rt), q = right(rt)
        return Op.test(p, q)
    }
}

/// A statement (or a function body) built around an inline test.
protocol TestUser {
    func use<T: InlineTest>(_ test: T) -> TestedCode
}

/// What a `TestUser` builds. (A closure returned as a generic result would come back wrapped
/// in conversion thunks, two calls more each time it runs.)
enum TestedCode {
    case statement(Exec)
    case body(Eval)

    var statement: Exec? { if case .statement(let e) = self { return e }; return nil }
    var body: Eval? { if case .body(let e) = self { return e }; return nil }
}

/// Where a comparison or an expression tries numbers (or letters) first: after
/// `NumberSite.limit` times that an operand was not one it goes the general way for good, so
/// a comparison or a join of strings (`a[i] == b[j]`, `s + words[i]`), or of lists item by
/// item, does not read its operands again after every failed try.
final class NumberSite {
    static let limit = 16
    private var misses = 0

    var tries: Bool { misses < NumberSite.limit }

    func miss() { misses += 1 }
}

/// `while test { body }`.
struct WhileUse: TestUser {
    let cond: (Runtime) throws -> Bool
    let run: Exec

    func use<T: InlineTest>(_ test: T) -> TestedCode {
        let cond = self.cond, run = self.run
        return .statement { rt in
            while true {
                var holds = test(rt)
                if rt.notNumber { rt.notNumber = false; holds = try cond(rt) }
                if !holds { break }
                try rt.tick()
                let f: Flow
                do { f = try run(rt) } catch let s as ControlSignal { f = s.flow }
                if f == .breakLoop { break }
                if f == .returned { return .returned }
            }
            return .normal
        }
    }
}

/// `if test { then } else { other }` as a statement.
struct IfUse: TestUser {
    let cond: (Runtime) throws -> Bool
    let then: Exec
    let other: Exec?

    func use<T: InlineTest>(_ test: T) -> TestedCode {
        let cond = self.cond, then = self.then
        guard let other else {
            return .statement { rt in
                var holds = test(rt)
                if rt.notNumber { rt.notNumber = false; holds = try cond(rt) }
                return holds ? try then(rt) : .normal
            }
        }
        return .statement { rt in
            var holds = test(rt)
            if rt.notNumber { rt.notNumber = false; holds = try cond(rt) }
            return holds ? try then(rt) : try other(rt)
        }
    }
}

/// A function body's final `if test { a } else { b }`, whose branches give its value, or a
/// body that starts with `if test { return a }` (the base case of a recursion, the early
/// exit of a search), with the rest of the body as `b`: the test runs inside the body's own
/// closure.
struct TailIfUse: TestUser {
    let cond: (Runtime) throws -> Bool
    let then: Compiler.ArgumentRead
    let other: Compiler.ArgumentRead?

    func use<T: InlineTest>(_ test: T) -> TestedCode {
        let cond = self.cond, then = self.then
        guard let other else {
            return .body { rt in
                var holds = test(rt)
                if rt.notNumber { rt.notNumber = false; holds = try cond(rt) }
                return holds ? try then(rt) : .null
            }
        }
        return .body { rt in
            var holds = test(rt)
            if rt.notNumber { rt.notNumber = false; holds = try cond(rt) }
            return holds ? try then(rt) : try other(rt)
        }
    }
}

/// A number and its derivative, and whether it carries one (a plain number does not), as a
/// number expression computes them inside a function `grad` differentiates.
struct DualNumber {
    var value: Double
    var derivative: Double
    var carries: Bool
}
