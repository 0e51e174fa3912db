import Meetings

extension APIError {
    /// The one place a broken meeting rule becomes an HTTP answer: 422
    /// `validation_failed` on the field the rule is about.
    init(_ error: MeetingError) {
        self = .validation(error.field, error.message)
    }
}
