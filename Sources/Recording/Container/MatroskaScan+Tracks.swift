extension MatroskaScan.Reader {
    mutating func readInfo(_ range: Range<Int>, into scan: inout MatroskaScan) {
        for child in children(of: range) where child.id == ID.timestampScale {
            if let scale = EBMLReader.uint(bytes, child.data), scale > 0 { scan.timestampScale = scale }
        }
    }

    mutating func readTracks(_ range: Range<Int>, into scan: inout MatroskaScan) {
        for entry in children(of: range) where entry.id == ID.trackEntry {
            var track = MatroskaScan.Track(number: 0, type: 0, codecID: "", codecPrivate: nil, pixelWidth: 0,
                                           pixelHeight: 0, channels: 0, samplingFrequency: 0, codecDelay: 0)
            for field in children(of: entry.data) {
                switch field.id {
                case ID.trackNumber: track.number = EBMLReader.uint(bytes, field.data) ?? 0
                case ID.trackType: track.type = EBMLReader.uint(bytes, field.data) ?? 0
                case ID.codecID: track.codecID = EBMLReader.string(bytes, field.data) ?? ""
                case ID.codecPrivate: track.codecPrivate = Array(bytes[field.data])
                case ID.codecDelay: track.codecDelay = EBMLReader.uint(bytes, field.data) ?? 0
                case ID.video:
                    for setting in children(of: field.data) {
                        let value = Int(clamping: EBMLReader.uint(bytes, setting.data) ?? 0)
                        if setting.id == ID.pixelWidth { track.pixelWidth = value }
                        if setting.id == ID.pixelHeight { track.pixelHeight = value }
                    }
                case ID.audio:
                    for setting in children(of: field.data) {
                        if setting.id == ID.channels {
                            track.channels = Int(clamping: EBMLReader.uint(bytes, setting.data) ?? 0)
                        }
                        if setting.id == ID.samplingFrequency {
                            let value = EBMLReader.float(bytes, setting.data) ?? 0
                            track.samplingFrequency = value.isFinite ? value : 0
                        }
                    }
                default:
                    break
                }
            }
            scan.tracks.append(track)
        }
    }

    /// The whole, known-size children of a master element's data; stops at the
    /// first that is not.
    func children(of range: Range<Int>) -> [(id: UInt32, data: Range<Int>)] {
        var result: [(id: UInt32, data: Range<Int>)] = []
        var offset = range.lowerBound
        while offset < range.upperBound {
            guard let child = try? EBMLReader.header(in: bytes, at: offset), let end = child.dataEnd,
                  end <= range.upperBound else { break }
            result.append((child.id, child.dataStart..<end))
            offset = end
        }
        return result
    }
}
