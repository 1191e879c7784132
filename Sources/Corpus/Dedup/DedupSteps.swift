/// The deduplication and decontamination steps as the executor (`CorpusRun`) runs them:
/// `minhash_dedup` and `exact_dedup` are `DeduplicationStep`s (phase 1 records this folder's
/// keys per document, phase 2 clusters them with `DuplicateClusters`, the executor applies the
/// decisions: first document of each cluster kept); `decontaminate` is a `DocumentStep`.

/// `minhash_dedup`: datatrove-identical MinHash signatures, LSH band keys, connected components.
public struct MinHashDedupStep: DeduplicationStep {
    /// The step name in recipes.
    public let name = "minhash_dedup"
    /// Signature and band-key maker.
    public let deduplicator: MinHashDeduplicator

    /// A step with `config` (datatrove's defaults: 5-grams, 14 × 8, seed 1).
    public init(config: MinHashConfig = MinHashConfig()) throws(DedupError) {
        deduplicator = try MinHashDeduplicator(config: config)
    }

    public var duplicateReason: String { deduplicator.duplicateReason }
    public var metadataPrefix: String { deduplicator.metadataPrefix }

    /// bands × 8 bytes of keys + 1 presence byte (113 for 14 bands).
    public var recordSize: Int { deduplicator.hasher.config.bands * 8 + 1 }

    public func record(_ document: Document, into record: UnsafeMutableRawBufferPointer, _ scratch: inout StepScratch) {
        DedupRecords.write(deduplicator.keys(of: document.text), count: deduplicator.hasher.config.bands, into: record)
    }

    public func resolve(records: [UnsafeRawBufferPointer], statistics: inout StepStatistics) -> DeduplicationDecisions {
        DedupRecords.resolve(records, keysPerDoc: deduplicator.hasher.config.bands, columnsPerGroup: 1,
                             statistics: &statistics)
    }
}

/// `exact_dedup`: 128-bit hash of the normalised text; first occurrence kept.
public struct ExactDedupStep: DeduplicationStep {
    /// The step name in recipes.
    public let name = "exact_dedup"
    /// Normalisation and hashing.
    public let deduplicator: ExactDeduplicator

    /// A step normalising with `normalization`.
    public init(normalization: ExactNormalization = ExactNormalization()) {
        deduplicator = ExactDeduplicator(normalization: normalization)
    }

    public var duplicateReason: String { deduplicator.duplicateReason }
    public var metadataPrefix: String { deduplicator.metadataPrefix }

    /// 16 bytes of hash + 1 presence byte.
    public var recordSize: Int { 17 }

    public func record(_ document: Document, into record: UnsafeMutableRawBufferPointer, _ scratch: inout StepScratch) {
        DedupRecords.write(deduplicator.keys(of: document.text), count: 2, into: record)
    }

    public func resolve(records: [UnsafeRawBufferPointer], statistics: inout StepStatistics) -> DeduplicationDecisions {
        DedupRecords.resolve(records, keysPerDoc: 2, columnsPerGroup: 2, statistics: &statistics)
    }
}

/// `decontaminate`: drops (or reports) documents sharing n-grams with the eval sets.
public struct DecontaminationStep: DocumentStep {
    /// The step name in recipes.
    public let name = "decontaminate"
    /// The eval n-gram index and its rule.
    public let filter: DecontaminationFilter

    /// A step over an eval index.
    public init(index: EvalNGramIndex) { filter = DecontaminationFilter(index: index) }

    public func process(_ document: inout Document, _ scratch: inout StepScratch) -> FilterVerdict {
        let verdict = filter.apply(to: &document)
        if document[metadata: "decontaminated_eval_id"] != nil { scratch.statistics.counters["contaminated", default: 0] += 1 }
        return verdict
    }
}

/// The executor's fixed-size records for the key-based dedup steps: keysPerDoc little-endian
/// UInt64, then one byte (1: the document has keys).
enum DedupRecords {
    static func write(_ keys: [UInt64]?, count: Int, into record: UnsafeMutableRawBufferPointer) {
        for k in 0 ..< count {
            record.storeBytes(of: (keys?[k] ?? 0).littleEndian, toByteOffset: k * 8, as: UInt64.self)
        }
        record[count * 8] = keys == nil ? 0 : 1
    }

    static func resolve(_ records: [UnsafeRawBufferPointer], keysPerDoc: Int, columnsPerGroup: Int,
                        statistics: inout StepStatistics) -> DeduplicationDecisions {
        let size = keysPerDoc * 8 + 1
        let shards = records.map { buffer in
            var shard = DedupKeys(keysPerDoc: keysPerDoc, parameterFingerprint: 0)
            for r in 0 ..< buffer.count / size {
                let base = r * size
                if buffer[base + keysPerDoc * 8] == 0 { shard.append(nil); continue }
                shard.append((0 ..< keysPerDoc).map {
                    UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: base + $0 * 8, as: UInt64.self))
                })
            }
            return shard
        }
        let clusters: DuplicateClusters
        do {
            clusters = try DuplicateClusters.find(shards: shards, columnsPerGroup: columnsPerGroup)
        } catch {
            // Only more than 2^32 documents get here: every document is kept and the run says so.
            statistics.counters["skipped_too_many_documents", default: 0] += 1
            return DeduplicationDecisions(representative: shards.map { [Int64](repeating: -1, count: $0.count) },
                                          clusterSizes: [:])
        }
        statistics.counters["clusters", default: 0] += clusters.members.count - clusters.droppedCount
        statistics.counters["duplicates", default: 0] += clusters.droppedCount
        return clusters.decisions()
    }
}

extension DuplicateClusters {
    /// The executor's form: per shard, per document, the cluster's first document or -1.
    public func decisions() -> DeduplicationDecisions {
        var representative = shardDocCounts.map { [Int64](repeating: -1, count: $0) }
        var sizes = [Int64: Int]()
        var shard = 0, start = 0
        for m in members {
            while shard < shardDocCounts.count && m.document >= start + shardDocCounts[shard] {
                start += shardDocCounts[shard]; shard += 1
            }
            guard shard < shardDocCounts.count else { break }
            representative[shard][m.document - start] = Int64(m.cluster)
            sizes[Int64(m.cluster)] = m.size
        }
        return DeduplicationDecisions(representative: representative, clusterSizes: sizes)
    }
}
