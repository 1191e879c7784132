/// The steps a recipe can name, and how each is built from its parameters.
public enum StepCatalog {
    /// Every step name a recipe may use, in the order a typical recipe uses them.
    public static let names = ["url_filter", "tokenize"]

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
