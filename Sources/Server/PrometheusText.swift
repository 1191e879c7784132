/// Writes Prometheus' text exposition format: `# HELP` and `# TYPE` lines, then samples
/// `name{label="value"} number`.
struct PrometheusText {
    private(set) var text = ""

    mutating func header(_ name: String, _ help: String, type: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " \(Self.format(value))\n"
    }

    mutating func sample(_ name: String, _ labels: KeyValuePairs<String, String>, _ value: Int) {
        sample(name, labels.map { ($0.key, $0.value) }, Double(value))
    }

    mutating func gauge(_ name: String, _ help: String, _ value: Int) { gauge(name, help, Double(value)) }

    mutating func gauge(_ name: String, _ help: String, _ value: Double) {
        header(name, help, type: "gauge")
        sample(name, [], value)
    }

    mutating func counter(_ name: String, _ help: String, _ value: Int) {
        header(name, help, type: "counter")
        sample(name, [], Double(value))
    }

    mutating func histogram(_ name: String, _ help: String, _ h: Histogram) {
        header(name, help, type: "histogram")
        var cumulative = 0
        for (bound, n) in zip(h.bounds, h.counts) {
            cumulative += n
            sample(name + "_bucket", [("le", Self.format(bound))], Double(cumulative))
        }
        sample(name + "_bucket", [("le", "+Inf")], Double(h.count))
        sample(name + "_sum", [], h.sum)
        sample(name + "_count", [], Double(h.count))
    }

    /// Integers without a fraction; other numbers as Swift prints them (Prometheus parses both).
    static func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        return String(v)
    }

    /// Label values escape backslash, double quote and newline.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}
