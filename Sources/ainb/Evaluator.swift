import Notebook

/// A fresh evaluator for a notebook or a REPL session: the language's session.
func makeEvaluator() throws -> CellEvaluator {
    ScriptEvaluator()
}
