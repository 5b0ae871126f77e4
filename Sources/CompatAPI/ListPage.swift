/// A resource that arrives in pages under a named array (`conferences`, `participants`).
public protocol PagedResource: Codable, Sendable {
    static var listKey: String { get }
}

extension Conference: PagedResource { public static let listKey = "conferences" }
extension Participant: PagedResource { public static let listKey = "participants" }

/// One page of a list, with the links the service gives to the pages around it.
public struct ListPage<Item: PagedResource>: Codable, Sendable {
    public var items: [Item]
    public var nextPageUri: String?
    public var page: Int
    public var pageSize: Int
    /// This client read the same bytes at the same URL last time (not part of the JSON): a
    /// list whose every page is reused is the list it read before.
    public var reused = false
    /// The links only the command line shows, in a box of their own and absent for a
    /// dashboard's read: the read cache keeps a page per conference, and these three strings
    /// were 48 of its bytes each.
    private var links: Links?

    private final class Links: Sendable {
        let uri: String
        let firstPageUri: String
        let previousPageUri: String?
        init(uri: String, firstPageUri: String, previousPageUri: String?) {
            self.uri = uri
            self.firstPageUri = firstPageUri
            self.previousPageUri = previousPageUri
        }
    }

    public var uri: String {
        get { links?.uri ?? "" }
        set { setLinks(uri: newValue, firstPageUri: firstPageUri, previousPageUri: previousPageUri) }
    }
    public var firstPageUri: String {
        get { links?.firstPageUri ?? "" }
        set { setLinks(uri: uri, firstPageUri: newValue, previousPageUri: previousPageUri) }
    }
    public var previousPageUri: String? {
        get { links?.previousPageUri }
        set { setLinks(uri: uri, firstPageUri: firstPageUri, previousPageUri: newValue) }
    }

    private mutating func setLinks(uri: String, firstPageUri: String, previousPageUri: String?) {
        links =
            uri.isEmpty && firstPageUri.isEmpty && previousPageUri == nil
            ? nil : Links(uri: uri, firstPageUri: firstPageUri, previousPageUri: previousPageUri)
    }

    public init(
        items: [Item], uri: String, firstPageUri: String, nextPageUri: String?, previousPageUri: String?,
        page: Int, pageSize: Int
    ) {
        self.items = items
        self.nextPageUri = nextPageUri
        self.page = page
        self.pageSize = pageSize
        setLinks(uri: uri, firstPageUri: firstPageUri, previousPageUri: previousPageUri)
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        items = Self.kept(try c.decodeIfPresent([LenientItem<Item>].self, forKey: Key(Item.listKey)) ?? [])
        nextPageUri = try c.decodeIfPresent(String.self, forKey: Key("next_page_uri"))
        page = try c.decodeIfPresent(Int.self, forKey: Key("page")) ?? 0
        pageSize = try c.decodeIfPresent(Int.self, forKey: Key("page_size")) ?? items.count
        // A dashboard's read follows only the next page, and the page stays in the read cache.
        if decoder.answerStrings == nil {
            setLinks(
                uri: try c.decodeIfPresent(String.self, forKey: Key("uri")) ?? "",
                firstPageUri: try c.decodeIfPresent(String.self, forKey: Key("first_page_uri")) ?? "",
                previousPageUri: try c.decodeIfPresent(String.self, forKey: Key("previous_page_uri")))
        }
    }

    /// The items that decoded, in an array of exactly their number: `compactMap` grows by
    /// doubling, and a conference's five participants sat in room for eight, which at 10,000
    /// conferences was six megabytes of nothing kept for as long as the rows.
    static func kept(_ lenient: [LenientItem<Item>]) -> [Item] {
        var items: [Item] = []
        items.reserveCapacity(lenient.count)
        for item in lenient { if let value = item.value { items.append(value) } }
        return items
    }

    // The spec requires next/previous links even when null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(items, forKey: Key(Item.listKey))
        try c.encode(uri, forKey: Key("uri"))
        try c.encode(firstPageUri, forKey: Key("first_page_uri"))
        try c.encode(nextPageUri, forKey: Key("next_page_uri"))
        try c.encode(previousPageUri, forKey: Key("previous_page_uri"))
        try c.encode(page, forKey: Key("page"))
        try c.encode(pageSize, forKey: Key("page_size"))
    }
}

/// Decodes one element of a page, yielding nil instead of failing the page when the element
/// is beyond repair (no sid at all).
struct LenientItem<Item: Decodable>: Decodable {
    let value: Item?
    init(from decoder: any Decoder) throws {
        value = try? Item(from: decoder)
    }
}

/// A list of conferences as read page by page. The pages are kept apart so that a caller who
/// learns the list is `unchanged` need not join (and copy) thousands of conferences again.
public struct ConferenceListing: Sendable {
    public var pages: [[Conference]]
    /// Every page came back byte for byte as this client last read it at the same URL.
    public var unchanged: Bool

    public init(pages: [[Conference]], unchanged: Bool) {
        self.pages = pages
        self.unchanged = unchanged
    }

    /// Every page's conferences in order; one page with any is handed over as it is, not copied.
    /// Joined into an array of exactly their number: `Array(joined())` cannot know the count
    /// ahead and doubled as it grew, 16,384 conferences' room for 10,000, kept for as long as the
    /// list is (the poller's last list and the screen's rows are made from it).
    public var conferences: [Conference] {
        let filled = pages.filter { !$0.isEmpty }
        if filled.count == 1 { return filled[0] }
        var all: [Conference] = []
        all.reserveCapacity(filled.reduce(0) { $0 + $1.count })
        for page in filled { all += page }
        return all
    }
}
