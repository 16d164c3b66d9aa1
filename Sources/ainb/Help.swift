import ArgumentParser
import Foundation
import Script

/// `ainb help [TOPIC]`: the documentation of every builtin, from the registry the interpreter uses.
struct Help: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the documentation of a builtin, the language, or the list of builtins.",
        discussion: "`ainb help` lists every builtin; `ainb help descend` shows one; `ainb help language` summarises the language.")

    @Argument(help: "A builtin's name, or 'language'.")
    var topic: String?

    @Flag(help: "Print docs/builtins.md (generated from the registry).")
    var markdown = false

    func run() throws {
        if markdown {
            print(Registry.shared.markdown, terminator: "")
            return
        }
        guard let text = Session.help(topic) else {
            let names = Registry.shared.names
            let close = names.filter { $0.hasPrefix(String(topic?.prefix(3) ?? "")) }
            throw ValidationError("no builtin named '\(topic ?? "")'" + (close.isEmpty ? "" : "; similar: " + close.joined(separator: ", ")))
        }
        print(text)
    }
}
