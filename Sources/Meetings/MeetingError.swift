/// A meeting rule an edit breaks: the field it is about (as the API names
/// it, e.g. `recurrence.count`) and a sentence a person can act on. The web
/// app answers it as a 422 `validation_failed` on that field.
public struct MeetingError: Error, Sendable, Equatable {
    /// The field, as the API names it.
    public var field: String
    /// What is wrong, in a sentence a person can act on.
    public var message: String

    /// The rule `field` breaks, said as `message`.
    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}
