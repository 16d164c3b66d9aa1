/// Where a name lives, decided once before running: a slot in the frame, a cell
/// shared with closures, a captured variable of an enclosing function, or a global.
enum Resolved {
    case local(Int)
    case cell(Int)
    case upvalue(Int)
    case global(String)
}

/// The variables of one function (or of the top level, whose variables are globals).
///
/// Scope is per function, as in Python: blocks do not open scopes. Assigning a name
/// inside a function makes it local, unless an enclosing function has it (then the
/// closure updates that one). Functions never assign globals; they read them.
final class FunctionScope {
    let parent: FunctionScope?
    let isTop: Bool
    private(set) var slots: [String: Int] = [:]
    private(set) var slotNames: [String] = []
    private(set) var cells: [String: Int] = [:]
    /// Captured variables: where each comes from in the parent (a cell of it, or one of its upvalues).
    private(set) var upvalues: [(name: String, fromParentCell: Bool, index: Int)] = []
    private var upvalueIndex: [String: Int] = [:]
    let paramCount: Int

    init(parent: FunctionScope?, isTop: Bool, params: [String]) {
        self.parent = parent
        self.isTop = isTop
        self.paramCount = params.count
        for p in params { declare(p) }
    }

    var frameSize: Int { slotNames.count }
    var cellCount: Int { cells.count }
    /// Slot of each cell, in cell order (to move parameters into their cells).
    var cellSlots: [Int] {
        var out = [Int](repeating: 0, count: cells.count)
        for (name, c) in cells { out[c] = slots[name] ?? 0 }
        return out
    }

    func declare(_ name: String) {
        guard !isTop, slots[name] == nil else { return }
        slots[name] = slotNames.count
        slotNames.append(name)
    }

    func hasLocal(_ name: String) -> Bool { slots[name] != nil }

    /// Marks a local as captured by a closure.
    func capture(_ name: String) -> Int {
        if let c = cells[name] { return c }
        let c = cells.count
        cells[name] = c
        return c
    }

    /// The upvalue index of `name` in this function, creating the chain through parents; nil if no enclosing function has it.
    func upvalue(_ name: String) -> Int? {
        if let u = upvalueIndex[name] { return u }
        guard let parent, !parent.isTop else { return nil }
        let entry: (String, Bool, Int)
        if parent.hasLocal(name) {
            entry = (name, true, parent.capture(name))
        } else if let u = parent.upvalue(name) {
            entry = (name, false, u)
        } else {
            return nil
        }
        let u = upvalues.count
        upvalues.append(entry)
        upvalueIndex[name] = u
        return u
    }

    /// Where `name` lives, seen from this function.
    func resolve(_ name: String) -> Resolved {
        if isTop { return .global(name) }
        if let s = slots[name] {
            if let c = cells[name] { return .cell(c) }
            return .local(s)
        }
        if let u = upvalue(name) { return .upvalue(u) }
        return .global(name)
    }
}

/// Walks the tree once to build every function's scope before code is generated,
/// so that the compiler knows which locals closures capture.
struct Resolver {
    private(set) var scopes: [Int: FunctionScope] = [:]
    let top: FunctionScope

    init() { top = FunctionScope(parent: nil, isTop: true, params: []) }

    mutating func resolve(_ stmts: [Stmt]) {
        block(stmts, top)
    }

    /// Names a function body assigns (not looking inside nested functions).
    private static func assigned(_ stmts: [Stmt], into names: inout [String]) {
        for s in stmts {
            switch s {
            case .assign(let targets, let value, _):
                for case .name(let n, _) in targets where !names.contains(n) { names.append(n) }
                assignedIn(value, into: &names)
            case .function(let f):
                if !names.contains(f.name) { names.append(f.name) }
            case .forLoop(let vars, let iterable, let body, _):
                for n in vars where !names.contains(n) { names.append(n) }
                assignedIn(iterable, into: &names)
                assigned(body, into: &names)
            case .whileLoop(let c, let body, _):
                assignedIn(c, into: &names)
                assigned(body, into: &names)
            case .expression(let e): assignedIn(e, into: &names)
            case .returnValue(let e, _): if let e { assignedIn(e, into: &names) }
            case .breakLoop, .continueLoop: break
            }
        }
    }

    /// Assignments inside `if` blocks used as expressions.
    private static func assignedIn(_ e: Expr, into names: inout [String]) {
        if case .ifExpr(_, let a, let b, _) = e {
            assigned(a, into: &names)
            if let b { assigned(b, into: &names) }
        }
    }

    private mutating func function(_ f: FunctionNode, _ parent: FunctionScope) {
        let scope = FunctionScope(parent: parent, isTop: false, params: f.params.map(\.name))
        scopes[f.id] = scope
        // Defaults are evaluated in the callee's frame, after the parameters before them.
        for p in f.params { if let d = p.defaultValue { expr(d, scope) } }
        var names: [String] = []
        switch f.body {
        case .expression(let e): Self.assignedIn(e, into: &names)
        case .block(let stmts): Self.assigned(stmts, into: &names)
        }
        for n in names where !scope.hasLocal(n) {
            // A name an enclosing function owns is updated there, not shadowed.
            if scope.upvalue(n) == nil { scope.declare(n) }
        }
        switch f.body {
        case .expression(let e): expr(e, scope)
        case .block(let stmts): block(stmts, scope)
        }
    }

    private mutating func block(_ stmts: [Stmt], _ scope: FunctionScope) {
        for s in stmts { stmt(s, scope) }
    }

    private mutating func stmt(_ s: Stmt, _ scope: FunctionScope) {
        switch s {
        case .expression(let e): expr(e, scope)
        case .assign(let targets, let value, _):
            for t in targets { expr(t, scope) }
            expr(value, scope)
        case .function(let f):
            _ = scope.resolve(f.name)
            function(f, scope)
        case .forLoop(let vars, let iterable, let body, _):
            for v in vars { _ = scope.resolve(v) }
            expr(iterable, scope)
            block(body, scope)
        case .whileLoop(let c, let body, _):
            expr(c, scope)
            block(body, scope)
        case .returnValue(let e, _): if let e { expr(e, scope) }
        case .breakLoop, .continueLoop: break
        }
    }

    private mutating func expr(_ e: Expr, _ scope: FunctionScope) {
        switch e {
        case .number, .bool, .nilLiteral: break
        case .string(let segs, _):
            for case .code(let c) in segs { expr(c, scope) }
        case .name(let n, _): _ = scope.resolve(n)
        case .list(let items, _), .tuple(let items, _): for i in items { expr(i, scope) }
        case .record(let fields, _): for (_, v) in fields { expr(v, scope) }
        case .unary(_, let a, _): expr(a, scope)
        case .binary(_, let a, let b, _), .logical(_, let a, let b, _), .range(let a, let b, _):
            expr(a, scope); expr(b, scope)
        case .call(let callee, let args, _):
            expr(callee, scope)
            for a in args { expr(a.value, scope) }
        case .index(let base, let comps, _):
            expr(base, scope)
            for c in comps {
                switch c {
                case .index(let i): expr(i, scope)
                case .slice(let a, let b, let c):
                    if let a { expr(a, scope) }
                    if let b { expr(b, scope) }
                    if let c { expr(c, scope) }
                }
            }
        case .member(let base, _, _): expr(base, scope)
        case .function(let f): function(f, scope)
        case .ifExpr(let c, let a, let b, _):
            expr(c, scope)
            block(a, scope)
            if let b { block(b, scope) }
        }
    }
}
