import Script

/// Resolves a notebook's parameters: the front matter's defaults, then `--set` overrides.
public enum Params {
    /// The parameters with `overrides` (`name`, value text) applied, in front matter order.
    ///
    /// An override must name a declared parameter and keep its type: a number stays a
    /// number, a boolean a boolean, a list a list; a string parameter takes any text
    /// (quotes optional).
    public static func resolve(_ params: [Param], overrides: [(name: String, value: String)]) throws -> [Param] {
        var result = params
        for (name, text) in overrides {
            guard let index = result.firstIndex(where: { $0.name == name }) else {
                throw ParamError(message: unknownMessage(name, text, known: params.map(\.name)))
            }
            let current = result[index].value
            let parsed: ParamValue
            do {
                parsed = try ParamValue.parse(text)
            } catch let error as ValueSyntaxError {
                if case .string = current {
                    result[index].value = .string(text)
                    continue
                }
                throw ParamError(message: "--set \(name)=\(text): \(error.message) at column \(error.offset + 1) of the value")
            }
            switch (current, parsed) {
            case (.string, .string), (.number, .number), (.bool, .bool), (.list, .list):
                result[index].value = parsed
            case (.string, _):
                result[index].value = .string(text)
            default:
                throw ParamError(message: "--set \(name)=\(text): parameter '\(name)' is \(kind(current)), not \(kind(parsed))")
            }
        }
        return result
    }

    /// "unknown parameter 'stpes' in --set stpes=5; did you mean 'steps'? (its params are …)"
    public static func unknownMessage(_ name: String, _ text: String, known: [String]) -> String {
        let listed = known.isEmpty ? "the notebook has no params" : "its params are " + known.joined(separator: ", ")
        return "unknown parameter '\(name)' in --set \(name)=\(text)\(Suggest.didYouMean(name, known)) (\(listed))"
    }

    /// Splits `name=value` as given to `--set`.
    public static func splitOverride(_ text: String) throws -> (name: String, value: String) {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw ParamError(message: "--set expects name=value, got '\(text)'")
        }
        return (String(text[..<eq]).trimmingSpaces, String(text[text.index(after: eq)...]))
    }

    static func kind(_ value: ParamValue) -> String {
        switch value {
        case .number: return "a number"
        case .string: return "a string"
        case .bool: return "a boolean"
        case .list: return "a list"
        }
    }
}

/// A bad `--set` override.
public struct ParamError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// Creates the error.
    public init(message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
