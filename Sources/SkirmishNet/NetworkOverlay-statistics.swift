import Netplay

extension NetworkOverlay {
    /// The overlay from the connections' own figures (headers, resends and replication
    /// included): the slowest and lossiest connection, and the traffic of all of them.
    init(players: Int, _ connections: [PeerStatistics]) {
        self.init()
        self.players = max(players, 1)
        let roundTrips = connections.map { $0.roundTripTime.secondsDouble * 1000 }.filter { $0 > 0 }
        roundTripMilliseconds = roundTrips.max()
        loss = connections.map(\.packetLoss).max()
        kilobitsSent = connections.map(\.bytesSentPerSecond).reduce(0, +) * 8 / 1000
        kilobitsReceived = connections.map(\.bytesReceivedPerSecond).reduce(0, +) * 8 / 1000
    }
}
