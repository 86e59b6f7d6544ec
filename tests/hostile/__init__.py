"""Hostile input and faults: inputs made to cost a reader far more than their size (`make`),
and a command run in a subprocess with its peak resident memory measured (`measure`)."""
