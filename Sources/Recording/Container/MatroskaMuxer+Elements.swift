extension MatroskaMuxer {
    /// The bytes before the first cluster: EBML header (RFC 8794 §11.2),
    /// Segment of unknown size, Info and Tracks (RFC 9559 §5.1).
    public static func header(for track: MatroskaTrack) -> [UInt8] {
        typealias ID = MatroskaElementID
        var out = EBMLWriter(reservingCapacity: 256)
        out.appendMaster(ID.ebml) { ebml in
            ebml.appendUInt(ID.ebmlVersion, 1)
            ebml.appendUInt(ID.ebmlReadVersion, 1)
            ebml.appendUInt(ID.ebmlMaxIDLength, 4)
            ebml.appendUInt(ID.ebmlMaxSizeLength, 8)
            ebml.appendString(ID.docType, track.docType)
            // Version 4 for CodecDelay/SeekPreRoll; readers need 2 (SimpleBlock).
            ebml.appendUInt(ID.docTypeVersion, 4)
            ebml.appendUInt(ID.docTypeReadVersion, 2)
        }
        // Unknown size: the segment grows until the process stops writing.
        out.appendID(ID.segment)
        out.appendUnknownSize()
        out.appendMaster(ID.info) { info in
            info.appendUInt(ID.timestampScale, 1_000_000) // block timestamps in milliseconds
            info.appendString(ID.muxingApp, "Parley")
            info.appendString(ID.writingApp, "Parley")
        }
        out.appendMaster(ID.tracks) { tracks in
            tracks.appendMaster(ID.trackEntry) { entry in
                entry.appendUInt(ID.trackNumber, 1)
                entry.appendUInt(ID.trackUID, 1)
                entry.appendUInt(ID.trackType, track.isVideo ? 1 : 2)
                entry.appendUInt(ID.flagLacing, 0)
                entry.appendString(ID.codecID, track.codecID)
                if let codecPrivate = track.codecPrivate { entry.appendBinary(ID.codecPrivate, codecPrivate) }
                if let codecDelay = track.codecDelay { entry.appendUInt(ID.codecDelay, codecDelay) }
                if let seekPreRoll = track.seekPreRoll { entry.appendUInt(ID.seekPreRoll, seekPreRoll) }
                switch track.kind {
                case let .video(width, height):
                    entry.appendMaster(ID.video) { video in
                        video.appendUInt(ID.pixelWidth, UInt64(max(width, 1)))
                        video.appendUInt(ID.pixelHeight, UInt64(max(height, 1)))
                    }
                case let .audio(samplingFrequency, channels):
                    entry.appendMaster(ID.audio) { audio in
                        audio.appendFloat(ID.samplingFrequency, samplingFrequency)
                        audio.appendUInt(ID.channels, UInt64(max(channels, 1)))
                    }
                }
            }
        }
        return out.bytes
    }

    /// A Cluster of unknown size and its Timestamp (absolute, milliseconds).
    static func appendClusterStart(to out: inout EBMLWriter, timestamp: Int64) {
        out.appendID(MatroskaElementID.cluster)
        out.appendUnknownSize()
        out.appendUInt(MatroskaElementID.timestamp, UInt64(max(timestamp, 0)))
    }

    /// A SimpleBlock (RFC 9559 §10.2): track number 1 as a VINT, the signed
    /// 16-bit timestamp relative to the cluster, flags (0x80 keyframe, no
    /// lacing), then the frame.
    static func appendSimpleBlock(to out: inout EBMLWriter, frame: [UInt8], relativeTimestamp: Int16, keyframe: Bool) {
        out.appendID(MatroskaElementID.simpleBlock)
        out.appendSize(UInt64(frame.count + 4))
        let relative = UInt16(bitPattern: relativeTimestamp)
        out.appendRaw([0x81, UInt8(relative >> 8), UInt8(relative & 0xFF), keyframe ? 0x80 : 0x00])
        out.appendRaw(frame)
    }
}
