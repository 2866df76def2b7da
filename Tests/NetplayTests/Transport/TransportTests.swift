/// Namespace for the Transport layer's suites, so `swift test --filter Transport` selects
/// exactly them (test identifiers carry type names, not folder names).
enum TransportTests {}
