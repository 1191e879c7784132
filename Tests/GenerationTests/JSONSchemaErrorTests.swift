import Testing
import Generation

/// Schemas the compiler refuses, with the keyword and the JSON pointer of where it sits.
@Suite struct JSONSchemaErrorTests {
    func error(_ schema: String) -> JSONSchemaError? {
        do { _ = try JSONSchema(json: schema) } catch { return error }
        return nil
    }

    @Test func unsupportedKeywordsNameThemselvesAndTheirPath() {
        let cases: [(String, String, String)] = [
            (#"{"type":"string","pattern":"^a"}"#, "pattern", "#"),
            (#"{"type":"object","properties":{"zip":{"type":"string","pattern":"[0-9]{5}"}}}"#, "pattern", "#/properties/zip"),
            (#"{"properties":{"age":{"type":"integer","minimum":0}}}"#, "minimum", "#/properties/age"),
            (#"{"type":"array","items":{"type":"number","multipleOf":2}}"#, "multipleOf", "#/items"),
            (##"{"$defs":{"X":{"type":"integer","exclusiveMaximum":3}},"$ref":"#/$defs/X"}"##, "exclusiveMaximum", "#/$defs/X"),
            (#"{"properties":{"a/b~":{"maximum":1}}}"#, "maximum", "#/properties/a~1b~0"),
            (#"{"not":{"type":"null"}}"#, "not", "#"),
            (#"{"if":{"type":"string"},"then":{"minLength":1}}"#, "if", "#"),
            (#"{"type":"object","patternProperties":{"^x":{}}}"#, "patternProperties", "#"),
            (#"{"type":"object","dependentRequired":{"a":["b"]}}"#, "dependentRequired", "#"),
            (#"{"type":"object","minProperties":1}"#, "minProperties", "#"),
            (#"{"type":"array","uniqueItems":true}"#, "uniqueItems", "#"),
            (#"{"type":"array","contains":{"type":"integer"}}"#, "contains", "#"),
            (#"{"allOf":[{"type":"integer"},{"type":"number"}]}"#, "allOf", "#"),
            (#"{"anyOf":[{"type":"integer"}],"type":"integer"}"#, "type", "#"),
            (#"{"enum":["a","bb"],"minLength":2}"#, "minLength", "#"),
            (##"{"$ref":"#/$defs/A","minLength":2,"$defs":{"A":{}}}"##, "minLength", "#"),
            (#"{"anyOf":[{"type":"string"},{"type":"string","pattern":"x"}]}"#, "pattern", "#/anyOf/1"),
            (#"{"type":"array","prefixItems":[{"type":"string"},{"format":"date","const":"x","nullable":true}]}"#, "nullable", "#/prefixItems/1"),
        ]
        for (schema, keyword, path) in cases {
            #expect(error(schema) == .unsupported(keyword: keyword, path: path), "\(schema)")
        }
        let e = JSONSchemaError.unsupported(keyword: "pattern", path: "#/properties/zip")
        #expect(e.description.contains("'pattern'") && e.description.contains("#/properties/zip"))
    }

    @Test func malformedSchemas() {
        #expect(error(#"{"minLength":"3"}"#) == .invalidValue(keyword: "minLength", path: "#", reason: "must be a non-negative integer"))
        #expect(error(#"{"maxItems":-1}"#) == .invalidValue(keyword: "maxItems", path: "#", reason: "must be a non-negative integer"))
        #expect(error(#"{"type":"strin"}"#) == .invalidValue(keyword: "type", path: "#", reason: "unknown type 'strin'"))
        #expect(error(#"{"type":3}"#) == .invalidValue(keyword: "type", path: "#", reason: "must be a type name or an array of them"))
        #expect(error(#"{"required":"a"}"#) == .invalidValue(keyword: "required", path: "#", reason: "must be an array of strings"))
        #expect(error(#"{"properties":{"a":3}}"#) == .notASchema(path: "#/properties/a"))
        #expect(error(#"{"anyOf":[]}"#) == .invalidValue(keyword: "anyOf", path: "#", reason: "must be a non-empty array of schemas"))
        #expect(error(##"{"$ref":"#/$defs/Missing"}"##) == .unresolvedReference("#/$defs/Missing", path: "#"))
        #expect(error(#"{"items":{"$ref":"https://example.com/s.json"}}"#) == .unresolvedReference("https://example.com/s.json", path: "#/items"))
        if case .invalidJSON? = error("{") {} else { Issue.record("text that is not JSON") }
        if case .notASchema? = error("3") {} else { Issue.record("a number is not a schema") }
    }

    @Test func unsatisfiableSchemas() {
        func unsatisfiable(_ schema: String) -> String? {
            if case .unsatisfiable(let path, _)? = error(schema) { return path }
            return nil
        }
        #expect(unsatisfiable(#"{"type":"string","minLength":5,"maxLength":2}"#) == "#")
        #expect(unsatisfiable(#"{"properties":{"a":{"type":"array","minItems":3,"maxItems":1}}}"#) == "#/properties/a")
        #expect(unsatisfiable(#"{"enum":[]}"#) == "#")
        #expect(unsatisfiable(#"{"type":"string","enum":[1,2]}"#) == "#")
        #expect(unsatisfiable(##"{"$ref":"#"}"##) == "#")
        #expect(unsatisfiable(#"{"type":"object","additionalProperties":false,"required":["a"]}"#) == "#")
        #expect(unsatisfiable(##"{"$defs":{"A":{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"required":["a"]}},"$ref":"#/$defs/A"}"##) == "#")
        #expect(unsatisfiable(#"{"type":"array","items":false,"minItems":1}"#) == "#")
        #expect(unsatisfiable("false") == "#")
    }

    @Test func annotationsAreIgnored() throws {
        _ = try JSONSchema(json: #"""
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "x", "title": "T", "description": "d",
         "type": "object", "x-order": 1, "$comment": "c", "examples": [{}], "default": {},
         "properties": {"when": {"type": "string", "format": "date-time", "deprecated": true, "readOnly": true},
                        "pet": {"oneOf": [{"$ref": "#/$defs/Cat"}], "discriminator": {"propertyName": "kind"}}},
         "$defs": {"Cat": {"type": "object", "properties": {"kind": {"const": "cat"}}, "required": ["kind"]}}}
        """#)
    }
}
