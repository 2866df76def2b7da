"""PodSixNet side of netplay-bench: one figure per call, both ends in this process.

    python3 podsixnet_bench.py rtt <count> <warmup>       -> "result <µs> <µs> ..."
    python3 podsixnet_bench.py throughput <messages>      -> "result <messages per second>"
    python3 podsixnet_bench.py bulk <total> <message>     -> "result <bytes per second>"
    python3 podsixnet_bench.py connect <count>            -> "result <connections per second>"

PodSixNet is TCP (asynchat) with rencode framing, driven by Pump(); a game pumps its server
and client once a frame. Here the server and client are pumped alternately in one thread,
which is how a pygame host that is also a player runs it. Every loop has a deadline.
"""
import sys
import time

from PodSixNet.Channel import Channel
from PodSixNet.Connection import EndPoint
from PodSixNet.Server import Server

# A 16-byte payload, as every contender sends (rencode adds its own dict framing on top).
MESSAGE = b"\x01" * 16
# Bound on any single wait for the network, in seconds (as Workload.waitTimeoutSeconds).
WAIT_TIMEOUT = 10.0
# Bound on a whole measurement, in seconds (as Workload.runTimeoutSeconds).
RUN_TIMEOUT = 60.0
# Python moves ~10^4–10^5 messages/s: a run of this many takes seconds, not minutes.
MAX_THROUGHPUT_MESSAGES = 50_000
# Loopback only; port 0 lets the system pick a free one.
LOOPBACK = "127.0.0.1"


class EchoChannel(Channel):
    def Network_ping(self, data):
        self.Send(data)


class CountingChannel(Channel):
    def Network_data(self, data):
        self._server.received += 1
        self._server.received_bytes += len(data["payload"])


class BenchServer(Server):
    def __init__(self, channel_class):
        self.received = 0
        self.received_bytes = 0
        Server.__init__(self, channelClass=channel_class, localaddr=(LOOPBACK, 0))

    @property
    def port(self):
        return self.socket.getsockname()[1]

    def Connected(self, channel, addr):
        pass


class BenchClient(EndPoint):
    def __init__(self, port):
        EndPoint.__init__(self, (LOOPBACK, port))
        self.replies = 0
        self.DoConnect()

    def Network_ping(self, data):
        self.replies += 1


def pump_until(condition, pumpables, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("error timed out: " + what)
        for pumpable in pumpables:
            pumpable.Pump()


def connected_pair(channel_class):
    server = BenchServer(channel_class)
    client = BenchClient(server.port)
    pump_until(lambda: client.isConnected, (server, client), WAIT_TIMEOUT, "connect")
    return server, client


def round_trips(count, warmup):
    server, client = connected_pair(EchoChannel)
    samples = []
    for index in range(warmup + count):
        start = time.perf_counter_ns()
        expected = client.replies + 1
        client.Send({"action": "ping", "payload": MESSAGE})
        pump_until(lambda: client.replies >= expected, (client, server), WAIT_TIMEOUT, "echo")
        if index >= warmup:
            samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def transfer(messages, payload):
    server, client = connected_pair(CountingChannel)
    start = time.perf_counter()
    for _ in range(messages):
        client.Send({"action": "data", "payload": payload})
    pump_until(lambda: server.received >= messages, (client, server), RUN_TIMEOUT, "delivery")
    return time.perf_counter() - start, server


def connections(count):
    server = BenchServer(CountingChannel)
    joining = 0.0
    for index in range(count):
        start = time.perf_counter()
        client = BenchClient(server.port)
        pump_until(lambda: client.isConnected, (server, client), WAIT_TIMEOUT, "connect")
        client.Send({"action": "data", "payload": MESSAGE})
        pump_until(lambda: server.received > index, (client, server), WAIT_TIMEOUT, "first message")
        joining += time.perf_counter() - start
        client.close()
    return count / joining


def main(argv):
    figure = argv[1]
    if figure == "rtt":
        values = round_trips(int(argv[2]), int(argv[3]))
    elif figure == "throughput":
        messages = min(int(argv[2]), MAX_THROUGHPUT_MESSAGES)
        elapsed, _ = transfer(messages, MESSAGE)
        values = [messages / elapsed]
    elif figure == "bulk":
        total, size = int(argv[2]), int(argv[3])
        elapsed, server = transfer(total // size, bytes(size))
        values = [server.received_bytes / elapsed]
    elif figure == "connect":
        values = [connections(int(argv[2]))]
    else:
        raise SystemExit("error unknown figure " + figure)
    print("result " + " ".join("%.3f" % value for value in values))


if __name__ == "__main__":
    main(sys.argv)
