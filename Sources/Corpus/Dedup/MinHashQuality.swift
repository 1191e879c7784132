import Foundation
import ModelFiles

/// Precision and recall of MinHash dedup on a corpus with planted near-duplicates, with the
/// same definitions as scripts/corpus/minhash_quality.py (which scores datatrove):
/// - recall: planted (original, copy) pairs whose two documents land in one cluster;
/// - precision: over documents in clusters of size ≥ 2, the share that is justified, i.e. has
///   another member of the same family (a planted copy's family is its original's id, from
///   metadata `dup_of` or `mojibake_of`; any other document's is its own id) or a natural
///   near-duplicate (Jaccard of the exact shingle sets ≥ `naturalJaccard`). An unjustified
///   clustered document is a false positive.
public enum MinHashQuality {
    /// Jaccard similarity of exact shingle sets from which two documents count as natural
    /// near-duplicates (below the 0.72 LSH threshold, so borderline true matches are not
    /// counted as errors).
    public static let naturalJaccard = 0.5

    /// A planted copy of an original document.
    public struct PlantedPair: Sendable {
        /// Original and copy document ids, and the kind of change (`exact`, `chrome`, `edit0.05`, …).
        public var original: String, copy: String, kind: String
        /// A planted pair.
        public init(original: String, copy: String, kind: String) {
            self.original = original; self.copy = copy; self.kind = kind
        }
    }

    /// The scores.
    public struct Report: Codable, Sendable {
        /// Documents read.
        public var documents = 0
        /// Planted pairs, and those found (copy and original in one cluster).
        public var plantedPairs = 0, plantedFound = 0
        /// plantedFound / plantedPairs.
        public var recall = 0.0
        /// Recall per planted kind.
        public var recallByKind: [String: Double] = [:]
        /// Documents in clusters of size ≥ 2, and those without justification.
        public var clusteredDocuments = 0, falsePositiveDocuments = 0
        /// Justified / clustered documents.
        public var precision = 1.0
        /// Clusters of size ≥ 2 and documents dropped (clustered − clusters).
        public var clusters = 0, dropped = 0
        /// Ids of up to 5 false positives.
        public var falsePositiveExamples: [String] = []
    }

    /// Scores `clusters` over documents numbered 0..<ids.count; `shingles(k)` gives the exact
    /// shingle set of document k (only asked for documents whose family does not justify them).
    public static func score(ids: [String], families: [String], planted: [PlantedPair],
                             clusters: DuplicateClusters, shingles: (Int) -> Set<UInt64>) -> Report {
        var report = Report()
        report.documents = ids.count
        var number = [String: Int]()
        for (k, id) in ids.enumerated() where number[id] == nil { number[id] = k }
        var total = [String: Int](), found = [String: Int]()
        for p in planted {
            total[p.kind, default: 0] += 1
            if let a = number[p.original], let b = number[p.copy],
               let ca = clusters.member(document: a)?.cluster, ca == clusters.member(document: b)?.cluster {
                found[p.kind, default: 0] += 1
            }
        }
        report.plantedPairs = planted.count
        report.plantedFound = found.values.reduce(0, +)
        report.recall = planted.isEmpty ? 0 : Double(report.plantedFound) / Double(planted.count)
        for (kind, n) in total { report.recallByKind[kind] = Double(found[kind] ?? 0) / Double(n) }

        var groups = [Int: [Int]]()
        for m in clusters.members { groups[m.cluster, default: []].append(m.document) }
        var cache = [Int: Set<UInt64>]()
        func set(_ k: Int) -> Set<UInt64> {
            if let s = cache[k] { return s }
            let s = shingles(k); cache[k] = s; return s
        }
        for group in groups.keys.sorted().compactMap({ groups[$0] }) {
            report.clusters += 1
            for k in group {
                report.clusteredDocuments += 1
                var justified = group.contains { $0 != k && families[$0] == families[k] }
                if !justified {
                    let sk = set(k)
                    justified = group.contains { j in
                        guard j != k else { return false }
                        let sj = set(j)
                        guard !sk.isEmpty, !sj.isEmpty else { return false }
                        let common = sk.intersection(sj).count
                        return Double(common) / Double(sk.count + sj.count - common) >= naturalJaccard
                    }
                }
                if !justified {
                    report.falsePositiveDocuments += 1
                    if report.falsePositiveExamples.count < 5 { report.falsePositiveExamples.append(ids[k]) }
                }
            }
        }
        report.dropped = report.clusteredDocuments - report.clusters
        if report.clusteredDocuments > 0 {
            report.precision = Double(report.clusteredDocuments - report.falsePositiveDocuments)
                / Double(report.clusteredDocuments)
        }
        return report
    }

    /// The documents of a planted corpus: per shard file, in order.
    public struct Corpus: Sendable {
        /// Shard file names (`docs_*.jsonl`, sorted).
        public var files: [String] = []
        /// Per document (global order): id, family (original's id for a planted copy), text.
        public var ids: [String] = [], families: [String] = [], texts: [String] = []
        /// Documents per shard file.
        public var shardCounts: [Int] = []
        /// Planted pairs from planted.json.
        public var planted: [PlantedPair] = []
    }

    /// Reads `docs_*.jsonl` (file-name order, then line order) and `planted.json` from `directory`.
    public static func readCorpus(_ directory: String) throws(DedupError) -> Corpus {
        var corpus = Corpus()
        do {
            corpus.files = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasPrefix("docs_") && $0.hasSuffix(".jsonl") }.sorted()
        } catch { throw .io(path: directory, reason: "\(error)") }
        for file in corpus.files {
            let path = directory + "/" + file
            var line = 0
            for bytes in try BinaryFile.read(path).split(separator: UInt8(ascii: "\n")) {
                line += 1
                guard let record = try? JSONValue.parse(Array(bytes)), let id = record["id"]?.string else {
                    throw .missingField(path: path, line: line, field: "id")
                }
                let metadata = record["metadata"]
                corpus.ids.append(id)
                corpus.families.append(metadata?["dup_of"]?.string ?? metadata?["mojibake_of"]?.string ?? id)
                corpus.texts.append(record["text"]?.string ?? "")
            }
            corpus.shardCounts.append(line)
        }
        corpus.planted = try readPlanted(directory + "/planted.json")
        return corpus
    }

    /// Runs the three MinHash phases on a planted corpus folder (one shard per file) and scores them.
    public static func run(corpusDirectory directory: String,
                           deduplicator: MinHashDeduplicator) throws(DedupError) -> Report {
        let corpus = try readCorpus(directory)
        var shards = [DedupKeys](), start = 0
        for count in corpus.shardCounts {
            shards.append(deduplicator.shard(of: corpus.texts[start ..< start + count]))
            start += count
        }
        let clusters = try deduplicator.clusters(of: shards, names: corpus.files)
        let hasher = deduplicator.hasher
        return score(ids: corpus.ids, families: corpus.families, planted: corpus.planted, clusters: clusters) { k in
            Set(hasher.shingles(words: hasher.words(hasher.config.simplifier.simplify(corpus.texts[k]))))
        }
    }

    static func readPlanted(_ path: String) throws(DedupError) -> [PlantedPair] {
        guard let json = try? JSONValue.parse(BinaryFile.read(path)), let list = json["planted_dups"]?.array else {
            throw .missingField(path: path, line: 1, field: "planted_dups")
        }
        return list.compactMap { p in
            guard let o = p["orig"]?.string, let c = p["copy"]?.string else { return nil }
            return PlantedPair(original: o, copy: c, kind: p["kind"]?.string ?? "")
        }
    }
}
