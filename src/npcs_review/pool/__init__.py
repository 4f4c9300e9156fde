"""The pooled partnership database: layout, add, list, remove."""
