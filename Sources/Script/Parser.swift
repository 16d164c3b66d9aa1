/// A syntax error: a message and where; `atEnd` when the input ran out (the REPL reads more).
struct ParseError: Error {
    var message: String
    var pos: Pos
    var atEnd: Bool
}

/// Recursive-descent parser with one token of lookahead. On an error it records it,
/// skips to the end of the statement and goes on, so one pass reports every error.
struct Parser {
    private var tokens: [Token]
    private var p = 0
    private(set) var errors: [ParseError] = []
    private var depth = 0
    private var nextFunctionID: Int
    private var loopDepth = 0
    private var functionDepth = 0
    /// How deeply expressions and blocks may nest before the parser refuses.
    static let maxDepth = 200

    private struct Abort: Error {}

    init(tokens: [Token], firstFunctionID: Int = 0) {
        self.tokens = tokens
        self.nextFunctionID = firstFunctionID
    }

    /// Parses source text into statements and every error found.
    static func parse(_ source: String, line: Int = 1, firstFunctionID: Int = 0) -> (stmts: [Stmt], errors: [ParseError], nextID: Int) {
        let lexed = Lexer.tokenize(source, line: line)
        var parser = Parser(tokens: lexed.tokens, firstFunctionID: firstFunctionID)
        let stmts = parser.program()
        return (stmts, parser.errors, parser.nextFunctionID)
    }

    // MARK: tokens

    private var current: Token { tokens[p] }
    private var kind: TokenKind { tokens[p].kind }
    private var pos: Pos { Pos(line: current.line, column: current.column) }

    private func isOp(_ o: String) -> Bool { if case .op(o) = kind { return true }; return false }
    private func isKeyword(_ k: Keyword) -> Bool { if case .keyword(k) = kind { return true }; return false }
    private var atEOF: Bool { if case .eof = kind { return true }; return false }
    private var atNewline: Bool { if case .newline = kind { return true }; return false }

    private mutating func advance() -> Token {
        let t = tokens[p]
        if p < tokens.count - 1 { p += 1 }
        return t
    }

