import Foundation
import NIOCore

/// Durations as Foundation and NIO want them: the settings speak `Duration`, AsyncHTTPClient `TimeAmount`.
extension Duration {
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        self = .nanoseconds(Int64(duration.seconds * 1e9))
    }
}
