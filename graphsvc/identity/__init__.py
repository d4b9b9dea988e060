"""Identity: which author mentions are one person and which records are one paper."""
