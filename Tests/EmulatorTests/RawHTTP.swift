import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP exchange over a plain loopback socket, read byte by byte as they arrive: what an
/// HTTP client library would hide (a body shorter than its Content-Length, a connection closed
/// mid-answer, an answer dribbled out in pieces) is exactly what the body faults are about.
struct RawExchange: Sendable {
    /// Every byte received, head and body.
    var bytes: [UInt8]
    /// When each read returned data, since the request was sent, and how many bytes it brought.
    var reads: [(at: Duration, count: Int)]
    /// The server closed the connection (a read returned end of file).
    var closedByServer: Bool

    var head: String {
        guard let end = headEnd else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    var body: [UInt8] {
        guard let end = headEnd else { return [] }
        return Array(bytes[(end + 4)...])
    }

    var status: Int? {
        head.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
    }

    func header(_ name: String) -> String? {
        for line in head.split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == name.lowercased() {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    private var headEnd: Int? {
        let marker: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where Array(bytes[index..<index + 4]) == marker { return index }
        return nil
    }

    /// Sends a GET and reads until the body is as long as its Content-Length says, the server
    /// closes, or `timeout` passes without a byte. Runs on a thread of its own: blocking socket
    /// calls must never hold the cooperative pool the emulator answers on.
    /// `progress`, when given, follows the exchange as it goes.
    static func get(
        port: Int, path: String, authorization: String, timeout: Duration = .seconds(10), progress: Progress? = nil
    ) async -> RawExchange {
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: \(authorization)\r\nAccept: application/json\r\n\r\n"
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                let result = exchange(port: port, request: request, timeout: timeout, progress: progress)
                progress?.end()
                continuation.resume(returning: result)
            }
            thread.start()
        }
    }

    /// What an exchange under way has received so far, for a test that moves the emulator's
    /// clock step by step and waits for each step's bytes to arrive.
    final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private var received = RawExchange(bytes: [], reads: [], closedByServer: false)
        private var over = false

        /// Body bytes received so far (0 until the whole head is in).
        var bodyCount: Int { lock.withLock { received.body.count } }
        /// The head's Content-Length, once the head is in.
        var contentLength: Int? { lock.withLock { received.headEnd == nil ? nil : received.header("Content-Length").flatMap(Int.init) } }
        /// The exchange is over: the body is complete, the server closed, or the wait timed out.
        var ended: Bool { lock.withLock { over } }

        fileprivate func update(_ exchange: RawExchange) { lock.withLock { received = exchange } }
        fileprivate func end() { lock.withLock { over = true } }
    }

    private static func exchange(port: Int, request: String, timeout: Duration, progress: Progress?) -> RawExchange {
        var result = RawExchange(bytes: [], reads: [], closedByServer: false)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return result }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return result }
        var wait = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else { return result }
        let started = ContinuousClock.now
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 {
                result.closedByServer = true
                break
            }
            guard count > 0 else { break }
            result.bytes += buffer[..<count]
            result.reads.append((ContinuousClock.now - started, count))
            progress?.update(result)
            if let length = result.header("Content-Length").flatMap(Int.init), result.headEnd != nil,
                result.body.count >= length
            {
                break
            }
        }
        return result
    }
}
