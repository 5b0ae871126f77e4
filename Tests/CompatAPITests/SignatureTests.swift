import CompatAPI
import Foundation
import Testing

/// X-SignalWire-Signature: HMAC-SHA1 over the URL and the sorted POST parameters, base64.
struct SignatureTests {
    // Twilio's published example (same algorithm): URL, parameters and auth token as key.
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    let params = [
        ("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"), ("From", "+12349013030"),
        ("To", "+18005551212"),
    ]
    let key = "12345"

    @Test func computeMatchesPublishedVector() {
        #expect(WebhookSignature.compute(url: url, parameters: params, key: key) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    }

    @Test func parameterOrderDoesNotMatter() {
        let shuffled = params.reversed().map { $0 }
        #expect(
            WebhookSignature.compute(url: url, parameters: shuffled, key: key)
                == WebhookSignature.compute(url: url, parameters: params, key: key))
    }

    @Test func computeThenVerify() {
        let signature = WebhookSignature.compute(url: url, parameters: params, key: key)
        #expect(WebhookSignature.verify(signature: signature, url: url, parameters: params, key: key))
    }

    @Test func tamperedParameterIsRejected() {
        let signature = WebhookSignature.compute(url: url, parameters: params, key: key)
        var tampered = params
        tampered[2] = ("Digits", "1235")
        #expect(!WebhookSignature.verify(signature: signature, url: url, parameters: tampered, key: key))
    }

    @Test func addedParameterIsRejected() {
        let signature = WebhookSignature.compute(url: url, parameters: params, key: key)
        #expect(!WebhookSignature.verify(signature: signature, url: url, parameters: params + [("X", "1")], key: key))
    }

    @Test func tamperedURLIsRejected() {
        let signature = WebhookSignature.compute(url: url, parameters: params, key: key)
        #expect(
            !WebhookSignature.verify(
                signature: signature, url: "https://mycompany.com/myapp.php?foo=1&bar=3", parameters: params, key: key))
    }

    @Test func wrongKeyIsRejected() {
        let signature = WebhookSignature.compute(url: url, parameters: params, key: key)
        #expect(!WebhookSignature.verify(signature: signature, url: url, parameters: params, key: "12346"))
        #expect(!WebhookSignature.verify(signature: signature, url: url, parameters: params, key: ""))
        #expect(!WebhookSignature.verify(signature: "", url: url, parameters: params, key: key))
    }

    @Test func defaultPortVariantsVerify() {
        let signed = WebhookSignature.compute(url: "https://hooks.example.com:443/cb", parameters: params, key: key)
        #expect(WebhookSignature.verify(signature: signed, url: "https://hooks.example.com/cb", parameters: params, key: key))
        let plain = WebhookSignature.compute(url: "https://hooks.example.com/cb", parameters: params, key: key)
        #expect(WebhookSignature.verify(signature: plain, url: "https://hooks.example.com:443/cb", parameters: params, key: key))
    }
}
