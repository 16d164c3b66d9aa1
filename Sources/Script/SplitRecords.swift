/// Locals that hold records taken from lists and are only ever read field by field
/// (`b = bodies[i]` then `b.x`, `b.vx`; particles, bodies, rows of a table).
///
/// Such a local keeps the fields it reads in hidden frame slots of their own instead of the
/// record: `b = bodies[i]` copies those fields out of the record where it lies in the list,
/// and `b.x` reads a slot. The list's record is then held by the list alone, so a later
/// `bodies[i].vx = v` changes it in place instead of copying it (value semantics made that
/// copy: `b` still had to see the old record). Nothing can tell the difference: the local
/// is never read whole, and its fields are the record's fields at the time of the store.
///
/// A local is split when, in its function's body (not counting nested functions, which
/// would make it a cell), every use is `name = value` with one target or a read `name.f`,
/// and at least one store takes an item of a list. A store of anything else, or of an item
/// that is not a record with every field read, keeps the whole value in the local's own
/// slot and empties the hidden slots; a read of `name.f` takes the hidden slot when it holds
/// a value and the general read of the local otherwise (with its errors).
extension Compiler {
    /// A local kept field by field: its own slot, and a hidden slot per field read.
    final class SplitRecord {
        let slot: Int
        let names: [String]
        let hidden: [Int]
        let caches: [FieldCache]
        /// The key list last seen (records made by one literal share theirs) and where each
        /// field read sits in it: one comparison finds every field of such a record.
        var keys: [String] = []
        var positions: [Int] = []
        /// For the copy of a record of that key list: the hidden slot and the position of each
        /// field, in pairs, and how many values such a record has at least.
        let moves: UnsafeMutablePointer<Int>
        var least = 0

        init(slot: Int, names: [String], hidden: [Int]) {
            self.slot = slot; self.names = names; self.hidden = hidden
            caches = names.map(FieldCache.init)
            moves = .allocate(capacity: 2 * hidden.count)
            moves.initialize(repeating: 0, count: 2 * hidden.count)
        }

        deinit { moves.deallocate() }

        /// Remembers the key list of a record and where the fields read are in it.
        func learn(_ keys: [String], _ positions: [Int]) {
            self.keys = keys
            self.positions = positions
            for f in 0..<hidden.count {
                moves[2 * f] = hidden[f]
                moves[2 * f + 1] = positions[f]
            }
            least = (positions.max() ?? -1) + 1
        }

        /// The hidden slot of field `name`.
        func hiddenSlot(_ name: String) -> Int? { names.firstIndex(of: name).map { hidden[$0] } }
    }

    /// How a function body uses each name it mentions.
    private struct NameUse {
        var fields: [String] = []
        var fromItem = false
        var other = false
    }

    /// The locals of the body being compiled that are kept field by field, each with its
    /// hidden slots (declared in the function's frame).
    func planSplits(_ body: [Stmt]) -> [String: SplitRecord] {
        var uses: [String: NameUse] = [:]
        Compiler.collectUses(body, &uses)
        var out: [String: SplitRecord] = [:]
        for (name, use) in uses.sorted(by: { $0.key < $1.key })
        where !use.other && use.fromItem && !use.fields.isEmpty && use.fields.count <= 16 {
            guard case .local(let s) = resolve(name) else { continue }
            let hidden = use.fields.map { declareHidden("\(name).\($0)") }
            out[name] = SplitRecord(slot: s, names: use.fields, hidden: hidden)
        }
        return out
    }

