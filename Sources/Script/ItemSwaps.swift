/// Swaps of two items of one list: `t = xs[i]`, `xs[i] = xs[j]`, `xs[j] = t` as three
/// statements in a row, and `xs[i], xs[j] = xs[j], xs[i]` (sorting, reversing, shuffling,
/// permutations).
///
/// Run as written, a swap looks at the list three times, finds each position twice and
/// copies each item through a variable. Here both positions are found once and the items
/// change places where they lie (the temporary still gets its value). Positions must be a
/// constant, a variable or a variable plus a constant (so they read the same in all three
/// statements, and no statement changes them); a position that is not a number or not
/// inside the list, or a variable that holds no list, runs the statements as written, which
/// then report their errors in order.
extension Compiler {
    /// A position of a swap: a constant (no slot) or a variable's slot plus a constant.
    struct SwapPosition: Equatable {
        let slot: Int?
        let offset: Double
    }

    func swapPosition(_ e: Expr) -> SwapPosition? {
        guard let k = pureIndex(e) else { return nil }
        if k.kind == 0 { return SwapPosition(slot: nil, offset: k.constant) }
        if let (s, c) = k.slotOffset { return SwapPosition(slot: s, offset: c) }
        return nil
    }

    /// `name[index]` for a local or global `name`: its slot and the position.
    private func swapItem(_ e: Expr) -> (Int, SwapPosition)? {
        guard case .index(.name(let n, _), let comps, _) = e, comps.count == 1, case .index(let ie) = comps[0],
              let s = variableSlot(n), let p = swapPosition(ie) else { return nil }
        return (s, p)
    }

    /// `t = xs[i]`, `xs[i] = xs[j]`, `xs[j] = t` in one closure, or nil for other statements.
    func swapStatements(_ first: Stmt, _ second: Stmt, _ third: Stmt) -> Exec? {
        guard case .assign(let t0, let v0, _) = first, t0.count == 1, case .name(let t, _) = t0[0],
              splits[t] == nil, let keep = variableSlot(t), let (list, i) = swapItem(v0),
              case .assign(let t1, let v1, _) = second, t1.count == 1,
              let (list1, i1) = swapItem(t1[0]), let (list2, j) = swapItem(v1),
              case .assign(let t2, let v2, _) = third, t2.count == 1,
              let (list3, j1) = swapItem(t2[0]), case .name(let t3, _) = v2, t3 == t,
              list1 == list, list2 == list, list3 == list, i1 == i, j1 == j,
              list != keep, i.slot != keep, j.slot != keep else { return nil }
        let a = stmt(first), b = stmt(second), c = stmt(third)
        return swapExec(list, i, j, keep: keep) { rt in
            var f = try a(rt)
            if f != .normal { return f }
            f = try b(rt)
            if f != .normal { return f }
            return try c(rt)
        }
    }

    /// `xs[i], xs[j] = xs[j], xs[i]` in one closure, or nil for other assignments.
    func swapAssignment(_ targets: [Expr], _ value: Expr, general: @escaping Exec) -> Exec? {
        let items: [Expr]
        switch value {
        case .tuple(let x, _), .list(let x, _): items = x
        default: return nil
        }
        guard targets.count == 2, items.count == 2,
              let (list, i) = swapItem(targets[0]), let (list1, j) = swapItem(targets[1]),
              let (list2, j1) = swapItem(items[0]), let (list3, i1) = swapItem(items[1]),
              list1 == list, list2 == list, list3 == list, i1 == i, j1 == j else { return nil }
        return swapExec(list, i, j, keep: nil, general: general)
    }

    private func swapExec(_ list: Int, _ i: SwapPosition, _ j: SwapPosition, keep: Int?, general: @escaping Exec) -> Exec {
        let a = i.slot, c = i.offset, b = j.slot, d = j.offset
        /// The two positions; `rt.notNumber` is set when a variable holds no number.
        @inline(__always) func positions(_ rt: Runtime) -> (Double, Double) {
            (a.map { Compiler.number(rt, $0) + c } ?? c, b.map { Compiler.number(rt, $0) + d } ?? d)
        }
        guard let keep else {
            return { rt in
                let (m, n) = positions(rt)
                if !rt.notNumber, Compiler.swapItems(Compiler.slot(rt, list), m, n, keep: false) != nil { return .normal }
                rt.notNumber = false
                return try general(rt)
            }
        }
        // The temporary gets the item first at `m`, stored after the swap as the first statement
        // would have stored it before: nothing reads it in between.
        return { rt in
            let (m, n) = positions(rt)
            if !rt.notNumber, let v = Compiler.swapItems(Compiler.slot(rt, list), m, n, keep: true) {
                Compiler.storeVariable(rt, keep, v)
                return .normal
            }
            rt.notNumber = false
            return try general(rt)
        }
    }

    /// Stores `v` in a variable's slot (as `variableSlot` gives it), as an assignment does.
    @inline(__always)
    static func storeVariable(_ rt: Runtime, _ s: Int, _ v: Value) {
        if s >= 0 { assign(rt.bp + s, v) } else { rt.setGlobal(~s, v) }
    }
}
