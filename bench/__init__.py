"""The benchmark suite: each figure is a ratio against a baseline measured in the same run, on this machine."""
