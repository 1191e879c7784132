import Testing
@testable import Tokenization

/// Bad templates and hostile input give a typed error that says what and where — never a crash,
/// never silently wrong output.
@Suite struct ChatTemplateErrorTests {
    func parseError(_ source: String) -> ChatTemplateError? {
        do {
            _ = try ChatTemplate(source: source)
            return nil
        } catch {
            return error
        }
    }

    func renderError(_ source: String, _ context: [String: TemplateValue] = [:]) -> ChatTemplateError? {
        do {
            _ = try ChatTemplate(source: source).render(context: context)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("hello\n  {% extends 'base.html' %}", "the '{% extends %}' tag", 2, 3),
        ("{% include 'x' %}", "the '{% include %}' tag", 1, 1),
        ("{% import 'x' as y %}", "the '{% import %}' tag", 1, 1),
        ("{% from 'x' import y %}", "the '{% from %}' tag", 1, 1),
        ("a\nb\n{% block body %}{% endblock %}", "the '{% block %}' tag", 3, 1),
        ("{% filter upper %}x{% endfilter %}", "the '{% filter %}' tag", 1, 1),
        ("{% with a = 1 %}{% endwith %}", "the '{% with %}' tag", 1, 1),
        ("{% call m() %}x{% endcall %}", "the '{% call %}' tag", 1, 1),
        ("{% autoescape true %}{% endautoescape %}", "the '{% autoescape %}' tag", 1, 1),
        ("x {{ name | wordwrap(10) }}", "the filter 'wordwrap'", 1, 13),
        ("{% if x is prime %}{% endif %}", "the test 'prime'", 1, 12),
        ("{% for x in y recursive %}{% endfor %}", "recursive for loops", 1, 15),
        ("{{ f(*args) }}", "*args / **kwargs in calls", 1, 6),
        ("{{ 99999999999999999999 }}", "an integer literal beyond 64 bits", 1, 4),
    ])
    func unsupportedConstructsAreNamedWithPosition(_ source: String, _ construct: String, _ line: Int, _ column: Int) {
        #expect(parseError(source) == .unsupported(construct: construct, line: line, column: column))
    }

    @Test(arguments: [
        ("text {{ name", 1, 6),
        ("{% if x %}\nyes", 2, 4),
        ("{% for m in messages %}{{ m }}", 1, 31),
        ("line\n{# never closed", 2, 1),
        ("{{ 'unterminated }}", 1, 4),
        ("{% raw %}never closed", 1, 1),
        ("{{ x }", 1, 6),
        ("{% endif %}", 1, 1),
        ("{% frobnicate %}", 1, 1),
        ("{% break %}", 1, 1),
        ("{{ 1 + }}", 1, 8),
        ("{{ '\\x4' }}", 1, 4),
    ])
    func malformedTemplatesAreSyntaxErrors(_ source: String, _ line: Int, _ column: Int) {
        guard case .syntax(_, let l, let c)? = parseError(source) else {
            Issue.record("expected a syntax error for \(source), got \(String(describing: parseError(source)))")
            return
        }
        #expect((l, c) == (line, column), "\(source)")
    }

    @Test func raiseExceptionMessageSurfaces() {
        let source = "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
        #expect(renderError(source, ["messages": [["role": "system", "content": "x"]]]) == .raised(message: "System role not supported"))
        #expect(renderError("{{ raise_exception('n=' ~ 3) }}") == .raised(message: "n=3"))
        #expect(ChatTemplateError.raised(message: "bad").description.contains("bad"))
    }

