import Foundation
import Testing
@testable import Tokenization

/// Golden fixtures written by scripts/fixtures/make_chat_template_fixtures.py (jinja2 configured as
/// HF transformers configures it).
enum ChatTemplateFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/chat_templates")

    /// The real-template fixtures (every JSON file but the feature list).
    static let templateNames: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") && !$0.hasPrefix("jinja_") }
            .map { String($0.dropLast(5)) }.sorted()
    }()

    static func load(_ name: String) throws -> TemplateValue {
        let text = try String(contentsOf: directory.appendingPathComponent(name + ".json"), encoding: .utf8)
        return try TemplateValue(json: text)
    }

    /// The variables the fixture script passed to jinja2 for one case (as `apply_chat_template` does).
    static func context(_ c: TemplateValue, bos: TemplateValue?, eos: TemplateValue?) -> [String: TemplateValue] {
        var context: [String: TemplateValue] = [
            "messages": c["messages"]!, "tools": c["tools"] ?? .null, "documents": .null,
            "add_generation_prompt": c["add_generation_prompt"]!,
        ]
        if let bos, !bos.isNull { context["bos_token"] = bos }
        if let eos, !eos.isNull { context["eos_token"] = eos }
        for (k, v) in c["extra"]?.objectValue ?? [:] { context[k] = v }
        return context
    }

    /// Where two strings first differ, for readable failures.
    static func firstDifference(_ a: String, _ b: String) -> String {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        var i = 0
        while i < min(x.count, y.count), x[i] == y[i] { i += 1 }
        func around(_ s: [Unicode.Scalar]) -> String {
            PythonText.repr(PythonText.string(s[max(0, i - 30)..<min(s.count, i + 30)]))
        }
        return "first difference at scalar \(i): got \(around(x)) expected \(around(y))"
    }
}

/// The outcome of one render, comparable with a fixture case.
enum RenderOutcome: Equatable {
    case text(String)
    case raised(String)
    case failed(String)

    init(_ body: () throws(ChatTemplateError) -> String) {
        do {
            self = .text(try body())
        } catch {
            if case .raised(let message) = error { self = .raised(message) } else { self = .failed(error.description) }
        }
    }

    /// Whether this matches the fixture's `expected` or `error`; a non-raised jinja2 error only
    /// needs some error here (messages differ between Python and Tern).
    func matches(_ c: TemplateValue) -> Bool {
        if let expected = c["expected"]?.stringValue {
            if case .text(let t) = self { return PythonText.equal(t, expected) }
            return false
        }
        let error = c["error"]!
        if error["raised"] == .bool(true) {
            return self == .raised(error["message"]!.stringValue!)
        }
        if case .text = self { return false }
        return true
    }

    func explain(against c: TemplateValue) -> String {
        switch (self, c["expected"]?.stringValue) {
        case (.text(let t), let expected?): return ChatTemplateFixtures.firstDifference(t, expected)
        case (_, let expected?): return "expected \(PythonText.repr(expected)), got \(self)"
        default: return "expected error \(c["error"]!.jsonString()), got \(self)"
        }
    }
}

@Suite struct ChatTemplateFixtureTests {
    @Test func fixturesArePresent() {
        #expect(ChatTemplateFixtures.templateNames.count >= 16)
    }

    /// Every case of every real template renders byte for byte as jinja2 does (or fails where it fails).
    @Test(arguments: ChatTemplateFixtures.templateNames)
    func rendersLikeJinja2(_ name: String) throws {
        let fixture = try ChatTemplateFixtures.load(name)
        let template = try ChatTemplate(source: fixture["template"]!.stringValue!)
        let cases = fixture["cases"]!.arrayValue!
        #expect(cases.count >= 15)
        var rendered = 0
        for c in cases {
            let context = ChatTemplateFixtures.context(c, bos: fixture["bos_token"], eos: fixture["eos_token"])
            let outcome = RenderOutcome { () throws(ChatTemplateError) in try template.render(context: context) }
            #expect(outcome.matches(c), "\(name)/\(c["id"]!.stringValue!): \(outcome.explain(against: c))")
            if case .text = outcome { rendered += 1 }
        }
        #expect(rendered >= 15, "\(name): only \(rendered) successful renders")
    }

    /// The same cases through the typed API (`ChatMessage`), wherever the messages have its shape.
    @Test(arguments: ChatTemplateFixtures.templateNames)
    func rendersChatMessagesLikeJinja2(_ name: String) throws {
        let fixture = try ChatTemplateFixtures.load(name)
        let template = try ChatTemplate(source: fixture["template"]!.stringValue!,
                                        bosToken: fixture["bos_token"]?.stringValue, eosToken: fixture["eos_token"]?.stringValue)
        var typed = 0
        for c in fixture["cases"]!.arrayValue! {
            let raw = c["messages"]!.arrayValue!
            guard let messages = try? raw.map(ChatMessage.init(from:)), messages.map(\.templateValue) == raw else { continue }
            typed += 1
            var extra: [String: TemplateValue] = [:]
            for (k, v) in c["extra"]?.objectValue ?? [:] { extra[k] = v }
            let outcome = RenderOutcome { () throws(ChatTemplateError) in
                try template.render(messages: messages, tools: c["tools"]?.arrayValue,
                                    addGenerationPrompt: c["add_generation_prompt"]!.boolValue!, extra: extra)
            }
            #expect(outcome.matches(c), "\(name)/\(c["id"]!.stringValue!): \(outcome.explain(against: c))")
        }
        #expect(typed >= 15)
    }

    /// The built-in Gemma 3 template renders exactly what the official Gemma 3 template renders.
    @Test func builtinGemma3MatchesOfficialTemplate() throws {
        let fixture = try ChatTemplateFixtures.load("gemma-3-it")
        let builtin = try ChatTemplate.builtin(named: "gemma3")
        for c in fixture["cases"]!.arrayValue! {
            let context = ChatTemplateFixtures.context(c, bos: fixture["bos_token"], eos: fixture["eos_token"])
            let outcome = RenderOutcome { () throws(ChatTemplateError) in try builtin.render(context: context) }
            #expect(outcome.matches(c), "gemma3/\(c["id"]!.stringValue!): \(outcome.explain(against: c))")
        }
    }

    /// Small templates that pin jinja2's semantics one point at a time (whitespace control,
    /// scoping, Python operators and printing, filters, tests, methods, errors), and generated
    /// ones: every whitespace-control combination and seeded random expressions.
    @Test(arguments: ["jinja_features", "jinja_generated"])
    func jinjaFeaturesMatchJinja2(_ name: String) throws {
        let fixture = try ChatTemplateFixtures.load(name)
        var failures: [String] = []
        var context: [String: TemplateValue] = [:]
        for (k, v) in fixture["context"]!.objectValue! { context[k] = v }
        for c in fixture["cases"]!.arrayValue! {
            let source = c["template"]!.stringValue!
            let outcome = RenderOutcome { () throws(ChatTemplateError) in
                try ChatTemplate(source: source).render(context: context)
            }
            if !outcome.matches(c) {
                failures.append("\(c["id"]!.stringValue!) \(PythonText.repr(source)): \(outcome.explain(against: c))")
            }
        }
        #expect(failures.isEmpty, Comment(rawValue: "\(failures.count) feature cases differ:\n" + failures.joined(separator: "\n")))
    }
}
