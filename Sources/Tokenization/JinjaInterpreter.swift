// Renders a parsed template: statements here, expressions in JinjaInterpreter+Expressions.swift.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One rendering: the output so far, the variable scopes and the current nesting depth.
/// Not shared between renders (a fresh interpreter per call), so templates are re-entrant.
struct JinjaInterpreter {
    /// The functions HF transformers and jinja2 make global.
    static let globalFunctions = ["range", "namespace", "dict", "raise_exception", "strftime_now"]

    var output = ""
    var depth = 0
    let root: JinjaScope

    init(variables: [String: JinjaValue]) {
        let globals = JinjaScope(parent: nil)
        for name in Self.globalFunctions { globals.set(name, .callable(.global(name))) }
        root = JinjaScope(parent: globals)
        for (name, value) in variables { root.set(name, value) }
    }

    enum Flow { case normal, breakLoop, continueLoop }

    mutating func render(_ body: [JinjaStatement]) throws(ChatTemplateError) -> String {
        _ = try execute(body, in: root)
        return output
    }

    mutating func enter(_ position: SourcePosition) throws(ChatTemplateError) {
        depth += 1
        if depth > JinjaLimits.renderDepth {
            throw .tooDeep(limit: JinjaLimits.renderDepth, line: position.line, column: position.column)
        }
    }

    /// Runs a helper that does not know its position and places its failure at `position`.
    func at<T>(_ position: SourcePosition, _ body: () throws(JinjaFailure) -> T) throws(ChatTemplateError) -> T {
        do {
            return try body()
        } catch {
            throw .runtime(message: error.message, line: position.line, column: position.column)
        }
    }

    mutating func execute(_ body: [JinjaStatement], in scope: JinjaScope) throws(ChatTemplateError) -> Flow {
        for statement in body {
            let flow = try execute(statement, in: scope)
            if flow != .normal { return flow }
        }
        return .normal
    }

    mutating func execute(_ statement: JinjaStatement, in scope: JinjaScope) throws(ChatTemplateError) -> Flow {
        try enter(statement.position)
        defer { depth -= 1 }
        switch statement.kind {
        case .text(let text):
            output += text
        case .output(let e):
            let value = try evaluate(e, in: scope)
            output += try at(e.position) { () throws(JinjaFailure) in try value.pythonString() }
        case .conditional(let branches, let otherwise):
            for branch in branches where try evaluate(branch.condition, in: scope).isTruthy {
                return try execute(branch.body, in: scope)
            }
            if let otherwise { return try execute(otherwise, in: scope) }
        case .loop(let loop):
            return try run(loop, in: scope, at: statement.position)
        case .assign(let target, let e):
            let value = try evaluate(e, in: scope)
            try assign(value, to: target, in: scope, at: statement.position)
        case .assignBlock(let target, let filters, let body):
            let saved = output
            output = ""
            _ = try execute(body, in: scope)
            var value = JinjaValue.string(output)
            output = saved
            for filter in filters {
                let args = try evaluate(filter.arguments, in: scope)
                let v = value
                value = try at(filter.position) { () throws(JinjaFailure) in try JinjaFilters.apply(filter.name, v, args) }
            }
            try assign(value, to: target, in: scope, at: statement.position)
        case .macro(let definition):
            scope.set(definition.name, .callable(.macro(JinjaMacro(definition: definition, scope: scope))))
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        case .block(let body):
            return try execute(body, in: scope)
        }
        return .normal
    }

