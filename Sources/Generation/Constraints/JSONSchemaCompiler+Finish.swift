// The last pass over the compiled graph: flatten nested alternatives, find which nodes some
// finite document satisfies, and cut every way into the others, so that a matcher that is still
// alive can always finish its document.
extension JSONSchemaCompiler {
    mutating func finish(root: Int32) throws(JSONSchemaError) {
        flattenAlternatives()
        let satisfiable = satisfiableNodes()
        guard satisfiable[Int(root)] else {
            throw .unsatisfiable(path: "#", reason: "every document it allows is infinite or empty (a required recursion without a way out?)")
        }
        pruneUnsatisfiable(satisfiable)
        buildKeySets(satisfiable)
    }

    /// Each `anyOf` lists the non-`anyOf` nodes it reaches through nested `anyOf`s and `$ref`s,
    /// each once (an `anyOf` that contains itself adds nothing).
    private mutating func flattenAlternatives() {
        let original = nodes, choices = alternatives
        for i in original.indices where original[i].kind == .anyOf {
            var leaves = [Int32](), seen: Set<Int32> = [Int32(i)]
            var stack = Array(choices[Int(original[i].a)..<Int(original[i].b)].reversed())
            while let n = stack.popLast() {
                guard seen.insert(n).inserted else { continue }
                let node = original[Int(n)]
                if node.kind == .anyOf { stack += choices[Int(node.a)..<Int(node.b)].reversed() } else { leaves.append(n) }
            }
            nodes[i] = Node(kind: .anyOf, a: Int32(alternatives.count), b: Int32(alternatives.count + leaves.count))
            alternatives += leaves
        }
    }

    /// Least fixed point of "some finite document satisfies this node".
    private func satisfiableNodes() -> [Bool] {
        var ok = [Bool](repeating: false, count: nodes.count)
        var changed = true
        while changed {
            changed = false
            for i in nodes.indices where !ok[i] {
                let node = nodes[i]
                let now: Bool
                switch node.kind {
                case .string, .integer, .number: now = true
                case .literals: now = node.a < node.b
                case .anyOf: now = alternatives[Int(node.a)..<Int(node.b)].contains { ok[Int($0)] }
                case .array:
                    let s = arrays[Int(node.a)]
                    now = (0..<s.minItems).allSatisfy { index in
                        let item = itemNode(s, index)
                        return item >= 0 && ok[Int(item)]
                    }
                case .object:
                    let s = objects[Int(node.a)]
                    now = properties[Int(s.propertyStart)..<Int(s.propertyStart + s.propertyCount)]
                        .allSatisfy { !$0.required || ok[Int($0.value)] }
                }
                if now { ok[i] = true; changed = true }
            }
        }
        return ok
    }

    func itemNode(_ s: JSONSchema.ArrayShape, _ index: Int32) -> Int32 {
        index < s.prefixCount ? itemNodes[Int(s.prefixStart + index)] : s.items
    }

    /// Alternatives, array items and free-form object values that nothing satisfies are removed;
    /// optional properties are removed in `buildKeySets`.
    private mutating func pruneUnsatisfiable(_ ok: [Bool]) {
        for i in nodes.indices where nodes[i].kind == .anyOf {
            let kept = alternatives[Int(nodes[i].a)..<Int(nodes[i].b)].filter { ok[Int($0)] }
            nodes[i] = Node(kind: .anyOf, a: Int32(alternatives.count), b: Int32(alternatives.count + kept.count))
            alternatives += kept
        }
        for i in arrays.indices {
            var s = arrays[i]
            if s.items >= 0 && !ok[Int(s.items)] { s.items = -1 }
            var usable: Int32 = 0
            while usable < s.prefixCount && ok[Int(itemNodes[Int(s.prefixStart + usable)])] { usable += 1 }
            if usable < s.prefixCount || s.items < 0 { s.maxItems = min(s.maxItems, usable) }
            arrays[i] = s
        }
        for i in objects.indices where objects[i].additional >= 0 && !ok[Int(objects[i].additional)] {
            objects[i].additional = -1
        }
    }

    /// For each object and each count i of properties done, the sorted literal set of the keys
    /// that may come next: properties i, i+1, ... up to and including the first required one.
    private mutating func buildKeySets(_ ok: [Bool]) {
        for o in objects.indices {
            let s = objects[o]
            objects[o].keySetStart = Int32(keySets.count)
            for i in 0...s.propertyCount {
                keySets.append(Int32(literals.count))
                var candidates = [Int32]()
                var j = i
                while j < s.propertyCount {
                    let p = properties[Int(s.propertyStart + j)]
                    if ok[Int(p.value)] { candidates.append(j) }
                    if p.required { break }
                    j += 1
                }
                func key(_ j: Int32) -> ArraySlice<UInt8> {
                    let p = properties[Int(s.propertyStart + j)]
                    return literalBytes[Int(p.keyStart)..<Int(p.keyEnd)]
                }
                for j in candidates.sorted(by: { key($0).lexicographicallyPrecedes(key($1)) }) {
                    let p = properties[Int(s.propertyStart + j)]
                    literals.append(JSONSchema.Literal(start: p.keyStart, end: p.keyEnd, payload: j))
                }
            }
            keySets.append(Int32(literals.count))
        }
    }
}
