/// An Aho–Corasick automaton over bytes, compiled to a dense table: finding every keyword in a
/// text costs one table lookup per byte, however many keywords there are.
struct ByteAutomaton: Sendable {
    /// Byte → column; 0 stands for every byte that occurs in no keyword.
    private let columns: [UInt8]
    private let columnCount: Int
    /// `transitions[state * columnCount + column]` is the next state.
    private let transitions: [Int32]
    /// The keyword ids that end at each state, as ranges into `outputIDs`.
    private let outputStart: [Int32]
    private let outputEnd: [Int32]
    private let outputIDs: [Int32]

    /// - Parameter keywords: byte strings with the id reported when one is found; ids need not be unique.
    init(keywords: [(bytes: [UInt8], id: Int)]) {
        var columns = [UInt8](repeating: 0, count: 256)
        var nextColumn = 1
        for keyword in keywords {
            for byte in keyword.bytes where columns[Int(byte)] == 0 {
                precondition(nextColumn < 256, "more distinct keyword bytes than columns")
                columns[Int(byte)] = UInt8(nextColumn)
                nextColumn += 1
            }
        }
        let columnCount = nextColumn

        // The trie, with -1 for a missing edge.
        var goto: [[Int32]] = [[Int32](repeating: -1, count: columnCount)]
        var outputs: [[Int32]] = [[]]
        for keyword in keywords where !keyword.bytes.isEmpty {
            var state = 0
            for byte in keyword.bytes {
                let column = Int(columns[Int(byte)])
                if goto[state][column] < 0 {
                    goto.append([Int32](repeating: -1, count: columnCount))
                    outputs.append([])
                    goto[state][column] = Int32(goto.count - 1)
                }
                state = Int(goto[state][column])
            }
            outputs[state].append(Int32(keyword.id))
        }

        // Breadth-first: failure links, then missing edges filled in so the table is a DFA.
        var failure = [Int](repeating: 0, count: goto.count)
        var queue: [Int] = []
        for column in 0..<columnCount {
            if goto[0][column] < 0 {
                goto[0][column] = 0
            } else {
                queue.append(Int(goto[0][column]))
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            outputs[state] += outputs[failure[state]]
            for column in 0..<columnCount {
                let child = Int(goto[state][column])
                if child < 0 {
                    goto[state][column] = goto[failure[state]][column]
                } else {
                    failure[child] = Int(goto[failure[state]][column])
                    queue.append(child)
                }
            }
        }

        var start: [Int32] = []
        var end: [Int32] = []
        var ids: [Int32] = []
        for stateOutputs in outputs {
            start.append(Int32(ids.count))
            ids += stateOutputs
            end.append(Int32(ids.count))
        }
        self.columns = columns
        self.columnCount = columnCount
        self.transitions = goto.flatMap { $0 }
        self.outputStart = start
        self.outputEnd = end
        self.outputIDs = ids
    }

    /// Calls `found` with the id of every keyword occurrence in `text`, in text order;
    /// `found` returns false to stop the scan early.
    func scan(_ text: some Sequence<UInt8>, _ found: (Int) -> Bool) {
        var state = 0
        for byte in text {
            state = Int(transitions[state &* columnCount &+ Int(columns[Int(byte)])])
            var index = Int(outputStart[state])
            let end = Int(outputEnd[state])
            while index < end {
                if !found(Int(outputIDs[index])) { return }
                index += 1
            }
        }
    }
}
