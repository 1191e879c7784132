import Foundation

/// The progress line of a run on stderr: stage, tasks, documents, throughput.
final class RunProgress: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var stage = (0, 0)
    private var tasks = (done: 0, total: 0)
    private var documents = 0
    private var bytes = 0
    private var bad = 0
    private var started = Date()
    private var lastDraw = Date.distantPast

    init(enabled: Bool) { self.enabled = enabled }

    func beginStage(_ s: Int, of n: Int, tasks total: Int, alreadyDone: Int) {
        lock.lock()
        stage = (s, n)
        tasks = (alreadyDone, total)
        documents = 0
        bytes = 0
        started = Date()
        lock.unlock()
        draw(force: true)
    }

    func documentRead(bytes b: Int) {
        lock.lock()
        documents += 1
        bytes += b
        let due = documents & 255 == 0
        lock.unlock()
        if due { draw(force: false) }
    }

    /// Reports a skipped record on stderr (always: a skipped record is never silent; the first
    /// 1,000 are listed, the rest counted).
    func badRecord(_ error: CorpusError) {
        lock.lock(); bad += 1; let n = bad; lock.unlock()
        let clear = enabled ? "\r\u{1B}[K" : ""
        if n <= 1000 { FileHandle.standardError.write(Data("\(clear)skipped \(error)\n".utf8)) }
        else if n == 1001 { FileHandle.standardError.write(Data("\(clear)(further skipped records are counted in the report)\n".utf8)) }
    }

    func taskDone() {
        lock.lock(); tasks.done += 1; lock.unlock()
        draw(force: true)
    }

    func message(_ text: String) {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K\(text)\n".utf8)) }
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func draw(force: Bool) {
        guard enabled else { return }
        lock.lock()
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.25 else { lock.unlock(); return }
        lastDraw = now
        let seconds = max(1e-3, now.timeIntervalSince(started))
        let width = 24, filled = tasks.total == 0 ? width : width * tasks.done / tasks.total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = Int(Double(documents) / seconds), mbps = (Double(bytes) / seconds / 1e5).rounded() / 10
        let line = "stage \(stage.0)/\(stage.1) \(bar) \(tasks.done)/\(tasks.total) tasks · \(documents) docs · \(rate) docs/s · \(mbps) MB/s"
            + (bad > 0 ? " · \(bad) bad records" : "")
        lock.unlock()
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }
}
