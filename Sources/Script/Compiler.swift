import Tensor

/// Turns the syntax tree into Swift closures over resolved slots: each expression
/// becomes one `(Runtime) throws -> Value`, each statement a `(Runtime) throws -> Flow`.
/// Names are looked up once, here; running code indexes slots.
final class Compiler {
    let file: String
    let globals: Globals
    let scopes: [Int: FunctionScope]
    private var scope: FunctionScope
    private var inDefaults = false

    init(file: String, globals: Globals, resolver: Resolver) {
        self.file = file
        self.globals = globals
        self.scopes = resolver.scopes
        self.scope = resolver.top
    }

    func loc(_ p: Pos) -> SourceLocation { SourceLocation(file: file, line: p.line, column: p.column) }

    /// Wraps an error without a position with `pos`; engine errors become script errors.
    static func located(_ error: Error, _ location: SourceLocation) -> Error {
        switch error {
        case var e as ScriptError:
            if e.location == nil { e.location = location }
            return e
        case let e as TensorError:
            return ScriptError(e.description, at: location)
        case is ControlSignal, is DualUnsupported:
            return error
        default:
            return ScriptError("\(error)", at: location)
        }
    }

    // MARK: top level

    /// The top level: each expression statement's value becomes `rt.lastValue`.
    func compileTop(_ stmts: [Stmt]) -> Exec {
        let execs: [Exec] = stmts.map { s in
            if case .expression(let e) = s {
                let ev = expr(e)
                return { rt in rt.lastValue = try ev(rt); return .normal }
            }
            let ex = stmt(s)
            return { rt in rt.lastValue = nil; return try ex(rt) }
        }
        return sequence(execs)
    }

    // MARK: statements

    /// Statements in order, compiled without an array for short blocks (closures kept
    /// in arrays are called through an extra thunk).
    private func block(_ stmts: [Stmt]) -> Exec {
        switch stmts.count {
        case 0: return { _ in .normal }
        case 1: return stmt(stmts[0])
        case 2:
            let a = stmt(stmts[0]), b = stmt(stmts[1])
            return { rt in
                let f = try a(rt)
                if f != .normal { return f }
                return try b(rt)
            }
        case 3:
            let a = stmt(stmts[0]), b = stmt(stmts[1]), c = stmt(stmts[2])
            return { rt in
                var f = try a(rt)
                if f != .normal { return f }
                f = try b(rt)
                if f != .normal { return f }
                return try c(rt)
            }
        default:
            let a = stmt(stmts[0]), b = stmt(stmts[1]), rest = block(Array(stmts[2...]))
            return { rt in
                var f = try a(rt)
                if f != .normal { return f }
                f = try b(rt)
                if f != .normal { return f }
                return try rest(rt)
            }
        }
    }

    private func sequence(_ execs: [Exec]) -> Exec {
        switch execs.count {
        case 0: return { _ in .normal }
        case 1: return execs[0]
        case 2:
            let (a, b) = (execs[0], execs[1])
            return { rt in
                let f = try a(rt)
                if f != .normal { return f }
                return try b(rt)
            }
        default:
            return { rt in
                for e in execs {
                    let f = try e(rt)
                    if f != .normal { return f }
                }
                return .normal
            }
        }
    }


    /// A block used as a value: its last expression statement's value (nil otherwise).
    private func valueBlock(_ stmts: [Stmt]) -> Eval {
        guard let last = stmts.last else { return { _ in .null } }
        let head = block(Array(stmts.dropLast()))
        let tail: Eval
        if case .expression(let e) = last {
            tail = expr(e)
        } else {
            let ex = stmt(last)
            tail = { rt in
                let f = try ex(rt)
                if f != .normal { throw ControlSignal(flow: f) }
                return .null
            }
        }
        if stmts.count == 1 { return tail }
        return { rt in
            let f = try head(rt)
            if f != .normal { throw ControlSignal(flow: f) }
            return try tail(rt)
        }
    }

