// `import NetplayReplication` is the experts' product: it must be usable on its own, so it
// re-exports the two lower-layer types its public API names (a state conforms to
// `Interpolatable`; a refused datagram carries a `WireError`) and nothing else of those layers.
@_exported import protocol NetplayBase.Interpolatable
@_exported import struct NetplayWire.WireError
