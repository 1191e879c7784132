import Testing
@testable import Generation

@Suite struct StopSequencesTests {
    /// Feeds pieces; returns (all emitted text, whether it stopped, pieces emitted before the stop).
    func run(_ stops: [String], _ pieces: [String]) -> (text: String, stopped: Bool) {
        var s = StopSequences(stops)
        var text = ""
        for p in pieces {
            let (emit, stopped) = s.push(p)
            text += emit
            if stopped { return (text, true) }
        }
        return (text + s.flush(), false)
    }

    @Test func stopsBeforeTheStopString() {
        #expect(run(["END"], ["Hello ", "wor", "ld E", "ND and more"]) == ("Hello world ", true))
    }

    @Test func neverEmitsAPartialStopString() {
        var s = StopSequences(["<|end|>"])
        #expect(s.push("abc<|e").emit == "abc")
        #expect(s.push("n").emit == "")
        // Not a stop after all: released.
        #expect(s.push("x").emit == "<|enx")
    }

    @Test func earliestOfSeveralStops() {
        #expect(run(["bar", "foo"], ["xx foo yy bar"]) == ("xx ", true))
    }

    @Test func noStopsPassesThrough() {
        #expect(run([], ["a", "b"]) == ("ab", false))
    }

    @Test func heldTextIsFlushedAtTheEnd() {
        #expect(run(["STOP"], ["one ST"]) == ("one ST", false))
    }

    @Test func stopAtTheVeryStart() {
        #expect(run(["\n\n"], ["\n", "\nrest"]) == ("", true))
    }
}