    /// A condition: true or false, with errors (an ambiguous tensor) placed at the condition.
    private func condition(_ e: Expr) -> (Runtime) throws -> Bool {
        let ev = expr(e), location = loc(Self.start(e))
        // A local compared with a constant: one closure, no Value in between.
        if case .binary(let op, .name(let n, _), .number(let c, _), _) = e, case .local(let slot) = resolve(n) {
            @inline(__always) func general(_ rt: Runtime) throws -> Bool {
                let v = try ev(rt)
                if case .bool(let b) = v { return b }
                do { return try v.truthy() } catch { throw Compiler.located(error, location) }
            }
            switch op {
            case "<": return { rt in if case .some(.number(let p)) = rt.bp[slot] { return p < c }; return try general(rt) }
            case "<=": return { rt in if case .some(.number(let p)) = rt.bp[slot] { return p <= c }; return try general(rt) }
            case ">": return { rt in if case .some(.number(let p)) = rt.bp[slot] { return p > c }; return try general(rt) }
            case ">=": return { rt in if case .some(.number(let p)) = rt.bp[slot] { return p >= c }; return try general(rt) }
            case "==": return { rt in if case .some(.number(let p)) = rt.bp[slot] { return p == c }; return try general(rt) }
            default: break
            }
        }
        return { rt in
            let v = try ev(rt)
            if case .bool(let b) = v { return b }
            do { return try v.truthy() } catch { throw Compiler.located(error, location) }
        }
    }

    /// A function body: `return` ends it through flows (no signals), and a final
    /// expression (or a final `if` whose branches end in expressions) is its value.
    private func tailBlock(_ stmts: [Stmt]) -> Eval {
        // `if c { return v }` first: a guard that returns directly, without flows.
        if stmts.count >= 2, case .expression(.ifExpr(let c, let then, nil, _)) = stmts[0],
           then.count == 1, case .returnValue(let e, _) = then[0] {
            let cond = condition(c), rest = tailBlock(Array(stmts.dropFirst()))
            let result: Eval
            if let e { result = expr(e) } else { result = { _ in .null } }
            // `return x` of a local, and a condition comparing a local with a constant
            // (`if n < 2 { return n }`): read the slots here, without closure calls.
            var resultSlot = -1
            if let e, case .name(let n, _) = e, case .local(let slot) = resolve(n) { resultSlot = slot }
            var compareSlot = -1, compareOp: UInt8 = 0, compareWith = 0.0
            if case .binary(let op, .name(let n, _), .number(let k, _), _) = c, case .local(let slot) = resolve(n),
               let code = ["<": 0, "<=": 1, ">": 2, ">=": 3, "==": 4][op] {
                compareSlot = slot; compareOp = UInt8(code); compareWith = k
            }
            if resultSlot >= 0 || compareSlot >= 0 {
                return { rt in
                    let hit: Bool
                    if compareSlot >= 0, case .some(.number(let p)) = rt.bp[compareSlot] {
                        switch compareOp {
                        case 0: hit = p < compareWith
                        case 1: hit = p <= compareWith
                        case 2: hit = p > compareWith
                        case 3: hit = p >= compareWith
                        default: hit = p == compareWith
                        }
                    } else {
                        hit = try cond(rt)
                    }
                    if hit {
                        if resultSlot >= 0, let v = rt.bp[resultSlot] { return v }
                        return try result(rt)
                    }
                    return try rest(rt)
                }
            }
            return { rt in try cond(rt) ? try result(rt) : try rest(rt) }
        }
        guard let last = stmts.last else { return { _ in .null } }
        let head = block(Array(stmts.dropLast()))
        let tail: Eval
        switch last {
        case .expression(.ifExpr(let c, let a, let b, _)):
            let cond = condition(c), then = tailBlock(a)
            if let b {
                let other = tailBlock(b)
                tail = { rt in try cond(rt) ? try then(rt) : try other(rt) }
            } else { tail = { rt in try cond(rt) ? try then(rt) : .null } }
        case .expression(let e):
            tail = expr(e)
        case .returnValue(let e, _):
            if let e { tail = expr(e) } else { tail = { _ in .null } }
        default:
            let ex = stmt(last)
            tail = { rt in
                let f = try ex(rt)
                if f == .returned { return rt.returnValue }
                if f != .normal { throw ControlSignal(flow: f) }
                return .null
            }
        }
        if stmts.count == 1 { return tail }
        return { rt in
            let f = try head(rt)
            if f == .returned { return rt.returnValue }
            if f != .normal { throw ControlSignal(flow: f) }
            return try tail(rt)
        }
    }

