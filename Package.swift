// swift-tools-version: 6.2
import PackageDescription

/// Our own targets build in Swift 6 language mode with every warning an error;
/// dependencies are left to their own settings.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .treatAllWarnings(as: .error),
]

/// How the confdash binary is linked on Linux, for what an operator's dashboard keeps resident
/// (measured at 10,000 live conferences, BENCHMARKS.md, "Issue 15, session 14"):
/// - the Swift runtime and Foundation linked in, not loaded as eleven shared libraries: only the
///   parts confdash calls are kept, no relocations are applied to their data at every start, and
///   their code sits beside ours instead of in pages each library touches on its own (about
///   5 MiB less resident). The static Foundation's own dependencies are named because our
///   objects were compiled against the shared Foundation, whose module does not list them.
/// - lld with packed relative relocations (DT_RELR): the two megabytes of relocation records the
///   loader read at every start, and kept mapped, shrink to a few kilobytes (about 3 MiB less).
/// - no symbol of ours in the dynamic symbol table: the toolchain's static-stdlib arguments export
///   every one (`-export-dynamic`: 59,000 symbols, 5 MB of tables), and each library's lookups at
///   start touched them all (3.7 MiB resident). Nothing looks our symbols up by name: tests find
///   tests by section, a crash report reads the file's own symbol table. About 3.5 MiB less.
let residentLinking: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-static-stdlib", "-lCoreFoundation", "-l_FoundationCollections", "-l_FoundationCShims",
            "-l_FoundationICU", "-lstdc++",
            "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
        ], .when(platforms: [.linux]))
]

let package = Package(
    name: "confdash",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "confdash", targets: ["confdash"]),
        .library(name: "CompatAPI", targets: ["CompatAPI"]),
        .library(name: "Emulator", targets: ["Emulator"]),
        .library(name: "TerminalUI", targets: ["TerminalUI"]),
        .library(name: "DashboardCore", targets: ["DashboardCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/pointfreeco/swift-clocks", from: "1.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // libncursesw with a small shim for what Swift cannot import (see Sources/CNcurses/shim.h).
        .systemLibrary(name: "CNcurses", providers: [.apt(["libncurses-dev"])]),
        .target(
            name: "CompatAPI",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Emulator",
            dependencies: [
                "CompatAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The durable record of streams: the API cannot list them, so confdash remembers.
        .target(
            name: "Ledger",
            dependencies: [
                "CompatAPI",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // A child process for LedgerTests: several writers on one ledger file at once.
        .executableTarget(
            name: "ledger-writer",
            dependencies: ["Ledger", "CompatAPI"],
            swiftSettings: strict
        ),
        // The pure application core: state, messages, effects, update, keymap, forms. No I/O,
        // no clock, no HTTP server, no config parser: every behaviour is a function to test.
        .target(
            name: "DashboardCore",
            dependencies: ["CompatAPI", "Ledger"],
            swiftSettings: strict
        ),
        // The one place a mutation happens, for the dashboard and the CLI alike.
        .target(
            name: "OperatorActions",
            dependencies: ["CompatAPI", "Ledger"],
            swiftSettings: strict
        ),
        // The config file, resolution of every setting, secrets, state paths.
        .target(
            name: "Profiles",
            dependencies: [
                "CompatAPI",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict
        ),
        // Signed stream status callbacks into the ledger (Hummingbird lives here and in the emulator only).
        .target(
            name: "CallbackReceiver",
            dependencies: [
                "CompatAPI",
                "Ledger",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // `confdash receiver`: the team's headless callback service. Every profile's signed stream
        // callbacks into the store (checked as CallbackReceiver checks them), /healthz, Prometheus
        // /metrics, JSON log lines, graceful shutdown under swift-service-lifecycle.
        .target(
            name: "ReceiverService",
            dependencies: [
                "CallbackReceiver",
                "CompatAPI",
                "Ledger",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Runs the core's effects: the poller, action tasks, the ledger's changes, profile switching.
        .target(
            name: "DashboardRuntime",
            dependencies: [
                "DashboardCore",
                "OperatorActions",
                "CompatAPI",
                "Ledger",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TerminalUI",
            dependencies: ["CNcurses", "DashboardCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "confdash",
            dependencies: [
                "CompatAPI",
                "CallbackReceiver",
                "DashboardCore",
                "DashboardRuntime",
                "Emulator",
                "Ledger",
                "OperatorActions",
                "Profiles",
                "ReceiverService",
                "TerminalUI",
                "CNcurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict,
            linkerSettings: residentLinking
        ),
        // The benchmarks of BENCHMARKS.md (scripts/bench.sh runs them): never part of `swift test`.
        .executableTarget(
            name: "confdash-bench",
            dependencies: [
                "CompatAPI", "DashboardCore", "DashboardRuntime", "Emulator", "Ledger", "ReceiverService", "TerminalUI",
                "CNcurses",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/ConfdashBench",
            swiftSettings: strict
        ),
        .testTarget(
            name: "TerminalUITests",
            dependencies: ["TerminalUI", "DashboardCore", "CompatAPI", "Ledger"],
            exclude: ["Goldens"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["StoreTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: [
                "CallbackReceiver", "DashboardCore", "DashboardRuntime", "DashboardTestSupport", "OperatorActions",
                "Profiles", "CompatAPI", "Emulator", "Ledger", "TerminalUI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Conferences and participants built in code, shared by the core's and the runtime's tests.
        .target(
            name: "DashboardTestSupport",
            dependencies: ["DashboardCore", "CompatAPI"],
            path: "Tests/DashboardTestSupport",
            swiftSettings: strict
        ),
        // The pure core as functions: no terminal, no runtime, no store (the emulator only for its
        // seeded generator, which names the seed a failing randomized test replays).
        .testTarget(
            name: "DashboardCoreTests",
            dependencies: ["DashboardCore", "DashboardTestSupport", "CompatAPI", "Emulator", "Ledger"],
            swiftSettings: strict
        ),
        // The team receiver over real HTTP: the emulator's signed callbacks, forgeries, a store
        // held by another connection, graceful shutdown, its profiles and its log lines.
        .testTarget(
            name: "ReceiverServiceTests",
            dependencies: [
                "ReceiverService", "CallbackReceiver", "CompatAPI", "Emulator", "Ledger", "Profiles", "StoreTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LedgerTests",
            dependencies: [
                "Ledger", "CompatAPI", "StoreTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        // A real PostgreSQL server for the tests (initdb and pg_ctl in a temporary directory).
        .target(
            name: "StoreTestSupport",
            path: "Tests/StoreTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "CompatAPITests",
            dependencies: [
                "CompatAPI", "Emulator",
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EmulatorTests",
            dependencies: [
                "CompatAPI", "Emulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["validate_openapi.py"],
            swiftSettings: strict
        ),
    ]
)
