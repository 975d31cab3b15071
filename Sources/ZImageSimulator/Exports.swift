// The simulation (DashScopeSimulation, backends, faults) is a module of its own, without NIO, so that the test harness
// can play it in-process; a program that serves it imports this module and gets both.
@_exported public import ZImageSimulation
