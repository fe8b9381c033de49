"""Index tooling run from the command line: the index and searchability benchmarks, the demo's
shipped vectors and the static embedder's distillation. Nothing a request or an indexing job
runs imports anything from here."""
