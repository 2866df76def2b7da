import BenchmarkKit

/// The figures of issue 8, in the order the README lists them.
enum FigureCatalog {
    static func all(runs: Int) -> [Figure] {
        let heavyRuns = max(runs / 2, 3)
        return [
            Figure(
                key: "rtt", title: "Ping-pong round trip, reliable, 16 B",
                metrics: [
                    .init(name: "median", unit: "µs", higherIsBetter: false, decimals: 1),
                    .init(name: "p99", unit: "µs", higherIsBetter: false, decimals: 1),
                ],
                runs: runs, warmUp: true
            ) { contender in
                guard
                    let samples = try contender.roundTrips(
                        count: Workload.roundTripsPerRun, warmUp: Workload.warmUpRoundTrips)
                else { return nil }
                return [SampleStatistics.median(samples), SampleStatistics.percentile(samples, 0.99)]
            },
            Figure(
                key: "reliable", title: "One-way throughput, reliable-ordered, 16 B",
                metrics: [.init(name: "rate", unit: "msg/s", higherIsBetter: true, decimals: 0)],
                runs: runs, warmUp: true
            ) { contender in
                try contender.throughput(.reliableOrdered, messages: Workload.throughputMessages).map { [$0] }
            },
            Figure(
                key: "unreliable", title: "One-way throughput, unreliable, 16 B (delivered)",
                metrics: [.init(name: "rate", unit: "msg/s", higherIsBetter: true, decimals: 0)],
                runs: runs, warmUp: true
            ) { contender in
                try contender.throughput(.unreliable, messages: Workload.throughputMessages).map { [$0] }
            },
            Figure(
                key: "bulk", title: "16 MiB as 1 MiB reliable messages",
                metrics: [.init(name: "rate", unit: "MB/s", higherIsBetter: true, decimals: 1)],
                runs: heavyRuns, warmUp: true
            ) { contender in
                try contender.bulkTransfer(totalBytes: Workload.bulkTotalBytes, messageBytes: Workload.bulkMessageBytes)
                    .map { [$0 / 1e6] }
            },
            Figure(
                key: "connect", title: "Connections per second (handshake to first message)",
                metrics: [.init(name: "rate", unit: "conn/s", higherIsBetter: true, decimals: 0)],
                runs: runs, warmUp: true
            ) { contender in
                try contender.connectionsPerSecond(count: Workload.connectionsPerRun).map { [$0] }
            },
            Figure(
                key: "memory", title: "Host memory per idle connection, 256 clients",
                metrics: [
                    .init(name: "RSS", unit: "KiB/conn", higherIsBetter: false, decimals: 1),
                    .init(name: "RSS added per connection", unit: "KiB/conn", higherIsBetter: false, decimals: 2),
                ],
                runs: heavyRuns, warmUp: false
            ) { contender in
                // The host's whole growth over its clients, and the growth from half as many
                // clients to all of them over the clients added: the first charges each
                // connection a share of what a host costs with none (its thread's stack and
                // malloc arena, runtime caches: some 210–260 KiB for Netplay, 20 for ENet), the
                // second what one more connection costs.
                let key = ContenderCatalog.key(of: contender)
                let half = Workload.idleClients / 2
                let all = try HostProcess.measure(
                    contender, contenderKey: key, mode: .idle, clients: Workload.idleClients)
                let halfway = try HostProcess.measure(contender, contenderKey: key, mode: .idle, clients: half)
                guard let perConnection = all.bytesPerIdleConnection, let grown = all.idleGrowthBytes,
                    let grownHalfway = halfway.idleGrowthBytes
                else { return nil }
                return [perConnection / 1024, (grown - grownHalfway) / Double(Workload.idleClients - half) / 1024]
            },
            Figure(
                key: "cpu", title: "Host CPU, 64 clients: 60 Hz inputs, 30 Hz 128 B snapshots",
                metrics: [
                    .init(name: "CPU", unit: "% of a core", higherIsBetter: false, decimals: 1),
                    .init(name: "inputs", unit: "/s", higherIsBetter: true, decimals: 0),
                ],
                runs: heavyRuns, warmUp: false
            ) { contender in
                let result = try HostProcess.measure(
                    contender, contenderKey: ContenderCatalog.key(of: contender), mode: .load,
                    clients: Workload.loadClients)
                guard let cpu = result.cpuPercentOfCore, let inputs = result.inputsPerSecond else { return nil }
                return [cpu, inputs]
            },
        ]
    }
}
