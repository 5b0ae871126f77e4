import Foundation
import Synchronization

/// What a dashboard's reads keep of each answer (`CompatClient(leanReads: true)`): the strings
/// repeated across one answer (the account sid, a participant list's conference sid, dates to the
/// second, numbers) are kept once and shared, a date is parsed once per answer, and the links
/// no screen follows (`uri`, `subresource_uris`) are left empty. At 10,000 conferences with 50,000
/// participants these copies were most of the dashboard's memory. The table lives for one answer
/// only, so nothing it holds outlives what was decoded.
///
/// It starts with the strings the reader already holds (`known`): the project ID, which is the
/// account sid of everything the service sends, and the sid of the conference whose participants
/// are read. Every answer repeats them, and without these each participant list kept a copy of
/// both for as long as its conference's row: two heap strings a conference, 1.6 MB at 10,000.
final class AnswerStrings: Sendable {
    private struct Tables {
        var strings: [String: String] = [:]
        var dates: [String: ServiceDate] = [:]
    }
    private let tables: Mutex<Tables>

    init(known: [String] = []) {
        var tables = Tables()
        for text in known where text.utf8.count > 15 { tables.strings[text] = text }
        self.tables = Mutex(tables)
    }

    /// The string this answer already holds with these characters, or this one, kept.
    func string(_ text: String) -> String {
        // Fifteen bytes or fewer are stored inside the String itself: nothing to share.
        guard text.utf8.count > 15 else { return text }
        return tables.withLock { t in
            if let known = t.strings[text] { return known }
            t.strings[text] = text
            return text
        }
    }

    /// The service date with this text, parsed once per answer.
    func date(_ raw: String) -> ServiceDate {
        tables.withLock { t in
            if let known = t.dates[raw] { return known }
            let date = ServiceDate(raw: raw)
            t.dates[raw] = date
            return date
        }
    }
}

extension CodingUserInfoKey {
    static let answerStrings = CodingUserInfoKey(rawValue: "confdash.answerStrings")!
}

extension Decoder {
    /// Present when the answer is decoded for a dashboard (`leanReads`).
    var answerStrings: AnswerStrings? { userInfo[.answerStrings] as? AnswerStrings }
}

extension KeyedDecodingContainer {
    /// A string field, shared through `strings` when there are any.
    func sharedString(_ key: Key, _ strings: AnswerStrings?) throws -> String? {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        return strings?.string(text) ?? text
    }

    /// A date field, parsed once per answer when there are `strings`.
    func sharedDate(_ key: Key, _ strings: AnswerStrings?) throws -> ServiceDate? {
        guard let strings else { return try decodeIfPresent(ServiceDate.self, forKey: key) }
        return try decodeIfPresent(String.self, forKey: key).map(strings.date)
    }
}
