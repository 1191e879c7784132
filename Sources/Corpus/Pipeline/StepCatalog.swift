/// The steps a recipe can name, and how each is built from its parameters.
public enum StepCatalog {
    /// Every step name a recipe may use, in the order a typical recipe uses them.
    public static let names = ["extract_html", "normalize", "url_filter", "language", "gopher_repetition", "gopher_quality",
                               "c4_quality", "fineweb_quality", "pii", "exact_dedup", "minhash_dedup", "decontaminate", "tokenize"]

    /// Resolves `recipe.steps` into a plan (each step's parameters checked against its
    /// configuration; an unknown step or parameter is an error naming the recipe and step).
    public static func plan(for recipe: Recipe) throws(CorpusError) -> PipelinePlan {
        var steps = [PlannedStep]()
        var tokenize: TokenizeSettings?
        for (i, step) in recipe.steps.enumerated() {
            let path = "steps[\(i)].\(step.name)"
            func config<T: Codable>(_ defaults: T) throws(CorpusError) -> T {
                try StepConfiguration.decode(T.self, from: step.parameters, defaults: defaults, file: recipe.file, path: path)
            }
            if tokenize != nil { throw .recipe(file: recipe.file, field: path, reason: "tokenize must be the last step") }
            switch step.name {
            case "extract_html":
                do { steps.append(.document(ExtractHTMLStep(extractor: try HTMLExtractor(configuration: config(HTMLExtractionConfiguration()))))) }
                catch let e as CorpusError { throw e } catch { throw .recipe(file: recipe.file, field: path, reason: "\(error)") }
            case "normalize":
                steps.append(.document(NormalizeStep(cleaner: UnicodeCleaner(options: try config(UnicodeCleaner.Options())))))
            case "language":
                let c = try config(LanguageFilter.Configuration())
                let identifier: LanguageIdentifier
                do { identifier = try LanguageIdentifier.locate() } catch { throw .step(name: step.name, reason: "\(error)") }
                steps.append(.document(LanguageStep(filter: LanguageFilter(configuration: c, identifier: identifier))))
            case "pii":
                // `preset: datatrove` starts from datatrove's PIIFormatter (e-mail and IPv4, its
                // replacements); other parameters override either preset.
                var parameters = step.parameters as? [String: Any] ?? [:]
                let preset = parameters.removeValue(forKey: "preset") as? String ?? "tern"
                guard preset == "tern" || preset == "datatrove" else {
                    throw .recipe(file: recipe.file, field: path + ".preset", reason: "must be tern or datatrove")
                }
                let c = try StepConfiguration.decode(PIIRedactor.Configuration.self, from: parameters,
                                                     defaults: preset == "datatrove" ? .datatrove : .init(), file: recipe.file, path: path)
                do { steps.append(.document(PIIStep(redactor: try PIIRedactor(configuration: c)))) }
                catch { throw .recipe(file: recipe.file, field: path, reason: "\(error)") }
            case "gopher_quality":
                steps.append(.document(GopherQualityStep(filter: GopherQualityFilter(try config(GopherQualityFilter.Configuration())))))
            case "gopher_repetition":
                steps.append(.document(GopherRepetitionStep(filter: GopherRepetitionFilter(try config(GopherRepetitionFilter.Configuration())))))
            case "c4_quality":
                steps.append(.document(C4QualityStep(filter: C4QualityFilter(try config(C4QualityFilter.Configuration())))))
            case "fineweb_quality":
                steps.append(.document(FineWebQualityStep(filter: FineWebQualityFilter(try config(FineWebQualityFilter.Configuration())))))
            case "exact_dedup":
                steps.append(.deduplication(ExactDedupStep(normalization: try config(ExactNormalization()))))
            case "minhash_dedup":
                do { steps.append(.deduplication(try MinHashDedupStep(config: config(MinHashConfig())))) }
                catch let e as CorpusError { throw e } catch { throw .recipe(file: recipe.file, field: path, reason: "\(error)") }
            case "decontaminate":
                // `eval_sets`: JSONL files of evaluation examples (their `text_field`); the rest
                // configures the n-gram match.
                var parameters = step.parameters as? [String: Any] ?? [:]
                let sets = parameters.removeValue(forKey: "eval_sets") ?? []
                guard let paths = sets as? [String], !paths.isEmpty else {
                    throw .recipe(file: recipe.file, field: path + ".eval_sets", reason: "a list of JSONL files of evaluation examples is needed")
                }
                let c = try StepConfiguration.decode(DecontaminationConfig.self, from: parameters, defaults: DecontaminationConfig(),
                                                     file: recipe.file, path: path)
                do {
                    var index = try EvalNGramIndex(config: c)
                    for p in paths { try index.addJSONL(path: recipe.resolve(p)) }
                    steps.append(.document(DecontaminationStep(index: index)))
                } catch { throw .step(name: step.name, reason: "\(error)") }
            case "url_filter":
                steps.append(.document(try URLFilter(config(URLFilter.Configuration()), resolve: recipe.resolve)))
            case "tokenize":
                let settings = try config(TokenizeSettings())
                guard !settings.tokenizer.isEmpty else { throw .recipe(file: recipe.file, field: path + ".tokenizer", reason: "a tokenizer.json path is needed") }
                tokenize = settings
            default:
                throw .recipe(file: recipe.file, field: path, reason: "unknown step '\(step.name)' (known: \(names.joined(separator: ", ")))")
            }
        }
        return PipelinePlan(steps: steps, tokenize: tokenize)
    }
}
