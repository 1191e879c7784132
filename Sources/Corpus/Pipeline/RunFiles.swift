import Foundation
import ModelFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The small files a run keeps for itself (markers, summaries, dedup keys and decisions), all
/// written to a temporary name, synced and renamed.
enum RunFiles {
    /// A temporary file beside its final name (`NAME.tmp-PID`, or hidden `.NAME.tmp-…` from the
    /// JSONL writers): what a killed run leaves.
    static func isTemporary(_ name: String) -> Bool { name.contains(".tmp-") }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Writes `bytes` to `path` atomically (ModelFiles' temp file, fsync, rename, folder sync),
    /// creating the folder if needed.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(CorpusError) {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        do { try writeFileAtomically(path: path, bytes: bytes) } catch { throw .io(path: path, reason: "\(error)") }
    }

    /// Removes temporary files a killed run left in `folder` (and below, if `recursive`).
    static func removeTemporaries(in folder: String, recursive: Bool) throws {
        let fm = FileManager.default
        let names = recursive ? (fm.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []) : try fm.contentsOfDirectory(atPath: folder)
        for name in names where isTemporary((name as NSString).lastPathComponent) {
            try? fm.removeItem(atPath: folder + "/" + name)
        }
    }

    static func writeSummary(_ summary: TaskSummary, to path: String) throws(CorpusError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { try writeAtomically(Array(encoder.encode(summary)), to: path) } catch let e as CorpusError { throw e } catch {
            throw .io(path: path, reason: "\(error)")
        }
    }

    static func readSummary(_ path: String) throws(CorpusError) -> TaskSummary {
        guard let data = FileManager.default.contents(atPath: path) else { throw .io(path: path, reason: "missing") }
        do { return try JSONDecoder().decode(TaskSummary.self, from: data) } catch { throw .io(path: path, reason: "unreadable task summary: \(error)") }
    }

    /// Dedup keys of one task: `TRK1`, record size (u32), count (u64), then the records.
    static func writeRecords(_ records: [UInt8], recordSize: Int, to path: String) throws(CorpusError) {
        var out = Array("TRK1".utf8)
        append(UInt32(recordSize), to: &out)
        append(UInt64(recordSize == 0 ? 0 : records.count / recordSize), to: &out)
        out += records
        try writeAtomically(out, to: path)
    }

    /// Reads a key file back: the records and their count.
    static func readRecords(_ path: String, recordSize: Int) throws(CorpusError) -> (bytes: [UInt8], count: Int) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .io(path: path, reason: "missing dedup key file") }
        let bytes = [UInt8](data)
        guard bytes.count >= 16, Array(bytes[0..<4]) == Array("TRK1".utf8),
              Int(read(UInt32.self, bytes, 4)) == recordSize else { throw .io(path: path, reason: "not a dedup key file of this step") }
        let count = Int(read(UInt64.self, bytes, 8))
        guard bytes.count == 16 + count * recordSize else { throw .io(path: path, reason: "truncated dedup key file") }
        return (Array(bytes[16...]), count)
    }

    static func append<T: FixedWidthInteger>(_ v: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    static func read<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], _ offset: Int) -> T {
        var v: T = 0
        withUnsafeMutableBytes(of: &v) { dst in
            for i in 0..<MemoryLayout<T>.size { dst[i] = bytes[offset + i] }
        }
        return T(littleEndian: v)
    }
}

