"""Who or what fits this? Ranked, explained matches for every docking direction, and their
measurement. Pure Python over the indexes and records: no Flask, no HTTP."""
