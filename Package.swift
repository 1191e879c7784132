// swift-tools-version: 6.0
// Tern: the large-language-model production chain in Swift, on Linux, on a CPU.
import PackageDescription
import Foundation

// The numeric modules must be compiled for the machine's vector units: without a target CPU,
// Swift emits baseline x86-64 (no FMA, no AVX) and `SIMD16<Float>` math runs ~100x slower.
// `TERN_TARGET_CPU` overrides the default (`native`) with an LLVM CPU name, e.g. `haswell` or
// `skylake-avx512` for a binary that runs on other machines (the VNNI kernels need `icelake-server` or newer).
let env = ProcessInfo.processInfo.environment
let targetCPU = env["TERN_TARGET_CPU"] ?? "native"
#if arch(x86_64)
let cpuFlags: [String] = ["-target-cpu", targetCPU]
let cFlags: [String] = ["-march=\(targetCPU == "native" ? "native" : targetCPU)", "-O3"]
#else
let cpuFlags: [String] = []
let cFlags: [String] = ["-O3"]
#endif
/// Kernels: optimized even in debug builds (tests run real models), overflow checks off so that
/// index arithmetic does not block the auto-vectorizer.
let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"] + cpuFlags)]
/// Model-level code: optimized too, so that debug test runs of real models stay fast.
let modelSettings: [SwiftSetting] = [.unsafeFlags(["-O"] + cpuFlags)]

let package = Package(
    name: "Tern",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tern", targets: ["tern"]),
        .library(name: "Compute", targets: ["Compute"]),
        .library(name: "Autodiff", targets: ["Autodiff"]),
        .library(name: "ModelFiles", targets: ["ModelFiles"]),
        .library(name: "Tokenization", targets: ["Tokenization"]),
        .library(name: "Architectures", targets: ["Architectures"]),
        .library(name: "Generation", targets: ["Generation"]),
        .library(name: "Server", targets: ["Server"]),
        .library(name: "Corpus", targets: ["Corpus"]),
        .library(name: "Retrieval", targets: ["Retrieval"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        // Already in Hummingbird's graph; named here because Server imports them directly.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        // YAML run configs (`tern train --config run.yaml`).
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        // The RAG store: one SQLite file (Debian's libsqlite3-dev) through GRDB.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // The only C in Tern: int8 block dot products with AVX-512 VNNI (vpdpbusd), which Swift
        // cannot emit. Each function has a Swift twin in Compute that tests hold equal.
        .target(name: "CTernKernels", cSettings: [.unsafeFlags(cFlags)]),
        .target(name: "Compute", dependencies: ["CTernKernels"], swiftSettings: kernelSettings),
        // Reverse-mode gradients over the Compute kernels, AdamW, schedules: no models.
        .target(name: "Autodiff", dependencies: ["Compute"], swiftSettings: kernelSettings),
        .target(name: "ModelFiles", dependencies: ["Compute"], swiftSettings: modelSettings),
        .target(name: "Tokenization", dependencies: ["ModelFiles"], swiftSettings: modelSettings),
        .target(name: "Architectures", dependencies: ["Compute", "Autodiff", "ModelFiles", "Tokenization"],
                swiftSettings: modelSettings),
        .target(name: "Generation", dependencies: ["Architectures", "Tokenization"], swiftSettings: modelSettings),
        // The OpenAI-compatible HTTP edge: parsing, SSE, auth, limits, /metrics. No model logic.
        .target(name: "Server", dependencies: [
            "Generation", "Tokenization", "Architectures", "Compute",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ], swiftSettings: modelSettings),
        // Training loops: pretraining, SFT, LoRA, DPO, checkpoints with exact resume, export.
        .target(name: "Training", dependencies: ["Architectures", "Autodiff", "Compute", "ModelFiles", "Tokenization",
                                                 .product(name: "Yams", package: "Yams")],
                swiftSettings: modelSettings),
        // Debian's zlib and zstd (-dev packages), for .gz / .zst corpus files and WARC archives.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // The data pipeline: readers, extraction, language ID, filters, PII, dedup, executor.
        .target(name: "Corpus", dependencies: ["Compute", "ModelFiles", "Tokenization", "CZlib", "CZstd",
                                               .product(name: "Yams", package: "Yams")],
                swiftSettings: modelSettings),
        // Retrieval: chunking, BM25, HNSW, hybrid search, the SQLite store (GRDB), ingestion through
        // Corpus' readers and HTML extraction, embeddings through Architectures' BERT, grounded
        // answers through Generation.
        .target(name: "Retrieval", dependencies: ["CTernKernels", "Autodiff", "ModelFiles", "Compute", "Tokenization", "Architectures", "Corpus",
                                                  "Generation", .product(name: "GRDB", package: "GRDB.swift")],
                swiftSettings: modelSettings),
        .executableTarget(name: "tern", dependencies: [
            "Training", "Corpus", "Retrieval", "Generation", "Architectures", "Tokenization", "ModelFiles", "Compute", "Server",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: modelSettings),
        .target(name: "TestSupport", dependencies: ["ModelFiles", "Compute"], path: "Tests/TestSupport"),
        .testTarget(name: "ComputeTests", dependencies: ["Compute", "TestSupport"]),
        .testTarget(name: "AutodiffTests", dependencies: ["Autodiff", "TestSupport"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["ModelFiles", "TestSupport"]),
        .testTarget(name: "TokenizationTests", dependencies: ["Tokenization", "TestSupport"]),
        .testTarget(name: "ArchitecturesTests", dependencies: ["Architectures", "Autodiff", "Generation", "Tokenization", "TestSupport"]),
        .testTarget(name: "GenerationTests", dependencies: ["Generation", "Tokenization", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Architectures", "Autodiff", "Compute", "ModelFiles", "Tokenization", "TestSupport"]),
        .testTarget(name: "CorpusTests", dependencies: ["Corpus", "ModelFiles", "TestSupport"]),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval", "ModelFiles", "Architectures", "TestSupport",
                                                        .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "TernCLITests", dependencies: ["TestSupport", "tern"]),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "Generation", "Tokenization", "TestSupport", .product(name: "Logging", package: "swift-log"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
