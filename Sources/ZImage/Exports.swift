// The seam's types (`Transport`, `ClosureTransport`, `TransportError`, `JSONValue`) are part of this module's API: a file
// that imports ZImage can write a transport or read a JSON body without a second import.
@_exported public import ZImageHTTP
