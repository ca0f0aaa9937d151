"""POST /api/v1/match and GET /api/v1/criteria (filled in by the matcher work)."""
