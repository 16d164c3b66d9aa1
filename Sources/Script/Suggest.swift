/// "Did you mean" suggestions by edit distance.
public enum Suggest {
    /// The edit (Levenshtein) distance between two names, ignoring case.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }

    /// The closest candidate within a small distance.
    public static func closest(_ name: String, _ candidates: [String]) -> String? {
        let limit = max(1, min(3, name.count / 3 + 1))
        var best: (String, Int)?
        for c in candidates where c != name {
            let d = distance(name, c)
            if d <= limit && (best == nil || d < best!.1 || (d == best!.1 && c < best!.0)) { best = (c, d) }
        }
        return best?.0
    }

    /// "; did you mean 'x'?" or "".
    public static func didYouMean(_ name: String, _ candidates: [String]) -> String {
        closest(name, candidates).map { "; did you mean '\($0)'?" } ?? ""
    }
}
