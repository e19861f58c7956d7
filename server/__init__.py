"""budgetkg.server."""
