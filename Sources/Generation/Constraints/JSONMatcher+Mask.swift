extension JSONMatcher {
    /// Sets `mask[id]` for every token of `trie` whose bytes may come next, clears the rest.
    ///
    /// Walks the trie depth first, keeping the stacks after each byte of the current path as one
    /// level of a flat buffer: a node steps its parent level by its byte, and a node whose level
    /// comes out empty is skipped with its whole subtree. Going back up only cuts the buffer and
    /// the arena, so the walk allocates nothing once the buffers have grown.
    func allowedTokens(in trie: TokenTrie, into mask: inout [Bool]) {
        mask.withUnsafeMutableBufferPointer { $0.update(repeating: false) }
        var stepper = makeStepper()
        // levelEnd[k]: end in `out` of the stacks after k bytes; those start at levelEnd[k - 1]
        // (at 0 for k = 0). arenaEnd[k]: arena length after k bytes.
        var levelEnd = [Int](repeating: 0, count: trie.maxTokenLength + 1)
        var arenaEnd = levelEnd
        levelEnd[0] = stepper.out.count
        arenaEnd[0] = stepper.arena.count
        let limit = mask.count
        trie.nodes.withUnsafeBufferPointer { nodes in
            trie.tokenIDs.withUnsafeBufferPointer { tokenIDs in
                var i = 0
                let count = nodes.count - 1  // the last node is a sentinel
                while i < count {
                    let node = nodes[i]
                    let depth = Int(node.depth)
                    let parentStart = depth >= 2 ? levelEnd[depth - 2] : 0, parentEnd = levelEnd[depth - 1]
                    stepper.out.cut(to: parentEnd)
                    stepper.arena.cut(to: arenaEnd[depth - 1])
                    stepper.levelStart = parentEnd
                    for k in parentStart..<parentEnd { stepper.step(stepper.out[k], node.byte) }
                    if stepper.out.count == parentEnd {
                        i = Int(node.subtreeEnd)
                        continue
                    }
                    levelEnd[depth] = stepper.out.count
                    arenaEnd[depth] = stepper.arena.count
                    for t in Int(node.tokenStart)..<Int(nodes[i + 1].tokenStart) {
                        let id = Int(tokenIDs[t])
                        if id < limit { mask[id] = true }
                    }
                    i += 1
                }
            }
        }
    }
}
