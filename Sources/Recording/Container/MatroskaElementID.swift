/// The EBML and Matroska element IDs this module writes or reads (RFC 8794 §11.2
/// for the EBML header, RFC 9559 §5.1 for the Matroska elements).
///
/// An ID is kept as its bytes on the wire read big-endian: the VINT marker bits
/// are part of the value (0x1A45DFA3 is written as 1A 45 DF A3).
public enum MatroskaElementID {
    // EBML header (RFC 8794 §11.2).
    public static let ebml: UInt32 = 0x1A45_DFA3
    public static let ebmlVersion: UInt32 = 0x4286
    public static let ebmlReadVersion: UInt32 = 0x42F7
    public static let ebmlMaxIDLength: UInt32 = 0x42F2
    public static let ebmlMaxSizeLength: UInt32 = 0x42F3
    public static let docType: UInt32 = 0x4282
    public static let docTypeVersion: UInt32 = 0x4287
    public static let docTypeReadVersion: UInt32 = 0x4285
    /// Void: filler anywhere (RFC 8794 §11.3.2).
    public static let void: UInt32 = 0xEC
    public static let crc32: UInt32 = 0xBF

    // Segment and its top-level children (RFC 9559 §5.1).
    public static let segment: UInt32 = 0x1853_8067
    public static let seekHead: UInt32 = 0x114D_9B74
    public static let info: UInt32 = 0x1549_A966
    public static let tracks: UInt32 = 0x1654_AE6B
    public static let cluster: UInt32 = 0x1F43_B675
    public static let cues: UInt32 = 0x1C53_BB6B
    public static let chapters: UInt32 = 0x1043_A770
    public static let tags: UInt32 = 0x1254_C367
    public static let attachments: UInt32 = 0x1941_A469

    // Info (RFC 9559 §5.1.2).
    public static let timestampScale: UInt32 = 0x2A_D7B1
    public static let duration: UInt32 = 0x4489
    public static let muxingApp: UInt32 = 0x4D80
    public static let writingApp: UInt32 = 0x5741

    // Cluster (RFC 9559 §5.1.3).
    public static let timestamp: UInt32 = 0xE7
    public static let simpleBlock: UInt32 = 0xA3
    public static let blockGroup: UInt32 = 0xA0
    public static let block: UInt32 = 0xA1

    // Tracks (RFC 9559 §5.1.4).
    public static let trackEntry: UInt32 = 0xAE
    public static let trackNumber: UInt32 = 0xD7
    public static let trackUID: UInt32 = 0x73C5
    public static let trackType: UInt32 = 0x83
    public static let flagLacing: UInt32 = 0x9C
    public static let codecID: UInt32 = 0x86
    public static let codecPrivate: UInt32 = 0x63A2
    public static let codecDelay: UInt32 = 0x56AA
    public static let seekPreRoll: UInt32 = 0x56BB
    public static let defaultDuration: UInt32 = 0x23_E383
    public static let video: UInt32 = 0xE0
    public static let pixelWidth: UInt32 = 0xB0
    public static let pixelHeight: UInt32 = 0xBA
    public static let audio: UInt32 = 0xE1
    public static let samplingFrequency: UInt32 = 0xB5
    public static let channels: UInt32 = 0x9F

    /// Elements that may follow a Cluster at the Segment level: an element of
    /// unknown size ends where one of these (or another Cluster) starts
    /// (RFC 8794 §6.2, RFC 9559 §6.2).
    static let segmentChildren: Set<UInt32> = [
        seekHead, info, tracks, cluster, cues, chapters, tags, attachments,
    ]
}
