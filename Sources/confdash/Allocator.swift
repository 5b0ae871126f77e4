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
    /// measurable; one arena (session 17) shares all free space between the threads, the
    /// small blocks still served from each thread's own cache without a lock, and the soak
    /// compares it with two (BENCHMARKS.md, "Soak results"). An operator's own
    /// MALLOC_ARENA_MAX wins.
    ///
    /// And a block of 128 KiB or more is always mapped on its own and handed back to the system
    /// when freed. glibc starts there but raises the bar each time such a block is freed, up to
    /// 32 MiB, after which a poll's large answers (a page of a thousand conferences is a megabyte)
    /// were carved out of the arenas, and the long-lived rows allocated around them kept the
    /// holes they left resident: at 10,000 conferences about 4 MiB of RSS after a minute and
    /// 10 MiB at the peak (BENCHMARKS.md, "Issue 15, session 14"). An operator's own
    /// GLIBC_TUNABLES or MALLOC_MMAP_THRESHOLD_ wins.
    static func shareArenas() {
        #if canImport(Glibc)
        // mallopt is declared in malloc.h, which the Glibc module leaves out: look it up.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let program = dlopen(nil, RTLD_NOW), let symbol = dlsym(program, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        if getenv("MALLOC_ARENA_MAX") == nil {
            let mArenaMax: Int32 = -8  // M_ARENA_MAX in malloc.h
            _ = mallopt(mArenaMax, 1)
        }
        if getenv("GLIBC_TUNABLES") == nil && getenv("MALLOC_MMAP_THRESHOLD_") == nil {
            let mMmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD in malloc.h
            _ = mallopt(mMmapThreshold, 128 * 1024)
        }
        #endif
    }
}
