"""Read: the answer reader, which scores each candidate passage for "does this give what is asked"."""
