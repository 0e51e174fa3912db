import Foundation
import Testing

/// baresip as the tests run it: its own directory (config, accounts, a
/// silent 8 kHz source), on loopback, dialling `target` once it starts.
struct BaresipPhone {
    let directory: URL
    let port: Int
    let process: Process

    /// `extraConfig` lines go into the config (TLS files, modules);
    /// `account` is the accounts line.
    init(dialling target: String, account: String = "<sip:caller@127.0.0.1>;regint=0;audio_codecs=PCMU",
         modules: [String] = ["g711.so", "aufile.so"], extraConfig: [String] = [], in directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Longer than the call: baresip hangs up when its audio file ends, and
        // on a loaded machine a 1 s file ended before our BYE ("remote BYE").
        let wav = directory.appendingPathComponent("silence.wav")
        try SIPUserAgentBaresipTests.silentWAV(seconds: 20).write(to: wav)
        // baresip binds SIP over TLS on its SIP port + 1, so that one must be free too.
        port = try #require(SIPUserAgentBaresipTests.freePortWithFreeNeighbour())
        let config = ["poll_method epoll", "sip_listen 127.0.0.1:\(port)", "net_interface 127.0.0.1"] + extraConfig
            + ["audio_player alsa,null", "audio_source aufile,\(wav.path)", "audio_alert alsa,null",
               "module_path /usr/lib/baresip/modules"] + modules.map { "module \($0)" }
            + ["module_app account.so", "module_app menu.so"]
        try config.joined(separator: "\n").write(to: directory.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        try (account + "\n").write(to: directory.appendingPathComponent("accounts"), atomically: true, encoding: .utf8)
        try "".write(to: directory.appendingPathComponent("contacts"), atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/baresip")
        process.arguments = ["-4", "-f", directory.path, "-t", "15", "-e", "/dial \(target)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func stop() { if process.isRunning { process.terminate() } }
}
