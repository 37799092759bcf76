import Foundation

/// One hit as it is logged: no IP, no user agent, no cookie (SPEC §2).
public struct ClickRecord: Sendable, Equatable {
    public var linkID: Int64
    public var occurredAt: Date
    public var verdict: HitVerdict
    public var gaStatus: GAStatus

    public init(linkID: Int64, occurredAt: Date, verdict: HitVerdict, gaStatus: GAStatus) {
        self.linkID = linkID
        self.occurredAt = occurredAt
        self.verdict = verdict
        self.gaStatus = gaStatus
    }
}

/// Takes clicks to be stored. Recording may wait when the store falls behind (back-pressure),
/// but never fails the caller: storage errors are the recorder's to handle.
public protocol ClickRecorder: Sendable {
    func record(_ click: ClickRecord) async
}
