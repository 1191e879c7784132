// The parsed form of a template: statements and expressions, each with its source position.

/// An expression with the position of its first token (for error messages).
struct JinjaExpression: Sendable {
    var kind: Kind
    var position: SourcePosition

    indirect enum Kind: Sendable {
        case constant(JinjaConstant)
        case name(String)
        case list([JinjaExpression])
        case tuple([JinjaExpression])
        case dict([JinjaDictEntry])
        /// `a.b`
        case attribute(JinjaExpression, String)
        /// `a[b]`
        case item(JinjaExpression, JinjaExpression)
        /// `a[start:stop:step]`
        case slice(JinjaExpression, start: JinjaExpression?, stop: JinjaExpression?, step: JinjaExpression?)
        /// `f(args)`
        case call(JinjaExpression, [JinjaArgument])
        /// `value | name(args)`
        case filter(JinjaExpression, name: String, [JinjaArgument])
        /// `value is name(args)` (negated: `is not`)
        case test(JinjaExpression, name: String, [JinjaArgument], negated: Bool)
        case negate(JinjaExpression)
        case plus(JinjaExpression)
        case not(JinjaExpression)
        case binary(JinjaBinaryOperator, JinjaExpression, JinjaExpression)
        case and(JinjaExpression, JinjaExpression)
        case or(JinjaExpression, JinjaExpression)
        /// Chained comparison `a < b <= c` (Python semantics).
        case compare(JinjaExpression, [JinjaComparison])
        /// `then if condition else otherwise` (`otherwise` nil: undefined when false)
        case conditional(condition: JinjaExpression, then: JinjaExpression, otherwise: JinjaExpression?)
    }
}

struct JinjaDictEntry: Sendable {
    var key: JinjaExpression
    var value: JinjaExpression
}

struct JinjaComparison: Sendable {
    var op: JinjaCompareOperator
    var operand: JinjaExpression
}

enum JinjaConstant: Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
}

/// A call argument: positional when `name` is nil, keyword otherwise.
struct JinjaArgument: Sendable {
    var name: String?
    var value: JinjaExpression
}

enum JinjaBinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%", power = "**"
    case concat = "~"
}

enum JinjaCompareOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case isIn = "in", notIn = "not in"
}

/// A statement with the position of its tag.
struct JinjaStatement: Sendable {
    var kind: Kind
    var position: SourcePosition

    indirect enum Kind: Sendable {
        case text(String)
        case output(JinjaExpression)
        /// `if`/`elif` branches in order, then the optional `else` body.
        case conditional([JinjaBranch], otherwise: [JinjaStatement]?)
        case loop(JinjaLoop)
        case assign(JinjaTarget, JinjaExpression)
        /// `{% set name | filters %}body{% endset %}`; the filters apply to the rendered body.
        case assignBlock(JinjaTarget, filters: [JinjaFilterCall], body: [JinjaStatement])
        case macro(JinjaMacroDefinition)
        case breakLoop
        case continueLoop
        /// A body rendered as is (`{% generation %}` from transformers' AssistantTracker).
        case block([JinjaStatement])
    }
}

struct JinjaBranch: Sendable {
    var condition: JinjaExpression
    var body: [JinjaStatement]
}

struct JinjaLoop: Sendable {
    var target: JinjaTarget
    var iterable: JinjaExpression
    var filter: JinjaExpression?
    var body: [JinjaStatement]
    var otherwise: [JinjaStatement]?
}

/// What `set` and `for` assign to.
enum JinjaTarget: Sendable {
    case name(String)
    case tuple([String])
    /// `ns.attribute`
    case namespaceAttribute(String, String)
}

struct JinjaFilterCall: Sendable {
    var name: String
    var arguments: [JinjaArgument]
    var position: SourcePosition
}

struct JinjaMacroDefinition: Sendable {
    var name: String
    var parameters: [JinjaParameter]
    var body: [JinjaStatement]
}

struct JinjaParameter: Sendable {
    var name: String
    var defaultValue: JinjaExpression?
}
