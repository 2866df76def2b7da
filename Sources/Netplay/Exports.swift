// `import Netplay` is the front door: these layers' public declarations (addresses, messages,
// quantization, the bit coder, join strings, discovery, disconnect reasons, `Interpolatable`)
// are part of it. The replication layer is not re-exported: `NetWorld` wraps it, and experts
// who drive it by hand import the `NetplayReplication` product themselves.
// Everything else they share with this target is `package`: visible inside this package, never
// to a game. docs/ARCHITECTURE.md lists what each layer may import.
@_exported import NetplayBase
@_exported import NetplayDiscovery
@_exported import NetplayDrivers
@_exported import NetplayProtocol
@_exported import NetplayWire
