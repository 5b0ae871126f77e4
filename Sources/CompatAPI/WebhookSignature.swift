import Crypto
import Foundation

/// The `X-SignalWire-Signature` of a webhook: base64(HMAC-SHA1(key, URL + sorted name/value
/// pairs)). On SignalWire the key is the project's Signing Key; on Twilio, the auth token.
public enum WebhookSignature {
    public static let headerName = "X-SignalWire-Signature"
    /// Validators accept Twilio's header as well.
    public static let twilioHeaderName = "X-Twilio-Signature"

    /// Signs a callback. `parameters` are the POST form fields; for a GET they are empty and
    /// the query is part of `url`.
    public static func compute(url: String, parameters: [(String, String)], key: String) -> String {
        var message = url
        // Sorted by name, then value, so repeated names sign the same whatever their order.
        for (name, value) in parameters.sorted(by: { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }) {
            message += name + value
        }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: Data(key.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// True when `signature` matches the URL as given, or the URL with its default port added
    /// or removed (proxies disagree on which one the sender saw).
    public static func verify(signature: String, url: String, parameters: [(String, String)], key: String) -> Bool {
        guard !signature.isEmpty, !key.isEmpty else { return false }
        for candidate in urlVariants(url) {
            let expected = compute(url: candidate, parameters: parameters, key: key)
            if constantTimeEqual(expected, signature) { return true }
        }
        return false
    }

    static func urlVariants(_ url: String) -> [String] {
        guard var components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            return [url]
        }
        let defaultPort = scheme == "https" ? 443 : scheme == "http" ? 80 : nil
        guard let defaultPort else { return [url] }
        var variants = [url]
        if components.port == nil {
            components.port = defaultPort
            if let withPort = components.string { variants.append(withPort) }
        } else if components.port == defaultPort {
            components.port = nil
            if let withoutPort = components.string { variants.append(withoutPort) }
        }
        return variants
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
