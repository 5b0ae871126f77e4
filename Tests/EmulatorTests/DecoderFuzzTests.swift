@testable import CompatAPI
import Emulator
import Foundation
import Testing

/// Real payloads from the emulator (which answers in the service's shapes), mutated thousands of
/// ways and fed to every response decoder: a decoder may refuse, never trap, and a refusal
/// becomes an operator's message that names what was wrong.
struct DecoderFuzzTests {
    typealias Generator = SeededGenerator

    /// A decoder under test: decodes the bytes, or says why not.
    struct Decoder {
        let name: String
        let decode: (Data) throws -> Void
        init<T: Decodable>(_ type: T.Type) {
            name = "\(T.self)"
            decode = { _ = try JSONDecoder().decode(T.self, from: $0) }
        }
    }

    /// Values that break assumptions: wrong types, huge and odd numbers, odd strings, nesting.
    static var oddValues: [Any] {
        [
        NSNull(), 0, -1, Int.max, Int.min, 1e308, -0.0, true, "", " ", "null", "9999999999999999999999",
        "Thu, 31 Feb 2026 25:61:61 +0000", "2026-13-45T99:99:99Z", "in-progress\u{0}", String(repeating: "é", count: 5000),
        "🚑東京\u{202E}", [Any](), [String: Any](), [[[[[1]]]]], ["status": "completed"],
        ]
    }

    static func mutateTree(_ value: Any, _ rng: inout Generator, depth: Int = 0) -> Any {
        if var object = value as? [String: Any], !object.isEmpty {
            let key = object.keys.sorted().randomElement(using: &rng)!
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: object.removeValue(forKey: key)
            case 1: object[key] = oddValues.randomElement(using: &rng)!
            case 2: object[key + "_extra"] = oddValues.randomElement(using: &rng)!
            default: object[key] = mutateTree(object[key]!, &rng, depth: depth + 1)
            }
            return object
        }
        if var array = value as? [Any], !array.isEmpty {
            let index = Int.random(in: 0..<array.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: array.remove(at: index)
            case 1: array.append(array[index])
            default: array[index] = mutateTree(array[index], &rng, depth: depth + 1)
            }
            return array
        }
        return oddValues.randomElement(using: &rng)!
    }

    static func mutateBytes(_ data: Data, _ rng: inout Generator) -> Data {
        var bytes = [UInt8](data)
        guard !bytes.isEmpty else { return data }
        let at = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: bytes[at] ^= UInt8.random(in: 1...255, using: &rng)  // a flipped byte
        case 1: bytes = Array(bytes[..<at])  // a truncated body
        case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...64, using: &rng)))
        case 3: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 32)], at: at)
        default: bytes.insert(contentsOf: [0xFF, 0xFE, 0xC3], at: at)  // invalid UTF-8
        }
        return Data(bytes)
    }

    @Test func mutatedPayloadsNeverTrapAndRefusalsSayWhy() async throws {
        try await withEmulator(EmulatorConfiguration(seed: 5, conferences: 6)) { api in
            let conference = await api.world.createConference(friendlyName: "Fuzz", participants: 3)
            let streamPath = "\(api.laml)/Conferences/\(conference.sid)/Streams"
            let started = try await api.postForm(
                streamPath, [("Url", "wss://media.example.com/x"), ("Name", "fuzz"), ("Track", "both_tracks")])
            let notFound = try await api.send("GET", "\(api.laml)/Conferences/CF00000000000000000000000000000000")
            let refused = try await api.postForm(streamPath, [("Url", "ws://insecure.example.com")])
            let corpus: [(String, Decoder)] = [
                (try await api.send("GET", "\(api.laml)/Conferences").body, Decoder(ListPage<Conference>.self)),
                (try await api.send("GET", "\(api.laml)/Conferences/\(conference.sid)").body, Decoder(Conference.self)),
                (try await api.send("GET", "\(api.laml)/Conferences/\(conference.sid)/Participants").body,
                 Decoder(ListPage<Participant>.self)),
                (started.body, Decoder(ConferenceStream.self)),
                (notFound.body, Decoder(ServiceError.self)),
                (refused.body, Decoder(ServiceError.self)),
            ]
            var rng = Generator(seed: 2026)
            var refusals = 0
            var accepted = 0
            for (body, decoder) in corpus {
                let original = Data(body.utf8)
                // The real payload decodes: the mutations start from something the decoder takes.
                #expect(throws: Never.self, "\(decoder.name) refuses the real payload") { try decoder.decode(original) }
                let tree = try JSONSerialization.jsonObject(with: original)
                for round in 0..<1500 {
                    // Let other tests' tasks run: the cooperative pool is one thread per core.
                    if round % 50 == 0 { await Task.yield() }
                    let mutated: Data
                    if round % 2 == 0 {
                        var value: Any = tree
                        for _ in 0..<Int.random(in: 1...3, using: &rng) { value = Self.mutateTree(value, &rng) }
                        mutated = try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
                    } else {
                        mutated = Self.mutateBytes(original, &rng)
                    }
                    do {
                        try decoder.decode(mutated)
                        accepted += 1
                    } catch {
                        refusals += 1
                        let message = CompatError.unreadableResponse(
                            status: 200, reason: "reading \(decoder.name): \(CompatClient.describe(error))"
                        ).operatorMessage
                        // Said in words: what was being read, and what was wrong with it.
                        #expect(message.contains(decoder.name) && message.count < 2000, "\(message)")
                        #expect(
                            ["malformed JSON", "missing field", "unexpected value", "date", "expected"].contains {
                                message.contains($0)
                            }, "\(message)")
                    }
                }
            }
            print("decoder fuzz: \(refusals) refused, \(accepted) decoded, none trapped")
            #expect(refusals > 1000)
        }
    }
}
