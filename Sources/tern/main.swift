import ModelFiles
import Foundation
let f = try GGUFFile(path: CommandLine.arguments[1])
print(f.version, f.tensors.count, f.alignment, f.dataOffset)
for k in f.metadataKeys { let v = f.metadata[k]!; if case .array(let a) = v { print(k, "array", a.count) } else { print(k, v) } }
var counts: [String: Int] = [:]
for t in f.tensors { counts["\(t.type)", default: 0] += 1 }
print(counts)
for t in f.tensors.prefix(12) { print(t.name, t.shape, t.type) }
