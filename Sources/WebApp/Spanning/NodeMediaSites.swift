import Rooms
import SFU

/// The `MediaSites` of a cluster node: the picker decides where a new
/// participant's media goes; another node's media is reached over HTTP.
struct NodeMediaSites: MediaSites {
    let picker: MediaSitePicker
    let forwarder: NodeForwarder

    var here: NodeReference { picker.here }

    func site(forJoinOf meetingID: String, arrivedThrough: String?) async -> NodeReference? {
        guard let chosen = await picker.choose(meetingID, arrivedThrough), chosen != here else { return nil }
        return chosen
    }

    func media(at node: NodeReference) -> any RoomMedia {
        RemoteRoomMedia(node: node, home: here, forwarder: forwarder)
    }
}
