import Notebook

/// A fresh evaluator for a notebook or a REPL session.
func makeEvaluator() throws -> CellEvaluator {
    throw CLIError("the language is not built yet")
}
