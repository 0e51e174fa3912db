/// Who one simulated participant is and what it does.
public struct ParticipantPlan: Sendable {
    public var room: Int
    public var index: Int
    public var name: String
    public var publishes: Bool
    public var audio: Bool
    public var video: Bool
    /// Tile size sent with `layers.prefer` for every video (what the page's grid would show).
    public var tile: (width: Int, height: Int)

    public init(room: Int, index: Int, name: String, publishes: Bool, audio: Bool, video: Bool,
                tile: (width: Int, height: Int)) {
        self.room = room
        self.index = index
        self.name = name
        self.publishes = publishes
        self.audio = audio
        self.video = video
        self.tile = tile
    }
}
