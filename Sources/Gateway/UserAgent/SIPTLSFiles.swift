import COpenSSL
import Foundation

/// The files sofia-sip's TLS transport reads: a directory holding
/// `agent.pem` (the private key and the certificate) and `cafile.pem` (the
/// CA list it verifies peers with; here the certificate itself, as phones
/// are not asked for certificates). Written from the operator's certificate
/// and key, which are checked first, so a wrong path or a key that does not
/// match fails the start with a sentence rather than a silent TLS outage.
public enum SIPTLSFiles {
    /// Why the certificate or key cannot be used.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// Checks `certificate` and `key` (PEM files) and writes the directory
    /// (mode 0700, files 0600). Only the first certificate of a chain is
    /// presented (sofia-sip loads one).
    public static func prepare(certificate: String, key: String, in directory: String) throws {
        let certificatePEM = try read(certificate, what: "certificate")
        let keyPEM = try read(key, what: "key")
        try check(certificatePEM: certificatePEM, keyPEM: keyPEM, certificatePath: certificate, keyPath: key)
        let files = FileManager.default
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                  attributes: [.posixPermissions: 0o700])
        try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
        for (name, contents) in [("agent.pem", keyPEM + "\n" + certificatePEM), ("cafile.pem", certificatePEM)] {
            let path = (directory as NSString).appendingPathComponent(name)
            try? files.removeItem(atPath: path)
            guard files.createFile(atPath: path, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw Problem(description: "cannot write \(path)")
            }
        }
    }

    private static func read(_ path: String, what: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Problem(description: "cannot read the \(what) file \(path)")
        }
        return text
    }

    /// The certificate parses, has not expired, and the key is its key.
    static func check(certificatePEM: String, keyPEM: String, certificatePath: String, keyPath: String) throws {
        let certificate: OpaquePointer? = certificatePEM.withCString { text in
            let bio = BIO_new_mem_buf(text, -1)
            defer { BIO_free(bio) }
            return PEM_read_bio_X509(bio, nil, nil, nil)
        }
        guard let certificate else { throw Problem(description: "\(certificatePath) holds no PEM certificate") }
        defer { X509_free(certificate) }
        let key: OpaquePointer? = keyPEM.withCString { text in
            let bio = BIO_new_mem_buf(text, -1)
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key else { throw Problem(description: "\(keyPath) holds no unencrypted PEM private key") }
        defer { EVP_PKEY_free(key) }
        guard X509_check_private_key(certificate, key) == 1 else {
            throw Problem(description: "the key in \(keyPath) is not the key of the certificate in \(certificatePath)")
        }
        if X509_cmp_current_time(X509_get0_notAfter(certificate)) < 0 {
            throw Problem(description: "the certificate in \(certificatePath) has expired")
        }
        ERR_clear_error()
    }
}
