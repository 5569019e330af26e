"""The incentive finder: incentive clauses read from policies by rules, matched to a company profile, compared
across places — every figure traceable to the clause it came from."""
