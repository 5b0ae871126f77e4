/// Numbers the two services write differently: SignalWire sends `duration` as an integer and a
/// recording's `price` as a string, Twilio sends `"duration": "20"` and numbers as strings or
/// numbers depending on the resource. One odd field must never fail a page, so these read
/// either form and give nil for anything else.
extension KeyedDecodingContainer {
    func lenientInt(_ key: Key) -> Int? {
        if let value = try? decodeIfPresent(Int.self, forKey: key) { return value }
        if let value = try? decodeIfPresent(Double.self, forKey: key), value.isFinite { return Int(value) }
        if let text = try? decodeIfPresent(String.self, forKey: key) {
            return Int(text) ?? Double(text).flatMap { $0.isFinite ? Int($0) : nil }
        }
        return nil
    }

    func lenientDouble(_ key: Key) -> Double? {
        if let value = try? decodeIfPresent(Double.self, forKey: key) { return value }
        if let text = try? decodeIfPresent(String.self, forKey: key) { return Double(text) }
        return nil
    }

    /// A string, or a number written as text (Twilio's `error_code` is an integer).
    func lenientString(_ key: Key) -> String? {
        if let value = try? decodeIfPresent(String.self, forKey: key) { return value }
        if let value = try? decodeIfPresent(Int.self, forKey: key) { return String(value) }
        if let value = try? decodeIfPresent(Double.self, forKey: key) { return String(value) }
        return nil
    }
}
