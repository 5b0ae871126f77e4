import CompatAPI
import Foundation

/// Where an item sits in list order: its creation time, then its creation sequence. Tokens
/// carry a cursor rather than an offset, so conferences created while a client pages (churn
/// puts them at the front) never shift a page or repeat an item.
struct PageCursor: Comparable, Hashable, Sendable {
    var millis: Int64
    var sequence: Int

    init(millis: Int64, sequence: Int) {
        self.millis = millis
        self.sequence = sequence
    }

    init(date: Date, sequence: Int) {
        self.init(millis: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)), sequence: sequence)
    }

    static func < (a: PageCursor, b: PageCursor) -> Bool {
        (a.millis, a.sequence) < (b.millis, b.sequence)
    }
}

/// `PA…` (the page after a cursor) or `PB…` (the page before one), as the spec requires.
struct PageToken: Hashable, Sendable {
    enum Direction: String, Sendable {
        case after = "PA"
        case before = "PB"
    }

    var direction: Direction
    var cursor: PageCursor

    var encoded: String {
        direction.rawValue + String(cursor.millis, radix: 36) + "_" + String(cursor.sequence, radix: 36)
    }

    init(direction: Direction, cursor: PageCursor) {
        self.direction = direction
        self.cursor = cursor
    }

    init?(parsing text: String) {
        guard text.count > 2, let direction = Direction(rawValue: String(text.prefix(2))) else { return nil }
        let parts = text.dropFirst(2).split(separator: "_")
        guard parts.count == 2, let millis = Int64(parts[0], radix: 36), let sequence = Int(parts[1], radix: 36)
        else { return nil }
        self.init(direction: direction, cursor: PageCursor(millis: millis, sequence: sequence))
    }
}

/// Which page a list request asks for.
struct PageRequest: Sendable {
    static let defaultSize = 50
    static let sizeRange = 1...1000

    var page: Int = 0
    var pageSize: Int = PageRequest.defaultSize
    var token: PageToken?
}

/// One page cut from a list, and whether there are items on either side of it.
struct PageSlice<Item> {
    var items: [Item]
    var firstCursor: PageCursor?
    var lastCursor: PageCursor?
    var hasNext: Bool
    var hasPrevious: Bool
}

enum Paging {
    /// Cuts a page from `items`, which are already in list order: newest first when
    /// `descending`, oldest first otherwise.
    static func slice<Item>(
        _ items: [Item], cursor: (Item) -> PageCursor, descending: Bool, request: PageRequest
    ) -> PageSlice<Item> {
        // "a is listed before b"
        let listedBefore: (PageCursor, PageCursor) -> Bool = descending ? { $0 > $1 } : { $0 < $1 }
        let range: Range<Int>
        switch request.token {
        case nil:
            let (offset, overflow) = request.page.multipliedReportingOverflow(by: request.pageSize)
            let start = overflow ? items.count : min(offset, items.count)
            range = start..<min(start + request.pageSize, items.count)
        case .some(let token) where token.direction == .after:
            let start = items.firstIndex { listedBefore(token.cursor, cursor($0)) } ?? items.count
            range = start..<min(start + request.pageSize, items.count)
        case .some(let token):
            let end = items.firstIndex { !listedBefore(cursor($0), token.cursor) } ?? items.count
            range = max(0, end - request.pageSize)..<end
        }
        let page = Array(items[range])
        return PageSlice(
            items: page, firstCursor: page.first.map(cursor), lastCursor: page.last.map(cursor),
            hasNext: !page.isEmpty && range.upperBound < items.count, hasPrevious: range.lowerBound > 0)
    }

    /// Builds the envelope's links. `filters` are the list's own query parameters, carried on
    /// every link so that following `next_page_uri` verbatim keeps the same filter.
    static func page<Item: PagedResource>(
        _ slice: PageSlice<Item>, path: String, filters: [(String, String)], request: PageRequest
    ) -> ListPage<Item> {
        func link(page: Int, token: PageToken?) -> String {
            var query = filters
            query.append(("Page", String(page)))
            query.append(("PageSize", String(request.pageSize)))
            if let token { query.append(("PageToken", token.encoded)) }
            return path + "?" + FormEncoding.encode(query)
        }
        let next = slice.hasNext ? slice.lastCursor.map { PageToken(direction: .after, cursor: $0) } : nil
        let previous = slice.hasPrevious ? slice.firstCursor.map { PageToken(direction: .before, cursor: $0) } : nil
        return ListPage(
            items: slice.items,
            uri: link(page: request.page, token: request.token),
            firstPageUri: link(page: 0, token: nil),
            nextPageUri: next.map { link(page: request.page + 1, token: $0) },
            previousPageUri: previous.map { link(page: max(request.page - 1, 0), token: $0) },
            page: request.page, pageSize: request.pageSize)
    }
}