    @Test func runtimeErrorsCarryTheirPosition() {
        #expect(renderError("first line\n  {{ 1 / 0 }}") ==
            .runtime(message: "ZeroDivisionError: division by zero", line: 2, column: 6))
        guard case .runtime(let message, 3, _)? = renderError("a\nb\n{{ missing.attribute }}") else {
            Issue.record("expected a runtime error on line 3")
            return
        }
        #expect(message.contains("'missing' is undefined"))
        // Integers beyond 64 bits: Python would switch to a big integer; Tern refuses rather than wrap.
        guard case .runtime(let overflow, 1, _)? = renderError("{{ 9223372036854775807 + 1 }}") else {
            Issue.record("expected an overflow error")
            return
        }
        #expect(overflow.contains("OverflowError"))
    }

    @Test(arguments: [
        String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000),
        String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000),
        String(repeating: "not ", count: 5000) + "x",
        String(repeating: "- ", count: 5000) + "1",
        "1" + String(repeating: " + 1", count: 5000),
        "x" + String(repeating: " | trim", count: 5000),
        "x" + String(repeating: ".a", count: 5000),
        "a" + String(repeating: " if b else a", count: 5000),
    ])
    func deeplyNestedExpressionsAreRefused(_ expression: String) {
        guard case .tooDeep? = parseError("{{ " + expression + " }}") else {
            Issue.record("expected .tooDeep for \(expression.prefix(20))…")
            return
        }
    }

    @Test func deeplyNestedBlocksAreRefused() {
        let source = String(repeating: "{% if true %}", count: 3000) + "x" + String(repeating: "{% endif %}", count: 3000)
        guard case .tooDeep? = parseError(source) else {
            Issue.record("expected .tooDeep")
            return
        }
    }

    @Test func runawayMacroRecursionIsRefused() {
        guard case .tooDeep? = renderError("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}") else {
            Issue.record("expected .tooDeep")
            return
        }
    }

    @Test func deeplyNestedValuesAreRefused() throws {
        // Built by the template itself: printing or serialising it fails cleanly.
        let build = "{% set ns = namespace(x=[]) %}{% for i in range(2000) %}{% set ns.x = [ns.x] %}{% endfor %}"
        guard case .runtime(let m, _, _)? = renderError(build + "{{ ns.x }}") else {
            Issue.record("expected a runtime error")
            return
        }
        #expect(m.contains("RecursionError"))
        guard case .runtime? = renderError(build + "{{ ns.x | tojson }}") else {
            Issue.record("expected a runtime error")
            return
        }
        // Given as JSON input.
        #expect(throws: ChatTemplateError.self) { try TemplateValue(json: String(repeating: "[", count: 100_000)) }
        #expect(throws: ChatTemplateError.self) { try TemplateValue(json: String(repeating: "{\"a\":", count: 100_000)) }
    }

    @Test func hugeInputRendersWithoutTrouble() throws {
        let big = String(repeating: "lorem ipsum dolor sit amet ", count: 100_000)  // ~2.7 MB
        let template = try ChatTemplate.builtin(named: "gemma3")
        var messages: [ChatMessage] = []
        for i in 0..<500 { messages.append(i % 2 == 0 ? .user("question \(i)") : .assistant("answer \(i)")) }
        messages.append(.user(big))
        let text = try template.render(messages: messages, addGenerationPrompt: true)
        #expect(text.hasSuffix("<end_of_turn>\n<start_of_turn>model\n"))
        #expect(text.utf8.count > big.utf8.count)

        let longSource = String(repeating: "{{ 'x' }}{% if true %}y{% endif %}\n", count: 20_000)
        // trim_blocks eats the newline after each `%}`: "xy" per line.
        #expect(try ChatTemplate(source: longSource).render(context: [:]) == String(repeating: "xy", count: 20_000))

        #expect(renderError("{{ 'x' * 100000000 }}") != nil)
        #expect(renderError("{{ range(100001) | length }}") != nil)
    }

    @Test func errorsDescribeThemselves() {
        let e = ChatTemplateError.unsupported(construct: "the '{% include %}' tag", line: 3, column: 7)
        #expect(e.description == "chat template uses the '{% include %}' tag at line 3, column 7, which Tern does not support")
        #expect(ChatTemplateError.syntax(message: "x", line: 1, column: 2).description.contains("line 1, column 2"))
    }
}
