import Foundation

/// A loss-curve chart as a self-contained SVG: training loss (per step) and validation loss
/// (per evaluation) against the step, with labelled axes.
public enum LossPlot {
    public struct Series {
        public var name: String
        public var color: String
        public var points: [(step: Int, loss: Float)]
        public init(name: String, color: String, points: [(step: Int, loss: Float)]) {
            self.name = name; self.color = color; self.points = points
        }
    }

    public static func svg(_ series: [Series], title: String, width: Int = 720, height: Int = 420) -> String {
        let all = series.flatMap(\.points).filter { $0.loss.isFinite }
        let left = 64.0, right = 20.0, top = 36.0, bottom = 48.0
        let plotW = Double(width) - left - right, plotH = Double(height) - top - bottom
        let maxStep = Double(max(1, all.map(\.step).max() ?? 1))
        var lo = Double(all.map(\.loss).min() ?? 0), hi = Double(all.map(\.loss).max() ?? 1)
        if hi - lo < 1e-6 { hi += 0.5; lo -= 0.5 }
        let pad = (hi - lo) * 0.05
        lo -= pad; hi += pad
        func x(_ s: Int) -> Double { left + Double(s) / maxStep * plotW }
        func y(_ l: Float) -> Double { top + (hi - Double(l)) / (hi - lo) * plotH }
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Int(left))" y="22" font-size="14">\(escape(title))</text>

        """
        for i in 0...4 {  // horizontal grid with loss labels
            let v = lo + (hi - lo) * Double(i) / 4, py = top + plotH - plotH * Double(i) / 4
            out += "<line x1=\"\(f(left))\" y1=\"\(f(py))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py))\" stroke=\"#ddd\"/>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(py + 4))\" text-anchor=\"end\">\(String(format: "%.3f", v))</text>\n"
        }
        for i in 0...4 {  // step labels
            let s = Int(maxStep * Double(i) / 4)
            out += "<text x=\"\(f(x(s)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(s)</text>\n"
        }
        out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(height - 8)\" text-anchor=\"middle\">step</text>\n"
        out += "<text x=\"14\" y=\"\(f(top + plotH / 2))\" transform=\"rotate(-90 14 \(f(top + plotH / 2)))\" text-anchor=\"middle\">loss</text>\n"
        for (i, s) in series.enumerated() where !s.points.isEmpty {
            let path = s.points.filter { $0.loss.isFinite }.map { "\(f(x($0.step))),\(f(y($0.loss)))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.5\" points=\"\(path)\"/>\n"
            let ly = top + 14 + Double(i) * 16
            out += "<line x1=\"\(f(left + plotW - 120))\" y1=\"\(f(ly - 4))\" x2=\"\(f(left + plotW - 100))\" y2=\"\(f(ly - 4))\" stroke=\"\(s.color)\" stroke-width=\"2\"/>"
            out += "<text x=\"\(f(left + plotW - 94))\" y=\"\(f(ly))\">\(escape(s.name))</text>\n"
        }
        return out + "</svg>\n"
    }

    private static func f(_ v: Double) -> String { String(format: "%.1f", v) }
    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