    private func stmt(_ s: Stmt) -> Exec {
        switch s {
        case .expression(let e):
            if case .ifExpr(let c, let a, let b, _) = e {
                // An `if` as a statement: flows pass through without signals.
                let cond = condition(c), then = block(a)
                if let b {
                    let other = block(b)
                    return { rt in try cond(rt) ? try then(rt) : try other(rt) }
                }
                return { rt in try cond(rt) ? try then(rt) : .normal }
            }
            let ev = expr(e)
            return { rt in _ = try ev(rt); return .normal }
        case .assign(let targets, let value, let pos):
            let v = expr(value)
            if targets.count == 1 {
                let set = setter(targets[0])
                return { rt in try set(rt, try v(rt)); return .normal }
            }
            let sets = targets.map(setter)
            let location = loc(pos)
            let n = targets.count
            return { rt in
                let value = try v(rt)
                let items: [Value]
                do { items = try Ops.unpack(value, count: n) } catch { throw Compiler.located(error, location) }
                for (set, item) in zip(sets, items) { try set(rt, item) }
                return .normal
            }
        case .function(let f):
            let make = function(f)
            if case .global(let n) = resolve(f.name) {
                // Top-level declarations are pinned: calls to them skip reference counting.
                let g = globals.slot(n)
                return { rt in
                    let v = try make(rt)
                    rt.gp[g] = v
                    if case .function(let fn) = v { rt.pin(fn, slot: g) } else { rt.gfn[g] = nil }
                    return .normal
                }
            }
            let set = setter(.name(f.name, f.pos))
            return { rt in try set(rt, try make(rt)); return .normal }
        case .forLoop(let names, let iterable, let body, let pos):
            return forLoop(names, iterable, body, pos)
        case .whileLoop(let c, let body, _):
            let cond = condition(c), run = block(body)
            return { rt in
                while try cond(rt) {
                    try rt.tick()
                    let f: Flow
                    do { f = try run(rt) } catch let s as ControlSignal { f = s.flow }
                    if f == .breakLoop { break }
                    if f == .returned { return .returned }
                }
                return .normal
            }
        case .breakLoop: return { _ in .breakLoop }
        case .continueLoop: return { _ in .continueLoop }
        case .returnValue(let e, _):
            guard let e else { return { rt in rt.returnValue = .null; return .returned } }
            if case .name(let n, _) = e, case .local(let slot) = resolve(n) {
                let read = expr(e)
                return { rt in
                    if let v = rt.bp[slot] { rt.returnValue = v } else { rt.returnValue = try read(rt) }
                    return .returned
                }
            }
            let ev = expr(e)
            return { rt in rt.returnValue = try ev(rt); return .returned }
        }
    }

    private func forLoop(_ names: [String], _ iterable: Expr, _ body: [Stmt], _ pos: Pos) -> Exec {
        let source = expr(iterable)
        let run = block(body)
        let location = loc(iterable.pos)
        let store: (Runtime, Value) throws -> Void
        if names.count == 1 {
            store = setter(.name(names[0], pos))
        } else {
            let sets = names.map { setter(.name($0, pos)) }
            let n = names.count
            store = { rt, v in
                let items: [Value]
                do { items = try Ops.unpack(v, count: n) } catch { throw Compiler.located(error, location) }
                for (s, item) in zip(sets, items) { try s(rt, item) }
            }
        }
        // Fast path: a local number counter over a range.
        var localSlot: Int?
        var globalSlot: Int?
        if names.count == 1 {
            switch resolve(names[0]) {
            case .local(let s): localSlot = s
            case .global(let n): globalSlot = globals.slot(n)
            default: break
            }
        }
        return { rt in
            let it = try source(rt)
            if case .range(let r) = it {
                let n = r.count
                var i = 0
                while i < n {
                    try rt.tick()
                    let v = Value.number(r.value(at: i))
                    if let s = localSlot { rt.bp[s] = v }
                    else if let g = globalSlot { rt.gp[g] = v; rt.gfn[g] = nil }
                    else { try store(rt, v) }
                    let f: Flow
                    do { f = try run(rt) } catch let s as ControlSignal { f = s.flow }
                    if f == .breakLoop { break }
                    if f == .returned { return .returned }
                    i += 1
                }
                return .normal
            }
            let items: [Value]
            do { items = try Ops.elements(it) } catch { throw Compiler.located(error, location) }
            for item in items {
                try rt.tick()
                try store(rt, item)
                let f: Flow
                do { f = try run(rt) } catch let s as ControlSignal { f = s.flow }
                if f == .breakLoop { break }
                if f == .returned { return .returned }
            }
            return .normal
        }
    }

