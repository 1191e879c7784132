import Foundation

/// Reads a 1-D little-endian float32 `.npy` file (the format of the llama.cpp logit fixtures).
public enum Numpy {
    public enum Failure: Error { case notNpy(String), unsupported(String) }

    public static func readFloat32(_ path: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard data.count > 10, data.prefix(6) == Data([0x93] + Array("NUMPY".utf8)) else { throw Failure.notNpy(path) }
        let major = data[6]
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(data[8]) | Int(data[9]) << 8
            headerStart = 10
        } else {
            headerLength = Int(data[8]) | Int(data[9]) << 8 | Int(data[10]) << 16 | Int(data[11]) << 24
            headerStart = 12
        }
        let header = String(decoding: data[headerStart..<headerStart + headerLength], as: UTF8.self)
        guard header.contains("'<f4'"), header.contains("'fortran_order': False") else { throw Failure.unsupported(header) }
        let body = data[(headerStart + headerLength)...]
        return body.withUnsafeBytes { raw in
            (0..<raw.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}

/// The llama.cpp greedy references (Tests/Fixtures/inference/<model>.json).
public struct InferenceFixture: Decodable, Sendable {
    public struct Vocab: Decodable, Sendable {
        public let n_vocab: Int
        public let add_bos: Bool
        public let eog_ids_below_vocab: [Int]?
    }
    public struct Candidate: Decodable, Sendable {
        public let id: Int
        public let logit: Float
        public let piece: String
    }
    public struct Step: Decodable, Sendable {
        public let step: Int
        public let chosen: Int
        public let top5: [Candidate]
    }
    public struct Message: Decodable, Sendable {
        public let role: String
        public let content: String
    }
    public struct Prompt: Decodable, Sendable {
        public let id: String
        public let kind: String
        public let messages: [Message]?
        public let prompt_text: String
        public let prompt_token_ids: [Int]
        public let generated_token_ids: [Int]
        public let generated_text: String
        public let first_eog_index: Int?
        public let first_position_top5: [Candidate]
        public let per_step_top5: [Step]
    }
    public struct TokenizerCase: Decodable, Sendable {
        public let text: String
        public let ids: [Int]
        public let ids_parse_special: [Int]
        public let ids_add_special: [Int]
        public let roundtrip_ok: Bool
    }

    public let model_key: String
    public let model_file: String
    public let vocab: Vocab
    public let prompts: [Prompt]
    public let tokenizer_cases: [TokenizerCase]

    /// Fixture keys by catalog short name.
    public static let keys: [String: String] = [
        "smollm2-135m": "smollm2-135m-instruct-q4_1",
        "gemma3-270m": "gemma-3-270m-q4_k_m",
        "qwen2.5-0.5b": "qwen2.5-coder-0.5b-instruct-q4_k_m",
        "qwen2.5-1.5b": "qwen2.5-coder-1.5b-instruct-q4_k_m",
    ]

    public static func load(_ shortName: String) throws -> InferenceFixture {
        let path = TestEnvironment.fixturePath("inference/\(keys[shortName]!).json")
        return try JSONDecoder().decode(InferenceFixture.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    public func firstLogits(_ promptID: String) throws -> [Float] {
        try Numpy.readFloat32(TestEnvironment.fixturePath("inference/\(model_key).\(promptID).first_logits.npy"))
    }
}

/// How much llama.cpp disagrees with itself on the same prompts when the prompt is evaluated
/// token by token instead of in one batch (Tests/Fixtures/inference/make_noise_refs.py).
public struct ReferenceNoise: Decodable, Sendable {
    public struct Prompt: Decodable, Sendable {
        public let id: String
        public let first_logits_mean_abs_diff: Float
        public let first_logits_max_abs_diff: Float
        public let first_top5_max_abs_diff: Float
        public let first_divergence: Int?
        public let batch_top2_margin_at_divergence: Float?
    }
    public let prompts: [Prompt]

    public static func load(_ shortName: String) throws -> ReferenceNoise {
        let path = TestEnvironment.fixturePath("inference/\(InferenceFixture.keys[shortName]!).noise.json")
        return try JSONDecoder().decode(ReferenceNoise.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Mean over prompts of the whole-vocabulary mean |Δ| of the first-position logits.
    public var meanLogitNoise: Float { prompts.map(\.first_logits_mean_abs_diff).reduce(0, +) / Float(prompts.count) }
    /// Largest |Δ| seen on a top-5 logit of the first position.
    public var topLogitNoise: Float { prompts.map(\.first_top5_max_abs_diff).max()! }
}
