"""Operator tooling run from the command line: the rebuild with a progress bar, the load test,
the fuzzer and the stress run. Request-handling code never imports anything from here."""
