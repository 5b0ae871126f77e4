import ArgumentParser
import Profiles

/// The callback receiver's flags, shared by the dashboard and by `info` (which shows the
/// settings the dashboard would run with).
struct CallbackOptions: ParsableArguments {
    @Option(help: "Turn on the stream status callback receiver, listening on HOST:PORT (needs the Signing Key: SIGNALWIRE_SIGNING_KEY or the profile's).")
    var callbackListen: String?

    @Option(help: "The public URL the service should call for stream status (default: the receiver's own address).")
    var callbackURL: String?

    /// These flags, plus the refresh interval, as the profile resolution takes them.
    func flags(refresh: Double?) -> ProfileFlags {
        ProfileFlags(refresh: refresh, callbackListen: callbackListen, callbackURL: callbackURL)
    }
}
