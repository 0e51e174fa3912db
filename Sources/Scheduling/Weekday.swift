/// A day of the week, spelled as in RFC 5545 §3.3.10 (`BYDAY`, `WKST`).
///
/// Cases are in ISO order (Monday first), which is also the week start Parley uses
/// for weekly intervals (`WKST=MO`).
public enum Weekday: String, CaseIterable, Codable, Sendable {
    case MO, TU, WE, TH, FR, SA, SU

    /// 0 for Monday … 6 for Sunday.
    var index: Int {
        switch self {
        case .MO: 0
        case .TU: 1
        case .WE: 2
        case .TH: 3
        case .FR: 4
        case .SA: 5
        case .SU: 6
        }
    }

    /// The weekday with ISO index 0 (Monday) … 6 (Sunday); wraps any integer.
    init(index: Int) {
        self = Weekday.allCases[((index % 7) + 7) % 7]
    }

    /// English name for error messages ("Tuesday").
    var name: String {
        switch self {
        case .MO: "Monday"
        case .TU: "Tuesday"
        case .WE: "Wednesday"
        case .TH: "Thursday"
        case .FR: "Friday"
        case .SA: "Saturday"
        case .SU: "Sunday"
        }
    }
}
