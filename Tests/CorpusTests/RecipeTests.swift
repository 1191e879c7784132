import Foundation
import Testing
import ModelFiles
@testable import Corpus

@Suite struct RecipeTests {
    @Test func parsesARecipeAndItsSteps() throws {
        let r = try Recipe.parse("""
            name: web
            inputs:
              - path: raw/
                text_key: html
              - more.jsonl.gz
            output: out
            workers: 3
            on_error: fail
            steps:
              - url_filter: {block_domains: [spam.example], soft_word_threshold: 3}
              - tokenize: {tokenizer: tok.json, shard_tokens: 1000}
            """, file: "web.yaml", baseDirectory: "/data")
        #expect(r.inputs == [.init(path: "raw/", textKey: "html"), .init(path: "more.jsonl.gz")])
        #expect(r.workers == 3 && r.onError == .fail && r.resolve(r.output) == "/data/out")
        let plan = try StepCatalog.plan(for: r)
        #expect(plan.segments.count == 1 && plan.segments[0].map(\.label) == ["00_url_filter"])
        #expect(plan.tokenize?.shardTokens == 1000 && plan.tokenize?.tokenizer == "tok.json")
    }

    @Test(arguments: [
        ("inputs: [a]\noutput: o\nsteps: [url_filter]\nextra: 1\n", "extra: unknown field"),
        ("inputs: [a]\noutput: o\nsteps: [nonsense]\n", "steps[0].nonsense: unknown step 'nonsense'"),
        ("inputs: [a]\noutput: o\nsteps:\n  - url_filter: {soft_threshold: 2}\n", "steps[0].url_filter: unknown parameter 'soft_threshold'"),
        ("inputs: [a]\noutput: o\nsteps:\n  - url_filter: {soft_word_threshold: many}\n", "steps[0].url_filter.soft_word_threshold: wrong type"),
        ("inputs: [a]\noutput: o\nsteps:\n  - tokenize: {tokenizer: t.json}\n  - url_filter\n", "tokenize must be the last step"),
        ("inputs: []\noutput: o\nsteps: []\n", "inputs: must be a path"),
        ("inputs: [a]\noutput: o\nworkers: 0\nsteps: []\n", "workers: must be an integer"),
        ("inputs: [a]\noutput: o\nsteps: [url_filter\n", "not valid YAML"),
        ("inputs: [a]\noutput: o\nsteps:\n  - pii: {kinds: [email, ip_address]}\n", "steps[0].pii.kinds[1]: "),
    ])
    func badRecipesNameTheField(text: String, expected: String) throws {
        do {
            let r = try Recipe.parse(text, file: "r.yaml", baseDirectory: ".")
            _ = try StepCatalog.plan(for: r)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix("r.yaml: "), "\(error)")
            #expect(error.description.contains(expected), "\(error)")
        }
    }
}

@Suite struct URLFilterTests {
    func filter() throws -> URLFilter {
        var c = URLFilter.Configuration()
        c.blockDomains = ["spam.example", "ads.tracker.net"]
        c.blockUrls = ["https://good.example/bad-page"]
        c.bannedWords = ["casino"]
        c.softBannedWords = ["free", "win", "prize"]
        c.bannedSubwords = ["viagra"]
        return try URLFilter(c)
    }

    @Test(arguments: [
        ("https://spam.example/a", "drop(domain)"),
        ("http://www.spam.example:8080/x?y#z", "drop(domain)"),
        ("https://user@deep.ads.tracker.net/", "drop(domain)"),
        ("https://tracker.net/", "keep"),
        ("https://notspam.example/", "keep"),
        ("https://good.example/bad-page", "drop(url)"),
        ("https://good.example/Casino-night", "drop(hard_blacklisted)"),
        ("https://good.example/casinos", "keep"),
        ("https://good.example/win-a-free-car", "drop(soft_blacklisted)"),
        ("https://good.example/free-software", "keep"),
        ("https://good.example/buy_V-i-a-g-r-a", "drop(blacklisted_subword)"),
    ])
    func decides(url: String, expected: String) throws {
        #expect(try filter().verdict(url: url).description == expected)
    }

