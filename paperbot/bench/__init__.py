"""Benchmarks (`paperbot bench …`): programs that print figures, never timed test assertions."""
