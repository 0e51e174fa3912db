/// Parley's answer to a phone's offer: the SDP to put in the 200 OK and the
/// negotiated media.
public struct PhoneAnswer: Sendable, Equatable {
    /// The answer as a description.
    public var description: SessionDescription
    /// The negotiated audio stream.
    public var media: PhoneMedia

    /// The answer as SDP text (CRLF line endings), the body of the 200 OK.
    public var sdp: String { description.serialized }

    /// Creates an answer.
    public init(description: SessionDescription, media: PhoneMedia) {
        self.description = description
        self.media = media
    }
}
