"""budgetkg.graph."""
