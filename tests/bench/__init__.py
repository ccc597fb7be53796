"""The benchmark harness (bench/run.py) cannot rot: its check phase runs in the suite."""
