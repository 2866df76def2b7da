import Netplay
import NetplayReplication

/// Netplay's tick type. SkirmishCore names its own tick (a plain `UInt32`) `Tick` too, so
/// files that import both say which they mean.
typealias NetTick = NetplayReplication.Tick
