/// Everything that can go wrong while parsing or rendering a chat template, or reading the JSON
/// that feeds one. Lines and columns are 1-based and count Unicode scalars in the template source.
public enum ChatTemplateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The template is not valid Jinja (unterminated tag, unexpected token, missing `endfor`, ...).
    case syntax(message: String, line: Int, column: Int)
    /// Valid Jinja that this interpreter deliberately does not implement (`{% extends %}`,
    /// `{% include %}`, an unknown filter or test, ...). `construct` names it.
    case unsupported(construct: String, line: Int, column: Int)
    /// An error while rendering that jinja2 would raise too (a type error, an undefined value used
    /// where a value is needed, division by zero, ...).
    case runtime(message: String, line: Int, column: Int)
    /// The template called `raise_exception(message)`, as HF templates do to reject a conversation.
    case raised(message: String)
    /// Nesting deeper than `limit` (expressions, blocks, macro calls or values): refused instead of
    /// exhausting the stack.
    case tooDeep(limit: Int, line: Int, column: Int)
    /// Malformed JSON given to `TemplateValue(json:)`; `offset` is the UTF-8 byte offset.
    case invalidJSON(message: String, offset: Int)
    /// A message or value that does not have the shape a chat message needs.
    case invalidMessage(String)
    /// A model file with no chat template and no built-in fallback for its family.
    case noTemplate(String)

    /// A readable message with the position, for logs and CLI output.
    public var description: String {
        switch self {
        case .syntax(let message, let line, let column):
            return "chat template syntax error at line \(line), column \(column): \(message)"
        case .unsupported(let construct, let line, let column):
            return "chat template uses \(construct) at line \(line), column \(column), which Tern does not support"
        case .runtime(let message, let line, let column):
            return "chat template error at line \(line), column \(column): \(message)"
        case .raised(let message):
            return "chat template raised an exception: \(message)"
        case .tooDeep(let limit, let line, let column):
            return "chat template nests deeper than \(limit) levels at line \(line), column \(column)"
        case .invalidJSON(let message, let offset):
            return "invalid JSON at byte \(offset): \(message)"
        case .invalidMessage(let message):
            return "invalid chat message: \(message)"
        case .noTemplate(let message):
            return "no chat template: \(message)"
        }
    }
}

/// A position in a template's source (1-based line and column, in Unicode scalars).
struct SourcePosition: Sendable, Equatable {
    var line: Int
    var column: Int
    static let unknown = SourcePosition(line: 0, column: 0)
}

/// A rendering failure raised by value-level helpers (operators, filters, methods) that do not
/// know where in the template they were called; the interpreter adds the position.
struct JinjaFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Nesting limits that keep deep input from overflowing the stack.
enum JinjaLimits {
    /// Nesting accepted by the parser (each parenthesis level, operand in a chain, block, ... counts).
    static let parseDepth = 300
    /// Nested evaluation (expressions, statements, macro calls) while rendering.
    static let renderDepth = 400
    /// Nesting of values walked by `str()`, `tojson`, `==` and the JSON reader.
    static let valueDepth = 500
    /// Largest `range()`, as jinja2's sandbox allows (MAX_RANGE).
    static let maxRange = 100_000
}
