"""Analysis: school sites, proximity joins, distance rules, risk, hotspots."""
