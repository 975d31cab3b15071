// The Foundation-only helpers (temporary folders, the shared corpora) live in BasicTestSupport, which the seam's own
// tests use without the rest of the package; every other suite gets them through this module.
@_exported import BasicTestSupport
