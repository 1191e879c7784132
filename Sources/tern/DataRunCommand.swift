import ArgumentParser
import Corpus
import Foundation

/// `tern data run recipe.yaml`: a thin shell over `CorpusRun`.
struct RunDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a data-pipeline recipe: extraction, language ID, quality filters, PII, dedup, decontamination, tokenization.",
        discussion: """
            The recipe (YAML or JSON) names the inputs (JSONL, .gz/.zst, folders of .txt/.md/.html, WARC), \
            the output folder and the ordered steps with their parameters. Output: data/ (kept documents, \
            one JSONL per input file), removed/STEP/ (what each step removed, with filter_reason), \
            report.json and report.html. Started again on the same output folder, a run resumes: \
            finished tasks are kept, unfinished ones redone, and the files come out byte-identical \
            to an uninterrupted run. Steps: \(StepCatalog.names.joined(separator: ", ")).
            """)

    @Argument(help: "The recipe file (YAML or JSON).")
    var recipe: String

    @Option(help: "Parallel tasks (overrides the recipe's workers).")
    var workers: Int?

    @Flag(help: "No progress line on stderr.")
    var noProgress = false

    func run() throws {
        var r = try Recipe.load(path: recipe)
        if let workers {
            guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
            r.workers = workers
        }
        let run = try CorpusRun(recipe: r, showProgress: !noProgress && isatty(2) != 0)
        let report = try run.run()
        let err = FileHandle.standardError
        err.write(Data(("\(report.read.documentsOut) documents read, \(report.output.documentsOut) kept"
            + (report.tokens.map { ", \($0.tokens) tokens in \($0.shards) shard(s)" } ?? "")
            + String(format: " (%.1f s)\n", report.seconds)).utf8))
        err.write(Data("wrote \(run.output)/data, \(run.output)/report.html\n".utf8))
    }
}
