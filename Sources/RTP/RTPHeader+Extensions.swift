// RFC 8285 header extension elements inside the RFC 3550 §5.3.1 extension block.

/// One RFC 8285 header extension element: its local id and where it sits.
public struct RTPHeaderExtensionElement: Sendable, Equatable {
    /// Local identifier: 1...14 in the one-byte form, 1...255 in the two-byte form.
    public var id: UInt8
    /// Offset of the element's header byte(s) (the id byte).
    public var headerOffset: Int
    /// The element data (1...16 bytes one-byte form, 0...255 bytes two-byte form).
    public var range: Range<Int>

    public init(id: UInt8, headerOffset: Int, range: Range<Int>) {
        self.id = id
        self.headerOffset = headerOffset
        self.range = range
    }
}

/// The elements of an RTP header extension, in order, without copying.
///
/// Stops quietly at the first malformed element, as RFC 8285 asks of receivers:
/// in the one-byte form at an id of 15 ("processing of the entire extension MUST
/// terminate at that point", §4.2) and, in both forms, at an element whose data
/// would run past the extension block. Bytes of value 0 are padding (§4.1: "a
/// padding byte does not supply the ID of an element, nor the length field") and
/// are skipped. A one-byte header with id 0 but a non-zero length field is not
/// padding and also ends the walk, as libwebrtc does.
public struct RTPHeaderExtensionElements: Sequence, IteratorProtocol {
    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private let end: Int
    private let twoByte: Bool

    /// Elements of `header`'s extension in `bytes` (empty for no extension or a
    /// profile other than one-byte/two-byte).
    public init(header: RTPHeader, bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        guard let range = header.extensionRange, let profile = header.extensionProfile,
              range.upperBound <= bytes.count,
              profile == RTPHeader.oneByteExtensionProfile || RTPHeader.twoByteExtensionProfiles.contains(profile)
        else {
            position = 0
            end = 0
            twoByte = false
            return
        }
        position = range.lowerBound
        end = range.upperBound
        twoByte = profile != RTPHeader.oneByteExtensionProfile
    }

    public mutating func next() -> RTPHeaderExtensionElement? {
        while position < end {
            let start = position
            let first = bytes[start]
            if first == 0 {
                position += 1 // padding
                continue
            }
            let id: UInt8
            let dataStart: Int
            let length: Int
            if twoByte {
                // RFC 8285 §4.3: 8-bit id, 8-bit length (0...255 data bytes).
                guard start + 2 <= end else { return stop() }
                id = first
                dataStart = start + 2
                length = Int(bytes[start + 1])
            } else {
                // RFC 8285 §4.2: 4-bit id, 4-bit length = data bytes minus one.
                id = first >> 4
                guard id != 0, id != 15 else { return stop() }
                dataStart = start + 1
                length = Int(first & 0x0F) + 1
            }
            guard dataStart + length <= end else { return stop() }
            position = dataStart + length
            return RTPHeaderExtensionElement(id: id, headerOffset: start, range: dataStart..<position)
        }
        return nil
    }

    private mutating func stop() -> RTPHeaderExtensionElement? {
        position = end
        return nil
    }
}

extension RTPHeader {
    /// Whether the extension uses RFC 8285's two-byte element form (§4.3); false
    /// for the one-byte form, for unknown profiles and without an extension.
    public var hasTwoByteExtensions: Bool {
        extensionProfile.map { Self.twoByteExtensionProfiles.contains($0) } ?? false
    }

    /// The elements of this packet's header extension (RFC 8285), in order.
    public func extensionElements(in bytes: UnsafeRawBufferPointer) -> RTPHeaderExtensionElements {
        RTPHeaderExtensionElements(header: self, bytes: bytes)
    }

    /// Range of the element data for header extension `id` (RFC 8285 §4.2 one-byte,
    /// §4.3 two-byte); nil if absent, if `id` is 0, or if the profile is neither
    /// form. With duplicate ids (not allowed by RFC 8285) the first wins.
    public func extensionElement(id: UInt8, in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        guard id != 0 else { return nil }
        for element in RTPHeaderExtensionElements(header: self, bytes: bytes) where element.id == id {
            return element.range
        }
        return nil
    }
}
