// Python methods that templates call on values: `content.strip()`, `s.split('</think>')`,
// `message.get('x')`, `d.items()`. The sandbox's rules are kept: methods that mutate a list or
// dict are unsafe (they read as undefined), everything else Python has is visible.

enum JinjaMethods {
    enum Availability { case available, unsafe, absent }

    static let stringMethods: Set<String> = [
        "capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find", "format", "format_map",
        "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric",
        "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "maketrans", "partition",
        "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip",
        "split", "splitlines", "startswith", "strip", "swapcase", "title", "translate", "upper", "zfill",
    ]
    static let dictMethods: Set<String> = ["items", "keys", "values", "get", "copy", "fromkeys"]
    static let dictMutators: Set<String> = ["pop", "popitem", "setdefault", "update", "clear"]
    static let listMethods: Set<String> = ["count", "index", "copy"]
    static let listMutators: Set<String> = ["append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear"]

    static func lookup(_ obj: JinjaValue, _ name: String) -> Availability {
        switch obj {
        case .string, .markup: return stringMethods.contains(name) ? .available : .absent
        case .dict:
            if dictMethods.contains(name) { return .available }
            return dictMutators.contains(name) ? .unsafe : .absent
        case .list:
            if listMethods.contains(name) { return .available }
            return listMutators.contains(name) ? .unsafe : .absent
        case .tuple: return name == "count" || name == "index" ? .available : .absent
        default: return .absent
        }
    }

    static func call(_ receiver: JinjaValue, _ name: String, _ args: JinjaArguments) throws(JinjaFailure) -> JinjaValue {
        switch receiver {
        case .string(let s), .markup(let s): return try callString(s, name, args)
        case .dict(let d): return try callDict(d, name, args)
        case .list(let a), .tuple(let a): return try callSequence(a, receiver, name, args)
        default: throw JinjaFailure("'\(receiver.typeName)' has no method '\(name)'")
        }
    }

    private static func callDict(_ d: JinjaDict, _ name: String, _ args: JinjaArguments) throws(JinjaFailure) -> JinjaValue {
        switch name {
        case "items":
            _ = try args.positionalOnly(0...0, function: "dict.items")
            return .list(d.map { .tuple([.string($0.key), $0.value]) })
        case "keys":
            _ = try args.positionalOnly(0...0, function: "dict.keys")
            return .list(d.keys.map { .string($0) })
        case "values":
            _ = try args.positionalOnly(0...0, function: "dict.values")
            return .list(d.map { $0.value })
        case "get":
            let a = try args.positionalOnly(1...2, function: "dict.get")
            if let k = a[0].text, let v = d[k] { return v }
            return a.count > 1 ? a[1] : .none
        case "copy":
            _ = try args.positionalOnly(0...0, function: "dict.copy")
            return .dict(d)
        default:
            throw JinjaFailure("the dict method '\(name)' is not supported")
        }
    }

    private static func callSequence(_ a: [JinjaValue], _ receiver: JinjaValue, _ name: String, _ args: JinjaArguments) throws(JinjaFailure) -> JinjaValue {
        switch name {
        case "count":
            let x = try args.positionalOnly(1...1, function: "count")[0]
            var n = 0
            for v in a where try JinjaValue.equal(v, x) { n += 1 }
            return .int(n)
        case "index":
            let x = try args.positionalOnly(1...1, function: "index")[0]
            for (i, v) in a.enumerated() where try JinjaValue.equal(v, x) { return .int(i) }
            throw JinjaFailure("ValueError: \((try? x.pythonRepr()) ?? "value") is not in list")
        case "copy":
            return receiver
        default:
            throw JinjaFailure("the list method '\(name)' is not supported")
        }
    }

    private static func optionalString(_ v: JinjaValue?, _ what: String) throws(JinjaFailure) -> String? {
        guard let v, !v.isNone else { return nil }
        return try v.stringArgument(what)
    }

    /// The prefixes for `startswith`/`endswith`: a string or a tuple of strings.
    private static func affixes(_ v: JinjaValue) throws(JinjaFailure) -> [String] {
        switch v {
        case .string(let s), .markup(let s): return [s]
        case .tuple(let items):
            var out: [String] = []
            for i in items { out.append(try i.stringArgument("startswith/endswith tuple item")) }
            return out
        default: throw JinjaFailure("TypeError: startswith/endswith first arg must be str or a tuple of str, not \(v.typeName)")
        }
    }

    private static func find(_ s: String, _ sub: String, last: Bool) -> Int? {
        let hay = Array(s.unicodeScalars), needle = Array(sub.unicodeScalars)
        guard needle.count <= hay.count else { return nil }
        let starts = Array(0...(hay.count - needle.count))
        for i in (last ? starts.reversed() : starts) where hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }

    static func pad(_ s: String, width: Int, fill: String, left: Int?) -> String {
        let n = PythonText.length(s)
        guard width > n else { return s }
        let margin = width - n
        let l = left ?? (margin / 2 + (margin & width & 1))
        return String(repeating: fill, count: l) + s + String(repeating: fill, count: margin - l)
    }

