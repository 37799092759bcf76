/// Google Consent Mode v2's four signals for one visitor (docs/architecture.md, "Consent"). Unknown means denied.
public struct ConsentSignals: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case granted
        case denied
    }

    /// The signal names of the wire format, in the order Google documents them.
    public static let names = ["analytics_storage", "ad_storage", "ad_user_data", "ad_personalization"]
    public static let allDenied = ConsentSignals()
    public static let allGranted = ConsentSignals(
        analyticsStorage: .granted, adStorage: .granted, adUserData: .granted, adPersonalization: .granted)

    public var analyticsStorage: State
    public var adStorage: State
    public var adUserData: State
    public var adPersonalization: State

    public init(
        analyticsStorage: State = .denied, adStorage: State = .denied, adUserData: State = .denied,
        adPersonalization: State = .denied
    ) {
        self.analyticsStorage = analyticsStorage
        self.adStorage = adStorage
        self.adUserData = adUserData
        self.adPersonalization = adPersonalization
    }

    /// Analytics granted, and the three advertising signals set together: how the consent
    /// platforms' two categories (statistics, marketing) map onto Consent Mode.
    init(analytics: Bool, advertising: Bool) {
        let ads: State = advertising ? .granted : .denied
        self.init(analyticsStorage: analytics ? .granted : .denied, adStorage: ads, adUserData: ads, adPersonalization: ads)
    }

    public subscript(name: String) -> State? {
        get {
            switch name {
            case "analytics_storage": analyticsStorage
            case "ad_storage": adStorage
            case "ad_user_data": adUserData
            case "ad_personalization": adPersonalization
            default: nil
            }
        }
        set {
            guard let newValue else { return }
            switch name {
            case "analytics_storage": analyticsStorage = newValue
            case "ad_storage": adStorage = newValue
            case "ad_user_data": adUserData = newValue
            case "ad_personalization": adPersonalization = newValue
            default: break
            }
        }
    }

    /// Name and state of each signal, in `names` order.
    public var states: [(name: String, state: State)] {
        Self.names.map { ($0, self[$0]!) }
    }
}
