"""What every domain app shares: the error family (errors.py) and the optimistic-locking
protocol (locking.py). No models, no views; imports nothing from the apps above it."""
