// jinja2's filters as chat templates use them, with `tojson` replaced the way HF transformers
// replaces it (`json.dumps(x, ensure_ascii=False, indent=..., separators=..., sort_keys=...)`).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum JinjaFilters {
    static let names: Set<String> = [
        "abs", "attr", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape", "first", "float",
        "forceescape", "indent", "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min",
        "reject", "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr", "sort", "string",
        "sum", "title", "tojson", "trim", "unique", "upper", "wordcount",
    ]

    static func apply(_ name: String, _ value: JinjaValue, _ args: JinjaArguments) throws(JinjaFailure) -> JinjaValue {
        func bind(_ parameters: [String]) throws(JinjaFailure) -> [JinjaValue?] { try args.bind(parameters, function: name) }
        func noArguments() throws(JinjaFailure) {
            guard args.isEmpty else { throw JinjaFailure("TypeError: filter '\(name)' takes no arguments") }
        }
        switch name {
        case "abs":
            try noArguments()
            try JinjaOperators.checkDefined(value)
            switch value.number {
            case .int(let i)?:
                guard i != Int.min else { throw JinjaFailure("OverflowError: abs(\(i))") }
                return .int(abs(i))
            case .double(let d)?: return .double(abs(d))
            case nil: throw JinjaFailure("TypeError: bad operand type for abs(): '\(value.typeName)'")
            }
        case "attr":
            // Python attributes only (methods here), never items, as jinja2's `do_attr`.
            let b = try bind(["name"])
            let attribute = try (b[0] ?? .none).stringArgument("attribute name")
            try JinjaOperators.checkDefined(value)
            switch JinjaMethods.lookup(value, attribute) {
            case .available where !attribute.hasPrefix("_"): return .callable(.method(value, attribute))
            default: return .undefined("'\(value.typeName) object' has no attribute '\(attribute)'")
            }
        case "capitalize": try noArguments(); return keepingMarkup(value, PythonText.capitalize(try value.pythonString()))
        case "upper": try noArguments(); return keepingMarkup(value, PythonText.upper(try value.pythonString()))
        case "lower": try noArguments(); return keepingMarkup(value, PythonText.lower(try value.pythonString()))
        case "title": try noArguments(); return keepingMarkup(value, PythonText.jinjaTitle(try value.pythonString()))
        case "center":
            let b = try bind(["width"])
            let width = try b[0]?.intArgument("width") ?? 80
            return keepingMarkup(value, JinjaMethods.pad(try value.pythonString(), width: width, fill: " ", left: nil))
        case "count", "length":
            try noArguments()
            return .int(try value.length())
        case "d", "default":
            let b = try bind(["default_value", "boolean"])
            let useDefault = (b[1]?.isTruthy ?? false) ? !value.isTruthy : value.isUndefined
            return useDefault ? (b[0] ?? .string("")) : value
        case "dictsort": return try dictsort(value, try bind(["case_sensitive", "by", "reverse"]))
        case "e", "escape":
            try noArguments()
            return .markup(try JinjaOperators.escaped(value))
        case "forceescape":
            try noArguments()
            return .markup(PythonText.htmlEscape(try value.pythonString()))
        case "safe":
            try noArguments()
            return .markup(try value.pythonString())
        case "string":
            try noArguments()
            if case .markup = value { return value }
            return .string(try value.pythonString())
        case "first", "last":
            try noArguments()
            let items = try value.iterated()
            guard let item = name == "first" ? items.first : items.last else {
                return .undefined("No \(name) item, sequence was empty.")
            }
            return item
        case "float":
            let b = try bind(["default"])
            try JinjaOperators.checkDefined(value)  // Undefined's __float__ raises
            return try toFloat(value) ?? (b[0] ?? .double(0))
        case "int":
            let b = try bind(["default", "base"])
            try JinjaOperators.checkDefined(value)  // Undefined's __int__ raises
            return try toInt(value, base: try b[1]?.intArgument("base") ?? 10) ?? (b[0] ?? .int(0))
        case "indent":
            let b = try bind(["width", "first", "blank"])
            var unit = "    "
            if let w = b[0] {
                if case .string(let s) = w { unit = s } else { unit = String(repeating: " ", count: max(0, try w.intArgument("width"))) }
            }
            // jinja2 appends "\n" to the value itself, so anything but a string fails.
            guard let text = value.text else {
                try JinjaOperators.checkDefined(value)
                throw JinjaFailure("TypeError: indent needs a string, not '\(value.typeName)'")
            }
            return keepingMarkup(value, indent(text, unit: unit, first: b[1]?.isTruthy ?? false, blank: b[2]?.isTruthy ?? false))
        case "items":
            try noArguments()
            switch value {
            case .undefined: return .list([])
            case .dict(let d): return .list(d.map { .tuple([.string($0.key), $0.value]) })
            default: throw JinjaFailure("TypeError: Can only get item pairs from a mapping.")
            }
        case "join":
            let b = try bind(["d", "attribute"])
            let separator = try (b[0] ?? .string("")).pythonString()
            var parts: [String] = []
            for item in try value.iterated() {
                let v = try b[1].map { (a: JinjaValue) throws(JinjaFailure) -> JinjaValue in try attributeGetter(a)(item) } ?? item
                parts.append(try v.pythonString())
            }
            return .string(parts.joined(separator: separator))
        case "list":
            try noArguments()
            return .list(try value.iterated())
        case "reverse":
            try noArguments()
            if let s = value.text { return keepingMarkup(value, PythonText.string(s.unicodeScalars.reversed())) }
            return .list(try value.iterated().reversed())
        case "replace":
            let b = try bind(["old", "new", "count"])
            guard let old = b[0], let new = b[1] else { throw JinjaFailure("TypeError: replace() needs old and new") }
            let count = try b[2].map { (c: JinjaValue) throws(JinjaFailure) -> Int in c.isNone ? -1 : try c.intArgument("count") } ?? -1
            return .string(try replace(try value.pythonString(), try old.pythonString(), try new.pythonString(), count: count))
        case "round": return try round(value, try bind(["precision", "method"]))
        case "trim":
            let b = try bind(["chars"])
            let chars: String? = try b[0].flatMap { (c: JinjaValue) throws(JinjaFailure) -> String? in c.isNone ? nil : try c.stringArgument("chars") }
            return keepingMarkup(value, PythonText.strip(try value.pythonString(), chars: chars))
        case "wordcount":
            try noArguments()
            return .int(wordCount(try value.pythonString()))
        case "tojson": return try toJSON(value, try bind(["ensure_ascii", "indent", "separators", "sort_keys"]))
        case "map": return try map(value, args)
        case "select", "reject", "selectattr", "rejectattr": return try select(name, value, args)
        case "sort":
            let b = try bind(["reverse", "case_sensitive", "attribute"])
            let key = try sortKey(caseSensitive: b[1]?.isTruthy ?? false, attribute: b[2])
            var items = try value.iterated()
            try mergeSort(&items, key: key, descending: b[0]?.isTruthy ?? false)
            return .list(items)
        case "unique":
            let b = try bind(["case_sensitive", "attribute"])
            let key = try sortKey(caseSensitive: b[0]?.isTruthy ?? false, attribute: b[1])
            var seen: [JinjaValue] = [], out: [JinjaValue] = []
            for item in try value.iterated() {
                let k = try key(item)
                try JinjaOperators.requireHashable(k)  // Python keeps a set of seen keys
                var isNew = true
                for s in seen where try JinjaValue.equal(s, k) { isNew = false; break }
                if isNew {
                    seen.append(k)
                    out.append(item)
                }
            }
            return .list(out)
        case "min", "max":
            let b = try bind(["case_sensitive", "attribute"])
            let key = try sortKey(caseSensitive: b[0]?.isTruthy ?? false, attribute: b[1])
            let items = try value.iterated()
            guard var best = items.first else { return .undefined("No aggregated item, sequence was empty.") }
            var bestKey = try key(best)
            for item in items.dropFirst() {
                let k = try key(item)
                if name == "min" ? try JinjaOperators.less(k, bestKey) : try JinjaOperators.less(bestKey, k) {
                    best = item
                    bestKey = k
                }
            }
            return best
        case "sum":
            let b = try bind(["attribute", "start"])
            var total = b[1] ?? .int(0)
            for item in try value.iterated() {
                let v = try b[0].map { (a: JinjaValue) throws(JinjaFailure) -> JinjaValue in try attributeGetter(a)(item) } ?? item
                total = try JinjaOperators.binary(.add, total, v)
            }
            return total
        default:
            throw JinjaFailure("No filter named '\(name)'.")
        }
    }

    /// Markup stays Markup through the string filters that call its own methods (upper, trim, ...).
    private static func keepingMarkup(_ input: JinjaValue, _ result: String) -> JinjaValue {
        if case .markup = input { return .markup(result) }
        return .string(result)
    }

    /// `str.replace(old, new, count)` on code points.
    static func replace(_ s: String, _ old: String, _ new: String, count: Int) throws(JinjaFailure) -> String {
        let hay = Array(s.unicodeScalars), needle = Array(old.unicodeScalars), with = Array(new.unicodeScalars)
        var out: [Unicode.Scalar] = []
        var i = 0, done = 0
        if needle.isEmpty {
            // Python inserts `new` before every character and at the end.
            for c in hay {
                if count < 0 || done < count { out += with; done += 1 }
                out.append(c)
            }
            if count < 0 || done < count { out += with }
        } else {
            while i < hay.count {
                if (count < 0 || done < count), i + needle.count <= hay.count, hay[i..<(i + needle.count)].elementsEqual(needle) {
                    out += with
                    i += needle.count
                    done += 1
                } else {
                    out.append(hay[i])
                    i += 1
                }
            }
        }
        guard out.count <= JinjaOperators.maxBuiltLength else { throw JinjaFailure("MemoryError: replace result too long") }
        return PythonText.string(out)
    }

    /// jinja2's `make_attrgetter`: `"a.b.0"` looked up item by item (integers as indexes).
    static func attributeGetter(_ attribute: JinjaValue, default fallback: JinjaValue? = nil) throws(JinjaFailure) -> (JinjaValue) throws(JinjaFailure) -> JinjaValue {
        let parts: [JinjaValue]
        switch attribute {
        case .string(let s):
            parts = s.split(separator: ".", omittingEmptySubsequences: false).map { p in
                if let i = Int(p), p.allSatisfy(\.isNumber) { return .int(i) }
                return .string(String(p))
            }
        case .int: parts = [attribute]
        default: throw JinjaFailure("TypeError: attribute must be a string or an integer")
        }
        return { (item: JinjaValue) throws(JinjaFailure) -> JinjaValue in
            var v = item
            for p in parts { v = try JinjaOperators.item(v, p) }
            if v.isUndefined, let fallback { return fallback }
            return v
        }
    }

    /// The key `sort`, `unique`, `min` and `max` compare by: the attribute if given, strings
    /// lowercased unless case-sensitive.
    private static func sortKey(caseSensitive: Bool, attribute: JinjaValue?) throws(JinjaFailure) -> (JinjaValue) throws(JinjaFailure) -> JinjaValue {
        let getter = try attribute.map { (a: JinjaValue) throws(JinjaFailure) in try attributeGetter(a) }
        return { (item: JinjaValue) throws(JinjaFailure) -> JinjaValue in
            let v = try getter?(item) ?? item
            if !caseSensitive, case .string(let s) = v { return .string(PythonText.lower(s)) }
            return v
        }
    }

    /// A stable merge sort with a comparison that can fail (mixed types), like Python's `sorted`.
    private static func mergeSort(_ items: inout [JinjaValue], key: (JinjaValue) throws(JinjaFailure) -> JinjaValue, descending: Bool) throws(JinjaFailure) {
        var keyed: [(key: JinjaValue, value: JinjaValue)] = []
        for item in items { keyed.append((try key(item), item)) }
        // Python sorts descending by reversing the comparison, which keeps equal items in order.
        func before(_ a: JinjaValue, _ b: JinjaValue) throws(JinjaFailure) -> Bool {
            descending ? try JinjaOperators.less(b, a) : try JinjaOperators.less(a, b)
        }
        var width = 1
        while width < keyed.count {
            var merged: [(key: JinjaValue, value: JinjaValue)] = []
            merged.reserveCapacity(keyed.count)
            var start = 0
            while start < keyed.count {
                let mid = min(start + width, keyed.count), end = min(start + 2 * width, keyed.count)
                var i = start, j = mid
                while i < mid || j < end {
                    var takeRight = false
                    if j < end { takeRight = i == mid ? true : try before(keyed[j].key, keyed[i].key) }
                    if takeRight { merged.append(keyed[j]); j += 1 } else { merged.append(keyed[i]); i += 1 }
                }
                start = end
            }
            keyed = merged
            width *= 2
        }
        items = keyed.map(\.value)
    }

    private static func dictsort(_ value: JinjaValue, _ b: [JinjaValue?]) throws(JinjaFailure) -> JinjaValue {
        guard case .dict(let d) = value else { throw JinjaFailure("TypeError: dictsort needs a mapping, not '\(value.typeName)'") }
        let byValue: Bool
        switch b[1] {
        case nil, .string("key")?: byValue = false
        case .string("value")?: byValue = true
        default: throw JinjaFailure("FilterArgumentError: You can only sort by either \"key\" or \"value\"")
        }
        var pairs: [JinjaValue] = d.map { .tuple([.string($0.key), $0.value]) }
        let caseSensitive = b[0]?.isTruthy ?? false
        try mergeSort(&pairs, key: { (pair: JinjaValue) throws(JinjaFailure) -> JinjaValue in
            guard case .tuple(let kv) = pair else { return pair }
            let v = kv[byValue ? 1 : 0]
            if !caseSensitive, case .string(let s) = v { return .string(PythonText.lower(s)) }
            return v
        }, descending: b[2]?.isTruthy ?? false)
        return .list(pairs)
    }

    private static func map(_ value: JinjaValue, _ args: JinjaArguments) throws(JinjaFailure) -> JinjaValue {
        let items = try value.iterated()
        if args.positional.isEmpty, let attribute = args.keywords.first(where: { $0.name == "attribute" })?.value {
            let extra = args.keywords.filter { $0.name != "attribute" && $0.name != "default" }
            guard extra.isEmpty else { throw JinjaFailure("FilterArgumentError: Unexpected keyword argument '\(extra[0].name)'") }
            let getter = try attributeGetter(attribute, default: args.keywords.first(where: { $0.name == "default" })?.value ?? JinjaValue.none)
            var out: [JinjaValue] = []
            for item in items { out.append(try getter(item)) }
            return .list(out)
        }
        guard let first = args.positional.first else { throw JinjaFailure("FilterArgumentError: map requires a filter argument") }
        let filter = try first.stringArgument("filter name")
        guard names.contains(filter) else { throw JinjaFailure("No filter named '\(filter)'.") }
        let rest = JinjaArguments(positional: Array(args.positional.dropFirst()), keywords: args.keywords)
        var out: [JinjaValue] = []
        for item in items { out.append(try apply(filter, item, rest)) }
        return .list(out)
    }

    private static func select(_ name: String, _ value: JinjaValue, _ args: JinjaArguments) throws(JinjaFailure) -> JinjaValue {
        var positional = args.positional
        var getter: ((JinjaValue) throws(JinjaFailure) -> JinjaValue)? = nil
        if name.hasSuffix("attr") {
            guard !positional.isEmpty else { throw JinjaFailure("TypeError: \(name) needs an attribute name") }
            getter = try attributeGetter(positional.removeFirst())
        }
        var test: String? = nil
        if !positional.isEmpty {
            test = try positional.removeFirst().stringArgument("test name")
            guard JinjaTestFunctions.names.contains(test!) else { throw JinjaFailure("No test named '\(test!)'.") }
        }
        let testArgs = JinjaArguments(positional: positional, keywords: args.keywords)
        let keep = name.hasPrefix("select")
        var out: [JinjaValue] = []
        for item in try value.iterated() {
            let v = try getter?(item) ?? item
            let passed = try test.map { (t: String) throws(JinjaFailure) -> Bool in try JinjaTestFunctions.apply(t, v, testArgs) } ?? v.isTruthy
            if passed == keep { out.append(item) }
        }
        return .list(out)
    }

    private static func toJSON(_ value: JinjaValue, _ b: [JinjaValue?]) throws(JinjaFailure) -> JinjaValue {
        var indent: String? = nil
        switch b[1] {
        case nil, .none?: break
        case .string(let s)?: indent = s
        case let w?: indent = String(repeating: " ", count: max(0, try w.intArgument("indent")))
        }
        var format = JSONFormat(indent: indent)
        format.ensureASCII = b[0]?.isTruthy ?? false
        format.sortKeys = b[3]?.isTruthy ?? false
        if let separators = b[2], !separators.isNone {
            let pair = try separators.iterated()
            guard pair.count == 2 else { throw JinjaFailure("ValueError: separators must be an (item, key) pair") }
            format.itemSeparator = try pair[0].stringArgument("item separator")
            format.keySeparator = try pair[1].stringArgument("key separator")
        }
        var out = ""
        try value.templateValue().writeJSON(into: &out, format: format, level: 0)
        return .string(out)
    }

    private static func round(_ value: JinjaValue, _ b: [JinjaValue?]) throws(JinjaFailure) -> JinjaValue {
        let precision = try b[0]?.intArgument("precision") ?? 0
        let method = try b[1]?.stringArgument("method") ?? "common"
        guard ["common", "ceil", "floor"].contains(method) else {
            throw JinjaFailure("FilterArgumentError: method must be common, ceil or floor")
        }
        try JinjaOperators.checkDefined(value)
        guard let number = value.number else { throw JinjaFailure("TypeError: type \(value.typeName) doesn't define __round__ method") }
        if method != "common" {
            let scale = pow(10.0, Double(precision))
            let scaled = number.asDouble * scale
            return .double((method == "ceil" ? scaled.rounded(.up) : scaled.rounded(.down)) / scale)
        }
        if case .int(let i) = number, precision >= 0 { return .int(i) }
        let d = number.asDouble
        guard d.isFinite else { return .double(d) }
        if precision < 0 {
            let scale = pow(10.0, Double(-precision))
            return .double((d / scale).rounded(.toNearestOrEven) * scale)
        }
        // Python rounds the exact binary value half-to-even; so does C's printf.
        var buffer = [CChar](repeating: 0, count: 400)
        let written = withVaList([Int32(min(precision, 340)), d]) { vsnprintf(&buffer, buffer.count, "%.*f", $0) }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard written > 0, let r = Double(text) else { return .double(d) }
        return .double(r)
    }

    private static func toInt(_ value: JinjaValue, base: Int) throws(JinjaFailure) -> JinjaValue? {
        switch value {
        case .bool(let b): return .int(b ? 1 : 0)
        case .int(let i): return .int(i)
        case .double(let d):
            guard d.isFinite, let i = Int(exactly: d.rounded(.towardZero)) else { return nil }
            return .int(i)
        case .string(let s), .markup(let s):
            let t = PythonText.strip(s, chars: nil)
            var digits = t
            var negative = false
            if digits.hasPrefix("-") || digits.hasPrefix("+") { negative = digits.hasPrefix("-"); digits.removeFirst() }
            if !digits.hasPrefix("_"), !digits.hasSuffix("_"), !digits.contains("__"),
               let i = Int(digits.replacingUnderscores(), radix: base) {
                return .int(negative ? -i : i)
            }
            if case .double(let d)? = try toFloat(value), d.isFinite, let i = Int(exactly: d.rounded(.towardZero)) { return .int(i) }
            return nil
        default:
            return nil
        }
    }

    private static func toFloat(_ value: JinjaValue) throws(JinjaFailure) -> JinjaValue? {
        switch value {
        case .bool(let b): return .double(b ? 1 : 0)
        case .int(let i): return .double(Double(i))
        case .double(let d): return .double(d)
        case .string(let s), .markup(let s):
            let t = PythonText.strip(s, chars: nil).replacingUnderscores()
            guard !t.lowercased().contains("x"), let d = Double(t) else { return nil }
            return .double(d)
        default:
            return nil
        }
    }

    /// jinja2's `indent`: every line but the first (and blank lines unless `blank`) gets `unit`.
    private static func indent(_ text: String, unit: String, first: Bool, blank: Bool) -> String {
        let lines = PythonText.splitLines(text + "\n")
        var out: String
        if blank {
            out = lines.joined(separator: "\n" + unit)
        } else {
            out = lines.first ?? ""
            let rest = lines.dropFirst()
            if !rest.isEmpty { out += "\n" + rest.map { $0.isEmpty ? $0 : unit + $0 }.joined(separator: "\n") }
        }
        return first ? unit + out : out
    }

    /// The number of `\w+` runs (Unicode letters, digits and `_`).
    private static func wordCount(_ s: String) -> Int {
        var count = 0, inWord = false
        for c in s.unicodeScalars {
            let word = c == "_" || c.properties.generalCategory.isLetter || c.properties.numericType != nil
            if word && !inWord { count += 1 }
            inWord = word
        }
        return count
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(unicodeScalars.filter { $0 != "_" }.map(Character.init)) }
}
