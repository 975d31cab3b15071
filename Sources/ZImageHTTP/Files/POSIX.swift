#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `write(2)`, named so that it never resolves to a Swift method called `write` in the caller's scope.
package func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.write(descriptor, bytes, count)
    #else
        Darwin.write(descriptor, bytes, count)
    #endif
}

/// A failed system call, with the operation and why (`strerror` of the errno it failed with).
package struct POSIXFailure: Error, CustomStringConvertible {
    /// The failure in one sentence.
    package let description: String
    /// The errno, 0 when the failure was not a system call's.
    package let code: Int32

    /// The failure of `operation`, with the current `errno`: build it right after the failed call.
    package init(_ operation: String) {
        self.init(operation: operation, errno: errno)
    }

    /// The failure of `operation` with `errno`.
    package init(operation: String, errno: Int32) {
        code = errno
        description = "\(operation): \(String(cString: strerror(errno)))"
    }

    /// A failure that no errno describes.
    package init(operation: String, reason: String) {
        code = 0
        description = "\(operation): \(reason)"
    }
}
