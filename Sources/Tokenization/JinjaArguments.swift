/// Evaluated call arguments, bound to parameter names the way Python binds them.
struct JinjaArguments {
    var positional: [JinjaValue] = []
    var keywords: [(name: String, value: JinjaValue)] = []

    var isEmpty: Bool { positional.isEmpty && keywords.isEmpty }

    /// Values for `parameters` in order (nil where not given). Fails like Python on too many
    /// positional arguments, unknown keywords, or a parameter given twice.
    func bind(_ parameters: [String], function: String) throws(JinjaFailure) -> [JinjaValue?] {
        guard positional.count <= parameters.count else {
            throw JinjaFailure("TypeError: \(function)() takes at most \(parameters.count) positional argument(s) (\(positional.count) given)")
        }
        var bound: [JinjaValue?] = positional.map { $0 } + Array(repeating: nil, count: parameters.count - positional.count)
        for (name, value) in keywords {
            guard let i = parameters.firstIndex(of: name) else {
                throw JinjaFailure("TypeError: \(function)() got an unexpected keyword argument '\(name)'")
            }
            guard bound[i] == nil else { throw JinjaFailure("TypeError: \(function)() got multiple values for argument '\(name)'") }
            bound[i] = value
        }
        return bound
    }

    /// The only positional arguments allowed, no keywords.
    func positionalOnly(_ range: ClosedRange<Int>, function: String) throws(JinjaFailure) -> [JinjaValue] {
        guard keywords.isEmpty else { throw JinjaFailure("TypeError: \(function)() takes no keyword arguments") }
        guard range.contains(positional.count) else {
            throw JinjaFailure("TypeError: \(function)() takes \(range.lowerBound)...\(range.upperBound) arguments (\(positional.count) given)")
        }
        return positional
    }
}

extension JinjaValue {
    /// The value as an integer argument (bools count, as in Python).
    func intArgument(_ what: String) throws(JinjaFailure) -> Int {
        if case .int(let i)? = number { return i }
        throw JinjaFailure("TypeError: \(what) must be an integer, not '\(typeName)'")
    }

    /// The value as a string argument.
    func stringArgument(_ what: String) throws(JinjaFailure) -> String {
        if let s = text { return s }
        throw JinjaFailure("TypeError: \(what) must be str, not \(typeName)")
    }
}
