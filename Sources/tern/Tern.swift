import ArgumentParser

/// `tern`: the command line of the Tern LLM chain.
@main
struct Tern: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tern",
        abstract: "Run, serve, train and evaluate language models in Swift on a CPU.",
        subcommands: [GenerateCommand.self, ChatCommand.self, ServeCommand.self, TokenizeCommand.self, TokenizerCommand.self, DataCommand.self, EmbedCommand.self, RagCommand.self, TrainCommand.self, ExportCommand.self, BenchCommand.self, InfoCommand.self])
}