    // MARK: names

    private func resolve(_ name: String) -> Resolved {
        let r = scope.resolve(name)
        if inDefaults, case .cell(let c) = r { return .local(scope.cellSlots[c]) }
        return r
    }

    private func read(_ name: String, _ pos: Pos) -> Eval {
        let location = loc(pos)
        switch resolve(name) {
        case .local(let s):
            return { rt in
                guard let v = rt.bp[s] else { throw ScriptError("'\(name)' is used before it is given a value", at: location) }
                return v
            }
        case .cell(let c):
            return { rt in
                guard let v = rt.cells[c].value else { throw ScriptError("'\(name)' is used before it is given a value", at: location) }
                return v
            }
        case .upvalue(let u):
            return { rt in
                guard let v = rt.upvalues[u].value else { throw ScriptError("'\(name)' is used before it is given a value", at: location) }
                return v
            }
        case .global(let n):
            let g = globals.slot(n)
            return { rt in
                guard let v = rt.gp[g] else {
                    throw ScriptError("unknown name '\(name)'" + Suggest.didYouMean(name, rt.knownNames()), at: location)
                }
                return v
            }
        }
    }

    /// A store into an assignment target.
    private func setter(_ target: Expr) -> (Runtime, Value) throws -> Void {
        switch target {
        case .name(let name, _):
            switch resolve(name) {
            case .local(let s): return { rt, v in rt.bp[s] = v }
            case .cell(let c): return { rt, v in rt.cells[c].value = v }
            case .upvalue(let u): return { rt, v in rt.upvalues[u].value = v }
            case .global(let n):
                let g = globals.slot(n)
                return { rt, v in
                    rt.gp[g] = v
                    if case .function(let fn) = v { rt.pin(fn, slot: g) } else { rt.gfn[g] = nil }
                }
            }
        case .member(let base, let field, let pos):
            // r.f = v: read r, update the field, store r back (records are values).
            let get = expr(base), set = setter(base), location = loc(pos)
            return { rt, v in
                var r = try get(rt)
                do { try Ops.setMember(&r, field, v) } catch { throw Compiler.located(error, location) }
                try set(rt, r)
            }
        case .index(let base, let comps, let pos):
            let get = expr(base), set = setter(base), location = loc(pos)
            let index = components(comps)
            return { rt, v in
                var container = try get(rt)
                let idx = try index(rt)
                do { try Ops.setIndex(&container, idx, v) } catch { throw Compiler.located(error, location) }
                try set(rt, container)
            }
        default:
            let location = loc(target.pos)
            return { _, _ in throw ScriptError("cannot assign to this expression", at: location) }
        }
    }

    // MARK: expressions