    private mutating func skipNewlines() { while atNewline { _ = advance() } }

    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .eof: return "end of input"
        case .newline: return "end of line"
        case .string: return "a string"
        case .number: return "number \(t.text)"
        case .error(let m): return m
        default: return "'\(t.text)'"
        }
    }

    private mutating func fail(_ message: String, at position: Pos? = nil) -> Abort {
        if case .error(let m) = kind, position == nil {
            // A lexical error is the real cause: report it instead.
            errors.append(ParseError(message: m, pos: pos, atEnd: m == "unterminated string"))
            return Abort()
        }
        errors.append(ParseError(message: message, pos: position ?? pos, atEnd: atEOF))
        return Abort()
    }

    private mutating func expectOp(_ o: String, _ context: String) throws {
        guard isOp(o) else { throw fail("expected '\(o)' \(context), got \(describe(current))") }
        _ = advance()
    }

    private mutating func identifier(_ context: String) throws -> String {
        guard case .identifier(let name) = kind else {
            throw fail("expected a name \(context), got \(describe(current))")
        }
        _ = advance()
        return name
    }

    private mutating func nest() throws {
        depth += 1
        if depth > Self.maxDepth { throw fail("expression nested too deeply (more than \(Self.maxDepth) levels)") }
    }

    // MARK: statements

    mutating func program() -> [Stmt] {
        var stmts: [Stmt] = []
        while true {
            skipNewlines()
            if atEOF { break }
            if isOp("}") {
                errors.append(ParseError(message: "unexpected '}' with no block to close", pos: pos, atEnd: false))
                _ = advance()
                continue
            }
            if let s = statementRecovering(inBlock: false) { stmts.append(s) }
        }
        return stmts
    }

    /// One statement; on error, records it and skips to the next line.
    private mutating func statementRecovering(inBlock: Bool) -> Stmt? {
        let savedDepth = depth
        do {
            let s = try statement()
            if !(atNewline || atEOF || (inBlock && isOp("}"))) {
                throw fail("expected end of line after the statement, got \(describe(current))")
            }
            return s
        } catch {
            depth = savedDepth
            synchronize(inBlock: inBlock)
            return nil
        }
    }

    private mutating func synchronize(inBlock: Bool) {
        while !atEOF && !atNewline {
            if inBlock && isOp("}") { return }
            _ = advance()
        }
    }

    private mutating func block(_ context: String) throws -> [Stmt] {
        guard isOp("{") else { throw fail("expected '{' \(context), got \(describe(current))") }
        let open = pos
        _ = advance()
        try nest()
        defer { depth -= 1 }
        var stmts: [Stmt] = []
        while true {
            skipNewlines()
            if isOp("}") { _ = advance(); break }
            if atEOF {
                throw fail("expected '}' to close the block opened at \(open.line):\(open.column), got end of input")
            }
            if let s = statementRecovering(inBlock: true) { stmts.append(s) }
        }
        return stmts
    }

    private mutating func statement() throws -> Stmt {
        let start = pos
        switch kind {
        case .keyword(.fn):
            if case .identifier = tokens[min(p + 1, tokens.count - 1)].kind {
                _ = advance()
                let name = try identifier("after 'fn'")
                return .function(try functionRest(name: name, pos: start, declaration: true))
            }
        case .keyword(.for):
            _ = advance()
            var names = [try identifier("after 'for'")]
            while isOp(",") { _ = advance(); names.append(try identifier("in the 'for' loop")) }
            guard isKeyword(.in) else { throw fail("expected 'in' after the loop variable, got \(describe(current))") }
            _ = advance()
            let iterable = try expression()
            loopDepth += 1; defer { loopDepth -= 1 }
            let body = try block("to start the loop body")
            return .forLoop(names, iterable, body, start)
        case .keyword(.while):
            _ = advance()
            let condition = try expression()
            loopDepth += 1; defer { loopDepth -= 1 }
            let body = try block("to start the loop body")
            return .whileLoop(condition, body, start)
        case .keyword(.break):
            guard loopDepth > 0 else { throw fail("'break' outside a loop") }
            _ = advance(); return .breakLoop(start)
        case .keyword(.continue):
            guard loopDepth > 0 else { throw fail("'continue' outside a loop") }
            _ = advance(); return .continueLoop(start)
        case .keyword(.return):
            guard functionDepth > 0 else { throw fail("'return' outside a function") }
            _ = advance()
            if atNewline || atEOF || isOp("}") { return .returnValue(nil, start) }
            return .returnValue(try expressionList(), start)
        default: break
        }
        var exprs = [try expression()]
        while isOp(",") { _ = advance(); exprs.append(try expression()) }
        if isOp("=") {
            let eq = pos
            _ = advance()
            for target in exprs {
                switch target {
                case .name, .member, .index: continue
                default: throw fail("cannot assign to this expression; assign to a name, a field or an element", at: target.pos)
                }
            }
            _ = eq
            let value = try expressionList()
            return .assign(exprs, value, start)
        }
        return .expression(exprs.count == 1 ? exprs[0] : .tuple(exprs, start))
    }

    private mutating func expressionList() throws -> Expr {
        let start = pos
        var exprs = [try expression()]
        while isOp(",") { _ = advance(); exprs.append(try expression()) }
        return exprs.count == 1 ? exprs[0] : .tuple(exprs, start)
    }

    private mutating func functionRest(name: String, pos start: Pos, declaration: Bool) throws -> FunctionNode {
        try expectOp("(", "to start the parameters")
        var params: [Param] = []
        var seen = Set<String>()
        while !isOp(")") {
            let ppos = pos
            let pname = try identifier("for a parameter")
            if !seen.insert(pname).inserted { throw fail("parameter '\(pname)' appears twice", at: ppos) }
            var def: Expr?
            if isOp(":") || isOp("=") { _ = advance(); def = try expression() }
            else if params.contains(where: { $0.defaultValue != nil }) {
                throw fail("parameter '\(pname)' needs a default because the ones before it have one", at: ppos)
            }
            params.append(Param(name: pname, defaultValue: def, pos: ppos))
            if isOp(",") { _ = advance() } else if !isOp(")") {
                throw fail("expected ',' or ')' in the parameters, got \(describe(current))")
            }
        }
        _ = advance()
        let id = nextFunctionID
        nextFunctionID += 1
        let savedLoops = loopDepth
        loopDepth = 0
        functionDepth += 1
        defer { loopDepth = savedLoops; functionDepth -= 1 }
        if isOp("{") {
            return FunctionNode(id: id, name: name, params: params, body: .block(try block("")), pos: start)
        }
        if declaration {
            guard isOp("=") else { throw fail("expected '=' or '{' after the parameters of '\(name)', got \(describe(current))") }
            _ = advance()
        }
        let body = try expression()
        return FunctionNode(id: id, name: name, params: params, body: .expression(body), pos: start)
    }

    // MARK: expressions

    mutating func expression() throws -> Expr {
        try nest()
        defer { depth -= 1 }
        return try orExpr()
    }

    private mutating func orExpr() throws -> Expr {
        var left = try andExpr()
        while isKeyword(.or) {
            let at = pos; _ = advance()
            left = .logical("or", left, try andExpr(), at)
        }
        return left
    }

    private mutating func andExpr() throws -> Expr {
        var left = try notExpr()
        while isKeyword(.and) {
            let at = pos; _ = advance()
            left = .logical("and", left, try notExpr(), at)
        }
        return left
    }

    private mutating func notExpr() throws -> Expr {
        if isKeyword(.not) {
            let at = pos; _ = advance()
            try nest(); defer { depth -= 1 }
            return .unary("not", try notExpr(), at)
        }
        return try comparison()
    }

    private static let comparisons: Set<String> = ["==", "!=", "<", "<=", ">", ">="]

    private mutating func comparison() throws -> Expr {
        var left = try rangeExpr()
        while case .op(let o) = kind, Self.comparisons.contains(o) {
            let at = pos; _ = advance()
            left = .binary(o, left, try rangeExpr(), at)
        }
        return left
    }

    private mutating func rangeExpr() throws -> Expr {
        let left = try additive()
        if isOp("..") {
            let at = pos; _ = advance()
            return .range(left, try additive(), at)
        }
        return left
    }

    private mutating func additive() throws -> Expr {
        var left = try multiplicative()
        while case .op(let o) = kind, o == "+" || o == "-" {
            let at = pos; _ = advance()
            left = .binary(o, left, try multiplicative(), at)
        }
        return left
    }

    private mutating func multiplicative() throws -> Expr {
        var left = try unary()
        while case .op(let o) = kind, o == "*" || o == "/" || o == "%" || o == "@" {
            let at = pos; _ = advance()
            left = .binary(o, left, try unary(), at)
        }
        return left
    }

    private mutating func unary() throws -> Expr {
        if isOp("-") || isOp("+") {
            let at = pos
            let o = current.text
            _ = advance()
            try nest(); defer { depth -= 1 }
            let operand = try unary()
            if o == "+" { return operand }
            if case .number(let v, _) = operand { return .number(-v, at) }
            return .unary("-", operand, at)
        }
        return try power()
    }

    private mutating func power() throws -> Expr {
        let base = try postfix()
        if isOp("^") {
            let at = pos; _ = advance()
            try nest(); defer { depth -= 1 }
            return .binary("^", base, try unary(), at)
        }
        return base
    }

    private mutating func postfix() throws -> Expr {
        var e = try primary()
        var links = 0
        while true {
            if isOp("(") {
                let at = pos; _ = advance()
                var args: [Argument] = []
                while !isOp(")") {
                    if case .identifier(let n) = kind, case .op(":") = tokens[min(p + 1, tokens.count - 1)].kind {
                        _ = advance(); _ = advance()
                        if args.contains(where: { $0.name == n }) { throw fail("argument '\(n)' is given twice") }
                        args.append(Argument(name: n, value: try expression()))
                    } else {
                        if args.contains(where: { $0.name != nil }) {
                            throw fail("a positional argument cannot follow named arguments")
                        }
                        args.append(Argument(name: nil, value: try expression()))
                    }
                    if isOp(",") { _ = advance() } else if !isOp(")") {
                        throw fail("expected ',' or ')' to close the arguments opened at \(at.line):\(at.column), got \(describe(current))")
                    }
                }
                _ = advance()
                e = .call(e, args, at)
            } else if isOp("[") {
                let at = pos; _ = advance()
                var comps: [IndexComponent] = []
                while !isOp("]") {
                    comps.append(try indexComponent())
                    if isOp(",") { _ = advance() } else if !isOp("]") {
                        throw fail("expected ',' or ']' to close the index opened at \(at.line):\(at.column), got \(describe(current))")
                    }
                }
                _ = advance()
                if comps.isEmpty { throw fail("an index needs at least one component", at: at) }
                e = .index(e, comps, at)
            } else if isOp(".") {
                let at = pos; _ = advance()
                let name = try identifier("after '.'")
                e = .member(e, name, at)
            } else {
                break
            }
            links += 1
            if links > 1000 { throw fail("too many calls, indexes or members chained") }
        }
        return e
    }

    private mutating func indexComponent() throws -> IndexComponent {
        var start: Expr?
        if !isOp(":") { start = try expression() }
        guard isOp(":") else {
            guard let start else { throw fail("expected an index, got \(describe(current))") }
            return .index(start)
        }
        _ = advance()
        var end: Expr?, step: Expr?
        if !isOp(",") && !isOp("]") && !isOp(":") { end = try expression() }
        if isOp(":") {
            _ = advance()
            if !isOp(",") && !isOp("]") { step = try expression() }
        }
        return .slice(start: start, end: end, step: step)
    }

    private mutating func primary() throws -> Expr {
        let at = pos
        let t = current
        switch t.kind {
        case .number(let v): _ = advance(); return .number(v, at)
        case .string(let parts):
            _ = advance()
            var segments: [StringSegment] = []
            for part in parts {
                switch part {
                case .text(let s): segments.append(.text(s))
                case .code(let code, let line, let column):
                    let lexed = Lexer.tokenize(code, line: line, column: column)
                    var sub = Parser(tokens: lexed.tokens, firstFunctionID: nextFunctionID)
                    sub.depth = depth
                    sub.loopDepth = loopDepth
                    sub.functionDepth = functionDepth
                    if case .eof = lexed.tokens.first?.kind {
                        errors.append(ParseError(message: "empty '{}' in a string; write '{{' for a brace", pos: Pos(line: line, column: column - 1), atEnd: false))
                        throw Abort()
                    }
                    do {
                        let e = try sub.expression()
                        if !(sub.atEOF) { throw sub.fail("unexpected \(sub.describe(sub.current)) in string interpolation") }
                        segments.append(.code(e))
                        nextFunctionID = sub.nextFunctionID
                    } catch {
                        errors.append(contentsOf: sub.errors.map { ParseError(message: $0.message, pos: $0.pos, atEnd: false) })
                        throw Abort()
                    }
                }
            }
            return .string(segments, at)
        case .keyword(.true): _ = advance(); return .bool(true, at)
        case .keyword(.false): _ = advance(); return .bool(false, at)
        case .keyword(.nil): _ = advance(); return .nilLiteral(at)
        case .identifier(let name): _ = advance(); return .name(name, at)
        case .keyword(.fn):
            _ = advance()
            return .function(try functionRest(name: "fn", pos: at, declaration: false))
        case .keyword(.if):
            return try ifExpression()
        case .op("("):
            _ = advance()
            let e = try expression()
            guard isOp(")") else { throw fail("expected ')' to close '(' at \(at.line):\(at.column), got \(describe(current))") }
            _ = advance()
            return e
        case .op("["):
            _ = advance()
            var items: [Expr] = []
            while !isOp("]") {
                items.append(try expression())
                if isOp(",") { _ = advance() } else if !isOp("]") {
                    throw fail("expected ',' or ']' to close the list opened at \(at.line):\(at.column), got \(describe(current))")
                }
            }
            _ = advance()
            return .list(items, at)
        case .op("{"):
            _ = advance()
            var fields: [(String, Expr)] = []
            skipNewlines()
            while !isOp("}") {
                let key: String
                switch kind {
                case .identifier(let n): key = n
                case .keyword(let k): key = k.rawValue
                case .string(let parts):
                    guard parts.count == 1, case .text(let s) = parts[0] else { throw fail("a field name cannot interpolate") }
                    key = s
                default: throw fail("expected a field name in the record, got \(describe(current))")
                }
                _ = advance()
                try expectOp(":", "after the field name '\(key)'")
                skipNewlines()
                if fields.contains(where: { $0.0 == key }) { throw fail("field '\(key)' appears twice in the record") }
                fields.append((key, try expression()))
                skipNewlines()
                if isOp(",") { _ = advance(); skipNewlines() } else if !isOp("}") {
                    throw fail("expected ',' or '}' to close the record opened at \(at.line):\(at.column), got \(describe(current))")
                }
            }
            _ = advance()
            return .record(fields, at)
        default:
            throw fail("expected an expression, got \(describe(t))")
        }
    }

    private mutating func ifExpression() throws -> Expr {
        let at = pos
        _ = advance()
        let condition = try expression()
        let then = try block("after the 'if' condition")
        // `else` may start the next line.
        var look = p
        while case .newline = tokens[look].kind, look < tokens.count - 1 { look += 1 }
        if case .keyword(.else) = tokens[look].kind {
            p = look
            _ = advance()
            if isKeyword(.if) {
                try nest(); defer { depth -= 1 }
                let nested = try ifExpression()
                return .ifExpr(condition, then, [.expression(nested)], at)
            }
            return .ifExpr(condition, then, try block("after 'else'"), at)
        }
        return .ifExpr(condition, then, nil, at)
    }
}
