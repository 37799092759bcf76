import Synchronization

/// A bounded queue between many producers and consumers that take elements in batches.
/// A producer that finds it full waits until a consumer makes room (back-pressure), for as
/// long as it chooses to. A consumer may wait for a backlog: it is handed a batch only once at
/// least its minimum is queued.
package final class BatchQueue<Element: Sendable>: Sendable {
    private struct WaitingConsumer {
        var minimum: Int
        var maxCount: Int
        var resume: CheckedContinuation<[Element]?, Never>
    }

    private struct WaitingProducer {
        var id: UInt64
        var element: Element
        /// Resumed with true once the element is in, false when the producer gave up waiting.
        var resume: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var buffer: [Element] = []
        var waitingProducers: [WaitingProducer] = []
        var nextProducerID: UInt64 = 0
        /// In the order they came; elements go to the first whose minimum is queued.
        var waitingConsumers: [WaitingConsumer] = []
        var finished = false
    }

    package let capacity: Int
    private let state = Mutex(State())

    package init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Elements accepted and not yet taken, including those of waiting producers.
    package var depth: Int {
        state.withLock { $0.buffer.count + $0.waitingProducers.count }
    }

    /// Adds `element`, waiting while the queue is full. After `finish()` the element is still
    /// accepted, so nothing in flight during shutdown is lost.
    package func enqueue(_ element: Element) async {
        _ = await enqueue(element, waitingAtMost: nil)
    }

    /// Adds `element`, waiting while the queue is full, but not longer than `bound` (nil: as long
    /// as it takes). Returns false when the bound passed first; the element is then not queued.
    package func enqueue(_ element: Element, waitingAtMost bound: Duration?) async -> Bool {
        let accepted: Bool = state.withLock { state in
            guard state.buffer.count < capacity || state.finished else { return false }
            Self.deliver(element, &state, capacity)
            return true
        }
        if accepted { return true }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let waitingAs: UInt64? = state.withLock { state in
                // The consumer may have made room since the first look.
                if state.buffer.count < capacity {
                    Self.deliver(element, &state, capacity)
                    return nil
                }
                state.nextProducerID += 1
                state.waitingProducers.append(WaitingProducer(id: state.nextProducerID, element: element, resume: continuation))
                return state.nextProducerID
            }
            guard let waitingAs else { return continuation.resume(returning: true) }
            if let bound {
                Task {
                    try? await Task.sleep(for: bound)
                    self.giveUp(waitingAs)
                }
            }
        }
    }

    /// A producer's bound passed: it leaves the line unless its element moved in meanwhile.
    private func giveUp(_ id: UInt64) {
        let producer: WaitingProducer? = state.withLock { state in
            guard let index = state.waitingProducers.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waitingProducers.remove(at: index)
        }
        producer?.resume.resume(returning: false)
    }

    /// Adds `element` only if that needs no wait: false when the queue is full or producers are
    /// already waiting (they came first). For callers that cannot suspend, such as a channel
    /// handler on an event loop; they take a path that can wait instead of dropping.
    package func tryEnqueue(_ element: Element) -> Bool {
        state.withLock { state in
            guard (state.buffer.count < capacity && state.waitingProducers.isEmpty) || state.finished else { return false }
            Self.deliver(element, &state, capacity)
            return true
        }
    }

    /// Up to `maxCount` elements in arrival order, waiting until at least `minimum` are queued;
    /// nil once the queue is finished with fewer than that left (the rest is for consumers
    /// with a smaller minimum, so a finished queue drains in order).
    package func nextBatch(maxCount: Int, atLeast minimum: Int = 1) async -> [Element]? {
        let minimum = max(1, minimum)
        if let batch = state.withLock({ Self.ready(&$0, maxCount, minimum, capacity) }) { return batch.isEmpty ? nil : batch }
        return await withCheckedContinuation { continuation in
            let batch: [Element]? = state.withLock { state in
                if let batch = Self.ready(&state, maxCount, minimum, capacity) { return batch }
                state.waitingConsumers.append(WaitingConsumer(minimum: minimum, maxCount: maxCount, resume: continuation))
                return nil
            }
            if let batch { continuation.resume(returning: batch.isEmpty ? nil : batch) }
        }
    }

    /// No more waiting for elements: `nextBatch` returns what is left, then nil.
    package func finish() {
        // A waiting consumer's minimum is not queued, or it would have been served: it is done.
        let consumers = state.withLock { state in
            state.finished = true
            defer { state.waitingConsumers = [] }
            return state.waitingConsumers
        }
        for consumer in consumers { consumer.resume.resume(returning: nil) }
    }

    /// Buffers `element`, then hands batches to the waiting consumers it satisfies.
    private static func deliver(_ element: Element, _ state: inout State, _ capacity: Int) {
        state.buffer.append(element)
        serveConsumers(&state, capacity)
    }

    /// Hands each waiting consumer whose minimum is queued its batch, first come first served.
    private static func serveConsumers(_ state: inout State, _ capacity: Int) {
        while let index = state.waitingConsumers.firstIndex(where: { state.buffer.count >= $0.minimum }) {
            let consumer = state.waitingConsumers.remove(at: index)
            consumer.resume.resume(returning: take(&state, consumer.maxCount, capacity))
        }
    }

    /// A batch once `minimum` is queued, an empty one when the queue finished short of it, nil
    /// when the caller must wait.
    private static func ready(_ state: inout State, _ maxCount: Int, _ minimum: Int, _ capacity: Int) -> [Element]? {
        guard state.buffer.count >= minimum else { return state.finished ? [] : nil }
        let batch = take(&state, maxCount, capacity)
        // Producers that moved in may have made another consumer's minimum.
        serveConsumers(&state, capacity)
        return batch
    }

    private static func take(_ state: inout State, _ maxCount: Int, _ capacity: Int) -> [Element] {
        let count = min(maxCount, state.buffer.count)
        let batch = Array(state.buffer.prefix(count))
        state.buffer.removeFirst(count)
        // Room was made: waiting producers move in, in the order they came.
        while state.buffer.count < capacity, !state.waitingProducers.isEmpty {
            let producer = state.waitingProducers.removeFirst()
            state.buffer.append(producer.element)
            producer.resume.resume(returning: true)
        }
        return batch
    }
}
