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

/// A failed system call, with the operation and `strerror(errno)`.
package struct POSIXFailure: Error, CustomStringConvertible {
    package let description: String

    package init(_ operation: String) {
        description = "\(operation): \(String(cString: strerror(errno)))"
    }
}
