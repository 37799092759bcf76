import Storage
import Synchronization
import Testing

@Suite struct BatchQueueTests {
    @Test func batchesKeepArrivalOrderAndRespectTheMaximum() async {
        let queue = BatchQueue<Int>(capacity: 100)
        for value in 0..<10 { await queue.enqueue(value) }
        #expect(await queue.nextBatch(maxCount: 4) == [0, 1, 2, 3])
        #expect(await queue.nextBatch(maxCount: 100) == [4, 5, 6, 7, 8, 9])
    }

    @Test func aFullQueueMakesProducersWaitInsteadOfDropping() async throws {
        let queue = BatchQueue<Int>(capacity: 2)
        let done = Mutex(false)
        await queue.enqueue(1)
        await queue.enqueue(2)
        let producer = Task {
            await queue.enqueue(3)
            done.withLock { $0 = true }
        }
        // The producer is in line once the depth counts its element.
        while queue.depth < 3 { await Task.yield() }
        #expect(done.withLock { $0 } == false)
        #expect(await queue.nextBatch(maxCount: 10) == [1, 2])
        await producer.value
        #expect(done.withLock { $0 })
        #expect(await queue.nextBatch(maxCount: 10) == [3])
    }

    @Test func aWaitingConsumerWakesForTheNextElement() async {
        let queue = BatchQueue<String>(capacity: 10)
        let consumer = Task { await queue.nextBatch(maxCount: 10) }
        await queue.enqueue("hit")
        #expect(await consumer.value == ["hit"])
    }

    @Test func finishingHandsOverWhatIsLeftThenEnds() async {
        let queue = BatchQueue<Int>(capacity: 10)
        await queue.enqueue(1)
        queue.finish()
        await queue.enqueue(2)
        #expect(await queue.nextBatch(maxCount: 10) == [1, 2])
        #expect(await queue.nextBatch(maxCount: 10) == nil)
        let waiting = BatchQueue<Int>(capacity: 10)
        let consumer = Task { await waiting.nextBatch(maxCount: 10) }
        waiting.finish()
        #expect(await consumer.value == nil)
    }

    @Test(.timeLimit(.minutes(1))) func finishingEndsEveryWaitingConsumer() async {
        let queue = BatchQueue<Int>(capacity: 10)
        let consumers = (0..<3).map { _ in Task { await queue.nextBatch(maxCount: 10) } }
        queue.finish()
        for consumer in consumers {
            #expect(await consumer.value == nil)
        }
    }

    @Test(.timeLimit(.minutes(1))) func consumersSideBySideTakeEachElementOnce() async {
        let queue = BatchQueue<Int>(capacity: 16)
        let consumers = (0..<3).map { _ in
            Task {
                var taken: [Int] = []
                while let batch = await queue.nextBatch(maxCount: 5) { taken += batch }
                return taken
            }
        }
        for value in 0..<1_000 { await queue.enqueue(value) }
        queue.finish()
        var taken: [Int] = []
        for consumer in consumers { taken += await consumer.value }
        #expect(taken.sorted() == Array(0..<1_000))
    }

    /// A helper that waits for a backlog gets nothing while less is queued, then a batch as soon
    /// as its minimum is there; once finished it ends, leaving a short rest to the others, so
    /// a draining queue is taken in order.
    @Test(.timeLimit(.minutes(1))) func aConsumerWaitingForABacklogTakesNothingBelowIt() async {
        let queue = BatchQueue<Int>(capacity: 10)
        let helper = Task { await queue.nextBatch(maxCount: 10, atLeast: 3) }
        await queue.enqueue(1)
        await queue.enqueue(2)
        #expect(queue.depth == 2)
        await queue.enqueue(3)
        #expect(await helper.value == [1, 2, 3])
        let late = Task { await queue.nextBatch(maxCount: 10, atLeast: 3) }
        await queue.enqueue(4)
        queue.finish()
        #expect(await late.value == nil)
        #expect(await queue.nextBatch(maxCount: 10) == [4])
    }

    @Test func tryingToEnqueueNeverWaitsAndRefusesOnlyWhenFull() async {
        let queue = BatchQueue<Int>(capacity: 2)
        #expect(queue.tryEnqueue(1))
        #expect(queue.tryEnqueue(2))
        #expect(queue.tryEnqueue(3) == false)
        #expect(queue.depth == 2)
        #expect(await queue.nextBatch(maxCount: 1) == [1])
        #expect(queue.tryEnqueue(3))
        // During shutdown nothing in flight may be lost, full or not.
        queue.finish()
        #expect(queue.tryEnqueue(4))
        #expect(await queue.nextBatch(maxCount: 10) == [2, 3, 4])
    }

    @Test func tryingToEnqueueHandsStraightToAWaitingConsumer() async {
        let queue = BatchQueue<Int>(capacity: 1)
        let consumer = Task { await queue.nextBatch(maxCount: 10) }
        #expect(queue.tryEnqueue(7))
        #expect(await consumer.value == [7])
    }

    /// The redirect waits a short while for room, then gives up: the element is not queued.
    @Test func aBoundedWaitGivesUpWhenNoRoomComes() async {
        let queue = BatchQueue<Int>(capacity: 1)
        await queue.enqueue(1)
        #expect(await queue.enqueue(2, waitingAtMost: .milliseconds(20)) == false)
        #expect(queue.depth == 1)
        #expect(await queue.nextBatch(maxCount: 10) == [1])
        #expect(queue.depth == 0)
    }

    @Test func aBoundedWaitSucceedsWhenRoomComesInTime() async {
        let queue = BatchQueue<Int>(capacity: 1)
        await queue.enqueue(1)
        let producer = Task { await queue.enqueue(2, waitingAtMost: .seconds(30)) }
        while queue.depth < 2 { await Task.yield() }
        #expect(await queue.nextBatch(maxCount: 10) == [1])
        #expect(await producer.value)
        #expect(await queue.nextBatch(maxCount: 10) == [2])
    }
}
