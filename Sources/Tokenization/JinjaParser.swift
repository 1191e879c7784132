// Statements: turns the token stream into a tree of JinjaStatement, following jinja2's parser.
// Expressions are in JinjaParser+Expressions.swift.

struct JinjaParser {
    var tokens: [JinjaToken]
    var index = 0
    /// Current nesting of blocks and expressions (guards the stack against pathological input).
    var depth = 0
    /// Enclosing `for` loops, so that `{% break %}` outside one is an error (as in jinja2).
    var loopDepth = 0

    /// Tags jinja2 has that Tern deliberately leaves out; each is reported by name.
    static let unsupportedTags: Set<String> = [
        "extends", "include", "import", "from", "block", "with", "autoescape", "filter", "call", "do", "trans",
        "endblock", "endwith", "endautoescape", "endfilter", "endcall",
    ]

    init(tokens: [JinjaToken]) { self.tokens = tokens }

    static func parse(_ source: String) throws(ChatTemplateError) -> [JinjaStatement] {
        var parser = JinjaParser(tokens: try JinjaLexer.tokenize(source))
        let (body, end) = try parser.parseBody(until: [])
        if let end { throw parser.syntax("Encountered unknown tag '\(end.name)'.", at: end.position) }
        return body
    }

    // MARK: token helpers

    var current: JinjaToken { tokens[index] }
    var position: SourcePosition { current.position }

    mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    func syntax(_ message: String, at p: SourcePosition? = nil) -> ChatTemplateError {
        let p = p ?? position
        return .syntax(message: message, line: p.line, column: p.column)
    }

    func describe(_ kind: JinjaToken.Kind) -> String {
        switch kind {
        case .text: return "template data"
        case .variableBegin: return "begin of print statement"
        case .variableEnd: return "end of print statement"
        case .blockBegin: return "begin of statement block"
        case .blockEnd: return "end of statement block"
        case .name(let n): return "'\(n)'"
        case .string: return "string"
        case .integer: return "integer"
        case .float: return "float"
        case .op(let o): return "'\(o)'"
        case .eof: return "end of template"
        }
    }

    func isOp(_ op: String) -> Bool { current.kind == .op(op) }
    func isName(_ name: String) -> Bool { current.kind == .name(name) }

    mutating func skipOp(_ op: String) -> Bool {
        guard isOp(op) else { return false }
        advance()
        return true
    }

    mutating func skipName(_ name: String) -> Bool {
        guard isName(name) else { return false }
        advance()
        return true
    }

    mutating func expectOp(_ op: String) throws(ChatTemplateError) {
        guard skipOp(op) else { throw syntax("expected '\(op)', got \(describe(current.kind))") }
    }

    mutating func expectName() throws(ChatTemplateError) -> String {
        guard case .name(let n) = current.kind else { throw syntax("expected a name, got \(describe(current.kind))") }
        advance()
        return n
    }

    mutating func expectKeyword(_ word: String) throws(ChatTemplateError) {
        guard skipName(word) else { throw syntax("expected '\(word)', got \(describe(current.kind))") }
    }

    mutating func expectBlockEnd() throws(ChatTemplateError) {
        guard current.kind == .blockEnd else {
            throw syntax("expected end of statement block, got \(describe(current.kind))")
        }
        advance()
    }

    mutating func enter() throws(ChatTemplateError) {
        depth += 1
        if depth > JinjaLimits.parseDepth {
            throw .tooDeep(limit: JinjaLimits.parseDepth, line: position.line, column: position.column)
        }
    }

    mutating func leave() { depth -= 1 }

    // MARK: statements

    /// Parses statements until a `{% tag %}` named in `ends` (consumed up to its name) or the end
    /// of input. Returns the body and the end tag found (nil at end of input).
    mutating func parseBody(until ends: Set<String>) throws(ChatTemplateError) -> ([JinjaStatement], (name: String, position: SourcePosition)?) {
        try enter()
        defer { leave() }
        var body: [JinjaStatement] = []
        while true {
            let start = position
            switch current.kind {
            case .eof:
                if !ends.isEmpty {
                    let names = ends.sorted().map { "'\($0)'" }.joined(separator: " or ")
                    throw syntax("Unexpected end of template. Jinja was looking for the following tags: \(names).")
                }
                return (body, nil)
            case .text(let t):
                body.append(JinjaStatement(kind: .text(t), position: start))
                advance()
            case .variableBegin:
                advance()
                let e = try parseTuple(withCondition: true)
                guard current.kind == .variableEnd else {
                    throw syntax("expected end of print statement, got \(describe(current.kind))")
                }
                advance()
                body.append(JinjaStatement(kind: .output(e), position: start))
            case .blockBegin:
                advance()
                guard case .name(let tag) = current.kind else { throw syntax("tag name expected") }
                if ends.contains(tag) { return (body, (tag, position)) }
                body.append(try parseStatement(tag, at: start))
            default:
                throw syntax("unexpected \(describe(current.kind))")
            }
        }
    }