    /// A `for` loop: each iteration runs in its own scope holding the target and `loop`.
    ///
    /// The `else` body runs in its own scope unless some iteration ran its body to the end: like
    /// jinja2, an iteration left by `break` or `continue` does not count, so a loop whose first
    /// iteration breaks still runs `else`. A `break`/`continue` inside `else` belongs to the
    /// enclosing loop (jinja2 compiles `else` outside the inner loop), so its flow is returned.
    mutating func run(_ loop: JinjaLoop, in scope: JinjaScope, at position: SourcePosition) throws(ChatTemplateError) -> Flow {
        let iterable = try evaluate(loop.iterable, in: scope)
        var items = try at(loop.iterable.position) { () throws(JinjaFailure) in try iterable.iterated() }
        if let filter = loop.filter {
            var kept: [JinjaValue] = []
            for item in items {
                let filterScope = JinjaScope(parent: scope)
                try assign(item, to: loop.target, in: filterScope, at: position)
                guard try evaluate(filter, in: filterScope).isTruthy else { continue }
                // jinja2 filters through a generator that re-packs unpacked targets as tuples.
                if case .tuple(let names) = loop.target {
                    kept.append(.tuple(names.map { filterScope.lookup($0) ?? .none }))
                } else {
                    kept.append(item)
                }
            }
            items = kept
        }
        var completedAnIteration = false
        let n = items.count
        for (i, item) in items.enumerated() {
            let iteration = JinjaScope(parent: scope)
            try assign(item, to: loop.target, in: iteration, at: position)
            var info = JinjaDict()
            info["index"] = .int(i + 1)
            info["index0"] = .int(i)
            info["revindex"] = .int(n - i)
            info["revindex0"] = .int(n - i - 1)
            info["first"] = .bool(i == 0)
            info["last"] = .bool(i == n - 1)
            info["length"] = .int(n)
            info["depth"] = .int(1)
            info["depth0"] = .int(0)
            if i > 0 { info["previtem"] = items[i - 1] }
            if i < n - 1 { info["nextitem"] = items[i + 1] }
            info["cycle"] = .callable(.loopCycle(i))
            iteration.set("loop", .dict(info))
            let flow = try execute(loop.body, in: iteration)
            if flow == .breakLoop { break }
            if flow == .normal { completedAnIteration = true }
        }
        if !completedAnIteration, let otherwise = loop.otherwise {
            return try execute(otherwise, in: JinjaScope(parent: scope))
        }
        return .normal
    }

    func assign(_ value: JinjaValue, to target: JinjaTarget, in scope: JinjaScope, at position: SourcePosition) throws(ChatTemplateError) {
        switch target {
        case .name(let name):
            scope.set(name, value)
        case .tuple(let names):
            let items = try at(position) { () throws(JinjaFailure) -> [JinjaValue] in
                switch value {
                case .list, .tuple, .string, .dict, .undefined: return try value.iterated()
                default: throw JinjaFailure("TypeError: cannot unpack non-iterable \(value.typeName) object")
                }
            }
            guard items.count == names.count else {
                throw .runtime(message: "ValueError: expected \(names.count) values to unpack, got \(items.count)",
                               line: position.line, column: position.column)
            }
            for (name, item) in zip(names, items) { scope.set(name, item) }
        case .namespaceAttribute(let name, let attribute):
            guard case .namespace(let ns)? = scope.lookup(name) else {
                throw .runtime(message: "cannot assign attribute on non-namespace object", line: position.line, column: position.column)
            }
            ns.attributes[attribute] = value
        }
    }

    /// Calls a macro: parameters bound in a new scope under the macro's defining scope; returns
    /// what the body rendered.
    mutating func call(_ macro: JinjaMacro, _ args: JinjaArguments, at position: SourcePosition) throws(ChatTemplateError) -> JinjaValue {
        let definition = macro.definition
        guard args.positional.count <= definition.parameters.count else {
            throw .runtime(message: "TypeError: macro '\(definition.name)' takes not more than \(definition.parameters.count) argument(s)",
                           line: position.line, column: position.column)
        }
        let scope = JinjaScope(parent: macro.scope)
        for (i, parameter) in definition.parameters.enumerated() {
            var value: JinjaValue? = i < args.positional.count ? args.positional[i] : nil
            if let keyword = args.keywords.first(where: { $0.name == parameter.name }) {
                guard value == nil else {
                    throw .runtime(message: "TypeError: macro '\(definition.name)' got multiple values for argument '\(parameter.name)'",
                                   line: position.line, column: position.column)
                }
                value = keyword.value
            }
            if value == nil, let d = parameter.defaultValue { value = try evaluate(d, in: scope) }
            scope.set(parameter.name, value ?? .undefined("parameter '\(parameter.name)' was not provided"))
        }
        if let unknown = args.keywords.first(where: { k in !definition.parameters.contains { $0.name == k.name } }) {
            throw .runtime(message: "TypeError: macro '\(definition.name)' takes no keyword argument '\(unknown.name)'",
                           line: position.line, column: position.column)
        }
        let saved = output
        output = ""
        _ = try execute(definition.body, in: scope)
        let result = output
        output = saved
        return .string(result)
    }

    /// `strftime_now(format)`: the local time now, formatted by C's `strftime` (as Python's
    /// `datetime.now().strftime` is).
    static func strftimeNow(_ format: String) -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 1024)
        let n = strftime(&buffer, buffer.count, format, &parts)
        return n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    }
}