    func expr(_ e: Expr) -> Eval {
        switch e {
        case .number(let v, _): let value = Value.number(v); return { _ in value }
        case .bool(let b, _): let value = Value.bool(b); return { _ in value }
        case .nilLiteral: return { _ in .null }
        case .string(let segments, _):
            if segments.count == 1, case .text(let s) = segments[0] { let value = Value.string(s); return { _ in value } }
            let parts: [Eval] = segments.map { seg in
                switch seg {
                case .text(let s): let v = Value.string(s); return { _ in v }
                case .code(let c): return expr(c)
                }
            }
            return { rt in
                var out = ""
                for p in parts { out += Format.str(try p(rt)) }
                return .string(out)
            }
        case .name(let n, let pos): return read(n, pos)
        case .list(let items, _), .tuple(let items, _):
            let evals = items.map(expr)
            return { rt in .list(try evals.map { try $0(rt) }) }
        case .record(let fields, _):
            let keys = fields.map(\.0), evals = fields.map { expr($0.1) }
            return { rt in
                var r = Record()
                r.keys = keys
                r.values = try evals.map { try $0(rt) }
                return .record(r)
            }
        case .unary(let op, let a, let pos):
            let x = expr(a), location = loc(pos)
            if op == "not" {
                let cond = condition(a)
                return { rt in .bool(!(try cond(rt))) }
            }
            return { rt in
                let v = try x(rt)
                if case .number(let n) = v { return .number(-n) }
                do { return try Ops.negate(v) } catch { throw Compiler.located(error, location) }
            }
        case .binary(let op, let a, let b, let pos): return binary(op, a, b, pos)
        case .logical(let op, let a, let b, _):
            let x = expr(a), y = expr(b), location = loc(Self.start(a))
            @inline(__always) func truth(_ v: Value) throws -> Bool {
                do { return try v.truthy() } catch { throw Compiler.located(error, location) }
            }
            if op == "and" { return { rt in let l = try x(rt); return try truth(l) ? try y(rt) : l } }
            return { rt in let l = try x(rt); return try truth(l) ? l : try y(rt) }
        case .range(let a, let b, let pos):
            let x = expr(a), y = expr(b), location = loc(pos)
            return { rt in
                let (l, r) = (try x(rt), try y(rt))
                guard let s = Ops.number(l), let t = Ops.number(r) else {
                    throw ScriptError("a range needs numbers on both sides of '..', got \(l.typeName) and \(r.typeName)", at: location)
                }
                return .range(RangeValue(start: s, end: t))
            }
        case .call(let callee, let args, _): return call(callee, args, Self.start(e))
        case .index(let base, let comps, let pos):
            let b = expr(base), index = components(comps), location = loc(pos)
            return { rt in
                let v = try b(rt)
                let idx = try index(rt)
                do { return try Ops.index(v, idx) } catch { throw Compiler.located(error, location) }
            }
        case .member(let base, let name, let pos):
            let b = expr(base), location = loc(pos)
            return { rt in
                let v = try b(rt)
                do { return try Ops.member(v, name) } catch { throw Compiler.located(error, location) }
            }
        case .function(let f): return function(f)
        case .ifExpr(let c, let a, let b, _):
            let cond = condition(c), then = valueBlock(a)
            guard let b else { return { rt in try cond(rt) ? try then(rt) : .null } }
            let other = valueBlock(b)
            return { rt in try cond(rt) ? try then(rt) : try other(rt) }
        }
    }

    /// The leftmost position of an expression: where a call "is".
    static func start(_ e: Expr) -> Pos {
        switch e {
        case .call(let c, _, _): return start(c)
        case .index(let b, _, _), .member(let b, _, _): return start(b)
        case .binary(_, let a, _, _), .logical(_, let a, _, _), .range(let a, _, _): return start(a)
        default: return e.pos
        }
    }

    private func components(_ comps: [IndexComponent]) -> (Runtime) throws -> [IndexArg] {
        let parts: [(Runtime) throws -> IndexArg] = comps.map { c in
            switch c {
            case .index(let e):
                let ev = expr(e)
                return { rt in .value(try ev(rt)) }
            case .slice(let a, let b, let s):
                let ea = a.map(expr), eb = b.map(expr), es = s.map(expr)
                return { rt in
                    .slice(try ea.map { try $0(rt) }, try eb.map { try $0(rt) }, try es.map { try $0(rt) })
                }
            }
        }
        if parts.count == 1 { let p = parts[0]; return { rt in [try p(rt)] } }
        return { rt in try parts.map { try $0(rt) } }
    }

