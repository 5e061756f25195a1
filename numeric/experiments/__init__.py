"""The torch experiments of the paper's Section V (torch is imported lazily inside them)."""
