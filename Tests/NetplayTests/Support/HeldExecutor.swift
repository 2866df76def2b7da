import Synchronization

/// A task executor that runs its jobs only when asked: a task preferring it stops between
/// its steps until the test runs them.
final class HeldExecutor: TaskExecutor, Sendable {
    private let jobs = Mutex<[UnownedJob]>([])

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
    }

    var pendingJobs: Int { jobs.withLock { $0.count } }

    /// Runs the jobs queued so far (not those they queue).
    func runJobs() {
        let taken = jobs.withLock { jobs -> [UnownedJob] in
            defer { jobs = [] }
            return jobs
        }
        for job in taken { job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}