    private static func all(_ s: String, _ predicate: (Unicode.Scalar) -> Bool) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy(predicate)
    }

    private static func callString(_ s: String, _ name: String, _ args: JinjaArguments) throws(JinjaFailure) -> JinjaValue {
        func one(_ what: String) throws(JinjaFailure) -> String {
            try args.positionalOnly(1...1, function: name)[0].stringArgument(what)
        }
        switch name {
        case "startswith", "endswith":
            let a = try args.positionalOnly(1...1, function: name)
            let scalars = Array(s.unicodeScalars)
            for affix in try affixes(a[0]) {
                let x = Array(affix.unicodeScalars)
                if name == "startswith" ? scalars.starts(with: x) : scalars.reversed().starts(with: x.reversed()) { return .bool(true) }
            }
            return .bool(false)
        case "strip", "lstrip", "rstrip":
            let a = try args.positionalOnly(0...1, function: name)
            let chars = try optionalString(a.first, "strip chars")
            return .string(PythonText.strip(s, chars: chars, leading: name != "rstrip", trailing: name != "lstrip"))
        case "split", "rsplit":
            let b = try args.bind(["sep", "maxsplit"], function: name)
            let sep = try optionalString(b[0], "sep")
            let maxSplit = try b[1]?.intArgument("maxsplit") ?? -1
            let parts = name == "split" ? try PythonText.split(s, separator: sep, maxSplit: maxSplit)
                                        : try PythonText.rsplit(s, separator: sep, maxSplit: maxSplit)
            return .list(parts.map { .string($0) })
        case "splitlines":
            _ = try args.positionalOnly(0...0, function: name)
            return .list(PythonText.splitLines(s).map { .string($0) })
        case "upper": return .string(PythonText.upper(s))
        case "lower": return .string(PythonText.lower(s))
        case "title": return .string(PythonText.title(s))
        case "capitalize": return .string(PythonText.capitalize(s))
        case "replace":
            let a = try args.positionalOnly(2...3, function: name)
            let count = a.count > 2 ? try a[2].intArgument("count") : -1
            return .string(try JinjaFilters.replace(s, try a[0].stringArgument("old"), try a[1].stringArgument("new"), count: count))
        case "find", "rfind", "index", "rindex":
            let sub = try one("substring")
            if let i = find(s, sub, last: name.hasPrefix("r")) { return .int(i) }
            if name.hasSuffix("index") { throw JinjaFailure("ValueError: substring not found") }
            return .int(-1)
        case "count":
            let sub = Array(try one("substring").unicodeScalars)
            let hay = Array(s.unicodeScalars)
            if sub.isEmpty { return .int(hay.count + 1) }
            var n = 0, i = 0
            while i + sub.count <= hay.count {
                if hay[i..<(i + sub.count)].elementsEqual(sub) { n += 1; i += sub.count } else { i += 1 }
            }
            return .int(n)
        case "join":
            let items = try args.positionalOnly(1...1, function: name)[0].iterated()
            var parts: [String] = []
            for item in items { parts.append(try item.stringArgument("sequence item")) }
            return .string(parts.joined(separator: s))
        case "removeprefix", "removesuffix":
            let x = Array(try one("affix").unicodeScalars)
            let scalars = Array(s.unicodeScalars)
            if name == "removeprefix", scalars.starts(with: x) { return .string(PythonText.string(scalars.dropFirst(x.count))) }
            if name == "removesuffix", !x.isEmpty, scalars.reversed().starts(with: x.reversed()) {
                return .string(PythonText.string(scalars.dropLast(x.count)))
            }
            return .string(s)
        case "partition", "rpartition":
            let sep = try one("sep")
            guard !sep.isEmpty else { throw JinjaFailure("ValueError: empty separator") }
            guard let i = find(s, sep, last: name == "rpartition") else {
                return name == "partition" ? .tuple([.string(s), .string(""), .string("")]) : .tuple([.string(""), .string(""), .string(s)])
            }
            let scalars = Array(s.unicodeScalars)
            let n = sep.unicodeScalars.count
            return .tuple([.string(PythonText.string(scalars[..<i])), .string(sep), .string(PythonText.string(scalars[(i + n)...]))])
        case "center", "ljust", "rjust":
            let a = try args.positionalOnly(1...2, function: name)
            let width = try a[0].intArgument("width")
            let fill = a.count > 1 ? try a[1].stringArgument("fillchar") : " "
            let n = PythonText.length(s)
            let left: Int? = name == "center" ? nil : name == "ljust" ? 0 : max(0, width - n)
            return .string(pad(s, width: width, fill: fill, left: left))
        case "zfill":
            let width = try args.positionalOnly(1...1, function: name)[0].intArgument("width")
            var scalars = Array(s.unicodeScalars)
            let fill = max(0, width - scalars.count)
            let at = scalars.first == "+" || scalars.first == "-" ? 1 : 0
            scalars.insert(contentsOf: Array(repeating: "0", count: fill), at: at)
            return .string(PythonText.string(scalars))
        case "isspace": return .bool(all(s, PythonText.isSpace))
        case "isdigit": return .bool(all(s) { $0.properties.numericType == .decimal || $0.properties.numericType == .digit })
        case "isdecimal": return .bool(all(s) { $0.properties.numericType == .decimal })
        case "isnumeric": return .bool(all(s) { $0.properties.numericType != nil })
        case "isalpha": return .bool(all(s) { $0.properties.generalCategory.isLetter })
        case "isalnum": return .bool(all(s) { $0.properties.generalCategory.isLetter || $0.properties.numericType != nil })
        case "isascii": return .bool(s.unicodeScalars.allSatisfy(\.isASCII))
        case "islower", "isupper":
            var cased = false
            for c in s.unicodeScalars where c.properties.isCased {
                cased = true
                if name == "islower" ? c.properties.isUppercase || c.properties.generalCategory == .titlecaseLetter
                                     : c.properties.isLowercase || c.properties.generalCategory == .titlecaseLetter {
                    return .bool(false)
                }
            }
            return .bool(cased)
        default:
            throw JinjaFailure("the string method '\(name)' is not supported")
        }
    }
}

extension Unicode.GeneralCategory {
    var isLetter: Bool {
        switch self {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }
}
