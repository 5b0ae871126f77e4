import CNcurses
import Testing

/// The heap figures the census log line carries come from the allocator itself: a block held
/// is counted, in the arenas or mapped on its own (other tests running beside can only add).
@Suite struct HeapFiguresTests {
    @Test func aBlockHeldIsCounted() {
        let size = 32 << 20
        let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { block.deallocate() }
        block.initializeMemory(as: UInt8.self, repeating: 1, count: size)
        var inUse = 0, free = 0, mapped = 0
        confdash_heap_figures(&inUse, &free, &mapped)
        #expect(inUse + mapped >= size)
        #expect(free >= 0)
    }
}