    private func binary(_ op: String, _ a: Expr, _ b: Expr, _ pos: Pos) -> Eval {
        let x = expr(a), y = expr(b), location = loc(pos)
        @inline(__always) func slow(_ l: Value, _ r: Value) throws -> Value {
            do { return try Ops.binary(op, l, r) } catch { throw Compiler.located(error, location) }
        }
        // A local variable and a constant: no closure calls for the operands.
        if case .number(let c, _) = b, case .name(let n, _) = a, case .local(let slot) = resolve(n) {
            let read = x
            @inline(__always) func load(_ rt: Runtime) throws -> Value {
                if let v = rt.bp[slot] { return v }
                return try read(rt)   // raises the unassigned-variable error
            }
            switch op {
            case "+": return { rt in
                if case .some(.number(let p)) = rt.bp[slot] { return .number(p + c) }
                let l = try load(rt)
                if case .dual(let p, let d) = l { return .dual(p + c, d) }
                return try slow(l, .number(c)) }
            case "-": return { rt in
                if case .some(.number(let p)) = rt.bp[slot] { return .number(p - c) }
                let l = try load(rt)
                if case .dual(let p, let d) = l { return .dual(p - c, d) }
                return try slow(l, .number(c)) }
            case "*": return { rt in
                if case .some(.number(let p)) = rt.bp[slot] { return .number(p * c) }
                let l = try load(rt)
                if case .dual(let p, let d) = l { return .dual(p * c, d * c) }
                return try slow(l, .number(c)) }
            case "<": return { rt in
                if case .some(.number(let p)) = rt.bp[slot] { return .bool(p < c) }
                return try slow(try load(rt), .number(c)) }
            case "<=": return { rt in let l = try load(rt); if case .number(let p) = l { return .bool(p <= c) }; return try slow(l, .number(c)) }
            case ">": return { rt in let l = try load(rt); if case .number(let p) = l { return .bool(p > c) }; return try slow(l, .number(c)) }
            case "==": return { rt in let l = try load(rt); if case .number(let p) = l { return .bool(p == c) }; return try slow(l, .number(c)) }
            default: break
            }
        }
        // Constant right operand: one closure call fewer.
        if case .number(let c, _) = b {
            switch op {
            case "+": return { rt in let l = try x(rt); if case .number(let p) = l { return .number(p + c) }; return try slow(l, .number(c)) }
            case "-": return { rt in
                let l = try x(rt)
                if case .number(let p) = l { return .number(p - c) }
                if case .dual(let p, let d) = l { return .dual(p - c, d) }
                return try slow(l, .number(c)) }
            case "^" where c == 2: return { rt in
                let l = try x(rt)
                if case .number(let p) = l { return .number(p * p) }
                if case .dual(let p, let d) = l { return .dual(p * p, 2 * p * d) }
                return try slow(l, .number(c)) }
            case "*": return { rt in let l = try x(rt); if case .number(let p) = l { return .number(p * c) }; return try slow(l, .number(c)) }
            case "<": return { rt in let l = try x(rt); if case .number(let p) = l { return .bool(p < c) }; return try slow(l, .number(c)) }
            case "<=": return { rt in let l = try x(rt); if case .number(let p) = l { return .bool(p <= c) }; return try slow(l, .number(c)) }
            case ">": return { rt in let l = try x(rt); if case .number(let p) = l { return .bool(p > c) }; return try slow(l, .number(c)) }
            case "==": return { rt in let l = try x(rt); if case .number(let p) = l { return .bool(p == c) }; return try slow(l, .number(c)) }
            default: break
            }
        }
        switch op {
        case "+": return { rt in
            let l = try x(rt), r = try y(rt)
            if case .number(let p) = l, case .number(let q) = r { return .number(p + q) }
            return try slow(l, r) }
        case "-": return { rt in
            let l = try x(rt), r = try y(rt)
            if case .number(let p) = l, case .number(let q) = r { return .number(p - q) }
            return try slow(l, r) }
        case "*": return { rt in
            let l = try x(rt), r = try y(rt)
            if case .number(let p) = l {
                if case .number(let q) = r { return .number(p * q) }
                if case .dual(let q, let d) = r { return .dual(p * q, p * d) }
            }
            return try slow(l, r) }
        case "/": return { rt in
            let l = try x(rt), r = try y(rt)
            if case .number(let p) = l, case .number(let q) = r { return .number(p / q) }
            return try slow(l, r) }
        case "<": return { rt in
            let l = try x(rt), r = try y(rt)
            if case .number(let p) = l, case .number(let q) = r { return .bool(p < q) }
            return try slow(l, r) }
        case "<=": return { rt in
            let l = try x(rt), r = try y(rt)
            if case .number(let p) = l, case .number(let q) = r { return .bool(p <= q) }
            return try slow(l, r) }
        case ">": return { rt in
            let l = try x(rt), r = try y(rt)
            if case .number(let p) = l, case .number(let q) = r { return .bool(p > q) }
            return try slow(l, r) }
        case ">=": return { rt in
            let l = try x(rt), r = try y(rt)
            if case .number(let p) = l, case .number(let q) = r { return .bool(p >= q) }
            return try slow(l, r) }
        default:
            return { rt in try slow(try x(rt), try y(rt)) }
        }
    }

