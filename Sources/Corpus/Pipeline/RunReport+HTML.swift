import Foundation

extension RunReport {
    /// A self-contained HTML page: summary, step table, reasons with examples, SVG charts.
    public func html() -> String {
        var h = """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>\(escape(recipe)) — corpus run</title>
        <style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}
        td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}
        .ex{font:12px monospace;color:#555;white-space:pre-wrap;max-width:900px}h3{margin-top:1.6em}
        svg text{font:10px sans-serif}</style></head><body>
        <h1>\(escape(recipe))</h1>
        <p>\(inputs.count) input file(s) · \(read.documentsOut) documents read (\(megabytes(read.bytesOut))) →
        <b>\(output.documentsOut)</b> kept (\(megabytes(output.bytesOut)))\(tokens.map { " · \($0.tokens) tokens in \($0.shards) shard(s)" } ?? "")
        · \(String(format: "%.1f", seconds)) s</p>
        <h2>Steps</h2><table><tr><th>step</th><th>docs in</th><th>docs out</th><th>removed</th><th>MB in</th><th>MB out</th></tr>
        """
        for step in steps {
            let s = step.statistics
            let removed = s.documentsIn == 0 ? 0 : 100 * Double(s.documentsIn - s.documentsOut) / Double(s.documentsIn)
            h += "<tr><td>\(escape(step.label))</td><td>\(s.documentsIn)</td><td>\(s.documentsOut)</td><td>\(String(format: "%.2f%%", removed))</td>"
            h += "<td>\(megabytes(s.bytesIn, unit: false))</td><td>\(megabytes(s.bytesOut, unit: false))</td></tr>\n"
        }
        h += "</table>\n"
        if !read.reasons.isEmpty { h += reasonsSection("reading (bad records)", read) }
        for step in steps where !step.statistics.reasons.isEmpty || !step.statistics.counters.isEmpty {
            h += reasonsSection(step.label, step.statistics)
        }
        h += "<h2>Distributions</h2>\n"
        if let hist = read.histograms["length_chars"] { h += chart("document length in characters (input)", hist) }
        if let hist = output.histograms["length_chars"] { h += chart("document length in characters (kept)", hist) }
        for step in steps {
            for name in step.statistics.histograms.keys.sorted() {
                h += chart("\(step.label): \(name)", step.statistics.histograms[name]!)
            }
            let languages = step.statistics.counters.filter { $0.key.hasPrefix("language:") }
            if !languages.isEmpty { h += categoryChart("\(step.label): documents per language", languages) }
        }
        return h + "</body></html>\n"
    }

    func reasonsSection(_ title: String, _ s: StepStatistics) -> String {
        var h = "<h3>\(escape(title))</h3><table><tr><th>reason or counter</th><th>count</th></tr>"
        for (reason, n) in s.reasons.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            h += "<tr><td><details><summary>\(escape(reason))</summary>"
            for ex in s.examples[reason] ?? [] { h += "<div class=ex><b>\(escape(ex.id))</b> \(escape(ex.excerpt))</div>" }
            h += "</details></td><td>\(n)</td></tr>"
        }
        for (name, n) in s.counters.sorted(by: { $0.key < $1.key }) where !name.hasPrefix("language:") {
            h += "<tr><td>\(escape(name))</td><td>\(n)</td></tr>"
        }
        return h + "</table>\n"
    }

    /// A bar chart of a histogram (one bar per bin, labelled with bin edges).
    func chart(_ title: String, _ hist: Histogram) -> String {
        let edges = hist.edges, peak = max(1, hist.counts.max() ?? 1)
        let w = 28, height = 120
        var svg = "<h4>\(escape(title)) — \(hist.total) values, mean \(String(format: "%.3g", hist.total == 0 ? 0 : hist.sum / Double(hist.total)))</h4>"
        svg += "<svg width=\"\(hist.counts.count * w + 20)\" height=\"\(height + 40)\">"
        for (i, c) in hist.counts.enumerated() {
            let bh = Int(Double(height) * Double(c) / Double(peak))
            svg += "<rect x=\"\(10 + i * w)\" y=\"\(height - bh)\" width=\"\(w - 3)\" height=\"\(bh)\" fill=\"#4a7ab5\"><title>\(format(edges[i]))–\(format(edges[i + 1])): \(c)</title></rect>"
            if i % 2 == 0 { svg += "<text x=\"\(10 + i * w)\" y=\"\(height + 14)\">\(format(edges[i]))</text>" }
        }
        return svg + "</svg>\n"
    }

    func categoryChart(_ title: String, _ counts: [String: Int]) -> String {
        let items = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(30)
        let peak = max(1, items.first?.value ?? 1)
        var svg = "<h4>\(escape(title))</h4><svg width=\"620\" height=\"\(items.count * 16 + 10)\">"
        for (i, (name, n)) in items.enumerated() {
            let label = name.dropFirst("language:".count)
            svg += "<text x=\"0\" y=\"\(i * 16 + 12)\">\(escape(String(label)))</text>"
            svg += "<rect x=\"60\" y=\"\(i * 16 + 2)\" width=\"\(max(1, 480 * n / peak))\" height=\"12\" fill=\"#4a7ab5\"/>"
            svg += "<text x=\"\(66 + 480 * n / peak)\" y=\"\(i * 16 + 12)\">\(n)</text>"
        }
        return svg + "</svg>\n"
    }

    func format(_ v: Double) -> String {
        v >= 1000 ? String(format: "%.0fk", v / 1000) : (v == v.rounded() ? String(Int(v)) : String(format: "%.2g", v))
    }

    func megabytes(_ bytes: Int, unit: Bool = true) -> String {
        String(format: "%.1f", Double(bytes) / 1e6) + (unit ? " MB" : "")
    }
}

func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for c in s.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.unicodeScalars.append(c)
        }
    }
    return out
}
