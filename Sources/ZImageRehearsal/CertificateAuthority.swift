import Crypto
package import Foundation
import SwiftASN1
import X509
import ZImage

/// A certificate authority made for one rehearsal and thrown away with it: a fresh P-256 key, never written anywhere, and
/// a self-signed certificate valid for a week, which clients are given (`--ca-file`) so that they verify the simulator's
/// certificates exactly as they verify DashScope's.
///
/// Certificates are made with swift-certificates, not the openssl command: the simulator then needs no program besides
/// itself, and the keys never touch the disk.
package struct CertificateAuthority: Sendable {
    /// A leaf certificate and its key, in PEM, as a TLS server loads them.
    struct Leaf: Sendable {
        /// The certificate, then the authority's (the chain a server sends).
        var certificateChainPEM: [String]
        /// The private key (PKCS #8).
        var privateKeyPEM: String
    }

    /// The authority's certificate, in PEM: what clients trust for the run.
    let certificatePEM: String
    private let certificate: Certificate
    private let key: Certificate.PrivateKey
    private let validity: ClosedRange<Date>

    /// Makes a new authority, valid from an hour ago (clock skew) for `days` days.
    init(name: String = "zimage rehearsal CA (throwaway)", days: Int = 7, now: Date = Date()) throws {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            OrganizationName("zimage")
            CommonName(name)
        }
        let validity = now.addingTimeInterval(-3600)...now.addingTimeInterval(Double(days) * 86_400)
        let signingKey = Certificate.PrivateKey(key)
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: signingKey.publicKey,
            notValidBefore: validity.lowerBound, notValidAfter: validity.upperBound, issuer: subject, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: signingKey.publicKey)
            },
            issuerPrivateKey: signingKey)
        self.key = signingKey
        self.certificate = certificate
        self.validity = validity
        self.certificatePEM = try certificate.serializeAsPEM().pemString + "\n"
    }

    /// When the authority's certificate expires.
    package var expires: Date { validity.upperBound }

    /// Issues a server certificate for `dnsNames`, with a fresh key.
    func issue(dnsNames: [String]) throws -> Leaf {
        let leafKey = P256.Signing.PrivateKey()
        let publicKey = Certificate.PrivateKey(leafKey).publicKey
        let subject = try DistinguishedName { CommonName(dnsNames.first ?? "simulator") }
        let authorityKeyID = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: validity.lowerBound, notValidAfter: validity.upperBound, issuer: certificate.subject,
            subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(dnsNames.map { GeneralName.dnsName($0) })
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
            },
            issuerPrivateKey: key)
        return Leaf(
            certificateChainPEM: [try leaf.serializeAsPEM().pemString, certificatePEM],
            privateKeyPEM: leafKey.pemRepresentation)
    }

    /// Writes the authority's certificate to `url` (atomically, replacing what was there): the file clients pass as
    /// `--ca-file`. The key is never written.
    package func writeCertificate(to url: URL) throws {
        try AtomicFile.write(Data(certificatePEM.utf8), to: url)
    }
}
