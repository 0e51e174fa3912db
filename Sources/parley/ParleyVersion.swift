enum ParleyVersion {
    /// The version this build reports (node rows, `parley --version`).
    static let current = "0.9.0"
}
