/// A session's channel settings and the sizes derived from them, made once and shared by the
/// channel layer of every connection: a host with hundreds of peers holds one copy, not one
/// per peer (104 bytes each, inline in every peer's state).
package final class ChannelSettings: Sendable {
    package let config: ChannelConfig
    let geometry: ChannelGeometry

    package init(_ config: ChannelConfig) {
        self.config = config
        geometry = ChannelGeometry(config)
    }
}
