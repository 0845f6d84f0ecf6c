"""The shared kernel: what every app of Link may use, and which knows no app above it."""
