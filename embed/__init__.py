"""budgetkg.embed."""
