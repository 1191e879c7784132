import Tokenization

/// Typed reading of a JSON request object, each wrong type or range a 400 naming the field
/// (`param`) as OpenAI does: `messages[2].content`, `stream_options.include_usage`.
struct JSONFields {
    let object: TemplateObject
    /// The path of this object inside the body ("" at the top), for `param`.
    let path: String

    init(_ object: TemplateObject, path: String = "") {
        self.object = object
        self.path = path
    }

    /// Parses a request body; anything but a JSON object is a 400.
    init(body: String) throws(APIError) {
        let value: TemplateValue
        do { value = try TemplateValue(json: body) } catch {
            throw .invalidRequest("The body is not valid JSON: \(error)", code: "invalid_json")
        }
        guard case .object(let object) = value else {
            throw .invalidRequest("The body must be a JSON object.", code: "invalid_json")
        }
        self.init(object)
    }

    func param(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func wrongType(_ key: String, _ expected: String) -> APIError {
        .invalidRequest("'\(param(key))' must be \(expected).", param: param(key))
    }

    /// The raw value; JSON null counts as absent (OpenAI clients send null for unset fields).
    func value(_ key: String) -> TemplateValue? {
        guard let v = object[key], !v.isNull else { return nil }
        return v
    }

    func string(_ key: String) throws(APIError) -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v else { throw wrongType(key, "a string") }
        return s
    }

    func bool(_ key: String) throws(APIError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard case .bool(let b) = v else { throw wrongType(key, "a boolean") }
        return b
    }

    /// An integer in `range` (an integral float such as 5.0 is accepted).
    func int(_ key: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(APIError) -> Int? {
        guard let v = value(key) else { return nil }
        let i: Int
        switch v {
        case .int(let n): i = n
        case .double(let d) where d.rounded() == d && abs(d) < 9e15: i = Int(d)
        default: throw wrongType(key, "an integer")
        }
        guard range.contains(i) else { throw outOfRange(key, range) }
        return i
    }

    /// A number in `range`.
    func double(_ key: String, in range: ClosedRange<Double>) throws(APIError) -> Double? {
        guard let v = value(key) else { return nil }
        guard let d = v.doubleValue, d.isFinite else { throw wrongType(key, "a number") }
        guard range.contains(d) else { throw outOfRange(key, range) }
        return d
    }

    func array(_ key: String) throws(APIError) -> [TemplateValue]? {
        guard let v = value(key) else { return nil }
        guard case .array(let a) = v else { throw wrongType(key, "an array") }
        return a
    }

    func object(_ key: String) throws(APIError) -> JSONFields? {
        guard let v = value(key) else { return nil }
        guard case .object(let o) = v else { throw wrongType(key, "an object") }
        return JSONFields(o, path: param(key))
    }

    private func outOfRange<T: Comparable>(_ key: String, _ range: ClosedRange<T>) -> APIError {
        .invalidRequest("'\(param(key))' must be between \(range.lowerBound) and \(range.upperBound).", param: param(key))
    }
}