    mutating func parseStatement(_ tag: String, at start: SourcePosition) throws(ChatTemplateError) -> JinjaStatement {
        advance()  // the tag name
        switch tag {
        case "if": return try parseIf(at: start)
        case "for": return try parseFor(at: start)
        case "set": return try parseSet(at: start)
        case "macro": return try parseMacro(at: start)
        case "print":
            let e = try parseTuple(withCondition: true)
            try expectBlockEnd()
            return JinjaStatement(kind: .output(e), position: start)
        case "break", "continue":
            guard loopDepth > 0 else { throw syntax("'\(tag)' outside loop", at: start) }
            try expectBlockEnd()
            return JinjaStatement(kind: tag == "break" ? .breakLoop : .continueLoop, position: start)
        case "generation":
            try expectBlockEnd()
            let (body, _) = try parseBody(until: ["endgeneration"])
            advance()
            try expectBlockEnd()
            return JinjaStatement(kind: .block(body), position: start)
        default:
            if Self.unsupportedTags.contains(tag) {
                throw .unsupported(construct: "the '{% \(tag) %}' tag", line: start.line, column: start.column)
            }
            throw syntax("Encountered unknown tag '\(tag)'.", at: start)
        }
    }

    mutating func parseIf(at start: SourcePosition) throws(ChatTemplateError) -> JinjaStatement {
        var branches: [JinjaBranch] = []
        var otherwise: [JinjaStatement]? = nil
        var condition = try parseTuple(withCondition: false)
        while true {
            try expectBlockEnd()
            let (body, end) = try parseBody(until: ["elif", "else", "endif"])
            branches.append(JinjaBranch(condition: condition, body: body))
            advance()
            switch end?.name {
            case "elif":
                condition = try parseTuple(withCondition: false)
            case "else":
                try expectBlockEnd()
                let (elseBody, _) = try parseBody(until: ["endif"])
                advance()
                otherwise = elseBody
                try expectBlockEnd()
                return JinjaStatement(kind: .conditional(branches, otherwise: otherwise), position: start)
            default:
                try expectBlockEnd()
                return JinjaStatement(kind: .conditional(branches, otherwise: otherwise), position: start)
            }
        }
    }

    mutating func parseFor(at start: SourcePosition) throws(ChatTemplateError) -> JinjaStatement {
        let target = try parseAssignTarget(allowNamespace: false, until: ["in"])
        try expectKeyword("in")
        let iterable = try parseTuple(withCondition: false, until: ["recursive"])
        var filter: JinjaExpression? = nil
        if skipName("if") { filter = try parseExpression() }
        if isName("recursive") {
            throw .unsupported(construct: "recursive for loops", line: position.line, column: position.column)
        }
        try expectBlockEnd()
        loopDepth += 1
        let (body, end) = try parseBody(until: ["endfor", "else"])
        loopDepth -= 1
        advance()
        var otherwise: [JinjaStatement]? = nil
        if end?.name == "else" {
            try expectBlockEnd()
            let (elseBody, _) = try parseBody(until: ["endfor"])
            advance()
            otherwise = elseBody
        }
        try expectBlockEnd()
        let loop = JinjaLoop(target: target, iterable: iterable, filter: filter, body: body, otherwise: otherwise)
        return JinjaStatement(kind: .loop(loop), position: start)
    }

    mutating func parseSet(at start: SourcePosition) throws(ChatTemplateError) -> JinjaStatement {
        let target = try parseAssignTarget(allowNamespace: true, until: [])
        if skipOp("=") {
            let value = try parseTuple(withCondition: true)
            try expectBlockEnd()
            return JinjaStatement(kind: .assign(target, value), position: start)
        }
        var filters: [JinjaFilterCall] = []
        while isOp("|") {
            advance()
            filters.append(try parseFilterCall())
        }
        try expectBlockEnd()
        let (body, _) = try parseBody(until: ["endset"])
        advance()
        try expectBlockEnd()
        return JinjaStatement(kind: .assignBlock(target, filters: filters, body: body), position: start)
    }

    mutating func parseMacro(at start: SourcePosition) throws(ChatTemplateError) -> JinjaStatement {
        let name = try expectName()
        try expectOp("(")
        var parameters: [JinjaParameter] = []
        while !isOp(")") {
            if !parameters.isEmpty { try expectOp(",") }
            if isOp(")") { break }
            let p = try expectName()
            var defaultValue: JinjaExpression? = nil
            if skipOp("=") { defaultValue = try parseExpression() }
            else if parameters.contains(where: { $0.defaultValue != nil }) {
                throw syntax("non-default argument follows default argument")
            }
            parameters.append(JinjaParameter(name: p, defaultValue: defaultValue))
        }
        advance()
        try expectBlockEnd()
        let savedLoops = loopDepth
        loopDepth = 0
        let (body, _) = try parseBody(until: ["endmacro"])
        loopDepth = savedLoops
        advance()
        try expectBlockEnd()
        return JinjaStatement(kind: .macro(JinjaMacroDefinition(name: name, parameters: parameters, body: body)), position: start)
    }

    /// `name`, `a, b` or `ns.attr` (only where `allowNamespace`).
    mutating func parseAssignTarget(allowNamespace: Bool, until ends: Set<String>) throws(ChatTemplateError) -> JinjaTarget {
        let first = try expectName()
        if allowNamespace, skipOp(".") {
            return .namespaceAttribute(first, try expectName())
        }
        var names = [first]
        var isTuple = false
        while skipOp(",") {
            isTuple = true
            if case .name(let n) = current.kind, !ends.contains(n) {
                names.append(n)
                advance()
            } else {
                break
            }
        }
        return isTuple ? .tuple(names) : .name(first)
    }
}
