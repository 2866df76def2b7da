/// The parts of a ``SessionReport`` both roles measure the same way: from the frames drawn.
struct ReportTally: Sendable {
    private(set) var report = SessionReport()
    private var roundTripSum = 0.0
    private var roundTripSamples = 0
    private var kilobitsSum = (sent: 0.0, received: 0.0)
    private var frames = 0

    mutating func record(_ view: FrameView) {
        report.maxPlayers = max(report.maxPlayers, view.players.count)
        report.maxCreeps = max(report.maxCreeps, view.creeps.count)
        report.maxEntities = max(report.maxEntities, view.players.count + view.creeps.count + view.bullets.count)
        report.maxWave = max(report.maxWave, view.wave)
        report.maxPacketLossShown = max(report.maxPacketLossShown, view.network.loss ?? 0)
        frames += 1
        kilobitsSum.sent += view.network.kilobitsSent
        kilobitsSum.received += view.network.kilobitsReceived
        report.kilobitsPerSecondSent = kilobitsSum.sent / Double(frames)
        report.kilobitsPerSecondReceived = kilobitsSum.received / Double(frames)
        if let rtt = view.network.roundTripMilliseconds {
            roundTripSum += rtt
            roundTripSamples += 1
            report.meanRoundTripMilliseconds = roundTripSum / Double(roundTripSamples)
            report.maxRoundTripMilliseconds = max(report.maxRoundTripMilliseconds ?? 0, rtt)
        }
    }
}