    private static func collectUses(_ stmts: [Stmt], _ uses: inout [String: NameUse]) {
        for s in stmts {
            switch s {
            case .expression(let e): collectUses(e, &uses)
            case .assign(let targets, let value, _):
                if targets.count == 1, case .name(let n, _) = targets[0] {
                    if case .index(.name, let comps, _) = value, comps.count == 1, case .index = comps[0] {
                        uses[n, default: NameUse()].fromItem = true
                    } else {
                        _ = uses[n, default: NameUse()]
                    }
                } else {
                    for t in targets { collectTargetUses(t, &uses) }
                }
                collectUses(value, &uses)
            case .function(let f): uses[f.name, default: NameUse()].other = true
            case .forLoop(let names, let iterable, let body, _):
                for n in names { uses[n, default: NameUse()].other = true }
                collectUses(iterable, &uses)
                collectUses(body, &uses)
            case .whileLoop(let c, let body, _):
                collectUses(c, &uses)
                collectUses(body, &uses)
            case .returnValue(let e, _): if let e { collectUses(e, &uses) }
            case .breakLoop, .continueLoop: break
            }
        }
    }

    /// A target other than a lone name: the variable at its root changes in part.
    private static func collectTargetUses(_ t: Expr, _ uses: inout [String: NameUse]) {
        switch t {
        case .name(let n, _): uses[n, default: NameUse()].other = true
        case .member(let base, _, _): collectTargetUses(base, &uses)
        case .index(let base, let comps, _):
            collectTargetUses(base, &uses)
            collectUses(comps, &uses)
        default: collectUses(t, &uses)
        }
    }

    private static func collectUses(_ comps: [IndexComponent], _ uses: inout [String: NameUse]) {
        for c in comps {
            switch c {
            case .index(let i): collectUses(i, &uses)
            case .slice(let a, let b, let c):
                for e in [a, b, c] { if let e { collectUses(e, &uses) } }
            }
        }
    }

    private static func collectUses(_ e: Expr, _ uses: inout [String: NameUse]) {
        switch e {
        case .number, .bool, .nilLiteral, .function: break
        case .string(let segs, _):
            for case .code(let c) in segs { collectUses(c, &uses) }
        case .name(let n, _): uses[n, default: NameUse()].other = true
        case .list(let items, _), .tuple(let items, _): for i in items { collectUses(i, &uses) }
        case .record(let fields, _): for (_, v) in fields { collectUses(v, &uses) }
        case .unary(_, let a, _): collectUses(a, &uses)
        case .binary(_, let a, let b, _), .logical(_, let a, let b, _), .range(let a, let b, _):
            collectUses(a, &uses); collectUses(b, &uses)
        case .call(let callee, let args, _):
            collectUses(callee, &uses)
            for a in args { collectUses(a.value, &uses) }
        case .index(let base, let comps, _):
            collectUses(base, &uses)
            collectUses(comps, &uses)
        case .member(.name(let n, _), let f, _):
            var use = uses[n, default: NameUse()]
            if !use.fields.contains(f) { use.fields.append(f) }
            uses[n] = use
        case .member(let base, _, _): collectUses(base, &uses)
        case .ifExpr(let c, let a, let b, _):
            collectUses(c, &uses)
            collectUses(a, &uses)
            if let b { collectUses(b, &uses) }
        }
    }

    /// The hidden slot holding field `field` of a split local, for reads of `name.field`.
    func splitField(_ name: String, _ field: String) -> Int? {
        splits[name]?.hiddenSlot(field)
    }

    /// `name = value` for a split local: an item of a list (at a number expression that only
    /// reads) that is a record with every field read is copied field by field into the hidden
    /// slots, where it lies; anything else is stored whole.
    func splitStore(_ split: SplitRecord, _ value: Expr) -> Exec {
        let s = split.slot, hidden = split.hidden
        let whole = argumentRead(value)
        let general: Exec = { rt in
            let v = try whole(rt)
            for h in hidden { Compiler.assign(rt.bp + h, nil) }
            Compiler.assign(rt.bp + s, v)
            return .normal
        }
        guard case .index(.name(let n, _), let comps, _) = value, comps.count == 1, case .index(let ie) = comps[0],
              let list = variableSlot(n), let index = numberTree(ie) else { return general }
        let at = numberEval(index)
        return { rt in
            let k = at(rt)
            if !rt.notNumber, Compiler.splitItem(Compiler.slot(rt, list), k, split, rt.bp) {
                Compiler.assign(rt.bp + s, nil)
                return .normal
            }
            rt.notNumber = false
            return try general(rt)
        }
    }

