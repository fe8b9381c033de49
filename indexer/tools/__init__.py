"""Index tooling run from the command line: the index and searchability benchmarks, the demo's
shipped vectors, the static embedder's distillation, and the mail outbox's benchmark with its
local SMTP server. Nothing a request or an indexing job runs imports anything from here."""
