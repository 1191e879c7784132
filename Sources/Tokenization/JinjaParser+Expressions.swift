// Expressions, with jinja2's precedence (loosest first):
//   a if c else b  <  or  <  and  <  not  <  comparisons, in, not in  <  + -  <  ~  <  * / // %
//   <  **  <  unary - +  <  filters `|`, tests `is`, calls  <  . [] postfix  <  literals, names

extension JinjaParser {
    private func expression(_ kind: JinjaExpression.Kind, _ p: SourcePosition) -> JinjaExpression {
        JinjaExpression(kind: kind, position: p)
    }

    /// An expression, or a tuple when commas separate several (`{{ a, b }}`, `set x = 1, 2`).
    /// Stops before the names in `ends` (`for x in y recursive`).
    mutating func parseTuple(withCondition: Bool, until ends: Set<String> = [], explicitParentheses: Bool = false)
        throws(ChatTemplateError) -> JinjaExpression
    {
        let start = position
        var items: [JinjaExpression] = []
        var isTuple = false
        while true {
            if !items.isEmpty { try expectOp(",") }
            if isTupleEnd(ends) { break }
            items.append(withCondition ? try parseExpression() : try parseOr())
            if isOp(",") { isTuple = true } else { break }
        }
        if !isTuple {
            if let only = items.first { return only }
            if !explicitParentheses { throw syntax("Expected an expression, got \(describe(current.kind))") }
        }
        return expression(.tuple(items), start)
    }

    private func isTupleEnd(_ ends: Set<String>) -> Bool {
        switch current.kind {
        case .variableEnd, .blockEnd, .eof: return true
        case .op(")"): return true
        case .name(let n): return ends.contains(n)
        default: return false
        }
    }

    /// `a if c else b`, where `else` is optional.
    mutating func parseExpression() throws(ChatTemplateError) -> JinjaExpression {
        try enter()
        defer { leave() }
        let start = position
        var result = try parseOr()
        while skipName("if") {
            let condition = try parseOr()
            let otherwise = skipName("else") ? try parseExpression() : nil
            result = expression(.conditional(condition: condition, then: result, otherwise: otherwise), start)
        }
        return result
    }

    mutating func parseOr() throws(ChatTemplateError) -> JinjaExpression {
        let start = position
        var left = try parseAnd()
        var links = 0
        defer { depth -= links }
        while skipName("or") {
            try enter(); links += 1
            left = expression(.or(left, try parseAnd()), start)
        }
        return left
    }

    mutating func parseAnd() throws(ChatTemplateError) -> JinjaExpression {
        let start = position
        var left = try parseNot()
        var links = 0
        defer { depth -= links }
        while skipName("and") {
            try enter(); links += 1
            left = expression(.and(left, try parseNot()), start)
        }
        return left
    }

    mutating func parseNot() throws(ChatTemplateError) -> JinjaExpression {
        let start = position
        if skipName("not") {
            try enter()
            defer { leave() }
            return expression(.not(try parseNot()), start)
        }
        return try parseCompare()
    }

    mutating func parseCompare() throws(ChatTemplateError) -> JinjaExpression {
        let start = position
        let left = try parseMath1()
        var comparisons: [JinjaComparison] = []
        var links = 0
        defer { depth -= links }
        while true {
            try enter(); links += 1
            if case .op(let o) = current.kind, let op = JinjaCompareOperator(rawValue: o), op != .isIn, op != .notIn {
                advance()
                comparisons.append(JinjaComparison(op: op, operand: try parseMath1()))
            } else if skipName("in") {
                comparisons.append(JinjaComparison(op: .isIn, operand: try parseMath1()))
            } else if isName("not"), index + 1 < tokens.count, tokens[index + 1].kind == .name("in") {
                advance()
                advance()
                comparisons.append(JinjaComparison(op: .notIn, operand: try parseMath1()))
            } else {
                break
            }
        }
        return comparisons.isEmpty ? left : expression(.compare(left, comparisons), start)
    }

    private mutating func parseBinary(_ ops: [String], next: (inout JinjaParser) throws(ChatTemplateError) -> JinjaExpression)
        throws(ChatTemplateError) -> JinjaExpression
    {
        let start = position
        var left = try next(&self)
        // Each operand deepens the (left-leaning) tree; count it so long chains stay bounded.
        var links = 0
        defer { depth -= links }
        while case .op(let o) = current.kind, ops.contains(o) {
            try enter(); links += 1
            advance()
            let right = try next(&self)
            left = expression(.binary(JinjaBinaryOperator(rawValue: o)!, left, right), start)
        }
        return left
    }