    /// Copies the fields `split` reads of the record at position `n` of the list in `slot`
    /// into their hidden slots; false when the slot holds no list, `n` is no valid position,
    /// the item is no record or lacks a field (the caller then stores the item whole, which
    /// empties the hidden slots again).
    @inline(__always)
    static func splitItem(_ slot: UnsafeMutablePointer<Value?>, _ n: Double, _ split: SplitRecord,
                          _ bp: UnsafeMutablePointer<Value?>) -> Bool {
        if inPlace {
            // The record is looked at where it lies (binding it would retain and release both
            // of its arrays), and a record with the key list seen last is copied pair by pair.
            return readList(slot) { items -> Bool? in
                guard let k = position(n, count: items.count) else { return false }
                return items.withUnsafeBufferPointer { buffer -> Bool in
                    let item = UnsafeMutablePointer(mutating: buffer.baseAddress.unsafelyUnwrapped + k)
                    guard case .record = item.pointee else { return false }
                    return inPlaceRecord(item: item) { r -> Bool in
                        guard !split.keys.isEmpty,
                              r.pointee.keys.withUnsafeBufferPointer({ $0.baseAddress }) == split.keys.withUnsafeBufferPointer({ $0.baseAddress }),
                              r.pointee.values.count >= split.least else { return splitFields(r.pointee, split, bp) }
                        return r.pointee.values.withUnsafeBufferPointer { values -> Bool in
                            let from = values.baseAddress.unsafelyUnwrapped, moves = split.moves, count = split.hidden.count
                            for f in 0..<count {
                                let v = from + moves[2 * f + 1]
                                if case .number(let d) = v.pointee { Compiler.assign(bp + moves[2 * f], .number(d)) } else { Compiler.assign(bp + moves[2 * f], v.pointee) }
                            }
                            return true
                        }
                    }
                }
            } ?? false
        }
        return readList(slot) { items -> Bool? in
            guard let k = position(n, count: items.count), case .record(let r) = items[k] else { return false }
            return splitFields(r, split, bp)
        } ?? false
    }

    /// Copies the fields `split` reads of `r` into their hidden slots, learning where they are
    /// when `r` has another key list than the one seen last; false when `r` lacks a field.
    static func splitFields(_ r: Record, _ split: SplitRecord, _ bp: UnsafeMutablePointer<Value?>) -> Bool {
        let hidden = split.hidden
        if !split.keys.isEmpty, r.keys.withUnsafeBufferPointer({ $0.baseAddress }) == split.keys.withUnsafeBufferPointer({ $0.baseAddress }) {
            let positions = split.positions
            for f in 0..<hidden.count { Compiler.assign(bp + hidden[f], Compiler.element(r.values, positions[f])) }
            return true
        }
        var positions: [Int] = []
        for cache in split.caches {
            guard let i = cache.position(in: r) else { return false }
            positions.append(i)
        }
        for f in 0..<hidden.count { Compiler.assign(bp + hidden[f], Compiler.element(r.values, positions[f])) }
        // `keys` keeps the key list alive, so its address cannot be reused by another.
        split.learn(r.keys, positions)
        return true
    }

    /// `name.field` of a split local: the hidden slot when it holds a value, else `whole`
    /// (the read of the field of the value in the local's own slot).
    func splitRead(_ h: Int, whole: @escaping Eval) -> Eval {
        { rt in
            if case .some(.number(let d)) = rt.bp[h] { return .number(d) }
            if let v = rt.bp[h] { return v }
            return try whole(rt)
        }
    }
}
