import Foundation
import Loop

public struct ProcessResult: Sendable, CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

/// Runs a program on its own thread (never a pool thread: it blocks); it is killed after `limit` seconds.
public func run(_ executable: String, _ arguments: [String], stdin: String? = nil, limit: Int = 60) async throws -> ProcessResult {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Result {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments
                let output = Pipe()
                let errors = Pipe()
                let input = Pipe()
                process.standardOutput = output
                process.standardError = errors
                process.standardInput = stdin == nil ? FileHandle.nullDevice : input
                let waitForExit = try process.launchForWaiting()
                if let stdin {
                    input.fileHandleForWriting.write(Data(stdin.utf8))
                    input.fileHandleForWriting.closeFile()
                }
                let killer = DispatchWorkItem { process.terminate() }
                DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(limit), execute: killer)
                let errorData = Locked(Data())
                let errorsDone = DispatchSemaphore(value: 0)
                Thread {
                    let data = errors.fileHandleForReading.readDataToEndOfFile()
                    errorData.withLock { $0 = data }
                    errorsDone.signal()
                }.start()
                let out = output.fileHandleForReading.readDataToEndOfFile()
                errorsDone.wait()
                waitForExit()
                killer.cancel()
                return ProcessResult(
                    status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                    stderr: String(decoding: errorData.withLock { $0 }, as: UTF8.self))
            })
        }.start()
    }
}