    mutating func parseMath1() throws(ChatTemplateError) -> JinjaExpression {
        try parseBinary(["+", "-"]) { (p: inout JinjaParser) throws(ChatTemplateError) in try p.parseConcat() }
    }

    mutating func parseConcat() throws(ChatTemplateError) -> JinjaExpression {
        try parseBinary(["~"]) { (p: inout JinjaParser) throws(ChatTemplateError) in try p.parseMath2() }
    }

    mutating func parseMath2() throws(ChatTemplateError) -> JinjaExpression {
        try parseBinary(["*", "/", "//", "%"]) { (p: inout JinjaParser) throws(ChatTemplateError) in try p.parsePower() }
    }

    /// `**` is left-associative in jinja2 (`2 ** 3 ** 2` is 64).
    mutating func parsePower() throws(ChatTemplateError) -> JinjaExpression {
        try parseBinary(["**"]) { (p: inout JinjaParser) throws(ChatTemplateError) in try p.parseUnary(withFilter: true) }
    }

    /// Unary minus binds tighter than `**` but looser than filters: `-x | abs` is `(-x) | abs`.
    mutating func parseUnary(withFilter: Bool) throws(ChatTemplateError) -> JinjaExpression {
        try enter()
        defer { leave() }
        let start = position
        var node: JinjaExpression
        if skipOp("-") {
            node = expression(.negate(try parseUnary(withFilter: false)), start)
        } else if skipOp("+") {
            node = expression(.plus(try parseUnary(withFilter: false)), start)
        } else {
            node = try parsePrimary()
        }
        node = try parsePostfix(node)
        if withFilter { node = try parseFilterExpression(node) }
        return node
    }

    mutating func parsePrimary() throws(ChatTemplateError) -> JinjaExpression {
        let start = position
        switch current.kind {
        case .name(let n):
            advance()
            switch n {
            case "true", "True": return expression(.constant(.bool(true)), start)
            case "false", "False": return expression(.constant(.bool(false)), start)
            case "none", "None": return expression(.constant(.none), start)
            default: return expression(.name(n), start)
            }
        case .string(let s):
            advance()
            var text = s
            while case .string(let more) = current.kind { text += more; advance() }  // 'a' 'b' is 'ab'
            return expression(.constant(.string(text)), start)
        case .integer(let i):
            advance()
            return expression(.constant(.int(i)), start)
        case .float(let d):
            advance()
            return expression(.constant(.double(d)), start)
        case .op("("):
            advance()
            let e = try parseTuple(withCondition: true, explicitParentheses: true)
            try expectOp(")")
            return e
        case .op("["):
            advance()
            var items: [JinjaExpression] = []
            while !isOp("]") {
                if !items.isEmpty { try expectOp(",") }
                if isOp("]") { break }
                items.append(try parseExpression())
            }
            advance()
            return expression(.list(items), start)
        case .op("{"):
            advance()
            var entries: [JinjaDictEntry] = []
            while !isOp("}") {
                if !entries.isEmpty { try expectOp(",") }
                if isOp("}") { break }
                let key = try parseExpression()
                try expectOp(":")
                entries.append(JinjaDictEntry(key: key, value: try parseExpression()))
            }
            advance()
            return expression(.dict(entries), start)
        default:
            throw syntax("unexpected \(describe(current.kind))")
        }
    }

    /// `.name`, `.0`, `[...]` and calls after a primary.
    mutating func parsePostfix(_ base: JinjaExpression) throws(ChatTemplateError) -> JinjaExpression {
        var node = base
        var links = 0
        defer { depth -= links }
        while true {
            try enter(); links += 1
            let start = position
            if skipOp(".") {
                switch current.kind {
                case .name(let n):
                    advance()
                    node = expression(.attribute(node, n), start)
                case .integer(let i):
                    advance()
                    node = expression(.item(node, expression(.constant(.int(i)), start)), start)
                default:
                    throw syntax("expected name or number")
                }
            } else if skipOp("[") {
                var subscripts: [JinjaExpression] = []
                while !isOp("]") {
                    if !subscripts.isEmpty { try expectOp(",") }
                    subscripts.append(try parseSubscript(of: node))
                }
                advance()
                guard !subscripts.isEmpty else { throw syntax("expected a subscript", at: start) }
                if subscripts.count == 1, case .slice = subscripts[0].kind {
                    node = subscripts[0]
                } else {
                    let key = subscripts.count == 1 ? subscripts[0] : expression(.tuple(subscripts), start)
                    node = expression(.item(node, key), start)
                }
            } else if isOp("(") {
                node = expression(.call(node, try parseCallArguments()), start)
            } else {
                return node
            }
        }
    }

