import Testing
@testable import Generation
import Tokenization

/// Hand-written documents, fed byte by byte: valid ones must be accepted and complete, invalid
/// ones refused somewhere (or incomplete at the end). `narrowed` documents are valid for the
/// schema but outside what the decoder generates (key order, whitespace runs, spelling of
/// literals); they must be refused too, which pins the documented subset down.
@Suite struct JSONSchemaAcceptanceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let schema: String
        var valid: [String] = []
        var invalid: [String] = []
        var narrowed: [String] = []
        var prefix = ""
        var suffix = ""
        var testDescription: String { schema }
    }

    /// Whether `doc` is accepted one byte at a time and complete at its end.
    static func accepts(_ schema: JSONSchema, _ doc: some Collection<UInt8>, prefix: String = "", suffix: String = "") -> Bool {
        var m = JSONMatcher(schema: schema, prefix: Array(prefix.utf8), suffix: Array(suffix.utf8))
        for byte in doc {
            guard m.accepts(CollectionOfOne(byte)) else { return false }
            m.advance(CollectionOfOne(byte))
        }
        return m.isComplete
    }

    static let cases: [Case] = [
        Case(schema: "{}",
             valid: ["{}", "[]", "\"x\"", "0", "-0", "1.5e10", "-2.5E-3", "true", "false", "null",
                     #"{"a": [1, {"b": null}], "c": "d"}"#, "[1,2,3]", #"{"":1}"#, "{\n  \"a\": 1\n}",
                     #""\u00e9\n\"\\\/\b\f\r\t""#, #""\ud83d\ude00""#, "\"日本語😀\"", "[[[[]]]]", "\"\u{7F}\""],
             invalid: ["", "{", "[1,]", #"{"a" 1}"#, "{,}", "01", "1.", ".5", "+1", "1e", "-", "tru", "nul", "\"a",
                       #""\x""#, #""\u12""#, #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, "\"a\nb\"", "\"\t\"",
                       #"{"a":1}}"#, "'a'", "NaN", "Infinity", "[1 2]", #"{"a":1,}"#, "{\"a\"}", "{1:2}", "[}", "{]"],
             narrowed: [" 1", "[1]\n", "[1,          2]", "1234567890123456", "0.1234567890123456", "1e0001"]),
        Case(schema: "true", valid: ["{}", "1"], invalid: ["}"]),
        Case(schema: #"{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}}},"required":["name"]}"#,
             valid: [#"{"name":"a"}"#, #"{"name": "a", "age": 3}"#, #"{"name":"a","tags":["x","y"]}"#,
                     #"{"name":"a","age":-1,"tags":[]}"#, #"{ "name" : "a" }"#, "{\n  \"name\": \"a\",\n  \"age\": 3\n}"],
             invalid: ["{}", #"{"age":3}"#, #"{"name":1}"#, #"{"name":"a","age":1.5}"#,
                       #"{"name":"a","extra":1}"#, #"{"name":"a","age":3,}"#, #"{"name":"a","tags":[1]}"#, "[]", "null"],
             narrowed: [#"{"age":3,"name":"a"}"#, #"{"name":"a","name":"b"}"#, #"{"name":"a","age":1e3}"#, #"{"na\u006de":"a"}"#]),
        Case(schema: #"{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}}}"#,
             valid: ["{}", #"{"a":1}"#, #"{"b":2}"#, #"{"a":1,"b":2}"#],
             invalid: [#"{"c":1}"#, #"{"a":1,"a":2}"#, #"{"a":"x"}"#], narrowed: [#"{"b":2,"a":1}"#]),
        Case(schema: #"{"type":"object","additionalProperties":{"type":"integer"}}"#,
             valid: ["{}", #"{"a":1}"#, #"{"a":1,"b":-2,"c d":3}"#, #"{"\u00e9":1}"#, #"{"":0}"#],
             invalid: [#"{"a":"x"}"#, #"{"a":1.5}"#, #"{"a"}"#, "{1:2}", #"{"a":1,}"#]),
        Case(schema: #"{"type":"object","additionalProperties":false}"#, valid: ["{}", "{ }"], invalid: [#"{"a":1}"#]),
        Case(schema: #"{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":true}"#,
             valid: [#"{"a":1}"#, "{}"], narrowed: [#"{"a":1,"b":2}"#]),
        Case(schema: #"{"type":"object","required":["id"]}"#,
             valid: [#"{"id":1}"#, #"{"id":{"x":[]}}"#], invalid: ["{}"], narrowed: [#"{"id":1,"x":2}"#]),
        Case(schema: #"{"type":"object"}"#, valid: ["{}", #"{"x":[1,"y",{"z":null}]}"#], invalid: ["[]", "1"]),
        Case(schema: #"{"type":"array","items":{"type":"integer"},"minItems":2,"maxItems":3}"#,
             valid: ["[1,2]", "[1, 2, 3]", "[ 1 , 2 ]", "[\n  1,\n  2\n]", "[\t1,2]"],
             invalid: ["[]", "[1]", "[1,2,3,4]", #"[1,"a"]"#, "[1,2,]", "[,1,2]"], narrowed: ["[1,         2]"]),
        Case(schema: #"{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":false}"#,
             valid: ["[]", #"["a"]"#, #"["a",1]"#], invalid: ["[1]", #"["a",1,2]"#, #"["a","b"]"#]),
        Case(schema: #"{"type":"array","prefixItems":[{"type":"string"}],"minItems":2}"#,
             valid: [#"["a",1]"#, #"["a",null,{}]"#], invalid: [#"["a"]"#, "[1,1]"]),
        Case(schema: #"{"type":"array","items":[{"type":"boolean"}],"additionalItems":false}"#,
             valid: ["[]", "[true]"], invalid: ["[true,false]", "[1]"]),
        Case(schema: #"{"type":"string","minLength":2,"maxLength":3}"#,
             valid: [#""ab""#, #""abc""#, "\"é😀\"", #""\u00e9\n""#, #""\ud83d\ude00a""#],
             invalid: [#""a""#, #""abcd""#, #""""#, "\"😀\"", #""\ud83d\ude00""#, #""ab\""#]),
        Case(schema: #"{"type":"number"}"#,
             valid: ["0", "-1", "3.14", "1e5", "1E+5", "-2.5e-3", "123456789012345", "0.5", "-0.0"],
             invalid: ["1.", "01", "--1", "1e", "1e+", "0x1", ".1", "1.5.2", "\"1\"", "-01"], narrowed: ["1.5e0001"]),
        Case(schema: #"{"type":"integer"}"#, valid: ["0", "-7", "42", "-0"], invalid: ["-", "", "1.5", "1e-3"],
             narrowed: ["1.0", "1e3"]),
        Case(schema: #"{"type":["integer","number"]}"#, valid: ["1", "1.5"]),
        Case(schema: #"{"type":["string","null"]}"#, valid: [#""a""#, "null"], invalid: ["1", "true", "nul"]),
        Case(schema: #"{"type":"boolean"}"#, valid: ["true", "false"], invalid: ["null", "1", "True"]),
        Case(schema: #"{"type":"null"}"#, valid: ["null"], invalid: ["nil", "0"]),
        Case(schema: #"{"enum":["red","green",1,12,null,{"a":[1,2]},1.5]}"#,
             valid: [#""red""#, #""green""#, "1", "12", "null", #"{"a": [1, 2]}"#, "1.5"],
             invalid: [#""blue""#, "2", "123", #""re""#, "12.0", "true", #""red ""#],
             narrowed: [#"{"a":[1,2]}"#, "1.50"]),
        Case(schema: #"{"type":"array","items":{"enum":[1,12]}}"#,
             valid: ["[1,12]", "[12, 1]", "[1]", "[]"], invalid: ["[2]", "[121]", "[1 2]"]),
        Case(schema: #"{"const":"x"}"#, valid: [#""x""#], invalid: [#""y""#, #""xx""#]),
        Case(schema: #"{"type":"string","enum":["a",1]}"#, valid: [#""a""#], invalid: ["1"]),
        Case(schema: #"{"enum":["café","a\"b"]}"#, valid: ["\"café\"", #""a\"b""#], narrowed: [#""caf\u00e9""#]),
        Case(schema: #"{"anyOf":[{"type":"object","properties":{"kind":{"const":"circle"},"r":{"type":"number"}},"required":["kind","r"]},{"type":"object","properties":{"kind":{"const":"square"},"side":{"type":"number"}},"required":["kind","side"]}]}"#,
             valid: [#"{"kind":"circle","r":1}"#, #"{"kind": "square", "side": 2.5}"#],
             invalid: [#"{"kind":"circle","side":2}"#, #"{"kind":"square","r":1}"#, #"{"kind":"triangle"}"#, "{}"]),
        Case(schema: #"{"oneOf":[{"type":"integer"},{"type":"string","maxLength":1}],"title":"T","default":1}"#,
             valid: ["1", #""a""#], invalid: [#""ab""#, "null"]),
        Case(schema: #"{"anyOf":[{"type":"array","items":{"type":"integer"}},{"type":"array","items":{"type":"string"}}]}"#,
             valid: ["[]", "[1,2]", #"["a","b"]"#], invalid: [#"[1,"a"]"#]),
        Case(schema: ##"{"$defs":{"Node":{"type":"object","properties":{"value":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/$defs/Node"}}},"required":["value"]}},"$ref":"#/$defs/Node"}"##,
             valid: [#"{"value":1}"#, #"{"value":1,"children":[{"value":2,"children":[]},{"value":3}]}"#],
             invalid: [#"{"value":1,"children":[{}]}"#, #"{"children":[]}"#]),
        Case(schema: ##"{"definitions":{"Name":{"type":"string","maxLength":2}},"type":"object","properties":{"n":{"$ref":"#/definitions/Name"}},"required":["n"]}"##,
             valid: [#"{"n":"ab"}"#], invalid: [#"{"n":"abc"}"#]),
        Case(schema: ##"{"type":"array","items":{"anyOf":[{"type":"integer"},{"$ref":"#"}]}}"##,
             valid: ["[]", "[1,[2,[]]]", "[[[[3]]]]"], invalid: [#"["a"]"#, "[[1,]]"]),
        Case(schema: #"{"allOf":[{"type":"integer"}],"description":"wrapped"}"#, valid: ["1"], invalid: ["\"1\""]),
        Case(schema: ##"{"type":"object","properties":{"a":{"$ref":"#/$defs/Endless"},"b":{"type":"integer"}},"$defs":{"Endless":{"type":"array","prefixItems":[{"$ref":"#/$defs/Endless"}],"minItems":1}}}"##,
             valid: ["{}", #"{"b":1}"#], invalid: [#"{"a":[]}"#, #"{"a":"#]),
        Case(schema: #"{"type":"object","properties":{"name":{"enum":["get_weather","get_time"]},"arguments":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},"required":["name","arguments"]}"#,
             valid: ["<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>"],
             invalid: [#"{"name":"get_time","arguments":{"city":"x"}}"#,
                       "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"city\": \"x\"}}",
                       "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"city\": \"x\"}}\n</tool_call>\n",
                       "<tool_call>\n{\"name\": \"other\", \"arguments\": {\"city\": \"x\"}}\n</tool_call>"],
             prefix: "<tool_call>\n", suffix: "\n</tool_call>"),
        // What pydantic v2 writes for a model with a nested model, an Enum and Optional fields.
        Case(schema: ##"{"$defs": {"Address": {"properties": {"street": {"title": "Street", "type": "string"}, "city": {"title": "City", "type": "string"}}, "required": ["street", "city"], "title": "Address", "type": "object"}, "Role": {"enum": ["admin", "user"], "title": "Role", "type": "string"}}, "properties": {"name": {"title": "Name", "type": "string"}, "age": {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": null, "title": "Age"}, "role": {"$ref": "#/$defs/Role"}, "addresses": {"items": {"$ref": "#/$defs/Address"}, "title": "Addresses", "type": "array"}, "tags": {"default": [], "items": {"type": "string"}, "title": "Tags", "type": "array"}}, "required": ["name", "role", "addresses"], "title": "User", "type": "object"}"##,
             valid: [#"{"name": "Ann", "age": null, "role": "admin", "addresses": [{"street": "1 Main St", "city": "Springfield"}], "tags": ["a"]}"#,
                     #"{"name":"Bo","role":"user","addresses":[]}"#, #"{"name":"Bo","age":7,"role":"user","addresses":[]}"#],
             invalid: [#"{"name":"Bo","role":"root","addresses":[]}"#, #"{"name":"Bo","role":"user","addresses":[{"street":"x"}]}"#,
                       #"{"name":"Bo","role":"user"}"#, #"{"name":"Bo","age":"7","role":"user","addresses":[]}"#]),
        // The suffix starts with a digit: "125" is 12 then the suffix, never 125 alone.
        Case(schema: #"{"type":"integer"}"#, valid: ["125", "05"], invalid: ["12", "5", "015"], suffix: "5"),
    ]

    @Test(arguments: cases) func documents(_ c: Case) throws {
        let schema = try JSONSchema(json: c.schema)
        for doc in c.valid {
            #expect(Self.accepts(schema, doc.utf8, prefix: c.prefix, suffix: c.suffix), "valid: \(doc)")
            let body = doc.utf8.dropFirst(c.prefix.utf8.count).dropLast(c.suffix.utf8.count)
            #expect(JSONSchemaValidator(try TemplateValue(json: c.schema)).isValid(Array(body)), "reference disagrees: \(doc)")
        }
        for doc in c.invalid {
            #expect(!Self.accepts(schema, doc.utf8, prefix: c.prefix, suffix: c.suffix), "invalid: \(doc)")
        }
        for doc in c.narrowed {
            #expect(!Self.accepts(schema, doc.utf8, prefix: c.prefix, suffix: c.suffix), "outside the generated subset: \(doc)")
            #expect(JSONSchemaValidator(try TemplateValue(json: c.schema)).isValid(Array(doc.utf8)), "not actually valid: \(doc)")
        }
    }

    @Test func malformedUTF8IsRefused() throws {
        let any = JSONSchema.anyValue
        let bad: [[UInt8]] = [[0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                              [0xF5, 0x80, 0x80, 0x80], [0x80], [0xFF], [0xC3], [0xE6, 0x97], [0xC3, 0x28]]
        for b in bad { #expect(!Self.accepts(any, [0x22] + b + [0x22]), "bytes \(b)") }
        let good: [[UInt8]] = [[0xC3, 0xA9], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xF0, 0x90, 0x80, 0x80],
                               [0xF4, 0x8F, 0xBF, 0xBF], [0xEF, 0xBF, 0xBF]]
        for b in good { #expect(Self.accepts(any, [0x22] + b + [0x22]), "bytes \(b)") }
    }

    @Test func completeAndMustEnd() throws {
        func state(_ schema: String, _ doc: String, suffix: String = "") throws -> (complete: Bool, mustEnd: Bool) {
            var m = JSONMatcher(schema: try JSONSchema(json: schema), suffix: Array(suffix.utf8))
            m.advance(Array(doc.utf8))
            return (m.isComplete, m.mustEnd)
        }
        #expect(try state("{}", "{}") == (true, true))
        #expect(try state("{}", "{") == (false, false))
        #expect(try state(#"{"type":"integer"}"#, "12") == (true, false))
        #expect(try state(#"{"type":"integer"}"#, "123456789012345") == (true, true))
        #expect(try state(#"{"type":"number"}"#, "1.5e12") == (true, true))
        #expect(try state(#"{"enum":[1,12]}"#, "1") == (true, false))
        #expect(try state(#"{"enum":[1,12]}"#, "12") == (true, true))
        #expect(try state(#"{"type":"string"}"#, #""a""#, suffix: "!") == (false, false))
        #expect(try state(#"{"type":"string"}"#, #""a"!"#, suffix: "!") == (true, true))
        #expect(try state(#"{"type":"string"}"#, #""a"?"#, suffix: "!") == (false, false))
    }

    @Test func nestingDepthIsBounded() throws {
        let deep = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(Self.accepts(.anyValue, deep.utf8))
        #expect(!Self.accepts(.anyValue, (String(repeating: "[", count: 65) + String(repeating: "]", count: 65)).utf8))
    }

    @Test func aRefusedTokenLeavesNothingAllowed() {
        var m = JSONMatcher(schema: .anyObject)
        m.advance(Array("[".utf8))
        #expect(m.stacks.isEmpty)
        #expect(!m.isComplete && !m.mustEnd)
        #expect(!m.accepts(Array("{".utf8)))
    }
}