    @Test func keepsDocumentsWithoutAURL() throws {
        var doc = Document(id: "a", text: "t")
        var scratch = StepScratch()
        #expect(try filter().process(&doc, &scratch) == .keep)
        #expect(scratch.statistics.counters["without_url"] == 1)
        doc[metadata: "url"] = .string("https://spam.example/")
        #expect(try filter().process(&doc, &scratch) == .drop(reason: "domain"))
    }
}

@Suite struct StepCatalogTests {
    @Test func everyStepPlansWithDefaultsAndWithParameters() throws {
        let r = try Recipe.parse("""
            inputs: [a]
            output: o
            steps:
              - extract_html
              - normalize: {normal_form: nfkc, fix_mojibake: false}
              - url_filter
              - pii: {preset: datatrove}
              - pii: {kinds: [email, credit_card]}
              - gopher_quality: {min_doc_words: 20, max_doc_words: null}
              - gopher_repetition
              - c4_quality: {filter_no_terminal_punct: false}
              - fineweb_quality: {line_punct_thr: 0.2}
            """, file: "r.yaml", baseDirectory: ".")
        let plan = try StepCatalog.plan(for: r)
        #expect(plan.segments[0].map(\.step.name) == ["extract_html", "normalize", "url_filter", "pii", "pii", "gopher_quality",
                                                     "gopher_repetition", "c4_quality", "fineweb_quality"])
        let gopher = try #require(plan.segments[0][5].step as? GopherQualityStep)
        #expect(gopher.filter.configuration.minDocWords == 20 && gopher.filter.configuration.maxDocWords == nil)
        #expect(gopher.filter.configuration.minAvgWordLength == 3)
        let c4 = try #require(plan.segments[0][7].step as? C4QualityStep)
        #expect(!c4.filter.configuration.filterNoTerminalPunct && c4.filter.configuration.minNumSentences == 5)
        let fineweb = try #require(plan.segments[0][8].step as? FineWebQualityStep)
        #expect(fineweb.filter.configuration.linePunctThr == 0.2)
        let datatrove = try #require(plan.segments[0][3].step as? PIIStep)
        #expect(datatrove.redactor.configuration == .datatrove)
        let custom = try #require(plan.segments[0][4].step as? PIIStep)
        #expect(custom.redactor.configuration.kinds == [.email, .creditCard])
        let normalize = try #require(plan.segments[0][1].step as? NormalizeStep)
        #expect(normalize.cleaner.options.normalForm == .nfkc && !normalize.cleaner.options.fixMojibake)
    }
}

@Suite struct DedupStepCatalogTests {
    @Test func dedupStepsCutTheRunIntoStages() throws {
        let dir = NSTemporaryDirectory() + "catalog-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let eval = #"{"id": "q1", "text": "one two three four five six seven eight nine ten eleven twelve thirteen fourteen"}"#
        try #require(FileManager.default.createFile(atPath: dir + "/eval.jsonl", contents: Data((eval + "\n").utf8)))
        let r = try Recipe.parse("""
            inputs: [a]
            output: o
            steps:
              - exact_dedup: {lowercase: true}
              - decontaminate: {eval_sets: [eval.jsonl], n_gram_size: 13}
              - minhash_dedup: {bands: 20, rows: 5}
              - url_filter
            """, file: dir + "/r.yaml", baseDirectory: dir)
        let plan = try StepCatalog.plan(for: r)
        #expect(plan.barriers.map(\.label) == ["00_exact_dedup", "02_minhash_dedup"])
        #expect(plan.segments.map { $0.map(\.label) } == [[], ["01_decontaminate"], ["03_url_filter"]])
        #expect(plan.labels == ["00_exact_dedup", "01_decontaminate", "02_minhash_dedup", "03_url_filter"])
        let minhash = try #require(plan.barriers[1].step as? MinHashDedupStep)
        #expect(minhash.recordSize == 20 * 8 + 1)
        var doc = Document(id: "d", text: "Intro. One, two, THREE four five six seven eight nine ten eleven twelve thirteen! End.")
        var scratch = StepScratch()
        #expect(plan.segments[1][0].step.process(&doc, &scratch) == .drop(reason: "decontaminated"))
        let missing = try Recipe.parse("inputs: [a]\noutput: o\nsteps:\n  - decontaminate: {}\n", file: "r.yaml", baseDirectory: ".")
        #expect(throws: CorpusError.self) { try StepCatalog.plan(for: missing) }
    }
}