    /// One subscript: an expression or a slice `start:stop:step` of `base`.
    private mutating func parseSubscript(of base: JinjaExpression) throws(ChatTemplateError) -> JinjaExpression {
        let start = position
        var lower: JinjaExpression? = nil
        if !isOp(":") {
            let e = try parseExpression()
            guard isOp(":") else { return e }
            lower = e
        }
        advance()
        var upper: JinjaExpression? = nil
        var step: JinjaExpression? = nil
        if !isOp("]"), !isOp(","), !isOp(":") { upper = try parseExpression() }
        if skipOp(":"), !isOp("]"), !isOp(",") { step = try parseExpression() }
        return expression(.slice(base, start: lower, stop: upper, step: step), start)
    }

    /// `(a, b, key=value)`.
    mutating func parseCallArguments() throws(ChatTemplateError) -> [JinjaArgument] {
        try expectOp("(")
        var arguments: [JinjaArgument] = []
        while !isOp(")") {
            if !arguments.isEmpty { try expectOp(",") }
            if isOp(")") { break }
            if isOp("*") || isOp("**") {
                throw .unsupported(construct: "*args / **kwargs in calls", line: position.line, column: position.column)
            }
            if case .name(let n) = current.kind, index + 1 < tokens.count, tokens[index + 1].kind == .op("=") {
                advance()
                advance()
                arguments.append(JinjaArgument(name: n, value: try parseExpression()))
            } else {
                if arguments.contains(where: { $0.name != nil }) { throw syntax("positional argument follows keyword argument") }
                arguments.append(JinjaArgument(name: nil, value: try parseExpression()))
            }
        }
        advance()
        return arguments
    }

    /// Filters, tests and calls after a unary expression.
    mutating func parseFilterExpression(_ base: JinjaExpression) throws(ChatTemplateError) -> JinjaExpression {
        var node = base
        var links = 0
        defer { depth -= links }
        while true {
            try enter(); links += 1
            let start = position
            if skipOp("|") {
                let call = try parseFilterCall()
                node = expression(.filter(node, name: call.name, call.arguments), call.position)
            } else if skipName("is") {
                let negated = skipName("not")
                let namePosition = position
                let name = try parseDottedName()
                guard JinjaTestFunctions.names.contains(name) else {
                    throw .unsupported(construct: "the test '\(name)'", line: namePosition.line, column: namePosition.column)
                }
                var arguments: [JinjaArgument] = []
                if isOp("(") {
                    arguments = try parseCallArguments()
                } else if startsBareTestArgument() {
                    if isName("is") { throw syntax("You cannot chain multiple tests with is") }
                    arguments = [JinjaArgument(name: nil, value: try parsePostfix(try parsePrimary()))]
                }
                node = expression(.test(node, name: name, arguments, negated: negated), start)
            } else if isOp("(") {
                node = expression(.call(node, try parseCallArguments()), start)
            } else {
                return node
            }
        }
    }

    /// Whether a test's single argument follows without parentheses (`x is divisibleby 3`).
    private func startsBareTestArgument() -> Bool {
        switch current.kind {
        case .name(let n): return !["else", "or", "and"].contains(n)
        case .string, .integer, .float, .op("("), .op("["), .op("{"): return true
        default: return false
        }
    }

    private mutating func parseDottedName() throws(ChatTemplateError) -> String {
        var name = try expectName()
        while skipOp(".") { name += "." + (try expectName()) }
        return name
    }

    /// `name` or `name(args)` after a `|`.
    mutating func parseFilterCall() throws(ChatTemplateError) -> JinjaFilterCall {
        let start = position
        let name = try parseDottedName()
        guard JinjaFilters.names.contains(name) else {
            throw .unsupported(construct: "the filter '\(name)'", line: start.line, column: start.column)
        }
        let arguments = isOp("(") ? try parseCallArguments() : []
        return JinjaFilterCall(name: name, arguments: arguments, position: start)
    }
}
