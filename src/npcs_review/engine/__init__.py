"""The classification engine: compiled criteria evaluated over a case, with traces."""