    // MARK: calls

    /// An argument evaluated inside the call's closure when it is a local or a local plus or
    /// minus a constant (as in `f(n - 1)`): one closure call fewer per argument.
    struct FastArg {
        /// 0: general, 1: local + constant, 2: local, 3: global.
        let kind: UInt8
        let slot: Int
        let constant: Double
        let general: Eval

        @inline(__always)
        func callAsFunction(_ rt: Runtime) throws -> Value {
            if kind == 1, case .some(.number(let p)) = rt.bp[slot] { return .number(p + constant) }
            if kind == 2, let v = rt.bp[slot] { return v }
            if kind == 3, let v = rt.gp[slot] { return v }
            return try general(rt)
        }
    }

    private func fastArg(_ e: Expr) -> FastArg {
        let general = expr(e)
        switch e {
        case .name(let n, _):
            switch resolve(n) {
            case .local(let slot): return FastArg(kind: 2, slot: slot, constant: 0, general: general)
            case .global(let g): return FastArg(kind: 3, slot: globals.slot(g), constant: 0, general: general)
            default: break
            }
        case .binary(let op, .name(let n, _), .number(let c, _), _) where op == "+" || op == "-":
            // p - c and p + (-c) are the same IEEE operation.
            if case .local(let slot) = resolve(n) {
                return FastArg(kind: 1, slot: slot, constant: op == "+" ? c : -c, general: general)
            }
        default: break
        }
        return FastArg(kind: 0, slot: 0, constant: 0, general: general)
    }

    private func call(_ callee: Expr, _ args: [Argument], _ pos: Pos) -> Eval {
        let f = expr(callee)
        let location = loc(pos)
        let positional = args.filter { $0.name == nil }.map { expr($0.value) }
        let named = args.compactMap { a in a.name.map { ($0, expr(a.value)) } }
        let argc = positional.count
        // The single argument of a call that may reach a derivative function.
        let first = argc == 1 ? fastArg(args[0].value) : FastArg(kind: 0, slot: 0, constant: 0, general: { _ in .null })
        @inline(__always) func fail(_ v: Value) -> Error {
            ScriptError("a \(v.typeName) cannot be called", at: location)
        }
        @inline(__always) func general(_ fn: Function, _ rt: Runtime) throws -> Value {
            let values = try positional.map { try $0(rt) }
            let nv = try named.map { ($0.0, try $0.1(rt)) }
            do { return try fn.call(values, named: nv, rt, at: pos) } catch {
                throw Compiler.trace(error, fn, location)
            }
        }
        @inline(__always) func other(_ fn: Function, _ rt: Runtime) throws -> Value {
            if argc == 1, fn.isGrad {
                let g = unsafeDowncast(fn, to: GradFunction.self)
                let x = try first(rt)
                do {
                    if case .number(let n) = x { return try g.derivative(at: n, rt, at: pos) }
                    return try g.call([x], named: [], rt, at: pos)
                } catch { throw Compiler.trace(error, fn, location) }
            }
            return try general(fn, rt)
        }
        if !named.isEmpty {
            return { rt in
                let v = try f(rt)
                guard case .function(let fn) = v else { throw fail(v) }
                return try general(fn, rt)
            }
        }
        var pinnedSlot: Int?
        if case .name(let n, _) = callee, case .global(let gn) = resolve(n) { pinnedSlot = globals.slot(gn) }
        if let g = pinnedSlot, argc == 1 || argc == 2 {
            let a0 = fastArg(args[0].value)
            let a1 = argc == 2 ? fastArg(args[1].value) : FastArg(kind: 0, slot: 0, constant: 0, general: { _ in .null })
            return { rt in
                if let raw = rt.gfn[g] {
                    return try Unmanaged<Function>.fromOpaque(raw)._withUnsafeGuaranteedRef { fn in
                        guard fn.isUser else { return try other(fn, rt) }
                        let uf = unsafeDowncast(fn, to: UserFunction.self)
                        do {
                            return try uf.invoke(argc: argc, rt, at: pos) { frame in
                                frame[0] = try a0(rt)
                                if argc == 2 { frame[1] = try a1(rt) }
                            }
                        } catch { throw Compiler.trace(error, fn, location) }
                    }
                }
                let v = try f(rt)
                guard case .function(let fn) = v else { throw fail(v) }
                guard fn.isUser else { return try other(fn, rt) }
                let uf = unsafeDowncast(fn, to: UserFunction.self)
                do {
                    return try uf.invoke(argc: argc, rt, at: pos) { frame in
                        frame[0] = try a0(rt)
                        if argc == 2 { frame[1] = try a1(rt) }
                    }
                } catch { throw Compiler.trace(error, fn, location) }
            }
        }
        switch argc {
        case 1:
            let a0 = fastArg(args[0].value)
            return { rt in
                let v = try f(rt)
                guard case .function(let fn) = v else { throw fail(v) }
                guard fn.isUser else { return try other(fn, rt) }
                let uf = unsafeDowncast(fn, to: UserFunction.self)
                do {
                    return try uf.invoke(argc: 1, rt, at: pos) { frame in frame[0] = try a0(rt) }
                } catch { throw Compiler.trace(error, fn, location) }
            }
        case 2:
            let a0 = fastArg(args[0].value), a1 = fastArg(args[1].value)
            return { rt in
                let v = try f(rt)
                guard case .function(let fn) = v else { throw fail(v) }
                guard fn.isUser else { return try other(fn, rt) }
                let uf = unsafeDowncast(fn, to: UserFunction.self)
                do {
                    return try uf.invoke(argc: 2, rt, at: pos) { frame in frame[0] = try a0(rt); frame[1] = try a1(rt) }
                } catch { throw Compiler.trace(error, fn, location) }
            }
        default:
            return { rt in
                let v = try f(rt)
                guard case .function(let fn) = v else { throw fail(v) }
                guard fn.isUser else { return try other(fn, rt) }
                let uf = unsafeDowncast(fn, to: UserFunction.self)
                do {
                    return try uf.invoke(argc: argc, rt, at: pos) { frame in
                        for i in 0..<argc { frame[i] = try positional[i](rt) }
                    }
                } catch { throw Compiler.trace(error, fn, location) }
            }
        }
    }

