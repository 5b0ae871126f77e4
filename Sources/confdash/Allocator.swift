#if canImport(Glibc)
import Glibc
#endif

/// How the C allocator is set up for a process that may stay open for days.
enum Allocator {
    /// glibc gives a thread that finds the allocator busy an arena of its own, up to eight per
    /// core, and each arena keeps the memory freed in it for itself. In a dashboard left open,
    /// that was most of what still grew: over the 25 minutes after warm-up of a 30-minute soak,
    /// anonymous memory grew 3.7 MiB with the default arenas (13 of them) and 1.9 MiB with two.
    /// confdash allocates little, on few threads at once, so two arenas cost it nothing
    /// measurable. An operator's own MALLOC_ARENA_MAX wins.
    static func shareArenas() {
        #if canImport(Glibc)
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        // mallopt is declared in malloc.h, which the Glibc module leaves out: look it up.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mArenaMax: Int32 = -8  // M_ARENA_MAX in malloc.h
        guard let program = dlopen(nil, RTLD_NOW), let symbol = dlsym(program, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(mArenaMax, 2)
        #endif
    }
}
