"""A benchmark anyone can rerun: realistic data at scale, page timings, throughput, search quality."""