    /// Adds a stack line when an error leaves a user function; positions errors from builtins at the call.
    static func trace(_ error: Error, _ fn: Function, _ location: SourceLocation) -> Error {
        guard var e = located(error, location) as? ScriptError else { return error }
        guard fn.isUser else { return e }
        let entry = "in \(fn.name)(), called at \(location)"
        // Deep recursion repeats one frame: count it instead of listing it thousands of times.
        if let last = e.stack.last, last.hasPrefix(entry) {
            let count = last == entry ? 1 : Int(last.dropFirst(entry.count + 2).prefix { $0.isNumber }) ?? 1
            e.stack[e.stack.count - 1] = entry + " (\(count + 1) times)"
        } else if e.stack.count < 100 {
            e.stack.append(entry)
        }
        return e
    }

    // MARK: functions

    private func function(_ f: FunctionNode) -> Eval {
        guard let fscope = scopes[f.id] else { return { _ in .null } }
        let saved = scope
        scope = fscope
        defer { scope = saved }
        inDefaults = true
        let defaults = f.params.map { p in p.defaultValue.map(expr) }
        inDefaults = false
        let body: Eval
        switch f.body {
        case .expression(let e): body = expr(e)
        case .block(let stmts): body = tailBlock(stmts)
        }
        let proto = Prototype(name: f.name, paramNames: f.params.map(\.name), defaults: defaults,
                              frameSize: fscope.frameSize, cellSlots: fscope.cellSlots, body: body, file: file)
        // Where each captured variable comes from in the defining function.
        let sources = fscope.upvalues.map { ($0.fromParentCell, $0.index) }
        if sources.isEmpty {
            return { _ in .function(UserFunction(proto: proto, captured: [])) }
        }
        return { rt in
            var captured = ContiguousArray<Cell>()
            captured.reserveCapacity(sources.count)
            for (fromCell, i) in sources { captured.append(fromCell ? rt.cells[i] : rt.upvalues[i]) }
            return .function(UserFunction(proto: proto, captured: captured))
        }
    }
}
