/// Runs of stores of numbers into fields of one record of a list, written one after the
/// other: `bodies[i].vx = ...`, `bodies[i].vy = ...`, `bodies[i].vz = ...` (particles, bodies,
/// entities of a simulation, rows of a table updated field by field).
///
/// Run as written, each store finds the list, the item and the field again. Here every value
/// and the position are computed first, on doubles, then the record is found once and each
/// field set where it lies, in order. That is the same as storing one by one: the values only
/// read variables, fields of records in variables and numbers in lists (numberTree), and a
/// store into a field of a record changes none of them. A value or position that is not a
/// number, a variable without a list, a position outside it, an item that is no record or
/// lacks one of the fields runs the statements as written (nothing has changed by then),
/// with their errors.
extension Compiler {
    /// A computation of a number kept in an array (a struct keeps the closure's own calling
    /// convention).
    struct NumberComputation {
        let compute: (Runtime) -> Double
    }

    /// `L[I].f = e` for a list in a variable, a position that is a constant, a variable or a
    /// variable plus a constant, and a number expression `e`.
    private func fieldStore(_ s: Stmt) -> (list: Int, at: SwapPosition, field: String, value: NumberTree)? {
        guard case .assign(let targets, let value, _) = s, targets.count == 1,
              case .member(.index(.name(let n, _), let comps, _), let field, _) = targets[0],
              comps.count == 1, case .index(let ie) = comps[0], let list = variableSlot(n),
              let at = swapPosition(ie), numberTrees, let tree = numberTree(value) else { return nil }
        return (list, at, field, tree)
    }

    /// Two to eight stores into fields of the same item of the same list from `stmts[start]`
    /// on, in one closure, and how many statements it runs; nil when there is no such run.
    func fieldStoreRun(_ stmts: [Stmt], from start: Int) -> (Exec, Int)? {
        guard Compiler.fastPaths, let first = fieldStore(stmts[start]) else { return nil }
        var run = [first]
        var end = start + 1
        while end < stmts.count, run.count < 8, let next = fieldStore(stmts[end]),
              next.list == first.list, next.at == first.at {
            run.append(next)
            end += 1
        }
        guard run.count >= 2 else { return nil }
        let general = chain(stmts[start..<end].map { CompiledStatement(exec: stmt($0)) })
        let computations = ContiguousArray(run.map { NumberComputation(compute: numberEval($0.value)) })
        let caches = ContiguousArray(run.map { FieldCache($0.field) })
        let list = first.list, slot = first.at.slot, offset = first.at.offset
        let exec: Exec = { rt in
            let n = slot.map { Compiler.number(rt, $0) + offset } ?? offset
            let done = withUnsafeTemporaryAllocation(of: Double.self, capacity: computations.count) { values -> Bool in
                for f in 0..<computations.count { values[f] = computations[f].compute(rt) }
                return !rt.notNumber && Compiler.storeFields(Compiler.slot(rt, list), n, caches, values)
            }
            if done { return .normal }
            rt.notNumber = false
            return try general(rt)
        }
        return (exec, end - start)
    }

    /// Sets fields `caches` of the record at position `n` of the list in `slot` to `values`,
    /// in order, where they lie; false, with everything as it was, when the slot holds no list,
    /// `n` is no valid position, or the item is no record with all those fields.
    @inline(__always)
    static func storeFields(_ slot: UnsafeMutablePointer<Value?>, _ n: Double, _ caches: ContiguousArray<FieldCache>,
                            _ values: UnsafeMutableBufferPointer<Double>) -> Bool {
        guard inPlace, case .some(.list) = slot.pointee else { return false }
        return inPlaceList(slot) { items in
            guard let k = position(n, count: items.pointee.count), case .record = items.pointee[k] else { return false }
            return items.pointee.withUnsafeMutableBufferPointer { buffer in
                inPlaceRecord(item: buffer.baseAddress.unsafelyUnwrapped + k) { r in
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: caches.count) { positions -> Bool in
                        let count = r.pointee.values.count
                        for f in 0..<caches.count {
                            guard let p = caches[f].position(in: r.pointee), p < count else { return false }
                            positions[f] = p
                        }
                        r.pointee.values.withUnsafeMutableBufferPointer { fields in
                            let base = fields.baseAddress.unsafelyUnwrapped
                            for f in 0..<caches.count { assign(item: base + positions[f], .number(values[f])) }
                        }
                        return true
                    }
                }
            }
        }
    }
}
