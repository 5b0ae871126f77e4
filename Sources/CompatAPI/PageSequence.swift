/// Every page of a list, fetched one at a time as they are consumed, following the service's
/// `next_page_uri` verbatim.
public struct PageSequence<Item: PagedResource>: AsyncSequence, Sendable {
    public typealias Element = ListPage<Item>

    let client: CompatClient
    let firstPath: String
    let query: [(String, String)]
    let operation: String
    /// Strings the answers repeat that the caller already holds (`AnswerStrings`).
    var known: [String] = []

    public func makeAsyncIterator() -> Iterator {
        Iterator(
            client: client, next: .first(path: firstPath, query: query), operation: operation,
            firstURL: client.url(firstPath, query: query), known: known)
    }

    /// All items of all pages, in the service's order.
    public func collectItems() async throws -> [Item] {
        var items: [Item]?
        // The first page's own array, not a copy: a one-page answer (a conference's participants)
        // is then the very array the read cache keeps, not a second one beside it.
        for try await page in self {
            if items == nil { items = page.items } else { items! += page.items }
        }
        return items ?? []
    }

    public struct Iterator: AsyncIteratorProtocol {
        enum Next {
            case first(path: String, query: [(String, String)])
            case uri(String)
            case done
        }
        let client: CompatClient
        var next: Next
        let operation: String
        /// The first page's URL: the later pages are kept in the read cache by their place after it.
        let firstURL: String
        let known: [String]
        var index = 0
        var seen: Set<String> = []

        public mutating func next() async throws -> ListPage<Item>? {
            let page: ListPage<Item>
            switch next {
            case .done:
                return nil
            case .first(let path, let query):
                page = try await client.page(path: path, query: query, operation: operation, known: known)
            case .uri(let uri):
                page = try await client.page(
                    hostRelative: uri, slot: ReadCache.slot(first: firstURL, index: index), operation: operation,
                    known: known)
            }
            index += 1
            if let nextUri = page.nextPageUri, !nextUri.isEmpty {
                // A service that hands back a page it already gave would loop forever.
                guard seen.insert(nextUri).inserted else {
                    throw CompatError.unreadableResponse(status: 200, reason: "the service repeated page \(nextUri)")
                }
                next = .uri(nextUri)
            } else {
                next = .done
            }
            return page
        }
    }
}
