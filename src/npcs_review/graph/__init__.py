"""The systemic factor graph: networkx bridge, analyses, layout and exports."""
