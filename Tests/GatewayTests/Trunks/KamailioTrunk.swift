import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Debian's Kamailio standing in for a carrier or a PBX on its own
/// loopback address: a registrar and proxy that challenges Parley's
/// REGISTER and dial-out INVITEs with its own credentials, relays calls to
/// its numbers to Parley, and answers Parley's challenges with `uac_auth`.
final class KamailioTrunk: @unchecked Sendable {
    let host: String
    let port: Int
    private let process: Process
    private let directory: URL
    let log: URL

    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/kamailio") }

    /// `routing` is the body of `request_route` after REGISTER and in-dialog
    /// requests are dealt with; `credentials` what `uac_auth` answers
    /// Parley's challenges with ("user:realm:password"), if anything.
    init(host: String, port: Int, realm: String, registrar: (user: String, password: String)?,
         credentials: String?, routing: String) throws {
        self.host = host
        self.port = port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kamailio-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let register = registrar.map { r in """
                if (!pv_www_authenticate("\(realm)", "\(r.password)", "0")) { www_challenge("\(realm)", "0"); exit; }
                if ($au != "\(r.user)") { sl_send_reply("403", "Wrong user"); exit; }
                save("location");
                exit;
            """ } ?? #"sl_send_reply("405", "No registrar here"); exit;"#
        let config = """
            #!KAMAILIO
            debug=2
            log_stderror=yes
            children=1
            disable_tcp=yes
            auto_aliases=no
            listen=udp:\(host):\(port)
            mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
            loadmodule "kex.so"
            loadmodule "corex.so"
            loadmodule "tm.so"
            loadmodule "tmx.so"
            loadmodule "sl.so"
            loadmodule "rr.so"
            loadmodule "pv.so"
            loadmodule "maxfwd.so"
            loadmodule "usrloc.so"
            loadmodule "registrar.so"
            loadmodule "textops.so"
            loadmodule "siputils.so"
            loadmodule "xlog.so"
            loadmodule "auth.so"
            loadmodule "uac.so"
            loadmodule "dialog.so"
            modparam("usrloc", "db_mode", 0)
            # uac_auth's retry must carry the next CSeq, or Parley sees the
            # challenged INVITE again (482, RFC 3261 §8.2.2.2): the dialog
            # module keeps the difference for the rest of the dialog.
            modparam("dialog", "track_cseq_updates", 1)
            \(credentials.map { "modparam(\"uac\", \"credential\", \"\($0)\")" } ?? "")

            request_route {
                xlog("L_NOTICE", "request $rm $ru from $si:$sp\\n");
                if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
                if (is_method("REGISTER")) {
                    \(register)
                }
                if (has_totag()) {
                    if (loose_route()) { t_relay(); exit; }
                    if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
                    sl_send_reply("404", "Not here");
                    exit;
                }
                if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
                if (is_method("INVITE")) { record_route(); dlg_manage(); }
                \(routing)
            }

            onreply_route {
                xlog("L_NOTICE", "reply $rs $rr from $si:$sp\n");
            }

            failure_route[ANSWER_CHALLENGE] {
                if (t_check_status("401|407")) {
                    xlog("L_NOTICE", "challenged by $si: answering with uac_auth\\n");
                    if (uac_auth()) { t_relay(); }
                }
            }
            """
        let file = directory.appendingPathComponent("kamailio.cfg")
        try config.write(to: file, atomically: true, encoding: .utf8)
        log = directory.appendingPathComponent("kamailio.log")
        process = try Self.launch(file: file, defines: [], directory: directory, log: log)
    }

    /// Kamailio with a configuration file of its own (`Config/kamailio/`),
    /// its `#!define`s set with `-A NAME=VALUE`.
    init(configFile: URL, defines: [String], host: String, port: Int) throws {
        self.host = host
        self.port = port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kamailio-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        log = directory.appendingPathComponent("kamailio.log")
        process = try Self.launch(file: configFile, defines: defines, directory: directory, log: log)
    }

    /// A scratch file beside Kamailio's own (a dispatcher list).
    func scratch(_ name: String) -> URL { directory.appendingPathComponent(name) }

    private static func launch(file: URL, defines: [String], directory: URL, log: URL) throws -> Process {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        // Through python3, which clears the signal mask first: a child
        // inherits the mask of the thread that spawned it, and Dispatch's
        // worker threads block SIGALRM and friends, which left Kamailio's
        // timer process stalled (no OPTIONS probes, no retransmissions).
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        let kamailio = ["/usr/sbin/kamailio", "-f", file.path, "-DD", "-E", "-Y", directory.path,
                        "-P", directory.appendingPathComponent("pid").path, "-w", directory.path] + defines.flatMap { ["-A", $0] }
        process.arguments = ["-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])"]
            + kamailio
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return process
    }

    /// Waits until Kamailio answers on its port (an OPTIONS gets any response).
    func ready() async throws {
        for _ in 0..<100 {
            if logText.contains("probe_max_receive_buffer") || logText.contains("SO_RCVBUF is finally") { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw KamailioError(log: logText)
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Stops Kamailio (SIGTERM; it stops its children) and waits for it
    /// without parking a thread: `Process.waitUntilExit` spins a run loop
    /// on the caller's thread, which would starve the test's other tasks.
    func stop() async {
        if process.isRunning {
            process.terminate()
            for _ in 0..<100 where process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    static func freeUDPPort(host: String) throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var addr = RawSIPClient.loopback(port: 0, host: host)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: local.sin_port))
    }
}

struct KamailioError: Error, CustomStringConvertible {
    let log: String
    var description: String { "Kamailio did not start:\n" + log.suffix(3000) }
}
