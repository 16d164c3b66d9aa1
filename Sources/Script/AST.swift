/// The syntax tree: expressions and statements as enums with positions.

/// A position inside one source (line already offset to the file's numbering).
struct Pos: Equatable {
    var line: Int
    var column: Int
}

/// One component inside `x[...]`: an index, or a slice `start:end:step`.
enum IndexComponent {
    case index(Expr)
    case slice(start: Expr?, end: Expr?, step: Expr?)
}

/// A parameter of a function literal: a name and an optional default.
struct Param {
    var name: String
    var defaultValue: Expr?
    var pos: Pos
}

/// A call argument, positional or named.
struct Argument {
    var name: String?
    var value: Expr
}

/// A function literal or declaration; `id` keys the resolver's scope table.
final class FunctionNode {
    let id: Int
    let name: String
    let params: [Param]
    let body: Body
    let pos: Pos

    enum Body {
        case expression(Expr)
        case block([Stmt])
    }

    init(id: Int, name: String, params: [Param], body: Body, pos: Pos) {
        self.id = id; self.name = name; self.params = params; self.body = body; self.pos = pos
    }
}

/// An expression.
indirect enum Expr {
    case number(Double, Pos)
    case string([StringSegment], Pos)
    case bool(Bool, Pos)
    case nilLiteral(Pos)
    case name(String, Pos)
    case list([Expr], Pos)
    case record([(String, Expr)], Pos)
    case unary(String, Expr, Pos)
    case binary(String, Expr, Expr, Pos)
    case logical(String, Expr, Expr, Pos)      // and / or
    case range(Expr, Expr, Pos)
    case call(Expr, [Argument], Pos)
    case index(Expr, [IndexComponent], Pos)
    case member(Expr, String, Pos)
    case function(FunctionNode)
    case ifExpr(Expr, [Stmt], [Stmt]?, Pos)
    case tuple([Expr], Pos)                    // `a, b` at statement level

    var pos: Pos {
        switch self {
        case .number(_, let p), .string(_, let p), .bool(_, let p), .nilLiteral(let p), .name(_, let p),
             .list(_, let p), .record(_, let p), .unary(_, _, let p), .binary(_, _, _, let p),
             .logical(_, _, _, let p), .range(_, _, let p), .call(_, _, let p), .index(_, _, let p),
             .member(_, _, let p), .ifExpr(_, _, _, let p), .tuple(_, let p):
            return p
        case .function(let f): return f.pos
        }
    }
}

/// A piece of an interpolated string.
enum StringSegment {
    case text(String)
    case code(Expr)
}

/// A statement.
indirect enum Stmt {
    case expression(Expr)
    case assign([Expr], Expr, Pos)              // targets (names, members, indexes), value
    case function(FunctionNode)                 // `fn name(...)` declaration
    case forLoop([String], Expr, [Stmt], Pos)
    case whileLoop(Expr, [Stmt], Pos)
    case breakLoop(Pos)
    case continueLoop(Pos)
    case returnValue(Expr?, Pos)
}
